package dev.studio.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about our resources, shown by {@code kubectl describe} and {@code kubectl
 * get events}. Controllers record one when a condition changes, not on every retry, so a stuck
 * resource does not flood the API server.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "studio-operator";

  private final KubernetesClient client;
  private final String instance;

  public EventRecorder(KubernetesClient client, String instance) {
    this.client = client;
    this.instance = instance;
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
            .withNamespace(about.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withName(about.getMetadata().getName())
                    .withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid())
                    .withResourceVersion(about.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withSource(new EventSourceBuilder().withComponent(COMPONENT).build())
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .withAction("Reconcile")
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withEventTime(new MicroTime(Instant.now().truncatedTo(ChronoUnit.MICROS).toString()))
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: failing to write one must not fail the reconcile.
      log.warn("could not record event {} on {}/{}: {}", reason, about.getKind(), about.getMetadata().getName(), e.getMessage());
    }
  }
}
