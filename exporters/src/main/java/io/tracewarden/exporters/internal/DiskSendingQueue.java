package io.tracewarden.exporters.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash-safe {@link SendingQueue}: an append-only log of segment files in one directory, plus an
 * acknowledgement file. Survives {@code kill -9} at any point: a request is reported durable (its
 * {@link #enqueue} future completes) only once written and, unless {@code fsync: never}, forced to
 * the device; it is deleted only after the exporter acknowledged it. Delivery is at least once.
 *
 * <p>Files:
 *
 * <ul>
 *   <li>{@code segment-<20-digit id>.log}: the 8-byte magic {@code TWQSEG01}, then records of
 *       {@code [int length][int crc32c][payload of length bytes]} (big-endian; the CRC covers the
 *       length field and the payload). A payload is {@code [version=1][signal][principal]
 *       [receiver id][peer][receivedAt seconds, nanos]} (strings as int length + UTF-8) followed by
 *       the request's protobuf bytes.
 *   <li>{@code ack}: two 32-byte slots {@code [long sequence][long segment][long offset]
 *       [int crc32c][int 0]} written alternately; the valid slot with the higher sequence is the
 *       position of the first record not acknowledged.
 *   <li>{@code .lock}: held with an OS file lock while open, so two exporters or processes never
 *       share a directory.
 * </ul>
 *
 * <p>One writer thread appends admitted records and forces them in groups (group commit: with
 * {@code fsync: batch} one fsync covers every record that arrived while the previous one ran), then
 * completes the producers' futures. Acknowledgements advance the persisted position lazily (at
 * most every {@value #ACK_FLUSH_MILLIS} ms, by the same thread); a crash before that re-delivers
 * a few requests, never loses one. Segments wholly before the position are deleted.
 *
 * <p>On open, every segment after the acknowledged position is read and checked. The first record
 * that is cut short or fails its checksum ends its segment: the file is truncated there and the
 * bytes dropped are logged (a torn tail after a crash; anywhere else, corruption: what followed it
 * in that segment is lost, the following segments are read as usual). Opening never fails because
 * of the queue's content. Writing always starts in a new segment.
 */
public final class DiskSendingQueue implements SendingQueue {

  static final String SEGMENT_PREFIX = "segment-";
  static final String SEGMENT_SUFFIX = ".log";
  static final String ACK_FILE = "ack";
  static final String LOCK_FILE = ".lock";
  static final int RECORD_HEADER_BYTES = 8;
  private static final byte[] MAGIC = "TWQSEG01".getBytes(StandardCharsets.US_ASCII);
  static final int SEGMENT_HEADER_BYTES = MAGIC.length;
  private static final byte FORMAT_VERSION = 1;
  private static final long ACK_FLUSH_MILLIS = 100;
  private static final long MIN_SEGMENT_BYTES = 64L << 10;
  private static final long MAX_SEGMENT_BYTES = 64L << 20;
  private static final Logger logger = LoggerFactory.getLogger(DiskSendingQueue.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition work = lock.newCondition();
  private final Path directory;
  private final String name;
  private final int capacity;
  private final long maxBytes;
  private final long segmentBytes;
  private final QueueSettings.Fsync fsync;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final AckFile ackFile;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  /** Committed records not yet polled, oldest first. */
  private final ArrayDeque<Entry> ready = new ArrayDeque<>();
  /** Committed records from the acknowledged position on, oldest first (polled or not). */
  private final ArrayDeque<Entry> live = new ArrayDeque<>();
  private final Map<Telemetry, Entry> outstanding = new IdentityHashMap<>();
  private final Thread writer;
  private final AtomicLong syncs = new AtomicLong();

  private List<Pending> pending = new ArrayList<>();
  private long pendingBytes;
  private long diskBytes;
  /** Only the writer thread changes it (and the size of its segment). */
  private Segment active;
  private long committedSegment;
  private long committedOffset;
  private long ackSegment;
  private long ackOffset;
  private boolean ackDirty;
  private boolean closed;
  private boolean stopping;
  private boolean released;
  private long droppedRecords;
  private long unreadableRecords;

  private DiskSendingQueue(Path directory, int capacity, long maxBytes, long segmentBytes,
      QueueSettings.Fsync fsync, String name, FileChannel lockChannel, FileLock fileLock,
      AckFile ackFile) {
    this.directory = directory;
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.fsync = fsync;
    this.name = name;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.ackFile = ackFile;
    this.writer = new Thread(this::writeLoop, "tracewarden-queue-" + name + "-writer");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (creating it if needed) the queue in {@code directory} and recovers what it holds.
   *
   * @param capacity the most requests waiting to be polled
   * @param maxBytes the most bytes its segment files may hold
   * @param name used in thread names and log lines, e.g. the exporter id
   * @throws IOException when the directory cannot be used or another process holds it
   */
  public static DiskSendingQueue open(Path directory, int capacity, long maxBytes,
      QueueSettings.Fsync fsync, String name) throws IOException {
    long segment = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 16));
    return open(directory, capacity, maxBytes, segment, fsync, name);
  }

  /** As {@link #open(Path, int, long, QueueSettings.Fsync, String)}, with a segment size. */
  static DiskSendingQueue open(Path directory, int capacity, long maxBytes, long segmentBytes,
      QueueSettings.Fsync fsync, String name) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(name, "name");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (segmentBytes < 1 || maxBytes < segmentBytes) {
      throw new IllegalArgumentException("need 0 < segmentBytes <= maxBytes");
    }
    createPrivateDirectories(directory);
    FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock fileLock;
    try {
      fileLock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      fileLock = null;
    }
    if (fileLock == null) {
      lockChannel.close();
      throw new IOException("the queue directory is in use by another exporter or process");
    }
    DiskSendingQueue queue = null;
    try {
      AckFile ack = AckFile.open(directory.resolve(ACK_FILE), fsync != QueueSettings.Fsync.NEVER);
      queue = new DiskSendingQueue(directory, capacity, maxBytes, segmentBytes, fsync, name,
          lockChannel, fileLock, ack);
      queue.recover();
      queue.writer.start();
      return queue;
    } catch (IOException | RuntimeException e) {
      if (queue != null) {
        queue.closeFiles();
      } else {
        fileLock.release();
        lockChannel.close();
      }
      throw e;
    }
  }

  @Override
  public boolean offer(Telemetry telemetry) {
    return enqueue(telemetry) != null;
  }

  @Override
  public CompletableFuture<Void> enqueue(Telemetry telemetry) {
    byte[] record = encode(telemetry);
    if (record.length > maxBytes - SEGMENT_HEADER_BYTES) {
      return CompletableFuture.failedFuture(TelemetryException.permanent(
          "request of " + record.length + " bytes is larger than the sending queue (max_bytes)"));
    }
    CompletableFuture<Void> durable = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed || ready.size() + pending.size() >= capacity
          || diskBytes + pendingBytes + record.length > maxBytes) {
        return null;
      }
      pending.add(new Pending(record, durable));
      pendingBytes += record.length;
      work.signal();
    } finally {
      lock.unlock();
    }
    return durable;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public Telemetry poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    while (true) {
      Entry entry;
      Segment segment;
      lock.lockInterruptibly();
      try {
        while (ready.isEmpty()) {
          if (closed || released || nanos <= 0) {
            return null;
          }
          nanos = notEmpty.awaitNanos(nanos);
        }
        if (released) {
          return null;
        }
        entry = ready.pollFirst();
        segment = segments.get(entry.segment);
      } finally {
        lock.unlock();
      }
      Telemetry telemetry;
      try {
        telemetry = read(segment, entry);
      } catch (IOException e) {
        lock.lock();
        try {
          if (released) {
            return null;
          }
          unreadableRecords++;
        } finally {
          lock.unlock();
        }
        // Never acknowledged: it stays on disk, blocking the deletion of its segment, and is
        // read again after the next start. Dropping it here would lose a durable record.
        logger.warn("sending queue {}: cannot read the request at {}:{} ({}); it stays in the "
            + "queue for the next start", name, entry.segment, entry.offset, e.toString());
        continue;
      }
      lock.lock();
      try {
        if (released) {
          return null;
        }
        if (telemetry != null) {
          outstanding.put(telemetry, entry);
          return telemetry;
        }
        // Corrupt, and already copied aside by read: it must not block what follows.
        droppedRecords++;
        entry.acked = true;
        advanceAck();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void acknowledge(Telemetry telemetry) {
    lock.lock();
    try {
      Entry entry = outstanding.remove(telemetry);
      if (entry == null || released) {
        return;
      }
      entry.acked = true;
      advanceAck();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    return locked(() -> released ? 0 : ready.size() + pending.size());
  }

  @Override
  public int capacity() {
    return capacity;
  }

  /** Bytes its segment files hold, plus records admitted but not yet written. */
  public long bytes() {
    return locked(() -> diskBytes + pendingBytes);
  }

  /**
   * Records dropped because they failed their checksum or could not be decoded: cut off a torn
   * or corrupt segment at open, or copied aside when read.
   */
  public long droppedRecords() {
    return locked(() -> droppedRecords);
  }

  /** Reads that failed with an I/O error; those records stay in the queue for the next start. */
  public long unreadableRecords() {
    return locked(() -> unreadableRecords);
  }

  /** Group commits (batch) or record writes (always) forced to the device so far. */
  long syncCount() {
    return syncs.get();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isClosed() {
    return locked(() -> closed);
  }

  /** Nothing: what is queued stays on disk for the next start. */
  @Override
  public List<Telemetry> drain() {
    return List.of();
  }

  /**
   * Stops accepting, writes what was admitted, persists the acknowledged position and closes the
   * files. Requests polled but not acknowledged are delivered again after the next open.
   */
  @Override
  public void release() {
    lock.lock();
    try {
      if (stopping) {
        return;
      }
      closed = true;
      stopping = true;
      notEmpty.signalAll();
      work.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    lock.lock();
    try {
      released = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    closeFiles();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  // ---- recovery ----

  private void recover() throws IOException {
    long[] acked = ackFile.read();
    ackSegment = acked[0];
    ackOffset = acked[1];
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(file -> {
        Long id = segmentId(file.getFileName().toString());
        if (id != null && Files.isRegularFile(file)) {
          ids.add(id);
        }
      });
    }
    ids.sort(null);
    long nextId = 0;
    for (long id : ids) {
      nextId = id + 1;
      Path file = segmentPath(id);
      if (id < ackSegment) {
        Files.deleteIfExists(file);
        continue;
      }
      recoverSegment(id, file);
    }
    if (!live.isEmpty()) {
      logger.info("sending queue {}: recovered {} request(s) from {}", name, live.size(),
          directory);
    }
    active = createSegment(Math.max(nextId, ackSegment + 1));
    segments.put(active.id, active);
    diskBytes += active.size;
    committedSegment = active.id;
    committedOffset = active.size;
    if (live.isEmpty()) {
      // Nothing left before the new segment: move the position there so old files go.
      ackSegment = committedSegment;
      ackOffset = committedOffset;
      ackDirty = true;
      deleteAcknowledgedSegments();
    }
  }

  private void recoverSegment(long id, Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = channel.size();
    ByteBuffer magic = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
    if (size < SEGMENT_HEADER_BYTES || readFully(channel, magic, 0) < SEGMENT_HEADER_BYTES
        || !Arrays.equals(magic.array(), MAGIC)) {
      channel.close();
      if (size >= SEGMENT_HEADER_BYTES) {
        logger.warn("sending queue {}: {} is not a queue segment (bad header); deleting its {} "
            + "bytes", name, file.getFileName(), size);
      }
      Files.deleteIfExists(file);
      return;
    }
    ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    ByteBuffer payload = ByteBuffer.allocate(0);
    CRC32C crc = new CRC32C();
    long position = SEGMENT_HEADER_BYTES;
    boolean bad = false;
    while (position < size) {
      if (size - position < RECORD_HEADER_BYTES
          || readFully(channel, header.clear(), position) < RECORD_HEADER_BYTES) {
        bad = true;
        break;
      }
      int length = header.getInt(0);
      int expected = header.getInt(4);
      if (length < 1 || length > size - position - RECORD_HEADER_BYTES) {
        bad = true;
        break;
      }
      if (payload.capacity() < length) {
        payload = ByteBuffer.allocate(Math.max(length, payload.capacity() * 2));
      }
      payload.clear().limit(length);
      if (readFully(channel, payload, position + RECORD_HEADER_BYTES) < length) {
        bad = true;
        break;
      }
      crc.reset();
      crc.update(header.array(), 0, 4);
      crc.update(payload.array(), 0, length);
      if ((int) crc.getValue() != expected) {
        bad = true;
        break;
      }
      long recordBytes = RECORD_HEADER_BYTES + (long) length;
      if (id > ackSegment || position >= ackOffset) {
        Entry entry = new Entry(id, position, (int) recordBytes);
        live.addLast(entry);
        ready.addLast(entry);
      }
      position += recordBytes;
    }
    if (bad) {
      droppedRecords++;
      logger.warn("sending queue {}: {} is cut short or corrupt at offset {}; dropping its last {} "
          + "byte(s)", name, file.getFileName(), position, size - position);
      channel.truncate(position);
      channel.force(true);
    }
    Segment segment = new Segment(id, file, channel);
    segment.size = position;
    segments.put(id, segment);
    diskBytes += position;
  }

  // ---- writing ----

  private void writeLoop() {
    while (true) {
      List<Pending> batch;
      boolean stop;
      boolean flushAck;
      lock.lock();
      try {
        if (pending.isEmpty() && !stopping) {
          try {
            work.await(ACK_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            stopping = true;
          }
        }
        batch = pending;
        pending = new ArrayList<>();
        stop = stopping;
        flushAck = ackDirty;
      } finally {
        lock.unlock();
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
      if (flushAck || stop) {
        persistAck();
      }
      if (stop && batch.isEmpty()) {
        return;
      }
    }
  }

  private void write(List<Pending> batch) {
    Set<Segment> touched = new LinkedHashSet<>();
    List<Entry> entries = new ArrayList<>(batch.size());
    long batchBytes = 0;
    IOException failure = null;
    try {
      if (active == null) {
        roll(touched);
      }
      for (Pending item : batch) {
        if (active.size >= segmentBytes && active.size > SEGMENT_HEADER_BYTES) {
          roll(touched);
        }
        writeFully(active.channel, ByteBuffer.wrap(item.record), active.size);
        entries.add(new Entry(active.id, active.size, item.record.length));
        active.size += item.record.length;
        touched.add(active);
        if (fsync == QueueSettings.Fsync.ALWAYS) {
          active.channel.force(false);
          syncs.incrementAndGet();
        }
      }
      if (fsync == QueueSettings.Fsync.BATCH) {
        for (Segment segment : touched) {
          segment.channel.force(false);
        }
        syncs.incrementAndGet();
      }
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException io ? io : new IOException(e);
    }
    for (Pending item : batch) {
      batchBytes += item.record.length;
    }
    lock.lock();
    try {
      pendingBytes -= batchBytes;
      diskBytes = 0;
      for (Segment segment : segments.values()) {
        diskBytes += segment.size;
      }
      if (failure == null) {
        for (Entry entry : entries) {
          live.addLast(entry);
          ready.addLast(entry);
        }
        Entry last = entries.get(entries.size() - 1);
        committedSegment = last.segment;
        committedOffset = last.offset + last.length;
        if (live.size() == entries.size()) {
          advanceAck();
        }
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (failure == null) {
      batch.forEach(item -> item.durable.complete(null));
      return;
    }
    logger.warn("sending queue {}: cannot write {} request(s): {}", name, batch.size(),
        failure.toString());
    // Whatever reached the file is not in the index; write on in a fresh segment.
    active = null;
    TelemetryException refused = TelemetryException.retryable(
        "cannot write to the sending queue: " + failure.getClass().getSimpleName(), null);
    batch.forEach(item -> item.durable.completeExceptionally(refused));
  }

  private void roll(Set<Segment> touched) throws IOException {
    long id;
    lock.lock();
    try {
      id = segments.isEmpty() ? 0 : segments.lastKey() + 1;
    } finally {
      lock.unlock();
    }
    Segment created = createSegment(id);
    lock.lock();
    try {
      segments.put(id, created);
    } finally {
      lock.unlock();
    }
    active = created;
    touched.add(created);
  }

  private Segment createSegment(long id) throws IOException {
    Path file = segmentPath(id);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      writeFully(channel, ByteBuffer.wrap(MAGIC), 0);
      if (fsync != QueueSettings.Fsync.NEVER) {
        channel.force(true);
        forceDirectory();
      }
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
    Segment segment = new Segment(id, file, channel);
    segment.size = SEGMENT_HEADER_BYTES;
    return segment;
  }

  // ---- acknowledgement ----

  /** Moves the acknowledged position over the acknowledged prefix; call with the lock held. */
  private void advanceAck() {
    while (!live.isEmpty() && live.peekFirst().acked) {
      live.pollFirst();
    }
    Entry head = live.peekFirst();
    long segment = head == null ? committedSegment : head.segment;
    long offset = head == null ? committedOffset : head.offset;
    if (segment != ackSegment || offset != ackOffset) {
      ackSegment = segment;
      ackOffset = offset;
      ackDirty = true;
    }
  }

  /** Writes the acknowledged position, then deletes the segments wholly before it. Writer only. */
  private void persistAck() {
    long segment;
    long offset;
    lock.lock();
    try {
      if (!ackDirty) {
        return;
      }
      ackDirty = false;
      segment = ackSegment;
      offset = ackOffset;
    } finally {
      lock.unlock();
    }
    try {
      ackFile.write(segment, offset);
    } catch (IOException e) {
      logger.warn("sending queue {}: cannot persist acknowledgements: {}", name, e.toString());
      lock.lock();
      try {
        ackDirty = true;
      } finally {
        lock.unlock();
      }
      return;
    }
    lock.lock();
    try {
      deleteAcknowledgedSegments();
    } finally {
      lock.unlock();
    }
  }

  /** Deletes the segments before the in-memory position; lock held. */
  private void deleteAcknowledgedSegments() {
    while (!segments.isEmpty()) {
      Segment first = segments.firstEntry().getValue();
      if (first.id >= ackSegment || first == active) {
        return;
      }
      segments.pollFirstEntry();
      diskBytes -= first.size;
      try {
        first.close();
        Files.deleteIfExists(first.path);
      } catch (IOException e) {
        logger.warn("sending queue {}: cannot delete {}: {}", name, first.path.getFileName(),
            e.toString());
      }
    }
  }

  // ---- records ----

  static byte[] encode(Telemetry telemetry) {
    TelemetryContext context = telemetry.context();
    byte[] principal = context.principal().getBytes(StandardCharsets.UTF_8);
    byte[] receiver = context.receiver().toString().getBytes(StandardCharsets.UTF_8);
    byte[] peer = context.peer().getBytes(StandardCharsets.UTF_8);
    int requestBytes = telemetry.request().getSerializedSize();
    int length = 2 + 4 + principal.length + 4 + receiver.length + 4 + peer.length + 8 + 4
        + requestBytes;
    ByteBuffer buffer = ByteBuffer.allocate(RECORD_HEADER_BYTES + length);
    buffer.putInt(length).putInt(0);
    buffer.put(FORMAT_VERSION).put(signalCode(telemetry.signal()));
    buffer.putInt(principal.length).put(principal);
    buffer.putInt(receiver.length).put(receiver);
    buffer.putInt(peer.length).put(peer);
    buffer.putLong(context.receivedAt().getEpochSecond()).putInt(context.receivedAt().getNano());
    byte[] array = buffer.array();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(array, buffer.position(), requestBytes);
      telemetry.request().writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("protobuf encoding into an array cannot fail", e);
    }
    CRC32C crc = new CRC32C();
    crc.update(array, 0, 4);
    crc.update(array, RECORD_HEADER_BYTES, length);
    ByteBuffer.wrap(array).putInt(4, (int) crc.getValue());
    return array;
  }

  /**
   * The request stored at {@code entry}; null when the bytes read fail their checksum or cannot be
   * decoded, after copying them to a {@code corrupt-<segment>-<offset>.rec} file beside the
   * segments (post-masking data, like the segments) and logging it.
   *
   * @throws IOException when the record could not be read at all (it may read fine later)
   */
  private Telemetry read(Segment segment, Entry entry) throws IOException {
    if (segment == null) {
      throw new IOException("segment " + entry.segment + " is not open");
    }
    byte[] record = new byte[entry.length];
    segment.read(entry.offset, record);
    CRC32C crc = new CRC32C();
    crc.update(record, 0, 4);
    crc.update(record, RECORD_HEADER_BYTES, entry.length - RECORD_HEADER_BYTES);
    String problem;
    if ((int) crc.getValue() != ByteBuffer.wrap(record).getInt(4)) {
      problem = "checksum mismatch";
    } else {
      try {
        return decode(record);
      } catch (IOException | RuntimeException e) {
        problem = e.getClass().getSimpleName();
      }
    }
    Path aside = directory.resolve("corrupt-" + entry.segment + "-" + entry.offset + ".rec");
    try {
      Files.write(aside, record);
    } catch (IOException e) {
      aside = null;
    }
    logger.warn("sending queue {}: dropping a corrupt request at {}:{} ({}); its bytes are in {}",
        name, entry.segment, entry.offset, problem, aside == null ? "no file (cannot write)"
            : aside.getFileName());
    return null;
  }

  static Telemetry decode(byte[] record) throws InvalidProtocolBufferException {
    ByteBuffer buffer = ByteBuffer.wrap(record);
    int length = buffer.getInt();
    buffer.getInt();
    byte version = buffer.get();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown record version " + version);
    }
    Signal signal = signal(buffer.get());
    String principal = string(buffer);
    ComponentId receiver = ComponentId.parse(string(buffer));
    String peer = string(buffer);
    Instant receivedAt = Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
    int offset = buffer.position();
    int requestBytes = RECORD_HEADER_BYTES + length - offset;
    Message request = switch (signal) {
      case TRACES -> ExportTraceServiceRequest.parseFrom(
          ByteBuffer.wrap(record, offset, requestBytes));
      case LOGS -> ExportLogsServiceRequest.parseFrom(ByteBuffer.wrap(record, offset, requestBytes));
      case METRICS -> ExportMetricsServiceRequest.parseFrom(
          ByteBuffer.wrap(record, offset, requestBytes));
    };
    return new Telemetry(signal, request, new TelemetryContext(principal, receiver, peer,
        receivedAt));
  }

  private static String string(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("bad string length");
    }
    String value = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return value;
  }

  private static byte signalCode(Signal signal) {
    return switch (signal) {
      case TRACES -> 1;
      case LOGS -> 2;
      case METRICS -> 3;
    };
  }

  private static Signal signal(byte code) {
    return switch (code) {
      case 1 -> Signal.TRACES;
      case 2 -> Signal.LOGS;
      case 3 -> Signal.METRICS;
      default -> throw new IllegalArgumentException("unknown signal code " + code);
    };
  }

  // ---- files ----

  private Path segmentPath(long id) {
    return directory.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, id, SEGMENT_SUFFIX));
  }

  static Long segmentId(String fileName) {
    if (!fileName.startsWith(SEGMENT_PREFIX) || !fileName.endsWith(SEGMENT_SUFFIX)) {
      return null;
    }
    String digits = fileName.substring(SEGMENT_PREFIX.length(),
        fileName.length() - SEGMENT_SUFFIX.length());
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void forceDirectory() {
    // Makes a new file's directory entry durable; not supported everywhere (e.g. Windows).
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Best effort.
    }
  }

  private void closeFiles() {
    lock.lock();
    try {
      for (Segment segment : segments.values()) {
        try {
          segment.close();
        } catch (IOException e) {
          // Closing a read/write channel after force: nothing left to lose.
        }
      }
    } finally {
      lock.unlock();
    }
    ackFile.close();
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The OS drops the lock with the channel anyway.
    }
  }

  private static void createPrivateDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
    try {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system.
    }
  }

  static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    int total = 0;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + total);
      if (read < 0) {
        break;
      }
      total += read;
    }
    return total;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** One segment file; {@code size} is where the next record goes (writer) or its end. */
  private static final class Segment {

    final long id;
    final Path path;
    final FileChannel channel;
    volatile long size;
    /**
     * Consumers read through java.io, not {@link #channel}: a thread interrupted during a
     * {@link FileChannel} operation closes that channel for every thread, the writer included
     * (an exporter interrupts its consumers at shutdown).
     */
    private RandomAccessFile reader;

    Segment(long id, Path path, FileChannel channel) {
      this.id = id;
      this.path = path;
      this.channel = channel;
    }

    synchronized void read(long offset, byte[] into) throws IOException {
      if (reader == null) {
        reader = new RandomAccessFile(path.toFile(), "r");
      }
      reader.seek(offset);
      reader.readFully(into);
    }

    synchronized void close() throws IOException {
      try {
        channel.close();
      } finally {
        if (reader != null) {
          reader.close();
        }
      }
    }
  }

  /** Where one record lives; {@code length} includes its header. */
  private static final class Entry {

    final long segment;
    final long offset;
    final int length;
    boolean acked;

    Entry(long segment, long offset, int length) {
      this.segment = segment;
      this.offset = offset;
      this.length = length;
    }
  }

  /** A record admitted but not yet written, and who waits for it. */
  private record Pending(byte[] record, CompletableFuture<Void> durable) {}

  /** The two-slot acknowledgement file. */
  private static final class AckFile {

    private static final int SLOT_BYTES = 32;

    private final FileChannel channel;
    private final boolean force;
    private long sequence;

    private AckFile(FileChannel channel, boolean force) {
      this.channel = channel;
      this.force = force;
    }

    static AckFile open(Path path, boolean force) throws IOException {
      return new AckFile(FileChannel.open(path, StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE), force);
    }

    /** {segment, offset} of the newest valid slot; {0, 0} when there is none. */
    long[] read() throws IOException {
      long[] best = {0, 0};
      long bestSequence = -1;
      for (int slot = 0; slot < 2; slot++) {
        ByteBuffer buffer = ByteBuffer.allocate(SLOT_BYTES);
        if (readFully(channel, buffer, (long) slot * SLOT_BYTES) < SLOT_BYTES) {
          continue;
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 24);
        if ((int) crc.getValue() != buffer.getInt(24)) {
          continue;
        }
        long seq = buffer.getLong(0);
        if (seq > bestSequence) {
          bestSequence = seq;
          best = new long[] {buffer.getLong(8), buffer.getLong(16)};
        }
      }
      sequence = Math.max(0, bestSequence);
      return best;
    }

    void write(long segment, long offset) throws IOException {
      long next = sequence + 1;
      ByteBuffer buffer = ByteBuffer.allocate(SLOT_BYTES);
      buffer.putLong(next).putLong(segment).putLong(offset);
      CRC32C crc = new CRC32C();
      crc.update(buffer.array(), 0, 24);
      buffer.putInt((int) crc.getValue()).putInt(0).flip();
      writeFully(channel, buffer, (next & 1) * SLOT_BYTES);
      if (force) {
        channel.force(false);
      }
      sequence = next;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing to do.
      }
    }
  }
}
