package io.tracewarden.javaagent.sample;

import java.util.Arrays;

final class Samples {

  private Samples() {}

  /** Median of the samples after the first {@code warmup} ones. */
  static long median(long[] nanos, int warmup) {
    long[] measured = Arrays.copyOfRange(nanos, Math.min(warmup, nanos.length - 1), nanos.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }
}
