package dev.studio.operator.workerpool;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Owners;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** The pool's worker Deployment, as a JOSDK dependent. */
// The replicas the reconciler decided on (the spec's, or the autoscaler's) reach it as Replicas.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + PoolManifests.COMPONENT))
public final class PoolDeployment extends CRUDKubernetesDependentResource<Deployment, WorkerPool> {

  public PoolDeployment() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(WorkerPool pool, Context<WorkerPool> context) {
    var workflow = context.managedWorkflowAndDependentResourceContext();
    return Owners.controlledBy(
        PoolManifests.deployment(
            pool,
            workflow.getMandatory(StudioDeployment.class, StudioDeployment.class),
            workflow.getMandatory(Images.class, Images.class),
            workflow.getMandatory(Replicas.class, Replicas.class).count()),
        pool);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(WorkerPool pool, Context<WorkerPool> context) {
    return new ResourceID(PoolManifests.deploymentName(pool), pool.getMetadata().getNamespace());
  }
}
