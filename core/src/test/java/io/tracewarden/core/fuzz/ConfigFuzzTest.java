package io.tracewarden.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.ExtensionFactory;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Receiver;
import io.tracewarden.core.component.ReceiverFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigNode;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.pipeline.ServiceBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Fuzzes config loading: {@link ConfigLoader#parse(String, String)} on any text (the input bytes
 * as UTF-8, so seed files are plain YAML), and
 * {@link ServiceBuilder#build} over what it parses with a registry of small test factories that
 * read every kind of typed value. Property: the only exception that escapes is
 * {@link ConfigException}, and its message names the source (file name) it came from. Any other
 * exception (including StackOverflowError) is a finding; a per-input timeout catches blow-ups.
 *
 * <p>{@code ${file:...}} substitutions read files; inputs that would read device or proc files
 * (endless or blocking reads) are skipped, as are absolute paths, so the fuzzer stays on this
 * machine's harmless files.
 */
class ConfigFuzzTest {

  static final String SOURCE = "fuzz-config.yaml";
  private static final Map<String, String> ENV = Map.of(
      "TW_TOKEN", "s3cr3t-value", "TW_EMPTY", "", "TW_PORT", "4318", "TW_BOOL", "true");
  private static final Pattern RISKY_FILE = Pattern.compile("file:\\s*(/|~|\\.\\.|[^}]*(dev|proc|sys|fd)\\b)");

  private static final ComponentRegistry REGISTRY = ComponentRegistry.of(List.of(
      new FuzzReceiverFactory(), new FuzzProcessorFactory(), new FuzzExporterFactory(),
      new FuzzExtensionFactory()));

  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    if (risky(yaml)) {
      return;
    }
    try {
      ConfigNode.Mapping mapping = loader().parse(yaml, SOURCE);
      assertThat(mapping).isNotNull();
      assertThat(mapping.location().source()).isEqualTo(SOURCE);
    } catch (ConfigException e) {
      assertNamesSource(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void buildService(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    if (risky(yaml)) {
      return;
    }
    try {
      new ServiceBuilder(REGISTRY).build(loader().parse(yaml, SOURCE));
    } catch (ConfigException e) {
      assertNamesSource(e);
    }
  }

  static boolean risky(String yaml) {
    return yaml.contains("file:") && RISKY_FILE.matcher(yaml).find();
  }

  private static ConfigLoader loader() {
    return new ConfigLoader(ENV::get);
  }

  private static void assertNamesSource(ConfigException e) {
    assertThat(e.getMessage()).as("ConfigException message").contains(SOURCE);
    assertThat(e.location().source()).isEqualTo(SOURCE);
    // Substituted values may be secrets: they never appear in messages.
    assertThat(e.getMessage()).doesNotContain(ENV.get("TW_TOKEN"));
  }

  /** Reads one value of every type the config API offers, as real components do. */
  static void readAll(ConfigSection config) {
    config.string("label", "");
    config.bool("enabled", true);
    config.integer("count", 1, 0, 1000);
    config.longValue("big", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    config.doubleValue("ratio", 0.5, 0, 1);
    config.duration("timeout", Duration.ofSeconds(5));
    config.bytes("size", 1024, 1, 1L << 30);
    config.oneOf("mode", "a", "a", "b", "c");
    config.stringList("list");
    config.stringMap("headers");
    for (ConfigSection item : config.sectionList("items")) {
      item.requiredString("name");
      item.duration("every", Duration.ZERO);
    }
    ConfigSection nested = config.section("nested");
    nested.integer("depth", 0, 0, 64);
    nested.section("deeper").bool("on", false);
    if (config.has("token")) {
      config.requiredString("token");
    }
  }

  static final class FuzzReceiverFactory implements ReceiverFactory {
    @Override
    public String type() {
      return "recv";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.TRACES, Signal.LOGS);
    }

    @Override
    public String description() {
      return "fuzz";
    }

    @Override
    public Receiver create(ComponentSettings settings, ConfigSection config, Consumers next) {
      readAll(config);
      return new Receiver() {};
    }
  }

  static final class FuzzProcessorFactory implements ProcessorFactory {
    @Override
    public String type() {
      return "proc";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.TRACES, Signal.METRICS);
    }

    @Override
    public String description() {
      return "fuzz";
    }

    @Override
    public Processor create(
        ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
      readAll(config);
      return new Processor() {
        @Override
        public CompletableFuture<Void> consume(io.tracewarden.core.consumer.Telemetry telemetry) {
          return next.consume(telemetry);
        }
      };
    }
  }

  static final class FuzzExporterFactory implements ExporterFactory {
    @Override
    public String type() {
      return "exp";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.allOf(Signal.class);
    }

    @Override
    public String description() {
      return "fuzz";
    }

    @Override
    public Exporter create(ComponentSettings settings, ConfigSection config) {
      readAll(config);
      return new Exporter() {
        @Override
        public CompletableFuture<Void> consume(io.tracewarden.core.consumer.Telemetry telemetry) {
          return CompletableFuture.completedFuture(null);
        }
      };
    }
  }

  static final class FuzzExtensionFactory implements ExtensionFactory {
    @Override
    public String type() {
      return "ext";
    }

    @Override
    public String description() {
      return "fuzz";
    }

    @Override
    public Extension create(ComponentSettings settings, ConfigSection config) {
      readAll(config);
      return new Extension() {};
    }
  }
}
