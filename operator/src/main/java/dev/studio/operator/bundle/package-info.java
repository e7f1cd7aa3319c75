/**
 * The Bundle controller: resolves a bundle's source (git ref, ConfigMap or object-store URI) to a
 * revision, packages it deterministically, and hands it to the platform's api, which stores,
 * validates and announces it (docs/bundles.md). The operator never touches a platform's object
 * store or NATS.
 */
package dev.studio.operator.bundle;
