package io.tracewarden.agent;

import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Where the CLI's config comes from: {@code -c} files merged in order, or the built-in one. */
final class ConfigFiles {

  /** The quickstart pipeline, a byte-identical copy of {@code config-examples/quickstart.yaml}. */
  static final String BUILT_IN_RESOURCE = "/io/tracewarden/agent/quickstart.yaml";
  static final String BUILT_IN_SOURCE = "quickstart.yaml (built in)";

  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");

  private ConfigFiles() {}

  /** Loads {@code files}, or the built-in quickstart config when there are none. */
  static ConfigNode.Mapping load(List<Path> files, Function<String, String> environment) {
    ConfigLoader loader = new ConfigLoader(environment);
    if (files == null || files.isEmpty()) {
      return loader.parse(builtIn(), BUILT_IN_SOURCE);
    }
    return loader.load(files);
  }

  static String builtIn() {
    try (InputStream in = ConfigFiles.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(BUILT_IN_RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies {@code service.telemetry.logs.level} to slf4j-simple. Takes effect only before the
   * first logger is created; an explicit {@code -D} system property wins. An invalid level is left
   * for the service builder to report.
   */
  static void applyLogLevel(ConfigNode.Mapping config) {
    ConfigNode level = path(config, "service", "telemetry", "logs", "level");
    if (level instanceof ConfigNode.Scalar scalar && scalar.value() != null
        && LOG_LEVELS.contains(scalar.value()) && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LOG_LEVEL_PROPERTY, scalar.value());
    }
  }

  private static ConfigNode path(ConfigNode node, String... keys) {
    for (String key : keys) {
      if (!(node instanceof ConfigNode.Mapping mapping)) {
        return null;
      }
      Map<String, ConfigNode.Entry> entries = mapping.entries();
      ConfigNode.Entry entry = entries.get(key);
      if (entry == null) {
        return null;
      }
      node = entry.value();
    }
    return node;
  }
}
