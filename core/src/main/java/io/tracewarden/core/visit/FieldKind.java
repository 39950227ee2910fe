package io.tracewarden.core.visit;

/** Which kind of string a visitor is looking at. */
public enum FieldKind {
  SPAN_NAME,
  SPAN_STATUS_MESSAGE,
  EVENT_NAME,
  /** An attribute value, or a string nested at any depth inside one (arrays, kvlists). */
  ATTRIBUTE,
  /** A log body, or a string nested at any depth inside it. */
  LOG_BODY,
  LOG_EVENT_NAME,
  LOG_SEVERITY_TEXT,
  /** A key inside a kvlist value (a JSON-like object), as opposed to an attribute key. */
  KVLIST_KEY,
  METRIC_DESCRIPTION
}
