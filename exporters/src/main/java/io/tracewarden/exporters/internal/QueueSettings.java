package io.tracewarden.exporters.internal;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.config.ConfigSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code sending_queue}: whether {@code consume} only enqueues (and returns at once) or waits for
 * the backend, and where queued requests live.
 *
 * @param enabled queue requests and send them from {@code numConsumers} threads
 * @param queueSize the most requests (not items) waiting; beyond it, back-pressure
 * @param numConsumers threads sending concurrently
 * @param storage {@code MEMORY} (lost if the process dies) or {@code DISK} (crash-safe)
 * @param directory where a disk queue keeps its files; empty means
 *     {@code <data_directory>/queue/<exporter id>}
 * @param maxBytes the most bytes the queue may hold (a disk queue's files; a memory queue's
 *     requests, counted encoded); beyond it, back-pressure
 * @param fsync when a disk queue forces its writes to the device
 */
public record QueueSettings(boolean enabled, int queueSize, int numConsumers, Storage storage,
    Optional<Path> directory, long maxBytes, Fsync fsync) {

  public static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** Counted as encoded size; the decoded requests take a few times that on the heap. */
  public static final long DEFAULT_MEMORY_MAX_BYTES = 32L << 20;
  /** Below this a disk queue could not hold one ordinary request. */
  static final long MIN_MAX_BYTES = 1L << 20;

  public static final QueueSettings DEFAULT = new QueueSettings(true, 1000, 2, Storage.MEMORY,
      Optional.empty(), DEFAULT_MEMORY_MAX_BYTES, Fsync.BATCH);

  public QueueSettings {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fsync, "fsync");
  }

  /** An in-memory queue. */
  public QueueSettings(boolean enabled, int queueSize, int numConsumers) {
    this(enabled, queueSize, numConsumers, Storage.MEMORY, Optional.empty(),
        DEFAULT_MEMORY_MAX_BYTES,
        Fsync.BATCH);
  }

  public static QueueSettings read(ConfigSection config) {
    boolean enabled = config.bool("enabled", DEFAULT.enabled);
    int queueSize = config.integer("queue_size", DEFAULT.queueSize, 1, 10_000_000);
    int numConsumers = config.integer("num_consumers", DEFAULT.numConsumers, 1, 1000);
    Storage storage = Storage.valueOf(config.oneOf("storage", "memory", "memory", "disk")
        .toUpperCase(Locale.ROOT));
    Optional<Path> directory = config.string("directory").filter(value -> !value.isBlank())
        .map(value -> Path.of(value.trim()));
    long maxBytes = config.bytes("max_bytes",
        storage == Storage.MEMORY ? DEFAULT_MEMORY_MAX_BYTES : DEFAULT_MAX_BYTES, MIN_MAX_BYTES,
        Long.MAX_VALUE / 4);
    Fsync fsync = Fsync.valueOf(config.oneOf("fsync", "batch", "batch", "always", "never")
        .toUpperCase(Locale.ROOT));
    if (storage == Storage.DISK && !enabled) {
      throw config.error("storage", "disk storage needs the queue: set enabled: true");
    }
    if (storage == Storage.MEMORY) {
      for (String diskOnly : new String[] {"directory", "fsync"}) {
        if (config.has(diskOnly)) {
          throw config.error(diskOnly, "applies only to storage: disk");
        }
      }
    }
    return new QueueSettings(enabled, queueSize, numConsumers, storage, directory, maxBytes,
        fsync);
  }

  /** Opens the configured queue; called from the exporter's {@code start}. */
  public SendingQueue create(ComponentSettings settings) {
    if (storage == Storage.MEMORY) {
      return new MemorySendingQueue(queueSize, maxBytes);
    }
    Path dir = directory.orElseGet(() -> defaultDirectory(settings.dataDirectory(), settings.id()));
    try {
      return DiskSendingQueue.open(dir, queueSize, maxBytes, fsync, settings.id().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the sending queue of " + settings.id() + " in "
          + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@code <dataDirectory>/queue/<type>[/<name>]}, the name made safe as one path element. */
  static Path defaultDirectory(Path dataDirectory, ComponentId id) {
    Path dir = dataDirectory.resolve("queue").resolve(id.type());
    if (id.name().isEmpty()) {
      return dir;
    }
    String name = id.name().replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.equals(".") || name.equals("..")) {
      name = name.replace('.', '_');
    }
    return dir.resolve(name);
  }

  /** Where queued requests live. */
  public enum Storage { MEMORY, DISK }

  /** When a disk queue forces written records to the device before acknowledging them. */
  public enum Fsync {
    /** One fsync per group of records written together (group commit); the default. */
    BATCH,
    /** One fsync per record. */
    ALWAYS,
    /** Never: survives a killed process (the page cache holds the data), not a power loss. */
    NEVER
  }
}
