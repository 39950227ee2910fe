package io.tracewarden.receivers.otlp;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.ReceiverFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumers;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** Creates {@code otlp} receivers: OTLP over gRPC and HTTP for traces, logs and metrics. */
public final class OtlpReceiverFactory implements ReceiverFactory {

  public static final String TYPE = "otlp";

  private final Function<String, String> env;

  public OtlpReceiverFactory() {
    this(System::getenv);
  }

  /** With another environment, for tests of {@code auth.bearer_tokens_env}. */
  OtlpReceiverFactory(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.TRACES, Signal.LOGS, Signal.METRICS);
  }

  @Override
  public String description() {
    return "Receives OTLP over gRPC and HTTP (protobuf or JSON, gzip)";
  }

  @Override
  public OtlpReceiver create(ComponentSettings settings, ConfigSection config, Consumers next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new OtlpReceiver(settings, OtlpReceiverConfig.parse(config), next, env);
  }

}
