package io.tracewarden.javaagent;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * A log record as exported after masking: masked attributes and body, everything else from the
 * original. The SDK has no delegating log record, so this is one.
 */
final class MaskedLogRecordData implements LogRecordData {

  private final LogRecordData delegate;
  private final Attributes attributes;
  private final int totalAttributeCount;
  private final Value<?> body;
  private final Resource resource;

  MaskedLogRecordData(LogRecordData delegate, Attributes attributes, int totalAttributeCount,
      Value<?> body, Resource resource) {
    this.delegate = delegate;
    this.attributes = attributes;
    this.totalAttributeCount = totalAttributeCount;
    this.body = body;
    this.resource = resource;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return delegate.getInstrumentationScopeInfo();
  }

  @Override
  public long getTimestampEpochNanos() {
    return delegate.getTimestampEpochNanos();
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return delegate.getObservedTimestampEpochNanos();
  }

  @Override
  public SpanContext getSpanContext() {
    return delegate.getSpanContext();
  }

  @Override
  public Severity getSeverity() {
    return delegate.getSeverity();
  }

  @Override
  public String getSeverityText() {
    return delegate.getSeverityText();
  }

  @Override
  @Deprecated
  public Body getBody() {
    return body == null ? Body.empty() : Body.string(body.asString());
  }

  @Override
  public Value<?> getBodyValue() {
    return body;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributeCount;
  }

  @Override
  public String getEventName() {
    return delegate.getEventName();
  }

  @Override
  public String toString() {
    return "MaskedLogRecordData{attributes=" + attributes.size() + "}";
  }
}
