/**
 * Status handling shared by the controllers: conditions in the Kubernetes shape with stable
 * transition times, readiness of Deployments, retry backoff and Events.
 */
package dev.studio.operator.status;
