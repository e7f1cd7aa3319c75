package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Where a bundle comes from and which of its surfaces are live. */
@JsonClassDescription("Desired bundle: its source, kind, props and live surfaces.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.schedules) || self.schedules.all(s, self.schedules.exists_one(t, t.name == s.name))",
    message = "schedule names must be unique",
    fieldPath = ".schedules")
public record BundleSpec(
    @Required @JsonPropertyDescription("The StudioDeployment whose workers load the bundle.")
        StudioRef studioRef,
    @Required @JsonPropertyDescription("Where the bundle's files come from: exactly one source.")
        Source source,
    @Default("Declarative")
        @JsonPropertyDescription(
            "Declarative: a bundle.yaml (model, prompt, tools, operations, jobs). Jvm: a jar"
                + " implementing the bundle SPI, loaded in its own class loader.")
        BundleKind kind,
    @PreserveUnknownFields
        @JsonPropertyDescription("Deployment-scoped properties handed to the bundle, free-form.")
        JsonNode props,
    @JsonPropertyDescription("Secret whose keys are handed to the bundle as its secrets.")
        SecretRef secretsRef,
    @Default("{}") @JsonPropertyDescription("Switches per surface; a switched-off surface answers 404.")
        Enabled enabled,
    @Size(max = 64) @JsonPropertyDescription("Cron schedules that enqueue bundle jobs.")
        List<Schedule> schedules,
    @JsonProperty("default")
        @Default("false")
        @JsonPropertyDescription("The bundle messages use when they name none; one per studio.")
        Boolean defaultBundle,
    @Default("5m")
        @Pattern(Names.DURATION)
        @JsonPropertyDescription(
            "How often a moving git ref (a branch) is resolved again, as a duration: 30s, 5m, 1h.")
        String pollInterval) {

  public BundleSpec {
    kind = kind == null ? BundleKind.Declarative : kind;
    enabled = enabled == null ? new Enabled(null, null, null) : enabled;
    schedules = schedules == null ? List.of() : List.copyOf(schedules);
    defaultBundle = defaultBundle == null ? Boolean.FALSE : defaultBundle;
    pollInterval = pollInterval == null ? "5m" : pollInterval;
  }

  /** The kinds of bundle. */
  public enum BundleKind {
    Declarative,
    Jvm
  }

  /** Exactly one source. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "[has(self.git), has(self.configMap), has(self.uri)].filter(x, x).size() == 1",
      message = "set exactly one of git, configMap and uri")
  public record Source(
      @JsonPropertyDescription("A git repository.") GitSource git,
      @JsonPropertyDescription("A ConfigMap in the same namespace holding the bundle's files.")
          ConfigMapSource configMap,
      @Size(max = 2048)
          @Pattern("^s3://[a-z0-9][a-z0-9.-]*[a-z0-9]/.+$")
          @JsonPropertyDescription("An object in the object store: s3://bucket/key (a zip or jar).")
          String uri) {}

  /** A git source. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record GitSource(
      @Required
          @Size(min = 1, max = 2048)
          @Pattern("^(https?|ssh|git|file)://[^\\s]+$|^[^\\s@]+@[^\\s:]+:[^\\s]+$")
          @JsonPropertyDescription("Clone URL.")
          String url,
      @Default("main")
          @Size(min = 1, max = 255)
          @JsonPropertyDescription("Branch, tag or commit; a branch is re-resolved every pollInterval.")
          String ref,
      @Size(max = 1024)
          @ValidationRule(
              value = "!self.startsWith('/') && !self.split('/').exists(s, s == '..')",
              message = "subdir must be relative and must not contain '..'")
          @JsonPropertyDescription("Directory of the bundle inside the repository.")
          String subdir) {
    public GitSource {
      ref = ref == null ? "main" : ref;
    }
  }

  /** A ConfigMap source. */
  public record ConfigMapSource(
      @Required
          @Size(min = 1, max = 253)
          @Pattern(Names.DNS_SUBDOMAIN)
          @JsonPropertyDescription("Name of the ConfigMap; each key is a file of the bundle.")
          String name) {}

  /** A Secret by name. */
  public record SecretRef(
      @Required
          @Size(min = 1, max = 253)
          @Pattern(Names.DNS_SUBDOMAIN)
          @JsonPropertyDescription("Name of the Secret in the same namespace.")
          String name) {}

  /** Surface switches. */
  public record Enabled(
      @Default("true") @JsonPropertyDescription("Operations under /api/integrations/bundles.")
          Boolean operations,
      @Default("true") @JsonPropertyDescription("Background jobs.") Boolean jobs,
      @Default("true") @JsonPropertyDescription("Cron schedules.") Boolean schedules) {
    public Enabled {
      operations = operations == null ? Boolean.TRUE : operations;
      jobs = jobs == null ? Boolean.TRUE : jobs;
      schedules = schedules == null ? Boolean.TRUE : schedules;
    }
  }

  /** A cron schedule. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Schedule(
      @Required
          @Size(min = 1, max = 63)
          @Pattern(Names.DNS_LABEL)
          @JsonPropertyDescription("Name of the schedule, unique in the bundle.")
          String name,
      @Required
          @Size(min = 1, max = 256)
          @ValidationRule(
              value = "self.matches('" + Cron.CEL_PATTERN + "')",
              message =
                  "cron must be five fields (minute hour day-of-month month day-of-week), e.g."
                      + " '*/15 * * * *', or one of @hourly, @daily, @weekly, @monthly, @yearly")
          @JsonPropertyDescription("Cron expression in UTC: five fields, or @hourly, @daily, ...")
          String cron,
      @Required
          @Size(min = 1, max = 128)
          @Pattern("^[A-Za-z0-9_.:-]+$")
          @JsonPropertyDescription("The job kind the bundle's job handler receives.")
          String workKind,
      @PreserveUnknownFields @JsonPropertyDescription("Payload of each job, free-form.")
          JsonNode payload) {}
}
