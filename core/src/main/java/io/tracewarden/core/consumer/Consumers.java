package io.tracewarden.core.consumer;

import io.tracewarden.core.component.Signal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The next consumer per signal, as handed to a receiver shared by several pipelines. */
public final class Consumers {

  private final Map<Signal, Consumer> bySignal;

  private Consumers(Map<Signal, Consumer> bySignal) {
    this.bySignal = bySignal;
  }

  public static Consumers of(Map<Signal, Consumer> bySignal) {
    return new Consumers(bySignal.isEmpty() ? Map.of() : new EnumMap<>(bySignal));
  }

  public Optional<Consumer> get(Signal signal) {
    return Optional.ofNullable(bySignal.get(signal));
  }

  public Set<Signal> signals() {
    return bySignal.keySet();
  }
}
