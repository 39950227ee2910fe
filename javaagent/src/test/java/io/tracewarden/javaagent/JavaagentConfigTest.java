package io.tracewarden.javaagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.tracewarden.engine.MaskingStyle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaagentConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsToBuiltinRulesAndRedacted() {
    JavaagentConfig c = config(Map.of());
    assertThat(c.ruleSources).containsExactly("builtin");
    assertThat(c.masking).isEqualTo(MaskingStyle.redacted());
    assertThat(c.disabled).isFalse();
  }

  @Test
  void environmentVariableStyleKeysAreRead() {
    // TRACEWARDEN_DISABLED_RULES reaches the SDK as tracewarden.disabled.rules.
    JavaagentConfig c = config(Map.of("tracewarden.disabled.rules", "a, b",
        "tracewarden.rules", "builtin"));
    assertThat(c.disabledRules).containsExactly("a", "b");
  }

  @Test
  void keyFileIsCreatedOwnerOnly() throws Exception {
    Path key = dir.resolve("k/fingerprint.key");
    config(Map.of("tracewarden.fingerprint_key_file", key.toString())).engine();
    assertThat(Files.size(key)).isEqualTo(32);
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void missingRuleFileFailsAtStartWithTheKeyName() {
    JavaagentConfig c = config(Map.of("tracewarden.rules", "builtin," + dir.resolve("nope.yaml"),
        "tracewarden.fingerprint_key", "0123456789abcdef0123"));
    assertThatThrownBy(c::engine).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tracewarden.rules");
  }

  @Test
  void shortKeyIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> config(Map.of("tracewarden.fingerprint_key", "shortsecret")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tracewarden.fingerprint_key")
        .hasMessageNotContaining("shortsecret");
  }

  @Test
  void unknownMaskingStyleIsRefused() {
    assertThatThrownBy(() -> config(Map.of("tracewarden.masking", "blur")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("tracewarden.masking");
  }

  @Test
  void keyAndKeyFileTogetherAreRefused() {
    assertThatThrownBy(() -> config(Map.of("tracewarden.fingerprint_key", "0123456789abcdef0123",
        "tracewarden.fingerprint_key_file", "/tmp/k"))).isInstanceOf(ConfigurationException.class);
  }

  private static JavaagentConfig config(Map<String, String> map) {
    return JavaagentConfig.from(DefaultConfigProperties.createFromMap(map));
  }

}
