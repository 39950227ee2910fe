package io.tracewarden.javaagent;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.tracewarden.engine.Fingerprints;
import io.tracewarden.engine.MaskingStyle;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The extension's settings, read from the agent's configuration ({@code -Dtracewarden.*} system
 * properties, {@code TRACEWARDEN_*} environment variables, the agent's configuration file). Every
 * rule file is loaded and every regex compiled when the engine is built, so a bad setting stops the
 * SDK from starting (nothing is exported) instead of letting unmasked data out.
 */
final class JavaagentConfig {

  static final String RULES = "tracewarden.rules";
  static final String DISABLED_RULES = "tracewarden.disabled_rules";
  static final String MASKING = "tracewarden.masking";
  static final String MASKING_TEXT = "tracewarden.masking.text";
  static final String MASKING_PREFIX_LENGTH = "tracewarden.masking.prefix_length";
  static final String FINGERPRINT_KEY = "tracewarden.fingerprint_key";
  static final String FINGERPRINT_KEY_FILE = "tracewarden.fingerprint_key_file";
  static final String DISABLED = "tracewarden.disabled";
  static final String BUILTIN = "builtin";
  static final int MIN_KEY_LENGTH = 16;

  final List<String> ruleSources;
  final List<String> disabledRules;
  final MaskingStyle masking;
  final boolean disabled;
  private final String fingerprintKey;
  private final Path fingerprintKeyFile;

  private JavaagentConfig(ConfigProperties config) {
    ruleSources = list(config, RULES, List.of(BUILTIN));
    disabledRules = list(config, DISABLED_RULES, List.of());
    String style = string(config, MASKING, "redacted");
    String text = string(config, MASKING_TEXT, "[REDACTED]");
    int prefixLength;
    try {
      prefixLength = Integer.parseInt(string(config, MASKING_PREFIX_LENGTH, "4").trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(MASKING_PREFIX_LENGTH + " must be an integer");
    }
    try {
      masking = MaskingStyle.parse(style, text, prefixLength);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(MASKING + ": " + e.getMessage(), e);
    }
    fingerprintKey = string(config, FINGERPRINT_KEY, null);
    String keyFile = string(config, FINGERPRINT_KEY_FILE, null);
    if (fingerprintKey != null && keyFile != null) {
      throw new ConfigurationException(
          "give " + FINGERPRINT_KEY + " or " + FINGERPRINT_KEY_FILE + ", not both");
    }
    if (fingerprintKey != null && fingerprintKey.length() < MIN_KEY_LENGTH) {
      // The key itself is never echoed.
      throw new ConfigurationException(FINGERPRINT_KEY + " must be at least " + MIN_KEY_LENGTH
          + " characters (use a long random value)");
    }
    fingerprintKeyFile = keyFile != null
        ? Path.of(keyFile)
        : Path.of(System.getProperty("user.home"), ".tracewarden", "fingerprint.key");
    disabled = Boolean.parseBoolean(string(config, DISABLED, "false").trim());
  }

  static JavaagentConfig from(ConfigProperties config) {
    return new JavaagentConfig(Objects.requireNonNull(config, "config"));
  }

  /** Loads the rules and the key and compiles the engine. */
  SecretEngine engine() {
    List<Rule> rules = new ArrayList<>();
    for (String source : ruleSources) {
      try {
        rules.addAll(source.equals(BUILTIN) ? Rules.builtin() : Rules.load(Path.of(source)));
      } catch (IOException | RuntimeException e) {
        throw new ConfigurationException(
            RULES + ": cannot load rules from " + source + ": " + e.getMessage(), e);
      }
    }
    if (rules.isEmpty()) {
      throw new ConfigurationException(RULES + ": no rules loaded: list 'builtin' and/or rule files");
    }
    byte[] key;
    if (fingerprintKey != null) {
      key = fingerprintKey.getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        key = Fingerprints.loadOrCreateKey(fingerprintKeyFile);
      } catch (IOException e) {
        throw new ConfigurationException(FINGERPRINT_KEY_FILE + ": cannot read or create "
            + fingerprintKeyFile + ": " + e.getMessage(), e);
      }
    }
    try {
      return SecretEngine.builder()
          .addRules(rules)
          .disabledRules(disabledRules)
          .masking(masking)
          .fingerprintKey(key)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(RULES + ": " + e.getMessage(), e);
    }
  }

  /**
   * Looks a key up as written and with {@code _} read as {@code .}: the SDK turns the environment
   * variable {@code TRACEWARDEN_DISABLED_RULES} into {@code tracewarden.disabled.rules}, and a
   * system property {@code tracewarden.disabled-rules} into the same.
   */
  static String string(ConfigProperties config, String key, String defaultValue) {
    String v = config.getString(key);
    if (v == null) {
      v = config.getString(key.replace('_', '.'));
    }
    return v == null || v.isBlank() ? defaultValue : v;
  }

  private static List<String> list(ConfigProperties config, String key, List<String> defaultValue) {
    String v = string(config, key, null);
    if (v == null) {
      return defaultValue;
    }
    List<String> out = new ArrayList<>();
    for (String item : v.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return List.copyOf(out);
  }
}
