/**
 * Bundles (DESIGN §7, docs/bundles.md): the registry of the revision each bundle serves, the
 * loaders of both kinds (a declarative bundle.yaml; a JVM jar in a class loader of its own), the
 * internal routes the operator feeds it through, and the bundles' live surfaces: chat turns,
 * operations, jobs and cron schedules.
 */
package dev.studio.runtime.bundle;
