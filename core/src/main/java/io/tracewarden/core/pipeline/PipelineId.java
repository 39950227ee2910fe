package io.tracewarden.core.pipeline;

import io.tracewarden.core.component.Signal;

/** A pipeline's id, {@code signal[/name]}, e.g. {@code traces} or {@code logs/audit}. */
public record PipelineId(Signal signal, String name) {

  @Override
  public String toString() {
    return name.isEmpty() ? signal.id() : signal.id() + "/" + name;
  }
}
