package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigFilesTest {

  private String saved;

  @BeforeEach
  void save() {
    saved = System.clearProperty(ConfigFiles.LOG_LEVEL_PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(ConfigFiles.LOG_LEVEL_PROPERTY);
    } else {
      System.setProperty(ConfigFiles.LOG_LEVEL_PROPERTY, saved);
    }
  }

  @Test
  void configuredLogLevelIsHandedToSlf4jSimple() {
    ConfigFiles.applyLogLevel(parse("service:\n  telemetry:\n    logs:\n      level: warn\n"));

    assertThat(System.getProperty(ConfigFiles.LOG_LEVEL_PROPERTY)).isEqualTo("warn");
  }

  @Test
  void explicitSystemPropertyWins() {
    System.setProperty(ConfigFiles.LOG_LEVEL_PROPERTY, "debug");

    ConfigFiles.applyLogLevel(parse("service:\n  telemetry:\n    logs:\n      level: warn\n"));

    assertThat(System.getProperty(ConfigFiles.LOG_LEVEL_PROPERTY)).isEqualTo("debug");
  }

  @Test
  void invalidOrMissingLevelLeavesTheDefault() {
    ConfigFiles.applyLogLevel(parse("service:\n  telemetry:\n    logs:\n      level: loud\n"));
    ConfigFiles.applyLogLevel(parse("service:\n  telemetry: [1]\n"));
    ConfigFiles.applyLogLevel(parse("receivers: {}\n"));

    assertThat(System.getProperty(ConfigFiles.LOG_LEVEL_PROPERTY)).isNull();
  }

  @Test
  void noFilesMeansTheBuiltInQuickstart() {
    ConfigNode.Mapping config = ConfigFiles.load(List.of(), Map.<String, String>of()::get);

    assertThat(config.entries()).containsKeys("receivers", "processors", "exporters",
        "extensions", "service");
    assertThat(config.location().source()).isEqualTo(ConfigFiles.BUILT_IN_SOURCE);
  }

  private static ConfigNode.Mapping parse(String yaml) {
    return new ConfigLoader(name -> null).parse(yaml, "test.yaml");
  }
}
