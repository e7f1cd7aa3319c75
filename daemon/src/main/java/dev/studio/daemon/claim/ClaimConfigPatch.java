package dev.studio.daemon.claim;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The fields one {@code POST /_sandbox/config} sets (absent ones are kept); a blank command clears that command.
 * The token is handled by the authenticator, not here.
 */
public record ClaimConfigPatch(
        Optional<String> repo,
        Optional<String> ref,
        Optional<String> install,
        Optional<String> build,
        Optional<String> start,
        OptionalInt port,
        Optional<Boolean> publishOnShutdown,
        Optional<GitAuthor> gitAuthor,
        Optional<Map<String, String>> env) {
}
