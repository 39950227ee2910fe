package io.tracewarden.processors.memorylimiter;

/** Where the limiter reads heap use from; tests substitute a controllable one. */
@FunctionalInterface
interface HeapGauge {

  HeapGauge RUNTIME = () -> {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  };

  long usedBytes();
}
