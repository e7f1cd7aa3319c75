package dev.studio.e2e.bench;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Small informer handlers for the benchmarks' stand-ins for controllers and kubelets. */
final class Informers {
  private Informers() {}

  /** Calls {@code action} with each resource as it is added and after each update; deletions are ignored. */
  static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        action.accept(resource);
      }

      @Override
      public void onUpdate(T before, T after) {
        action.accept(after);
      }

      @Override
      public void onDelete(T resource, boolean unknown) {}
    };
  }
}
