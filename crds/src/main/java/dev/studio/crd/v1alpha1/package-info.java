/**
 * The custom-resource model of the platform: group {@code studio.dev}, version {@code v1alpha1}.
 *
 * <p>Four namespaced kinds: {@link dev.studio.crd.v1alpha1.StudioDeployment}, {@link
 * dev.studio.crd.v1alpha1.WorkerPool}, {@link dev.studio.crd.v1alpha1.SandboxClaim} and {@link
 * dev.studio.crd.v1alpha1.Bundle}. Specs and statuses are immutable records. A spec record fills
 * its defaults in its constructor, with the same values the CRD schema declares, so code reading a
 * resource from a server that does not default (the test mock server) sees what a real API server
 * would give it. The CRD YAML under {@code crds/} is generated from these classes ({@code
 * CrdYamlTest} fails the build when it is out of date).
 */
package dev.studio.crd.v1alpha1;
