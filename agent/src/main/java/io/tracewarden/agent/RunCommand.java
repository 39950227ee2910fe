package io.tracewarden.agent;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigNode;
import io.tracewarden.core.pipeline.PipelineId;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.pipeline.ServiceBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tracewarden run [-c FILE]...}: validates the config (binding nothing if it is invalid),
 * starts the service, and on SIGTERM or SIGINT shuts it down within
 * {@code service.shutdown_timeout} and exits 0.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the pipelines of a configuration until SIGTERM or SIGINT.",
        "Without -c, runs the built-in quickstart configuration "
            + "(config-examples/quickstart.yaml)."
    })
final class RunCommand implements Callable<Integer> {

  /** Time for the last log lines after the drain, before the shutdown hook gives up. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(5);

  @ParentCommand
  private Tracewarden parent;

  @Spec
  private CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Config file; repeat to merge several, later files win.")
  private List<Path> configFiles;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Service service;
    try {
      ConfigNode.Mapping config = ConfigFiles.load(configFiles, parent.environment());
      ConfigFiles.applyLogLevel(config);
      service = new ServiceBuilder(ComponentRegistry.load()).build(config);
    } catch (ConfigException e) {
      return fail(err, e.getMessage());
    }
    // The first logger: created only now, so that the configured level applies.
    Logger logger = LoggerFactory.getLogger(RunCommand.class);
    try {
      service.start();
    } catch (Exception e) {
      service.close();
      return fail(err, e.getMessage());
    }
    logger.info("tracewarden {} started with {} pipeline(s){}", VersionProvider.version(),
        service.pipelines().size(), configFiles == null || configFiles.isEmpty()
            ? " from the built-in quickstart config" : "");
    for (Map.Entry<PipelineId, Service.PipelineDescription> pipeline
        : service.pipelines().entrySet()) {
      Service.PipelineDescription d = pipeline.getValue();
      logger.info("pipeline {}: {} -> {} -> {}", pipeline.getKey(), ids(d.receivers()),
          ids(d.processors()), ids(d.exporters()));
    }

    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Tracewarden.RunListener listener = parent.runListener();
    if (listener != null) {
      listener.started(service, stopRequested::countDown);
    } else {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stopRequested.countDown();
        boolean clean = false;
        try {
          clean = stopped.await(service.shutdownTimeout().plus(EXIT_GRACE).toMillis(),
              TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // A signal-triggered JVM exit reports 128+signal; a completed shutdown is a success.
        Runtime.getRuntime().halt(clean ? Tracewarden.EXIT_OK : Tracewarden.EXIT_FAILURE);
      }, "tracewarden-shutdown"));
    }

    try {
      stopRequested.await();
      logger.info("shutting down (deadline {})", service.shutdownTimeout());
      service.close();
      logger.info("stopped");
    } finally {
      stopped.countDown();
    }
    return Tracewarden.EXIT_OK;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("error: " + message);
    err.flush();
    return Tracewarden.EXIT_FAILURE;
  }

  private static String ids(List<ComponentId> ids) {
    return ids.isEmpty() ? "[]"
        : ids.stream().map(ComponentId::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
