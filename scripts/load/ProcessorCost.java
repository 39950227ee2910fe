import io.tracewarden.benchmarks.PipelineCostBenchmark;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the {@code secrets} processor's time goes, as thread CPU time per request of
 * {@code PipelineCostBenchmark} (500 GenAI spans). JMH's wall-clock scores swing by 2-5x when
 * other builds share the two cores; CPU time of the measuring thread moves far less, so the
 * differences between the steps below stay readable on a busy machine.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar scripts/load/ProcessorCost.java \
 *     [clean|secrets10pct] [rounds] [seconds per step]
 * </pre>
 *
 * Steps (a jar without some of them, e.g. an older build, measures the ones it has):
 * {@code decodeOnly}, {@code decodeAndWalk} (+ the visitor walk), {@code decodeAndScan} (+ the
 * engine on every string), {@code withSecrets} (the processor, plus the bytes to send). Prints
 * each round's ms per request and the median of the rounds.
 */
public final class ProcessorCost {

  private static final String[] STEPS = {"decodeOnly", "decodeAndWalk", "decodeAndScan",
      "withSecrets"};

  public static void main(String[] args) throws Exception {
    String content = args.length > 0 ? args[0] : "clean";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long stepNanos = (args.length > 2 ? Long.parseLong(args[2]) : 4) * 1_000_000_000L;

    PipelineCostBenchmark benchmark = new PipelineCostBenchmark();
    benchmark.content = content;
    benchmark.setUp();
    List<Method> steps = new ArrayList<>();
    for (String name : STEPS) {
      try {
        steps.add(PipelineCostBenchmark.class.getMethod(name));
      } catch (NoSuchMethodException e) {
        System.out.println("(no step " + name + " in this build)");
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] results = new double[steps.size()][rounds];
    // Round -1 warms the JIT up on every step first, so no step is measured while compiling.
    for (int round = -1; round < rounds; round++) {
      for (int s = 0; s < steps.size(); s++) {
        Method step = steps.get(s);
        long end = System.nanoTime() + (round < 0 ? 2 * stepNanos : stepNanos);
        long cpu = threads.getCurrentThreadCpuTime();
        int ops = 0;
        while (System.nanoTime() < end) {
          if (step.invoke(benchmark) == null) {
            throw new AssertionError(step.getName() + " returned nothing");
          }
          ops++;
        }
        double ms = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / ops;
        if (round >= 0) {
          results[s][round] = ms;
          System.out.printf("round %d  %-14s %7.3f ms/request (%d requests)%n", round,
              step.getName(), ms, ops);
        }
      }
    }
    System.out.printf("%n%s, median of %d rounds (CPU ms per 500-span request):%n", content,
        rounds);
    for (int s = 0; s < steps.size(); s++) {
      double[] sorted = results[s].clone();
      java.util.Arrays.sort(sorted);
      System.out.printf("  %-14s %7.3f%n", steps.get(s).getName(), sorted[rounds / 2]);
    }
    benchmark.tearDown();
  }
}
