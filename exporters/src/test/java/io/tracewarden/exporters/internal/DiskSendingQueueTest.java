package io.tracewarden.exporters.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DiskSendingQueueTest {

  private static final long MAX_BYTES = 1L << 20;
  private static final long SEGMENT_BYTES = 4096;

  @TempDir Path dir;
  private final List<DiskSendingQueue> opened = new ArrayList<>();

  @AfterEach
  void releaseAll() {
    opened.forEach(DiskSendingQueue::release);
  }

  private DiskSendingQueue open() throws IOException {
    return open(MAX_BYTES, SEGMENT_BYTES, QueueSettings.Fsync.BATCH);
  }

  private DiskSendingQueue open(long maxBytes, long segmentBytes, QueueSettings.Fsync fsync)
      throws IOException {
    DiskSendingQueue queue = DiskSendingQueue.open(dir, 100_000, maxBytes, segmentBytes, fsync,
        "test");
    opened.add(queue);
    return queue;
  }

  private static Telemetry numbered(int n) {
    return Telemetry.traces(TestData.traces("n" + n, 1), new TelemetryContext("alice",
        ComponentId.parse("otlp/in"), "10.0.0.1:4242", Instant.ofEpochSecond(1_700_000_000, n)));
  }

  private static void enqueueAll(DiskSendingQueue queue, int from, int to) throws Exception {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      CompletableFuture<Void> future = queue.enqueue(numbered(i));
      assertThat(future).as("admitted %d", i).isNotNull();
      futures.add(future);
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
  }

  /** Polls until empty, acknowledging each, and returns the numbers seen. */
  private static List<Integer> drainAndAck(DiskSendingQueue queue) throws InterruptedException {
    List<Integer> seen = new ArrayList<>();
    Telemetry telemetry;
    while ((telemetry = queue.poll(Duration.ofMillis(200))) != null) {
      seen.add(QueueCrashChild.number(telemetry));
      queue.acknowledge(telemetry);
    }
    return seen;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> DiskSendingQueue.segmentId(f.getFileName().toString()) != null)
          .sorted().toList();
    }
  }

  @ParameterizedTest(name = "fsync={0}")
  @EnumSource(QueueSettings.Fsync.class)
  void keepsWhatWasNotAcknowledgedAcrossARestart(QueueSettings.Fsync fsync) throws Exception {
    DiskSendingQueue queue = open(MAX_BYTES, SEGMENT_BYTES, fsync);
    enqueueAll(queue, 0, 3);
    Telemetry first = queue.poll(Duration.ZERO);
    Telemetry second = queue.poll(Duration.ZERO);
    assertThat(first).isEqualTo(numbered(0)); // request and context come back intact
    queue.acknowledge(first);
    queue.release();

    DiskSendingQueue reopened = open(MAX_BYTES, SEGMENT_BYTES, fsync);
    assertThat(reopened.size()).isEqualTo(2);
    assertThat(reopened.poll(Duration.ZERO)).isEqualTo(second); // polled, not acknowledged
    assertThat(reopened.poll(Duration.ZERO)).isEqualTo(numbered(2));
    assertThat(reopened.poll(Duration.ZERO)).isNull();
  }

  @Test
  void tornTailIsCutOnReopenAndWritingGoesOn() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 3);
    queue.release();
    Path segment = segmentFiles().get(0);
    long full = Files.size(segment);
    long oneRecord = (full - DiskSendingQueue.SEGMENT_HEADER_BYTES) / 3;
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.setLength(full - oneRecord / 2); // the third record half written
    }

    DiskSendingQueue reopened = open();
    assertThat(Files.size(segment)).isEqualTo(full - oneRecord);
    assertThat(reopened.droppedRecords()).isEqualTo(1);
    enqueueAll(reopened, 3, 4);
    assertThat(drainAndAck(reopened)).containsExactly(0, 1, 3);
  }

  @Test
  void corruptionInTheMiddleDropsTheRestOfThatSegmentOnly() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 40); // several records per 4 KiB segment, several segments
    queue.release();
    List<Path> segments = segmentFiles();
    assertThat(segments.size()).isGreaterThan(2);
    Path victim = segments.get(1);
    List<long[]> records = wholeRecordsIn(victim); // {offset, number, end}
    assertThat(records.size()).isGreaterThan(2);
    try (RandomAccessFile file = new RandomAccessFile(victim.toFile(), "rw")) {
      long offset = records.get(1)[0] + DiskSendingQueue.RECORD_HEADER_BYTES + 20;
      file.seek(offset);
      int b = file.read();
      file.seek(offset);
      file.write(b ^ 0xFF); // one flipped byte in the second record's payload
    }

    DiskSendingQueue reopened = open();
    assertThat(Files.size(victim)).isEqualTo(records.get(1)[0]); // cut at the bad record
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add(i);
    }
    for (long[] record : records.subList(1, records.size())) {
      expected.remove(Integer.valueOf((int) record[1]));
    }
    assertThat(drainAndAck(reopened)).containsExactlyElementsOf(expected);
    assertThat(reopened.droppedRecords()).isEqualTo(1);
  }

  /**
   * {offset, number, end} of each record in a segment file, read with the documented format, up
   * to a record cut short (a torn tail); a record that does not decode throws.
   */
  static List<long[]> recordsIn(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
    List<long[]> records = new ArrayList<>();
    int offset = DiskSendingQueue.SEGMENT_HEADER_BYTES;
    while (offset + DiskSendingQueue.RECORD_HEADER_BYTES <= bytes.length) {
      int end = offset + DiskSendingQueue.RECORD_HEADER_BYTES + buffer.getInt(offset);
      if (end <= offset + DiskSendingQueue.RECORD_HEADER_BYTES || end > bytes.length) {
        break;
      }
      byte[] record = java.util.Arrays.copyOfRange(bytes, offset, end);
      int number = QueueCrashChild.number(DiskSendingQueue.decode(record));
      records.add(new long[] {offset, number, end});
      offset = end;
    }
    return records;
  }

  /** {@link #recordsIn} of a segment that must hold whole records only. */
  private static List<long[]> wholeRecordsIn(Path segment) throws IOException {
    List<long[]> records = recordsIn(segment);
    assertThat(records).isNotEmpty();
    assertThat(records.get(records.size() - 1)[2]).as("records end at the file's end")
        .isEqualTo(Files.size(segment));
    return records;
  }

  /**
   * An exporter interrupts its consumers at shutdown. Through a FileChannel, an interrupt that
   * lands in a read closes the segment's channel for every thread: the records after it could
   * no longer be read and were dropped. Now interrupts cost nothing.
   */
  @Test
  void interruptedConsumersLoseNothingAndLeaveTheQueueWorking() throws Exception {
    DiskSendingQueue queue = open();
    int records = 3000;
    enqueueAll(queue, 0, records);
    List<Integer> seen = new ArrayList<>();
    Thread consumer = new Thread(() -> {
      while (seen.size() < records) {
        try {
          Telemetry telemetry = queue.poll(Duration.ofSeconds(1));
          if (telemetry == null) {
            return;
          }
          seen.add(QueueCrashChild.number(telemetry));
          queue.acknowledge(telemetry);
        } catch (InterruptedException e) {
          // Interrupts are the test; the queue must shrug them off.
        }
      }
    });
    consumer.start();
    java.util.Random random = new java.util.Random(42);
    while (consumer.isAlive() && queue.size() > 0) {
      consumer.interrupt();
      TimeUnit.MICROSECONDS.sleep(random.nextInt(200));
    }
    consumer.join(10_000);
    assertThat(seen).hasSize(records).doesNotHaveDuplicates();
    assertThat(queue.droppedRecords()).isZero();
    assertThat(queue.unreadableRecords()).isZero();
    enqueueAll(queue, records, records + 10); // the writer's files are still open
    assertThat(drainAndAck(queue)).hasSize(10);
  }

  @Test
  void aRecordCorruptedWhileQueuedIsCopiedAsideAndTheRestDelivered() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 3);
    Path segment = segmentFiles().get(segmentFiles().size() - 1);
    List<long[]> records = wholeRecordsIn(segment);
    long second = records.get(1)[0];
    byte[] before;
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      before = new byte[(int) (records.get(2)[0] - second)];
      file.seek(second);
      file.readFully(before);
      file.seek(second + DiskSendingQueue.RECORD_HEADER_BYTES + 20);
      file.write(before[DiskSendingQueue.RECORD_HEADER_BYTES + 20] ^ 0xFF);
    }

    assertThat(drainAndAck(queue)).containsExactly(0, 2);
    assertThat(queue.droppedRecords()).isEqualTo(1);
    Path aside = dir.resolve("corrupt-" + DiskSendingQueue.segmentId(
        segment.getFileName().toString()) + "-" + second + ".rec");
    byte[] kept = Files.readAllBytes(aside);
    assertThat(kept).hasSameSizeAs(before);
    kept[DiskSendingQueue.RECORD_HEADER_BYTES + 20] ^= (byte) 0xFF;
    assertThat(kept).isEqualTo(before); // the bytes as they were on disk, for an operator
  }

  @Test
  void refusesWithBackPressureAtMaxBytesAndAcceptsAgainOnceAcknowledged() throws Exception {
    long maxBytes = 16 * 1024;
    DiskSendingQueue queue = open(maxBytes, 4096, QueueSettings.Fsync.BATCH);
    int admitted = 0;
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    CompletableFuture<Void> future;
    while ((future = queue.enqueue(numbered(admitted))) != null) {
      futures.add(future);
      admitted++;
      assertThat(admitted).isLessThan(1000);
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(queue.bytes()).isLessThanOrEqualTo(maxBytes);
    assertThat(queue.offer(numbered(999))).isFalse();

    assertThat(drainAndAck(queue)).hasSize(admitted);
    awaitTrue(() -> queue.enqueue(numbered(1000)) != null);
  }

  @Test
  void exporterTurnsAFullDiskQueueIntoBackPressure() throws Exception {
    var settings = TestComponents.settings(ComponentKind.EXPORTER, "otlp_http/full", dir);
    QueueSettings queueSettings = QueueSettings.read(TestComponents.config(
        "storage: disk\nmax_bytes: 1MiB\nnum_consumers: 1"));
    CompletableFuture<RequestSender.SendResult> never = new CompletableFuture<>();
    QueuedRetryExporter exporter = new QueuedRetryExporter(settings, queueSettings,
        RetrySettings.DEFAULT, new StubSender(never));
    exporter.start(TestComponents.host());
    try {
      Telemetry big = TestData.traceTelemetry("big", 2000); // about 200 KB
      TelemetryException refused = null;
      for (int i = 0; i < 20 && refused == null; i++) {
        try {
          exporter.consume(big).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          refused = TelemetryException.from(e.getCause());
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.kind()).isEqualTo(TelemetryException.Kind.BACK_PRESSURE);
      assertThat(refused.getMessage()).contains("sending queue of otlp_http/full is full");
    } finally {
      exporter.shutdown(Duration.ofMillis(200));
    }
    assertThat(dir.resolve("queue/otlp_http/full")).isDirectory();
  }

  @Test
  void requestLargerThanTheQueueIsRefusedAsPermanent() throws Exception {
    DiskSendingQueue queue = open(16 * 1024, 4096, QueueSettings.Fsync.BATCH);
    CompletableFuture<Void> refused = queue.enqueue(TestData.traceTelemetry("huge", 500));
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join).hasCauseInstanceOf(TelemetryException.class)
        .hasMessageContaining("larger than the sending queue");
    assertThat(TelemetryException.from(refused.handle((ok, e) -> e).join()).kind())
        .isEqualTo(TelemetryException.Kind.PERMANENT);
  }

  @Test
  void acknowledgedSegmentsAreDeleted() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 60);
    assertThat(segmentFiles().size()).isGreaterThan(2);
    assertThat(drainAndAck(queue)).hasSize(60);
    awaitTrue(() -> segmentFiles().size() == 1);
    queue.release();

    DiskSendingQueue reopened = open();
    assertThat(reopened.size()).isZero();
    assertThat(segmentFiles()).hasSize(1); // the fresh one; the old active one is gone
  }

  @Test
  void groupCommitForcesOncePerBatchNotPerRecord() throws Exception {
    DiskSendingQueue queue = open(64L << 20, 8L << 20, QueueSettings.Fsync.BATCH);
    int threads = 16;
    int perThread = 100;
    List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      Thread producer = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          all.add(queue.enqueue(numbered(base + i)));
        }
      });
      producer.start();
      producers.add(producer);
    }
    for (Thread producer : producers) {
      producer.join();
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(queue.syncCount()).isPositive().isLessThan(threads * perThread);
    assertThat(drainAndAck(queue)).hasSize(threads * perThread);
  }

  @Test
  void fsyncAlwaysForcesEveryRecord() throws Exception {
    DiskSendingQueue queue = open(MAX_BYTES, SEGMENT_BYTES, QueueSettings.Fsync.ALWAYS);
    enqueueAll(queue, 0, 10);
    assertThat(queue.syncCount()).isEqualTo(10);
  }

  @Test
  void aTornAcknowledgementFileMeansRedeliveryNotLoss() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 5);
    Telemetry first = queue.poll(Duration.ZERO);
    queue.acknowledge(first);
    queue.release();
    Files.write(dir.resolve(DiskSendingQueue.ACK_FILE), new byte[] {1, 2, 3}); // garbage

    DiskSendingQueue reopened = open();
    assertThat(drainAndAck(reopened)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aDirectoryIsUsedByOneQueueAtATime() throws Exception {
    open();
    assertThatThrownBy(this::open).isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void garbageFilesNeverStopTheQueueFromOpening() throws Exception {
    Files.write(dir.resolve("segment-00000000000000000000.log"), "not a segment".getBytes());
    Files.write(dir.resolve("segment-00000000000000000001.log"), new byte[3]);
    Files.write(dir.resolve("notes.txt"), "kept".getBytes());

    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 2);
    assertThat(drainAndAck(queue)).containsExactly(0, 1);
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void closedQueueRefusesButStillHandsOutWhatItHolds() throws Exception {
    DiskSendingQueue queue = open();
    enqueueAll(queue, 0, 2);
    queue.close();
    assertThat(queue.enqueue(numbered(9))).isNull();
    assertThat(queue.poll(Duration.ZERO)).isEqualTo(numbered(0));
    assertThat(queue.drain()).isEmpty(); // kept on disk
    queue.release();
    queue.release(); // twice is fine
    assertThat(open().size()).isEqualTo(2);
  }

  @Test
  void configReadsDiskSettingsAndRejectsNonsense() {
    QueueSettings disk = QueueSettings.read(TestComponents.config(
        "storage: disk\ndirectory: /tmp/q\nmax_bytes: 64MiB\nfsync: always"));
    assertThat(disk.storage()).isEqualTo(QueueSettings.Storage.DISK);
    assertThat(disk.directory()).contains(Path.of("/tmp/q"));
    assertThat(disk.maxBytes()).isEqualTo(64L << 20);
    assertThat(disk.fsync()).isEqualTo(QueueSettings.Fsync.ALWAYS);
    assertThat(QueueSettings.read(TestComponents.config("storage: disk")).fsync())
        .isEqualTo(QueueSettings.Fsync.BATCH);

    assertThatThrownBy(() -> QueueSettings.read(TestComponents.config("fsync: always")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("only to storage: disk");
    assertThatThrownBy(() -> QueueSettings.read(TestComponents.config(
        "enabled: false\nstorage: disk"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("enabled: true");
    assertThatThrownBy(() -> QueueSettings.read(TestComponents.config(
        "storage: disk\nmax_bytes: 10KiB"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_bytes");
    assertThatThrownBy(() -> QueueSettings.read(TestComponents.config("storage: tape")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void defaultDirectoryIsPerExporterUnderTheDataDirectory() {
    Path data = Path.of("data");
    assertThat(QueueSettings.defaultDirectory(data, ComponentId.parse("otlp_http")))
        .isEqualTo(Path.of("data/queue/otlp_http"));
    assertThat(QueueSettings.defaultDirectory(data, ComponentId.parse("otlp_grpc/eu backend")))
        .isEqualTo(Path.of("data/queue/otlp_grpc/eu_backend"));
    assertThat(QueueSettings.defaultDirectory(data, ComponentId.parse("otlp_grpc/..")))
        .isEqualTo(Path.of("data/queue/otlp_grpc/__"));
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!check.ok()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Accepts nothing: every send waits on {@code answer}. */
  private record StubSender(CompletableFuture<SendResult> answer) implements RequestSender {

    @Override
    public void start() {}

    @Override
    public CompletableFuture<SendResult> send(Telemetry telemetry) {
      return answer;
    }

    @Override
    public void close() {}
  }
}
