package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
