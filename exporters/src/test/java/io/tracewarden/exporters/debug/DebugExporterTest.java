package io.tracewarden.exporters.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugExporterTest {

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalErr;
  @TempDir Path directory;

  @BeforeEach
  void captureStandardError() {
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStandardError() {
    System.setErr(originalErr);
  }

  private String run(String yaml, int requests) throws Exception {
    var config = TestComponents.config(yaml);
    Exporter exporter = new DebugExporterFactory().create(
        TestComponents.settings(ComponentKind.EXPORTER, "debug", directory), config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
    for (int i = 0; i < requests; i++) {
      exporter.consume(TestData.traceTelemetry("span", 2)).get(1, TimeUnit.SECONDS);
    }
    exporter.consume(TestData.logTelemetry("hello", 1)).get(1, TimeUnit.SECONDS);
    exporter.shutdown(Duration.ofSeconds(1));
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void basicPrintsOneLinePerRequestWithCounts() throws Exception {
    String output = run("verbosity: basic", 1);

    assertThat(output.lines()).containsExactly(
        "debug: traces: 1 resource spans, 2 spans",
        "debug: logs: 1 resource logs, 1 log records");
  }

  @Test
  void normalPrintsOneLinePerSpanAndLog() throws Exception {
    String output = run("verbosity: normal", 1);

    assertThat(output.lines().filter(line -> line.startsWith("  span "))).hasSize(2);
    assertThat(output).contains("  span \"span-0\" trace_id=").contains("kind=SPAN_KIND_CLIENT")
        .contains("  log severity=INFO").contains("body=\"hello log 0\"");
    assertThat(output).doesNotContain("gen_ai.prompt");
  }

  @Test
  void detailedPrintsAttributesEventsAndResources() throws Exception {
    String output = run("verbosity: detailed", 1);

    assertThat(output)
        .contains("    service.name: \"agent\"")
        .contains("    gen_ai.prompt: \"say hello 1\"")
        .contains("    n: 1")
        .contains("    event \"gen_ai.choice\"")
        .contains("  scope \"test-scope\" \"1.0\"")
        .contains("    k: \"v0\"");
  }

  @Test
  void samplingLimitsWhatIsPrinted() throws Exception {
    String output = run("sampling_initial: 2\nsampling_thereafter: 1000", 10);

    assertThat(output.lines().filter(line -> line.startsWith("debug: traces"))).hasSize(2);
  }
}
