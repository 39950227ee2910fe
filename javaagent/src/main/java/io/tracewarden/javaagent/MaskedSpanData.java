package io.tracewarden.javaagent;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/** A span as exported after masking: the masked parts, everything else from the original. */
final class MaskedSpanData extends DelegatingSpanData {

  private final String name;
  private final Attributes attributes;
  private final int totalAttributeCount;
  private final List<EventData> events;
  private final List<LinkData> links;
  private final StatusData status;
  private final Resource resource;

  MaskedSpanData(SpanData delegate, String name, Attributes attributes, int totalAttributeCount,
      List<EventData> events, List<LinkData> links, StatusData status, Resource resource) {
    super(delegate);
    this.name = name;
    this.attributes = attributes;
    this.totalAttributeCount = totalAttributeCount;
    this.events = events;
    this.links = links;
    this.status = status;
    this.resource = resource;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public String getName() {
    return name;
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
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public String toString() {
    // Never the attribute values: short and safe in any log line.
    return "MaskedSpanData{spanId=" + getSpanId() + ", attributes=" + attributes.size() + "}";
  }
}
