package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.bundle.spi.OperationCall;
import dev.studio.bundle.spi.OperationException;
import dev.studio.runtime.agent.model.ModelException;
import dev.studio.runtime.http.ApiException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a bundle's operation on the revision it serves now. A bundle that is not deployed, whose
 * operations are switched off, or that has no such operation answers 404 alike.
 */
public final class BundleOperations {
  private static final Logger log = LoggerFactory.getLogger(BundleOperations.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BundleRegistry registry;
  private final Prompts prompts;
  private final OrgBundleProps orgProps;
  private final BundleSecrets secrets;

  public BundleOperations(BundleRegistry registry, BundleModels models, OrgBundleProps orgProps, BundleSecrets secrets) {
    this.registry = registry;
    this.prompts = new Prompts(models);
    this.orgProps = orgProps;
    this.secrets = secrets;
  }

  /** The operation's answer: {@code {bundle, revision, operation, output}}. */
  public ObjectNode invoke(String bundle, String operation, UUID org, String method, ObjectNode input) throws InterruptedException {
    var settings = registry.settings(bundle).orElseThrow(() -> ApiException.notFound("bundle", bundle));
    if (!settings.enabled().operations()) {
      throw new ApiException(404, "not_found", "the operations of bundle " + bundle + " are switched off", Map.of("bundle", bundle), null);
    }
    try (var lease = registry.lease(bundle).orElseThrow(() -> ApiException.notFound("bundle", bundle))) {
      if (!lease.bundle().operations().contains(operation)) {
        throw ApiException.notFound("operation", operation);
      }
      JsonNode output = switch (lease.bundle()) {
        case DeclarativeBundle declarative -> prompt(declarative.spec(), lease, operation, org, input);
        case JvmBundle jvm -> jvm(jvm, lease, operation, org, method, input);
      };
      return JSON.createObjectNode().put("bundle", bundle).put("revision", lease.settings().revision()).put("operation", operation)
          .set("output", output);
    }
  }

  private JsonNode prompt(BundleDefinition spec, BundleRegistry.Lease lease, String operation, UUID org, ObjectNode input)
      throws InterruptedException {
    var template = spec.operations().get(operation).prompt();
    var missing = template.missing("input", input);
    if (!missing.isEmpty()) {
      throw ApiException.badRequest(missing.get(0), "operation " + operation + " needs " + String.join(", ", missing));
    }
    var scopes = Map.of("props", lease.settings().props(), "user", orgProps.get(lease.settings().name(), org), "input", (JsonNode) input);
    String system = spec.system().map(t -> t.render(scopes)).orElse(null);
    try {
      return JSON.getNodeFactory().textNode(prompts.complete(spec, system, template.render(scopes)));
    } catch (ModelException e) {
      throw new ApiException(502, "model_error", "the model failed: " + e.getMessage(), Map.of(), null);
    }
  }

  private JsonNode jvm(JvmBundle jvm, BundleRegistry.Lease lease, String operation, UUID org, String method, ObjectNode input) {
    String name = lease.settings().name();
    var call = new OperationCall(org.toString(), method, LiveContext.Json.toMap(input), LiveContext.Json.toMap(orgProps.get(name, org)),
        secrets.org(name, org));
    try {
      return LiveContext.Json.toJson(jvm.call(() -> jvm.operation(operation).orElseThrow().invoke(call)));
    } catch (OperationException e) {
      throw new ApiException(e.status(), "operation_refused", e.getMessage(), Map.of("operation", operation), null);
    } catch (Exception e) {
      // The bundle's exception may carry anything (even a secret): only its class goes out, and to the log.
      log.warn("bundle {} operation {} failed: {}", name, operation, e.getClass().getName());
      throw new ApiException(500, "operation_failed", "operation " + operation + " of bundle " + name + " failed", Map.of(), null);
    }
  }
}
