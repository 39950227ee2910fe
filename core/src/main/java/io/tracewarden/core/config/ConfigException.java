package io.tracewarden.core.config;

/**
 * A config problem, reported before anything starts. The message reads
 * {@code file:line:column: key.path: what is wrong}; it never contains a substituted value, since
 * those may be secrets read from the environment or a file.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Location location;
  private final String keyPath;
  private final String problem;

  public ConfigException(Location location, String keyPath, String problem) {
    super(location + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem);
    this.location = location;
    this.keyPath = keyPath;
    this.problem = problem;
  }

  public Location location() {
    return location;
  }

  public String keyPath() {
    return keyPath;
  }

  public String problem() {
    return problem;
  }
}
