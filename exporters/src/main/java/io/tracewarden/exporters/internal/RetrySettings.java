package io.tracewarden.exporters.internal;

import io.tracewarden.core.config.ConfigSection;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code retry_on_failure}: exponential backoff with jitter for retryable failures.
 *
 * @param enabled retry at all; when false a retryable failure is final
 * @param initialInterval the first wait
 * @param maxInterval the cap on one wait (before jitter)
 * @param maxElapsedTime give up once this much time has passed since the first attempt; zero
 *     retries forever
 * @param multiplier growth of the wait per attempt
 * @param randomizationFactor each wait is drawn from {@code interval * [1 - f, 1 + f]}
 */
public record RetrySettings(
    boolean enabled,
    Duration initialInterval,
    Duration maxInterval,
    Duration maxElapsedTime,
    double multiplier,
    double randomizationFactor) {

  public static final RetrySettings DEFAULT = new RetrySettings(true, Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(5), 1.5, 0.5);

  public static RetrySettings read(ConfigSection config) {
    boolean enabled = config.bool("enabled", DEFAULT.enabled);
    Duration initial = positive(config, "initial_interval", DEFAULT.initialInterval);
    Duration max = positive(config, "max_interval", DEFAULT.maxInterval);
    Duration maxElapsed = config.duration("max_elapsed_time", DEFAULT.maxElapsedTime);
    if (maxElapsed.isNegative()) {
      throw config.error("max_elapsed_time", "must not be negative");
    }
    double multiplier = config.doubleValue("multiplier", DEFAULT.multiplier, 1.0, 100.0);
    double randomization =
        config.doubleValue("randomization_factor", DEFAULT.randomizationFactor, 0.0, 1.0);
    if (max.compareTo(initial) < 0) {
      throw config.error("max_interval", "must not be less than initial_interval");
    }
    return new RetrySettings(enabled, initial, max, maxElapsed, multiplier, randomization);
  }

  private static Duration positive(ConfigSection config, String key, Duration defaultValue) {
    Duration value = config.duration(key, defaultValue);
    if (value.isNegative() || value.isZero()) {
      throw config.error(key, "must be greater than zero");
    }
    return value;
  }

  /** The interval (before jitter) that follows {@code currentNanos}. */
  long nextIntervalNanos(long currentNanos) {
    double next = currentNanos * multiplier;
    return (long) Math.min(next, (double) maxInterval.toNanos());
  }

  /** {@code intervalNanos} with jitter applied. */
  long jitteredNanos(long intervalNanos) {
    if (randomizationFactor == 0) {
      return intervalNanos;
    }
    double delta = randomizationFactor * intervalNanos;
    double low = intervalNanos - delta;
    return (long) (low + ThreadLocalRandom.current().nextDouble() * (2 * delta + 1));
  }
}
