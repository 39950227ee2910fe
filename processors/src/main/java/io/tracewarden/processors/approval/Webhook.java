package io.tracewarden.processors.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracewarden.core.component.ComponentId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each new hold with one JSON POST carrying a Slack-compatible {@code text} field plus
 * the hold's metadata. Asynchronous and bounded: it never blocks the pipeline; at most
 * {@value #MAX_IN_FLIGHT} notifications are in flight, beyond which new ones are dropped and
 * logged. The URL (often itself a secret) is never logged.
 */
final class Webhook implements AutoCloseable {

  static final int MAX_IN_FLIGHT = 64;
  static final int ATTEMPTS = 3;
  private static final Logger logger = LoggerFactory.getLogger(Webhook.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI url;
  private final ComponentId id;
  private final HttpClient client;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private volatile boolean closed;

  Webhook(URI url, ComponentId id) {
    this.url = url;
    this.id = id;
    this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  void notify(HoldSummary hold) {
    if (closed) {
      return;
    }
    if (!inFlight.tryAcquire()) {
      logger.warn("{}: webhook backlog full; hold {} not announced", id, hold.id());
      return;
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(payload(hold));
    } catch (Exception e) {
      inFlight.release();
      return;
    }
    send(body, hold.id(), 1).whenComplete((ok, failure) -> inFlight.release());
  }

  static Map<String, Object> payload(HoldSummary hold) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("text", "Tracewarden is holding " + hold.records() + " " + hold.signal()
        + " record(s) from " + (hold.service().isEmpty() ? "an unnamed service" : hold.service())
        + " (sender " + hold.principal() + ", session " + hold.session() + "): "
        + String.join(", ", hold.reasons()) + ". Decide with: tracewarden approvals show "
        + hold.id());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", hold.id());
    details.put("component", hold.component());
    details.put("created_at", hold.createdAt().toString());
    details.put("session", hold.session());
    details.put("principal", hold.principal());
    details.put("service", hold.service());
    details.put("records", hold.records());
    details.put("reasons", hold.reasons());
    details.put("rules", hold.rules());
    details.put("severities", hold.severities());
    payload.put("hold", details);
    return payload;
  }

  private CompletableFuture<Void> send(byte[] body, String holdId, int attempt) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, failure) -> {
          boolean ok = failure == null && response.statusCode() / 100 == 2;
          boolean retryable = failure != null || response.statusCode() == 429
              || response.statusCode() >= 500;
          if (ok) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          if (!retryable || attempt >= ATTEMPTS || closed) {
            logger.warn("{}: webhook for hold {} failed ({})", id, holdId,
                failure != null ? failure.getClass().getSimpleName()
                    : "HTTP " + response.statusCode());
            return CompletableFuture.<Void>completedFuture(null);
          }
          return CompletableFuture.supplyAsync(() -> null,
                  CompletableFuture.delayedExecutor(1L << attempt, TimeUnit.SECONDS))
              .thenCompose(ignored -> send(body, holdId, attempt + 1));
        })
        .thenCompose(f -> f);
  }

  @Override
  public void close() {
    closed = true;
  }
}
