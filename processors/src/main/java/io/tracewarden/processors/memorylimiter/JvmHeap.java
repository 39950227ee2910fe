package io.tracewarden.processors.memorylimiter;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's heap. The after-collection figure comes from the collectors' notifications, so it
 * costs nothing per request; one listener serves every limiter in the process.
 */
final class JvmHeap implements HeapGauge {

  static final JvmHeap INSTANCE = new JvmHeap();

  private final AtomicLong afterLastCollection = new AtomicLong(-1);

  private JvmHeap() {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) ->
            afterCollection(notification, heapPools), null, null);
      }
    }
  }

  private void afterCollection(Notification notification, Set<String> heapPools) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
        .equals(notification.getType())) {
      return;
    }
    Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo
        .from((CompositeData) notification.getUserData()).getGcInfo().getMemoryUsageAfterGc();
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : after.entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    afterLastCollection.set(used);
  }

  @Override
  public long usedBytes() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Override
  public long usedAfterLastCollection() {
    return afterLastCollection.get();
  }
}
