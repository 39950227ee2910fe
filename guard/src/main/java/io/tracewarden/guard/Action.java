package io.tracewarden.guard;

import java.util.Locale;

/** What the guard does with a record a rule matched, weakest first. */
public enum Action {
  /** Forward, annotated with the rule. */
  FLAG,
  /** Forward, annotated so that the approval processor holds it. */
  HOLD,
  /** Do not forward; audit. */
  BLOCK;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code block}, {@code hold} or {@code flag}; null when it is none of them. */
  public static Action parse(String text) {
    for (Action action : values()) {
      if (action.id().equalsIgnoreCase(text.trim())) {
        return action;
      }
    }
    return null;
  }
}
