package io.tracewarden.core.pipeline;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Receiver;
import io.tracewarden.core.component.ReceiverFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Capabilities;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Minimal real components for graph tests; they record their lifecycle in a shared journal. */
final class TestFactories {

  static final List<String> journal = java.util.Collections.synchronizedList(new ArrayList<>());
  static final Map<String, TestReceiver> receivers = new ConcurrentHashMap<>();
  static final Map<String, List<Telemetry>> exported = new ConcurrentHashMap<>();

  static void reset() {
    journal.clear();
    receivers.clear();
    exported.clear();
  }

  static final class TestReceiverFactory implements ReceiverFactory {
    @Override
    public String type() {
      return "test_receiver";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.TRACES, Signal.LOGS);
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public Receiver create(ComponentSettings settings, ConfigSection config, Consumers next) {
      config.string("label", "");
      TestReceiver receiver = new TestReceiver(settings.id().toString(), next);
      receivers.put(settings.id().toString(), receiver);
      return receiver;
    }
  }

  static final class TestReceiver implements Receiver {
    final String id;
    final Consumers next;

    TestReceiver(String id, Consumers next) {
      this.id = id;
      this.next = next;
    }

    @Override
    public void start(Host host) {
      journal.add("start " + id);
    }

    @Override
    public void shutdown(Duration timeout) {
      journal.add("shutdown " + id);
    }
  }

  /** Appends a marker attribute to every span, or throws when {@code fail: true}. */
  static final class TagProcessorFactory implements ProcessorFactory {
    @Override
    public String type() {
      return "tag";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.TRACES);
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public Processor create(
        ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
      String value = config.string("value", settings.id().toString());
      boolean fail = config.bool("fail", false);
      String id = settings.id().toString();
      return new Processor() {
        @Override
        public CompletableFuture<Void> consume(Telemetry telemetry) {
          if (fail) {
            throw new IllegalStateException("boom on secret-ish content");
          }
          var request = telemetry.traces().toBuilder();
          request.getResourceSpansBuilder(0).getScopeSpansBuilder(0).getSpansBuilder(0)
              .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("tag")
                  .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                      .setStringValue(value)));
          return next.consume(telemetry.withRequest(request.build()));
        }

        @Override
        public Capabilities capabilities() {
          return Capabilities.MUTATES;
        }

        @Override
        public void start(Host host) {
          journal.add("start " + id);
        }

        @Override
        public void shutdown(Duration timeout) {
          journal.add("shutdown " + id);
        }
      };
    }
  }

  static final class TestExporterFactory implements ExporterFactory {
    @Override
    public String type() {
      return "test_exporter";
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.TRACES, Signal.LOGS);
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public Exporter create(ComponentSettings settings, ConfigSection config) {
      String id = settings.id().toString();
      return new Exporter() {
        @Override
        public CompletableFuture<Void> consume(Telemetry telemetry) {
          exported.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(
              new ArrayList<>())).add(telemetry);
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void start(Host host) {
          journal.add("start " + id);
        }

        @Override
        public void shutdown(Duration timeout) {
          journal.add("shutdown " + id);
        }
      };
    }
  }

  private TestFactories() {}
}
