package io.tracewarden.engine.internal;

import java.util.Arrays;

/**
 * The keyword hits of one view, in the order {@link KeywordAutomaton} reports them: by end, then
 * by start (at one end, longer keywords first).
 *
 * <p>An escape-decoded view is mostly its parent's text again: {@link #ofChild} takes the
 * parent's hits between escapes and scans only around the escapes, instead of the whole view.
 */
public final class HitLog implements KeywordAutomaton.HitListener {

  private int[] hits = new int[3 * 16]; // keyword, start, end
  private int size;

  /** Where {@link #scan(KeywordAutomaton, String, boolean)} found long base64 runs, or null. */
  private int[] base64Runs;
  private int base64RunCount;

  /**
   * All hits in {@code text}; with {@code base64Runs}, also the long runs of base64 chars, found
   * in the same pass (see {@link Decoders#base64(TextView, HitLog, java.util.function.Consumer)}).
   */
  public static HitLog scan(KeywordAutomaton automaton, String text, boolean base64Runs) {
    HitLog log = new HitLog();
    if (base64Runs) {
      log.base64Runs = new int[8];
      automaton.scan(text, log, automaton.runChars(Base64Text.ALPHABET), Decoders.MIN_BASE64,
          log::addBase64Run);
    } else {
      automaton.scan(text, log);
    }
    return log;
  }

  private void addBase64Run(int position) {
    if (base64RunCount == base64Runs.length) {
      base64Runs = Arrays.copyOf(base64Runs, 2 * base64RunCount);
    }
    base64Runs[base64RunCount++] = position;
  }

  /** One position inside each run of at least {@link Decoders#MIN_BASE64} base64 chars. */
  int[] base64Runs() {
    return Arrays.copyOf(base64Runs, base64RunCount);
  }

  boolean hasBase64Runs() {
    return base64Runs != null;
  }

  /**
   * All hits in escape-decoded view {@code child}, given the hits of its parent: a hit between
   * two escapes is the parent's, shifted; only hits touching an escape need a scan (of the text
   * around it, one keyword length either side), and only if a keyword holds one of its chars.
   */
  public static HitLog ofChild(KeywordAutomaton automaton, HitLog parent, TextView child) {
    String t = child.text();
    int n = t.length();
    int escapes = child.escapeCount();
    HitLog shifted = new HitLog();
    int parentFrom = child.parentStart();
    int childFrom = 0;
    for (int k = 0; k <= escapes; k++) {
      int parentTo = k < escapes ? child.escapeParentStart(k) : child.parentEnd();
      int shift = parentFrom - childFrom;
      for (int h = parent.firstEndingAfter(parentFrom);
          h < parent.size && parent.end(h) <= parentTo; h++) {
        if (parent.start(h) >= parentFrom) {
          shifted.onHit(parent.keyword(h), parent.start(h) - shift, parent.end(h) - shift);
        }
      }
      if (k < escapes) {
        parentFrom = child.escapeParentEnd(k);
        childFrom = child.escapeEnd(k);
      }
    }
    HitLog touching = new HitLog();
    KeywordAutomaton.HitListener filter = (kw, s, e) -> {
      if (!child.sameAsParent(s, e)) {
        touching.onHit(kw, s, e);
      }
    };
    int reach = automaton.maxKeywordLength() - 1;
    int k = 0;
    while (k < escapes) {
      if (!automaton.inAnyKeyword(t, child.escapeStart(k), child.escapeEnd(k))) {
        k++; // e.g. a newline: no hit can touch it
        continue;
      }
      int from = Math.max(0, child.escapeStart(k) - reach);
      int to = Math.min(n, child.escapeEnd(k) + reach);
      for (k++; k < escapes && child.escapeStart(k) - reach <= to; k++) {
        to = Math.min(n, child.escapeEnd(k) + reach);
      }
      automaton.scan(t, from, to, filter);
    }
    return merge(shifted, touching);
  }

  @Override
  public void onHit(int keyword, int start, int end) {
    if (3 * size + 3 > hits.length) {
      hits = Arrays.copyOf(hits, hits.length * 2);
    }
    hits[3 * size] = keyword;
    hits[3 * size + 1] = start;
    hits[3 * size + 2] = end;
    size++;
  }

  /** Passes every hit to {@code listener}, in order. */
  public void replay(KeywordAutomaton.HitListener listener) {
    for (int h = 0; h < size; h++) {
      listener.onHit(hits[3 * h], hits[3 * h + 1], hits[3 * h + 2]);
    }
  }

  int keyword(int h) {
    return hits[3 * h];
  }

  int start(int h) {
    return hits[3 * h + 1];
  }

  int end(int h) {
    return hits[3 * h + 2];
  }

  /** Index of the first hit ending after {@code i} (or {@link #size}). */
  private int firstEndingAfter(int i) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (end(mid) <= i) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static HitLog merge(HitLog a, HitLog b) {
    if (b.size == 0) {
      return a;
    }
    HitLog out = new HitLog();
    int i = 0;
    int j = 0;
    while (i < a.size || j < b.size) {
      boolean takeA = j >= b.size || (i < a.size && (a.end(i) < b.end(j)
          || (a.end(i) == b.end(j) && a.start(i) < b.start(j))));
      HitLog from = takeA ? a : b;
      int h = takeA ? i++ : j++;
      out.onHit(from.keyword(h), from.start(h), from.end(h));
    }
    return out;
  }
}
