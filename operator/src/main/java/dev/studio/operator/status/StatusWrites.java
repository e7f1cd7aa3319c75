package dev.studio.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * How every reconciler writes its resource's status: only when it changed, as a whole (an update
 * of the status subresource with the resource version read, so a conflict re-reads and writes
 * again), and with the result put in the informer cache at once, so the next reconcile starts from
 * what was written (a Bundle's next reconcile, which a ConfigMap event may start a moment later,
 * must see the artifact just uploaded, or it would upload it again).
 *
 * <p>Not {@code UpdateControl.patchStatus}: without server-side apply, JOSDK sends a JSON Patch
 * computed against the copy the reconcile started from, with index-based operations on lists such
 * as {@code /status/conditions} and no resource version. Where the server's copy had moved on, the
 * patch removed the wrong condition or failed outright ("Array index out of bounds").
 */
public final class StatusWrites {
  private StatusWrites() {}

  /** Writes {@code status} unless the resource already has it; the reconcile goes on with no update of its own. */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> writeIfChanged(P resource, Context<P> context, S status) {
    write(resource, context, status);
    return UpdateControl.noUpdate();
  }

  /** Writes {@code status} unless the resource already has it; returns the resource as written (or as it was). */
  public static <S, P extends CustomResource<?, S>> P write(P resource, Context<P> context, S status) {
    if (Objects.equals(resource.getStatus(), status)) {
      return resource;
    }
    return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, context, r -> {
      r.setStatus(status);
      return r;
    });
  }
}
