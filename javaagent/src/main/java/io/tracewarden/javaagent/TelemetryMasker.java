package io.tracewarden.javaagent;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.tracewarden.engine.Redaction;
import io.tracewarden.engine.SecretEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Masks one span or log record with the engine: every string it carries, at any depth, and the
 * string attributes of its resource. Returns the very input instance when nothing was found, so
 * clean telemetry is neither copied nor rebuilt.
 * Thread-safe (the engine is).
 */
final class TelemetryMasker {

  /** Set on each changed span and log record: how many secrets were masked in it. */
  static final AttributeKey<Long> MASKED_COUNT = AttributeKey.longKey("tracewarden.masked.count");

  /** Nesting beyond this is masked as one flattened string instead of walked. */
  static final int MAX_DEPTH = 32;

  private final SecretEngine engine;
  /**
   * The last resource masked and its masked form. A process exports one resource on every record,
   * so it is scanned once, not once per record.
   */
  private volatile Resource[] lastResource = {null, null};

  TelemetryMasker(SecretEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  SpanData mask(SpanData span) {
    Resource resource = mask(span.getResource());
    Pass pass = new Pass();
    String name = pass.text(engine, span.getName());
    Attributes attributes = pass.attributes(engine, span.getAttributes());
    int droppedAttributes = pass.dropped;
    List<EventData> events = maskEvents(pass, span.getEvents());
    List<LinkData> links = maskLinks(pass, span.getLinks());
    StatusData status = span.getStatus();
    String description = pass.text(engine, status.getDescription());
    if (description != status.getDescription()) {
      status = StatusData.create(status.getStatusCode(), description);
    }
    if (pass.findings == 0) {
      return resource == span.getResource() ? span
          : new MaskedSpanData(span, name, attributes, span.getTotalAttributeCount(), events,
              links, status, resource);
    }
    attributes = attributes.toBuilder().put(MASKED_COUNT, (long) pass.findings).build();
    int total = Math.max(attributes.size(),
        span.getTotalAttributeCount() - droppedAttributes + 1);
    return new MaskedSpanData(span, name, attributes, total, events, links, status, resource);
  }

  LogRecordData mask(LogRecordData log) {
    Resource resource = mask(log.getResource());
    Pass pass = new Pass();
    Attributes attributes = pass.attributes(engine, log.getAttributes());
    int droppedAttributes = pass.dropped;
    Value<?> body = log.getBodyValue();
    Value<?> maskedBody = body == null ? null : pass.value(engine, body, 0);
    if (pass.findings == 0) {
      return resource == log.getResource() ? log
          : new MaskedLogRecordData(log, attributes, log.getTotalAttributeCount(), body, resource);
    }
    attributes = attributes.toBuilder().put(MASKED_COUNT, (long) pass.findings).build();
    int total = Math.max(attributes.size(), log.getTotalAttributeCount() - droppedAttributes + 1);
    return new MaskedLogRecordData(log, attributes, total, maskedBody, resource);
  }

  /**
   * The resource with its string attributes masked (the same instance when clean). Its findings
   * are not added to the records' {@link #MASKED_COUNT}: the resource is shared by all of them.
   */
  Resource mask(Resource resource) {
    Resource[] last = lastResource;
    if (resource == last[0]) {
      return last[1];
    }
    Attributes attributes = new Pass().attributes(engine, resource.getAttributes());
    Resource masked = attributes == resource.getAttributes() ? resource
        : Resource.create(attributes, resource.getSchemaUrl());
    lastResource = new Resource[] {resource, masked};
    return masked;
  }

  private List<EventData> maskEvents(Pass pass, List<EventData> events) {
    List<EventData> out = null;
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      int before = pass.findings;
      pass.dropped = 0;
      String name = pass.text(engine, e.getName());
      Attributes attributes = pass.attributes(engine, e.getAttributes());
      EventData masked = e;
      if (pass.findings != before) {
        masked = EventData.create(e.getEpochNanos(), name, attributes,
            Math.max(attributes.size(), e.getTotalAttributeCount() - pass.dropped));
      }
      out = set(out, events, i, masked);
    }
    return out == null ? events : out;
  }

  private List<LinkData> maskLinks(Pass pass, List<LinkData> links) {
    List<LinkData> out = null;
    for (int i = 0; i < links.size(); i++) {
      LinkData l = links.get(i);
      int before = pass.findings;
      pass.dropped = 0;
      Attributes attributes = pass.attributes(engine, l.getAttributes());
      LinkData masked = l;
      if (pass.findings != before) {
        masked = LinkData.create(l.getSpanContext(), attributes,
            Math.max(attributes.size(), l.getTotalAttributeCount() - pass.dropped));
      }
      out = set(out, links, i, masked);
    }
    return out == null ? links : out;
  }

  /** Copy-on-first-change list update. */
  private static <T> List<T> set(List<T> out, List<T> in, int i, T element) {
    if (out == null && element == in.get(i)) {
      return null;
    }
    if (out == null) {
      out = new ArrayList<>(in.subList(0, i));
    }
    out.add(element);
    return out;
  }

  /** One record's masking: counts findings and dropped attributes. */
  private static final class Pass {
    int findings;
    int dropped;

    /** Masked text; the same instance when clean. Never drops (names, bodies, descriptions). */
    String text(SecretEngine engine, String s) {
      if (s == null || s.isEmpty()) {
        return s;
      }
      Redaction r = engine.redact(s);
      findings += r.findings().size();
      return r.text();
    }

    @SuppressWarnings("unchecked")
    Attributes attributes(SecretEngine engine, Attributes attributes) {
      if (attributes.isEmpty()) {
        return attributes;
      }
      Map<AttributeKey<?>, Object> changes = null; // value null = drop
      for (Map.Entry<AttributeKey<?>, Object> e : attributes.asMap().entrySet()) {
        AttributeKey<?> key = e.getKey();
        Object masked;
        boolean drop = false;
        if (key.getType() == AttributeType.STRING) {
          Redaction r = engine.redact((String) e.getValue());
          findings += r.findings().size();
          drop = r.dropAttribute();
          masked = r.text();
        } else if (key.getType() == AttributeType.STRING_ARRAY) {
          List<String> in = (List<String>) e.getValue();
          List<String> out = null;
          for (int i = 0; i < in.size(); i++) {
            String s = in.get(i);
            Redaction r = s == null ? null : engine.redact(s);
            if (r != null && r.changed()) {
              findings += r.findings().size();
              drop |= r.dropAttribute();
            }
            out = set(out, in, i, r == null ? null : r.text());
          }
          masked = out == null ? in : out;
        } else {
          continue;
        }
        if (masked != e.getValue() || drop) {
          if (changes == null) {
            changes = new LinkedHashMap<>();
          }
          changes.put(key, drop ? null : masked);
        }
      }
      if (changes == null) {
        return attributes;
      }
      AttributesBuilder b = attributes.toBuilder();
      for (Map.Entry<AttributeKey<?>, Object> c : changes.entrySet()) {
        AttributeKey<Object> key = (AttributeKey<Object>) c.getKey();
        if (c.getValue() == null) {
          b.remove(key);
          dropped++;
        } else {
          b.put(key, c.getValue());
        }
      }
      return b.build();
    }

    @SuppressWarnings("unchecked")
    Value<?> value(SecretEngine engine, Value<?> v, int depth) {
      switch (v.getType()) {
        case STRING: {
          String s = (String) v.getValue();
          String m = text(engine, s);
          return m == s ? v : Value.of(m);
        }
        case ARRAY: {
          if (depth >= MAX_DEPTH) {
            return flattened(engine, v);
          }
          List<Value<?>> in = (List<Value<?>>) v.getValue();
          List<Value<?>> out = null;
          for (int i = 0; i < in.size(); i++) {
            out = set(out, in, i, value(engine, in.get(i), depth + 1));
          }
          return out == null ? v : Value.of(out);
        }
        case KEY_VALUE_LIST: {
          if (depth >= MAX_DEPTH) {
            return flattened(engine, v);
          }
          List<KeyValue> in = (List<KeyValue>) v.getValue();
          List<KeyValue> out = null;
          for (int i = 0; i < in.size(); i++) {
            KeyValue kv = in.get(i);
            Value<?> masked = value(engine, kv.getValue(), depth + 1);
            out = set(out, in, i, masked == kv.getValue() ? kv : KeyValue.of(kv.getKey(), masked));
          }
          return out == null ? v : Value.of(out.toArray(new KeyValue[0]));
        }
        default:
          return v; // booleans, numbers, bytes
      }
    }

    /** Too deep to walk: mask its string form and keep that when anything was found. */
    private Value<?> flattened(SecretEngine engine, Value<?> v) {
      String s = v.asString();
      String m = text(engine, s);
      return m == s ? v : Value.of(m);
    }
  }
}
