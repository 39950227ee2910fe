package io.tracewarden.processors.batch;

import io.tracewarden.core.config.ConfigSection;
import java.time.Duration;

/**
 * @param sendBatchSize flush once a batch holds this many items
 * @param timeout flush a non-empty batch this long after its first item arrived
 * @param sendBatchMaxSize split outgoing requests larger than this; 0 = no limit
 */
record BatchConfig(int sendBatchSize, Duration timeout, int sendBatchMaxSize) {

  static BatchConfig read(ConfigSection config) {
    // Senders are acknowledged only once their batch is sent, so a batch that waits for more data
    // holds its senders: a sender alone gets at most (its request size / timeout) through. Small
    // defaults keep that ceiling high while still merging concurrent senders' requests.
    int size = config.integer("send_batch_size", 2048, 1, 10_000_000);
    Duration timeout = config.duration("timeout", Duration.ofMillis(50));
    int max = config.integer("send_batch_max_size", 0, 0, 10_000_000);
    if (max != 0 && max < size) {
      throw config.error("send_batch_max_size",
          "must be 0 or at least send_batch_size (" + size + ")");
    }
    if (timeout.isNegative()) {
      throw config.error("timeout", "must not be negative");
    }
    return new BatchConfig(size, timeout, max);
  }
}
