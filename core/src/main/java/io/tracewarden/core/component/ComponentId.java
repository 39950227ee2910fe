package io.tracewarden.core.component;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifies a configured component as {@code type[/name]}, e.g. {@code otlp} or {@code otlp/backend}.
 */
public record ComponentId(String type, String name) implements Comparable<ComponentId> {

  // Fixed, anchored and backtracking-free: safe on operator input even with java.util.regex.
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*");

  public ComponentId {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "component type '" + type + "' must be lower_snake_case (letters, digits, '_')");
    }
    if (name.contains("/")) {
      throw new IllegalArgumentException("component name '" + name + "' must not contain '/'");
    }
  }

  public static ComponentId of(String type) {
    return new ComponentId(type, "");
  }

  /** Parses {@code type} or {@code type/name}; a trailing {@code /} with no name is an error. */
  public static ComponentId parse(String id) {
    Objects.requireNonNull(id, "id");
    int slash = id.indexOf('/');
    if (slash < 0) {
      return of(id.trim());
    }
    String name = id.substring(slash + 1).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("component id '" + id + "' has an empty name after '/'");
    }
    return new ComponentId(id.substring(0, slash).trim(), name);
  }

  @Override
  public int compareTo(ComponentId other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }
}
