package io.tracewarden.processors.approval;

import java.util.Locale;

/** Where a hold is in its life. Only {@link #PENDING} holds data. */
public enum HoldState {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code pending}, {@code approved}, {@code denied} or {@code expired}; else null. */
  public static HoldState parseOrNull(String text) {
    for (HoldState state : values()) {
      if (state.id().equalsIgnoreCase(text)) {
        return state;
      }
    }
    return null;
  }
}
