package io.tracewarden.javaagent;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.Map;

/**
 * Plugs the masking exporters into the agent's SDK: every span and log exporter the agent
 * configures (OTLP, logging, ...) is wrapped, so nothing is exported unmasked. Also turns GenAI
 * message-content capture on by default, since content is masked in-process (an explicit
 * {@code otel.instrumentation.genai.capture-message-content=false} still wins).
 */
public final class TracewardenCustomizerProvider implements AutoConfigurationCustomizerProvider {

  static final String CAPTURE_CONTENT = "otel.instrumentation.genai.capture-message-content";

  private final Object lock = new Object();
  private TelemetryMasker masker; // guarded by lock
  private final MaskingStats stats = new MaskingStats();

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesSupplier(() -> Map.of(CAPTURE_CONTENT, "true"));
    customizer.addSpanExporterCustomizer((exporter, config) -> {
      TelemetryMasker m = masker(config);
      return m == null ? exporter : new MaskingSpanExporter(exporter, m, stats);
    });
    customizer.addLogRecordExporterCustomizer((exporter, config) -> {
      TelemetryMasker m = masker(config);
      return m == null ? exporter : new MaskingLogRecordExporter(exporter, m, stats);
    });
  }

  @Override
  public int order() {
    // Run late so that exporters wrapped by other customizers are wrapped again, by us, last.
    return Integer.MAX_VALUE;
  }

  /** One engine for all exporters; null when masking is disabled. Throws on bad configuration. */
  private TelemetryMasker masker(ConfigProperties config) {
    synchronized (lock) {
      JavaagentConfig c = JavaagentConfig.from(config);
      if (c.disabled) {
        return null;
      }
      if (masker == null) {
        masker = new TelemetryMasker(c.engine());
      }
      return masker;
    }
  }
}
