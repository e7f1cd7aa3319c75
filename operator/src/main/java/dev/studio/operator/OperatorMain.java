package dev.studio.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the operator: reads its settings, connects to the cluster, serves metrics. */
public final class OperatorMain {
  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnv(System.getenv());
    } catch (OperatorConfig.InvalidSetting e) {
      System.err.println("studio-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);

    var client = new KubernetesClientBuilder()
        .editOrNewConfig()
        .withUserAgent(StudioOperator.USER_AGENT + "/" + config.images().version())
        .endConfig()
        .build();
    var operator = new StudioOperator(client, config, registry);
    var http = new OperatorHttpServer(config.httpPort(), registry, operator::ready);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  operator.close();
                  http.close();
                  client.close();
                },
                "shutdown"));
    log.info(
        "studio-operator {} watching {} (leader election {}), metrics on :{}",
        config.images().version(),
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces(),
        config.leaderElection() ? "on" : "off",
        http.port());
    operator.start();
  }
}
