package io.tracewarden.core.component;

import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumers;

public non-sealed interface ReceiverFactory extends ComponentFactory {

  @Override
  default ComponentKind kind() {
    return ComponentKind.RECEIVER;
  }

  /**
   * Reads {@code config} (reporting problems through {@link ConfigSection#error}) and creates the
   * receiver without side effects. {@code next} has a consumer for each signal whose pipelines name
   * this receiver.
   */
  Receiver create(ComponentSettings settings, ConfigSection config, Consumers next);
}
