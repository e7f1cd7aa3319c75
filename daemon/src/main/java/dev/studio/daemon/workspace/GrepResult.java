package dev.studio.daemon.workspace;

import java.util.List;

/** The matches of one search; {@code truncated} when the cap was reached and more may exist. */
public record GrepResult(List<GrepMatch> matches, boolean truncated) {
}
