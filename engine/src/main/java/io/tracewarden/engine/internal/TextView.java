package io.tracewarden.engine.internal;

/**
 * A text being scanned: the input itself or a decoded form of (part of) its parent, with the
 * mapping of decoded offsets back to the parent.
 *
 * <p>Escape-decoded views (JSON, URL) record each decoded escape as (decoded offset, decoded
 * length, parent offset, parent length); chars between escapes map one to one. A span that
 * starts or ends inside an escape's output grows to the whole escape. Segment views (base64) map
 * every span to the whole encoded segment.
 */
public final class TextView {

  /** Which decoder produced a view. */
  public enum Kind { ROOT, JSON, URL, BASE64 }

  private final String text;
  private final TextView parent;
  private final Kind kind;
  private final int depth;
  private final int segmentStart;
  private final int segmentEnd;
  private final int[] escapes; // 4 ints per escape: dpos, dlen, ppos, plen
  private final int escapeCount;

  private TextView(String text, TextView parent, Kind kind, int segmentStart, int segmentEnd,
      int[] escapes, int escapeCount) {
    this.text = text;
    this.parent = parent;
    this.kind = kind;
    this.depth = parent == null ? 0 : parent.depth + 1;
    this.segmentStart = segmentStart;
    this.segmentEnd = segmentEnd;
    this.escapes = escapes;
    this.escapeCount = escapeCount;
  }

  /** The input text itself. */
  public static TextView root(String text) {
    return new TextView(text, null, Kind.ROOT, 0, text.length(), null, 0);
  }

  /** A view whose every span maps to {@code parent[start, end)}. */
  static TextView segment(TextView parent, String decoded, int start, int end) {
    return new TextView(decoded, parent, Kind.BASE64, start, end, null, 0);
  }

  /**
   * An escape-decoded view of {@code parent[start, end)}; escape positions ({@code ppos}) are
   * parent offsets.
   */
  static TextView escaped(TextView parent, Kind kind, String decoded, int start, int end,
      int[] escapes, int count) {
    return new TextView(decoded, parent, kind, start, end, escapes, count);
  }

  public String text() {
    return text;
  }

  public int depth() {
    return depth;
  }

  public Kind kind() {
    return kind;
  }

  /** True for views decoded from escapes (JSON, URL): text between escapes is the parent's. */
  public boolean isEscapeDecoded() {
    return kind == Kind.JSON || kind == Kind.URL;
  }

  /**
   * True when {@code [from, to)} lies inside this escape-decoded view and holds no decoded
   * escape, i.e. it is char for char the same text as its parent's at {@link #toRoot}'s mapping.
   */
  public boolean sameAsParent(int from, int to) {
    if (!isEscapeDecoded() || from < 0 || to > text.length() || from > to) {
      return false;
    }
    int k = lastEscapeAtOrBefore(to, true); // last escape starting before `to`
    return k < 0 || escapes[4 * k] + escapes[4 * k + 1] <= from;
  }

  /** Start of this view's text in its parent (escape-decoded views). */
  public int parentStart() {
    return segmentStart;
  }

  /** End of this view's text in its parent (escape-decoded views). */
  public int parentEnd() {
    return segmentEnd;
  }

  /** Number of decoded escapes (escape-decoded views). */
  public int escapeCount() {
    return escapeCount;
  }

  /** Where decoded escape {@code k} starts in this view's text. */
  public int escapeStart(int k) {
    return escapes[4 * k];
  }

  /** Where decoded escape {@code k} ends in this view's text. */
  public int escapeEnd(int k) {
    return escapes[4 * k] + escapes[4 * k + 1];
  }

  /** Where escape {@code k} starts in the parent's text. */
  public int escapeParentStart(int k) {
    return escapes[4 * k + 2];
  }

  /** Where escape {@code k} ends in the parent's text. */
  public int escapeParentEnd(int k) {
    return escapes[4 * k + 2] + escapes[4 * k + 3];
  }

  /** True when this view or an ancestor was decoded from JSON string escapes. */
  public boolean fromJson() {
    for (TextView v = this; v != null; v = v.parent) {
      if (v.kind == Kind.JSON) {
        return true;
      }
    }
    return false;
  }

  /**
   * Maps {@code [start, end)} of this view to the root text; returns {start, end} in {@code
   * out}.
   */
  public void toRoot(int start, int end, int[] out) {
    int s = start;
    int e = end;
    for (TextView v = this; v.parent != null; v = v.parent) {
      if (v.kind == Kind.BASE64) {
        s = v.segmentStart;
        e = v.segmentEnd;
      } else {
        int ps = v.mapStart(s);
        int pe = v.mapEnd(e);
        s = ps;
        e = pe;
      }
    }
    out[0] = s;
    out[1] = e;
  }

  private int mapStart(int i) {
    int k = lastEscapeAtOrBefore(i, false);
    if (k < 0) {
      return segmentStart + i;
    }
    int dpos = escapes[4 * k];
    int dlen = escapes[4 * k + 1];
    int ppos = escapes[4 * k + 2];
    int plen = escapes[4 * k + 3];
    return i < dpos + dlen ? ppos : ppos + plen + (i - dpos - dlen);
  }

  private int mapEnd(int e) {
    int k = lastEscapeAtOrBefore(e, true);
    if (k < 0) {
      return segmentStart + e;
    }
    int dpos = escapes[4 * k];
    int dlen = escapes[4 * k + 1];
    int ppos = escapes[4 * k + 2];
    int plen = escapes[4 * k + 3];
    return ppos + plen + Math.max(0, e - dpos - dlen);
  }

  /** Index of the last escape with dpos <= i (or dpos < i when strict), or -1. */
  private int lastEscapeAtOrBefore(int i, boolean strict) {
    int lo = 0;
    int hi = escapeCount - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int dpos = escapes[4 * mid];
      if (strict ? dpos < i : dpos <= i) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
