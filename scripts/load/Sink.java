// OTLP/HTTP sink for load tests: accepts POST /v1/traces (also /v1/logs, /v1/metrics) over
// HTTP/1.1 keep-alive on loopback, answers 200 with an empty protobuf body, and counts spans by
// walking the protobuf wire format (ExportTraceServiceRequest.resource_spans(1) ->
// ResourceSpans.scope_spans(2) -> ScopeSpans.spans(2)) without decoding anything else.
// GET /stats answers "requests spans bytes bad" (cumulative). JDK only, one thread per connection.
//
//   java scripts/load/Sink.java <port> [bind-address]
//
// An HTTP/2 prior-knowledge preface ("PRI * HTTP/2.0", which Armeria's client tries first on
// http:// URLs) is answered by closing the connection, so clients fall back to HTTP/1.1.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

public class Sink {
  static final LongAdder requests = new LongAdder(), spans = new LongAdder(),
      bytes = new LongAdder(), bad = new LongAdder(), h2Refused = new LongAdder();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String bind = args.length > 1 ? args[1] : "127.0.0.1";
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 128);
    System.err.println("sink listening on " + bind + ":" + server.getLocalPort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(
        "sink totals: requests=" + requests.sum() + " spans=" + spans.sum() + " bytes="
            + bytes.sum() + " bad=" + bad.sum() + " h2_prefaces_refused=" + h2Refused.sum())));
    while (true) {
      Socket s = server.accept();
      Thread t = new Thread(() -> serve(s), "sink-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  static void serve(Socket s) {
    byte[] buf = new byte[1 << 20];
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 4096);
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) return;
        if (requestLine.startsWith("PRI ")) { h2Refused.increment(); return; }
        long length = -1;
        boolean chunked = false;
        String h;
        while ((h = line(in)) != null && !h.isEmpty()) {
          int c = h.indexOf(':');
          if (c < 0) continue;
          String name = h.substring(0, c).trim();
          String value = h.substring(c + 1).trim();
          if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
          if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase().contains("chunked")) chunked = true;
        }
        if (h == null) return;
        if (requestLine.startsWith("GET /stats")) {
          byte[] body = (requests.sum() + " " + spans.sum() + " " + bytes.sum() + " " + bad.sum()
              + "\n").getBytes(StandardCharsets.US_ASCII);
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
              + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
          continue;
        }
        byte[] body;
        int n;
        if (chunked) {
          ByteArrayOutputStream acc = new ByteArrayOutputStream(1 << 20);
          while (true) {
            String size = line(in);
            if (size == null) return;
            int semi = size.indexOf(';');
            int len = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (len == 0) { while ((h = line(in)) != null && !h.isEmpty()) { } break; }
            byte[] chunk = in.readNBytes(len);
            if (chunk.length < len) return;
            acc.write(chunk);
            line(in);
          }
          body = acc.toByteArray();
          n = body.length;
        } else {
          if (length < 0) length = 0;
          if (length > buf.length) buf = new byte[(int) Math.max(length, buf.length * 2L)];
          n = in.readNBytes(buf, 0, (int) length);
          if (n < length) return;
          body = buf;
        }
        long count = requestLine.startsWith("POST /v1/traces") ? countSpans(body, 0, n) : 0;
        requests.increment();
        bytes.add(n);
        if (count < 0) {
          bad.increment();
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          spans.add(count);
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
              + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // connection closed or garbage: drop it
    }
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
      if (sb.length() > 16384) throw new IOException("line too long");
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  // ---- protobuf wire walking; returns -1 on malformed input

  /** Spans in an ExportTraceServiceRequest in b[from, to). */
  static long countSpans(byte[] b, int from, int to) {
    long total = 0;
    int[] p = {from};
    while (p[0] < to) {
      long tag = varint(b, p, to);
      if (tag < 0) return -1;
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      if (field == 1 && wire == 2) {            // resource_spans
        long len = varint(b, p, to);
        if (len < 0 || p[0] + len > to) return -1;
        long c = countInResourceSpans(b, p[0], (int) (p[0] + len));
        if (c < 0) return -1;
        total += c;
        p[0] += (int) len;
      } else if (!skip(b, p, to, wire)) return -1;
    }
    return total;
  }

  static long countInResourceSpans(byte[] b, int from, int to) {
    long total = 0;
    int[] p = {from};
    while (p[0] < to) {
      long tag = varint(b, p, to);
      if (tag < 0) return -1;
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      if (field == 2 && wire == 2) {            // scope_spans
        long len = varint(b, p, to);
        if (len < 0 || p[0] + len > to) return -1;
        long c = countInScopeSpans(b, p[0], (int) (p[0] + len));
        if (c < 0) return -1;
        total += c;
        p[0] += (int) len;
      } else if (!skip(b, p, to, wire)) return -1;
    }
    return total;
  }

  static long countInScopeSpans(byte[] b, int from, int to) {
    long total = 0;
    int[] p = {from};
    while (p[0] < to) {
      long tag = varint(b, p, to);
      if (tag < 0) return -1;
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      if (field == 2 && wire == 2) total++;     // spans
      if (!skip(b, p, to, wire)) return -1;
    }
    return total;
  }

  static boolean skip(byte[] b, int[] p, int to, int wire) {
    switch (wire) {
      case 0: return varint(b, p, to) >= 0;
      case 1: p[0] += 8; return p[0] <= to;
      case 2: { long len = varint(b, p, to); if (len < 0 || p[0] + len > to) return false; p[0] += (int) len; return true; }
      case 5: p[0] += 4; return p[0] <= to;
      default: return false;
    }
  }

  static long varint(byte[] b, int[] p, int to) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p[0] >= to) return -1;
      byte x = b[p[0]++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) return v;
    }
    return -1;
  }
}
