package io.tracewarden.processors.guard;

import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.guard.Action;
import io.tracewarden.guard.Guard;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code guard} processor's settings, read and checked (every rule compiled) at config time. */
final class GuardConfig {

  static final String BUILTIN = "builtin";
  static final String VOLUME_RECORD = "volume-record-secrets";
  static final String VOLUME_SESSION = "volume-session-secrets";
  static final String SESSION_BLOCKED = "session-blocked";
  static final String CHILD_OF_BLOCKED = "child-of-blocked";

  final Guard guard;
  final Action volumeRecordAction;
  final Action volumeSessionAction;
  final int maxSecretsPerRecord;
  final int maxDistinctSecrets;
  final Duration window;
  final int sessionBlockAfter;
  final Duration sessionCooldown;
  final Duration blockedSpanTtl;
  final int maxSessions;

  GuardConfig(ConfigSection config) {
    List<String> sources = config.has("rules") ? config.stringList("rules")
        : List.of(BUILTIN);
    Guard loaded;
    try {
      loaded = Guard.load(sources);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(config.keyLocation("rules"), config.path() + ".rules",
          "cannot load guard rules: " + e.getMessage());
    }
    Set<String> known = new LinkedHashSet<>(loaded.ruleIds());
    known.add(VOLUME_RECORD);
    known.add(VOLUME_SESSION);

    Set<String> disabled = new LinkedHashSet<>(config.stringList("disabled_rules"));
    for (String id : disabled) {
      if (!known.contains(id)) {
        throw config.error("disabled_rules", "unknown rule '" + id + "'");
      }
    }
    Map<String, Action> actions = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : config.stringMap("actions").entrySet()) {
      if (!known.contains(entry.getKey())) {
        throw config.error("actions", "unknown rule '" + entry.getKey() + "'");
      }
      Action action = Action.parse(entry.getValue());
      if (action == null) {
        throw config.error("actions", "action for '" + entry.getKey()
            + "' must be block, hold or flag, got '" + entry.getValue() + "'");
      }
      actions.put(entry.getKey(), action);
    }
    guard = loaded.configure(disabled, actions);
    volumeRecordAction = disabled.contains(VOLUME_RECORD) ? null
        : actions.getOrDefault(VOLUME_RECORD, Action.BLOCK);
    volumeSessionAction = disabled.contains(VOLUME_SESSION) ? null
        : actions.getOrDefault(VOLUME_SESSION, Action.BLOCK);
    maxSecretsPerRecord = config.integer("max_secrets_per_record", 10, 0, 1_000_000);
    maxDistinctSecrets = config.integer("max_distinct_secrets", 25, 0, 1_000_000);
    window = config.duration("window", Duration.ofMinutes(10));
    sessionBlockAfter = config.integer("session_block_after", 3, 0, 1_000_000);
    sessionCooldown = config.duration("session_cooldown", Duration.ofMinutes(15));
    blockedSpanTtl = config.duration("blocked_span_ttl", Duration.ofMinutes(5));
    maxSessions = config.integer("max_sessions", 10_000, 1, 10_000_000);
    if (window.isZero() || window.isNegative()) {
      throw config.error("window", "must be positive");
    }
  }
}
