package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidateCommandTest {

  private static final String VALID = """
      receivers:
        otlp:
          protocols:
            http:
              endpoint: 127.0.0.1:0
      processors:
        batch:
      exporters:
        debug:
          verbosity: basic
      service:
        pipelines:
          traces:
            receivers: [otlp]
            processors: [batch]
            exporters: [debug]
          logs:
            receivers: [otlp]
            exporters: [debug]
      """;

  @TempDir
  Path dir;

  @Test
  void validConfigExitsZeroAndCountsPipelines() throws IOException {
    Cli.Result result = Cli.run("validate", "-c", write("good.yaml", VALID).toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
    assertThat(result.out()).contains("configuration is valid: 2 pipelines");
  }

  static Stream<Arguments> brokenConfigs() {
    return Stream.of(
        Arguments.of("unknown key",
            VALID.replace("verbosity: basic", "verbosity: basic\n    verbositee: high"),
            ":11:5: exporters.debug.verbositee: unknown key"),
        Arguments.of("unknown component type",
            VALID.replace("  batch:", "  batchy:"),
            ":7:3: processors.batchy: unknown processor type 'batchy'"),
        Arguments.of("pipeline naming an undeclared component",
            VALID.replaceFirst("exporters: \\[debug]", "exporters: [debug, file]"),
            ":16:26: service.pipelines.traces.exporters[1]: exporter 'file' is not declared"),
        Arguments.of("pipeline without receiver",
            VALID.replace("      receivers: [otlp]\n      exporters: [debug]",
                "      exporters: [debug]"),
            ":18:7: service.pipelines.logs: a pipeline needs at least one receiver"),
        Arguments.of("pipeline without exporter",
            VALID.replace("      receivers: [otlp]\n      exporters: [debug]",
                "      receivers: [otlp]"),
            ":18:7: service.pipelines.logs: a pipeline needs at least one exporter"),
        Arguments.of("bad YAML",
            VALID.replace("  batch:", "  batch: [unclosed"),
            ":8:10: invalid YAML: expected ',' or ']'"),
        Arguments.of("unset environment variable",
            VALID.replace("127.0.0.1:0", "${env:TRACEWARDEN_TEST_UNSET}"),
            ":5:19: receivers.otlp.protocols.http.endpoint: environment variable "
                + "TRACEWARDEN_TEST_UNSET is not set"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenConfigs")
  void brokenConfigExitsOneNamingFileLineAndKey(String name, String yaml, String expected)
      throws IOException {
    Path file = write("broken.yaml", yaml);

    Cli.Result result = Cli.run("validate", "-c", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("error: " + file).contains(file + expected);
  }

  @Test
  void laterFilesOverrideEarlierOnes() throws IOException {
    Path base = write("base.yaml", VALID.replace("  batch:", "  batchy:"));
    Path overlay = write("overlay.yaml", VALID);

    assertThat(Cli.run("validate", "-c", base.toString()).exitCode()).isEqualTo(1);
    // The overlay redeclares processors, but `batchy` from the base file stays declared.
    Cli.Result merged = Cli.run("validate", "-c", base.toString(), "-c", overlay.toString());
    assertThat(merged.exitCode()).isEqualTo(1);
    assertThat(merged.err()).contains("processors.batchy");

    Path fix = write("fix.yaml", "exporters:\n  debug:\n    verbosity: detailed\n");
    Cli.Result fixed = Cli.run("validate", "-c", overlay.toString(), "-c", fix.toString());
    assertThat(fixed.exitCode()).as(fixed.err()).isEqualTo(0);
  }

  @Test
  void missingFileIsAnError() {
    Path missing = dir.resolve("missing.yaml");

    Cli.Result result = Cli.run("validate", "-c", missing.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains(missing + ": config file not found");
  }

  @Test
  void validateWithoutConfigIsAUsageError() {
    Cli.Result result = Cli.run("validate");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required option: '--config=FILE'");
  }

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }
}
