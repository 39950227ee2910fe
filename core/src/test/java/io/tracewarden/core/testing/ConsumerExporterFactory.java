package io.tracewarden.core.testing;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An exporter type for tests whose instances hand everything to a consumer the test chose by
 * component id: a {@link RecordingConsumer}, a deliberately slow backend, and so on.
 */
public final class ConsumerExporterFactory implements ExporterFactory {

  private final String type;
  private final Function<ComponentId, Consumer> consumers;

  public ConsumerExporterFactory(String type, Function<ComponentId, Consumer> consumers) {
    this.type = type;
    this.consumers = consumers;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "test exporter handing data to a consumer of the test's";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Consumer target = consumers.apply(settings.id());
    return new Exporter() {
      @Override
      public CompletableFuture<Void> consume(Telemetry telemetry) {
        return target.consume(telemetry);
      }
    };
  }
}
