package io.tracewarden.core.component;

import io.tracewarden.core.config.ConfigSection;
import java.util.Set;

public non-sealed interface ExtensionFactory extends ComponentFactory {

  @Override
  default ComponentKind kind() {
    return ComponentKind.EXTENSION;
  }

  @Override
  default Set<Signal> signals() {
    return Set.of();
  }

  Extension create(ComponentSettings settings, ConfigSection config);
}
