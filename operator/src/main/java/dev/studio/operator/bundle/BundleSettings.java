package dev.studio.operator.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.crd.v1alpha1.BundleSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code PUT /api/internal/bundles/{bundle}}: a pure function of the spec, the
 * revision and the secrets, written with a fixed key order so that equal settings are equal bytes
 * (the controller sends them again only when their digest changes).
 */
public final class BundleSettings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BundleSettings() {}

  /** Which revision the settings go with. */
  public record Revision(String revision, String ref, String artifact) {}

  public static byte[] json(BundleSpec spec, Revision revision, Map<String, String> secrets, long generation) {
    ObjectNode body = JSON.createObjectNode();
    body.put("revision", revision.revision());
    body.put("ref", revision.ref());
    body.put("artifact", revision.artifact());
    body.put("kind", spec.kind().name());
    body.put("default", spec.defaultBundle());
    body.putObject("enabled")
        .put("operations", spec.enabled().operations())
        .put("jobs", spec.enabled().jobs())
        .put("schedules", spec.enabled().schedules());
    var schedules = body.putArray("schedules");
    for (var schedule : spec.schedules()) {
      var entry = schedules.addObject().put("name", schedule.name()).put("cron", schedule.cron()).put("workKind", schedule.workKind());
      if (schedule.payload() != null) {
        entry.set("payload", schedule.payload());
      } else {
        entry.putNull("payload");
      }
    }
    if (spec.props() != null) {
      body.set("props", spec.props());
    } else {
      body.putObject("props");
    }
    var sealed = body.putObject("secrets");
    new TreeMap<>(secrets).forEach(sealed::put);
    body.put("generation", generation);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
