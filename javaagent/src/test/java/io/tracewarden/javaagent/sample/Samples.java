package io.tracewarden.javaagent.sample;

import java.util.Arrays;

final class Samples {

  private Samples() {}

  /** Median of the samples after the first {@code warmup} ones. */
  static long median(long[] nanos, int warmup) {
    return percentile(nanos, warmup, 0.5);
  }

  /** Prints {@code LATENCY_NANOS <median>} and {@code LATENCY_P99_NANOS <p99>} after warm-up. */
  static void print(long[] nanos, int warmup) {
    System.out.println("LATENCY_NANOS " + median(nanos, warmup));
    System.out.println("LATENCY_P99_NANOS " + percentile(nanos, warmup, 0.99));
  }

  private static long percentile(long[] nanos, int warmup, double p) {
    long[] measured = Arrays.copyOfRange(nanos, Math.min(warmup, nanos.length - 1), nanos.length);
    Arrays.sort(measured);
    return measured[(int) Math.min(measured.length - 1, Math.floor(measured.length * p))];
  }
}
