package io.tracewarden.agent.admin;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.ExtensionFactory;
import io.tracewarden.core.config.ConfigSection;

/** Creates the {@code admin} extension: health, readiness and metrics over HTTP. */
public final class AdminExtensionFactory implements ExtensionFactory {

  public static final String TYPE = "admin";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Serves /health, /ready, /metrics (Prometheus) and component APIs over HTTP";
  }

  @Override
  public Extension create(ComponentSettings settings, ConfigSection config) {
    return new AdminExtension(settings.id(), AdminConfig.from(config), settings.telemetry());
  }
}
