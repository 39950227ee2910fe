package io.tracewarden.core.visit;

/** The unit a visitor's record callbacks describe. */
public enum RecordKind {
  RESOURCE,
  SCOPE,
  SPAN,
  LOG_RECORD,
  METRIC
}
