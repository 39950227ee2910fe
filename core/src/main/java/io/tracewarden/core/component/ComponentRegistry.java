package io.tracewarden.core.component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The component types available to configs, found through {@link ServiceLoader}. */
public final class ComponentRegistry {

  private final Map<ComponentKind, Map<String, ComponentFactory>> factories =
      new EnumMap<>(ComponentKind.class);

  private ComponentRegistry(List<? extends ComponentFactory> all) {
    for (ComponentKind kind : ComponentKind.values()) {
      factories.put(kind, new TreeMap<>());
    }
    for (ComponentFactory factory : all) {
      ComponentFactory previous = factories.get(factory.kind()).put(factory.type(), factory);
      if (previous != null && previous.getClass() != factory.getClass()) {
        throw new IllegalStateException("two " + factory.kind().id() + " factories claim type '"
            + factory.type() + "': " + previous.getClass().getName() + " and "
            + factory.getClass().getName());
      }
    }
  }

  /** Every factory on the class path of {@code loader}. */
  public static ComponentRegistry load(ClassLoader loader) {
    List<ComponentFactory> all = new ArrayList<>();
    ServiceLoader.load(ReceiverFactory.class, loader).forEach(all::add);
    ServiceLoader.load(ProcessorFactory.class, loader).forEach(all::add);
    ServiceLoader.load(ExporterFactory.class, loader).forEach(all::add);
    ServiceLoader.load(ExtensionFactory.class, loader).forEach(all::add);
    return new ComponentRegistry(all);
  }

  public static ComponentRegistry load() {
    return load(ComponentRegistry.class.getClassLoader());
  }

  /** A registry of exactly these factories, e.g. for tests. */
  public static ComponentRegistry of(List<? extends ComponentFactory> factories) {
    return new ComponentRegistry(factories);
  }

  public Optional<ComponentFactory> find(ComponentKind kind, String type) {
    return Optional.ofNullable(factories.get(kind).get(type));
  }

  public List<String> types(ComponentKind kind) {
    return List.copyOf(factories.get(kind).keySet());
  }

  /** Every factory, by kind then type. */
  public List<ComponentFactory> all() {
    List<ComponentFactory> all = new ArrayList<>();
    factories.values().forEach(byType -> all.addAll(byType.values()));
    all.sort(Comparator.comparing(ComponentFactory::kind).thenComparing(ComponentFactory::type));
    return Collections.unmodifiableList(all);
  }
}
