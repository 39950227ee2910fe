package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.pipeline.ServiceBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in {@code config-examples/} must build against the real components. */
class ConfigExamplesTest {

  static final Path EXAMPLES = Path.of("..", "config-examples");

  @TempDir
  static Path dir;

  private static Map<String, String> environment;

  @BeforeAll
  static void environment() throws IOException {
    Path tokens = Files.writeString(dir.resolve("tokens"), "agent-1-token-for-tests\n");
    environment = Map.of(
        "TRACEWARDEN_TOKENS_FILE", tokens.toString(),
        "BACKEND_ENDPOINT", "127.0.0.1:14317",
        "BACKEND_API_KEY", "test-api-key");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")
          || f.toString().endsWith(".yml")).sorted().toList();
      assertThat(yaml).isNotEmpty();
      return yaml.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleBuilds(Path example) {
    ConfigLoader loader = new ConfigLoader(environment::get);

    try (Service service =
        new ServiceBuilder(ComponentRegistry.load()).build(loader.load(List.of(example)))) {
      assertThat(service.pipelines()).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleValidatesThroughTheCli(Path example) {
    Cli.Result result = Cli.run(environment, null, "validate", "-c", example.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
  }

  @Test
  void builtInConfigIsTheQuickstartExampleByteForByte() throws IOException {
    byte[] example = Files.readAllBytes(EXAMPLES.resolve("quickstart.yaml"));
    try (InputStream in = ConfigFiles.class.getResourceAsStream(ConfigFiles.BUILT_IN_RESOURCE)) {
      assertThat(in).as(ConfigFiles.BUILT_IN_RESOURCE).isNotNull();
      assertThat(in.readAllBytes()).isEqualTo(example);
    }
  }
}
