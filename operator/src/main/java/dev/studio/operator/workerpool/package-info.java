/** The WorkerPool controller: extra worker Deployments for chosen queues of a StudioDeployment. */
package dev.studio.operator.workerpool;
