// The soak test's helper processes, as one single-file program (run by scripts/soak/run.sh):
//
//   java -cp agent/target/tracewarden.jar scripts/soak/Soak.java backend <port> <received-file>
//   java -cp agent/target/tracewarden.jar scripts/soak/Soak.java load <port> <spans> <per-request>
//        <requests-per-second> <threads> <acked-file> <deadline-seconds>
//   java -cp agent/target/tracewarden.jar scripts/soak/Soak.java check <acked-file>
//        <received-file> <per-request>
//
// backend: an OTLP/HTTP receiver on 127.0.0.1 (POST /v1/traces, protobuf, gzip or not) that appends
//   the span id of every span it receives (as a decimal number, one a line) to <received-file>,
//   flushed before it answers 200.
// load: sends <spans> spans with unique ids (span id = big-endian span number) in requests of
//   <per-request> spans; request k holds spans [k*per, (k+1)*per). A request answered 200 is
//   appended as "k" to <acked-file>; any other answer or a connection error is retried until the
//   deadline. Prints a summary.
// check: every span of every acked request must be in <received-file>; prints N, lost, duplicates.
//   Exit status 1 when something is lost.
//
// Only 127.0.0.1 is used. The agent jar provides the OTLP protobuf classes.

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

public final class Soak {

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "backend" -> backend(Integer.parseInt(args[1]), Path.of(args[2]));
      case "load" -> load(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
          Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          Path.of(args[6]), Integer.parseInt(args[7]));
      case "check" -> System.exit(check(Path.of(args[1]), Path.of(args[2]),
          Integer.parseInt(args[3])));
      default -> {
        System.err.println("usage: Soak backend|load|check ... (see the comment at the top)");
        System.exit(2);
      }
    }
  }

  // ---- backend ----

  static void backend(int port, Path received) throws IOException {
    BufferedWriter out = Files.newBufferedWriter(received, StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    AtomicLong spans = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/traces", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if ("gzip".equalsIgnoreCase(encoding)) {
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        ExportTraceServiceRequest request;
        try {
          request = ExportTraceServiceRequest.parseFrom(body);
        } catch (IOException e) {
          answer(exchange, 400);
          return;
        }
        StringBuilder lines = new StringBuilder();
        long count = 0;
        for (ResourceSpans resource : request.getResourceSpansList()) {
          for (ScopeSpans scope : resource.getScopeSpansList()) {
            for (Span span : scope.getSpansList()) {
              lines.append(ByteBuffer.wrap(span.getSpanId().toByteArray()).getLong()).append('\n');
              count++;
            }
          }
        }
        synchronized (out) {
          out.write(lines.toString());
          out.flush(); // in the page cache before we say 200: survives this process dying
        }
        spans.addAndGet(count);
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        answer(exchange, 200);
      }
    });
    server.start();
    System.out.println("backend listening on 127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("backend received " + spans.get() + " span(s) in this run");
    }));
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1); // empty body: a valid empty ExportTraceServiceResponse
  }

  // ---- load generator ----

  static void load(int port, int spans, int perRequest, int requestsPerSecond, int threads,
      Path acked, int deadlineSeconds) throws Exception {
    int requests = (spans + perRequest - 1) / perRequest;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    BufferedWriter out = Files.newBufferedWriter(acked, StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicLong retries = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(deadlineSeconds).toNanos();
    long intervalNanos = 1_000_000_000L / Math.max(1, requestsPerSecond);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Thread(() -> {
        int k;
        while ((k = next.getAndIncrement()) < requests) {
          // Paced: request k is not sent before start + k * interval.
          long due = start + k * intervalNanos;
          sleepNanos(due - System.nanoTime());
          byte[] body = request(k, perRequest, spans).toByteArray();
          HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          long backoff = 100;
          while (true) {
            if (System.nanoTime() > deadline) {
              System.err.println("load: deadline reached with request " + k + " unacknowledged");
              return;
            }
            int status;
            try {
              status = client.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
              status = -1;
            } catch (InterruptedException e) {
              return;
            }
            if (status == 200) {
              synchronized (out) {
                try {
                  out.write(k + "\n");
                  out.flush();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
              ok.incrementAndGet();
              break;
            }
            retries.incrementAndGet();
            sleepNanos(Duration.ofMillis(backoff).toNanos());
            backoff = Math.min(1000, backoff * 2);
          }
        }
      });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    out.close();
    System.out.printf("load: %d of %d request(s) acknowledged (%d spans each), %d retried "
        + "attempt(s), %.1f s%n", ok.get(), requests, perRequest, retries.get(),
        (System.nanoTime() - start) / 1e9);
  }

  static ExportTraceServiceRequest request(int k, int perRequest, int totalSpans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long first = (long) k * perRequest;
    for (long id = first; id < Math.min(first + perRequest, totalSpans); id++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(8, id / 10 + 1).array()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
          .setName("chat gpt-soak")
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L + id)
          .setEndTimeUnixNano(1_700_000_000_500_000_000L + id)
          .addAttributes(attribute("gen_ai.prompt",
              "summarise the incident report number " + id + " for the on-call engineer"))
          .addAttributes(attribute("gen_ai.completion",
              "The deploy at 10:42 raised error rates; rolled back at 10:57. Ticket " + id)));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "soak")))
            .addScopeSpans(scope))
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- check ----

  static int check(Path acked, Path received, int perRequest) throws IOException {
    BitSet expected = new BitSet();
    for (String line : Files.readAllLines(acked, StandardCharsets.US_ASCII)) {
      if (line.isBlank()) {
        continue;
      }
      int k = Integer.parseInt(line.trim());
      expected.set(k * perRequest, (k + 1) * perRequest);
    }
    BitSet seen = new BitSet();
    long lines = 0;
    long duplicates = 0;
    for (String line : Files.readAllLines(received, StandardCharsets.US_ASCII)) {
      if (line.isBlank()) {
        continue;
      }
      int id = Integer.parseInt(line.trim());
      lines++;
      if (seen.get(id)) {
        duplicates++;
      }
      seen.set(id);
    }
    BitSet lost = (BitSet) expected.clone();
    lost.andNot(seen);
    BitSet unacked = (BitSet) seen.clone();
    unacked.andNot(expected);
    System.out.printf("check: acknowledged spans N=%d, received %d span(s) (%d distinct), "
        + "lost=%d, duplicates=%d, received but never acknowledged to the sender=%d%n",
        expected.cardinality(), lines, seen.cardinality(), lost.cardinality(), duplicates,
        unacked.cardinality());
    if (!lost.isEmpty()) {
      System.out.println("check: first lost span ids: " + lost.stream().limit(20).boxed().toList());
      return 1;
    }
    return 0;
  }
}
