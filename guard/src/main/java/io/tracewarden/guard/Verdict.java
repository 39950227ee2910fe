package io.tracewarden.guard;

import io.tracewarden.engine.Severity;

/**
 * A rule's decision on one record.
 *
 * @param ruleId the rule that decided
 * @param severity its severity
 * @param priority its priority
 * @param action what to do
 * @param excerpt what matched (post-masking, at most {@link #MAX_EXCERPT} characters)
 * @param location the attribute it was found in
 * @param order the rule's position, to break ties between equally strong verdicts
 */
public record Verdict(String ruleId, Severity severity, int priority, Action action, String excerpt,
    String location, int order) {

  public static final int MAX_EXCERPT = 200;

  /** Whether this verdict should win over {@code other} (null loses to anything). */
  public boolean strongerThan(Verdict other) {
    if (other == null) {
      return true;
    }
    if (action != other.action) {
      return action.compareTo(other.action) > 0;
    }
    if (priority != other.priority) {
      return priority > other.priority;
    }
    if (severity != other.severity) {
      return severity.compareTo(other.severity) > 0;
    }
    return order < other.order;
  }

  public static Verdict stronger(Verdict a, Verdict b) {
    return a == null ? b : b != null && b.strongerThan(a) ? b : a;
  }

  public static String excerpt(String text) {
    String flat = text.replace('\n', ' ').replace('\r', ' ').strip();
    return flat.length() <= MAX_EXCERPT ? flat : flat.substring(0, MAX_EXCERPT - 1) + "…";
  }

  @Override
  public String toString() {
    // The excerpt is post-masking, but keep it out of logs anyway.
    return "Verdict[" + ruleId + ", " + action.id() + "]";
  }
}
