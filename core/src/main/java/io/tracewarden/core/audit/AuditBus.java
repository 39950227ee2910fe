package io.tracewarden.core.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers audit events synchronously to every subscriber, in publish order per thread.
 * Subscribers must be quick (hand off to their own queue); one that throws is logged and does not
 * stop delivery to the others.
 */
public final class AuditBus {

  private static final Logger logger = LoggerFactory.getLogger(AuditBus.class);

  private final List<Consumer<AuditEvent>> subscribers = new CopyOnWriteArrayList<>();
  private final LongAdder published = new LongAdder();
  private final LongAdder subscriberFailures = new LongAdder();

  /** Registers {@code subscriber}; closing the returned handle unregisters it. */
  public AutoCloseable subscribe(Consumer<AuditEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public void publish(AuditEvent event) {
    published.increment();
    for (Consumer<AuditEvent> subscriber : subscribers) {
      try {
        subscriber.accept(event);
      } catch (RuntimeException e) {
        subscriberFailures.increment();
        logger.error("audit subscriber failed on a {} event", event.type(), e);
      }
    }
  }

  public long publishedCount() {
    return published.sum();
  }

  public long subscriberFailureCount() {
    return subscriberFailures.sum();
  }
}
