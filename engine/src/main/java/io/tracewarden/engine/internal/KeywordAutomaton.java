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

  /** Receives keyword hits during {@link #scan}. */
  @FunctionalInterface
  public interface HitListener {
    /** Keyword {@code keyword} occurs at {@code [start, end)} of the scanned text. */
    void onHit(int keyword, int start, int end);
  }

  private final int[] asciiClass = new int[128];
  /** Class of every Latin-1 char (folded), for the scan loop. */
  private final int[] latin1Class = new int[256];
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
    for (int c = 0; c < 256; c++) {
      latin1Class[c] = c < 128 ? asciiClass[c] : otherClassOf((char) c);
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
   * RunListener)} reports, merged into this automaton's Latin-1 class table: the sign bit marks
   * run chars, so that {@code (run + 1) & (info >> 31)} counts a run without a branch.
   */
  public final class RunChars {
    private final boolean[] source;
    private final int[] info = new int[256];

    private RunChars(boolean[] ascii) {
      source = ascii;
      for (int c = 0; c < 256; c++) {
        info[c] = latin1Class[c] | (c < 128 && ascii[c] ? Integer.MIN_VALUE : 0);
      }
    }
  }

  private volatile RunChars lastRunChars;

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
    final int[] info = runChars.info;
    final int[] d = rows;
    final int out = firstOutputRow;
    int row = 0;
    int run = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      // The inner loop holds no call: compiled the same whether or not hits were ever seen.
      for (; i < n; i++) {
        char c = text.charAt(i);
        int k = c < 256 ? info[c] : otherClassOf(c);
        row = d[row + (k & Integer.MAX_VALUE)];
        run = (run + 1) & (k >> 31);
        if (run == minRun || row >= out) {
          break;
        }
      }
      if (i == n) {
        return;
      }
      if (run == minRun) {
        runs.onRun(i);
      }
      if (row >= out) {
        report(row, i, listener);
      }
      i++;
    }
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
    final int[] latin1 = latin1Class;
    final int[] d = rows;
    final int out = firstOutputRow;
    int row = 0;
    int i = from;
    while (i < to) {
      // The inner loop holds no call: compiled the same whether or not hits were ever seen.
      for (; i < to; i++) {
        char c = text.charAt(i);
        row = d[row + (c < 256 ? latin1[c] : otherClassOf(c))];
        if (row >= out) {
          break;
        }
      }
      if (i == to) {
        return;
      }
      report(row, i, listener);
      i++;
    }
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
}
