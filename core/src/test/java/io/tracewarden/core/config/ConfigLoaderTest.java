package io.tracewarden.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private final Map<String, String> env = Map.of("TOKEN", "s3cr3t-value", "EMPTY", "");
  private final ConfigLoader loader = new ConfigLoader(env::get);

  private ConfigSection section(String yaml) {
    return new ConfigSection(loader.parse(yaml, "pipeline.yaml"), "");
  }

  @Test
  void substitutesEnvironmentFilesAndDollars(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("token");
    Files.writeString(secret, "from-file\n");
    ConfigSection config = section("""
        a: ${env:TOKEN}
        b: ${env:MISSING:-fallback}
        c: ${env:EMPTY:-used-when-empty}
        d: price $$5 and $x
        e: ${file:%s}
        f: prefix-${env:TOKEN}-suffix
        """.formatted(secret));
    assertThat(config.string("a")).contains("s3cr3t-value");
    assertThat(config.string("b")).contains("fallback");
    assertThat(config.string("c")).contains("used-when-empty");
    assertThat(config.string("d")).contains("price $5 and $x");
    assertThat(config.string("e")).contains("from-file");
    assertThat(config.string("f")).contains("prefix-s3cr3t-value-suffix");
  }

  @Test
  void missingVariableNamesItAndTheLocation() {
    assertThatThrownBy(() -> section("x:\n  y: ${env:NOPE}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("pipeline.yaml:2:6: x.y: environment variable NOPE is not set "
            + "(use ${env:NOPE:-default} to give a default)");
  }

  @Test
  void unknownSubstitutionSchemeIsAnError() {
    assertThatThrownBy(() -> section("x: ${vault:thing}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.yaml:1:4: x: unknown substitution '${vault:thing}'");
  }

  @Test
  void invalidValueMessagesQuoteTheRawTextNotTheSubstitutedSecret() {
    ConfigSection config = section("timeout: ${env:TOKEN}\n");
    assertThatThrownBy(() -> config.duration("timeout", Duration.ZERO))
        .hasMessageContaining("${env:TOKEN}")
        .hasMessageNotContaining("s3cr3t-value");
  }

  @Test
  void unknownKeysAreReportedWithLineColumnAndSuggestion() {
    ConfigSection config = section("""
        endpoint: 127.0.0.1:1
        nested:
          size: 5
          tiemout: 5s
        """);
    config.string("endpoint");
    ConfigSection nested = config.section("nested");
    nested.integer("size", 1, 0, 10);
    nested.duration("timeout", Duration.ZERO);
    assertThatThrownBy(config::checkNoUnknownKeys)
        .isInstanceOf(ConfigException.class)
        .hasMessage("pipeline.yaml:4:3: nested.tiemout: unknown key (did you mean 'timeout'?)");
  }

  @Test
  void invalidYamlNamesTheFileAndLine() {
    assertThatThrownBy(() -> section("a: [1, 2\nb: 3\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("pipeline.yaml:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThatThrownBy(() -> section("a: 1\na: 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.yaml:2:1: a: duplicate key");
  }

  @Test
  void laterFilesMergeOverEarlierOnes(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("base.yaml");
    Path overlay = dir.resolve("overlay.yaml");
    Files.writeString(base, "a:\n  x: 1\n  y: 2\nlist: [1, 2]\n");
    Files.writeString(overlay, "a:\n  y: 3\n  z: 4\nlist: [9]\n");
    ConfigSection merged = new ConfigSection(loader.load(List.of(base, overlay)), "");
    ConfigSection a = merged.section("a");
    assertThat(a.integer("x", 0, 0, 9)).isEqualTo(1);
    assertThat(a.integer("y", 0, 0, 9)).isEqualTo(3);
    assertThat(a.integer("z", 0, 0, 9)).isEqualTo(4);
    assertThat(merged.stringList("list")).containsExactly("9");
    assertThatThrownBy(() -> a.integer("y", 0, 0, 2))
        .hasMessageStartingWith(overlay + ":2:6: a.y: must be between 0 and 2");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> loader.load(List.of(missing)))
        .hasMessage(missing + ": config file not found");
  }

  @Test
  void parsesDurationsAndSizes() {
    ConfigSection config = section("""
        d1: 1m30s
        d2: 250ms
        s1: 20MiB
        s2: 1000
        s3: 1GB
        """);
    assertThat(config.duration("d1", null)).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.duration("d2", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(config.bytes("s1", 0, 0, Long.MAX_VALUE)).isEqualTo(20L << 20);
    assertThat(config.bytes("s2", 0, 0, Long.MAX_VALUE)).isEqualTo(1000);
    assertThat(config.bytes("s3", 0, 0, Long.MAX_VALUE)).isEqualTo(1_000_000_000L);
    assertThatThrownBy(() -> section("d: 5 seconds\n").duration("d", null))
        .hasMessageContaining("pipeline.yaml:1:4: d: expected a duration");
  }
}
