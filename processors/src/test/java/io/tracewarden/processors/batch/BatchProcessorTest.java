package io.tracewarden.processors.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchProcessorTest {

  @TempDir
  Path dir;

  private final RecordingConsumer next = new RecordingConsumer();

  private Processor processor(String yaml, Signal signal) {
    return new BatchProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "batch", dir),
        TestComponents.config(yaml), signal, next);
  }

  @Test
  void flushesWhenTheBatchIsFullAndAcknowledgesOnlyThen() throws Exception {
    Processor batch = processor("send_batch_size: 10\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    CompletableFuture<Void> first = batch.consume(traces(4, "a"));
    CompletableFuture<Void> second = batch.consume(traces(4, "b"));
    assertThat(first).isNotDone();
    assertThat(next.received()).isEmpty();
    CompletableFuture<Void> third = batch.consume(traces(4, "c"));
    third.get(5, TimeUnit.SECONDS);
    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(next.received()).singleElement()
        .satisfies(t -> assertThat(t.itemCount()).isEqualTo(12));
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void flushesAfterTheTimeout() throws Exception {
    Processor batch = processor("send_batch_size: 1000\ntimeout: 50ms\n", Signal.TRACES);
    batch.start(TestComponents.host());
    batch.consume(traces(3, "a")).get(5, TimeUnit.SECONDS);
    assertThat(next.received()).singleElement()
        .satisfies(t -> assertThat(t.itemCount()).isEqualTo(3));
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void splitsAtTheMaximumKeepingEverySpanOnce() throws Exception {
    Processor batch = processor(
        "send_batch_size: 5\nsend_batch_max_size: 5\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    batch.consume(traces(12, "big")).get(5, TimeUnit.SECONDS);
    List<Telemetry> sent = next.received();
    assertThat(sent).extracting(Telemetry::itemCount).containsExactly(5, 5, 2);
    List<String> names = new ArrayList<>();
    sent.forEach(t -> t.traces().getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
        .forEach(ss -> ss.getSpansList().forEach(s -> names.add(s.getName())))));
    assertThat(names).hasSize(12).doesNotHaveDuplicates();
    assertThat(sent.get(0).traces().getResourceSpans(0).getResource())
        .isEqualTo(traces(1, "big").traces().getResourceSpans(0).getResource());
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void mergedRequestsCarryTheConcatenatedReceivedBytesWhichDecodeToTheMerge() throws Exception {
    Processor batch = processor("send_batch_size: 6\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    batch.consume(withBytes(traces(3, "a")));
    batch.consume(withBytes(traces(3, "b"))).get(5, TimeUnit.SECONDS);
    Telemetry merged = next.received().get(0);
    assertThat(merged.protobuf()).isNotNull();
    assertThat(ExportTraceServiceRequest.parseFrom(merged.protobuf())).isEqualTo(merged.traces());
    assertThat(merged.itemCount()).isEqualTo(6);
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void aMergeWithAnyPartLackingBytesCarriesNone() throws Exception {
    Processor batch = processor("send_batch_size: 6\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    batch.consume(withBytes(traces(3, "a")));
    batch.consume(traces(3, "b")).get(5, TimeUnit.SECONDS);
    assertThat(next.received().get(0).protobuf()).isNull();
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void neverMergesDifferentPrincipals() throws Exception {
    Processor batch = processor("send_batch_size: 2\ntimeout: 100ms\n", Signal.LOGS);
    batch.start(TestComponents.host());
    CompletableFuture<Void> alice = batch.consume(logs("alice"));
    CompletableFuture<Void> bob = batch.consume(logs("bob"));
    CompletableFuture.allOf(alice, bob).get(5, TimeUnit.SECONDS);
    assertThat(next.received()).extracting(t -> t.context().principal())
        .containsExactlyInAnyOrder("alice", "bob");
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void downstreamFailureReachesEverySenderInTheBatch() throws Exception {
    next.answerWith(t -> CompletableFuture.failedFuture(
        TelemetryException.backPressure("queue full", Duration.ofSeconds(1))));
    Processor batch = processor("send_batch_size: 2\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    CompletableFuture<Void> first = batch.consume(traces(1, "a"));
    CompletableFuture<Void> second = batch.consume(traces(1, "b"));
    for (CompletableFuture<Void> result : List.of(first, second)) {
      assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TelemetryException.class);
    }
    batch.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void lifecycleShutdownFlushesPendingAndIsSafeTwiceAndWithoutStart() throws Exception {
    processor("", Signal.TRACES).shutdown(Duration.ofSeconds(1));
    Processor batch = processor("send_batch_size: 100\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    CompletableFuture<Void> pending = batch.consume(traces(2, "x"));
    batch.shutdown(Duration.ofSeconds(5));
    batch.shutdown(Duration.ofSeconds(5));
    assertThat(pending).isCompleted();
    assertThat(next.received()).hasSize(1);
  }

  @Test
  void shutdownWaitsForABatchAlreadyHandedDownstream() throws Exception {
    CompletableFuture<Void> downstream = new CompletableFuture<>();
    next.answerWith(t -> downstream);
    Processor batch = processor("send_batch_size: 1\ntimeout: 1h\n", Signal.TRACES);
    batch.start(TestComponents.host());
    CompletableFuture<Void> sent = batch.consume(traces(1, "in-flight"));
    new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      downstream.complete(null);
    }).start();
    long start = System.nanoTime();
    batch.shutdown(Duration.ofSeconds(10));
    assertThat(sent).isCompleted();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void rejectsMaxSmallerThanBatchSizeNamingTheKey() {
    assertThatThrownBy(() -> processor("send_batch_size: 10\nsend_batch_max_size: 5\n",
        Signal.TRACES))
        .isInstanceOf(ConfigException.class)
        .hasMessage("test.yaml:2:22: test.send_batch_max_size: must be 0 or at least "
            + "send_batch_size (10)");
  }

  private static Telemetry traces(int spans, String prefix) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder().setName(prefix + "-" + i));
    }
    return Telemetry.traces(ExportTraceServiceRequest.newBuilder().addResourceSpans(
        ResourceSpans.newBuilder().addScopeSpans(scope)).build(), TestComponents.context());
  }

  private static Telemetry withBytes(Telemetry telemetry) {
    return new Telemetry(telemetry.signal(), telemetry.request(), telemetry.context(),
        telemetry.request().toByteArray());
  }

  private static Telemetry logs(String principal) {
    return Telemetry.logs(ExportLogsServiceRequest.newBuilder().addResourceLogs(
            ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(LogRecord.newBuilder()))).build(),
        new TelemetryContext(principal, ComponentId.of("otlp"), "", Instant.now()));
  }
}
