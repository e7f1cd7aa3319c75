package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** An organisation's own props for a bundle (a JSON object), in PostgreSQL. */
public final class OrgBundleProps {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;

  public OrgBundleProps(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public JsonNode get(String bundle, UUID org) {
    return jdbi.withHandle(h -> h.createQuery("select props from bundle_props where bundle = ? and org_id = ?").bind(0, bundle)
        .bind(1, org).mapTo(String.class).findOne()).map(OrgBundleProps::parse).orElseGet(JSON::createObjectNode);
  }

  public void put(String bundle, UUID org, JsonNode props) {
    jdbi.useHandle(h -> h.createUpdate("insert into bundle_props (bundle, org_id, props) values (?, ?, cast(? as jsonb)) "
        + "on conflict (bundle, org_id) do update set props = excluded.props").bind(0, bundle).bind(1, org).bind(2, props.toString())
        .execute());
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
