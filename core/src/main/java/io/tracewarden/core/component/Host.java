package io.tracewarden.core.component;

import java.util.Map;
import java.util.Optional;

/** What a running service offers its components. */
public interface Host {

  /** The started extensions, by id. */
  Map<ComponentId, Extension> extensions();

  /** The extension with this id if it is configured and of the expected class. */
  default <T extends Extension> Optional<T> extension(ComponentId id, Class<T> type) {
    Extension extension = extensions().get(id);
    return type.isInstance(extension) ? Optional.of(type.cast(extension)) : Optional.empty();
  }

  /** Every started extension of the given class, e.g. to find the admin server. */
  default <T> java.util.List<T> extensionsOf(Class<T> type) {
    return extensions().values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * The entry of pipeline {@code id} (e.g. {@code logs/audit}), so a component can inject
   * telemetry it produces itself, such as audit checkpoints shipped off-host. Data injected here
   * runs through that pipeline's processors like any received data.
   */
  default Optional<io.tracewarden.core.consumer.Consumer> pipeline(String id) {
    return Optional.empty();
  }

  /** Health of the service as a whole, for health endpoints. */
  ServiceStatus status();
}
