package io.tracewarden.benchmarks;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Two builds of the engine in one JVM, scans alternating, for a before/after of an engine change:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tracewarden.benchmarks.EngineAb \
 *     BEFORE_CLASSES AFTER_CLASSES clean|trace|spans SECONDS
 * </pre>
 *
 * <p>{@code clean} and {@code trace} are {@link EngineBenchmark}'s inputs; {@code spans} is every
 * string of {@link PipelineCostBenchmark}'s request, one scan each, as the processor sees them.
 * {@code *_CLASSES}: an engine's {@code target/classes} directory, each loaded by its own class
 * loader ahead of this jar. Alternating scans see the same machine, so a change of load between
 * two JMH runs cannot pass for a change of speed. What remains is the JIT: a JVM settles into one
 * of a few compiled shapes of the scan loop, and two runs of the same build differ by up to ±5 %,
 * so compare the mean of several runs. Prints the median thread CPU time of a scan of each as
 * MB/s and after/before.
 */
public final class EngineAb {

  private EngineAb() {}

  public static void main(String[] args) throws Throwable {
    if (args.length != 4) {
      System.err.println("usage: EngineAb BEFORE_CLASSES AFTER_CLASSES clean|trace|spans SECONDS");
      System.exit(2);
    }
    List<String> texts = switch (args[2]) {
      case "clean" -> List.of(new Corpus(EngineBenchmark.SEED).cleanText(EngineBenchmark.SIZE));
      case "trace" -> List.of(new Corpus(EngineBenchmark.SEED + 1).realisticTrace(EngineBenchmark.SIZE,
          EngineBenchmark.BYTES_PER_SECRET));
      default -> spanStrings();
    };
    long chars = texts.stream().mapToLong(String::length).sum();
    MethodHandle before = scanOf(args[0]);
    MethodHandle after = scanOf(args[1]);
    for (int i = 0; i < 100; i++) {
      scanAll(before, texts);
      scanAll(after, texts);
    }
    com.sun.management.ThreadMXBean cpu =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<Long> beforeNanos = new ArrayList<>();
    List<Long> afterNanos = new ArrayList<>();
    long end = System.nanoTime() + (long) (Double.parseDouble(args[3]) * 1e9);
    for (boolean beforeFirst = true; System.nanoTime() < end; beforeFirst = !beforeFirst) {
      for (int k = 0; k < 2; k++) {
        boolean isBefore = (k == 0) == beforeFirst;
        long t0 = cpu.getCurrentThreadCpuTime();
        scanAll(isBefore ? before : after, texts);
        (isBefore ? beforeNanos : afterNanos).add(cpu.getCurrentThreadCpuTime() - t0);
      }
    }
    long b = median(beforeNanos);
    long a = median(afterNanos);
    System.out.printf("%s: before %.1f MB/s, after %.1f MB/s, after/before %.3f (%d scans each)%n",
        args[2], chars * 1e3 / b, chars * 1e3 / a, (double) b / a,
        beforeNanos.size());
  }

  private static void scanAll(MethodHandle scan, List<String> texts) throws Throwable {
    for (String text : texts) {
      Object unused = scan.invoke(text);
    }
  }

  private static List<String> spanStrings() {
    List<String> strings = new ArrayList<>();
    for (Span span : PipelineCostBenchmark.request(PipelineCostBenchmark.corpus(false), false)
        .getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      strings.add(span.getName());
      for (KeyValue kv : span.getAttributesList()) {
        if (kv.getValue().hasStringValue()) {
          strings.add(kv.getValue().getStringValue());
        }
      }
    }
    return strings;
  }

  /** {@code SecretEngine.scan} of an engine with the built-in pack, from {@code classes}. */
  private static MethodHandle scanOf(String classes) throws Exception {
    URL jar = EngineAb.class.getProtectionDomain().getCodeSource().getLocation();
    URLClassLoader loader = new URLClassLoader(
        new URL[] {new File(classes).toURI().toURL(), jar}, null);
    Class<?> engineClass = loader.loadClass("io.tracewarden.engine.SecretEngine");
    Object builder = engineClass.getMethod("builder").invoke(null);
    Class<?> builderClass = builder.getClass();
    builderClass.getMethod("addRules", Collection.class).invoke(builder,
        loader.loadClass("io.tracewarden.engine.Rules").getMethod("builtin").invoke(null));
    builderClass.getMethod("fingerprintKey", byte[].class).invoke(builder, (Object) new byte[32]);
    Object engine = builderClass.getMethod("build").invoke(builder);
    Method scan = engineClass.getMethod("scan", String.class);
    return MethodHandles.lookup().unreflect(scan).bindTo(engine);
  }

  private static long median(List<Long> nanos) {
    Collections.sort(nanos);
    return nanos.get(nanos.size() / 2);
  }
}
