package io.tracewarden.processors.approval;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.Severity;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

public final class ApprovalProcessorFactory implements ProcessorFactory {

  @Override
  public String type() {
    return "approval";
  }

  @Override
  public Set<Signal> signals() {
    // Metrics pass through untouched: a data point is no one's message to hold.
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Holds records carrying high-risk secrets until an approver releases or denies them";
  }

  @Override
  public Processor create(
      ComponentSettings settings, ConfigSection config, Signal signal, Consumer next) {
    return new ApprovalProcessor(settings, new ApprovalConfig(config), next, builtinSeverities());
  }

  /** The built-in rules' severities: the fallback when a masked record's audit event is unknown. */
  static Map<String, Severity> builtinSeverities() {
    Map<String, Severity> severities = new HashMap<>();
    for (Rule rule : Rules.builtin()) {
      severities.put(rule.id(), rule.severity());
    }
    return severities;
  }
}
