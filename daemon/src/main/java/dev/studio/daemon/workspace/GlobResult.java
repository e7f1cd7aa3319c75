package dev.studio.daemon.workspace;

import java.util.List;

/** The files a glob matched, sorted; {@code truncated} when the cap was reached. */
public record GlobResult(List<String> paths, boolean truncated) {
}
