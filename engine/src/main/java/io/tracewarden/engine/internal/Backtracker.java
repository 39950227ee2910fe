package io.tracewarden.engine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backtracking matcher for the simple regexes of the built-in rule pack, with RE2's results.
 *
 * <p>RE2/J simulates an NFA with one thread per live state: a match of {@code [^\s"']{15,200}}
 * keeps up to 200 threads alive per char, so a 100-char secret costs tens of microseconds, and a
 * match is run twice (once for its bounds, once for its groups). A backtracker walks such a run
 * once. RE2 defines its submatches as leftmost-first, exactly the order a backtracker tries
 * alternatives in, so both give the same match and groups for the syntax accepted here: literals,
 * classes, {@code . \s \S \d \D \w \W}, groups, alternation, greedy and lazy repetition, {@code
 * \b \B ^ $ \A \z}, flags {@code i} and {@code m}. {@link #compile} returns null for anything else
 * (and for repetitions whose body can match empty, where engines differ).
 *
 * <p>Backtracking can take exponential time, so the calls on one input share a step budget
 * proportional to its length; when it runs out, {@link BudgetExceeded} tells the caller to use
 * RE2/J instead, which keeps the worst case linear.
 */
public final class Backtracker {

  /**
   * Thrown (without a stack trace) when a call exceeds its step budget or its depth of nested
   * iterations.
   */
  public static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  private static final BudgetExceeded BUDGET = new BudgetExceeded();
  /** Steps allowed per char of input, plus {@link #BASE_STEPS}. */
  private static final int STEPS_PER_CHAR = 64;
  private static final int BASE_STEPS = 8192;
  /**
   * Most iterations of repeated groups in progress at once: each one holds a few stack frames
   * until the match ends, so a long run of them (e.g. {@code (?:ab)+} over a long input) would
   * overflow the stack; beyond this, RE2/J takes over as for the step budget.
   */
  private static final int MAX_ITERATION_DEPTH = 400;

  private final Node root;
  private final int groups;
  private final int loops;
  /** Chars a match can start with, or null when unknown. */
  private final CharSet first;
  /** A match may also start at the beginning of the input, whatever {@link #first} says. */
  private final boolean firstOrTextStart;
  /** Every match starts at the beginning of the input ({@code ^} or {@code \\A} first). */
  private final boolean beginsText;

  private Backtracker(Node root, int groups, int loops, CharSet first, boolean firstOrTextStart,
      boolean beginsText) {
    this.root = root;
    this.groups = groups;
    this.loops = loops;
    this.first = first;
    this.firstOrTextStart = firstOrTextStart;
    this.beginsText = beginsText;
  }

  /** Compiles {@code regex} (RE2 syntax), or returns null when it is outside the subset. */
  public static Backtracker compile(String regex) {
    try {
      Parser p = new Parser(regex);
      Ast ast = p.parseAlternation(0, false);
      if (p.pos != regex.length()) {
        return null;
      }
      Linker l = new Linker();
      Node root = l.link(ast, new Accept());
      boolean[] atTextStart = new boolean[1];
      CharSet first = firstSet(ast, atTextStart);
      return new Backtracker(root, p.groups, l.loops, first, atTextStart[0], beginsText(ast));
    } catch (Unsupported e) {
      return null;
    }
  }

  /** Number of capturing groups. */
  public int groupCount() {
    return groups;
  }

  /**
   * Matches {@code s[from, to)} as if it were the whole input, starting at {@code start} ({@code
   * anchored}: only there; else the leftmost match at or after it). Fills {@code out} with the
   * bounds of group 0..{@link #groupCount()} (absolute offsets, -1 for groups not taking part).
   *
   * @throws BudgetExceeded when the step budget is spent (nothing is known then)
   */
  public boolean match(String s, int from, int to, int start, boolean anchored, int[] out) {
    return match(s, from, to, start, anchored, out, new long[] {budget(from, to)});
  }

  /**
   * False when no match of this regex can start at {@code i} of {@code s[.., to)}, from its first
   * char alone: the cheap test before an anchored attempt at a keyword hit.
   */
  public boolean mayStartAt(String s, int i, int to) {
    return first == null || firstOrTextStart || (i < to && first.contains(s, i, to));
  }

  /** The step budget for calls over {@code [from, to)}. */
  public static long budget(int from, int to) {
    return BASE_STEPS + (long) STEPS_PER_CHAR * (to - from);
  }

  /**
   * {@link #match(String, int, int, int, boolean, int[])} with a budget shared by several calls
   * (the successive {@code find}s over one input): {@code budget[0]} is what is left, and is
   * reduced by the steps this call takes.
   */
  public boolean match(String s, int from, int to, int start, boolean anchored, int[] out,
      long[] budget) {
    if (beginsText) {
      if (start != from) {
        return false;
      }
      anchored = true;
    }
    State m = new State(s, from, to, groups, loops, out);
    m.budget = budget[0];
    try {
      return search(m, start, anchored);
    } finally {
      budget[0] -= m.steps;
    }
  }

  private boolean search(State m, int start, boolean anchored) {
    String s = m.s;
    int to = m.to;
    // Nodes restore the groups and counters they set when they fail, so one reset serves every
    // start position.
    Arrays.fill(m.g, -1);
    Arrays.fill(m.open, -1);
    for (int i = start; i <= to; ) {
      if (!anchored && first != null && !(firstOrTextStart && i == m.from)) {
        // Skip positions that cannot start a match.
        while (i < to && !first.contains(s, i, to)) {
          i += charCount(s, i, to);
        }
        if (i >= to) {
          return false;
        }
      }
      m.start = i;
      if (root.match(m, i)) {
        return true;
      }
      if (anchored || i >= to) {
        return false;
      }
      i += charCount(s, i, to);
    }
    return false;
  }

  /** Code point at {@code i} of {@code s[.., to)}: a surrogate pair only when both are inside. */
  static int codePointAt(String s, int i, int to) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < to) {
      char d = s.charAt(i + 1);
      if (Character.isLowSurrogate(d)) {
        return Character.toCodePoint(c, d);
      }
    }
    return c;
  }

  private static int charCount(String s, int i, int to) {
    return i + 1 < to && Character.isHighSurrogate(s.charAt(i))
        && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
  }

  private static boolean isWord(int c) {
    return c < 128 && Windows.isAsciiWord((char) c);
  }

  // ---------------------------------------------------------------- matching

  private static final class State {
    final String s;
    final int from;
    final int to;
    final int[] g;
    final int[] open;
    final int[] count;
    int start;
    long steps;
    long budget;
    int iterationDepth;

    State(String s, int from, int to, int groups, int loops, int[] out) {
      this.s = s;
      this.from = from;
      this.to = to;
      this.g = out;
      this.open = new int[groups + 1];
      this.count = new int[loops];
    }

    void step() {
      if (++steps > budget) {
        throw BUDGET;
      }
    }
  }

  private abstract static class Node {
    Node next;

    abstract boolean match(State m, int i);
  }

  private static final class Accept extends Node {
    @Override
    boolean match(State m, int i) {
      m.g[0] = m.start;
      m.g[1] = i;
      return true;
    }
  }

  private static final class One extends Node {
    final CharSet set;

    One(CharSet set) {
      this.set = set;
    }

    @Override
    boolean match(State m, int i) {
      m.step();
      if (i >= m.to) {
        return false;
      }
      char c = m.s.charAt(i);
      if (c < 128) {
        return set.ascii[c] && next.match(m, i + 1);
      }
      int cp = codePointAt(m.s, i, m.to);
      return set.containsCodePoint(cp) && next.match(m, i + Character.charCount(cp));
    }
  }

  /** A repetition of one char class: the run is measured once, then backed off. */
  private static final class Run extends Node {
    final CharSet set;
    final int min;
    final int max;
    final boolean greedy;

    Run(CharSet set, int min, int max, boolean greedy) {
      this.set = set;
      this.min = min;
      this.max = max;
      this.greedy = greedy;
    }

    @Override
    boolean match(State m, int i) {
      String s = m.s;
      int to = m.to;
      if (!greedy) {
        int j = i;
        for (int c = 0; ; c++) {
          m.step();
          if (c >= min && next.match(m, j)) {
            return true;
          }
          if (c >= max || j >= to) {
            return false;
          }
          int cp = codePointAt(s, j, to);
          if (!set.containsCodePoint(cp)) {
            return false;
          }
          j += Character.charCount(cp);
        }
      }
      int j = i;
      int c = 0;
      boolean wide = false;
      while (c < max && j < to) {
        char ch = s.charAt(j);
        if (ch < 128) {
          if (!set.ascii[ch]) {
            break;
          }
          j++;
        } else {
          int cp = codePointAt(s, j, to);
          if (!set.containsCodePoint(cp)) {
            break;
          }
          if (cp > 0xFFFF) {
            wide = true;
          }
          j += Character.charCount(cp);
        }
        c++;
      }
      m.steps += c;
      for (; c >= min; c--) {
        m.step();
        if (next.match(m, j)) {
          return true;
        }
        // Back off one code point (a pair the forward walk joined is a pair here too).
        j -= wide && j - 2 >= i && Character.isLowSurrogate(s.charAt(j - 1))
            && Character.isHighSurrogate(s.charAt(j - 2)) ? 2 : 1;
      }
      return false;
    }
  }

  private static final class Branch extends Node {
    final Node[] alternatives;

    Branch(Node[] alternatives) {
      this.alternatives = alternatives;
    }

    @Override
    boolean match(State m, int i) {
      for (Node a : alternatives) {
        m.step();
        if (a.match(m, i)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class GroupOpen extends Node {
    final int k;

    GroupOpen(int k) {
      this.k = k;
    }

    @Override
    boolean match(State m, int i) {
      int saved = m.open[k];
      m.open[k] = i;
      if (next.match(m, i)) {
        return true;
      }
      m.open[k] = saved;
      return false;
    }
  }

  private static final class GroupClose extends Node {
    final int k;

    GroupClose(int k) {
      this.k = k;
    }

    @Override
    boolean match(State m, int i) {
      int s0 = m.g[2 * k];
      int e0 = m.g[2 * k + 1];
      m.g[2 * k] = m.open[k];
      m.g[2 * k + 1] = i;
      if (next.match(m, i)) {
        return true;
      }
      m.g[2 * k] = s0;
      m.g[2 * k + 1] = e0;
      return false;
    }
  }

  /** A repetition of a sub-expression that cannot match empty; its body ends in a LoopTail. */
  private static final class Loop extends Node {
    final int id;
    final int min;
    final int max;
    final boolean greedy;
    Node body;

    Loop(int id, int min, int max, boolean greedy) {
      this.id = id;
      this.min = min;
      this.max = max;
      this.greedy = greedy;
    }

    @Override
    boolean match(State m, int i) {
      int saved = m.count[id];
      m.count[id] = 0;
      boolean r = iterate(m, i);
      m.count[id] = saved;
      return r;
    }

    boolean iterate(State m, int i) {
      m.step();
      int c = m.count[id];
      if (greedy) {
        return (c < max && body.match(m, i)) || (c >= min && next.match(m, i));
      }
      return (c >= min && next.match(m, i)) || (c < max && body.match(m, i));
    }
  }

  private static final class LoopTail extends Node {
    final Loop loop;

    LoopTail(Loop loop) {
      this.loop = loop;
    }

    @Override
    boolean match(State m, int i) {
      if (++m.iterationDepth > MAX_ITERATION_DEPTH) {
        throw BUDGET;
      }
      int c = m.count[loop.id];
      m.count[loop.id] = c + 1;
      boolean r = loop.iterate(m, i);
      m.count[loop.id] = c;
      m.iterationDepth--;
      return r;
    }
  }

  private enum AssertKind { BEGIN_TEXT, END_TEXT, BEGIN_LINE, END_LINE, WORD, NOT_WORD }

  private static final class Assert extends Node {
    final AssertKind kind;

    Assert(AssertKind kind) {
      this.kind = kind;
    }

    @Override
    boolean match(State m, int i) {
      m.step();
      return holds(m, i) && next.match(m, i);
    }

    private boolean holds(State m, int i) {
      switch (kind) {
        case BEGIN_TEXT:
          return i == m.from;
        case END_TEXT:
          return i == m.to;
        case BEGIN_LINE:
          return i == m.from || m.s.charAt(i - 1) == '\n';
        case END_LINE:
          return i == m.to || m.s.charAt(i) == '\n';
        default:
          boolean before = i > m.from && isWord(m.s.charAt(i - 1));
          boolean after = i < m.to && isWord(m.s.charAt(i));
          return (before != after) == (kind == AssertKind.WORD);
      }
    }
  }

  // ---------------------------------------------------------------- char sets

  /** A set of code points: a table for ASCII, sorted ranges above. */
  static final class CharSet {
    final boolean[] ascii = new boolean[128];
    /** Inclusive [lo, hi] pairs, sorted, disjoint, all >= 128. */
    int[] ranges = new int[0];

    boolean containsCodePoint(int cp) {
      if (cp < 128) {
        return ascii[cp];
      }
      int[] r = ranges;
      for (int k = 0; k < r.length; k += 2) {
        if (cp < r[k]) {
          return false;
        }
        if (cp <= r[k + 1]) {
          return true;
        }
      }
      return false;
    }

    boolean contains(String s, int i, int to) {
      char c = s.charAt(i);
      return c < 128 ? ascii[c] : containsCodePoint(codePointAt(s, i, to));
    }

    void add(int lo, int hi) {
      for (int c = lo; c <= Math.min(hi, 127); c++) {
        ascii[c] = true;
      }
      if (hi >= 128) {
        addHigh(Math.max(lo, 128), hi);
      }
    }

    private void addHigh(int lo, int hi) {
      List<int[]> list = new ArrayList<>();
      for (int k = 0; k < ranges.length; k += 2) {
        list.add(new int[] {ranges[k], ranges[k + 1]});
      }
      list.add(new int[] {lo, hi});
      list.sort((a, b) -> Integer.compare(a[0], b[0]));
      List<int[]> merged = new ArrayList<>();
      for (int[] r : list) {
        if (!merged.isEmpty() && r[0] <= merged.get(merged.size() - 1)[1] + 1) {
          int[] last = merged.get(merged.size() - 1);
          last[1] = Math.max(last[1], r[1]);
        } else {
          merged.add(r);
        }
      }
      ranges = new int[merged.size() * 2];
      for (int k = 0; k < merged.size(); k++) {
        ranges[2 * k] = merged.get(k)[0];
        ranges[2 * k + 1] = merged.get(k)[1];
      }
    }

    void addAll(CharSet o) {
      for (int c = 0; c < 128; c++) {
        ascii[c] |= o.ascii[c];
      }
      for (int k = 0; k < o.ranges.length; k += 2) {
        addHigh(o.ranges[k], o.ranges[k + 1]);
      }
    }

    boolean hasHigh() {
      return ranges.length > 0;
    }

    /**
     * RE2's case folding for ASCII letters: each adds its other case, and k, s also the KELVIN
     * SIGN and LATIN SMALL LETTER LONG S, which fold to them.
     */
    void foldAscii() {
      boolean k = false;
      boolean s = false;
      for (char c = 'a'; c <= 'z'; c++) {
        char u = Character.toUpperCase(c);
        if (ascii[c] || ascii[u]) {
          ascii[c] = true;
          ascii[u] = true;
          k |= c == 'k';
          s |= c == 's';
        }
      }
      if (k) {
        addHigh(0x212A, 0x212A);
      }
      if (s) {
        addHigh(0x017F, 0x017F);
      }
    }

    CharSet negate() {
      CharSet n = new CharSet();
      for (int c = 0; c < 128; c++) {
        n.ascii[c] = !ascii[c];
      }
      List<Integer> out = new ArrayList<>();
      int next = 128;
      for (int k = 0; k < ranges.length; k += 2) {
        if (ranges[k] > next) {
          out.add(next);
          out.add(ranges[k] - 1);
        }
        next = ranges[k + 1] + 1;
      }
      if (next <= Character.MAX_CODE_POINT) {
        out.add(next);
        out.add(Character.MAX_CODE_POINT);
      }
      n.ranges = out.stream().mapToInt(Integer::intValue).toArray();
      return n;
    }
  }

  // ---------------------------------------------------------------- syntax

  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  private abstract static class Ast {
    /** Fewest chars a match takes (0: can match empty). */
    abstract int minLength();
  }

  private static final class Seq extends Ast {
    final List<Ast> items = new ArrayList<>();

    @Override
    int minLength() {
      int n = 0;
      for (Ast a : items) {
        n += a.minLength();
      }
      return n;
    }
  }

  private static final class Alt extends Ast {
    final List<Ast> alternatives = new ArrayList<>();

    @Override
    int minLength() {
      int n = Integer.MAX_VALUE;
      for (Ast a : alternatives) {
        n = Math.min(n, a.minLength());
      }
      return n;
    }
  }

  private static final class Chars extends Ast {
    final CharSet set;

    Chars(CharSet set) {
      this.set = set;
    }

    @Override
    int minLength() {
      return 1;
    }
  }

  private static final class Group extends Ast {
    final int index; // -1: non-capturing
    final Ast body;

    Group(int index, Ast body) {
      this.index = index;
      this.body = body;
    }

    @Override
    int minLength() {
      return body.minLength();
    }
  }

  private static final class Repeat extends Ast {
    final Ast body;
    final int min;
    final int max;
    final boolean greedy;

    Repeat(Ast body, int min, int max, boolean greedy) {
      this.body = body;
      this.min = min;
      this.max = max;
      this.greedy = greedy;
    }

    @Override
    int minLength() {
      return (int) Math.min(Integer.MAX_VALUE / 2, (long) min * body.minLength());
    }
  }

  private static final class Zero extends Ast {
    final AssertKind kind;

    Zero(AssertKind kind) {
      this.kind = kind;
    }

    @Override
    int minLength() {
      return 0;
    }
  }

  private static final int INFINITE = Integer.MAX_VALUE;
  private static final int MAX_REPEAT = 1000;

  /** Recursive-descent parser for the accepted RE2 subset. */
  private static final class Parser {
    final String r;
    int pos;
    int groups;

    Parser(String r) {
      this.r = r;
    }

    Ast parseAlternation(int flags, boolean inGroup) {
      Alt alt = new Alt();
      int[] f = {flags};
      alt.alternatives.add(parseSequence(f, inGroup));
      while (pos < r.length() && r.charAt(pos) == '|') {
        pos++;
        alt.alternatives.add(parseSequence(f, inGroup));
      }
      return alt.alternatives.size() == 1 ? alt.alternatives.get(0) : alt;
    }

    /** {@code flags[0]}: the current flags; a bare {@code (?i)} changes them for the group. */
    Seq parseSequence(int[] flags, boolean inGroup) {
      Seq seq = new Seq();
      while (pos < r.length()) {
        char c = r.charAt(pos);
        if (c == '|') {
          break;
        }
        if (c == ')') {
          if (!inGroup) {
            throw new Unsupported();
          }
          break;
        }
        Ast atom;
        if (c == '(') {
          atom = parseGroup(flags);
          if (atom == null) {
            continue; // a flag group: applies to what follows
          }
        } else if (c == '[') {
          atom = new Chars(parseClass(flags[0]));
        } else if (c == '\\') {
          atom = parseEscape(flags[0]);
        } else if (c == '.') {
          pos++;
          CharSet nl = new CharSet();
          nl.add('\n', '\n');
          atom = new Chars(nl.negate());
        } else if (c == '^') {
          pos++;
          atom = new Zero((flags[0] & MULTILINE) != 0 ? AssertKind.BEGIN_LINE
              : AssertKind.BEGIN_TEXT);
        } else if (c == '$') {
          pos++;
          atom = new Zero((flags[0] & MULTILINE) != 0 ? AssertKind.END_LINE
              : AssertKind.END_TEXT);
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
          throw new Unsupported(); // nothing to repeat, or a literal brace
        } else {
          pos++;
          atom = new Chars(literal(c, flags[0]));
        }
        seq.items.add(parseQuantifier(atom));
      }
      return seq;
    }

    Ast parseQuantifier(Ast atom) {
      if (pos >= r.length()) {
        return atom;
      }
      char c = r.charAt(pos);
      int min;
      int max;
      if (c == '*') {
        min = 0;
        max = INFINITE;
        pos++;
      } else if (c == '+') {
        min = 1;
        max = INFINITE;
        pos++;
      } else if (c == '?') {
        min = 0;
        max = 1;
        pos++;
      } else if (c == '{') {
        int close = r.indexOf('}', pos);
        if (close < 0) {
          throw new Unsupported();
        }
        String body = r.substring(pos + 1, close);
        if (!body.matches("\\d+(,\\d*)?")) {
          throw new Unsupported();
        }
        int comma = body.indexOf(',');
        min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
        max = comma < 0 ? min
            : comma == body.length() - 1 ? INFINITE : Integer.parseInt(body.substring(comma + 1));
        if (min > MAX_REPEAT || (max != INFINITE && (max > MAX_REPEAT || max < min))) {
          throw new Unsupported();
        }
        pos = close + 1;
      } else {
        return atom;
      }
      boolean greedy = true;
      if (pos < r.length() && r.charAt(pos) == '?') {
        greedy = false;
        pos++;
      }
      if (pos < r.length() && "*+?{".indexOf(r.charAt(pos)) >= 0) {
        throw new Unsupported(); // a repeated repetition
      }
      if (atom.minLength() == 0) {
        throw new Unsupported(); // empty iterations: engines differ
      }
      return new Repeat(atom, min, max, greedy);
    }

    /** A group, or null for a flag-only group such as {@code (?i)} (flags updated). */
    Ast parseGroup(int[] flags) {
      pos++; // (
      int index = -1;
      int inner = flags[0];
      if (r.startsWith("?", pos)) {
        pos++;
        int f = flags[0];
        boolean any = false;
        while (pos < r.length() && (r.charAt(pos) == 'i' || r.charAt(pos) == 'm')) {
          f |= r.charAt(pos) == 'i' ? FOLD : MULTILINE;
          pos++;
          any = true;
        }
        if (pos >= r.length()) {
          throw new Unsupported();
        }
        if (r.charAt(pos) == ')' && any) {
          pos++;
          flags[0] = f;
          return null;
        }
        if (r.charAt(pos) != ':') {
          throw new Unsupported(); // named groups, negated flags, other flags
        }
        pos++;
        inner = f;
      } else {
        index = ++groups;
      }
      Ast body = parseAlternation(inner, true);
      if (pos >= r.length() || r.charAt(pos) != ')') {
        throw new Unsupported();
      }
      pos++;
      return new Group(index, body);
    }

    Ast parseEscape(int flags) {
      if (pos + 1 >= r.length()) {
        throw new Unsupported();
      }
      char d = r.charAt(pos + 1);
      switch (d) {
        case 'b':
          pos += 2;
          return new Zero(AssertKind.WORD);
        case 'B':
          pos += 2;
          return new Zero(AssertKind.NOT_WORD);
        case 'A':
          pos += 2;
          return new Zero(AssertKind.BEGIN_TEXT);
        case 'z':
          pos += 2;
          return new Zero(AssertKind.END_TEXT);
        default:
          CharSet set = new CharSet();
          classEscape(set, flags);
          return new Chars(set);
      }
    }

    /** Adds the escape at {@code pos} (a class shorthand or an escaped char) to {@code set}. */
    void classEscape(CharSet set, int flags) {
      char d = r.charAt(pos + 1);
      pos += 2;
      CharSet shorthand = shorthand(Character.toLowerCase(d));
      if (shorthand != null) {
        if ((flags & FOLD) != 0) {
          shorthand.foldAscii(); // as RE2 does: \w then holds the KELVIN SIGN, \W does not
        }
        set.addAll(Character.isUpperCase(d) ? shorthand.negate() : shorthand);
        return;
      }
      int c;
      switch (d) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'f': c = '\f'; break;
        default:
          if (Character.isLetterOrDigit(d) || d >= 128) {
            throw new Unsupported(); // \x, \p, \Q, octal, ...
          }
          c = d;
      }
      set.addAll(literal(c, flags));
    }

    /** RE2's Perl classes: {@code \s} is {@code [\t\n\f\r ]}, ASCII only. */
    CharSet shorthand(char lower) {
      CharSet s = new CharSet();
      switch (lower) {
        case 's':
          s.add('\t', '\n');
          s.add('\f', '\r');
          s.add(' ', ' ');
          return s;
        case 'd':
          s.add('0', '9');
          return s;
        case 'w':
          s.add('0', '9');
          s.add('A', 'Z');
          s.add('a', 'z');
          s.add('_', '_');
          return s;
        default:
          return null;
      }
    }

    CharSet parseClass(int flags) {
      pos++; // [
      boolean negated = false;
      if (pos < r.length() && r.charAt(pos) == '^') {
        negated = true;
        pos++;
      }
      CharSet set = new CharSet();
      boolean firstItem = true;
      while (true) {
        if (pos >= r.length()) {
          throw new Unsupported();
        }
        char c = r.charAt(pos);
        if (c == ']' && !firstItem) {
          pos++;
          break;
        }
        firstItem = false;
        if (c == '[' && r.startsWith("[:", pos)) {
          throw new Unsupported();
        }
        int lo;
        if (c == '\\') {
          char d = pos + 1 < r.length() ? r.charAt(pos + 1) : 0;
          if (shorthand(Character.toLowerCase(d)) != null) {
            classEscape(set, 0);
            continue;
          }
          CharSet one = new CharSet();
          classEscape(one, 0);
          lo = single(one);
        } else {
          lo = r.codePointAt(pos);
          pos += Character.charCount(lo);
        }
        int hi = lo;
        if (pos + 1 < r.length() && r.charAt(pos) == '-' && r.charAt(pos + 1) != ']') {
          pos++;
          char e = r.charAt(pos);
          if (e == '\\') {
            CharSet one = new CharSet();
            classEscape(one, 0);
            hi = single(one);
          } else {
            hi = r.codePointAt(pos);
            pos += Character.charCount(hi);
          }
          if (hi < lo) {
            throw new Unsupported();
          }
        }
        set.add(lo, hi);
      }
      if ((flags & FOLD) != 0) {
        if (set.hasHigh()) {
          throw new Unsupported(); // non-ASCII case folding is not modelled
        }
        set.foldAscii();
      }
      return negated ? set.negate() : set;
    }

    private static int single(CharSet one) {
      int found = -1;
      for (int c = 0; c < 128; c++) {
        if (one.ascii[c]) {
          if (found >= 0) {
            throw new Unsupported();
          }
          found = c;
        }
      }
      if (found < 0) {
        throw new Unsupported();
      }
      return found;
    }

    CharSet literal(int c, int flags) {
      CharSet set = new CharSet();
      set.add(c, c);
      if ((flags & FOLD) != 0) {
        if (c >= 128) {
          throw new Unsupported();
        }
        set.foldAscii();
      }
      return set;
    }
  }

  private static final int FOLD = 1;
  private static final int MULTILINE = 2;

  /** Turns the syntax tree into linked nodes, last to first. */
  private static final class Linker {
    int loops;

    Node link(Ast a, Node next) {
      if (a instanceof Seq seq) {
        Node n = next;
        for (int k = seq.items.size() - 1; k >= 0; k--) {
          n = link(seq.items.get(k), n);
        }
        return n;
      }
      if (a instanceof Alt alt) {
        Node[] nodes = new Node[alt.alternatives.size()];
        for (int k = 0; k < nodes.length; k++) {
          nodes[k] = link(alt.alternatives.get(k), next);
        }
        return chain(new Branch(nodes), next);
      }
      if (a instanceof Chars ch) {
        return chain(new One(ch.set), next);
      }
      if (a instanceof Zero z) {
        return chain(new Assert(z.kind), next);
      }
      if (a instanceof Group g) {
        if (g.index < 0) {
          return link(g.body, next);
        }
        Node close = chain(new GroupClose(g.index), next);
        return chain(new GroupOpen(g.index), link(g.body, close));
      }
      Repeat rep = (Repeat) a;
      if (rep.body instanceof Chars ch) {
        return chain(new Run(ch.set, rep.min, rep.max, rep.greedy), next);
      }
      Loop loop = new Loop(loops++, rep.min, rep.max, rep.greedy);
      loop.next = next;
      loop.body = link(rep.body, new LoopTail(loop));
      return loop;
    }

    private static Node chain(Node n, Node next) {
      n.next = next;
      return n;
    }
  }

  private static boolean beginsText(Ast a) {
    if (a instanceof Group g) {
      return beginsText(g.body);
    }
    return a instanceof Seq seq && !seq.items.isEmpty()
        && (seq.items.get(0) instanceof Zero z && z.kind == AssertKind.BEGIN_TEXT
            || beginsText(seq.items.get(0)));
  }

  /**
   * Chars every match starts with, or null when not simply known. A match may also start at the
   * start of the text whatever its char when {@code atTextStart[0]} is set on return: an
   * alternative begins with {@code ^}, as in {@code (?:^|:|\s)key}, which would otherwise leave
   * every position of a window to be tried.
   */
  private static CharSet firstSet(Ast a, boolean[] atTextStart) {
    if (a instanceof Chars ch) {
      return ch.set;
    }
    if (a instanceof Group g) {
      return firstSet(g.body, atTextStart);
    }
    if (a instanceof Repeat rep) {
      return rep.min > 0 ? firstSet(rep.body, atTextStart) : null;
    }
    if (a instanceof Alt alt) {
      CharSet all = new CharSet();
      for (Ast b : alt.alternatives) {
        CharSet f = firstSet(b, atTextStart);
        if (f == null) {
          return null;
        }
        all.addAll(f);
      }
      return all;
    }
    if (a instanceof Seq seq) {
      if (beginsText(seq)) {
        atTextStart[0] = true;
        return new CharSet();
      }
      for (Ast item : seq.items) {
        if (item instanceof Zero) {
          continue; // zero-width: the first char comes after it
        }
        return firstSet(item, atTextStart);
      }
      return null;
    }
    return null;
  }
}
