package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Bundles and their accepted artifacts, in PostgreSQL: the record every process reads. */
public final class BundleStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "name, revision, ref, artifact, kind, is_default, enabled, schedules, props, generation";

  private final Jdbi jdbi;

  public BundleStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** An artifact the api accepted. */
  public record Artifact(String name, String bundle, String revision, BundleRecord.Kind kind, long sizeBytes) {}

  /** Records an accepted artifact; false if it was recorded already. */
  public boolean addArtifact(Artifact artifact) {
    return jdbi.withHandle(h -> h.createUpdate("insert into bundle_artifacts (name, bundle, revision, kind, size_bytes) "
            + "values (?, ?, ?, ?, ?) on conflict (name) do nothing")
        .bind(0, artifact.name()).bind(1, artifact.bundle()).bind(2, artifact.revision()).bind(3, artifact.kind().name())
        .bind(4, artifact.sizeBytes()).execute()) == 1;
  }

  public Optional<Artifact> artifact(String name) {
    return jdbi.withHandle(h -> h.createQuery("select name, bundle, revision, kind, size_bytes from bundle_artifacts where name = ?")
        .bind(0, name)
        .map((rs, ctx) -> new Artifact(rs.getString(1), rs.getString(2), rs.getString(3), BundleRecord.Kind.valueOf(rs.getString(4)),
            rs.getLong(5)))
        .findOne());
  }

  /** Puts a bundle's revision and settings. */
  public void put(BundleRecord bundle) {
    jdbi.useHandle(h -> h.createUpdate("insert into bundles (" + COLUMNS + ", updated_at) values (?, ?, ?, ?, ?, ?, cast(? as jsonb), "
            + "cast(? as jsonb), cast(? as jsonb), ?, now()) on conflict (name) do update set revision = excluded.revision, "
            + "ref = excluded.ref, artifact = excluded.artifact, kind = excluded.kind, is_default = excluded.is_default, "
            + "enabled = excluded.enabled, schedules = excluded.schedules, props = excluded.props, generation = excluded.generation, "
            + "updated_at = now()")
        .bind(0, bundle.name()).bind(1, bundle.revision()).bind(2, bundle.ref()).bind(3, bundle.artifact())
        .bind(4, bundle.kind().name()).bind(5, bundle.isDefault()).bind(6, json(bundle.enabled()))
        .bind(7, json(bundle.schedules())).bind(8, bundle.props().toString()).bind(9, bundle.generation())
        .execute());
  }

  /** Removes a bundle (and its deployment secrets); false if there was none. */
  public boolean delete(String name) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("delete from bundle_secrets where bundle = ? and scope = ?").bind(0, name).bind(1, BundleSecrets.DEPLOYMENT)
          .execute();
      return h.createUpdate("delete from bundles where name = ?").bind(0, name).execute() == 1;
    });
  }

  public Optional<BundleRecord> get(String name) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from bundles where name = ?").bind(0, name)
        .map((rs, ctx) -> bundle(rs)).findOne());
  }

  public List<BundleRecord> all() {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from bundles order by name").map((rs, ctx) -> bundle(rs)).list());
  }

  private static BundleRecord bundle(ResultSet rs) throws SQLException {
    try {
      JsonNode enabled = JSON.readTree(rs.getString("enabled"));
      List<BundleRecord.Schedule> schedules = new ArrayList<>();
      for (JsonNode s : JSON.readTree(rs.getString("schedules"))) {
        schedules.add(new BundleRecord.Schedule(s.path("name").asText(), s.path("cron").asText(), s.path("workKind").asText(),
            s.path("payload").isMissingNode() || s.path("payload").isNull() ? JSON.createObjectNode() : s.path("payload")));
      }
      return new BundleRecord(rs.getString("name"), rs.getString("revision"), rs.getString("ref"), rs.getString("artifact"),
          BundleRecord.Kind.valueOf(rs.getString("kind")), rs.getBoolean("is_default"),
          new BundleRecord.Enabled(enabled.path("operations").asBoolean(true), enabled.path("jobs").asBoolean(true),
              enabled.path("schedules").asBoolean(true)),
          schedules, JSON.readTree(rs.getString("props")), rs.getLong("generation"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("unreadable bundle row " + rs.getString("name"), e);
    }
  }

  private static String json(Object value) {
    return JSON.valueToTree(value).toString();
  }
}
