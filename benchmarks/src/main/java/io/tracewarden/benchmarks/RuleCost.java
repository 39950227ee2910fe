package io.tracewarden.benchmarks;

import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the engine's time goes on the benchmark inputs: scans each input with one single-rule
 * engine per built-in rule and prints the slowest rules. A rough tool for finding hotspots, not a
 * benchmark: {@code java -cp benchmarks/target/benchmarks.jar io.tracewarden.benchmarks.RuleCost}.
 */
public final class RuleCost {

  private RuleCost() {}

  public static void main(String[] args) {
    String clean = new Corpus(20261125L).cleanText(EngineBenchmark.SIZE);
    String trace = new Corpus(20261126L).realisticTrace(EngineBenchmark.SIZE,
        EngineBenchmark.BYTES_PER_SECRET);
    report("clean text", clean);
    report("realistic trace", trace);
  }

  private static void report(String name, String text) {
    record Cost(String rule, double ms) {}
    List<Cost> costs = new ArrayList<>();
    SecretEngine none = SecretEngine.builder().addRule(rulePlaceholder())
        .fingerprintKey(new byte[32]).build();
    SecretEngine all = SecretEngine.builder().addRules(Rules.builtin())
        .fingerprintKey(new byte[32]).build();
    for (int i = 0; i < 5; i++) {
      time(none, text);
    }
    double full = time(all, text);
    double base = time(none, text);
    SecretEngine noDecoders = SecretEngine.builder().addRules(Rules.builtin())
        .decoders(false, false, false).fingerprintKey(new byte[32]).build();
    SecretEngine noneNoDecoders = SecretEngine.builder().addRules(List.of(rulePlaceholder()))
        .decoders(false, false, false).fingerprintKey(new byte[32]).build();
    time(noDecoders, text);
    time(noneNoDecoders, text);
    System.out.printf("%s: whole pack %.1f ms/MB, without decoders %.1f ms/MB, automaton only "
        + "(one never-hit rule, no decoders) %.1f ms/MB%n", name, full, time(noDecoders, text),
        time(noneNoDecoders, text));
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    List<java.util.Map.Entry<String, Integer>> hits = new ArrayList<>();
    for (String k : Corpus.keywordsOf(Rules.builtin())) {
      int n = 0;
      for (int i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + 1)) {
        n++;
      }
      hits.add(java.util.Map.entry(k, n));
    }
    hits.sort((a, b) -> b.getValue() - a.getValue());
    System.out.println("  most frequent keywords: " + hits.subList(0, 12));
    for (Rule rule : Rules.builtin()) {
      SecretEngine one = SecretEngine.builder().addRule(rule).fingerprintKey(new byte[32]).build();
      costs.add(new Cost(rule.id(), time(one, text) - base));
    }
    costs.sort((a, b) -> Double.compare(b.ms, a.ms));
    double total = costs.stream().mapToDouble(Cost::ms).sum();
    System.out.printf("%s: one-rule baseline (automaton + decoders) %.1f ms/MB; "
        + "sum over rules beyond it %.1f ms/MB%n", name, base, total);
    costs.stream().limit(12).forEach(c -> System.out.printf("  %-40s %8.1f ms%n", c.rule, c.ms));
  }

  /** A rule whose keyword never occurs: its engine costs the automaton (and decoders). */
  private static Rule rulePlaceholder() {
    return Rule.of("never", io.tracewarden.engine.Severity.LOW, "\\x00never\\x00",
        List.of("\u0000never"));
  }

  /** Best of 3 wall-clock scans, in ms. */
  private static double time(SecretEngine engine, String text) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      engine.scan(text);
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
    }
    return best;
  }
}
