package io.tracewarden.core.component;

import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;

public non-sealed interface ProcessorFactory extends ComponentFactory {

  @Override
  default ComponentKind kind() {
    return ComponentKind.PROCESSOR;
  }

  /** Creates one pipeline's instance; it hands its output to {@code next}. No side effects. */
  Processor create(ComponentSettings settings, ConfigSection config, Signal signal, Consumer next);
}
