/**
 * Run dispatch on Redis (DESIGN §5): a ready queue and an in-flight list per lane, claims that
 * move a run atomically from one to the other and lock it with a lease, the started marker, one
 * active run per thread with the rest waiting in order, the reaper for lapsed leases and the
 * sweeper that rebuilds Redis from PostgreSQL. All keys are in {@link RedisKeys}.
 */
package dev.studio.runtime.dispatch;
