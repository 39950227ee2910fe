package io.tracewarden.exporters.file;

import io.tracewarden.core.config.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Config of the {@code file} exporter.
 *
 * @param path the file written; rotated files sit next to it
 * @param maxBytes rotate once the file would grow past this; zero never rotates
 * @param maxBackups rotated files kept (oldest deleted first); zero keeps all
 * @param flushInterval how often buffered lines reach the file
 */
record FileExporterConfig(Path path, long maxBytes, int maxBackups, Duration flushInterval) {

  static final String DEFAULT_PATH = "./tracewarden-data/telemetry.jsonl";
  static final int DEFAULT_MAX_MEGABYTES = 100;
  static final int DEFAULT_MAX_BACKUPS = 5;
  static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  static FileExporterConfig read(ConfigSection config) {
    String pathText = config.string("path", DEFAULT_PATH);
    if (pathText.isBlank()) {
      throw config.error("path", "must not be empty");
    }
    Path path;
    try {
      path = Path.of(pathText);
    } catch (java.nio.file.InvalidPathException e) {
      throw config.error("path", "is not a valid path");
    }
    if (path.getFileName() == null) {
      throw config.error("path", "must name a file");
    }
    ConfigSection rotation = config.section("rotation");
    long maxMegabytes = rotation.longValue("max_megabytes", DEFAULT_MAX_MEGABYTES, 0, 1 << 20);
    int maxBackups = rotation.integer("max_backups", DEFAULT_MAX_BACKUPS, 0, 100_000);
    Duration flush = config.duration("flush_interval", DEFAULT_FLUSH_INTERVAL);
    if (flush.isNegative() || flush.isZero()) {
      throw config.error("flush_interval", "must be greater than zero");
    }
    config.oneOf("format", "json", "json");
    return new FileExporterConfig(path, maxMegabytes * 1024 * 1024, maxBackups, flush);
  }
}
