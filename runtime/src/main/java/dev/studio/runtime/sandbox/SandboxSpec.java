package dev.studio.runtime.sandbox;

/**
 * What a sandbox is for: the project's repository and how to set it up (the daemon's claim
 * configuration, DESIGN §6). {@code port} is the dev server's; null lets the provider choose.
 */
public record SandboxSpec(String repo, String ref, String install, String build, String start, Integer port) {}
