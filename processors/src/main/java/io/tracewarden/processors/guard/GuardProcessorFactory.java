package io.tracewarden.processors.guard;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import java.util.EnumSet;
import java.util.Set;

public final class GuardProcessorFactory implements ProcessorFactory {

  static final String TYPE = "guard";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Blocks, holds or flags tool calls that dump secrets, and sessions exposing too many";
  }

  @Override
  public Processor create(
      ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
    return new GuardProcessor(settings, new GuardConfig(config), next);
  }
}
