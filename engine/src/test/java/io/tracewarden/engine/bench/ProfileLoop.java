package io.tracewarden.engine.bench;

import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;

/** Scans one PerfCheck input in a loop for a profiler: {@code ProfileLoop clean|trace seconds}. */
public final class ProfileLoop {
  private ProfileLoop() {}

  public static void main(String[] args) {
    SecretEngine e = SecretEngine.builder().addRules(Rules.builtin())
        .fingerprintKey(new byte[32]).build();
    String text = args[0].equals("clean") ? PerfCheck.clean(1 << 20) : PerfCheck.trace(1 << 20, 7);
    long end = System.nanoTime() + (long) (Double.parseDouble(args[1]) * 1e9);
    int rounds = 0;
    while (System.nanoTime() < end) {
      e.scan(text);
      rounds++;
    }
    System.out.println("rounds=" + rounds);
  }
}
