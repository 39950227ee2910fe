package io.tracewarden.agent;

import io.tracewarden.engine.Finding;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A file's bytes seen as text, with a way back from char offsets to byte offsets. Valid UTF-8 is
 * decoded as such; anything else is read as ISO-8859-1, one char per byte, so that offsets and
 * rewriting stay exact for every byte sequence.
 */
final class TextFile {

  private final byte[] bytes;
  private final String text;
  private final boolean utf8;

  private TextFile(byte[] bytes, String text, boolean utf8) {
    this.bytes = bytes;
    this.text = text;
    this.utf8 = utf8;
  }

  static TextFile of(byte[] bytes) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return new TextFile(bytes, text, true);
    } catch (CharacterCodingException e) {
      return new TextFile(bytes, new String(bytes, StandardCharsets.ISO_8859_1), false);
    }
  }

  String text() {
    return text;
  }

  /** True when the content looks binary (a NUL byte early on), as git and gitleaks judge it. */
  boolean looksBinary() {
    for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** Byte offsets for char offsets; {@code charOffsets} must be ascending. */
  long[] byteOffsets(int[] charOffsets) {
    long[] result = new long[charOffsets.length];
    if (!utf8) {
      for (int i = 0; i < charOffsets.length; i++) {
        result[i] = charOffsets[i];
      }
      return result;
    }
    long bytePosition = 0;
    int charPosition = 0;
    for (int i = 0; i < charOffsets.length; i++) {
      while (charPosition < charOffsets[i]) {
        char c = text.charAt(charPosition);
        if (c < 0x80) {
          bytePosition += 1;
        } else if (c < 0x800) {
          bytePosition += 2;
        } else if (Character.isHighSurrogate(c) && charPosition + 1 < text.length()) {
          bytePosition += 4;
          charPosition++;
        } else {
          bytePosition += 3;
        }
        charPosition++;
      }
      result[i] = bytePosition;
    }
    return result;
  }

  /**
   * The original bytes with each finding's span replaced by its replacement, encoded in the
   * file's own reading; every byte outside the spans is copied unchanged.
   */
  byte[] rewrite(List<Finding> findings, List<String> replacements) {
    int[] offsets = new int[findings.size() * 2];
    for (int i = 0; i < findings.size(); i++) {
      offsets[2 * i] = findings.get(i).start();
      offsets[2 * i + 1] = findings.get(i).end();
    }
    long[] byteOffsets = byteOffsets(offsets);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    int copied = 0;
    for (int i = 0; i < findings.size(); i++) {
      int start = (int) byteOffsets[2 * i];
      out.write(bytes, copied, start - copied);
      out.writeBytes(replacements.get(i).getBytes(
          utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
      copied = (int) byteOffsets[2 * i + 1];
    }
    out.write(bytes, copied, bytes.length - copied);
    return out.toByteArray();
  }
}
