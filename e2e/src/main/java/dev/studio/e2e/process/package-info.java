/**
 * Process mode (issue 7): a stand-in kubelet for the fabric8 mock API server. It runs each
 * Deployment's pods as local processes from the built jars, with the env, args and ports the
 * operator wrote, reports readiness from the containers' own probes, and maps Services to local
 * ports, so what the operator writes into pods is really executed.
 */
package dev.studio.e2e.process;
