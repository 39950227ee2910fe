package io.tracewarden.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracewarden.engine.Finding;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Recall and false positives of the built-in pack over a labelled corpus of synthetic agent traces
 * ({@code src/test/resources/corpus}). {@code labels.json} lists, per file, the exact secret strings
 * (as they appear in the raw file, e.g. a JSON-escaped PEM block) and hard-negative tokens (UUIDs,
 * git SHAs, sha256/sha512 digests, trace/span ids, base64 images, placeholders).
 *
 * <ul>
 *   <li><b>Recall</b> = labelled secret occurrences whose span is fully covered by a single finding
 *       / all labelled secret occurrences.
 *   <li><b>False positive</b> = a finding that overlaps no labelled secret occurrence. <b>FP
 *       rate</b> = false positives / labelled hard-negative occurrences. Any spurious finding
 *       counts, whether or not it hits a labelled negative.
 *   <li><b>Hard negatives hit</b> = labelled hard-negative occurrences overlapped by any finding.
 * </ul>
 * Each file is scanned as one string, as an attribute value would be.
 */
class CorpusTest {

  private static final double MIN_RECALL = 0.99;
  private static final double MAX_FP_RATE = 0.005;

  private static final SecretEngine ENGINE =
      SecretEngine.builder().addRules(Rules.builtin()).fingerprintKey(new byte[32]).build();

  @Test
  void recallAndFalsePositiveRate() throws IOException {
    JsonNode files = new ObjectMapper().readTree(resource("labels.json")).path("files");
    assertThat(files.size()).isGreaterThan(0);
    int secrets = 0;
    int covered = 0;
    int negatives = 0;
    int negativesHit = 0;
    int falsePositives = 0;
    Map<String, int[]> perFile = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String text = new String(resource(name), StandardCharsets.UTF_8);
      List<Finding> findings = ENGINE.scan(text);
      List<int[]> secretSpans = spans(text, e.getValue().path("secrets"), name, problems);
      List<int[]> negativeSpans = spans(text, e.getValue().path("negatives"), name, problems);
      int fileCovered = 0;
      for (int[] s : secretSpans) {
        boolean ok = findings.stream().anyMatch(f -> f.start() <= s[0] && f.end() >= s[1]);
        if (ok) {
          fileCovered++;
        } else {
          problems.add(name + ": MISSED secret at [" + s[0] + "," + s[1] + ") "
              + redacted(text, s) + " found=" + overlapping(findings, s));
        }
      }
      int fileFp = 0;
      for (Finding f : findings) {
        boolean real = secretSpans.stream().anyMatch(s -> f.start() < s[1] && s[0] < f.end());
        if (!real) {
          fileFp++;
          problems.add(name + ": FALSE POSITIVE " + f.ruleId() + " [" + f.start() + "," + f.end()
              + ") " + snippet(text, f.start(), f.end()));
        }
      }
      int fileNegHit = 0;
      for (int[] n : negativeSpans) {
        if (findings.stream().anyMatch(f -> f.start() < n[1] && n[0] < f.end())) {
          fileNegHit++;
        }
      }
      secrets += secretSpans.size();
      covered += fileCovered;
      negatives += negativeSpans.size();
      negativesHit += fileNegHit;
      falsePositives += fileFp;
      perFile.put(name, new int[] {secretSpans.size(), fileCovered, negativeSpans.size(),
          fileNegHit, fileFp});
    }
    double recall = secrets == 0 ? 0 : (double) covered / secrets;
    double fpRate = negatives == 0 ? 1 : (double) falsePositives / negatives;

    StringBuilder table = new StringBuilder(String.format("%n%-26s %8s %8s %9s %8s %6s%n",
        "file", "secrets", "covered", "negatives", "neg-hit", "FP"));
    perFile.forEach((f, v) -> table.append(String.format("%-26s %8d %8d %9d %8d %6d%n",
        f, v[0], v[1], v[2], v[3], v[4])));
    table.append(String.format("%-26s %8d %8d %9d %8d %6d%n", "TOTAL", secrets, covered,
        negatives, negativesHit, falsePositives));
    table.append(String.format("recall = %.4f (min %.2f)   FP rate = %d / %d = %.4f (max %.3f)%n",
        recall, MIN_RECALL, falsePositives, negatives, fpRate, MAX_FP_RATE));
    problems.forEach(p -> table.append("  ").append(p).append('\n'));
    System.out.println(table);

    assertThat(secrets).as("labelled secrets").isGreaterThanOrEqualTo(150);
    assertThat(negatives).as("labelled hard negatives").isGreaterThanOrEqualTo(500);
    assertThat(recall).as("recall%s", table).isGreaterThanOrEqualTo(MIN_RECALL);
    assertThat(fpRate).as("false-positive rate%s", table).isLessThanOrEqualTo(MAX_FP_RATE);
  }

  /** Every occurrence of every listed string in {@code text}. */
  private static List<int[]> spans(String text, JsonNode values, String file,
      List<String> problems) {
    List<int[]> out = new ArrayList<>();
    for (JsonNode v : values) {
      String s = v.asText();
      int at = text.indexOf(s);
      if (at < 0) {
        problems.add(file + ": label not found in file (" + s.length() + " chars)");
      }
      while (at >= 0) {
        out.add(new int[] {at, at + s.length()});
        at = text.indexOf(s, at + 1);
      }
    }
    return out;
  }

  private static String overlapping(List<Finding> findings, int[] s) {
    StringBuilder b = new StringBuilder("[");
    for (Finding f : findings) {
      if (f.start() < s[1] && s[0] < f.end()) {
        b.append(f.ruleId()).append('[').append(f.start()).append(',').append(f.end()).append(")");
      }
    }
    return b.append(']').toString();
  }

  /** Context around a labelled secret with the secret itself elided (it is fake, but still). */
  private static String redacted(String text, int[] s) {
    int from = Math.max(0, s[0] - 40);
    return "\"" + text.substring(from, s[0]).replace('\n', ' ') + "<" + (s[1] - s[0])
        + " chars>\"";
  }

  private static String snippet(String text, int start, int end) {
    int from = Math.max(0, start - 30);
    int to = Math.min(text.length(), Math.min(end, start + 40) + 10);
    return "\"" + text.substring(from, to).replace('\n', ' ') + "\"";
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + name)) {
      assertThat(in).as("corpus resource %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
