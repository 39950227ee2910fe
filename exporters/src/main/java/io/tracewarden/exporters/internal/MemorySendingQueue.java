package io.tracewarden.exporters.internal;

import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A bounded in-memory {@link SendingQueue}: what it holds is lost if the process dies. */
public final class MemorySendingQueue implements SendingQueue {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Telemetry> items = new ArrayDeque<>();
  private final int capacity;
  private boolean closed;

  public MemorySendingQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public boolean offer(Telemetry telemetry) {
    lock.lock();
    try {
      if (closed || items.size() >= capacity) {
        return false;
      }
      items.addLast(telemetry);
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
      return items.pollFirst();
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
      return left;
    } finally {
      lock.unlock();
    }
  }
}
