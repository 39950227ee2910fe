package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.ComponentFactory;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.pipeline.ServiceBuilder;
import io.tracewarden.core.testing.ConsumerExporterFactory;
import io.tracewarden.receivers.otlp.OtlpReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sending faster than the backend accepts never grows the heap past the memory_limiter's hard
 * limit; senders see retryable refusals (429 with Retry-After) instead of the agent running out
 * of memory, and nothing that was acknowledged is lost.
 *
 * <p>The surefire JVM runs with {@code -Xmx1g} (root pom), so the limits below (300 MiB hard,
 * 200 MiB soft) are well under the maximum heap: an agent that buffered without bound would go
 * past them, and eventually hit an {@code OutOfMemoryError}, long before the JVM stopped it.
 */
class OverloadTest {

  private static final long MIB = 1L << 20;
  private static final long HARD_LIMIT = 300 * MIB;
  private static final int SENDERS = 16;
  private static final int SPANS_PER_REQUEST = 8;
  /** Each span carries one attribute this big: ~2 MiB of protobuf per request. */
  private static final int ATTRIBUTE_BYTES = 256 * 1024;
  private static final Duration LOAD = Duration.ofSeconds(8);
  /** The backend takes this long to accept each batch: much slower than the senders. */
  private static final Duration BACKEND_DELAY = Duration.ofMillis(300);

  @TempDir
  Path dir;

  private Service service;
  private final ScheduledExecutorService backend = Executors.newSingleThreadScheduledExecutor();
  private final List<Thread> threads = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() throws Exception {
    for (Thread thread : threads) {
      thread.interrupt();
      thread.join(10_000);
    }
    if (service != null) {
      service.close();
    }
    backend.shutdownNow();
  }

  @Test
  void sendingFasterThanTheBackendAcceptsIsRefusedRetryablyWithinTheHardLimit() throws Exception {
    /* Span names the slow exporter has received and accepted. */
    Set<String> exported = ConcurrentHashMap.newKeySet();
    /* Span names the exporter saw at all (accepted or still pending). */
    Set<String> reachedExporter = ConcurrentHashMap.newKeySet();
    OtlpReceiver receiver = start(telemetry -> {
      List<String> names = spanNames(telemetry.traces());
      reachedExporter.addAll(names);
      CompletableFuture<Void> accepted = new CompletableFuture<>();
      backend.schedule(() -> {
        exported.addAll(names);
        accepted.complete(null);
      }, BACKEND_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      return accepted;
    });
    URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");

    // Heap in use before the load, measured the way the limiter measures it (after a collection,
    // so that it is the live baseline: classes, Armeria, the service, this test's fixtures).
    System.gc();
    long baseline = usedHeap();

    AtomicBoolean running = new AtomicBoolean(true);
    LiveHeapAfterCollections liveHeap = LiveHeapAfterCollections.listen();
    AtomicLong peak = new AtomicLong();
    AtomicInteger samples = new AtomicInteger();
    Thread sampler = thread("heap-sampler", () -> {
      while (running.get()) {
        peak.accumulateAndGet(usedHeap(), Math::max);
        samples.incrementAndGet();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    });

    ConcurrentLinkedQueue<String> okRequests = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> refusedRequests = new ConcurrentLinkedQueue<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger refusalsWithRetryAfter = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + LOAD.toNanos();
    int requestBytes = request("size-probe").length;
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      thread("sender-" + s, () -> {
        int n = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
          String id = "s" + sender + "-r" + n++;
          try {
            HttpResponse<byte[]> response = post(traces, request(id));
            statuses.computeIfAbsent(response.statusCode(), k -> new AtomicInteger())
                .incrementAndGet();
            if (response.statusCode() == 200) {
              okRequests.add(id);
            } else if (response.statusCode() == 429 || response.statusCode() == 503) {
              refusedRequests.add(id);
              if (response.headers().firstValue("retry-after").isPresent()) {
                refusalsWithRetryAfter.incrementAndGet();
              }
            }
          } catch (InterruptedException e) {
            return;
          } catch (Throwable e) {
            errors.add(e);
          }
        }
      });
    }
    for (Thread thread : new ArrayList<>(threads)) {
      if (thread != sampler) {
        thread.join(LOAD.toMillis() + 30_000);
      }
    }
    running.set(false);
    sampler.join(5_000);
    liveHeap.close();

    long peakHeap = peak.get();
    System.out.printf("overload: %d-byte requests, baseline %d MiB, peak heap %d MiB incl. "
            + "garbage (%d samples), peak live heap %d MiB after %d full collections, hard limit "
            + "%d MiB, statuses %s, refusals with Retry-After %d, ok %d, errors %d%n",
        requestBytes, baseline / MIB, peakHeap / MIB, samples.get(), liveHeap.peak() / MIB,
        liveHeap.collections(), HARD_LIMIT / MIB, statuses, refusalsWithRetryAfter.get(),
        okRequests.size(), errors.size());

    assertThat(errors).as("transport errors / OutOfMemoryError in senders").isEmpty();
    // Senders were told to back off, retryably, rather than being buffered.
    assertThat(refusalsWithRetryAfter.get()).isPositive();
    assertThat(statuses.keySet()).as("only OK and retryable refusals").isSubsetOf(200, 429, 503);
    assertThat(okRequests).as("the agent kept accepting some data under load").isNotEmpty();

    // What the agent holds is the heap that survives a full collection. A reading between
    // collections also counts garbage not yet collected, which -Xmx bounds, not the agent; the
    // limiter forces a full collection whenever that reading passes the hard limit, so each time
    // the heap looked over the limit, the live heap was measured.
    if (peakHeap > HARD_LIMIT) {
      assertThat(liveHeap.collections()).as("full collections during the load").isPositive();
    }
    assertThat(liveHeap.peak())
        .as("peak live heap %d MiB vs hard limit %d MiB", liveHeap.peak() / MIB, HARD_LIMIT / MIB)
        .isLessThanOrEqualTo(HARD_LIMIT);

    // Every acknowledged request reached the backend and was accepted there; nothing refused
    // with back-pressure got into the pipeline (the limiter is the first processor).
    for (String id : okRequests) {
      assertThat(exported).as("acknowledged request %s was exported", id)
          .contains(id + "-span-0", id + "-span-" + (SPANS_PER_REQUEST - 1));
    }
    for (String id : refusedRequests) {
      assertThat(reachedExporter).as("refused request %s reached the exporter", id)
          .doesNotContain(id + "-span-0");
    }
    assertThat(exported).hasSize(okRequests.size() * SPANS_PER_REQUEST);

    // Once the load stops the agent serves again (retrying as a well-behaved sender would).
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int last;
    do {
      HttpResponse<byte[]> response = post(traces, request("after"));
      last = response.statusCode();
      if (last != 200) {
        Thread.sleep(200);
      }
    } while (last != 200 && System.nanoTime() < until);
    assertThat(last).as("a good request after the load").isEqualTo(200);
    assertThat(exported).contains("after-span-0");
  }

  // ---- the agent

  @FunctionalInterface
  private interface SlowBackend {
    CompletableFuture<Void> accept(Telemetry telemetry);
  }

  private OtlpReceiver start(SlowBackend slow) throws Exception {
    String yaml = """
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0 }
        processors:
          memory_limiter:
            limit_mib: 300
            spike_limit_mib: 100
            check_interval: 50ms
            retry_after: 1s
          batch:
            timeout: 10ms
        exporters:
          slow:
        service:
          data_directory: %s
          pipelines:
            traces: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [slow] }
        """.formatted(dir.resolve("agent"));
    List<ComponentFactory> factories = new ArrayList<>(ComponentRegistry.load().all());
    factories.add(new ConsumerExporterFactory("slow", id -> slow::accept));
    service = new ServiceBuilder(ComponentRegistry.of(factories))
        .build(new ConfigLoader(System::getenv).parse(yaml, "overload.yaml"));
    service.start();
    return (OtlpReceiver) service.receivers().values().iterator().next();
  }

  // ---- the senders

  private static final String FILLER;

  static {
    char[] chars = new char[ATTRIBUTE_BYTES];
    Arrays.fill(chars, 'x');
    FILLER = new String(chars);
  }

  /** A ~2 MiB request whose span names are unique to {@code id}. */
  private static byte[] request(String id) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
              14, 15, 16}))
          .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) (i + 1)}))
          .setName(id + "-span-" + i)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L)
          .setEndTimeUnixNano(1_700_000_000_100_000_000L)
          .addAttributes(KeyValue.newBuilder().setKey("payload")
              .setValue(AnyValue.newBuilder().setStringValue(FILLER))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build().toByteArray();
  }

  private HttpResponse<byte[]> post(URI uri, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private Thread thread(String name, Runnable body) {
    Thread thread = new Thread(body, "overload-" + name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
    return thread;
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static List<String> spanNames(ExportTraceServiceRequest request) {
    List<String> names = new ArrayList<>();
    request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
        .forEach(ss -> ss.getSpansList().forEach(span -> names.add(span.getName()))));
    return names;
  }
}
