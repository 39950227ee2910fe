package io.tracewarden.core.component;

import io.tracewarden.core.config.ConfigSection;

public non-sealed interface ExporterFactory extends ComponentFactory {

  @Override
  default ComponentKind kind() {
    return ComponentKind.EXPORTER;
  }

  /** Creates the one instance shared by every pipeline naming it. No side effects. */
  Exporter create(ComponentSettings settings, ConfigSection config);
}
