package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.Sandbox;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.operator.Fixtures;

/** Claims and sandbox templates the sandbox tests start from, each valid against its CRD. */
final class SandboxFixtures {
  private SandboxFixtures() {}

  /** A claim of user ada for a website, with extra {@code lifecycle} YAML (or empty). */
  static SandboxClaim claim(String name, String studio, String lifecycle) {
    String yaml = """
        apiVersion: studio.dev/v1alpha1
        kind: SandboxClaim
        metadata: {name: %s, namespace: %s}
        spec:
          studioRef: {name: %s}
          user: ada
          projectRef: {repo: "https://github.com/example/website.git", ref: main}
          setup: {install: npm ci, start: npm run dev, port: 3000}
          orgFs:
            - {volume: shared, path: org/shared}
          lifecycle: {%s}
        """.formatted(name, Fixtures.NAMESPACE, studio, lifecycle);
    return Fixtures.valid(yaml, SandboxClaim.class);
  }

  static SandboxClaim claim(String name, String studio) {
    return claim(name, studio, "");
  }

  /** The fixture studio with its sandbox template changed. */
  static StudioDeployment studio(String name, Sandbox sandbox) {
    var studio = Fixtures.studio(name);
    var spec = studio.getSpec();
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        spec.model(), spec.secrets(), spec.gateway(), sandbox, spec.shutdownGraceSeconds()));
    return studio;
  }

  /** A template with a preview domain, a Gateway and a warm pool of {@code warm} pods. */
  static Sandbox template(int warm) {
    return new Sandbox(null, null, null, null, "preview.test", null,
        new StudioDeploymentSpec.ParentRef("public", "gateway-system", "https"), new Sandbox.WarmPool(warm), null, null, null);
  }
}
