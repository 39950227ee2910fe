package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sending faster than the backend accepts never grows the agent's heap past the memory_limiter's
 * hard limit; senders see retryable refusals (429 with Retry-After) instead of the agent running
 * out of memory, and nothing that was acknowledged is lost.
 *
 * <p>Real processes: the agent runs in its own JVM ({@code -Xmx1g}, far above the 300 MiB hard
 * limit, so an agent that buffered without bound would go past it), exporting over OTLP/HTTP to a
 * backend in this JVM that takes 300 ms per request. The agent's heap is read from its own GC log:
 * the heap left after each full collection is what the agent keeps alive; a reading between
 * collections also counts garbage, which -Xmx bounds, not the agent. The limiter forces a full
 * collection whenever its reading passes the hard limit, so each time the heap looked over the
 * limit, the live heap was measured.
 */
class OverloadTest {

  private static final long MIB = 1L << 20;
  private static final long HARD_LIMIT = 300 * MIB;
  private static final int SENDERS = 32;
  private static final int SPANS_PER_REQUEST = 8;
  /** Each span carries one attribute this big: ~2 MiB of protobuf per request. */
  private static final int ATTRIBUTE_BYTES = 256 * 1024;
  private static final Duration LOAD = Duration.ofSeconds(10);
  private static final Duration BACKEND_DELAY = Duration.ofMillis(300);
  /** A full collection, in unified logging's {@code gc} output: heap before and after. */
  private static final Pattern FULL_GC =
      Pattern.compile("Pause Full \\(.*\\) (\\d+)([KMG])->(\\d+)([KMG])\\(");
  private static final Pattern ANY_GC =
      Pattern.compile("Pause \\w+ \\(.*\\) (\\d+)([KMG])->(\\d+)([KMG])\\(");

  @TempDir
  Path dir;

  private Process agent;
  private HttpServer backend;
  private final List<Thread> threads = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() throws Exception {
    for (Thread thread : threads) {
      thread.interrupt();
      thread.join(10_000);
    }
    if (agent != null) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  @Test
  void sendingFasterThanTheBackendAcceptsIsRefusedRetryablyWithinTheHardLimit() throws Exception {
    Set<String> exported = ConcurrentHashMap.newKeySet();
    startBackend(exported);
    int port = freePort();
    Path gcLog = dir.resolve("gc.log");
    Path agentLog = dir.resolve("agent.log");
    int adminPort = freePort();
    startAgent(port, adminPort, gcLog, agentLog);
    URI traces = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    awaitServing(traces, agentLog);

    ConcurrentLinkedQueue<String> okRequests = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> refusedRequests = new ConcurrentLinkedQueue<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger refusalsWithRetryAfter = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + LOAD.toNanos();
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
      thread.join(LOAD.toMillis() + 60_000);
    }

    // Every acknowledged request reaches the backend once the agent's queue drains.
    long drainUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!allExported(okRequests, exported) && System.nanoTime() < drainUntil) {
      Thread.sleep(200);
    }
    // Once the load stops the agent serves again (retrying as a well-behaved sender would).
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int last;
    do {
      last = post(traces, request("after")).statusCode();
      if (last != 200) {
        Thread.sleep(200);
      }
    } while (last != 200 && System.nanoTime() < until);
    boolean aliveAfterLoad = agent.isAlive();
    String refusals = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body().lines()
        .filter(line -> line.startsWith("tracewarden_receiver_requests_refused")
            || line.startsWith("tracewarden_memory_limiter_refusals"))
        .map(line -> line.replaceAll("\\{.*reason=\"([a-z_]+)\".*\\}", "{$1}"))
        .collect(java.util.stream.Collectors.joining(", "));

    agent.destroy();
    agent.waitFor(30, TimeUnit.SECONDS);
    Heap heap = Heap.read(gcLog);
    String log = Files.readString(agentLog);
    System.out.printf("overload: %d senders, %d-byte requests, agent heap: peak %d MiB incl. "
            + "garbage, peak live %d MiB after %d full collections (of %d), hard limit %d MiB; "
            + "statuses %s, refusals with Retry-After %d, ok %d, errors %d; agent metrics: %s%n",
        SENDERS, request("size-probe").length, heap.peakBeforeCollection / MIB,
        heap.peakLiveAfterFullCollection / MIB, heap.fullCollections, heap.collections,
        HARD_LIMIT / MIB, statuses, refusalsWithRetryAfter.get(), okRequests.size(),
        errors.size(), refusals);

    assertThat(aliveAfterLoad).as("the agent survived the load").isTrue();
    assertThat(log).doesNotContain("OutOfMemoryError");
    assertThat(errors).as("transport errors in senders").isEmpty();
    assertThat(refusalsWithRetryAfter.get()).as("senders were told to back off").isPositive();
    assertThat(statuses.keySet()).as("only OK and retryable refusals").isSubsetOf(200, 429, 503);
    assertThat(okRequests).as("the agent kept accepting some data under load").isNotEmpty();
    assertThat(last).as("a good request after the load").isEqualTo(200);

    assertThat(heap.collections).as("the GC log was read").isPositive();
    if (heap.peakBeforeCollection > HARD_LIMIT) {
      assertThat(heap.fullCollections).as("full collections while over the limit").isPositive();
    }
    assertThat(heap.peakLiveAfterFullCollection)
        .as("peak live heap %d MiB vs hard limit %d MiB",
            heap.peakLiveAfterFullCollection / MIB, HARD_LIMIT / MIB)
        .isLessThanOrEqualTo(HARD_LIMIT);

    for (String id : okRequests) {
      assertThat(exported).as("acknowledged request %s was exported", id)
          .contains(id + "-span-0", id + "-span-" + (SPANS_PER_REQUEST - 1));
    }
    // A request refused with back-pressure never entered the pipeline as far as the backend.
    for (String id : refusedRequests) {
      assertThat(exported).as("refused request %s reached the backend", id)
          .doesNotContain(id + "-span-0");
    }
  }

  private static boolean allExported(Iterable<String> ids, Set<String> exported) {
    for (String id : ids) {
      if (!exported.contains(id + "-span-" + (SPANS_PER_REQUEST - 1))) {
        return false;
      }
    }
    return true;
  }

  // ---- the agent, in its own JVM

  private void startAgent(int port, int adminPort, Path gcLog, Path agentLog)
      throws IOException {
    Path config = dir.resolve("overload.yaml");
    Files.writeString(config, """
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:%d }
        processors:
          memory_limiter:
            limit_mib: 300
            spike_limit_mib: 100
            check_interval: 50ms
            retry_after: 1s
          batch:
            timeout: 10ms
            send_batch_size: 64
            send_batch_max_size: 64
        exporters:
          otlp_http:
            endpoint: http://127.0.0.1:%d
            compression: none
        extensions:
          admin: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [admin]
          data_directory: %s
          pipelines:
            traces: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlp_http] }
        """.formatted(port, backend.getAddress().getPort(), adminPort, dir.resolve("agent-data")));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    agent = new ProcessBuilder(java.toString(), "-Xmx1g", "-XX:+UseG1GC",
        "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"),
        Tracewarden.class.getName(), "run", "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
  }

  private void awaitServing(URI traces, Path agentLog) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      assertThat(agent.isAlive()).as("agent running; log:%n%s", Files.readString(agentLog))
          .isTrue();
      try {
        if (post(traces, request("warm-up")).statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("agent did not serve within 60 s: " + Files.readString(agentLog));
  }

  /** Heap figures from a {@code -Xlog:gc} file. */
  private record Heap(long peakBeforeCollection, long peakLiveAfterFullCollection,
      int fullCollections, int collections) {

    static Heap read(Path gcLog) throws IOException {
      long before = 0;
      long live = 0;
      int full = 0;
      int all = 0;
      for (String line : Files.readAllLines(gcLog)) {
        Matcher any = ANY_GC.matcher(line);
        if (!any.find()) {
          continue;
        }
        all++;
        before = Math.max(before, bytes(any.group(1), any.group(2)));
        Matcher fullGc = FULL_GC.matcher(line);
        if (fullGc.find()) {
          full++;
          live = Math.max(live, bytes(fullGc.group(3), fullGc.group(4)));
        }
      }
      return new Heap(before, live, full, all);
    }

    private static long bytes(String amount, String unit) {
      long value = Long.parseLong(amount);
      return switch (unit) {
        case "K" -> value << 10;
        case "M" -> value << 20;
        default -> value << 30;
      };
    }
  }

  // ---- the slow backend

  private void startBackend(Set<String> exported) throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backend.setExecutor(Executors.newFixedThreadPool(4));
    byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    backend.createContext("/v1/traces", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
        Thread.sleep(BACKEND_DELAY.toMillis());
        exported.addAll(spanNames(request));
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, ok.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(ok);
        }
      } catch (InterruptedException e) {
        exchange.sendResponseHeaders(503, -1);
      } finally {
        exchange.close();
      }
    });
    backend.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
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
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private void thread(String name, Runnable body) {
    Thread thread = new Thread(body, "overload-" + name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private static List<String> spanNames(ExportTraceServiceRequest request) {
    List<String> names = new ArrayList<>();
    request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
        .forEach(ss -> ss.getSpansList().forEach(span -> names.add(span.getName()))));
    return names;
  }
}
