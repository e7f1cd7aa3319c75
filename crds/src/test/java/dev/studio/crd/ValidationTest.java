package dev.studio.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenAPI and CEL rules of the CRDs, evaluated as the API server would: each bad resource is
 * refused with a message naming the field, and its corrected twin is accepted.
 */
class ValidationTest {

  static final String STUDIO =
      """
      apiVersion: studio.dev/v1alpha1
      kind: StudioDeployment
      metadata: {name: acme}
      spec:
        database: {urlSecretRef: {name: pg, key: uri}}
        redis: {url: "redis://redis:6379"}
        nats: {url: "nats://nats:4222"}
      """;
  static final String POOL =
      """
      apiVersion: studio.dev/v1alpha1
      kind: WorkerPool
      metadata: {name: paid}
      spec:
        studioRef: {name: acme}
        queues: [paid]
      """;
  static final String CLAIM =
      """
      apiVersion: studio.dev/v1alpha1
      kind: SandboxClaim
      metadata: {name: c}
      spec:
        studioRef: {name: acme}
        user: ada
        projectRef: {repo: "https://example.com/r.git"}
      """;
  static final String BUNDLE =
      """
      apiVersion: studio.dev/v1alpha1
      kind: Bundle
      metadata: {name: b}
      spec:
        studioRef: {name: acme}
        source: {configMap: {name: agent-files}}
      """;

  static List<Arguments> refused() {
    return List.of(
        // kind, base, the change (appended YAML under spec), the error expected
        Arguments.of("WorkerPool", POOL, "  replicas: -1", "spec.replicas: Invalid value: -1: should be greater than or equal to 0"),
        Arguments.of("WorkerPool", POOL, "  autoscaling: {minReplicas: 5, maxReplicas: 2}", "spec.autoscaling.minReplicas: Invalid value: minReplicas must not exceed maxReplicas"),
        Arguments.of("WorkerPool", POOL.replace("queues: [paid]", "queues: []"), "", "spec.queues: Invalid value: 0: should have at least 1 items"),
        Arguments.of("WorkerPool", POOL.replace("queues: [paid]", "queues: [Paid_Lane]"), "", "spec.queues[0]: Invalid value: \"Paid_Lane\": should match"),
        Arguments.of("WorkerPool", POOL.replace("{name: acme}", "{name: Acme.Studio}"), "", "spec.studioRef.name: Invalid value: \"Acme.Studio\": should match"),
        Arguments.of("StudioDeployment", STUDIO, "  web: {replicas: -2}", "spec.web.replicas: Invalid value: -2: should be greater than or equal to 0"),
        Arguments.of("StudioDeployment", STUDIO.replace("redis: {url: \"redis://redis:6379\"}", "redis: {url: \"redis://r:6379\", urlSecretRef: {name: r, key: url}}"), "", "spec.redis: Invalid value: set exactly one of url and urlSecretRef"),
        Arguments.of("StudioDeployment", STUDIO.replace("nats: {url: \"nats://nats:4222\"}", "nats: {}"), "", "spec.nats: Invalid value: set exactly one of url and urlSecretRef"),
        Arguments.of("StudioDeployment", STUDIO, "  model: {provider: anthropic}", "spec.model.apiKeySecretRef: Invalid value: provider anthropic needs apiKeySecretRef"),
        Arguments.of("StudioDeployment", STUDIO, "  model: {provider: gemini}", "spec.model.provider: Unsupported value: \"gemini\""),
        Arguments.of("StudioDeployment", STUDIO, "  gateway: {parentRef: {name: public}}", "spec.publicUrl: Invalid value: publicUrl is required with gateway"),
        Arguments.of("StudioDeployment", STUDIO, "  publicUrl: studio.example.com", "spec.publicUrl: Invalid value: \"studio.example.com\": should match"),
        Arguments.of("StudioDeployment", STUDIO, "  worker: {maxConcurrentRuns: 0}", "spec.worker.maxConcurrentRuns: Invalid value: 0: should be greater than or equal to 1"),
        Arguments.of("StudioDeployment", STUDIO, "  sandbox: {warmPool: {size: -1}}", "spec.sandbox.warmPool.size: Invalid value: -1"),
        Arguments.of("StudioDeployment", STUDIO, "  replicas: 3", "spec.replicas: unknown field \"replicas\""),
        Arguments.of("StudioDeployment", STUDIO.replace("database: {urlSecretRef: {name: pg, key: uri}}", "database: {}"), "", "spec.database.urlSecretRef: Required value"),
        Arguments.of("SandboxClaim", CLAIM, "  orgFs: [{volume: shared, path: ../../etc}]", "spec.orgFs[0].path: Invalid value: path must be relative to the workspace and must not contain '..'"),
        Arguments.of("SandboxClaim", CLAIM, "  orgFs: [{volume: a, path: org/x}, {volume: b, path: org/x}]", "spec.orgFs: Invalid value: two orgFs volumes share a path"),
        Arguments.of("SandboxClaim", CLAIM, "  lifecycle: {shutdownTime: tomorrow}", "spec.lifecycle.shutdownTime: Invalid value: shutdownTime must be an RFC 3339 time"),
        Arguments.of("SandboxClaim", CLAIM, "  lifecycle: {shutdownPolicy: Keep}", "spec.lifecycle.shutdownPolicy: Unsupported value: \"Keep\""),
        Arguments.of("SandboxClaim", CLAIM, "  setup: {port: 70000}", "spec.setup.port: Invalid value: 70000: should be less than or equal to 65535"),
        Arguments.of("Bundle", BUNDLE.replace("source: {configMap: {name: agent-files}}", "source: {configMap: {name: agent-files}, uri: \"s3://b/k.zip\"}"), "", "spec.source: Invalid value: set exactly one of git, configMap and uri"),
        Arguments.of("Bundle", BUNDLE.replace("source: {configMap: {name: agent-files}}", "source: {}"), "", "spec.source: Invalid value: set exactly one of git, configMap and uri"),
        Arguments.of("Bundle", BUNDLE, "  pollInterval: 5 minutes", "spec.pollInterval: Invalid value: \"5 minutes\": should match"),
        Arguments.of("Bundle", BUNDLE, "  schedules: [{name: nightly, cron: every day, workKind: report}]", "spec.schedules[0].cron: Invalid value: cron must be five fields"),
        Arguments.of("Bundle", BUNDLE, "  schedules: [{name: nightly, cron: '0 6 * *', workKind: report}]", "spec.schedules[0].cron: Invalid value: cron must be five fields"),
        Arguments.of("Bundle", BUNDLE, "  schedules: [{name: a, cron: '@daily', workKind: r}, {name: a, cron: '@hourly', workKind: r}]", "spec.schedules: Invalid value: schedule names must be unique"),
        Arguments.of("Bundle", BUNDLE.replace("source: {configMap: {name: agent-files}}", "source: {git: {url: \"https://e.com/r.git\", subdir: \"../x\"}}"), "", "spec.source.git.subdir: Invalid value: subdir must be relative"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("refused")
  void refusedWithAMessageNamingTheField(String kind, String base, String change, String expected) {
    List<String> errors = SchemaValidator.forKind(kind).validate(SchemaValidator.parse(base + change));
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(expected));
  }

  static List<Arguments> accepted() {
    return List.of(
        Arguments.of("WorkerPool", POOL + "  autoscaling: {minReplicas: 2, maxReplicas: 2}"),
        Arguments.of("WorkerPool", POOL + "  replicas: 0"),
        Arguments.of("StudioDeployment", STUDIO),
        Arguments.of("StudioDeployment", STUDIO + "  model: {provider: anthropic, apiKeySecretRef: {name: llm, key: key}}"),
        Arguments.of("StudioDeployment", STUDIO + "  model: {provider: openai, baseUrl: \"http://ollama:11434/v1\"}"),
        Arguments.of("StudioDeployment", STUDIO + "  publicUrl: https://studio.example.com\n  gateway: {parentRef: {name: public}}"),
        Arguments.of("StudioDeployment", STUDIO + "  worker: {resources: {requests: {cpu: 2, memory: 1Gi}}}"),
        Arguments.of("SandboxClaim", CLAIM + "  lifecycle: {shutdownTime: \"2026-01-31T18:00:00Z\", shutdownPolicy: Retain}"),
        Arguments.of("SandboxClaim", CLAIM + "  orgFs: [{volume: a, path: org/a}, {volume: b, path: org/b, readOnly: true}]"),
        Arguments.of("Bundle", BUNDLE + "  schedules: [{name: a, cron: '*/15 * * * *', workKind: r}, {name: b, cron: '0 9 * * MON-FRI', workKind: r}, {name: c, cron: '@daily', workKind: r}]"),
        Arguments.of("Bundle", BUNDLE.replace("source: {configMap: {name: agent-files}}", "source: {uri: \"s3://bundles/agent.zip\"}") + "  pollInterval: 1h30m"),
        Arguments.of("Bundle", BUNDLE + "  props: {anything: {goes: [1, 2]}}"));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void accepted(String kind, String yaml) {
    assertThat(SchemaValidator.forKind(kind).validate(SchemaValidator.parse(yaml))).isEmpty();
  }
}
