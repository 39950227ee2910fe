package io.tracewarden.recording.trail;

import static io.tracewarden.recording.trail.Layout.HEX;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records to a trail: one writer thread drains a bounded queue, frames each record,
 * links it to its predecessor, extends the Merkle tree, fsyncs once per batch (group commit),
 * completes the batch's futures, and signs a checkpoint every {@code checkpointEvery} records or
 * {@code checkpointInterval}, on rotation and on close. A checkpoint is only written when the
 * tree grew since the previous one (an unchanged tree would give the identical note).
 *
 * <p>{@link #open} recovers: a torn tail after the last checkpoint is cut and a {@code recover}
 * record says how many bytes were dropped; damage the latest checkpoint covers is tampering and
 * {@link TamperedTrailException} refuses to append.
 */
public final class TrailWriter {

  public static final String SEAL = "seal";
  public static final String RECOVER = "recover";
  public static final String RETIRED = "retired";
  public static final String DROPPED = "dropped";
  public static final String OVERSIZE = "oversize";

  private static final Logger logger = LoggerFactory.getLogger(TrailWriter.class);
  private static final int MAX_BATCH = 512;
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final byte[] GENESIS_PREV = new byte[Merkle.HASH_BYTES];

  /** Records to append as one unit; {@code done} completes once they are durable. */
  public record Append(List<ObjectNode> records, CompletableFuture<Void> done) {}

  private final TrailOptions options;
  private final Layout layout;
  private final BlockingQueue<Append> queue;
  private final AtomicLong droppedEvents = new AtomicLong();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16);
  private final Object lifecycle = new Object();

  private SigningKey key;
  private long nextSeq;
  private byte[] prevHash = GENESIS_PREV;
  private Merkle.CompactRange range = new Merkle.CompactRange();
  private FileChannel segment;
  private Path currentSegment;
  private long segmentSize;
  private Checkpoint lastCheckpoint;
  private long lastCheckpointNanos = System.nanoTime();
  private boolean rotated;
  private boolean housekeeping;
  private volatile long durableSize;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private Thread thread;
  private boolean closed;

  private TrailWriter(TrailOptions options) {
    this.options = options;
    this.layout = new Layout(options.directory());
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
  }

  /** Opens (creating or recovering) the trail; the writer thread starts with {@link #start}. */
  public static TrailWriter open(TrailOptions options) throws IOException {
    TrailWriter writer = new TrailWriter(options);
    try {
      writer.recover();
    } catch (IOException | RuntimeException e) {
      writer.closeChannel();
      throw e;
    }
    return writer;
  }

  public void start() {
    synchronized (lifecycle) {
      if (thread != null || closed) {
        throw new IllegalStateException("trail writer already started or closed");
      }
      thread = new Thread(this::run, "tracewarden-recording-writer");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Queues {@code append}; false when the queue is full or the writer has stopped. */
  public boolean offer(Append append) {
    if (stopping || failure != null) {
      return false;
    }
    return queue.offer(append);
  }

  /** Counts an event that could not be queued; a {@code dropped} record will report it. */
  public void noteDropped() {
    droppedEvents.incrementAndGet();
  }

  public boolean failed() {
    return failure != null;
  }

  public int queued() {
    return queue.size();
  }

  /** Records written and flushed so far. */
  public long size() {
    return durableSize;
  }

  public Layout layout() {
    return layout;
  }

  public SigningKey signingKey() {
    return key;
  }

  /**
   * Stops intake, drains the queue, writes a final checkpoint and closes, waiting at most
   * {@code timeout}. Safe to call more than once and without {@link #start}.
   */
  public void close(Duration timeout) {
    Thread running;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = true;
      running = thread;
    }
    if (running == null) {
      try {
        finish();
      } catch (IOException e) {
        logger.error("recording: cannot write the final checkpoint of {}: {}",
            options.directory(), e.toString());
      }
      return;
    }
    try {
      running.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (running.isAlive()) {
      logger.warn("recording: the writer of {} did not drain within {}; it keeps going in the "
          + "background", options.directory(), timeout);
    }
  }

  // ---------------------------------------------------------------- writer thread

  private void run() {
    List<Append> batch = new ArrayList<>(MAX_BATCH);
    try {
      while (true) {
        Append first = stopping ? queue.poll()
            : queue.poll(Math.max(1, Math.min(IDLE_POLL_NANOS, untilCheckpointNanos())),
                TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        writeBatch(batch);
        batch.clear();
        maybeCheckpoint(false);
        if (stopping && queue.isEmpty()) {
          break;
        }
      }
      finish();
    } catch (Throwable e) {
      failure = e;
      logger.error("recording: the audit trail writer of {} failed and stopped accepting records:"
          + " {}", options.directory(), e.toString());
      for (Append append : batch) {
        append.done().completeExceptionally(e);
      }
      Append left;
      while ((left = queue.poll()) != null) {
        left.done().completeExceptionally(e);
      }
      closeChannel();
    }
  }

  private long untilCheckpointNanos() {
    return options.checkpointInterval().toNanos() - (System.nanoTime() - lastCheckpointNanos);
  }

  private void writeBatch(List<Append> batch) throws IOException {
    long dropped = droppedEvents.getAndSet(0);
    if (dropped > 0) {
      ObjectNode record = CanonicalJson.NODES.objectNode();
      record.put("type", DROPPED);
      record.put("events", dropped);
      append(record);
    }
    if (batch.isEmpty() && dropped == 0) {
      return;
    }
    for (Append append : batch) {
      for (ObjectNode record : append.records()) {
        append(record);
      }
    }
    flush(true);
    for (Append append : batch) {
      append.done().complete(null);
    }
    if (rotated) {
      rotated = false;
      maybeCheckpoint(true);
      retire();
    }
  }

  private void finish() throws IOException {
    if (segment == null) {
      return;
    }
    flush(true);
    maybeCheckpoint(true);
    closeChannel();
  }

  private void closeChannel() {
    if (segment != null) {
      try {
        segment.close();
      } catch (IOException e) {
        logger.warn("recording: cannot close a segment of {}: {}", options.directory(),
            e.toString());
      }
      segment = null;
    }
  }

  /** Completes {@code record} (seq, time, prev) and appends it to the pending buffer. */
  private void append(ObjectNode record) throws IOException {
    record.put("seq", nextSeq);
    record.put("time", Instant.now().toString());
    record.put("prev", HEX.formatHex(prevHash));
    byte[] body = CanonicalJson.write(record);
    if (body.length > Frames.MAX_BODY_BYTES) {
      ObjectNode stub = CanonicalJson.NODES.objectNode();
      stub.put("type", OVERSIZE);
      stub.set("original_type", record.get("type"));
      stub.put("bytes", body.length);
      stub.put("seq", nextSeq);
      stub.set("time", record.get("time"));
      stub.set("prev", record.get("prev"));
      body = CanonicalJson.write(stub);
    }
    byte[] frame = Frames.encode(body);
    long size = segmentSize + pending.size();
    if (!housekeeping && size > 0 && size + frame.length > options.segmentMaxBytes()) {
      rotate();
      append(record);
      return;
    }
    pending.write(frame, 0, frame.length);
    prevHash = Merkle.sha256(body);
    range.append(Merkle.leafHash(body));
    nextSeq++;
    if (options.fsync() == FsyncMode.ALWAYS) {
      flush(true);
    }
  }

  private void flush(boolean sync) throws IOException {
    if (pending.size() > 0) {
      ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
      while (buffer.hasRemaining()) {
        segment.write(buffer);
      }
      segmentSize += pending.size();
      pending.reset();
    }
    if (sync && options.fsync() != FsyncMode.NEVER) {
      segment.force(false);
    }
    durableSize = nextSeq;
  }

  /** Seals the current segment and starts the next one. */
  private void rotate() throws IOException {
    housekeeping = true;
    try {
      ObjectNode seal = CanonicalJson.NODES.objectNode();
      seal.put("type", SEAL);
      seal.put("segment", segmentName());
      seal.put("tree_size", nextSeq);
      seal.put("root", Base64.getEncoder().encodeToString(range.root()));
      seal.set("frontier", hexList(range.hashes()));
      append(seal);
      flush(true);
      if (options.fsync() == FsyncMode.NEVER) {
        segment.force(false); // a seal is always durable before the next segment exists
      }
      closeChannel();
      openSegment(nextSeq);
      rotated = true;
    } finally {
      housekeeping = false;
    }
  }

  private String segmentName() {
    return currentSegment.getFileName().toString();
  }

  private void openSegment(long firstSeq) throws IOException {
    currentSegment = layout.segments().resolve(Layout.segmentName(firstSeq));
    segment = FileChannel.open(currentSegment, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    segmentSize = segment.size();
    segment.position(segmentSize);
    Durable.syncDirectory(layout.segments());
  }

  private void maybeCheckpoint(boolean force) throws IOException {
    long size = durableSize;
    long last = lastCheckpoint == null ? 0 : lastCheckpoint.size();
    if (size == last || segment == null) {
      return;
    }
    if (force || size - last >= options.checkpointEvery() || untilCheckpointNanos() <= 0) {
      checkpoint();
    }
  }

  private void checkpoint() throws IOException {
    if (pending.size() > 0) {
      flush(true);
    }
    Checkpoint checkpoint = Checkpoint.sign(options.origin(), nextSeq, range.root(), key);
    byte[] note = checkpoint.note().getBytes(StandardCharsets.UTF_8);
    Durable.writeAtomically(layout.checkpoints().resolve(nextSeq + ".ckpt"), note);
    Durable.writeAtomically(layout.latestCheckpoint(), note);
    lastCheckpoint = checkpoint;
    lastCheckpointNanos = System.nanoTime();
    try {
      options.onCheckpoint().accept(checkpoint);
    } catch (RuntimeException e) {
      logger.warn("recording: checkpoint listener failed: {}", e.toString());
    }
  }

  /** Deletes whole sealed segments older than the retention, recording it first. */
  private void retire() throws IOException {
    if (options.retention() == null) {
      return;
    }
    List<Path> segments = layout.listSegments();
    long cutoff = System.currentTimeMillis() - options.retention().toMillis();
    List<Path> old = new ArrayList<>();
    // Never the current segment, nor the newest sealed one: recovery starts from its seal.
    for (int i = 0; i < segments.size() - 2; i++) {
      if (Files.getLastModifiedTime(segments.get(i)).toMillis() >= cutoff) {
        break;
      }
      old.add(segments.get(i));
    }
    if (old.isEmpty()) {
      return;
    }
    Path lastOld = old.get(old.size() - 1);
    Frames.Scan scan = Frames.scan(lastOld);
    ObjectNode seal = scan.clean() && !scan.frames().isEmpty()
        ? CanonicalJson.parse(scan.frames().get(scan.frames().size() - 1).body()) : null;
    if (seal == null || !SEAL.equals(seal.path("type").asText())) {
      logger.error("recording: not retiring {}: it does not end with a seal", lastOld);
      return;
    }
    byte[] sealBody = scan.frames().get(scan.frames().size() - 1).body();
    Merkle.CompactRange kept = Merkle.CompactRange.of(seal.path("tree_size").asLong(),
        unhexList(seal.path("frontier")));
    kept.append(Merkle.leafHash(sealBody));
    ObjectNode retired = CanonicalJson.NODES.objectNode();
    retired.put("type", RETIRED);
    ArrayNode names = retired.putArray("segments");
    old.forEach(p -> names.add(p.getFileName().toString()));
    retired.put("first_kept_seq", kept.size());
    retired.put("kept_prev", HEX.formatHex(Merkle.sha256(sealBody)));
    retired.set("kept_frontier", hexList(kept.hashes()));
    retired.put("retention", options.retention().toString());
    housekeeping = true;
    try {
      append(retired);
      flush(true);
      checkpoint();
    } finally {
      housekeeping = false;
    }
    for (Path file : old) {
      Files.deleteIfExists(file);
    }
    Durable.syncDirectory(layout.segments());
    logger.info("recording: retired {} segment(s) of {} older than {}", old.size(),
        options.directory(), options.retention());
  }

  // ---------------------------------------------------------------- recovery

  private void recover() throws IOException {
    Files.createDirectories(layout.segments());
    Files.createDirectories(layout.checkpoints());
    key = SigningKey.loadOrCreate(options.signingKeyFile());
    Checkpoint latest = readLatestCheckpoint();
    lastCheckpoint = latest;
    List<Path> segments = layout.listSegments();
    if (segments.isEmpty()) {
      if (latest != null && latest.size() > 0) {
        throw tampered("truncated: checkpoint has " + latest.size()
            + " records, the trail has no segment");
      }
      openSegment(0);
      return;
    }
    Path last = segments.get(segments.size() - 1);
    long first = Layout.firstSeq(last);
    if (first > 0) {
      restoreFromSeal(segments, last, first);
    }
    checkCheckpointRoot(latest);
    Frames.Scan scan = Frames.scan(last);
    String lastType = null;
    for (Frames.Frame frame : scan.frames()) {
      ObjectNode body;
      try {
        body = CanonicalJson.parse(frame.body());
      } catch (IOException e) {
        throw tampered("seq " + nextSeq + ": body is not a JSON object");
      }
      long seq = body.path("seq").asLong(-1);
      if (seq != nextSeq) {
        throw tampered("seq " + nextSeq + ": sequence broken (found seq " + seq + ")");
      }
      if (!HEX.formatHex(prevHash).equals(body.path("prev").asText())) {
        throw tampered("seq " + nextSeq + ": hash link broken");
      }
      prevHash = Merkle.sha256(frame.body());
      range.append(Merkle.leafHash(frame.body()));
      nextSeq++;
      lastType = body.path("type").asText();
      checkCheckpointRoot(latest);
    }
    if (latest != null && latest.size() > nextSeq) {
      throw tampered("seq " + nextSeq + ": damage inside the checkpointed range ("
          + (scan.clean() ? "log ends" : scan.damage().name().toLowerCase() + " frame at offset "
              + scan.damageOffset() + " of " + last.getFileName())
          + "; checkpoint has " + latest.size() + " records, log has " + nextSeq + ")");
    }
    long dropped = scan.fileSize() - scan.validEnd();
    currentSegment = last;
    segment = FileChannel.open(last, StandardOpenOption.WRITE);
    if (dropped > 0) {
      segment.truncate(scan.validEnd());
      segment.force(true);
      logger.warn("recording: cut a torn tail of {} bytes from {} (offset {}, {})", dropped,
          last, scan.validEnd(), scan.damage());
    }
    segmentSize = scan.validEnd();
    segment.position(segmentSize);
    durableSize = nextSeq;
    if (SEAL.equals(lastType)) {
      closeChannel(); // crashed between the seal and the next segment's creation
      openSegment(nextSeq);
    }
    long covered = latest == null ? 0 : latest.size();
    if (dropped > 0 || nextSeq > covered) {
      // Say what was cut, and which records this writer adopts without a signature of its own.
      ObjectNode recover = CanonicalJson.NODES.objectNode();
      recover.put("type", RECOVER);
      recover.put("segment", last.getFileName().toString());
      recover.put("offset", scan.validEnd());
      recover.put("dropped_bytes", dropped);
      recover.put("damage", dropped > 0 ? scan.damage().name().toLowerCase() : "none");
      recover.put("uncovered_from_seq", covered);
      recover.put("uncovered_records", nextSeq - covered);
      append(recover);
      flush(true);
    }
  }

  private void restoreFromSeal(List<Path> segments, Path last, long first) throws IOException {
    if (segments.size() < 2) {
      throw tampered("segment before " + last.getFileName() + " is missing: seq 0.." + (first - 1));
    }
    Path previous = segments.get(segments.size() - 2);
    Frames.Scan scan = Frames.scan(previous);
    if (!scan.clean() || scan.frames().isEmpty()) {
      throw tampered("segment " + previous.getFileName() + " is damaged"
          + (scan.clean() ? "" : " (" + scan.damage().name().toLowerCase() + " frame at offset "
              + scan.damageOffset() + ")"));
    }
    byte[] sealBody = scan.frames().get(scan.frames().size() - 1).body();
    ObjectNode seal = CanonicalJson.parse(sealBody);
    if (!SEAL.equals(seal.path("type").asText()) || seal.path("seq").asLong() != first - 1) {
      throw tampered("segment " + previous.getFileName() + " does not end with the seal of seq "
          + (first - 1));
    }
    Merkle.CompactRange restored = Merkle.CompactRange.of(seal.path("tree_size").asLong(),
        unhexList(seal.path("frontier")));
    if (!Base64.getEncoder().encodeToString(restored.root()).equals(seal.path("root").asText())) {
      throw tampered("seq " + (first - 1) + ": seal root does not match its frontier");
    }
    restored.append(Merkle.leafHash(sealBody));
    range = restored;
    prevHash = Merkle.sha256(sealBody);
    nextSeq = first;
  }

  private void checkCheckpointRoot(Checkpoint latest) throws TamperedTrailException {
    if (latest != null && latest.size() == nextSeq
        && !MessageDigest.isEqual(latest.root(), range.root())) {
      throw tampered("checkpoint " + latest.size() + ": root does not match the trail");
    }
  }

  private Checkpoint readLatestCheckpoint() throws IOException {
    Path file = layout.latestCheckpoint();
    if (!Files.exists(file)) {
      return null;
    }
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw tampered("checkpoint file " + file + " is malformed: " + e.getMessage());
    }
    if (!checkpoint.verify(key.publicKey())) {
      throw tampered("checkpoint " + checkpoint.size() + ": bad signature");
    }
    return checkpoint;
  }

  private TamperedTrailException tampered(String problem) {
    String message = "audit trail " + options.directory() + " is damaged inside what it has "
        + "already committed to, refusing to append: " + problem
        + " (run `tracewarden audit verify --dir " + options.directory() + "`)";
    logger.error("recording: {}", message);
    return new TamperedTrailException(message);
  }

  static ArrayNode hexList(List<byte[]> hashes) {
    ArrayNode array = CanonicalJson.NODES.arrayNode();
    hashes.forEach(h -> array.add(HEX.formatHex(h)));
    return array;
  }

  static List<byte[]> unhexList(JsonNode array) {
    List<byte[]> hashes = new ArrayList<>();
    array.forEach(node -> hashes.add(HEX.parseHex(node.asText())));
    return hashes;
  }
}
