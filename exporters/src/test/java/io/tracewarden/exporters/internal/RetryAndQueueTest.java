package io.tracewarden.exporters.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.TestData;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAndQueueTest {

  @Test
  void backoffGrowsByTheMultiplierUpToTheCap() {
    RetrySettings retry = RetrySettings.read(TestComponents.config(
        "initial_interval: 1s\nmax_interval: 3s\nmultiplier: 2\nrandomization_factor: 0"));

    long first = retry.initialInterval().toNanos();
    long second = retry.nextIntervalNanos(first);
    long third = retry.nextIntervalNanos(second);

    assertThat(Duration.ofNanos(second)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(third)).isEqualTo(Duration.ofSeconds(3));
    assertThat(retry.jitteredNanos(second)).isEqualTo(second);
  }

  @Test
  void jitterStaysWithinTheRandomizationFactor() {
    RetrySettings retry = RetrySettings.read(TestComponents.config("randomization_factor: 0.5"));
    for (int i = 0; i < 1000; i++) {
      assertThat(retry.jitteredNanos(1_000_000)).isBetween(500_000L, 1_500_001L);
    }
  }

  @Test
  void defaultsMatchTheCollector() {
    RetrySettings retry = RetrySettings.read(TestComponents.config(""));
    assertThat(retry).isEqualTo(RetrySettings.DEFAULT);
    assertThat(retry.maxElapsedTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(QueueSettings.read(TestComponents.config(""))).isEqualTo(QueueSettings.DEFAULT);
  }

  @Test
  void maxIntervalBelowInitialIsRefused() {
    assertThatThrownBy(() -> RetrySettings.read(
        TestComponents.config("initial_interval: 10s\nmax_interval: 1s")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max_interval");
  }

  @Test
  void queueIsBoundedAndDrainsAfterClose() throws InterruptedException {
    MemorySendingQueue queue = new MemorySendingQueue(2);
    Telemetry a = TestData.traceTelemetry("a", 1);
    Telemetry b = TestData.traceTelemetry("b", 1);

    assertThat(queue.offer(a)).isTrue();
    assertThat(queue.offer(b)).isTrue();
    assertThat(queue.offer(a)).isFalse();
    assertThat(queue.size()).isEqualTo(2);

    queue.close();
    assertThat(queue.offer(a)).isFalse();
    assertThat(queue.poll(Duration.ZERO)).isSameAs(a);
    assertThat(queue.drain()).containsExactly(b);
    assertThat(queue.poll(Duration.ofSeconds(5))).isNull(); // closed and empty: no waiting
  }

  @Test
  void memoryQueueIsBoundedByEncodedBytesButAlwaysTakesOneRequest() throws Exception {
    Telemetry a = TestData.traceTelemetry("a", 50);
    long size = a.request().getSerializedSize();
    MemorySendingQueue queue = new MemorySendingQueue(100, size * 2 + 1);
    assertThat(queue.offer(a)).isTrue();
    assertThat(queue.offer(a)).isTrue();
    assertThat(queue.offer(a)).isFalse();
    assertThat(queue.bytes()).isEqualTo(size * 2);
    assertThat(queue.poll(Duration.ZERO)).isSameAs(a);
    assertThat(queue.bytes()).isEqualTo(size);
    assertThat(queue.offer(a)).isTrue();

    MemorySendingQueue tiny = new MemorySendingQueue(100, 1);
    assertThat(tiny.offer(a)).isTrue();
    assertThat(tiny.offer(a)).isFalse();
  }

  @Test
  void memoryQueueDefaultsToABoundInBytes() {
    QueueSettings memory = QueueSettings.read(TestComponents.config("queue_size: 10"));
    assertThat(memory.maxBytes()).isEqualTo(QueueSettings.DEFAULT_MEMORY_MAX_BYTES);
    assertThat(QueueSettings.read(TestComponents.config("max_bytes: 8MiB")).maxBytes())
        .isEqualTo(8L << 20);
  }
}
