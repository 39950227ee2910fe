package io.tracewarden.processors.memorylimiter;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import java.util.EnumSet;
import java.util.Set;

public final class MemoryLimiterProcessorFactory implements ProcessorFactory {

  @Override
  public String type() {
    return "memory_limiter";
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Refuses new data with a retryable status while the heap is above its limits";
  }

  @Override
  public Processor create(
      ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
    MemoryLimiterConfig limits =
        MemoryLimiterConfig.read(config, Runtime.getRuntime().maxMemory());
    return new MemoryLimiterProcessor(settings, limits, JvmHeap.INSTANCE, next);
  }
}
