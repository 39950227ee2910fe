package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracewarden.core.testing.Canaries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanAndRedactCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Multi-byte characters before the secret make byte and char offsets differ.
  private static final String ENV_FILE = "# Überschrift — résumé ✓\r\n"
      + "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN + "\r\n"
      + "DATABASE_URL=" + Canaries.POSTGRES_URL + "\r\n"
      + "GREETING=hello\r\n";

  @TempDir
  Path dir;

  private Map<String, String> environment() {
    return Map.of("TRACEWARDEN_FINGERPRINT_KEY", "a-test-key-of-enough-length");
  }

  @Test
  void jsonlReportsUtf8ByteOffsetsRuleSeverityAndFingerprintButNoValue() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("repo/config"));
    Files.writeString(tree.resolve(".env"), ENV_FILE);
    Files.writeString(dir.resolve("repo/clean.txt"), "nothing to see\n");
    Files.write(dir.resolve("repo/image.bin"), new byte[] {0, 1, 2, 'g', 'h', 'p', '_'});

    Cli.Result result = Cli.run(environment(), null, "scan", "--format", "jsonl",
        dir.resolve("repo").toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).doesNotContain(Canaries.GITHUB_TOKEN)
        .doesNotContain(Canaries.POSTGRES_PASSWORD);
    List<JsonNode> lines = result.out().lines().map(ScanAndRedactCommandTest::parse).toList();
    assertThat(lines).extracting(line -> line.get("rule").asText())
        .containsExactly("github-pat", "postgres-uri-password");
    byte[] bytes = ENV_FILE.getBytes(StandardCharsets.UTF_8);
    for (JsonNode line : lines) {
      assertThat(line.get("file").asText()).isEqualTo(tree.resolve(".env").toString());
      assertThat(line.get("severity").asText()).isIn("low", "medium", "high", "critical");
      assertThat(line.get("fingerprint").asText()).matches("[0-9a-f]{8}");
      assertThat(line.fieldNames()).toIterable()
          .containsExactly("file", "start", "end", "rule", "severity", "fingerprint");
    }
    assertThat(slice(bytes, lines.get(0))).isEqualTo(Canaries.GITHUB_TOKEN);
    assertThat(slice(bytes, lines.get(1))).isEqualTo(Canaries.POSTGRES_PASSWORD);
  }

  @Test
  void cleanInputExitsZeroAndErrorsExitTwo() throws Exception {
    Path clean = Files.writeString(dir.resolve("clean.txt"), "trace 4bf92f3577b34da6a3ce929d0e0e4736\n");
    assertThat(Cli.run(environment(), null, "scan", clean.toString()).exitCode()).isZero();
    Cli.Result missing = Cli.run(environment(), null, "scan", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file or directory");
  }

  @Test
  void textFormatNamesFileLineAndColumn() throws Exception {
    Path file = Files.writeString(dir.resolve("app.env"), ENV_FILE);
    Cli.Result result = Cli.run(environment(), null, "scan", file.toString());
    assertThat(result.out()).startsWith(file + ":2:14: github-pat (");
  }

  @Test
  void redactKeepsEveryByteOutsideTheSecrets() throws Exception {
    Path file = Files.writeString(dir.resolve("app.env"), ENV_FILE);
    Path out = dir.resolve("out");
    Cli.Result result = Cli.run(environment(), null, "redact", "--output-dir", out.toString(),
        file.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    String redacted = Files.readString(out.resolve("app.env"));
    assertThat(redacted).matches("(?s)# Überschrift — résumé ✓\r\n"
        + "GITHUB_TOKEN=\\[REDACTED:github-pat:[0-9a-f]{8}]\r\n"
        + "DATABASE_URL=postgres://app_rw:\\[REDACTED:postgres-uri-password:[0-9a-f]{8}]"
        + "@db.internal:5432/orders\r\n"
        + "GREETING=hello\r\n");
    assertThat(Files.readString(file)).isEqualTo(ENV_FILE);
  }

  @Test
  void redactReadsStandardInputAndWritesStandardOutput() {
    InputStream originalIn = System.in;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(
          ("token: " + Canaries.GITHUB_TOKEN + "\n").getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThat(Cli.run(environment(), null, "redact", "-").exitCode()).isZero();
    } finally {
      System.setIn(originalIn);
      System.setOut(originalOut);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .matches("token: \\[REDACTED:github-pat:[0-9a-f]{8}]\n");
  }

  @Test
  void fingerprintsMatchTheAgentsUnderTheSameKey() throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN);
    String first = Cli.run(environment(), null, "scan", "--format", "jsonl", file.toString())
        .out();
    String second = Cli.run(environment(), null, "scan", "--format", "jsonl", file.toString())
        .out();
    String otherKey = Cli.run(Map.of("TRACEWARDEN_FINGERPRINT_KEY", "another-key-entirely-xyz"),
        null, "scan", "--format", "jsonl", file.toString()).out();
    assertThat(parse(first).get("fingerprint")).isEqualTo(parse(second).get("fingerprint"))
        .isNotEqualTo(parse(otherKey).get("fingerprint"));
  }

  private static String slice(byte[] bytes, JsonNode line) {
    int start = line.get("start").asInt();
    int end = line.get("end").asInt();
    return new String(bytes, start, end - start, StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
