package io.tracewarden.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, position-aware reading of one config mapping. Every key read is remembered, so that after
 * a component has read its config, {@link #checkNoUnknownKeys()} reports whatever it did not
 * understand, with file, line and column: a typo never silently falls back to a default.
 */
public final class ConfigSection {

  private final ConfigNode.Mapping mapping;
  private final String path;
  private final Set<String> readKeys = new LinkedHashSet<>();
  private final List<ConfigSection> children = new ArrayList<>();

  public ConfigSection(ConfigNode.Mapping mapping, String path) {
    this.mapping = mapping;
    this.path = path;
  }

  /** Treats a null or absent node as an empty mapping; anything else must be a mapping. */
  public static ConfigSection of(ConfigNode node, String path, Location fallback) {
    if (node == null || node instanceof ConfigNode.Scalar scalar && scalar.isNull()) {
      return new ConfigSection(
          ConfigNode.Mapping.empty(node == null ? fallback : node.location()), path);
    }
    if (node instanceof ConfigNode.Mapping mapping) {
      return new ConfigSection(mapping, path);
    }
    throw new ConfigException(node.location(), path, "expected a mapping");
  }

  public String path() {
    return path;
  }

  public Location location() {
    return mapping.location();
  }

  public boolean isEmpty() {
    return mapping.entries().isEmpty();
  }

  public boolean has(String key) {
    return mapping.entries().containsKey(key);
  }

  /** The keys present, in file order; reading them this way does not mark them as read. */
  public Set<String> keys() {
    return mapping.entries().keySet();
  }

  public Optional<String> string(String key) {
    ConfigNode.Scalar scalar = scalar(key);
    return scalar == null || scalar.isNull() ? Optional.empty() : Optional.of(scalar.value());
  }

  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  public String requiredString(String key) {
    return string(key).orElseThrow(() -> error(key, "is required"));
  }

  public boolean bool(String key, boolean defaultValue) {
    ConfigNode.Scalar scalar = scalar(key);
    if (scalar == null || scalar.isNull()) {
      return defaultValue;
    }
    return switch (scalar.value().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(key, "expected true or false, got '" + scalar.raw() + "'");
    };
  }

  public int integer(String key, int defaultValue, int min, int max) {
    long value = longValue(key, defaultValue, min, max);
    return (int) value;
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    ConfigNode.Scalar scalar = scalar(key);
    if (scalar == null || scalar.isNull()) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(scalar.value().replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(key, "expected an integer, got '" + scalar.raw() + "'");
    }
    return checkRange(key, value, min, max);
  }

  public double doubleValue(String key, double defaultValue, double min, double max) {
    ConfigNode.Scalar scalar = scalar(key);
    if (scalar == null || scalar.isNull()) {
      return defaultValue;
    }
    double value;
    try {
      value = Double.parseDouble(scalar.value());
    } catch (NumberFormatException e) {
      throw error(key, "expected a number, got '" + scalar.raw() + "'");
    }
    if (!(value >= min && value <= max)) {
      throw error(key, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** A duration such as {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h}; {@code 0} alone. */
  public Duration duration(String key, Duration defaultValue) {
    ConfigNode.Scalar scalar = scalar(key);
    if (scalar == null || scalar.isNull()) {
      return defaultValue;
    }
    Duration parsed = Units.parseDuration(scalar.value());
    if (parsed == null) {
      throw error(key, "expected a duration such as 500ms, 5s, 1m30s or 2h, got '"
          + scalar.raw() + "'");
    }
    return parsed;
  }

  /** A size such as {@code 20MiB}, {@code 512KiB}, {@code 1GB} or a plain number of bytes. */
  public long bytes(String key, long defaultValue, long min, long max) {
    ConfigNode.Scalar scalar = scalar(key);
    if (scalar == null || scalar.isNull()) {
      return defaultValue;
    }
    Long parsed = Units.parseBytes(scalar.value());
    if (parsed == null) {
      throw error(key, "expected a size such as 20MiB, 512KiB or 1048576, got '"
          + scalar.raw() + "'");
    }
    return checkRange(key, parsed, min, max);
  }

  /** One of {@code allowed} (compared case-insensitively, returned as written in allowed). */
  public String oneOf(String key, String defaultValue, String... allowed) {
    Optional<String> value = string(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    for (String candidate : allowed) {
      if (candidate.equalsIgnoreCase(value.get())) {
        return candidate;
      }
    }
    throw error(key, "must be one of " + String.join(", ", allowed) + ", got '"
        + scalar(key).raw() + "'");
  }

  /** A list of strings; a single scalar counts as a one-element list. */
  public List<String> stringList(String key) {
    ConfigNode node = node(key);
    if (node == null || node instanceof ConfigNode.Scalar s && s.isNull()) {
      return List.of();
    }
    if (node instanceof ConfigNode.Scalar scalar) {
      return List.of(scalar.value());
    }
    if (!(node instanceof ConfigNode.Sequence sequence)) {
      throw error(key, "expected a list of strings");
    }
    List<String> values = new ArrayList<>();
    for (ConfigNode item : sequence.items()) {
      if (!(item instanceof ConfigNode.Scalar scalar) || scalar.isNull()) {
        throw new ConfigException(item.location(), childPath(key), "expected a string");
      }
      values.add(scalar.value());
    }
    return values;
  }

  /** A mapping of free-form keys to strings, e.g. HTTP headers. */
  public Map<String, String> stringMap(String key) {
    ConfigSection section = section(key);
    Map<String, String> values = new LinkedHashMap<>();
    for (String child : section.keys()) {
      values.put(child, section.string(child).orElse(""));
    }
    return values;
  }

  /** The nested mapping under {@code key}, empty when absent; its keys are checked too. */
  public ConfigSection section(String key) {
    ConfigNode node = node(key);
    ConfigSection child = ConfigSection.of(node, childPath(key), location());
    children.add(child);
    return child;
  }

  /** Each item of a list of mappings under {@code key}. */
  public List<ConfigSection> sectionList(String key) {
    ConfigNode node = node(key);
    if (node == null || node instanceof ConfigNode.Scalar s && s.isNull()) {
      return List.of();
    }
    if (!(node instanceof ConfigNode.Sequence sequence)) {
      throw error(key, "expected a list");
    }
    List<ConfigSection> sections = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      ConfigSection child = ConfigSection.of(sequence.items().get(i),
          childPath(key) + "[" + i + "]", location());
      children.add(child);
      sections.add(child);
    }
    return sections;
  }

  /** The raw node under {@code key}, marking it read; for components with free-form config. */
  public ConfigNode node(String key) {
    readKeys.add(key);
    ConfigNode.Entry entry = mapping.entries().get(key);
    return entry == null ? null : entry.value();
  }

  /** Where {@code key} itself is written, or this section's location when it is absent. */
  public Location keyLocation(String key) {
    ConfigNode.Entry entry = mapping.entries().get(key);
    return entry == null ? location() : entry.keyLocation();
  }

  /** An error about {@code key}, located at its value (or at this section when it is absent). */
  public ConfigException error(String key, String problem) {
    ConfigNode.Entry entry = mapping.entries().get(key);
    Location location = entry == null ? location() : entry.value().location();
    return new ConfigException(location, childPath(key), problem);
  }

  /** Throws for the first key, here or in any section read from here, that nothing read. */
  public void checkNoUnknownKeys() {
    for (Map.Entry<String, ConfigNode.Entry> entry : mapping.entries().entrySet()) {
      if (!readKeys.contains(entry.getKey())) {
        throw new ConfigException(entry.getValue().keyLocation(), childPath(entry.getKey()),
            "unknown key" + suggestion(entry.getKey()));
      }
    }
    for (ConfigSection child : children) {
      child.checkNoUnknownKeys();
    }
  }

  private String suggestion(String unknown) {
    Set<String> known = new LinkedHashSet<>(readKeys);
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int distance = Units.editDistance(unknown, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    String valid = known.isEmpty() ? "" : " (valid keys: " + String.join(", ", known) + ")";
    return best == null ? valid : " (did you mean '" + best + "'?)";
  }

  private ConfigNode.Scalar scalar(String key) {
    ConfigNode node = node(key);
    if (node == null) {
      return null;
    }
    if (node instanceof ConfigNode.Scalar scalar) {
      return scalar;
    }
    throw error(key, "expected a single value, not a " + (node instanceof ConfigNode.Mapping
        ? "mapping" : "list"));
  }

  private long checkRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw error(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
