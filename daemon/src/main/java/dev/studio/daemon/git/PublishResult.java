package dev.studio.daemon.git;

/** What publishing did: the commit now at the tip ({@code null} in a repository without commits). */
public record PublishResult(String sha, String branch, boolean committed, boolean pushed) {
}
