package io.tracewarden.javaagent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/** A minimal OTLP/HTTP (protobuf) receiver keeping every request, raw and decoded. */
final class OtlpReceiver implements AutoCloseable {

  final List<Span> spans = new CopyOnWriteArrayList<>();
  final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  /** Every request body as received (decompressed): the leak check runs over these bytes. */
  final List<byte[]> rawBodies = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final boolean keep;

  OtlpReceiver() throws IOException {
    this(true);
  }

  /**
   * {@code keep=false} decodes and acknowledges but keeps nothing: for long runs (the overhead
   * measurement), where kept data would grow the receiver's heap until it stalls the fake model
   * sharing its JVM.
   */
  OtlpReceiver(boolean keep) throws IOException {
    this.keep = keep;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/traces", this::traces);
    server.createContext("/v1/logs", this::logs);
    server.createContext("/v1/metrics", e -> respond(e, new byte[0]));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void traces(HttpExchange exchange) throws IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
    request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
        .forEach(ss -> {
          if (keep) {
            spans.addAll(ss.getSpansList());
          }
        }));
    respond(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
  }

  private void logs(HttpExchange exchange) throws IOException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(exchange));
    request.getResourceLogsList().forEach(rl -> rl.getScopeLogsList()
        .forEach(sl -> {
          if (keep) {
            logs.addAll(sl.getLogRecordsList());
          }
        }));
    respond(exchange, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
  }

  private byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    byte[] bytes = out.toByteArray();
    if (keep) {
      rawBodies.add(bytes);
    }
    return bytes;
  }

  private static void respond(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static Optional<AnyValue> attribute(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue)
        .findFirst();
  }

  static String string(List<KeyValue> attributes, String key) {
    return attribute(attributes, key).map(AnyValue::getStringValue).orElse(null);
  }

  /** Writes what was received, for a human reading a failed run. */
  void dump(java.nio.file.Path file) throws IOException {
    StringBuilder b = new StringBuilder();
    spans.forEach(s -> b.append("SPAN ").append(s).append('\n'));
    logs.forEach(l -> b.append("LOG ").append(l).append('\n'));
    java.nio.file.Files.createDirectories(file.getParent());
    java.nio.file.Files.writeString(file, b);
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
