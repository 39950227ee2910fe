package io.tracewarden.processors.batch;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import java.util.EnumSet;
import java.util.Set;

public final class BatchProcessorFactory implements ProcessorFactory {

  @Override
  public String type() {
    return "batch";
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Groups requests into larger ones by size or time; acknowledges once downstream accepted";
  }

  @Override
  public Processor create(
      ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
    return new BatchProcessor(BatchConfig.read(config), signal, next);
  }
}
