package dev.studio.daemon.git;

import java.util.List;

/** The branch, how far it is from its upstream, and the changed files. {@code branch} is null when detached. */
public record GitStatus(String branch, String head, String upstream, int ahead, int behind, List<ChangedFile> files) {
}
