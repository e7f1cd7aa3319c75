/**
 * Who is calling: API tokens (stored as SHA-256 hashes, each of one org and one tier) and the
 * bootstrap admin token, resolved to a {@link dev.studio.runtime.auth.Principal}.
 */
package dev.studio.runtime.auth;
