package dev.studio.operator.bundle;

import java.util.regex.Pattern;

/**
 * The name of a packaged revision: {@code {bundle}__{ref}__{sha12}} (docs/bundles.md), also its
 * key {@code bundles/{artifact}} in the object store. Two revisions never share a name, so a
 * worker that caches per artifact never serves stale files.
 */
public final class ArtifactName {
  public static final String CONFIG_MAP_REF = "configmap";
  public static final String URI_REF = "uri";
  private static final Pattern OUTSIDE = Pattern.compile("[^A-Za-z0-9._-]");
  private static final Pattern HEX = Pattern.compile("^[0-9a-f]{12,}$");

  private ArtifactName() {}

  /**
   * @param ref the git ref, or {@link #CONFIG_MAP_REF} / {@link #URI_REF}
   * @param hex the commit (git) or the sha256 of the zip, in lower-case hex
   */
  public static String of(String bundle, String ref, String hex) {
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a hex digest: " + hex);
    }
    return bundle + "__" + sanitize(ref) + "__" + hex.substring(0, 12);
  }

  /** Every character outside {@code [A-Za-z0-9._-]} turned into {@code -}. */
  public static String sanitize(String ref) {
    return OUTSIDE.matcher(ref).replaceAll("-");
  }
}
