package dev.studio.operator.workerpool;

/** The replicas a pool's Deployment gets this reconcile: the spec's, or the autoscaler's. */
record Replicas(int count) {}
