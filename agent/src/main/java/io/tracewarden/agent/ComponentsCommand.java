package io.tracewarden.agent;

import io.tracewarden.core.component.ComponentFactory;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.component.Signal;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracewarden components}: every component type on the class path. */
@Command(
    name = "components",
    mixinStandardHelpOptions = true,
    description = "Lists the component types this build offers, by kind, with their signals.")
final class ComponentsCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    ComponentRegistry registry = ComponentRegistry.load();
    PrintWriter out = spec.commandLine().getOut();
    for (ComponentKind kind : ComponentKind.values()) {
      out.println(kind.section() + ":");
      List<ComponentFactory> factories = registry.all().stream()
          .filter(f -> f.kind() == kind).toList();
      if (factories.isEmpty()) {
        out.println("  (none)");
      }
      for (ComponentFactory factory : factories) {
        String signals = factory.signals().isEmpty() ? "-"
            : factory.signals().stream().sorted().map(Signal::id).collect(Collectors.joining(","));
        out.printf("  %-16s %-20s %s%n", factory.type(), signals, factory.description());
      }
    }
    out.flush();
    return Tracewarden.EXIT_OK;
  }
}
