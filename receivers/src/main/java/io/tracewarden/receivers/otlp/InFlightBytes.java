package io.tracewarden.receivers.otlp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control: a budget of request bytes the receiver holds at once, from the moment a body
 * is known until the pipeline has answered for it. A request that does not fit is refused before
 * it is decoded, so what the receiver keeps alive is bounded by construction rather than by how
 * soon the collector notices. Heap-based limiting (the {@code memory_limiter} processor) still
 * sees everything else; this covers the window it cannot: bodies being aggregated and decoded.
 *
 * <p>One request is always admitted when nothing is in flight, so a single body larger than the
 * whole budget (but within the body size limit) cannot be starved forever.
 */
final class InFlightBytes {

  private final long limit;
  private final AtomicLong held = new AtomicLong();

  InFlightBytes(long limit) {
    this.limit = limit;
  }

  /**
   * Reserves {@code extra} bytes more for a request that already holds {@code own} (0 for a new
   * one; more for a body that grew when it was decompressed). It fits within the budget, or when
   * this request is alone; otherwise nothing is reserved.
   */
  private boolean tryReserve(long own, long extra) {
    while (true) {
      long current = held.get();
      if (current != own && current + extra > limit) {
        return false;
      }
      if (held.compareAndSet(current, current + extra)) {
        return true;
      }
    }
  }

  private void release(long bytes) {
    held.addAndGet(-bytes);
  }

  /** What one request holds; grows as its size becomes known, released once, when answered. */
  Reservation reservation() {
    return new Reservation();
  }

  /** Confined to one request, whose stages hand it on through futures (happens-before). */
  final class Reservation implements AutoCloseable {

    private long own;

    /** Makes this request hold at least {@code bytes}; false when the budget cannot cover it. */
    boolean cover(long bytes) {
      if (bytes <= own) {
        return true;
      }
      if (!tryReserve(own, bytes - own)) {
        return false;
      }
      own = bytes;
      return true;
    }

    @Override
    public void close() {
      release(own);
      own = 0;
    }
  }

  long held() {
    return held.get();
  }

  long limit() {
    return limit;
  }
}
