package io.tracewarden.recording.trail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Frames of a segment file: {@code length (u32 BE) | CRC32C of the body (u32 BE) | body}.
 */
public final class Frames {

  public static final int HEADER_BYTES = 8;
  /** Bodies larger than this are refused by writers and reported as damage by readers. */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private Frames() {}

  public static byte[] encode(byte[] body) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + body.length);
    frame.putInt(body.length);
    frame.putInt((int) crc(body));
    frame.put(body);
    return frame.array();
  }

  public static long crc(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    return crc.getValue();
  }

  /** One frame as found in a file. */
  public record Frame(long offset, byte[] body) {
    public long end() {
      return offset + HEADER_BYTES + body.length;
    }
  }

  /** Why scanning stopped before the end of a file. */
  public enum Damage {
    /** Fewer bytes than a header or than the declared body: what a crash mid-write leaves. */
    TORN,
    /** The body does not match its CRC32C. */
    CRC,
    /** The declared length is zero or larger than {@link #MAX_BODY_BYTES}. */
    LENGTH
  }

  /**
   * The frames of one segment up to the first damage.
   *
   * @param damageOffset where the first undecodable frame starts, or -1
   */
  public record Scan(Path file, long fileSize, List<Frame> frames, Damage damage,
      long damageOffset) {
    public boolean clean() {
      return damage == null;
    }

    public long validEnd() {
      return damage == null ? fileSize : damageOffset;
    }
  }

  public static Scan scan(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    List<Frame> frames = new ArrayList<>();
    while (in.hasRemaining()) {
      int offset = in.position();
      if (in.remaining() < HEADER_BYTES) {
        return new Scan(file, bytes.length, frames, Damage.TORN, offset);
      }
      long length = Integer.toUnsignedLong(in.getInt());
      long expectedCrc = Integer.toUnsignedLong(in.getInt());
      if (length == 0 || length > MAX_BODY_BYTES) {
        // A zero-filled tail (file extended, data never written) is a torn write too.
        boolean zeros = length == 0 && allZero(bytes, offset);
        return new Scan(file, bytes.length, frames, zeros ? Damage.TORN : Damage.LENGTH, offset);
      }
      if (in.remaining() < length) {
        return new Scan(file, bytes.length, frames, Damage.TORN, offset);
      }
      byte[] body = new byte[(int) length];
      in.get(body);
      if (crc(body) != expectedCrc) {
        return new Scan(file, bytes.length, frames, Damage.CRC, offset);
      }
      frames.add(new Frame(offset, body));
    }
    return new Scan(file, bytes.length, frames, null, -1);
  }

  private static boolean allZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
