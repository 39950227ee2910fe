package io.tracewarden.core.component;

import io.tracewarden.core.consumer.Consumer;

/**
 * Sends telemetry out of the service. One instance serves every pipeline and signal that names it;
 * the factory's {@link ComponentFactory#signals()} says which signals it accepts.
 */
public interface Exporter extends Component, Consumer {}
