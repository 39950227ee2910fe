package io.tracewarden.processors.batch;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import com.google.protobuf.Message;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import java.util.ArrayList;
import java.util.List;

/** Merging requests of one signal, and splitting them at a maximum number of items. */
final class Batching {

  private Batching() {}

  static List<Telemetry> mergeAndSplit(
      Signal signal, List<Telemetry> requests, TelemetryContext context, int maxItems) {
    int total = 0;
    for (Telemetry telemetry : requests) {
      total += telemetry.itemCount();
    }
    if (maxItems == 0 || total <= maxItems) {
      return List.of(merge(signal, requests, context));
    }
    return switch (signal) {
      case TRACES -> splitTraces(requests, context, maxItems);
      case LOGS -> splitLogs(requests, context, maxItems);
      // A metric's points belong together: metrics are merged but never split.
      case METRICS -> List.of(merge(signal, requests, context));
    };
  }

  private static List<Telemetry> splitTraces(
      List<Telemetry> requests, TelemetryContext context, int maxItems) {
    List<Telemetry> out = new ArrayList<>();
    ExportTraceServiceRequest.Builder current = ExportTraceServiceRequest.newBuilder();
    int count = 0;
    for (Telemetry telemetry : requests) {
      for (ResourceSpans resourceSpans : telemetry.traces().getResourceSpansList()) {
        int items = resourceSpans.getScopeSpansList().stream()
            .mapToInt(ScopeSpans::getSpansCount).sum();
        if (maxItems == 0 || count + items <= maxItems) {
          current.addResourceSpans(resourceSpans);
          count += items;
          continue;
        }
        // Split this resource's spans across requests, keeping resource and scope on each piece.
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          int offset = 0;
          while (offset < scopeSpans.getSpansCount()) {
            if (count == maxItems) {
              out.add(Telemetry.traces(current.build(), context));
              current = ExportTraceServiceRequest.newBuilder();
              count = 0;
            }
            int take = Math.min(maxItems - count, scopeSpans.getSpansCount() - offset);
            current.addResourceSpans(resourceSpans.toBuilder().clearScopeSpans()
                .addScopeSpans(scopeSpans.toBuilder().clearSpans()
                    .addAllSpans(scopeSpans.getSpansList().subList(offset, offset + take))));
            offset += take;
            count += take;
          }
        }
      }
    }
    if (current.getResourceSpansCount() > 0 || out.isEmpty()) {
      out.add(Telemetry.traces(current.build(), context));
    }
    return out;
  }

  private static List<Telemetry> splitLogs(
      List<Telemetry> requests, TelemetryContext context, int maxItems) {
    List<Telemetry> out = new ArrayList<>();
    ExportLogsServiceRequest.Builder current = ExportLogsServiceRequest.newBuilder();
    int count = 0;
    for (Telemetry telemetry : requests) {
      for (ResourceLogs resourceLogs : telemetry.logs().getResourceLogsList()) {
        int items = resourceLogs.getScopeLogsList().stream()
            .mapToInt(ScopeLogs::getLogRecordsCount).sum();
        if (maxItems == 0 || count + items <= maxItems) {
          current.addResourceLogs(resourceLogs);
          count += items;
          continue;
        }
        for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
          int offset = 0;
          while (offset < scopeLogs.getLogRecordsCount()) {
            if (count == maxItems) {
              out.add(Telemetry.logs(current.build(), context));
              current = ExportLogsServiceRequest.newBuilder();
              count = 0;
            }
            int take = Math.min(maxItems - count, scopeLogs.getLogRecordsCount() - offset);
            current.addResourceLogs(resourceLogs.toBuilder().clearScopeLogs()
                .addScopeLogs(scopeLogs.toBuilder().clearLogRecords()
                    .addAllLogRecords(scopeLogs.getLogRecordsList().subList(offset, offset + take))));
            offset += take;
            count += take;
          }
        }
      }
    }
    if (current.getResourceLogsCount() > 0 || out.isEmpty()) {
      out.add(Telemetry.logs(current.build(), context));
    }
    return out;
  }

  /**
   * One request holding all of {@code requests}. Concatenated protobuf encodings of export
   * requests are the encoding of their merge (repeated fields append), so when every part still
   * has its received bytes, the merged request gets theirs and no exporter encodes it again.
   */
  static Telemetry merge(Signal signal, List<Telemetry> requests, TelemetryContext context) {
    if (requests.size() == 1) {
      return requests.get(0);
    }
    Message.Builder merged = requests.get(0).request().newBuilderForType();
    int bytes = 0;
    for (Telemetry telemetry : requests) {
      merged.mergeFrom(telemetry.request());
      bytes = telemetry.protobuf() == null || bytes < 0 ? -1 : bytes + telemetry.protobuf().length;
    }
    byte[] protobuf = null;
    if (bytes >= 0) {
      protobuf = new byte[bytes];
      int offset = 0;
      for (Telemetry telemetry : requests) {
        System.arraycopy(telemetry.protobuf(), 0, protobuf, offset, telemetry.protobuf().length);
        offset += telemetry.protobuf().length;
      }
    }
    return new Telemetry(signal, merged.build(), context, protobuf);
  }

}
