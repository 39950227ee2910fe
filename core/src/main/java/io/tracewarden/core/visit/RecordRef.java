package io.tracewarden.core.visit;

import com.google.protobuf.Message;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * The record whose strings are being visited, as it was before the visit.
 *
 * @param kind what it is
 * @param record the original message: a {@link Resource}, an {@code InstrumentationScope}, a
 *     {@link Span}, a {@link LogRecord} or a {@code Metric}
 * @param resource the resource the record belongs to (the record itself for a resource)
 */
public record RecordRef(RecordKind kind, Message record, Resource resource) {

  public Span span() {
    return (Span) record;
  }

  public LogRecord logRecord() {
    return (LogRecord) record;
  }
}
