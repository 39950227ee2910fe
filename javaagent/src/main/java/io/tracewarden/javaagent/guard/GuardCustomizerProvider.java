package io.tracewarden.javaagent.guard;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.tracewarden.guard.Guard;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code tracewarden.guard.*} from the agent's configuration and installs the
 * {@link ToolGuard}. With the guard enabled and a rule file that cannot be loaded, the SDK does
 * not start (as with a bad masking setting) and every tool call is refused: an operator who asked
 * for the guard never gets tools running unguarded by mistake.
 */
public final class GuardCustomizerProvider implements AutoConfigurationCustomizerProvider {

  static final String ENABLED = "tracewarden.guard.enabled";
  static final String RULES = "tracewarden.guard.rules";
  static final String BUILTIN = "builtin";

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesCustomizer(config -> {
      ToolGuard.install(fromConfig(config));
      return Map.of();
    });
  }

  /** The guard {@code config} asks for, or null when it is disabled. */
  static ToolGuard fromConfig(ConfigProperties config) {
    if (!config.getBoolean(ENABLED, false)) {
      return null;
    }
    List<String> sources = config.getList(RULES, List.of(BUILTIN));
    try {
      return ToolGuard.of(Guard.load(sources));
    } catch (IOException | RuntimeException e) {
      ToolGuard.install(ToolGuard.unavailable());
      throw new ConfigurationException(RULES + ": cannot load guard rules from " + sources
          + ": " + e.getMessage(), e);
    }
  }
}
