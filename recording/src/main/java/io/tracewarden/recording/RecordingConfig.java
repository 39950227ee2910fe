package io.tracewarden.recording;

import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.recording.trail.FsyncMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Config of the {@code recording} exporter; every key is documented in docs/audit-log.md.
 *
 * @param directory the trail directory ({@code <data_directory>/audit})
 * @param signingKeyFile the Ed25519 key ({@code <directory>/keys/signing.key})
 * @param origin the checkpoint origin and key name; empty means {@code tracewarden.audit/<host>}
 * @param checkpointInterval checkpoint at least this often while records arrive (10s)
 * @param checkpointEvery checkpoint after this many records (1000)
 * @param segmentMaxBytes rotate segments past this size (64MiB)
 * @param retention delete whole sealed segments older than this; empty keeps everything
 * @param content {@code full} (masked OTLP JSON) or {@code metadata} (names, ids, keys)
 * @param fsync {@code batch}, {@code always} or {@code never}
 * @param checkpointPipeline pipeline id to ship each checkpoint to as a log record
 * @param queueSize requests and events waiting for the writer before back-pressure (10000)
 */
record RecordingConfig(Path directory, Path signingKeyFile, Optional<String> origin,
    Duration checkpointInterval, int checkpointEvery, long segmentMaxBytes,
    Optional<Duration> retention, Content content, FsyncMode fsync,
    Optional<String> checkpointPipeline, int queueSize) {

  /** What telemetry the trail keeps. */
  enum Content { FULL, METADATA }

  static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  static final int DEFAULT_CHECKPOINT_EVERY = 1000;
  static final long DEFAULT_SEGMENT_MAX_BYTES = 64L << 20;
  static final int DEFAULT_QUEUE_SIZE = 10_000;

  static RecordingConfig read(ConfigSection config, Path dataDirectory) {
    Path directory = path(config, "directory", dataDirectory.resolve("audit"));
    Path key = path(config, "signing_key_file", directory.resolve("keys").resolve("signing.key"));
    Optional<String> origin = config.string("origin");
    if (origin.isPresent() && (origin.get().isBlank() || origin.get().contains("+")
        || origin.get().chars().anyMatch(Character::isWhitespace))) {
      throw config.error("origin", "must be non-empty, without spaces or '+'");
    }
    Duration interval = config.duration("checkpoint_interval", DEFAULT_CHECKPOINT_INTERVAL);
    if (interval.compareTo(Duration.ofMillis(10)) < 0) {
      throw config.error("checkpoint_interval", "must be at least 10ms");
    }
    int every = config.integer("checkpoint_every", DEFAULT_CHECKPOINT_EVERY, 1, 100_000_000);
    long segmentMax = config.bytes("segment_max_bytes", DEFAULT_SEGMENT_MAX_BYTES, 4096,
        1L << 40);
    Optional<Duration> retention = Optional.empty();
    if (config.has("retention")) {
      Duration keep = config.duration("retention", null);
      if (keep != null && (keep.isNegative() || keep.isZero())) {
        throw config.error("retention", "must be greater than zero (omit it to keep everything)");
      }
      retention = Optional.ofNullable(keep);
    }
    Content content = Content.valueOf(config.oneOf("content", "full", "full", "metadata")
        .toUpperCase(Locale.ROOT));
    FsyncMode fsync = FsyncMode.valueOf(config.oneOf("fsync", "batch", "batch", "always", "never")
        .toUpperCase(Locale.ROOT));
    Optional<String> pipeline = config.string("checkpoint_pipeline");
    if (pipeline.isPresent() && !pipeline.get().matches("(traces|logs|metrics)(/[^/]+)?")) {
      throw config.error("checkpoint_pipeline", "must be a pipeline id such as logs/audit");
    }
    if (pipeline.isPresent() && !pipeline.get().startsWith("logs")) {
      throw config.error("checkpoint_pipeline", "must be a logs pipeline: checkpoints are sent as "
          + "log records");
    }
    int queueSize = config.integer("queue_size", DEFAULT_QUEUE_SIZE, 1, 10_000_000);
    return new RecordingConfig(directory, key, origin, interval, every, segmentMax, retention,
        content, fsync, pipeline, queueSize);
  }

  private static Path path(ConfigSection config, String key, Path defaultPath) {
    Optional<String> text = config.string(key);
    if (text.isEmpty()) {
      return defaultPath;
    }
    if (text.get().isBlank()) {
      throw config.error(key, "must not be empty");
    }
    try {
      return Path.of(text.get());
    } catch (InvalidPathException e) {
      throw config.error(key, "is not a valid path");
    }
  }
}
