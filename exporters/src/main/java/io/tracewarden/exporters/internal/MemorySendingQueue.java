package io.tracewarden.exporters.internal;

import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded in-memory {@link SendingQueue}: what it holds is lost if the process dies. Bounded by
 * request count and by encoded bytes, since a count alone says nothing about memory (a 500-span
 * request of GenAI content is about 0.7 MB encoded and several times that on the heap).
 */
public final class MemorySendingQueue implements SendingQueue {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Telemetry> items = new ArrayDeque<>();
  private final int capacity;
  private final long maxBytes;
  private long bytes;
  private boolean closed;

  public MemorySendingQueue(int capacity) {
    this(capacity, Long.MAX_VALUE);
  }

  public MemorySendingQueue(int capacity, long maxBytes) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean offer(Telemetry telemetry) {
    lock.lock();
    try {
      long size = encodedSize(telemetry);
      // An empty queue takes any one request, so a large one is never refused forever.
      if (closed || items.size() >= capacity || (!items.isEmpty() && bytes + size > maxBytes)) {
        return false;
      }
      items.addLast(telemetry);
      bytes += size;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Telemetry poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (closed || nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      Telemetry next = items.pollFirst();
      bytes -= encodedSize(next);
      return next;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Telemetry> drain() {
    lock.lock();
    try {
      List<Telemetry> left = new ArrayList<>(items);
      items.clear();
      bytes = 0;
      return left;
    } finally {
      lock.unlock();
    }
  }

  /** Encoded bytes held now, for tests and metrics. */
  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private static long encodedSize(Telemetry telemetry) {
    // Protobuf memoizes the serialized size, so this costs nothing when the exporter encodes.
    return telemetry.protobuf() != null ? telemetry.protobuf().length
        : telemetry.request().getSerializedSize();
  }
}
