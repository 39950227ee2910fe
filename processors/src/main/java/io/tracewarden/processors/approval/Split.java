package io.tracewarden.processors.approval;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * Cuts a request into several by record, keeping each record under a copy of its own resource and
 * scope, so that a part forwarded later is a complete, self-describing request.
 */
final class Split {

  private Split() {}

  /**
   * Splits by {@code group[i]} (from 0 to {@code groups - 1}) for the i-th span in walk order.
   * A group with no spans yields an empty request.
   */
  static ExportTraceServiceRequest[] traces(ExportTraceServiceRequest request, int[] group,
      int groups) {
    ExportTraceServiceRequest.Builder[] out = new ExportTraceServiceRequest.Builder[groups];
    for (int g = 0; g < groups; g++) {
      out[g] = ExportTraceServiceRequest.newBuilder();
    }
    int index = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      ResourceSpans.Builder[] resources = new ResourceSpans.Builder[groups];
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        ScopeSpans.Builder[] scopes = new ScopeSpans.Builder[groups];
        for (int s = 0; s < scopeSpans.getSpansCount(); s++) {
          int g = group[index++];
          if (scopes[g] == null) {
            scopes[g] = scopeSpans.toBuilder().clearSpans();
          }
          scopes[g].addSpans(scopeSpans.getSpans(s));
        }
        for (int g = 0; g < groups; g++) {
          if (scopes[g] != null) {
            if (resources[g] == null) {
              resources[g] = resourceSpans.toBuilder().clearScopeSpans();
            }
            resources[g].addScopeSpans(scopes[g]);
          }
        }
      }
      for (int g = 0; g < groups; g++) {
        if (resources[g] != null) {
          out[g].addResourceSpans(resources[g]);
        }
      }
    }
    ExportTraceServiceRequest[] built = new ExportTraceServiceRequest[groups];
    for (int g = 0; g < groups; g++) {
      built[g] = out[g].build();
    }
    return built;
  }

  /** As {@link #traces}, for log records. */
  static ExportLogsServiceRequest[] logs(ExportLogsServiceRequest request, int[] group,
      int groups) {
    ExportLogsServiceRequest.Builder[] out = new ExportLogsServiceRequest.Builder[groups];
    for (int g = 0; g < groups; g++) {
      out[g] = ExportLogsServiceRequest.newBuilder();
    }
    int index = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      ResourceLogs.Builder[] resources = new ResourceLogs.Builder[groups];
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        ScopeLogs.Builder[] scopes = new ScopeLogs.Builder[groups];
        for (int s = 0; s < scopeLogs.getLogRecordsCount(); s++) {
          int g = group[index++];
          if (scopes[g] == null) {
            scopes[g] = scopeLogs.toBuilder().clearLogRecords();
          }
          scopes[g].addLogRecords(scopeLogs.getLogRecords(s));
        }
        for (int g = 0; g < groups; g++) {
          if (scopes[g] != null) {
            if (resources[g] == null) {
              resources[g] = resourceLogs.toBuilder().clearScopeLogs();
            }
            resources[g].addScopeLogs(scopes[g]);
          }
        }
      }
      for (int g = 0; g < groups; g++) {
        if (resources[g] != null) {
          out[g].addResourceLogs(resources[g]);
        }
      }
    }
    ExportLogsServiceRequest[] built = new ExportLogsServiceRequest[groups];
    for (int g = 0; g < groups; g++) {
      built[g] = out[g].build();
    }
    return built;
  }
}
