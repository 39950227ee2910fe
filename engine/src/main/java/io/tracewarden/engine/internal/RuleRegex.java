package io.tracewarden.engine.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * A rule's regex: matched by a {@link Backtracker} when one is given (the built-in pack's
 * regexes), by RE2/J otherwise and whenever the backtracker runs out of steps. Thread-safe.
 */
public final class RuleRegex {

  private final Pattern re2;
  private final Backtracker fast;

  /** {@code fast}: null to use RE2/J only. */
  public RuleRegex(Pattern re2, Backtracker fast) {
    this.re2 = re2;
    this.fast = fast;
  }

  /** False when no match can start at {@code i} of {@code s[.., to)}, by its first char. */
  public boolean mayStartAt(String s, int i, int to) {
    return fast == null || fast.mayStartAt(s, i, to);
  }

  /** A matcher over {@code s[from, to)}, which it treats as its whole input. */
  public Match matcher(String s, int from, int to) {
    return new Match(s, from, to);
  }

  /**
   * RE2/J's {@link Matcher} for the calls the engine makes; offsets are relative to {@code from}.
   */
  public final class Match {
    private final String s;
    private final int from;
    private final int to;
    private int[] groups;
    /** Steps left to the backtracker, for all calls on this input together: linear overall. */
    private long[] budget;
    private boolean hasMatch;
    /** Set once the backtracker gave up: everything from then on is RE2/J's. */
    private Matcher re2Matcher;

    private Match(String s, int from, int to) {
      this.s = s;
      this.from = from;
      this.to = to;
      if (fast != null) {
        groups = new int[2 * fast.groupCount() + 2];
        budget = new long[] {Backtracker.budget(from, to)};
      } else {
        re2Matcher = re2.matcher(new Slice(s, from, to));
      }
    }

    /** As {@link Matcher#find()}. */
    public boolean find() {
      if (re2Matcher != null) {
        return re2Matcher.find();
      }
      int start = from;
      if (hasMatch) {
        start = groups[1] == groups[0] ? groups[1] + 1 : groups[1];
      }
      if (start > to) {
        hasMatch = false;
        return false;
      }
      try {
        hasMatch = fast.match(s, from, to, start, false, groups, budget);
        return hasMatch;
      } catch (Backtracker.BudgetExceeded e) {
        re2Matcher = re2.matcher(new Slice(s, from, to));
        return re2Matcher.find(start - from);
      }
    }

    /** As {@link Matcher#lookingAt()}. */
    public boolean lookingAt() {
      if (re2Matcher != null) {
        return re2Matcher.lookingAt();
      }
      try {
        hasMatch = fast.match(s, from, to, from, true, groups, budget);
        return hasMatch;
      } catch (Backtracker.BudgetExceeded e) {
        re2Matcher = re2.matcher(new Slice(s, from, to));
        return re2Matcher.lookingAt();
      }
    }

    public int start() {
      return start(0);
    }

    public int end() {
      return end(0);
    }

    /** Start of group {@code g} of the last match, or -1 when it took no part. */
    public int start(int g) {
      if (re2Matcher != null) {
        return re2Matcher.start(g);
      }
      check(g);
      return groups[2 * g] < 0 ? -1 : groups[2 * g] - from;
    }

    /** End of group {@code g} of the last match, or -1 when it took no part. */
    public int end(int g) {
      if (re2Matcher != null) {
        return re2Matcher.end(g);
      }
      check(g);
      return groups[2 * g + 1] < 0 ? -1 : groups[2 * g + 1] - from;
    }

    private void check(int g) {
      if (!hasMatch) {
        throw new IllegalStateException("no match");
      }
      if (g < 0 || 2 * g + 1 >= groups.length) {
        throw new IndexOutOfBoundsException("group " + g);
      }
    }
  }
}
