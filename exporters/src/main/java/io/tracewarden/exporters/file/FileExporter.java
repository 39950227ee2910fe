package io.tracewarden.exporters.file;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.telemetry.ComponentMetrics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each request as one line of OTLP JSON. Rotates by size: the current file is renamed to
 * {@code <name>-<UTC timestamp>.<ext>} (e.g. {@code telemetry-20250102T030405.678Z.jsonl}) and
 * the oldest rotated files beyond {@code max_backups} are deleted.
 */
final class FileExporter implements Exporter {

  private static final Logger logger = LoggerFactory.getLogger(FileExporter.class);
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern BACKUP_STAMP = Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z");
  private static final int BACKUP_STAMP_LENGTH = "yyyyMMddTHHmmss.SSSZ".length();
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Object lock = new Object();
  private final ComponentId id;
  private final ComponentMetrics metrics;
  private final FileExporterConfig config;
  private final String baseName;
  private final String extension;

  private OutputStream out;
  private long size;
  private long lastBackupMillis;
  private boolean stopped;
  private ScheduledExecutorService flusher;

  FileExporter(ComponentSettings settings, FileExporterConfig config) {
    this.id = settings.id();
    this.metrics = settings.metrics();
    this.config = config;
    String fileName = config.path().getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    this.baseName = dot > 0 ? fileName.substring(0, dot) : fileName;
    this.extension = dot > 0 ? fileName.substring(dot) : "";
  }

  @Override
  public void start(Host host) throws IOException {
    synchronized (lock) {
      if (out != null || stopped) {
        throw new IllegalStateException("exporter " + id + " was already started");
      }
      Path parent = config.path().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      open();
      flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tracewarden-exporter-" + id + "-flush");
        thread.setDaemon(true);
        return thread;
      });
      long interval = config.flushInterval().toNanos();
      flusher.scheduleWithFixedDelay(this::flush, interval, interval, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    byte[] line = OtlpCodec.encode(telemetry.request(), OtlpCodec.Format.JSON);
    int items = telemetry.itemCount();
    synchronized (lock) {
      if (out == null) {
        metrics.failed(telemetry.signal(), items);
        return CompletableFuture.failedFuture(
            TelemetryException.retryable("exporter " + id + " is not running", null));
      }
      try {
        if (config.maxBytes() > 0 && size > 0 && size + line.length + 1 > config.maxBytes()) {
          rotate();
        }
        out.write(line);
        out.write('\n');
        size += line.length + 1;
      } catch (IOException e) {
        metrics.failed(telemetry.signal(), items);
        logger.warn("exporter {}: cannot write {}: {}", id, config.path(), e.toString());
        return CompletableFuture.failedFuture(TelemetryException.retryable(
            "exporter " + id + " cannot write its file: " + e.getClass().getSimpleName(), e));
      }
    }
    metrics.exported(telemetry.signal(), items);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void shutdown(Duration timeout) {
    ScheduledExecutorService toStop;
    synchronized (lock) {
      stopped = true;
      toStop = flusher;
      flusher = null;
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          logger.warn("exporter {}: cannot flush {} at shutdown: {}", id, config.path(),
              e.toString());
        }
        out = null;
      }
    }
    if (toStop != null) {
      toStop.shutdownNow();
    }
  }

  private void flush() {
    synchronized (lock) {
      if (out == null) {
        return;
      }
      try {
        out.flush();
      } catch (IOException e) {
        logger.warn("exporter {}: cannot flush {}: {}", id, config.path(), e.toString());
      }
    }
  }

  private void open() throws IOException {
    out = new BufferedOutputStream(Files.newOutputStream(config.path(), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE), BUFFER_BYTES);
    size = Files.size(config.path());
  }

  /** Renames the current file to a timestamped backup, reopens, and prunes old backups. */
  private void rotate() throws IOException {
    out.close();
    out = null;
    long millis = Math.max(System.currentTimeMillis(), lastBackupMillis + 1);
    Path backup = config.path().resolveSibling(backupName(millis));
    while (Files.exists(backup)) {
      millis++;
      backup = config.path().resolveSibling(backupName(millis));
    }
    lastBackupMillis = millis;
    Files.move(config.path(), backup, StandardCopyOption.ATOMIC_MOVE);
    open();
    if (config.maxBackups() > 0) {
      List<Path> backups = backups();
      for (int i = 0; i < backups.size() - config.maxBackups(); i++) {
        Files.deleteIfExists(backups.get(i));
      }
    }
  }

  private String backupName(long millis) {
    return baseName + "-" + BACKUP_TIME.format(Instant.ofEpochMilli(millis)) + extension;
  }

  /** Rotated files of this exporter, oldest first (the timestamp sorts as text). */
  List<Path> backups() throws IOException {
    Path directory = config.path().toAbsolutePath().getParent();
    List<Path> backups = new ArrayList<>();
    String prefix = baseName + "-";
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path candidate : stream) {
        String name = candidate.getFileName().toString();
        if (name.length() == prefix.length() + BACKUP_STAMP_LENGTH + extension.length()
            && name.startsWith(prefix) && name.endsWith(extension)
            && BACKUP_STAMP.matcher(name.substring(prefix.length(),
                prefix.length() + BACKUP_STAMP_LENGTH)).matches()) {
          backups.add(candidate);
        }
      }
    }
    backups.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return backups;
  }
}
