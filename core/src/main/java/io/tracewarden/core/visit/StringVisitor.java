package io.tracewarden.core.visit;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;

/**
 * Sees every string of a telemetry request that a backend could show, and may replace it.
 * Identifiers (trace and span ids), attribute keys, metric names and scope names are never
 * visited: they must stay intact for the data to remain correlatable.
 *
 * <p>Calls for one record arrive between {@link #beginRecord} and {@link #endRecord}; resource and
 * scope strings are records of their own. A visitor is used by one thread at a time.
 */
public interface StringVisitor {

  /**
   * Returns {@code value} itself when unchanged, or its replacement. Returning null removes the
   * holding attribute or kvlist entry where {@link StringField#removable()}, and otherwise
   * replaces the string with an empty one.
   */
  String visit(StringField field, String value);

  default void beginRecord(RecordRef record) {}

  /**
   * Called once the record's strings were visited, with whether any changed. Attributes returned
   * are appended to spans and log records (ignored for other kinds).
   */
  default List<KeyValue> endRecord(RecordRef record, boolean changed) {
    return List.of();
  }
}
