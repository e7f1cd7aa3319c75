/**
 * The StudioDeployment controller: the reconciler, its dependent resources, and the pure builders
 * that turn a StudioDeployment into the manifests of its web, api and worker tiers.
 */
package dev.studio.operator.studio;
