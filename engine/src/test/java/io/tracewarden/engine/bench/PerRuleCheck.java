package io.tracewarden.engine.bench;

import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Time of each rule alone on a trace sample: finds the expensive rules (not run by the build). */
public final class PerRuleCheck {
  private PerRuleCheck() {}

  public static void main(String[] args) throws Exception {
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 64 << 10;
    List<Rule> rules = new ArrayList<>(Rules.builtin());
    if (args.length > 0 && !args[0].equals("-")) {
      rules.addAll(Rules.fromGitleaksToml(Path.of(args[0])).rulesWithGlobalAllowlist());
    }
    String trace = PerfCheck.trace(size, 7);
    String clean = PerfCheck.clean(size);
    List<String> out = new ArrayList<>();
    for (Rule rule : rules) {
      SecretEngine e = SecretEngine.builder().addRule(rule).fingerprintKey(new byte[32]).build();
      double t = time(e, trace);
      double c = time(e, clean);
      out.add(String.format("%10.3f %10.3f %s", t, c, rule.id()));
    }
    out.sort((a, b) -> Double.compare(Double.parseDouble(b.substring(0, 10).trim()),
        Double.parseDouble(a.substring(0, 10).trim())));
    System.out.println("  trace-ms   clean-ms rule");
    out.stream().limit(args.length > 2 ? Integer.parseInt(args[2]) : 40)
        .forEach(System.out::println);
  }

  static double time(SecretEngine e, String s) {
    e.scan(s);
    long t0 = System.nanoTime();
    int n = 0;
    do {
      e.scan(s);
      n++;
    } while (System.nanoTime() - t0 < 50_000_000L && n < 50);
    return (System.nanoTime() - t0) / 1e6 / n;
  }
}
