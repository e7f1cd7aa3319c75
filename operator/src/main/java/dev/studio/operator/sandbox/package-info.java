/**
 * The SandboxClaim controller: pure builders for a sandbox's Secret, pod, Service, preview route
 * and NetworkPolicy; the claim reconciler (binding, status, expiry); and the warm pool of pods
 * started ahead of claims, which a claim adopts by an optimistic-locked write.
 */
package dev.studio.operator.sandbox;
