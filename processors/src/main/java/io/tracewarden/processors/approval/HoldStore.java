package io.tracewarden.processors.approval;

import io.tracewarden.core.component.ComponentId;
import java.util.List;
import java.util.Optional;

/**
 * The holds of one {@code approval} processor instance, as the admin API sees them. An instance
 * registers itself with every {@link io.tracewarden.core.component.Registrar} it finds at start
 * and unregisters at shutdown. Nothing here ever carries an unmasked value: previews are the
 * record after masking, findings are metadata.
 *
 * <p>Authentication and role checks are the caller's job; this store enforces what depends on the
 * hold itself: distinct approvers, the sender never approving its own data, and no decision on a
 * decided hold.
 */
public interface HoldStore {

  /** The processor this store belongs to. */
  ComponentId component();

  /** Holds in {@code state} (pending ones first by age), or in every state when null. */
  List<HoldSummary> holds(HoldState state);

  /** One hold with its masked preview and findings. */
  Optional<HoldDetail> hold(String id);

  /** Applies {@code decision} to hold {@code id}. */
  DecisionResult decide(String id, Decision decision);
}
