package dev.studio.operator;

import dev.studio.operator.bundle.BundleApi;
import dev.studio.operator.bundle.BundleReconciler;
import dev.studio.operator.bundle.GitSources;
import dev.studio.operator.platform.PlatformApi;
import dev.studio.operator.sandbox.SandboxClaimReconciler;
import dev.studio.operator.sandbox.WarmPoolReconciler;
import dev.studio.operator.status.EventRecorder;
import dev.studio.operator.studio.StudioDeploymentReconciler;
import dev.studio.operator.workerpool.ApiQueueDepths;
import dev.studio.operator.workerpool.WorkerPoolReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The operator: every controller registered on one JOSDK {@link Operator}. Built the same way by
 * {@link OperatorMain} and by the tests, so tests exercise exactly what runs in a cluster.
 *
 * <p>Children are written with create and update (optimistic locking on resourceVersion), not
 * server-side apply: the fabric8 mock server the tests run on cannot apply, and the update path
 * with JOSDK's generic matcher ignores fields the API server defaults, so a steady state writes
 * nothing. See README, "Apply mode".
 */
public final class StudioOperator implements AutoCloseable {
  /** The User-Agent of the operator's requests to the API server (audit logs show it). */
  public static final String USER_AGENT = "studio-operator";
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private final Operator operator;

  public StudioOperator(KubernetesClient client, OperatorConfig config, MeterRegistry registry) {
    this(client, config, registry, true);
  }

  /**
   * @param exitOnLostLeadership stop the JVM when this replica loses the lease (what a pod must
   *     do, so that it restarts as a stand-by); tests that start and stop operators turn it off
   */
  StudioOperator(KubernetesClient client, OperatorConfig config, MeterRegistry registry, boolean exitOnLostLeadership) {
    var events = new EventRecorder(client, config.identity());
    var gatewayApi = new GatewayApi(client);
    operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withConcurrentReconciliationThreads(config.reconcileThreads())
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
              if (config.leaderElection()) {
                overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                    config.leaseName(), config.leaseNamespace(), LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD,
                    config.identity(), null, exitOnLostLeadership));
              }
            });
    operator.register(
        new StudioDeploymentReconciler(config.images(), gatewayApi, events),
        overrides -> configure(overrides, config));
    var platformApi = new PlatformApi(client, config.autoscaling());
    operator.register(new WorkerPoolReconciler(config.images(), events, new ApiQueueDepths(platformApi), config.autoscaling()),
        overrides -> configure(overrides, config));
    operator.register(new SandboxClaimReconciler(config.images(), gatewayApi, events), overrides -> configure(overrides, config));
    operator.register(new WarmPoolReconciler(config.images()), overrides -> configure(overrides, config));
    operator.register(new BundleReconciler(events, new BundleApi(platformApi), GitSources.inTempDir()),
        overrides -> configure(overrides, config));
  }

  private static <R extends HasMetadata> void configure(ControllerConfigurationOverrider<R> overrides, OperatorConfig config) {
    if (config.watchNamespaces().isEmpty()) {
      overrides.watchingAllNamespaces();
    } else {
      overrides.settingNamespaces(config.watchNamespaces());
    }
    // Failures the API server reports (conflicts, timeouts) are retried 1 s, 2 s, 4 s ... up to
    // 5 min apart, for as long as they last.
    overrides.withRetry(
        new GenericRetry().setInitialInterval(1000).setIntervalMultiplier(2).setMaxInterval(Duration.ofMinutes(5).toMillis()).withoutMaxAttempts());
  }

  public void start() {
    operator.start();
  }

  public boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
