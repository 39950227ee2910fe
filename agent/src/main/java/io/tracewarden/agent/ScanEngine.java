package io.tracewarden.agent;

import io.tracewarden.engine.Fingerprints;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The options {@code scan} and {@code redact} share, and the engine they build. */
final class ScanEngine {

  static final String KEY_ENV = "TRACEWARDEN_FINGERPRINT_KEY";

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Rule file (our YAML, or gitleaks TOML); repeatable. Added to the built-in "
          + "pack unless --no-builtin.")
  List<Path> ruleFiles = new ArrayList<>();

  @Option(names = "--no-builtin", description = "Use only the --rules files.")
  boolean noBuiltin;

  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      defaultValue = "tracewarden-data/keys/fingerprint.key",
      description = "HMAC key for fingerprints, created when missing (default: ${DEFAULT-VALUE}, "
          + "the agent's default). The environment variable " + KEY_ENV + " takes precedence.")
  Path fingerprintKeyFile;

  SecretEngine build(Function<String, String> environment) throws IOException {
    List<Rule> rules = new ArrayList<>();
    if (!noBuiltin) {
      rules.addAll(Rules.builtin());
    }
    for (Path file : ruleFiles) {
      rules.addAll(Rules.load(file));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("no rules: give --rules FILE or drop --no-builtin");
    }
    String key = environment.apply(KEY_ENV);
    byte[] keyBytes = key != null && !key.isEmpty() ? key.getBytes(StandardCharsets.UTF_8)
        : Fingerprints.loadOrCreateKey(fingerprintKeyFile);
    return SecretEngine.builder().addRules(rules).fingerprintKey(keyBytes).build();
  }
}
