package dev.studio.crd.v1alpha1;

import java.util.List;
import java.util.Optional;

/** A status that carries conditions. */
public interface WithConditions {
  List<Condition> conditions();

  Long observedGeneration();

  default Optional<Condition> condition(String type) {
    return conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }
}
