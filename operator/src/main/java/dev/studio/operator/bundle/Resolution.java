package dev.studio.operator.bundle;

import java.time.Instant;

/**
 * What a source resolved to, remembered per Bundle so that a reconcile that only refreshes
 * {@code loadedBy} neither asks the git remote again before the poll interval nor imports an
 * object again.
 *
 * @param source the source spec it was resolved from (a changed spec resolves again)
 * @param revision the commit, or the sha256 of the packaged zip
 * @param ref the ref part of the artifact name
 * @param artifact the artifact name
 * @param at when the source was last resolved
 */
record Resolution(String source, String revision, String ref, String artifact, Instant at) {}
