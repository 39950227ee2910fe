package io.tracewarden.core.pipeline;

import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentFactory;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.ExtensionFactory;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ProcessorFactory;
import io.tracewarden.core.component.Receiver;
import io.tracewarden.core.component.ReceiverFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigNode;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.config.Location;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.telemetry.SelfTelemetry;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a config tree into a {@link Service}: checks every section, key and reference, creates
 * every component (factories have no side effects), and wires the pipelines. Any problem is a
 * {@link ConfigException} naming file, line, column and key path; nothing has been bound or
 * opened when it is thrown.
 */
public final class ServiceBuilder {

  private static final Logger logger = LoggerFactory.getLogger(ServiceBuilder.class);
  private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private final ComponentRegistry registry;
  private final SelfTelemetry telemetry = new SelfTelemetry();
  private final AuditBus audit = new AuditBus();
  private ConfigSection root;
  private Path dataDirectory;

  private final Map<Key, Declared> declared = new LinkedHashMap<>();

  public ServiceBuilder(ComponentRegistry registry) {
    this.registry = registry;
  }

  /** Validates and builds; throws {@link ConfigException} on the first problem. */
  public Service build(ConfigNode.Mapping config) {
    root = new ConfigSection(config, "");
    ConfigSection receiversSection = root.section(ComponentKind.RECEIVER.section());
    ConfigSection processorsSection = root.section(ComponentKind.PROCESSOR.section());
    ConfigSection exportersSection = root.section(ComponentKind.EXPORTER.section());
    ConfigSection extensionsSection = root.section(ComponentKind.EXTENSION.section());
    ConfigSection service = root.section("service");

    Duration shutdownTimeout = service.duration("shutdown_timeout", DEFAULT_SHUTDOWN_TIMEOUT);
    try {
      dataDirectory = Path.of(service.string("data_directory", "tracewarden-data"));
    } catch (InvalidPathException e) {
      throw service.error("data_directory", "is not a valid path: " + e.getReason());
    }
    ConfigSection serviceTelemetry = service.section("telemetry");
    serviceTelemetry.section("logs").oneOf("level", "info", "debug", "info", "warn", "error");

    Map<ComponentKind, ConfigSection> sections = new EnumMap<>(ComponentKind.class);
    sections.put(ComponentKind.RECEIVER, receiversSection);
    sections.put(ComponentKind.PROCESSOR, processorsSection);
    sections.put(ComponentKind.EXPORTER, exportersSection);
    sections.put(ComponentKind.EXTENSION, extensionsSection);
    for (Map.Entry<ComponentKind, ConfigSection> entry : sections.entrySet()) {
      declare(entry.getKey(), entry.getValue());
    }

    Map<ComponentId, Extension> extensions = new LinkedHashMap<>();
    ConfigNode extensionList = service.node("extensions");
    for (Located id : ids(extensionList, "service.extensions")) {
      ComponentId extensionId = reference(ComponentKind.EXTENSION, id, "service.extensions");
      ExtensionFactory factory = (ExtensionFactory) factory(ComponentKind.EXTENSION, extensionId);
      ConfigSection section = declared.get(new Key(ComponentKind.EXTENSION, extensionId)).section();
      extensions.put(extensionId, factory.create(settings(ComponentKind.EXTENSION, extensionId),
          section));
      section.checkNoUnknownKeys();
    }

    ConfigSection pipelinesSection = service.section("pipelines");
    Map<PipelineId, PipelineSpec> specs = new LinkedHashMap<>();
    for (String name : pipelinesSection.keys()) {
      specs.put(pipelineId(pipelinesSection, name),
          pipelineSpec(pipelinesSection.section(name)));
    }
    if (specs.isEmpty()) {
      throw pipelinesSection.isEmpty() && !service.has("pipelines")
          ? new ConfigException(service.location(), "service.pipelines",
              "at least one pipeline is required")
          : new ConfigException(pipelinesSection.location(), "service.pipelines",
              "at least one pipeline is required");
    }

    // Exporters: one instance per id, shared by every pipeline naming it.
    Map<ComponentId, Exporter> exporters = new LinkedHashMap<>();
    for (Map.Entry<PipelineId, PipelineSpec> entry : specs.entrySet()) {
      for (Located located : entry.getValue().exporters) {
        ComponentId id = located.id;
        ExporterFactory factory = (ExporterFactory) factory(ComponentKind.EXPORTER, id);
        requireSignal(factory, entry.getKey(), located);
        if (!exporters.containsKey(id)) {
          ConfigSection section = declared.get(new Key(ComponentKind.EXPORTER, id)).section();
          exporters.put(id, factory.create(settings(ComponentKind.EXPORTER, id), section));
          section.checkNoUnknownKeys();
        }
      }
    }

    // Processors: one instance per pipeline, chained from the exporters' fan-out backwards.
    Map<PipelineId, List<Processor>> processors = new LinkedHashMap<>();
    Map<PipelineId, Consumer> pipelineEntries = new LinkedHashMap<>();
    Map<PipelineId, Service.PipelineDescription> descriptions = new LinkedHashMap<>();
    for (Map.Entry<PipelineId, PipelineSpec> entry : specs.entrySet()) {
      PipelineId pipeline = entry.getKey();
      PipelineSpec spec = entry.getValue();
      List<Consumer> exporterConsumers = new ArrayList<>();
      for (Located located : spec.exporters) {
        exporterConsumers.add(observed(ComponentKind.EXPORTER, located.id,
            exporters.get(located.id)));
      }
      Consumer next = FanOutConsumer.of(exporterConsumers);
      List<Processor> chain = new ArrayList<>();
      for (int i = spec.processors.size() - 1; i >= 0; i--) {
        Located located = spec.processors.get(i);
        ProcessorFactory factory = (ProcessorFactory) factory(ComponentKind.PROCESSOR, located.id);
        requireSignal(factory, pipeline, located);
        // A fresh section per pipeline: each instance reads (and is checked on) its own copy.
        ConfigSection section = declared.get(new Key(ComponentKind.PROCESSOR, located.id)).section();
        Processor processor = factory.create(
            settings(ComponentKind.PROCESSOR, located.id), section, pipeline.signal(), next);
        section.checkNoUnknownKeys();
        chain.add(0, processor);
        next = observed(ComponentKind.PROCESSOR, located.id, processor);
      }
      processors.put(pipeline, chain);
      pipelineEntries.put(pipeline, next);
      descriptions.put(pipeline, new Service.PipelineDescription(
          spec.receivers.stream().map(l -> l.id).toList(),
          spec.processors.stream().map(l -> l.id).toList(),
          spec.exporters.stream().map(l -> l.id).toList()));
    }

    // Receivers: one instance per id, feeding every pipeline that names it.
    Map<ComponentId, Map<Signal, List<Consumer>>> receiverTargets = new LinkedHashMap<>();
    Map<ComponentId, Located> receiverRefs = new LinkedHashMap<>();
    for (Map.Entry<PipelineId, PipelineSpec> entry : specs.entrySet()) {
      for (Located located : entry.getValue().receivers) {
        ReceiverFactory factory = (ReceiverFactory) factory(ComponentKind.RECEIVER, located.id);
        requireSignal(factory, entry.getKey(), located);
        receiverRefs.putIfAbsent(located.id, located);
        receiverTargets.computeIfAbsent(located.id, id -> new EnumMap<>(Signal.class))
            .computeIfAbsent(entry.getKey().signal(), s -> new ArrayList<>())
            .add(pipelineEntries.get(entry.getKey()));
      }
    }
    Map<ComponentId, Receiver> receivers = new LinkedHashMap<>();
    for (Map.Entry<ComponentId, Map<Signal, List<Consumer>>> entry : receiverTargets.entrySet()) {
      ComponentId id = entry.getKey();
      Map<Signal, Consumer> bySignal = new EnumMap<>(Signal.class);
      entry.getValue().forEach((signal, list) -> bySignal.put(signal, FanOutConsumer.of(list)));
      ReceiverFactory factory = (ReceiverFactory) factory(ComponentKind.RECEIVER, id);
      ConfigSection section = declared.get(new Key(ComponentKind.RECEIVER, id)).section();
      receivers.put(id, factory.create(settings(ComponentKind.RECEIVER, id), section,
          Consumers.of(bySignal)));
      section.checkNoUnknownKeys();
    }

    validateUnused(receivers.keySet(), exporters.keySet(), specs, extensions.keySet());
    root.checkNoUnknownKeys();
    return new Service(extensions, exporters, processors, receivers, descriptions,
        pipelineEntries, telemetry,
        audit, shutdownTimeout, dataDirectory);
  }

  private void declare(ComponentKind kind, ConfigSection section) {
    for (String name : section.keys()) {
      Location keyLocation = section.keyLocation(name);
      String path = section.path() + "." + name;
      ComponentId id;
      try {
        id = ComponentId.parse(name);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(keyLocation, path, e.getMessage());
      }
      if (registry.find(kind, id.type()).isEmpty()) {
        throw new ConfigException(keyLocation, path, "unknown " + kind.id() + " type '"
            + id.type() + "' (known: " + String.join(", ", registry.types(kind)) + ")");
      }
      declared.put(new Key(kind, id), new Declared(section.node(name), path, keyLocation));
    }
  }

  /**
   * Declared components that no pipeline uses are still created once, so that their config is
   * validated now rather than when someone wires them in; they are then dropped with a warning.
   */
  private void validateUnused(Set<ComponentId> usedReceivers, Set<ComponentId> usedExporters,
      Map<PipelineId, PipelineSpec> specs, Set<ComponentId> usedExtensions) {
    Set<ComponentId> usedProcessors = new LinkedHashSet<>();
    specs.values().forEach(spec -> spec.processors.forEach(l -> usedProcessors.add(l.id)));
    for (Map.Entry<Key, Declared> entry : declared.entrySet()) {
      ComponentKind kind = entry.getKey().kind();
      ComponentId id = entry.getKey().id();
      boolean used = switch (kind) {
        case RECEIVER -> usedReceivers.contains(id);
        case PROCESSOR -> usedProcessors.contains(id);
        case EXPORTER -> usedExporters.contains(id);
        case EXTENSION -> usedExtensions.contains(id);
      };
      if (used) {
        continue;
      }
      ConfigSection section = entry.getValue().section();
      ComponentSettings settings = settings(kind, id);
      ComponentFactory factory = factory(kind, id);
      switch (kind) {
        case RECEIVER -> ((ReceiverFactory) factory).create(settings, section, Consumers.of(Map.of()));
        case PROCESSOR -> ((ProcessorFactory) factory).create(settings, section,
            factory.signals().iterator().next(), telemetry -> null);
        case EXPORTER -> ((ExporterFactory) factory).create(settings, section);
        case EXTENSION -> ((ExtensionFactory) factory).create(settings, section);
      }
      section.checkNoUnknownKeys();
      logger.warn("{} {} is declared but not used by any pipeline{}", kind.id(), id,
          kind == ComponentKind.EXTENSION ? " (add it to service.extensions)" : "");
    }
  }

  private PipelineId pipelineId(ConfigSection pipelines, String name) {
    Location keyLocation = pipelines.keyLocation(name);
    int slash = name.indexOf('/');
    String signalName = slash < 0 ? name : name.substring(0, slash);
    Signal signal = Signal.parseOrNull(signalName);
    if (signal == null) {
      throw new ConfigException(keyLocation, "service.pipelines." + name,
          "a pipeline id is traces, logs or metrics, optionally followed by /name");
    }
    String pipelineName = slash < 0 ? "" : name.substring(slash + 1);
    if (slash >= 0 && pipelineName.isEmpty()) {
      throw new ConfigException(keyLocation, "service.pipelines." + name,
          "empty pipeline name after '/'");
    }
    return new PipelineId(signal, pipelineName);
  }

  private PipelineSpec pipelineSpec(ConfigSection pipeline) {
    PipelineSpec spec = new PipelineSpec();
    for (Located located : ids(pipeline.node("receivers"), pipeline.path() + ".receivers")) {
      spec.receivers.add(new Located(reference(ComponentKind.RECEIVER, located,
          pipeline.path() + ".receivers"), located.location, located.path));
    }
    for (Located located : ids(pipeline.node("processors"), pipeline.path() + ".processors")) {
      spec.processors.add(new Located(reference(ComponentKind.PROCESSOR, located,
          pipeline.path() + ".processors"), located.location, located.path));
    }
    for (Located located : ids(pipeline.node("exporters"), pipeline.path() + ".exporters")) {
      spec.exporters.add(new Located(reference(ComponentKind.EXPORTER, located,
          pipeline.path() + ".exporters"), located.location, located.path));
    }
    if (spec.receivers.isEmpty()) {
      throw new ConfigException(pipeline.location(), pipeline.path(),
          "a pipeline needs at least one receiver");
    }
    if (spec.exporters.isEmpty()) {
      throw new ConfigException(pipeline.location(), pipeline.path(),
          "a pipeline needs at least one exporter");
    }
    return spec;
  }

  private List<Located> ids(ConfigNode node, String path) {
    List<Located> ids = new ArrayList<>();
    if (node == null || node instanceof ConfigNode.Scalar scalar && scalar.isNull()) {
      return ids;
    }
    if (!(node instanceof ConfigNode.Sequence sequence)) {
      throw new ConfigException(node.location(), path, "expected a list of component ids");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      ConfigNode item = sequence.items().get(i);
      String itemPath = path + "[" + i + "]";
      if (!(item instanceof ConfigNode.Scalar scalar) || scalar.isNull()) {
        throw new ConfigException(item.location(), itemPath, "expected a component id");
      }
      if (!seen.add(scalar.value())) {
        throw new ConfigException(item.location(), itemPath,
            "'" + scalar.value() + "' is listed twice");
      }
      ComponentId id;
      try {
        id = ComponentId.parse(scalar.value());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(item.location(), itemPath, e.getMessage());
      }
      ids.add(new Located(id, item.location(), itemPath));
    }
    return ids;
  }

  private ComponentId reference(ComponentKind kind, Located located, String listPath) {
    if (!declared.containsKey(new Key(kind, located.id))) {
      throw new ConfigException(located.location, located.path,
          kind.id() + " '" + located.id + "' is not declared in " + kind.section()
              + (declaredNames(kind).isEmpty() ? "" : " (declared: "
                  + String.join(", ", declaredNames(kind)) + ")"));
    }
    return located.id;
  }

  private List<String> declaredNames(ComponentKind kind) {
    return declared.keySet().stream().filter(k -> k.kind() == kind)
        .map(k -> k.id().toString()).toList();
  }

  private void requireSignal(ComponentFactory factory, PipelineId pipeline, Located located) {
    if (!factory.signals().contains(pipeline.signal())) {
      throw new ConfigException(located.location, located.path, factory.kind().id() + " type '"
          + factory.type() + "' does not support " + pipeline.signal().id() + " (it supports "
          + factory.signals().stream().map(Signal::id).toList() + ")");
    }
  }

  private ComponentFactory factory(ComponentKind kind, ComponentId id) {
    return registry.find(kind, id.type()).orElseThrow();
  }

  private Consumer observed(ComponentKind kind, ComponentId id, Consumer consumer) {
    return new ObservedConsumer(id, consumer, telemetry.component(kind, id), audit);
  }

  private ComponentSettings settings(ComponentKind kind, ComponentId id) {
    return new ComponentSettings(id, kind, dataDirectory, telemetry, audit);
  }

  /** Components are keyed by kind as well as id, since a receiver and exporter may share one. */
  private record Key(ComponentKind kind, ComponentId id) {}

  /** A declared component's config; each {@link #section()} is a fresh, unread view of it. */
  private record Declared(ConfigNode node, String path, Location keyLocation) {
    ConfigSection section() {
      return ConfigSection.of(node, path, keyLocation);
    }
  }

  private record Located(ComponentId id, Location location, String path) {}

  private static final class PipelineSpec {
    final List<Located> receivers = new ArrayList<>();
    final List<Located> processors = new ArrayList<>();
    final List<Located> exporters = new ArrayList<>();
  }
}
