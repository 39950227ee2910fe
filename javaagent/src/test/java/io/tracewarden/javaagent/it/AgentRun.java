package io.tracewarden.javaagent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a sample application in a separate JVM, with or without the javaagent. */
final class AgentRun {

  static final Path AGENT_JAR = Path.of(System.getProperty("tracewarden.javaagent.jar",
      "target/tracewarden-javaagent.jar"));

  final int exitCode;
  final String output;

  private AgentRun(int exitCode, String output) {
    this.exitCode = exitCode;
    this.output = output;
  }

  /**
   * Starts {@code mainClass} with the agent exporting OTLP/HTTP to {@code otlpEndpoint} (or
   * without the agent when that is null) and waits for it to exit.
   */
  static AgentRun run(String mainClass, String otlpEndpoint, List<String> extraJvmArgs,
      String... args) throws IOException, InterruptedException {
    Path logDir = Path.of("target", "it-logs");
    Files.createDirectories(logDir);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    if (otlpEndpoint != null) {
      cmd.add("-javaagent:" + AGENT_JAR.toAbsolutePath());
      cmd.add("-Dotel.service.name=tracewarden-sample");
      cmd.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
      cmd.add("-Dotel.exporter.otlp.protocol=http/protobuf");
      cmd.add("-Dotel.traces.exporter=otlp");
      cmd.add("-Dotel.logs.exporter=otlp");
      cmd.add("-Dotel.metrics.exporter=none");
      cmd.add("-Dotel.bsp.schedule.delay=100");
      cmd.add("-Dotel.blrp.schedule.delay=100");
      cmd.add("-Dtracewarden.fingerprint_key_file="
          + Path.of("target", "it-fingerprint.key").toAbsolutePath());
    }
    cmd.addAll(extraJvmArgs);
    cmd.add("-cp");
    cmd.add(sampleClasspath());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    Path log = logDir.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1)
        + (otlpEndpoint == null ? "-noagent" : "") + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sample app did not exit within 120 s; see " + log);
    }
    return new AgentRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** The test classes plus the libraries the sample apps use (no OTel, no engine). */
  static String sampleClasspath() throws IOException {
    String classes = System.getProperty("tracewarden.sample.classes", "target/test-classes");
    Path file = Path.of(System.getProperty("tracewarden.sample.classpath.file",
        "target/sample-app.classpath"));
    return classes + java.io.File.pathSeparator + Files.readString(file).trim();
  }

  long latencyNanos() {
    return output.lines().filter(l -> l.startsWith("LATENCY_NANOS "))
        .mapToLong(l -> Long.parseLong(l.substring("LATENCY_NANOS ".length()).trim()))
        .findFirst().orElseThrow(() -> new AssertionError("no latency in output:\n" + output));
  }
}
