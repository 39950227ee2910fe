package io.tracewarden.engine.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Case-insensitive Aho-Corasick automaton over a set of keywords, compiled into a dense DFA.
 *
 * <p>Case folding is {@link Character#toLowerCase(char)} per UTF-16 char, applied to keywords at
 * build time and to the text while scanning, so a hit's length in the text equals the keyword's
 * length. Chars are mapped to a small alphabet of the chars that occur in keywords (all other
 * chars share class 0), which keeps the transition table small. Immutable and thread-safe.
 */
public final class KeywordAutomaton {

  private static final int CHUNK = 8192;
  /** Chunks shorter than this are scanned by one chain (see {@link #scanChunk}). */
  private static final int TWO_CHAINS_MIN = 512;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Receives keyword hits during {@link #scan}; it must not start another scan on the same
   * thread (the scan loops share one buffer per thread).
   */
  @FunctionalInterface
  public interface HitListener {
    /** Keyword {@code keyword} occurs at {@code [start, end)} of the scanned text. */
    void onHit(int keyword, int start, int end);
  }

  private final int[] asciiClass = new int[128];
  private final Map<Character, Integer> otherClass;
  private final int classes;
  private final int[] delta; // state * classes + class -> state
  private final int[][] outputs; // per state: keyword ids ending here (incl. via suffix links)
  /**
   * The scan loop's table: row offsets instead of state numbers ({@code row + class -> row}),
   * with states renumbered so that those with outputs come last: a hit is {@code row >=
   * firstOutputRow}, no second table load per char.
   */
  private final int[] rows;
  private final int[][] rowOutputs; // indexed by row / classes
  private final int firstOutputRow;
  private final int[] keywordLength;
  private final int maxKeywordLength;

  /** Builds the automaton; keyword ids are the indexes in {@code keywords}. */
  public KeywordAutomaton(List<String> keywords) {
    keywordLength = new int[keywords.size()];
    Map<Character, Integer> other = new HashMap<>();
    int nextClass = 1;
    List<char[]> folded = new ArrayList<>(keywords.size());
    for (int k = 0; k < keywords.size(); k++) {
      String kw = keywords.get(k);
      if (kw.isEmpty()) {
        throw new IllegalArgumentException("empty keyword");
      }
      char[] f = new char[kw.length()];
      for (int i = 0; i < f.length; i++) {
        char c = Character.toLowerCase(kw.charAt(i));
        f[i] = c;
        if (c < 128) {
          if (asciiClass[c] == 0) {
            asciiClass[c] = nextClass++;
          }
        } else if (!other.containsKey(c)) {
          other.put(c, nextClass++);
        }
      }
      folded.add(f);
      keywordLength[k] = f.length;
    }
    maxKeywordLength = Arrays.stream(keywordLength).max().orElse(0);
    // Upper-case ASCII letters fold onto their lower-case class.
    for (char c = 'A'; c <= 'Z'; c++) {
      asciiClass[c] = asciiClass[Character.toLowerCase(c)];
    }
    otherClass = Map.copyOf(other);
    classes = nextClass;

    // Trie.
    List<int[]> gotoRows = new ArrayList<>();
    List<List<Integer>> out = new ArrayList<>();
    gotoRows.add(newRow());
    out.add(new ArrayList<>());
    for (int k = 0; k < folded.size(); k++) {
      int s = 0;
      for (char c : folded.get(k)) {
        int cls = classOfFolded(c);
        int next = gotoRows.get(s)[cls];
        if (next < 0) {
          next = gotoRows.size();
          gotoRows.add(newRow());
          out.add(new ArrayList<>());
          gotoRows.get(s)[cls] = next;
        }
        s = next;
      }
      out.get(s).add(k);
    }
    int states = gotoRows.size();
    // BFS: failure links, completed transitions, merged outputs.
    int[] fail = new int[states];
    delta = new int[states * classes];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int cls = 0; cls < classes; cls++) {
      int t = gotoRows.get(0)[cls];
      if (t < 0) {
        delta[cls] = 0;
      } else {
        delta[cls] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      out.get(s).addAll(out.get(fail[s]));
      for (int cls = 0; cls < classes; cls++) {
        int t = gotoRows.get(s)[cls];
        if (t < 0) {
          delta[s * classes + cls] = delta[fail[s] * classes + cls];
        } else {
          delta[s * classes + cls] = t;
          fail[t] = delta[fail[s] * classes + cls];
          queue.add(t);
        }
      }
    }
    outputs = new int[states][];
    for (int s = 0; s < states; s++) {
      List<Integer> o = out.get(s);
      outputs[s] = o.isEmpty() ? null : o.stream().distinct().mapToInt(Integer::intValue).toArray();
    }
    // Renumber: the root stays 0, states without outputs first, then those with outputs.
    int[] order = new int[states];
    int next = 0;
    for (int s = 0; s < states; s++) {
      if (outputs[s] == null) {
        order[s] = next++;
      }
    }
    int firstOutput = next;
    for (int s = 0; s < states; s++) {
      if (outputs[s] != null) {
        order[s] = next++;
      }
    }
    firstOutputRow = firstOutput * classes;
    rows = new int[states * classes];
    rowOutputs = new int[states][];
    for (int s = 0; s < states; s++) {
      rowOutputs[order[s]] = outputs[s];
      for (int cls = 0; cls < classes; cls++) {
        rows[order[s] * classes + cls] = order[delta[s * classes + cls]] * classes;
      }
    }
  }

  /** Number of keywords. */
  public int size() {
    return keywordLength.length;
  }

  /** Number of DFA states (for tests and diagnostics). */
  public int states() {
    return outputs.length;
  }

  /**
   * Reports every occurrence of every keyword in {@code text}, overlapping ones included, in order
   * of their end offset. One pass, no allocation.
   */
  public void scan(CharSequence text, HitListener listener) {
    if (text instanceof String str) {
      scan(str, listener);
      return;
    }
    final int[] ascii = asciiClass;
    final int[] d = delta;
    final int[][] o = outputs;
    final int cls = classes;
    int s = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int k = c < 128 ? ascii[c] : otherClassOf(c);
      s = d[s * cls + k];
      int[] hits = o[s];
      if (hits != null) {
        for (int kw : hits) {
          listener.onHit(kw, i + 1 - keywordLength[kw], i + 1);
        }
      }
    }
  }

  /** {@link #scan(CharSequence, HitListener)} for a String: the hot loop of clean text. */
  public void scan(String text, HitListener listener) {
    scan(text, 0, text.length(), listener);
  }

  /** Receives the runs found by {@link #scan(String, HitListener, RunChars, int, RunListener)}. */
  @FunctionalInterface
  public interface RunListener {
    /** A run of at least the minimum length has its minimum-th char at {@code position}. */
    void onRun(int position);
  }

  /**
   * A set of ASCII chars whose runs {@link #scan(String, HitListener, RunChars, int,
   * RunListener)} reports, merged into a class table of every char (folded): the sign bit marks
   * run chars, so that {@code (run + 1) & (info >> 31)} counts a run without a branch (a short
   * is sign-extended when loaded). The table has all 65,536 chars (128 KiB, of which text in one
   * script touches a few cache lines): the loop then has no branch and no call for chars past
   * Latin-1; with a bounds test in it, the JIT compiled the two-chain loop ~30 % slower.
   */
  public final class RunChars {
    private final boolean[] source;
    private final short[] info = new short[65536];

    private RunChars(boolean[] ascii) {
      source = ascii;
      for (int c = 0; c < info.length; c++) {
        int k = c < 128 ? asciiClass[c] : otherClassOf((char) c);
        info[c] = (short) (k | (c < 128 && ascii[c] ? Short.MIN_VALUE : 0));
      }
    }
  }

  private volatile RunChars lastRunChars;
  /** Built on the first scan: an automaton only asked {@link #occursIn} does not need it. */
  private volatile RunChars noRuns;

  /** {@code ascii} (128 entries) prepared for this automaton; the last one is cached. */
  public RunChars runChars(boolean[] ascii) {
    RunChars r = lastRunChars;
    if (r == null || r.source != ascii) {
      r = new RunChars(ascii);
      lastRunChars = r;
    }
    return r;
  }

  /**
   * {@link #scan(String, HitListener)}, also reporting, in the same pass, each maximal run of at
   * least {@code minRun} of {@code runChars} (once per run, at its {@code minRun}-th char): the
   * base64 decoder needs those and nothing else of clean text.
   */
  public void scan(String text, HitListener listener, RunChars runChars, int minRun,
      RunListener runs) {
    scan(text, 0, text.length(), listener, runChars.info, minRun, runs);
  }

  /** Whether some char of {@code text[from, to)} occurs in a keyword (case-insensitively). */
  public boolean inAnyKeyword(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if ((c < 128 ? asciiClass[c] : otherClassOf(c)) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether some keyword occurs in {@code text}: stops at the first hit. */
  public boolean occursIn(String text) {
    return firstKeyword(text, false) == 1;
  }

  /**
   * {@link #occursIn} for text that is probably ASCII: 1 when a keyword ends before the first
   * char past ASCII, 0 when the text is all ASCII and holds none, -1 when a char past ASCII
   * comes first (the caller, e.g. one that must lower-case such text, then decides).
   */
  public int occursInAscii(String text) {
    return firstKeyword(text, true);
  }

  /** 1 at the first keyword's end, else 0; -1 at a char past ASCII if {@code asciiOnly}. */
  private int firstKeyword(String text, boolean asciiOnly) {
    final int[] ascii = asciiClass;
    final int[] d = rows;
    final int out = firstOutputRow;
    int row = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      int k;
      if (c < 128) {
        k = ascii[c];
      } else if (asciiOnly) {
        return -1;
      } else {
        k = otherClassOf(c);
      }
      row = d[row + k];
      if (row >= out) {
        return 1;
      }
    }
    return 0;
  }

  /** Length of the longest keyword. */
  public int maxKeywordLength() {
    return maxKeywordLength;
  }

  /**
   * Reports the keywords occurring inside {@code text[from, to)}, as {@link #scan(String,
   * HitListener)} would if that were the whole text (offsets are {@code text}'s).
   */
  public void scan(String text, int from, int to, HitListener listener) {
    RunChars none = noRuns;
    if (none == null) {
      none = new RunChars(new boolean[128]);
      noRuns = none;
    }
    scan(text, from, to, listener, none.info, -1, null);
  }

  private void scan(String text, int from, int to, HitListener listener, short[] info,
      int minRun, RunListener runs) {
    Scratch scratch = SCRATCH.get();
    char[] chunk = scratch.chunk;
    int[] events = scratch.events;
    int[] state = scratch.state;
    state[0] = 0;
    state[1] = 0;
    for (int base = from; base < to; base += chunk.length) {
      int len = Math.min(chunk.length, to - base);
      text.getChars(base, base + len, chunk, 0);
      int count = scanChunk(chunk, len, info, rows, firstOutputRow, minRun,
          maxKeywordLength - 1, state, events);
      for (int e = 0; e < count; e += 2) {
        if (events[e + 1] < 0) {
          runs.onRun(base + events[e]);
        } else {
          report(events[e + 1], base + events[e], listener);
        }
      }
    }
  }

  /**
   * Runs the automaton over {@code chunk[0, len)} from {@code state} (row, run length) and
   * records its events in order: position, then the row of a hit or -1 for a run. Returns the
   * number of ints recorded.
   *
   * <p>The loop is bound by the latency of the dependent table loads ({@code row = d[row +
   * class]}), so a long chunk is scanned by two independent chains, {@code [0, mid)} and {@code
   * [mid - overlap, len)}, whose loads overlap. The second starts at the root, so only its hits
   * ending past {@code mid} are complete: it records nothing before {@code mid}, and its events
   * go after the first chain's. Kept apart from the reporting (and static): with the callers'
   * values live around it, the JIT spilled the loop's registers.
   */
  private static int scanChunk(char[] chunk, int len, short[] info, int[] d, int out,
      int minRun, int overlap, int[] state, int[] events) {
    int row = state[0];
    int run = state[1];
    int count = 0;
    int j = 0;
    if (len >= TWO_CHAINS_MIN && len >= 4 * overlap) {
      int mid = (len + overlap) >>> 1;
      int offset = mid - overlap;
      int rowB = 0;
      int runB = runBefore(chunk, offset, info, minRun, run);
      int firstB = 4 * mid; // past the most the first chain can record
      int countB = firstB;
      int i = 0;
      while (i < mid) {
        // The inner loop holds no call: compiled the same whether or not hits were ever seen.
        for (; i < mid; i++) {
          int ka = info[chunk[i]];
          int kb = info[chunk[i + offset]];
          row = d[row + (ka & Short.MAX_VALUE)];
          rowB = d[rowB + (kb & Short.MAX_VALUE)];
          run = (run + 1) & (ka >> 31);
          runB = (runB + 1) & (kb >> 31);
          if (run == minRun || row >= out || runB == minRun || rowB >= out) {
            break;
          }
        }
        if (i == mid) {
          break;
        }
        if (run == minRun) {
          events[count++] = i;
          events[count++] = -1;
        }
        if (row >= out) {
          events[count++] = i;
          events[count++] = row;
        }
        int q = i + offset;
        if (q >= mid) {
          if (runB == minRun) {
            events[countB++] = q;
            events[countB++] = -1;
          }
          if (rowB >= out) {
            events[countB++] = q;
            events[countB++] = rowB;
          }
        }
        i++;
      }
      System.arraycopy(events, firstB, events, count, countB - firstB);
      count += countB - firstB;
      row = rowB;
      run = runB;
      j = mid + offset;
    }
    while (j < len) {
      for (; j < len; j++) {
        int k = info[chunk[j]];
        row = d[row + (k & Short.MAX_VALUE)];
        run = (run + 1) & (k >> 31);
        if (run == minRun || row >= out) {
          break;
        }
      }
      if (j == len) {
        break;
      }
      if (run == minRun) {
        events[count++] = j;
        events[count++] = -1;
      }
      if (row >= out) {
        events[count++] = j;
        events[count++] = row;
      }
      j++;
    }
    state[0] = row;
    state[1] = run;
    return count;
  }

  /**
   * The run length at {@code chunk[end]}, capped past {@code minRun}; {@code runAtStart}: the
   * run length before {@code chunk[0]}.
   */
  private static int runBefore(char[] chunk, int end, short[] info, int minRun, int runAtStart) {
    int run = 0;
    int i = end - 1;
    while (i >= 0 && run <= minRun) {
      if (info[chunk[i]] >= 0) {
        return run;
      }
      run++;
      i--;
    }
    return i < 0 ? Math.min(run + runAtStart, minRun + 1) : run;
  }

  private void report(int row, int i, HitListener listener) {
    for (int kw : rowOutputs[row / classes]) {
      listener.onHit(kw, i + 1 - keywordLength[kw], i + 1);
    }
  }

  private int otherClassOf(char c) {
    char lower = Character.toLowerCase(c);
    if (lower < 128) {
      return asciiClass[lower]; // e.g. KELVIN SIGN folds to 'k'
    }
    if (otherClass.isEmpty()) {
      return 0;
    }
    Integer k = otherClass.get(lower);
    return k == null ? 0 : k;
  }

  private int classOfFolded(char c) {
    return c < 128 ? asciiClass[c] : otherClass.get(c);
  }

  private int[] newRow() {
    int[] row = new int[classes];
    Arrays.fill(row, -1);
    return row;
  }

  /**
   * The scan loops read a copy of the text, a chunk at a time: {@code String.getChars} copies
   * (or inflates Latin-1) with vector instructions, and the loop then indexes a plain array,
   * without {@code charAt}'s coder test and bounds check per char. Per thread, reused.
   */
  private static final class Scratch {
    final char[] chunk = new char[CHUNK];
    /** At most a run and a hit per char, two ints each. */
    final int[] events = new int[4 * CHUNK];
    final int[] state = new int[2];
  }
}
