/**
 * Secrets at rest: small values (tokens, API keys a bundle carries) sealed with AES-256-GCM under
 * STUDIO_ENCRYPTION_KEY before they reach the database, so a dump of the tables alone reveals none
 * of them.
 */
package dev.studio.runtime.vault;
