/**
 * What the api lets in: per-token rate limits (a sliding-window burst plus an hourly budget, by
 * tier) and backpressure when the run queues fill up faster than workers drain them.
 */
package dev.studio.runtime.admission;
