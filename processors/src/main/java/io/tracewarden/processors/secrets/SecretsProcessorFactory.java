package io.tracewarden.processors.secrets;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import java.util.EnumSet;
import java.util.Set;

public final class SecretsProcessorFactory implements ProcessorFactory {

  @Override
  public String type() {
    return "secrets";
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Finds secrets in every string of spans, logs and metrics and masks exactly them";
  }

  @Override
  public Processor create(
      ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
    return new SecretsProcessor(settings, new SecretsConfig(config, settings.dataDirectory()), next);
  }
}
