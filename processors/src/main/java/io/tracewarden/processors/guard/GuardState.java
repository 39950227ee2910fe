package io.tracewarden.processors.guard;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * What the guard remembers between requests, bounded: per session, the distinct secret
 * fingerprints seen within the window, the blocks counted toward escalation and a block
 * deadline; per trace, the span ids dropped recently, so that late children are dropped too.
 * One instance is shared by the traces and logs instances of one configured guard.
 */
final class GuardState {

  /** Distinct fingerprints tracked per session beyond the limit (the rest need not be kept). */
  private static final int MAX_DISTINCT_TRACKED = 4096;
  private static final int MAX_BLOCK_KEYS = 256;
  private static final int MAX_TRACES = 100_000;
  private static final int MAX_SPANS_PER_TRACE = 10_000;

  private final Object lock = new Object();
  private final int maxSessions;
  private final long windowNanos;
  private final long cooldownNanos;
  private final long spanTtlNanos;
  private final int blockAfter;
  private final LinkedHashMap<String, SessionEntry> sessions;
  private final LinkedHashMap<ByteString, TraceEntry> traces;
  private volatile int blockedSessionCount;
  private volatile int blockedTraceCount;

  GuardState(GuardConfig config) {
    this.maxSessions = config.maxSessions;
    this.windowNanos = config.window.toNanos();
    this.cooldownNanos = config.sessionCooldown.toNanos();
    this.spanTtlNanos = config.blockedSpanTtl.toNanos();
    this.blockAfter = config.sessionBlockAfter;
    this.sessions = new LinkedHashMap<>(64, 0.75f, true);
    this.traces = new LinkedHashMap<>(64, 0.75f, false);
  }

  // ---- secrets per session

  /** Records fingerprints a {@code secrets.masked} event reported for {@code session}. */
  void secretsSeen(String session, List<String> fingerprints, long now) {
    if (session.isEmpty() || fingerprints.isEmpty()) {
      return;
    }
    synchronized (lock) {
      SessionEntry entry = session(session);
      for (String fingerprint : fingerprints) {
        entry.fingerprints.remove(fingerprint);
        if (entry.fingerprints.size() < MAX_DISTINCT_TRACKED) {
          entry.fingerprints.put(fingerprint, now);
        }
      }
      expireFingerprints(entry, now);
    }
  }

  /** Distinct fingerprints seen for {@code session} within the window. */
  int distinctSecrets(String session, long now) {
    synchronized (lock) {
      SessionEntry entry = sessions.get(session);
      if (entry == null) {
        return 0;
      }
      expireFingerprints(entry, now);
      return entry.fingerprints.size();
    }
  }

  private void expireFingerprints(SessionEntry entry, long now) {
    Iterator<Long> seen = entry.fingerprints.values().iterator();
    while (seen.hasNext()) {
      if (now - seen.next() > windowNanos) {
        seen.remove();
      } else {
        break; // insertion order is time order
      }
    }
  }

  // ---- escalation

  /**
   * Counts a block for {@code session} (the same {@code key}, e.g. one command repeated in chat
   * history, counts once); returns true when this block starts a session block.
   */
  boolean blockCounted(String session, String key, long now) {
    if (session.isEmpty() || blockAfter <= 0) {
      return false;
    }
    synchronized (lock) {
      SessionEntry entry = session(session);
      if (entry.blocked && entry.blockedUntil - now > 0) {
        return false;
      }
      if (entry.blockKeys.contains(key)) {
        return false;
      }
      if (entry.blockKeys.size() < MAX_BLOCK_KEYS) {
        entry.blockKeys.add(key);
      }
      entry.blocks++;
      if (entry.blocks >= blockAfter) {
        if (!entry.blocked) {
          blockedSessionCount++;
        }
        entry.blocked = true;
        entry.blockedUntil = now + cooldownNanos;
        entry.blocks = 0;
        entry.blockKeys.clear();
        return true;
      }
      return false;
    }
  }

  /** Cheap check for the data path: whether any session may currently be blocked. */
  boolean anySessionBlocked() {
    return blockedSessionCount > 0;
  }

  boolean sessionBlocked(String session, long now) {
    synchronized (lock) {
      SessionEntry entry = sessions.get(session);
      if (entry == null || !entry.blocked) {
        return false;
      }
      if (entry.blockedUntil - now > 0) {
        return true;
      }
      entry.blocked = false;
      blockedSessionCount = Math.max(0, blockedSessionCount - 1);
      return false;
    }
  }

  private SessionEntry session(String session) {
    SessionEntry entry = sessions.get(session);
    if (entry == null) {
      if (sessions.size() >= maxSessions) {
        Iterator<SessionEntry> eldest = sessions.values().iterator();
        if (eldest.next().blocked) {
          blockedSessionCount = Math.max(0, blockedSessionCount - 1);
        }
        eldest.remove();
      }
      entry = new SessionEntry();
      sessions.put(session, entry);
    }
    return entry;
  }

  // ---- blocked spans

  boolean anyBlockedSpans() {
    return blockedTraceCount > 0;
  }

  boolean spanBlocked(ByteString traceId, ByteString spanId, long now) {
    synchronized (lock) {
      TraceEntry entry = traces.get(traceId);
      if (entry == null) {
        return false;
      }
      if (now - entry.expiresAt > 0) {
        traces.remove(traceId);
        blockedTraceCount = traces.size();
        return false;
      }
      return entry.spans.contains(spanId);
    }
  }

  void rememberBlocked(ByteString traceId, Set<ByteString> spanIds, long now) {
    if (spanTtlNanos <= 0 || spanIds.isEmpty()) {
      return;
    }
    synchronized (lock) {
      expireTraces(now);
      TraceEntry entry = traces.remove(traceId);
      if (entry == null) {
        if (traces.size() >= MAX_TRACES) {
          Iterator<ByteString> eldest = traces.keySet().iterator();
          eldest.next();
          eldest.remove();
        }
        entry = new TraceEntry();
      }
      for (ByteString spanId : spanIds) {
        if (entry.spans.size() < MAX_SPANS_PER_TRACE) {
          entry.spans.add(spanId);
        }
      }
      entry.expiresAt = now + spanTtlNanos;
      traces.put(traceId, entry); // re-insert: the map stays in expiry order
      blockedTraceCount = traces.size();
    }
  }

  private void expireTraces(long now) {
    Iterator<TraceEntry> it = traces.values().iterator();
    while (it.hasNext()) {
      if (now - it.next().expiresAt > 0) {
        it.remove();
      } else {
        break;
      }
    }
  }

  private static final class SessionEntry {
    final LinkedHashMap<String, Long> fingerprints = new LinkedHashMap<>();
    final Set<String> blockKeys = new HashSet<>();
    int blocks;
    boolean blocked;
    long blockedUntil;
  }

  private static final class TraceEntry {
    final Set<ByteString> spans = new HashSet<>();
    long expiresAt;
  }
}
