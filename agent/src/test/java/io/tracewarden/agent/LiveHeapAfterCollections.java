package io.tracewarden.agent;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use right after each full collection, as the JVM reports it: the data the process
 * actually keeps alive, without the garbage a reading between collections also counts. (After a
 * young collection the old generation still holds garbage, so only full collections count.)
 */
final class LiveHeapAfterCollections implements NotificationListener, AutoCloseable {

  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
      .collect(Collectors.toSet());
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final AtomicLong peak = new AtomicLong();
  private final AtomicInteger collections = new AtomicInteger();

  static LiveHeapAfterCollections listen() {
    LiveHeapAfterCollections listener = new LiveHeapAfterCollections();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        listener.emitters.add(emitter);
      }
    }
    return listener;
  }

  @Override
  public void handleNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
        .equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
        .from((CompositeData) notification.getUserData());
    if (!"end of major GC".equals(info.getGcAction())) {
      return;
    }
    Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
    long used = after.entrySet().stream().filter(pool -> heapPools.contains(pool.getKey()))
        .mapToLong(pool -> pool.getValue().getUsed()).sum();
    peak.accumulateAndGet(used, Math::max);
    collections.incrementAndGet();
  }

  long peak() {
    return peak.get();
  }

  int collections() {
    return collections.get();
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(this);
      } catch (ListenerNotFoundException e) {
        // never added: nothing to remove
      }
    }
  }
}
