package dev.studio.operator.status;

import dev.studio.crd.v1alpha1.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The two conditions kstatus reads on a custom resource (Flux's health checks, `kpt live`, Argo
 * CD's kstatus-based checks): {@code Reconciling} while it is on its way, {@code Stalled} when it
 * cannot get there without someone acting. kstatus ignores {@code Ready} on custom resources, so a
 * resource that is not Ready must say which of the two it is, or it would count as Current.
 */
public final class Kstatus {
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  /** Reasons a resource stays not Ready until its spec, a Secret or its studio changes. */
  static final Set<String> NEEDS_SOMEONE = Set.of("SecretNotFound", "StudioNotFound", "InvalidBundle", "Expired",
      "ShutdownTimeReached", "IdleTimeout", Readiness.REASON_STALLED);

  private Kstatus() {}

  /** {@code conditions} with Reconciling and Stalled derived from Ready (and Degraded), unless they are there already. */
  public static List<Condition> with(List<Condition> conditions) {
    Optional<Condition> ready = find(conditions, Condition.READY);
    if (ready.isEmpty() || find(conditions, RECONCILING).isPresent() || find(conditions, STALLED).isPresent()) {
      return conditions;
    }
    var r = ready.get();
    boolean isReady = r.isTrue();
    boolean degraded = find(conditions, Condition.DEGRADED).map(Condition::isTrue).orElse(false);
    boolean stalled = !isReady && (degraded || NEEDS_SOMEONE.contains(r.reason()));
    List<Condition> all = new ArrayList<>(conditions);
    all.add(isReady || stalled
        ? Conditions.of(RECONCILING, false, isReady ? "Ready" : STALLED, isReady ? "Nothing left to do." : "Waiting for a change: " + r.message())
        : Conditions.of(RECONCILING, true, r.reason(), r.message()));
    all.add(stalled
        ? Conditions.of(STALLED, true, r.reason(), r.message())
        : Conditions.of(STALLED, false, isReady ? "Ready" : RECONCILING, isReady ? "Nothing is stuck." : "Still on its way."));
    return all;
  }

  private static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }
}
