package io.tracewarden.processors.approval;

import io.tracewarden.core.audit.AuditEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The findings of recently masked records, learnt from the {@code secrets.masked} audit events
 * that the {@code secrets} processor publishes before it forwards a record, keyed by record kind,
 * trace id and span id. Bounded: the oldest entries go first.
 */
final class FindingsCache {

  static final String MASKED_EVENT = "secrets.masked";

  private final Object lock = new Object();
  private final int capacity;
  private final LinkedHashMap<String, Set<HoldFinding>> byRecord;

  FindingsCache(int capacity) {
    this.capacity = capacity;
    this.byRecord = new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Set<HoldFinding>> eldest) {
        return size() > FindingsCache.this.capacity;
      }
    };
  }

  static String key(String record, String traceId, String spanId) {
    return record + '/' + traceId + '/' + spanId;
  }

  /** An audit bus subscriber: remembers {@code secrets.masked} events of spans and log records. */
  void onEvent(AuditEvent event) {
    if (!event.type().equals(MASKED_EVENT)) {
      return;
    }
    Map<String, Object> attributes = event.attributes();
    Object record = attributes.get("record");
    Object spanId = attributes.get("span_id");
    Object traceId = attributes.get("trace_id");
    if (!(record instanceof String kind) || !(spanId instanceof String span) || span.isEmpty()
        || !(traceId instanceof String trace)) {
      return;
    }
    List<HoldFinding> findings = new ArrayList<>();
    if (attributes.get("findings") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> finding) {
          findings.add(new HoldFinding(text(finding.get("rule")), text(finding.get("severity")),
              text(finding.get("path")), text(finding.get("fingerprint"))));
        }
      }
    }
    String key = key(kind, trace, span);
    synchronized (lock) {
      if (kind.equals("span")) {
        // A span is one record: its latest event is its whole truth (a resend replaces it).
        byRecord.put(key, new LinkedHashSet<>(findings));
      } else {
        // Log records of one span share ids: keep the union, which can only hold more.
        byRecord.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(findings);
      }
    }
  }

  /** The findings known for this record, or an empty list. */
  List<HoldFinding> get(String record, String traceId, String spanId) {
    synchronized (lock) {
      Set<HoldFinding> findings = byRecord.get(key(record, traceId, spanId));
      return findings == null ? List.of() : List.copyOf(findings);
    }
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }
}
