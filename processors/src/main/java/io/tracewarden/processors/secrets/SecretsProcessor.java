package io.tracewarden.processors.secrets;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.consumer.Capabilities;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.visit.TelemetryStrings;
import io.tracewarden.engine.Fingerprints;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks secrets in every string a backend could show, before anything downstream sees the data.
 * Records it changed carry {@code tracewarden.masked.count} and {@code tracewarden.masked.rules};
 * each such record also yields one {@code secrets.masked} audit event listing rule, severity,
 * attribute path and keyed fingerprint per finding, never the value.
 */
final class SecretsProcessor implements Processor {

  private static final AttributeKey<String> RULE = AttributeKey.stringKey("rule");

  private final ComponentId id;
  private final SecretsConfig config;
  private final Consumer next;
  private final AuditBus audit;
  private final LongCounter maskedCounter;
  private final Attributes componentAttributes;
  private final Map<String, Attributes> ruleAttributes = new ConcurrentHashMap<>();
  private volatile SecretEngine engine;

  SecretsProcessor(ComponentSettings settings, SecretsConfig config, Consumer next) {
    this.id = settings.id();
    this.config = config;
    this.next = next;
    this.audit = settings.audit();
    this.componentAttributes = settings.metrics().attributes();
    this.maskedCounter = settings.metrics().meter().counterBuilder("tracewarden.secrets.masked")
        .setDescription("Secrets masked, by rule").setUnit("{secret}").build();
  }

  @Override
  public void start(Host host) throws IOException {
    byte[] key = config.fingerprintKey != null ? config.fingerprintKey
        : Fingerprints.loadOrCreateKey(config.fingerprintKeyFile);
    engine = config.engine(key);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    SecretEngine current = engine;
    if (current == null) {
      // Fail closed: without the engine nothing may pass unscanned.
      throw new IllegalStateException(id + " received data before it started");
    }
    MaskingVisitor visitor = new MaskingVisitor(current, config.skippedAttributes, telemetry, id,
        audit, this::countMasked);
    Telemetry masked = telemetry.withRequest(switch (telemetry.signal()) {
      case TRACES -> TelemetryStrings.visit(telemetry.traces(), visitor);
      case LOGS -> TelemetryStrings.visit(telemetry.logs(), visitor);
      case METRICS -> TelemetryStrings.visit(telemetry.metrics(), visitor);
    });
    return next.consume(masked);
  }

  private void countMasked(String ruleId) {
    maskedCounter.add(1, ruleAttributes.computeIfAbsent(ruleId,
        rule -> componentAttributes.toBuilder().put(RULE, rule).build()));
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }
}
