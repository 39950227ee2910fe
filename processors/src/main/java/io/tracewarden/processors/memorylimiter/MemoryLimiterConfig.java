package io.tracewarden.processors.memorylimiter;

import io.tracewarden.core.config.ConfigSection;
import java.time.Duration;

/**
 * Limits in bytes, resolved against the JVM's maximum heap.
 *
 * @param hardLimit above this, refuse and ask the JVM to collect garbage
 * @param softLimit above this (hard limit minus the spike allowance), refuse new data
 * @param checkInterval how often the background check runs between requests
 */
record MemoryLimiterConfig(long hardLimit, long softLimit, Duration checkInterval,
    Duration retryAfter) {

  private static final long MIB = 1L << 20;

  static MemoryLimiterConfig read(ConfigSection config, long maxHeap) {
    Duration interval = config.duration("check_interval", Duration.ofSeconds(1));
    if (interval.isZero() || interval.isNegative()) {
      throw config.error("check_interval", "must be positive");
    }
    Duration retryAfter = config.duration("retry_after", Duration.ofSeconds(5));
    boolean absolute = config.has("limit_mib");
    boolean relative = config.has("limit_percentage");
    if (absolute && relative) {
      throw config.error("limit_percentage", "give limit_mib or limit_percentage, not both");
    }
    long hard;
    long spike;
    if (absolute) {
      hard = config.longValue("limit_mib", 0, 1, Long.MAX_VALUE / MIB) * MIB;
      spike = config.longValue("spike_limit_mib", hard / MIB / 5, 0, hard / MIB - 1) * MIB;
      if (config.has("spike_limit_percentage")) {
        throw config.error("spike_limit_percentage", "use spike_limit_mib with limit_mib");
      }
      config.node("spike_limit_percentage");
    } else {
      int percentage = config.integer("limit_percentage", 80, 1, 100);
      int spikePercentage = config.integer("spike_limit_percentage", 20, 0, percentage - 1);
      hard = maxHeap / 100 * percentage;
      spike = maxHeap / 100 * spikePercentage;
      if (config.has("spike_limit_mib")) {
        throw config.error("spike_limit_mib", "use spike_limit_percentage with limit_percentage");
      }
      config.node("spike_limit_mib");
    }
    if (absolute && hard > maxHeap) {
      throw config.error("limit_mib", "is above the JVM's maximum heap ("
          + maxHeap / MIB + " MiB): raise -Xmx or lower the limit");
    }
    return new MemoryLimiterConfig(hard, hard - spike, interval, retryAfter);
  }
}
