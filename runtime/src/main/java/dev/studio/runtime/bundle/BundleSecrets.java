package dev.studio.runtime.bundle;

import dev.studio.runtime.vault.Vault;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Bundle secrets, sealed by the vault: the deployment's (from the Bundle's secretsRef, put by the
 * operator) and each organisation's own. A sealed value is bound to its bundle, scope and key, so
 * it cannot be moved to another row and opened there.
 */
public final class BundleSecrets {
  static final String DEPLOYMENT = "deployment";

  private final Jdbi jdbi;
  private final Vault vault;

  public BundleSecrets(Jdbi jdbi, Vault vault) {
    this.jdbi = jdbi;
    this.vault = vault;
  }

  /** Replaces the deployment's secrets of a bundle with these. */
  public void replaceDeployment(String bundle, Map<String, String> values) {
    jdbi.useTransaction(h -> {
      h.createUpdate("delete from bundle_secrets where bundle = ? and scope = ?").bind(0, bundle).bind(1, DEPLOYMENT).execute();
      values.forEach((key, value) -> insert(h, bundle, DEPLOYMENT, key, value));
    });
  }

  /** Sets an organisation's secrets of a bundle; a null value removes the key. */
  public void putOrg(String bundle, UUID org, Map<String, String> values) {
    jdbi.useTransaction(h -> values.forEach((key, value) -> {
      h.createUpdate("delete from bundle_secrets where bundle = ? and scope = ? and key = ?").bind(0, bundle).bind(1, org.toString())
          .bind(2, key).execute();
      if (value != null) {
        insert(h, bundle, org.toString(), key, value);
      }
    }));
  }

  public Map<String, String> deployment(String bundle) {
    return open(bundle, DEPLOYMENT);
  }

  public Map<String, String> org(String bundle, UUID org) {
    return open(bundle, org.toString());
  }

  /** The names of an organisation's secrets of a bundle (never their values). */
  public List<String> orgKeys(String bundle, UUID org) {
    return jdbi.withHandle(h -> h.createQuery("select key from bundle_secrets where bundle = ? and scope = ? order by key")
        .bind(0, bundle).bind(1, org.toString()).mapTo(String.class).list());
  }

  private Map<String, String> open(String bundle, String scope) {
    Map<String, String> values = new TreeMap<>();
    jdbi.useHandle(h -> h.createQuery("select key, sealed from bundle_secrets where bundle = ? and scope = ?").bind(0, bundle)
        .bind(1, scope).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list()
        .forEach(e -> values.put(e.getKey(), vault.open(e.getValue(), boundTo(bundle, scope, e.getKey())))));
    return values;
  }

  private void insert(org.jdbi.v3.core.Handle h, String bundle, String scope, String key, String value) {
    h.createUpdate("insert into bundle_secrets (bundle, scope, key, sealed) values (?, ?, ?, ?)").bind(0, bundle).bind(1, scope)
        .bind(2, key).bind(3, vault.seal(value, boundTo(bundle, scope, key))).execute();
  }

  private static String boundTo(String bundle, String scope, String key) {
    return "bundle:" + bundle + ":" + scope + ":" + key;
  }
}
