package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64TextTest {

  @Test
  void utf8CheckAgreesWithTheJdksStrictDecoder() {
    Random random = new Random(42);
    byte[][] edges = {
      {}, {0x41}, {(byte) 0xC2, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF},
      {(byte) 0xE0, (byte) 0x9F, (byte) 0x80}, {(byte) 0xE0, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xED, (byte) 0x9F, (byte) 0xBF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF0, (byte) 0x8F, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF0, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0x80},
    };
    for (byte[] b : edges) {
      assertThat(Base64Text.isStrictUtf8(b)).as(java.util.Arrays.toString(b))
          .isEqualTo(jdkAccepts(b));
    }
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < b.length; i++) {
        // Mostly bytes around the interesting boundaries.
        b[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
      }
      assertThat(Base64Text.isStrictUtf8(b)).as(java.util.Arrays.toString(b))
          .isEqualTo(jdkAccepts(b));
    }
  }

  @Test
  void printableTextIsDecodedAndBinaryIsNot() {
    assertThat(Base64Text.printableUtf8("password=hunter2 \u00e9\u20ac".getBytes(
        StandardCharsets.UTF_8))).isEqualTo("password=hunter2 \u00e9\u20ac");
    assertThat(Base64Text.printableUtf8(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).isNull();
    assertThat(Base64Text.printableUtf8(new byte[] {(byte) 0xC3, 0x28})).isNull();
  }

  @Test
  void prefixCheckNeverRefusesWhatDecodesToUtf8() {
    Random random = new Random(11);
    int[] codePoints = {'a', '=', 0x7f, 0xe9, 0x7ff, 0x800, 0x20ac, 0xd7ff, 0xe000, 0xffff,
        0x10000, 0x1f600, 0x10ffff};
    int refused = 0;
    int accepted = 0;
    for (int round = 0; round < 100_000; round++) {
      byte[] b;
      if (random.nextBoolean()) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(12); i >= 0; i--) {
          sb.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        // Sometimes cut inside a sequence or flip a byte: invalid, but only past the prefix.
        b = java.util.Arrays.copyOf(text, Math.max(1, text.length - random.nextInt(2)));
        if (random.nextInt(4) == 0) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      } else {
        b = new byte[1 + random.nextInt(30)];
        random.nextBytes(b);
      }
      for (Base64.Encoder e : List.of(Base64.getEncoder().withoutPadding(),
          Base64.getUrlEncoder().withoutPadding())) {
        String encoded = e.encodeToString(b);
        boolean may = Base64Text.mayBeUtf8(encoded, 0, encoded.length());
        if (jdkAccepts(b)) {
          assertThat(may).as(java.util.Arrays.toString(b)).isTrue();
          accepted++;
        } else if (!may) {
          refused++;
        }
      }
    }
    assertThat(accepted).isGreaterThan(10_000);
    assertThat(refused).isGreaterThan(10_000);
  }

  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
