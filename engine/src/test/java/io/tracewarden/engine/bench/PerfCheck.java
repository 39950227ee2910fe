package io.tracewarden.engine.bench;

import io.tracewarden.engine.Rule;
import io.tracewarden.engine.RuleExamples;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rough single-thread throughput check on ~1 MB inputs (not JMH, not run by the build):
 * {@code java -cp ... io.tracewarden.engine.bench.PerfCheck [gitleaks.toml] [seconds]}.
 *
 * <p>Inputs: "clean" prose/code without keyword hits of the built-in pack; "trace": a realistic
 * agent trace (JSONL chat messages with escaped newlines, tool outputs, stack traces, UUIDs,
 * hashes, URLs) with about one secret per KB, the secrets taken from the built-in rules'
 * positive examples.
 */
public final class PerfCheck {

  private PerfCheck() {}

  static final String[] PROSE = {"the", "model", "considered", "several", "options", "before",
      "answering", "question", "because", "reasoning", "about", "function", "returns", "value",
      "user", "request", "file", "directory", "we", "should", "check", "whether", "this",
      "works", "then", "run", "tests", "again", "output", "shows", "error", "in", "line",
      "import", "class", "method", "called", "with", "argument", "result", "looks", "correct",
      "next", "step", "is", "to", "update", "configuration", "and", "restart", "service",
      "let", "me", "look", "at", "logs", "first", "it", "seems", "like", "problem", "here"};
  // Words that hit keywords of the built-in pack: realistic agent prose is full of them.
  static final String[] HOT = {"token", "key", "password", "secret", "api", "auth",
      "session", "bearer", "curl", "https://example.org/docs", "path", "task", "back", "each",
      "access", "credentials", "private", "account", "bot", "slack", "github", "azure",
      "openai", "stripe", "database", "connection", "server", "host", "patch", "ask",
      "security", "storage", "client_id", "apikey", "pwd", "config.json", "oracle", "kafka"};

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    List<Rule> rules = new ArrayList<>(Rules.builtin());
    SecretEngine builtin = SecretEngine.builder().addRules(rules)
        .fingerprintKey(new byte[32]).build();
    String clean = clean(1 << 20);
    String trace = trace(1 << 20, 7);
    System.out.printf("rules=%d clean=%d chars, trace=%d chars%n", builtin.ruleCount(),
        clean.length(), trace.length());
    measure("builtin clean", builtin, clean, seconds);
    measure("builtin trace", builtin, trace, seconds);
    if (args.length > 0 && !args[0].equals("-")) {
      rules.addAll(Rules.fromGitleaksToml(Path.of(args[0])).rulesWithGlobalAllowlist());
      SecretEngine both = SecretEngine.builder().addRules(rules)
          .fingerprintKey(new byte[32]).build();
      System.out.printf("rules=%d%n", both.ruleCount());
      measure("builtin+gitleaks clean", both, clean, seconds);
      measure("builtin+gitleaks trace", both, trace, seconds);
    }
  }

  public static String clean(int size) {
    Random r = new Random(1);
    StringBuilder sb = new StringBuilder(size + 200);
    while (sb.length() < size) {
      int words = 8 + r.nextInt(20);
      for (int i = 0; i < words; i++) {
        sb.append(PROSE[r.nextInt(PROSE.length)]).append(i + 1 < words ? " " : ".\n");
      }
      if (r.nextInt(8) == 0) {
        sb.append("    return compute(value, result) + 42;\n");
      }
    }
    return sb.toString();
  }

  public static String trace(int size, long seed) {
    Random r = new Random(seed);
    List<String> secrets = new ArrayList<>();
    for (RuleExamples e : RuleExamples.builtinExamples()) {
      secrets.addAll(e.positive());
    }
    StringBuilder sb = new StringBuilder(size + 4096);
    int nextSecret = 1024;
    while (sb.length() < size) {
      StringBuilder part = new StringBuilder();
      switch (r.nextInt(6)) {
        case 0 -> prose(r, part, 30 + r.nextInt(60));
        case 1 -> {
          part.append("total 48\n");
          for (int i = 0; i < 6; i++) {
            part.append("-rw-r--r--  1 agent staff  ").append(r.nextInt(99999))
                .append(" Mar ").append(1 + r.nextInt(28)).append(" 12:0").append(r.nextInt(10))
                .append(" ").append(PROSE[r.nextInt(PROSE.length)]).append("_")
                .append(PROSE[r.nextInt(PROSE.length)]).append(".py\n");
          }
        }
        case 2 -> {
          part.append("Traceback (most recent call last):\n");
          for (int i = 0; i < 4; i++) {
            part.append("  File \"/usr/lib/python3.11/site-packages/app/")
                .append(PROSE[r.nextInt(PROSE.length)]).append(".py\", line ")
                .append(r.nextInt(900)).append(", in ").append(PROSE[r.nextInt(PROSE.length)])
                .append("\n    ").append(PROSE[r.nextInt(PROSE.length)]).append("(self, ")
                .append(PROSE[r.nextInt(PROSE.length)]).append(")\n");
          }
          part.append("KeyError: 'session_token'\n\tat io.app.Service.run(Service.java:")
              .append(r.nextInt(500)).append(")\n\tat java.base/java.lang.Thread.run(Thread.java:833)\n");
        }
        case 3 -> {
          part.append("{\"id\": \"").append(uuid(r)).append("\", \"sha\": \"").append(hex(r, 40))
              .append("\", \"created_at\": \"2024-05-0").append(1 + r.nextInt(9))
              .append("T10:22:31Z\", \"url\": \"https://api.example.com/v1/items?q=hello%20world&page=")
              .append(r.nextInt(9)).append("\", \"digest\": \"sha256:").append(hex(r, 64))
              .append("\", \"etag\": \"").append(b64(r, 28)).append("\"}\n");
        }
        case 4 -> {
          part.append("commit ").append(hex(r, 40)).append("\nAuthor: Dev <dev@example.com>\n")
              .append("Date:   Mon May 6 10:22:31 2024 +0200\n\n    fix ");
          prose(r, part, 8);
          part.append("\n");
        }
        default -> {
          part.append("$ grep -rn ").append(HOT[r.nextInt(HOT.length)]).append(" src/\n");
          for (int i = 0; i < 3; i++) {
            part.append("src/").append(PROSE[r.nextInt(PROSE.length)]).append(".ts:")
                .append(r.nextInt(300)).append(":  const ").append(PROSE[r.nextInt(PROSE.length)])
                .append(" = config.").append(HOT[r.nextInt(HOT.length)]).append(";\n");
          }
        }
      }
      if (sb.length() + part.length() >= nextSecret) {
        part.append(secrets.get(r.nextInt(secrets.size()))).append('\n');
        nextSecret += 1024;
      }
      if (r.nextBoolean()) {
        // a chat message in JSONL: content JSON-escaped
        sb.append("{\"role\":\"").append(r.nextBoolean() ? "assistant" : "tool")
            .append("\",\"content\":\"").append(jsonEscape(part)).append("\"}\n");
      } else {
        sb.append(part);
      }
    }
    return sb.toString();
  }

  static void prose(Random r, StringBuilder sb, int words) {
    for (int i = 0; i < words; i++) {
      String[] src = r.nextInt(6) == 0 ? HOT : PROSE;
      sb.append(src[r.nextInt(src.length)]).append(i % 15 == 14 ? ".\n" : " ");
    }
  }

  static String uuid(Random r) {
    return hex(r, 8) + "-" + hex(r, 4) + "-" + hex(r, 4) + "-" + hex(r, 4) + "-" + hex(r, 12);
  }

  static String hex(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append("0123456789abcdef".charAt(r.nextInt(16)));
    }
    return sb.toString();
  }

  static String b64(Random r, int n) {
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(a.charAt(r.nextInt(64)));
    }
    return sb.toString();
  }

  static String jsonEscape(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static void measure(String name, SecretEngine engine, String text, double seconds) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    int findings = engine.scan(text).size();
    long warmEnd = System.nanoTime() + (long) (seconds * 0.4e9);
    while (System.nanoTime() < warmEnd) {
      engine.scan(text);
    }
    // Thread CPU time as well as wall time: the wall figure is meaningless on a busy machine.
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    int rounds = 0;
    long t;
    do {
      engine.scan(text);
      rounds++;
      t = System.nanoTime();
    } while (t < end);
    double secs = (t - t0) / 1e9;
    double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
    double mb = (double) rounds * text.length() / 1e6;
    System.out.printf("%-24s %8.1f MB/s cpu %8.1f MB/s wall (findings=%d, rounds=%d)%n", name,
        mb / cpu, mb / secs, findings, rounds);
  }
}
