package io.tracewarden.agent;

import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigNode;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.pipeline.ServiceBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tracewarden validate -c FILE...}: builds the service without starting anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
        "Checks a configuration without binding ports or touching files.",
        "Exit code 0 when valid, 1 when not (the error names file, line, column and key)."
    })
final class ValidateCommand implements Callable<Integer> {

  @ParentCommand
  private Tracewarden parent;

  @Spec
  private CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
      description = "Config file; repeat to merge several, later files win.")
  private List<Path> configFiles;

  @Override
  public Integer call() {
    int pipelines;
    try {
      ConfigNode.Mapping config = ConfigFiles.load(configFiles, parent.environment());
      ConfigFiles.applyLogLevel(config);
      try (Service service = new ServiceBuilder(ComponentRegistry.load()).build(config)) {
        pipelines = service.pipelines().size();
      }
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return Tracewarden.EXIT_FAILURE;
    }
    spec.commandLine().getOut().println("configuration is valid: " + pipelines
        + (pipelines == 1 ? " pipeline" : " pipelines"));
    spec.commandLine().getOut().flush();
    return Tracewarden.EXIT_OK;
  }
}
