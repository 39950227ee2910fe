package io.tracewarden.receivers.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.telemetry.ComponentMetrics;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The receiver's counters; attribute sets are built once so counting allocates nothing. */
final class ReceiverMetrics {

  static final String REFUSED_REQUESTS = "tracewarden.receiver.requests.refused";
  static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("transport");

  /** Why a request was refused: the fixed value set of the {@code reason} attribute. */
  enum Reason {
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    UNAUTHENTICATED,
    UNSUPPORTED_MEDIA_TYPE,
    NO_PIPELINE,
    TOO_LARGE,
    MALFORMED,
    TOO_DEEP,
    REJECTED,
    UNAVAILABLE,
    THROTTLED,
    /** The receiver's own {@code max_in_flight_bytes} budget was full. */
    IN_FLIGHT_LIMIT;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  enum Transport {
    GRPC,
    HTTP
  }

  private final ComponentMetrics component;
  private final LongCounter refusedRequests;
  private final Map<Transport, Map<Reason, Attributes>> attributes = new EnumMap<>(Transport.class);

  ReceiverMetrics(ComponentMetrics component, InFlightBytes inFlight) {
    this.component = component;
    component.gauge("tracewarden.receiver.in_flight_bytes",
        "Request bytes being decoded or processed (max_in_flight_bytes bounds them)", "By",
        inFlight::held);
    this.refusedRequests = component.meter().counterBuilder(REFUSED_REQUESTS)
        .setDescription("Requests the receiver refused, by reason")
        .setUnit("{request}")
        .build();
    for (Transport transport : Transport.values()) {
      Map<Reason, Attributes> byReason = new EnumMap<>(Reason.class);
      for (Reason reason : Reason.values()) {
        byReason.put(reason, component.attributes().toBuilder()
            .put(TRANSPORT, transport.name().toLowerCase(Locale.ROOT))
            .put(REASON, reason.id())
            .build());
      }
      attributes.put(transport, byReason);
    }
  }

  void accepted(Signal signal, int items) {
    component.accepted(signal, items);
  }

  /** Counts a refused request, and its items when the signal is known. */
  void refused(Transport transport, Signal signal, int items, Reason reason) {
    refusedRequests.add(1, attributes.get(transport).get(reason));
    if (signal != null) {
      component.refused(signal, items);
    }
  }
}
