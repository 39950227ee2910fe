package io.tracewarden.javaagent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the masking exporters did; one failure is logged (class name only), all are counted. */
final class MaskingStats {

  private static final Logger logger = Logger.getLogger(MaskingStats.class.getName());

  final LongAdder maskedSpans = new LongAdder();
  final LongAdder maskedLogs = new LongAdder();
  final LongAdder droppedOnFailure = new LongAdder();
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  void failed(RuntimeException e) {
    droppedOnFailure.increment();
    if (failureLogged.compareAndSet(false, true)) {
      // The exception message could quote telemetry: log its type only.
      logger.log(Level.WARNING, "tracewarden: masking failed ({0}); the record was dropped, "
          + "not exported unmasked. Further failures are counted, not logged.",
          e.getClass().getName());
    }
  }

  /**
   * Masks each item; one that cannot be masked (an engine failure) is dropped and counted, never
   * passed on as it was.
   */
  <T> List<T> maskEach(Collection<T> items, UnaryOperator<T> mask, LongAdder changed) {
    List<T> out = new ArrayList<>(items.size());
    for (T item : items) {
      T masked;
      try {
        masked = mask.apply(item);
      } catch (RuntimeException e) {
        failed(e);
        continue;
      }
      if (masked != item) {
        changed.increment();
      }
      out.add(masked);
    }
    return out;
  }
}
