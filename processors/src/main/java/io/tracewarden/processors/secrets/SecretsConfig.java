package io.tracewarden.processors.secrets;

import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.engine.MaskingStyle;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import io.tracewarden.engine.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code secrets} processor's settings, read and checked at config time: every rule file is
 * loaded and every regex compiled here, so a bad rule stops the agent before it serves.
 */
final class SecretsConfig {

  static final String BUILTIN = "builtin";
  private static final int MIN_KEY_LENGTH = 16;

  final List<Rule> rules;
  final List<String> disabledRules;
  final List<String> allowedValues;
  final List<String> allowedRegexes;
  final Set<String> skippedAttributes;
  final boolean jsonDecoder;
  final boolean base64Decoder;
  final boolean urlDecoder;
  final MaskingStyle masking;
  final Severity minSeverity;
  /** The configured key, or null to load or create {@link #fingerprintKeyFile} at start. */
  final byte[] fingerprintKey;
  final Path fingerprintKeyFile;

  SecretsConfig(ConfigSection config, Path dataDirectory) {
    rules = loadRules(config);
    disabledRules = config.stringList("disabled_rules");
    ConfigSection allowlist = config.section("allowlist");
    allowedValues = allowlist.stringList("values");
    allowedRegexes = allowlist.stringList("regexes");
    skippedAttributes = Set.copyOf(allowlist.stringList("attributes"));
    ConfigSection decoders = config.section("decoders");
    jsonDecoder = decoders.bool("json", true);
    base64Decoder = decoders.bool("base64", true);
    urlDecoder = decoders.bool("url", true);
    ConfigSection maskingSection = config.section("masking");
    String style = maskingSection.oneOf("style", "redacted",
        "redacted", "fixed", "keep_prefix", "drop_attribute");
    String text = maskingSection.string("text", "[REDACTED]");
    int prefixLength = maskingSection.integer("prefix_length", 4, 1, 64);
    try {
      masking = MaskingStyle.parse(style, text, prefixLength);
    } catch (IllegalArgumentException e) {
      throw maskingSection.error("text", e.getMessage());
    }
    String severity = config.oneOf("min_severity", "low", "low", "medium", "high", "critical");
    minSeverity = Severity.parse(severity);

    String key = config.string("fingerprint_key").orElse(null);
    if (key != null && key.length() < MIN_KEY_LENGTH) {
      throw config.error("fingerprint_key",
          "must be at least " + MIN_KEY_LENGTH + " characters (use a long random value)");
    }
    fingerprintKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    fingerprintKeyFile = Path.of(config.string("fingerprint_key_file",
        dataDirectory.resolve("keys").resolve("fingerprint.key").toString()));
    if (key != null && config.has("fingerprint_key_file")) {
      throw config.error("fingerprint_key_file",
          "give fingerprint_key or fingerprint_key_file, not both");
    }

    // Compile everything now, with a throwaway key, so that config errors surface at validation.
    try {
      engine(new byte[32]);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("allow regex")) {
        // It may have come from ${env:...}: name the key, never quote the pattern.
        throw config.error("allowlist", "an allowlist regex is not valid RE2 syntax");
      }
      // Rule regexes come from rule files, named with their rule id in the message.
      throw config.error("rules", message);
    }
  }

  SecretEngine engine(byte[] key) {
    return SecretEngine.builder()
        .addRules(rules)
        .disabledRules(disabledRules)
        .allowValues(allowedValues)
        .allowRegexes(allowedRegexes)
        .minSeverity(minSeverity)
        .decoders(jsonDecoder, base64Decoder, urlDecoder)
        .masking(masking)
        .fingerprintKey(key)
        .build();
  }

  private static List<Rule> loadRules(ConfigSection config) {
    List<String> sources = config.has("rules") ? config.stringList("rules") : List.of(BUILTIN);
    List<Rule> rules = new ArrayList<>();
    for (String source : sources) {
      try {
        rules.addAll(source.equals(BUILTIN) ? Rules.builtin() : Rules.load(Path.of(source)));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(config.error("rules", "").location(), config.path() + ".rules",
            "cannot load rules from " + source + ": " + e.getMessage());
      }
    }
    if (rules.isEmpty()) {
      throw config.error("rules", "no rules loaded: list 'builtin' and/or rule files");
    }
    return rules;
  }
}
