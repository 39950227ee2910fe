package io.tracewarden.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verdict table ({@code verdicts.tsv}): commands, queries, URLs and tool calls with the rule
 * that must win, or {@code none}. About half are benign look-alikes.
 */
class GuardVerdictTableTest {

  private static final Guard GUARD = new Guard(GuardRules.builtin());

  static Stream<Arguments> table() throws IOException {
    return rows().stream().map(row -> Arguments.of(row[0], row[1], row[2]));
  }

  @ParameterizedTest(name = "[{index}] {0} {2} -> {1}")
  @MethodSource("table")
  void verdictIsAsExpected(String kind, String expected, String input) {
    Verdict verdict = switch (kind) {
      case "shell" -> GUARD.shell(input, "test");
      case "sql" -> GUARD.sql(input, "test");
      case "url" -> GUARD.url(input, "test");
      default -> GUARD.toolCall(kind.substring("tool:".length()), input, "test");
    };
    assertThat(verdict == null ? "none" : verdict.ruleId()).as(input).isEqualTo(expected);
  }

  @Test
  void tableIsLargeAndHalfBenign() throws IOException {
    List<String[]> rows = rows();
    long benign = rows.stream().filter(row -> row[1].equals("none")).count();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(150);
    assertThat(benign).isGreaterThanOrEqualTo(rows.size() * 2 / 5);
  }

  private static List<String[]> rows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = GuardVerdictTableTest.class.getResourceAsStream("verdicts.tsv");
        BufferedReader reader = new BufferedReader(
            new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] row = line.split("\t", 3);
        if (row[0].equals("shell") || row[0].equals("sql")) {
          // Multi-line inputs (here-documents) are written with \n between lines.
          row[2] = row[2].replace("\\n'", "\u0000").replace("\\n", "\n").replace("\u0000", "\\n'");
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
