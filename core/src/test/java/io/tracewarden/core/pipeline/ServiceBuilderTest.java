package io.tracewarden.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.TestComponents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceBuilderTest {

  private static final String VALID = """
      receivers:
        test_receiver:
        test_receiver/second:
      processors:
        tag/a:
        tag/b:
          value: bee
      exporters:
        test_exporter/one:
        test_exporter/two:
      service:
        shutdown_timeout: 2s
        pipelines:
          traces:
            receivers: [test_receiver, test_receiver/second]
            processors: [tag/a, tag/b]
            exporters: [test_exporter/one, test_exporter/two]
          traces/raw:
            receivers: [test_receiver]
            exporters: [test_exporter/two]
          logs:
            receivers: [test_receiver]
            exporters: [test_exporter/one]
      """;

  private final ComponentRegistry registry = ComponentRegistry.of(List.of(
      new TestFactories.TestReceiverFactory(), new TestFactories.TagProcessorFactory(),
      new TestFactories.TestExporterFactory()));

  @BeforeEach
  void reset() {
    TestFactories.reset();
  }

  private Service build(String yaml) {
    return new ServiceBuilder(registry).build(new ConfigLoader(System::getenv).parse(yaml,
        "pipeline.yaml"));
  }

  @Test
  void wiresSharedReceiversProcessorChainsAndFanOut() throws Exception {
    Service service = build(VALID);
    assertThat(service.pipelines()).hasSize(3);
    assertThat(TestFactories.receivers).containsOnlyKeys("test_receiver", "test_receiver/second");
    service.start();

    TestFactories.TestReceiver shared = TestFactories.receivers.get("test_receiver");
    assertThat(shared.next.signals()).containsExactlyInAnyOrder(Signal.TRACES, Signal.LOGS);
    shared.next.get(Signal.TRACES).orElseThrow()
        .consume(Telemetry.traces(request("op"), TestComponents.context())).get();

    // The chained pipeline tags in order a then b and fans out to both exporters; the raw
    // pipeline sees the untouched original: the processors' rebuilt messages never leak into it.
    List<Telemetry> one = TestFactories.exported.get("test_exporter/one");
    List<Telemetry> two = TestFactories.exported.get("test_exporter/two");
    assertThat(one).hasSize(1);
    assertThat(two).hasSize(2);
    assertThat(tags(one.get(0))).containsExactly("tag/a", "bee");
    assertThat(two).extracting(ServiceBuilderTest::tags)
        .containsExactlyInAnyOrder(List.of("tag/a", "bee"), List.of());
    service.shutdown();
    service.shutdown();
  }

  @Test
  void componentsCanInjectIntoANamedPipeline() throws Exception {
    Service service = build(VALID);
    service.start();
    assertThat(service.pipeline("logs/none")).isEmpty();
    service.pipeline("traces/raw").orElseThrow()
        .consume(Telemetry.traces(request("injected"), TestComponents.context())).get();
    assertThat(TestFactories.exported.get("test_exporter/two")).singleElement()
        .satisfies(t -> assertThat(tags(t)).isEmpty());
    assertThat(TestFactories.exported).doesNotContainKey("test_exporter/one");
    service.shutdown();
  }

  @Test
  void startingTwiceIsRefusedAndLeavesTheRunningServiceAlone() throws Exception {
    Service service = build(VALID);
    service.start();
    int started = TestFactories.journal.size();
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("the service is already started");
    assertThat(TestFactories.journal).hasSize(started);
    assertThat(service.status().started()).isTrue();
    service.shutdown();
  }

  @Test
  void startsDownstreamFirstAndStopsIntakeFirst() throws Exception {
    Service service = build(VALID);
    service.start();
    service.shutdown(Duration.ofSeconds(1));
    List<String> journal = new ArrayList<>(TestFactories.journal);
    assertThat(journal.indexOf("start test_exporter/one"))
        .isLessThan(journal.indexOf("start tag/b"));
    assertThat(journal.indexOf("start tag/b")).isLessThan(journal.indexOf("start tag/a"));
    assertThat(journal.indexOf("start tag/a")).isLessThan(journal.indexOf("start test_receiver"));
    assertThat(journal.indexOf("shutdown test_receiver"))
        .isLessThan(journal.indexOf("shutdown tag/a"));
    assertThat(journal.indexOf("shutdown tag/a"))
        .isLessThan(journal.indexOf("shutdown test_exporter/one"));
  }

  @Test
  void failingProcessorFailsClosedWithRetryableErrorMetricAndAuditEvent() throws Exception {
    Service service = build("""
        receivers: { test_receiver: }
        processors: { tag: { fail: true } }
        exporters: { test_exporter: }
        service:
          pipelines:
            traces: { receivers: [test_receiver], processors: [tag], exporters: [test_exporter] }
        """);
    List<AuditEvent> events = new ArrayList<>();
    service.audit().subscribe(events::add);
    service.start();
    CompletableFuture<Void> result = TestFactories.receivers.get("test_receiver").next
        .get(Signal.TRACES).orElseThrow()
        .consume(Telemetry.traces(request("op"), TestComponents.context()));

    assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(TelemetryException.class)
        .satisfies(e -> assertThat(((TelemetryException) e).kind())
            .isEqualTo(TelemetryException.Kind.RETRYABLE));
    assertThat(TestFactories.exported).isEmpty();
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo("component.failed");
      assertThat(event.attributes()).containsEntry("items", 1)
          .containsEntry("error", "java.lang.IllegalStateException");
      assertThat(event.attributes().toString()).doesNotContain("secret-ish");
    });
    assertThat(service.telemetry().prometheusText())
        .contains("tracewarden_items_refused_total{component=\"tag\",kind=\"processor\","
            + "signal=\"traces\"} 1");
    service.shutdown();
  }

  static List<Arguments> brokenConfigs() {
    return List.of(
        Arguments.of("unknown top-level key", VALID + "extra: 1\n",
            "pipeline.yaml:24:1: extra: unknown key (valid keys: receivers, processors, "
                + "exporters, extensions, service)"),
        Arguments.of("unknown component key", VALID.replace("value: bee", "valeu: bee"),
            "pipeline.yaml:7:5: processors.tag/b.valeu: unknown key (did you mean 'value'?)"),
        Arguments.of("unknown component type",
            VALID.replace("test_exporter/two:\n", "test_exporter/two:\n  kafka:\n"),
            "pipeline.yaml:11:3: exporters.kafka: unknown exporter type 'kafka' "
                + "(known: test_exporter)"),
        Arguments.of("undeclared component in a pipeline",
            VALID.replace("exporters: [test_exporter/two]", "exporters: [test_exporter/three]"),
            "pipeline.yaml:20:19: service.pipelines.traces/raw.exporters[0]: exporter "
                + "'test_exporter/three' is not declared in exporters (declared: test_exporter/one, "
                + "test_exporter/two)"),
        Arguments.of("pipeline without receivers",
            VALID.replace("      receivers: [test_receiver]\n      exporters: [test_exporter/one]",
                "      exporters: [test_exporter/one]"),
            "pipeline.yaml:22:7: service.pipelines.logs: a pipeline needs at least one receiver"),
        Arguments.of("pipeline without exporters",
            VALID.replace("      exporters: [test_exporter/two]\n", ""),
            "pipeline.yaml:19:7: service.pipelines.traces/raw: a pipeline needs at least one "
                + "exporter"),
        Arguments.of("processor that lacks the signal",
            VALID.replace("      exporters: [test_exporter/one]\n",
                "      processors: [tag/a]\n      exporters: [test_exporter/one]\n"),
            "pipeline.yaml:23:20: service.pipelines.logs.processors[0]: processor type 'tag' "
                + "does not support logs (it supports [traces])"),
        Arguments.of("bad pipeline signal", VALID.replace("traces/raw:", "spans:"),
            "pipeline.yaml:18:5: service.pipelines.spans: a pipeline id is traces, logs or "
                + "metrics, optionally followed by /name"),
        Arguments.of("no pipelines", "receivers: {test_receiver: }\nservice: {}\n",
            "pipeline.yaml:2:10: service.pipelines: at least one pipeline is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenConfigs")
  void brokenConfigNamesFileLineColumnAndKey(String name, String yaml, String message) {
    assertThatThrownBy(() -> build(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    assertThat(TestFactories.journal).isEmpty();
  }

  private static ExportTraceServiceRequest request(String spanName) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName(spanName))))
        .build();
  }

  private static List<String> tags(Telemetry telemetry) {
    return telemetry.traces().getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributesList()
        .stream().filter(kv -> kv.getKey().equals("tag"))
        .map(kv -> kv.getValue().getStringValue()).toList();
  }
}
