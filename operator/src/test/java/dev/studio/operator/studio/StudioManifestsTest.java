package dev.studio.operator.studio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.SchemaValidator;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.Golden;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.ConfigHash;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every desired-state builder of a StudioDeployment: the resource in, the exact manifests out. */
class StudioManifestsTest {
  static final Images IMAGES = new Images(Images.DEFAULT_RUNTIME, Images.DEFAULT_DAEMON, Images.DEFAULT_SIDECAR, "1.0.0");

  static StudioDeployment studio() {
    var studio = Fixtures.studio("acme");
    var spec = studio.getSpec();
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), java.util.List.of("registry-creds"),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        spec.model(), spec.secrets(), new StudioDeploymentSpec.Gateway(new StudioDeploymentSpec.ParentRef("public", "gateway-system", "https")),
        spec.sandbox(), spec.shutdownGraceSeconds()));
    studio.getMetadata().setUid("7d3c1a5e-0000-4000-8000-000000000001");
    assertThat(SchemaValidator.forKind("StudioDeployment").validate(studio)).isEmpty();
    return studio;
  }

  @Test
  void runtimeConfigMap() {
    Golden.assertMatches("studio/runtime-configmap", PlatformConfig.runtimeConfigMap(studio()));
  }

  @Test
  void webTier() {
    var studio = studio();
    Golden.assertMatches("studio/web-configmap", WebTier.configMap(studio));
    Golden.assertMatches("studio/web-deployment", WebTier.deployment(studio, IMAGES));
    Golden.assertMatches("studio/web-service", WebTier.service(studio));
    Golden.assertMatches("studio/web-budget", WebTier.budget(studio));
  }

  @Test
  void apiTier() {
    var studio = studio();
    Golden.assertMatches("studio/api-deployment", ApiTier.deployment(studio, IMAGES));
    Golden.assertMatches("studio/api-service", ApiTier.service(studio));
    Golden.assertMatches("studio/api-budget", ApiTier.budget(studio));
    Golden.assertMatches("studio/api-serviceaccount", ApiTier.serviceAccount(studio));
    Golden.assertMatches("studio/api-role", ApiTier.role(studio));
    Golden.assertMatches("studio/api-rolebinding", ApiTier.roleBinding(studio));
  }

  @Test
  void workerTier() {
    var studio = studio();
    Golden.assertMatches("studio/worker-deployment", WorkerTier.deployment(studio, IMAGES));
    Golden.assertMatches("studio/worker-budget", WorkerTier.budget(studio));
  }

  @Test
  void frontDoorRoute() {
    Golden.assertMatches("studio/front-door-httproute", FrontDoor.route(studio()));
  }

  @Test
  void theGeneratedSecretKeepsWhatItHasAndFillsWhatItLacks() {
    String mine = Base64.getEncoder().encodeToString("sta_mine".getBytes());
    var secret = PlatformConfig.generatedSecret(studio(), Map.of("admin-token", mine));
    assertThat(secret.getMetadata().getName()).isEqualTo("acme-generated");
    assertThat(secret.getData()).containsOnlyKeys("encryption-key", "jwt-secret", "admin-token");
    assertThat(secret.getData().get("admin-token")).isEqualTo(mine);
    byte[] key = Base64.getDecoder().decode(new String(Base64.getDecoder().decode(secret.getData().get("encryption-key"))));
    assertThat(key).hasSize(32);
    // Two fresh Secrets never share a value.
    var other = PlatformConfig.generatedSecret(studio(), Map.of());
    assertThat(other.getData().get("jwt-secret")).isNotEqualTo(secret.getData().get("jwt-secret"));
  }

  @Test
  void theConfigHashFollowsTheSharedSettingsOnly() {
    var studio = studio();
    String hash = ConfigHash.of(RuntimeEnvironment.sharedSettings(studio));
    assertThat(ApiTier.deployment(studio, IMAGES).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(ConfigHash.ANNOTATION, hash);
    assertThat(WorkerTier.deployment(studio, IMAGES).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(ConfigHash.ANNOTATION, hash);
    var spec = studio.getSpec();
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), new StudioDeploymentSpec.Api(5, spec.api().resources()), spec.worker(), spec.database(),
        spec.redis(), spec.nats(), spec.objectStore(), spec.model(), spec.secrets(), spec.gateway(), spec.sandbox(), spec.shutdownGraceSeconds()));
    assertThat(ConfigHash.of(RuntimeEnvironment.sharedSettings(studio))).isEqualTo(hash);
  }

  @Test
  void noSecretValueIsEverInAManifest() {
    var studio = studio();
    Map<String, EnvVar> env = ApiTier.deployment(studio, IMAGES).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    for (String secret : java.util.List.of("DATABASE_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "LLM_API_KEY",
        "STUDIO_ENCRYPTION_KEY", "STUDIO_JWT_SECRET", "STUDIO_ADMIN_TOKEN")) {
      assertThat(env.get(secret).getValue()).as(secret).isNull();
      assertThat(env.get(secret).getValueFrom().getSecretKeyRef()).as(secret).isNotNull();
    }
  }
}
