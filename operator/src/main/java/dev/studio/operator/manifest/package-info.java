/**
 * Pieces every controller's manifests share: labels, the restricted security context, config
 * hashes and resource requirements. Pure functions only.
 */
package dev.studio.operator.manifest;
