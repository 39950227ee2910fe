package io.tracewarden.core.component;

/**
 * An extension through which a component offers an object to another part of the agent that it
 * must not depend on at compile time.
 *
 * <p>The approval processor (module {@code processors}) registers its hold store here from
 * {@link Component#start}; the admin extension (module {@code agent}) implements this interface
 * and serves an authenticated API over what was registered. Dependencies stay one-way: the
 * processor knows only this interface, the agent knows the processor's public store type, and
 * core knows neither.
 *
 * <p>Find registrars from {@code start} with {@code host.extensionsOf(Registrar.class)}.
 */
public interface Registrar {

  /**
   * Offers {@code object} under {@code type} until the returned handle is closed; a component
   * closes it in {@link Component#shutdown}. Closing twice is harmless.
   */
  <T> AutoCloseable register(Class<T> type, T object);
}
