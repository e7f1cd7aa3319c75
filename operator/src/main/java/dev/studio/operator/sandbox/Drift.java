package dev.studio.operator.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * A claim's Service and NetworkPolicy as someone may have edited them by hand: the fields the
 * operator sets are put back (a widened policy is a hole in the sandbox's isolation), while what
 * the API server fills in (a Service's cluster IP and the like) is left alone, so a steady state
 * writes nothing.
 */
final class Drift {
  private Drift() {}

  /** {@code actual} with the operator's fields put back, or empty if nothing drifted. */
  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> Optional<R> corrected(R actual, R desired) {
    if (actual instanceof Service service && desired instanceof Service wanted) {
      return (Optional<R>) service(service, wanted);
    }
    if (actual instanceof NetworkPolicy policy && desired instanceof NetworkPolicy wanted) {
      return (Optional<R>) policy(policy, wanted);
    }
    return Optional.empty();
  }

  private static Optional<Service> service(Service actual, Service desired) {
    boolean same = Objects.equals(actual.getSpec().getSelector(), desired.getSpec().getSelector())
        && Objects.equals(actual.getSpec().getPorts(), desired.getSpec().getPorts())
        && labelsKept(actual, desired);
    if (same) {
      return Optional.empty();
    }
    Service fixed = Serialization.clone(actual);
    fixed.getSpec().setSelector(desired.getSpec().getSelector());
    fixed.getSpec().setPorts(desired.getSpec().getPorts());
    restoreLabels(fixed, desired);
    return Optional.of(fixed);
  }

  private static Optional<NetworkPolicy> policy(NetworkPolicy actual, NetworkPolicy desired) {
    if (Objects.equals(actual.getSpec(), desired.getSpec()) && labelsKept(actual, desired)) {
      return Optional.empty();
    }
    NetworkPolicy fixed = Serialization.clone(actual);
    fixed.setSpec(desired.getSpec());
    restoreLabels(fixed, desired);
    return Optional.of(fixed);
  }

  private static boolean labelsKept(HasMetadata actual, HasMetadata desired) {
    var labels = actual.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet());
  }

  private static void restoreLabels(HasMetadata fixed, HasMetadata desired) {
    var labels = fixed.getMetadata().getLabels() == null ? new HashMap<String, String>() : new HashMap<>(fixed.getMetadata().getLabels());
    labels.putAll(desired.getMetadata().getLabels());
    fixed.getMetadata().setLabels(labels);
  }
}
