package io.tracewarden.core.component;

import java.util.Set;

/**
 * Creates components of one type. Implementations are found through {@link java.util.ServiceLoader}
 * under one of the four sub-interfaces, so a jar on the class path adds component types.
 */
public sealed interface ComponentFactory
    permits ReceiverFactory, ProcessorFactory, ExporterFactory, ExtensionFactory {

  /** The {@code lower_snake_case} type that configs name, e.g. {@code otlp}. */
  String type();

  ComponentKind kind();

  /** The signals this type handles; empty for extensions. */
  Set<Signal> signals();

  /** One line for {@code tracewarden components}. */
  String description();
}
