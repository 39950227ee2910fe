package io.tracewarden.core.component;

import java.util.Locale;

/** The four roles a component can play; the config section that declares it is the plural. */
public enum ComponentKind {
  RECEIVER,
  PROCESSOR,
  EXPORTER,
  EXTENSION;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The top-level config key that declares components of this kind. */
  public String section() {
    return id() + "s";
  }
}
