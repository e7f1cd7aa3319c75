package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.Resources;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.ComputeResources;
import dev.studio.operator.manifest.ConfigHash;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Security;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;

/**
 * The web tier: nginx serving the single-page app and reverse-proxying {@code /api}, {@code
 * /mcp}, {@code /oauth-proxy} and {@code /.well-known} to the api Service. The app's files come
 * from the runtime image: an init container exports them into a volume nginx serves.
 */
public final class WebTier {
  public static final int PORT = 8080;
  public static final int SERVICE_PORT = 80;
  public static final String CONFIG_KEY = "default.conf";
  /** The nginx-unprivileged image runs as this user. */
  static final long NGINX_UID = 101;

  private WebTier() {}

  /** The server block nginx loads from {@code /etc/nginx/conf.d}. */
  public static String nginxConfig(StudioDeployment studio) {
    String api = StudioNames.api(studio) + "." + studio.getMetadata().getNamespace() + ".svc:" + RuntimeEnvironment.HTTP_PORT;
    return """
        # Rendered by the studio operator from StudioDeployment %s; edits are reverted.
        upstream studio_api {
          server %s;
          keepalive 32;
        }

        server {
          listen %d;
          server_name _;
          root /usr/share/nginx/html;
          # Org-fs uploads may be up to 500 MB.
          client_max_body_size 512m;

          location = /healthz {
            access_log off;
            default_type text/plain;
            return 200 "ok\\n";
          }

          # The api: JSON routes, SSE streams (unbuffered, long-lived), MCP and OAuth.
          location ~ ^/(api|mcp|oauth-proxy|\\.well-known)(/|$) {
            proxy_pass http://studio_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
          }

          # Hashed build assets never change under the same name.
          location /assets/ {
            add_header Cache-Control "public, max-age=31536000, immutable";
            try_files $uri =404;
          }

          # The single-page app: every other path is a client-side route.
          location / {
            add_header Cache-Control "no-cache";
            try_files $uri $uri/ /index.html;
          }
        }
        """
        .formatted(studio.getMetadata().getName(), api, PORT);
  }

  public static ConfigMap configMap(StudioDeployment studio) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(StudioNames.webConfig(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.WEB))
        .endMetadata()
        .withData(Map.of(CONFIG_KEY, nginxConfig(studio)))
        .build();
  }

  public static Deployment deployment(StudioDeployment studio, Images images) {
    var spec = studio.getSpec();
    String instance = studio.getMetadata().getName();
    var labels = Labels.of(instance, StudioNames.WEB);
    var restricted = Security.container();

    var exportAssets =
        new ContainerBuilder()
            .withName("web-assets")
            .withImage(images.runtimeFor(studio))
            .withImagePullPolicy(spec.imagePullPolicy().name())
            .withArgs("export-web", "/web")
            .withSecurityContext(restricted)
            .withResources(ComputeResources.of(Resources.of("50m", "128Mi", "256Mi")))
            .withVolumeMounts(new VolumeMountBuilder().withName("web-root").withMountPath("/web").build())
            .build();

    var nginx =
        new ContainerBuilder()
            .withName("nginx")
            .withImage(spec.web().image())
            .withImagePullPolicy(spec.imagePullPolicy().name())
            .addNewPort()
            .withName("http")
            .withContainerPort(PORT)
            .withProtocol("TCP")
            .endPort()
            .withResources(ComputeResources.of(spec.web().resources()))
            .withReadinessProbe(
                new ProbeBuilder().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http")).endHttpGet()
                    .withPeriodSeconds(5).withFailureThreshold(2).withTimeoutSeconds(2).build())
            .withLivenessProbe(
                new ProbeBuilder().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http")).endHttpGet()
                    .withPeriodSeconds(10).withFailureThreshold(3).withTimeoutSeconds(2).build())
            // Let load balancers notice the pod is going before nginx stops taking requests.
            .withNewLifecycle()
            .withNewPreStop()
            .withNewExec()
            .withCommand("sleep", "10")
            .endExec()
            .endPreStop()
            .endLifecycle()
            .withSecurityContext(restricted)
            .withVolumeMounts(
                new VolumeMountBuilder().withName("config").withMountPath("/etc/nginx/conf.d").withReadOnly(true).build(),
                new VolumeMountBuilder().withName("web-root").withMountPath("/usr/share/nginx/html").withReadOnly(true).build(),
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build(),
                new VolumeMountBuilder().withName("cache").withMountPath("/var/cache/nginx").build())
            .build();

    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(StudioNames.web(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(spec.web().replicas())
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(Labels.selector(instance, StudioNames.WEB))
        .endSelector()
        .withStrategy(TierServices.surgeOneAtATime())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(Map.of(ConfigHash.ANNOTATION, ConfigHash.of(Map.of(CONFIG_KEY, nginxConfig(studio)))))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(30L)
        .withSecurityContext(Security.pod(NGINX_UID))
        .withImagePullSecrets(spec.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withInitContainers(exportAssets)
        .withContainers(nginx)
        .withVolumes(
            new VolumeBuilder().withName("config").withNewConfigMap().withName(StudioNames.webConfig(studio)).endConfigMap().build(),
            new VolumeBuilder().withName("web-root").withEmptyDir(new EmptyDirVolumeSource()).build(),
            new VolumeBuilder().withName("tmp").withEmptyDir(new EmptyDirVolumeSource()).build(),
            new VolumeBuilder().withName("cache").withEmptyDir(new EmptyDirVolumeSource()).build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static Service service(StudioDeployment studio) {
    return TierServices.clusterIp(studio, StudioNames.web(studio), StudioNames.WEB, SERVICE_PORT);
  }

  public static PodDisruptionBudget budget(StudioDeployment studio) {
    return Budgets.maxOneUnavailable(studio, StudioNames.web(studio), StudioNames.WEB);
  }
}
