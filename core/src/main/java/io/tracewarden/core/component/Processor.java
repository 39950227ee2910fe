package io.tracewarden.core.component;

import io.tracewarden.core.consumer.Consumer;

/** A link in one pipeline's chain; it passes what it produces to the next consumer. */
public interface Processor extends Component, Consumer {}
