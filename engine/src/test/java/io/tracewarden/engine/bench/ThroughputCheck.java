package io.tracewarden.engine.bench;

import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rough single-thread throughput check (not a JMH benchmark, not run by the build):
 * {@code java -cp ... io.tracewarden.engine.bench.ThroughputCheck [gitleaks.toml]}.
 */
public final class ThroughputCheck {

  private ThroughputCheck() {}

  public static void main(String[] args) throws Exception {
    List<io.tracewarden.engine.Rule> rules = new ArrayList<>(Rules.builtin());
    if (args.length > 0) {
      rules.addAll(Rules.load(Path.of(args[0])));
    }
    SecretEngine engine = SecretEngine.builder().addRules(rules)
        .fingerprintKey(new byte[32]).build();
    Random r = new Random(1);
    String[] words = {"the", "model", "considered", "several", "options", "before", "answering",
        "question", "because", "reasoning", "about", "function", "returns", "value", "user"};
    StringBuilder clean = new StringBuilder();
    while (clean.length() < 8 << 20) {
      clean.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? ".\n" : " ");
    }
    StringBuilder trace = new StringBuilder();
    String[] secrets = {"aws_access_key_id = AKIAZ3MBQXNUV7R2LK4D",
        "password: \"Zq8#rT2!vL9p\"", "Authorization: Bearer sk-proj-abcdEFGH1234ijklMNOP5678qrstUVWX9012yzab",
        "export SLACK=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"};
    while (trace.length() < 8 << 20) {
      int start = trace.length();
      while (trace.length() - start < 1000) {
        trace.append(words[r.nextInt(words.length)]).append(' ');
      }
      trace.append(secrets[r.nextInt(secrets.length)]).append('\n');
    }
    System.out.println("rules=" + engine.ruleCount());
    measure("clean", engine, clean.toString());
    measure("trace ~1 secret/KB", engine, trace.toString());
  }

  private static void measure(String name, SecretEngine engine, String text) {
    int findings = 0;
    for (int i = 0; i < 5; i++) {
      findings = engine.scan(text).size();
    }
    long t0 = System.nanoTime();
    int rounds = 10;
    for (int i = 0; i < rounds; i++) {
      engine.scan(text);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s: %.0f MB/s (findings=%d)%n", name,
        rounds * text.length() / 1e6 / secs, findings);
  }
}
