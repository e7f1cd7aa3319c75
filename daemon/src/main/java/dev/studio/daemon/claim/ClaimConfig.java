package dev.studio.daemon.claim;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The per-claim configuration, delivered with {@code POST /_sandbox/config} after a (possibly warm) pod is bound
 * to a claim. Every field may be absent until then.
 */
public record ClaimConfig(
    String repo,
    String ref,
    String install,
    String build,
    String start,
    Integer port,
    boolean publishOnShutdown,
    GitAuthor gitAuthor,
    Map<String, String> env) {

  public static final ClaimConfig EMPTY = new ClaimConfig(null, null, null, null, null, null, false, null, Map.of());

  public ClaimConfig {
    install = blankToNull(install);
    build = blankToNull(build);
    start = blankToNull(start);
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  private static String blankToNull(String command) {
    return command == null || command.isBlank() ? null : command;
  }

  public Optional<String> repoUrl() {
    return Optional.ofNullable(repo);
  }

  public OptionalInt devServerPort() {
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }

  public GitAuthor authorOrDefault() {
    return gitAuthor == null ? GitAuthor.DEFAULT : gitAuthor;
  }

  /** The fields present in the patch replace ours; absent ones are kept. */
  public ClaimConfig with(ClaimConfigPatch patch) {
    return new ClaimConfig(
        patch.repo().orElse(repo),
        patch.ref().orElse(ref),
        patch.install().orElse(install),
        patch.build().orElse(build),
        patch.start().orElse(start),
        patch.port().isPresent() ? Integer.valueOf(patch.port().getAsInt()) : port,
        patch.publishOnShutdown().orElse(publishOnShutdown),
        patch.gitAuthor().orElse(gitAuthor),
        patch.env().orElse(env));
  }
}
