package io.tracewarden.core.config;

/** A position in a config source, 1-based, as editors show it. */
public record Location(String source, int line, int column) {

  public static final Location UNKNOWN = new Location("<unknown>", 0, 0);

  @Override
  public String toString() {
    return line == 0 ? source : source + ":" + line + ":" + column;
  }
}
