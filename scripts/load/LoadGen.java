// Closed-loop OTLP/HTTP load generator: N connections (one thread each), raw HTTP/1.1 keep-alive
// sockets, POSTing the same pre-built ExportTraceServiceRequest (application/x-protobuf) for a fixed
// time after a warm-up, then printing spans/s, requests/s and latency percentiles.
//
//   java -cp <jar with protobuf-java + opentelemetry-proto> scripts/load/LoadGen.java \
//        [--url http://127.0.0.1:4318/v1/traces] [--connections 8] [--warmup 10] [--duration 30]
//        [--spans 500] [--content clean|secrets10pct] [--dump FILE]
//
// The request: with io.tracewarden.benchmarks.PipelineCostBenchmark on the class path
// (benchmarks/target/benchmarks.jar), its exact request (500 GenAI spans, ~950 content bytes/span,
// ~704 KB; seed 7 clean, 8 with secrets) is used; otherwise an equivalent one is built here.
// Refusals (429/503) are counted and followed by a 50 ms pause; they never count as throughput.
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.*;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.*;
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.atomic.*;

public class LoadGen {
  static volatile boolean measuring, stop;
  static final LongAdder ok = new LongAdder(), refused = new LongAdder(), errors = new LongAdder();
  static final long[] latencyHist = new long[20000]; // 0.1 ms buckets up to 2 s
  static final Object histLock = new Object();

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    URI url = URI.create(opt.getOrDefault("url", "http://127.0.0.1:4318/v1/traces"));
    int connections = Integer.parseInt(opt.getOrDefault("connections", "8"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
    int duration = Integer.parseInt(opt.getOrDefault("duration", "30"));
    int spanCount = Integer.parseInt(opt.getOrDefault("spans", "500"));
    String content = opt.getOrDefault("content", "clean");

    ExportTraceServiceRequest request = build(spanCount, content);
    byte[] body = request.toByteArray();
    int spansPerRequest = request.getResourceSpansList().stream()
        .flatMap(r -> r.getScopeSpansList().stream()).mapToInt(ScopeSpans::getSpansCount).sum();
    if (opt.containsKey("dump")) {
      try (OutputStream o = new FileOutputStream(opt.get("dump"))) { o.write(body); }
    }
    String path = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    System.err.printf("loadgen: %d spans/request, %d bytes/request, %d connections -> %s, "
        + "warm-up %d s, measure %d s, content %s%n", spansPerRequest, body.length, connections,
        url, warmup, duration, content);

    Thread[] threads = new Thread[connections];
    for (int i = 0; i < connections; i++) {
      threads[i] = new Thread(() -> run(url, head, body), "loadgen-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    Thread.sleep(warmup * 1000L);
    long okBefore = ok.sum(), refusedBefore = refused.sum(), errorsBefore = errors.sum();
    synchronized (histLock) { Arrays.fill(latencyHist, 0); }
    measuring = true;
    long start = System.nanoTime();
    System.out.println("MEASURE_START");
    System.out.flush();
    Thread.sleep(duration * 1000L);
    measuring = false;
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println("MEASURE_END");
    long okN = ok.sum() - okBefore, refusedN = refused.sum() - refusedBefore,
        errorsN = errors.sum() - errorsBefore;
    stop = true;
    double rps = okN / seconds;
    System.out.printf(Locale.ROOT, "loadgen result: spans_per_s=%.0f requests_per_s=%.1f MB_per_s=%.1f "
        + "ok=%d refused=%d errors=%d seconds=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
        rps * spansPerRequest, rps, rps * body.length / 1e6, okN, refusedN, errorsN, seconds,
        percentile(0.50), percentile(0.99), percentile(1.0));
    System.out.flush();
    Thread.sleep(2000); // stay alive while run.sh reads this process's CPU time
    System.exit(0);
  }

  static double percentile(double q) {
    synchronized (histLock) {
      long total = Arrays.stream(latencyHist).sum();
      if (total == 0) return Double.NaN;
      long target = (long) Math.ceil(q * total), seen = 0;
      for (int i = 0; i < latencyHist.length; i++) {
        seen += latencyHist[i];
        if (seen >= target) return i / 10.0;
      }
      return latencyHist.length / 10.0;
    }
  }

  static void run(URI url, byte[] head, byte[] body) {
    while (!stop) {
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.setSendBufferSize(1 << 20);
        s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
        s.setSoTimeout(30000);
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
        while (!stop) {
          long t0 = System.nanoTime();
          out.write(head);
          out.write(body);
          out.flush();
          int r = readResponse(in);
          int status = Math.abs(r);
          long micros = (System.nanoTime() - t0) / 1000;
          boolean m = measuring;
          if (status == 200) {
            ok.increment();
            if (m) synchronized (histLock) { latencyHist[(int) Math.min(latencyHist.length - 1, micros / 100)]++; }
          } else if (status == 429 || status == 503) {
            refused.increment();
            Thread.sleep(50);
          } else {
            errors.increment();
            Thread.sleep(50);
          }
          if (r < 0) break;
        }
      } catch (IOException | InterruptedException e) {
        errors.increment();
        try { Thread.sleep(100); } catch (InterruptedException ie) { return; }
      }
    }
  }

  /** Reads one response; returns its status, or -1 when the server will close the connection. */
  static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) throw new EOFException();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    long length = -1;
    boolean chunked = false, close = false;
    String h;
    while ((h = line(in)) != null && !h.isEmpty()) {
      int c = h.indexOf(':');
      if (c < 0) continue;
      String name = h.substring(0, c).trim(), value = h.substring(c + 1).trim();
      if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
      else if (name.equalsIgnoreCase("transfer-encoding")) chunked = value.toLowerCase().contains("chunked");
      else if (name.equalsIgnoreCase("connection")) close = value.equalsIgnoreCase("close");
    }
    if (chunked) {
      while (true) {
        String size = line(in);
        int semi = size.indexOf(';');
        int len = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (len == 0) { while ((h = line(in)) != null && !h.isEmpty()) { } break; }
        in.skipNBytes(len);
        line(in);
      }
    } else if (length > 0) {
      in.skipNBytes(length);
    }
    return close ? -status : status;
  }

  static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
        return sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  // ------------------------------------------------------------------ request

  static ExportTraceServiceRequest build(int spans, String content) throws Exception {
    boolean secrets = content.equals("secrets10pct");
    if (spans == 500) {
      try {
        Class<?> corpusClass = Class.forName("io.tracewarden.benchmarks.Corpus");
        Class<?> bench = Class.forName("io.tracewarden.benchmarks.PipelineCostBenchmark");
        var ctor = corpusClass.getDeclaredConstructor(long.class);
        ctor.setAccessible(true);
        Object corpus = ctor.newInstance(secrets ? 8L : 7L);
        var m = bench.getDeclaredMethod("request", corpusClass, boolean.class);
        m.setAccessible(true);
        System.err.println("loadgen: request from PipelineCostBenchmark (benchmarks.jar)");
        return (ExportTraceServiceRequest) m.invoke(null, corpus, secrets);
      } catch (ClassNotFoundException notThere) {
        // fall through to the built-in generator
      }
    }
    System.err.println("loadgen: built-in request generator");
    Random rnd = new Random(secrets ? 8 : 7);
    String[] words = ("the function returns a list of orders for the customer and then we update "
        + "cache entries read file src main java service handler retry timeout value config "
        + "parse json request response user message tool output result build test").split(" ");
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
        .setName("opentelemetry.instrumentation.openai_v2").setVersion("2.1b0"));
    byte[] traceId = new byte[16];
    for (int i = 0; i < spans; i++) {
      if (i % 25 == 0) rnd.nextBytes(traceId);
      byte[] id = new byte[8];
      rnd.nextBytes(id);
      StringBuilder text = new StringBuilder();
      while (text.length() < 380) text.append(words[rnd.nextInt(words.length)]).append(' ');
      if (secrets && i % 10 == 0) text.append("export AWS_ACCESS_KEY_ID=AKIA")
          .append(String.format("%016X", rnd.nextLong()).substring(0, 16)).append(' ');
      String in = "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"" + text + "\"}]}]";
      text.setLength(0);
      while (text.length() < 420) text.append(words[rnd.nextInt(words.length)]).append(' ');
      String outMsg = "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_"
          + i + "\",\"name\":\"run_shell\",\"arguments\":{\"command\":\"ls -la src\"}},"
          + "{\"type\":\"text\",\"content\":\"" + text + "\"}],\"finish_reason\":\"stop\"}]";
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFrom(id)).setName("chat gpt-4o")
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(1_764_000_000_000_000_000L + i * 1_000_000L)
          .setEndTimeUnixNano(1_764_000_000_850_000_000L + i * 1_000_000L)
          .addAttributes(kv("gen_ai.operation.name", "chat"))
          .addAttributes(kv("gen_ai.provider.name", "openai"))
          .addAttributes(kv("gen_ai.request.model", "gpt-4o-2024-08-06"))
          .addAttributes(kv("gen_ai.input.messages", in))
          .addAttributes(kv("gen_ai.output.messages", outMsg)));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "coding-agent")))
        .addScopeSpans(scope)).build();
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }
}
