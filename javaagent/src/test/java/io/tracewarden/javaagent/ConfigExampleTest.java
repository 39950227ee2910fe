package io.tracewarden.javaagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.tracewarden.engine.SecretEngine;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config-examples/javaagent.properties} must configure the extension as it says. */
class ConfigExampleTest {

  static final Path EXAMPLE = Path.of("..", "config-examples", "javaagent.properties");
  /** Every tracewarden.* key the extension reads; a misspelt key would be silently ignored. */
  static final Set<String> KNOWN = Set.of(JavaagentConfig.RULES, JavaagentConfig.DISABLED_RULES,
      JavaagentConfig.MASKING, JavaagentConfig.MASKING_TEXT, JavaagentConfig.MASKING_PREFIX_LENGTH,
      JavaagentConfig.FINGERPRINT_KEY, JavaagentConfig.FINGERPRINT_KEY_FILE,
      JavaagentConfig.DISABLED, "tracewarden.guard.enabled", "tracewarden.guard.rules");

  @TempDir
  Path dir;

  static Map<String, String> example() throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(EXAMPLE)) {
      properties.load(reader);
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
    return map;
  }

  @Test
  void everyTracewardenKeyIsOneTheExtensionReads() throws Exception {
    assertThat(example().keySet().stream().filter(key -> key.startsWith("tracewarden.")))
        .isNotEmpty().allSatisfy(key -> assertThat(KNOWN).contains(key));
  }

  @Test
  void theExampleBuildsAnEngineThatMasks() throws Exception {
    Map<String, String> settings = new HashMap<>(example());
    settings.put(JavaagentConfig.FINGERPRINT_KEY_FILE, dir.resolve("fingerprint.key").toString());
    JavaagentConfig config =
        JavaagentConfig.from(DefaultConfigProperties.createFromMap(settings));
    assertThat(config.disabledRules).containsExactly("generic-password");
    SecretEngine engine = config.engine();
    assertThat(engine.redact("key AKIAVQJXXVBOTHD2WTFL").text())
        .doesNotContain("AKIAVQJXXVBOTHD2WTFL");
  }
}
