package io.tracewarden.processors.memorylimiter;

/** Where the limiter reads heap use from; tests substitute a controllable one. */
interface HeapGauge {

  /** Heap in use now, garbage not yet collected included. */
  long usedBytes();

  /**
   * Heap in use right after the most recent collection, or -1 before the first: the closest the
   * JVM comes to saying what is live without a collection of our own.
   */
  long usedAfterLastCollection();
}
