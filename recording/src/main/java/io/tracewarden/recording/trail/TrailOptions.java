package io.tracewarden.recording.trail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link TrailWriter} writes.
 *
 * @param directory the trail directory
 * @param signingKeyFile PKCS#8 PEM Ed25519 key, created when absent
 * @param origin the checkpoint origin line and key name
 * @param checkpointEvery checkpoint after this many new records
 * @param checkpointInterval checkpoint at least this often while records arrive
 * @param segmentMaxBytes rotate to a new segment past this size
 * @param retention delete whole sealed segments older than this; null keeps everything
 * @param fsync when to fsync
 * @param queueCapacity appends waiting for the writer thread before offers are refused
 * @param onCheckpoint called on the writer thread with each new checkpoint; must not block
 */
public record TrailOptions(Path directory, Path signingKeyFile, String origin, int checkpointEvery,
    Duration checkpointInterval, long segmentMaxBytes, Duration retention, FsyncMode fsync,
    int queueCapacity, Consumer<Checkpoint> onCheckpoint) {

  public TrailOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(signingKeyFile, "signingKeyFile");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(onCheckpoint, "onCheckpoint");
  }

  /** Defaults for tests and tools: key under {@code directory/keys}, origin {@code test}. */
  public static TrailOptions defaults(Path directory) {
    return new TrailOptions(directory, new Layout(directory).defaultSigningKey(),
        "tracewarden.audit/test", 1000, Duration.ofSeconds(10), 64L << 20, null, FsyncMode.BATCH,
        10_000, checkpoint -> {});
  }

  public TrailOptions withSegmentMaxBytes(long bytes) {
    return new TrailOptions(directory, signingKeyFile, origin, checkpointEvery, checkpointInterval,
        bytes, retention, fsync, queueCapacity, onCheckpoint);
  }

  public TrailOptions withCheckpointEvery(int every) {
    return new TrailOptions(directory, signingKeyFile, origin, every, checkpointInterval,
        segmentMaxBytes, retention, fsync, queueCapacity, onCheckpoint);
  }

  public TrailOptions withFsync(FsyncMode mode) {
    return new TrailOptions(directory, signingKeyFile, origin, checkpointEvery, checkpointInterval,
        segmentMaxBytes, retention, mode, queueCapacity, onCheckpoint);
  }

  public TrailOptions withRetention(Duration keep) {
    return new TrailOptions(directory, signingKeyFile, origin, checkpointEvery, checkpointInterval,
        segmentMaxBytes, keep, fsync, queueCapacity, onCheckpoint);
  }
}
