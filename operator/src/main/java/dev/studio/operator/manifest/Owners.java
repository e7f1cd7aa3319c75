package dev.studio.operator.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;

/**
 * Owner references: the garbage collector deletes a child with its owner, and {@code kubectl
 * describe} shows who controls it. JOSDK adds a plain reference; ours marks the controller.
 */
public final class Owners {
  private Owners() {}

  public static OwnerReference controller(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Makes {@code owner} the controller of {@code child}; returns the child. */
  public static <T extends HasMetadata> T controlledBy(T child, HasMetadata owner) {
    var references = child.getMetadata().getOwnerReferences() == null
        ? new ArrayList<OwnerReference>()
        : new ArrayList<>(child.getMetadata().getOwnerReferences());
    references.removeIf(r -> r.getUid() != null && r.getUid().equals(owner.getMetadata().getUid()));
    references.add(controller(owner));
    child.getMetadata().setOwnerReferences(references);
    return child;
  }
}
