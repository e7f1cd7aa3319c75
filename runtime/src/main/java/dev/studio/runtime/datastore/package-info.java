/**
 * Connections to the datastores (DESIGN §4): PostgreSQL, Redis, NATS and the object store, opened
 * once at start-up from their URLs, checked by the readiness probe, closed on shutdown.
 */
package dev.studio.runtime.datastore;
