/**
 * Background work on a Redis stream with a consumer group (DESIGN §5.6): submissions are
 * de-duplicated by key, a job is acknowledged only after its handler succeeded, a job whose worker
 * died is reclaimed when it has been idle too long (XAUTOCLAIM), and one that keeps failing goes to
 * a dead-letter stream. Workers alternate between runs and jobs.
 */
package dev.studio.runtime.jobs;
