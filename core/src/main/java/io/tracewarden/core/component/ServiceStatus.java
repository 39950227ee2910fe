package io.tracewarden.core.component;

import java.util.Map;

/**
 * A snapshot of the service's health.
 *
 * @param started true once every component has started, false again once shutdown begins
 * @param unhealthy components that reported a problem, with a reason safe to show an operator
 */
public record ServiceStatus(boolean started, Map<ComponentId, String> unhealthy) {

  public ServiceStatus {
    unhealthy = Map.copyOf(unhealthy);
  }

  public boolean healthy() {
    return started && unhealthy.isEmpty();
  }
}
