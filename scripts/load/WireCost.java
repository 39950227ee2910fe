// What proposal 1 in docs/benchmarks.md ("forward the received bytes") would save, on one thread:
// decode only, decode + re-encode of a 4-request (2,000-span) batch as today, and decode + byte
// concatenation of the 4 bodies. PipelineCostBenchmark's request (needs benchmarks.jar).
//
//   java -cp benchmarks/target/benchmarks.jar:agent/target/tracewarden.jar \
//        scripts/load/WireCost.java [seconds-per-case]
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import com.google.protobuf.CodedInputStream;

public class WireCost {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Class<?> corpusClass = Class.forName("io.tracewarden.benchmarks.Corpus");
    var ctor = corpusClass.getDeclaredConstructor(long.class);
    ctor.setAccessible(true);
    var m = Class.forName("io.tracewarden.benchmarks.PipelineCostBenchmark")
        .getDeclaredMethod("request", corpusClass, boolean.class);
    m.setAccessible(true);
    byte[] body = ((ExportTraceServiceRequest) m.invoke(null, ctor.newInstance(7L), false))
        .toByteArray();
    for (int round = 0; round < 2; round++) {
      for (String c : new String[] {"decode", "decode+encode", "decode+concat"}) {
        long n = 0, sink = 0, end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
          ExportTraceServiceRequest.Builder merged = ExportTraceServiceRequest.newBuilder();
          byte[][] parts = new byte[4][];
          for (int i = 0; i < 4; i++) {
            CodedInputStream in = CodedInputStream.newInstance(body);
            ExportTraceServiceRequest r = ExportTraceServiceRequest.newBuilder().mergeFrom(in).build();
            merged.addAllResourceSpans(r.getResourceSpansList());
            parts[i] = body;
          }
          if (c.equals("decode+encode")) {
            sink += merged.build().toByteArray().length;
          } else if (c.equals("decode+concat")) {
            byte[] out = new byte[body.length * 4];
            for (int i = 0; i < 4; i++) System.arraycopy(parts[i], 0, out, i * body.length, body.length);
            sink += out.length;
          }
          n += 4;
        }
        double s = (System.nanoTime() - start) / 1e9;
        if (round == 1) System.out.printf("%-14s %8.0f req/s %10.0f spans/s (%d)%n", c, n / s, n * 500 / s, sink & 1);
      }
    }
  }
}
