package io.tracewarden.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed config tree that remembers where every node and key came from. */
public sealed interface ConfigNode {

  Location location();

  /**
   * A scalar after substitution. {@code raw} is the text as written, used in error messages so
   * that a substituted secret is never echoed.
   */
  record Scalar(String value, String raw, Location location, boolean isNull) implements ConfigNode {}

  record Sequence(List<ConfigNode> items, Location location) implements ConfigNode {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  record Mapping(Map<String, Entry> entries, Location location) implements ConfigNode {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static Mapping empty(Location location) {
      return new Mapping(Map.of(), location);
    }
  }

  /** A mapping entry: where the key is written, and its value. */
  record Entry(Location keyLocation, ConfigNode value) {}
}
