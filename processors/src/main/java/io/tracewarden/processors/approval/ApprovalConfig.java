package io.tracewarden.processors.approval;

import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.engine.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code approval} processor's settings, checked at config time. No files, no network. */
final class ApprovalConfig {

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
  static final int DEFAULT_MAX_PENDING = 1000;
  static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;
  static final long DEFAULT_PREVIEW_BYTES = 64L << 10;
  static final int DEFAULT_RETAIN_DECIDED = 1000;

  enum Scope { RECORD, SESSION }

  /** Hold records with a finding at or above this severity; null: no severity condition. */
  final Severity minSeverity;
  /** Hold records where one of these rules masked something. */
  final Set<String> rules;
  /** Hold records the guard marked {@code tracewarden.guard.action: hold}. */
  final boolean guardHold;
  /** Hold records (or their resource) with one of these attribute values. */
  final Map<String, String> attributes;
  final Scope scope;
  final Duration timeout;
  final boolean releaseOnTimeout;
  final int maxPending;
  final long maxPendingBytes;
  final int minApprovals;
  final int previewBytes;
  final int retainDecided;
  final URI webhookUrl;

  ApprovalConfig(ConfigSection config) {
    ConfigSection holdWhen = config.section("hold_when");
    boolean defaults = !config.has("hold_when");
    String severity = holdWhen.oneOf("min_severity", defaults ? "critical" : null,
        "low", "medium", "high", "critical");
    minSeverity = severity == null ? null : Severity.parse(severity);
    rules = Set.copyOf(holdWhen.stringList("rules"));
    guardHold = holdWhen.bool("guard_hold", true);
    attributes = Map.copyOf(holdWhen.stringMap("attributes"));
    if (minSeverity == null && rules.isEmpty() && !guardHold && attributes.isEmpty()) {
      throw config.error("hold_when",
          "holds nothing: set min_severity, rules, guard_hold or attributes");
    }
    scope = config.oneOf("scope", "record", "record", "session").equals("record")
        ? Scope.RECORD : Scope.SESSION;
    timeout = config.duration("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofDays(7)) > 0) {
      throw config.error("timeout", "must be more than 0 and at most 7 days");
    }
    releaseOnTimeout = config.oneOf("on_timeout", "deny", "deny", "release").equals("release");
    maxPending = config.integer("max_pending", DEFAULT_MAX_PENDING, 1, 1_000_000);
    maxPendingBytes = config.bytes("max_pending_bytes", DEFAULT_MAX_PENDING_BYTES, 1024,
        16L << 30);
    minApprovals = config.integer("min_approvals", 1, 1, 10);
    previewBytes = (int) config.bytes("preview_max_bytes", DEFAULT_PREVIEW_BYTES, 256, 16L << 20);
    retainDecided = config.integer("retain_decided", DEFAULT_RETAIN_DECIDED, 0, 1_000_000);
    webhookUrl = config.string("webhook_url").map(url -> parseUrl(config, url)).orElse(null);
    if (config.has("reveal_to")) {
      throw config.error("reveal_to", "is not supported yet: the approval processor only ever "
          + "sees masked data (see docs/approvals.md)");
    }
  }

  private static URI parseUrl(ConfigSection config, String url) {
    try {
      URI uri = new URI(url);
      if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))
          || uri.getHost() == null) {
        throw config.error("webhook_url", "expected an http or https URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("webhook_url", "expected an http or https URL");
    }
  }
}
