package io.tracewarden.benchmarks;

import io.tracewarden.engine.Finding;
import io.tracewarden.engine.Redaction;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw speed of {@link SecretEngine} with the whole built-in pack, single-threaded.
 *
 * <p>Every input is exactly {@value #SIZE} ASCII chars = 1 MB (10^6 bytes) and one operation
 * scans (or redacts) it once, so the score in ops/s <em>is</em> the throughput in MB/s per core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EngineBenchmark {

  static final int SIZE = 1_000_000;
  /** One planted secret per this many bytes of trace text. */
  static final int BYTES_PER_SECRET = 1024;
  /** Seed of the clean text; the trace's is the next one. */
  static final long SEED = 20261125L;

  SecretEngine engine;
  String clean;
  String trace;
  int planted;

  @Setup(Level.Trial)
  public void setUp() {
    engine = SecretEngine.builder().addRules(Rules.builtin()).fingerprintKey(new byte[32]).build();

    Corpus cleanCorpus = new Corpus(SEED);
    clean = cleanCorpus.cleanText(SIZE);
    int keywordHits = cleanCorpus.countKeywordHits(clean);
    List<Finding> cleanFindings = engine.scan(clean);
    System.out.printf("%n[setup] rules=%d; clean text: %d chars, %d keyword hits, %d findings "
            + "(%d vocabulary words dropped, %d generated lines rejected for keywords)%n",
        engine.ruleCount(), clean.length(), keywordHits, cleanFindings.size(),
        cleanCorpus.droppedWords, cleanCorpus.rejectedLines);
    check(keywordHits == 0 && cleanFindings.isEmpty(), "clean text must hold no keyword");

    Corpus traceCorpus = new Corpus(SEED + 1);
    trace = traceCorpus.realisticTrace(SIZE, BYTES_PER_SECRET);
    planted = traceCorpus.planted.size();
    Redaction redaction = engine.redact(trace);
    long survivors = traceCorpus.planted.stream().filter(redaction.text()::contains).count();
    System.out.printf("[setup] realistic trace: %d chars, %d keyword hits, %d secrets planted, "
            + "%d findings, %d planted secrets not masked%n",
        trace.length(), traceCorpus.countKeywordHits(trace), planted,
        redaction.findings().size(), survivors);
    check(survivors == 0, "every planted secret must be masked");
    int found = redaction.findings().size();
    check(found >= planted && found <= planted * 1.05,
        "findings must be within 5% of the planted count");
  }

  /** ~1 MB of prose, code and logs without a single keyword hit: the automaton alone. */
  @Benchmark
  public List<Finding> cleanText() {
    return engine.scan(clean);
  }

  /** ~1 MB of agent-trace text with about one secret per KB. */
  @Benchmark
  public List<Finding> realisticTrace() {
    return engine.scan(trace);
  }

  /** As {@link #realisticTrace()}, plus building the masked copy. */
  @Benchmark
  public Redaction redactRealistic() {
    return engine.redact(trace);
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("benchmark input is not as intended: " + what);
    }
  }
}
