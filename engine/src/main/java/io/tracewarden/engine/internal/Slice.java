package io.tracewarden.engine.internal;

/** A zero-copy window {@code [offset, offset + length)} of a string, as a CharSequence. */
public final class Slice implements CharSequence {
  private final String s;
  private final int offset;
  private final int length;

  public Slice(String s, int start, int end) {
    if (start < 0 || end > s.length() || start > end) {
      throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + s.length());
    }
    this.s = s;
    this.offset = start;
    this.length = end - start;
  }

  public int offset() {
    return offset;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return s.charAt(offset + index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new Slice(s, offset + start, offset + end);
  }

  @Override
  public String toString() {
    return s.substring(offset, offset + length);
  }
}
