/**
 * Files on the object store (DESIGN §4): {@code /api/{org}/files} ({@link FileRoutes}). Small
 * uploads go through the api; large ones go straight to the store with a presigned PUT, then
 * {@code POST /files/{id}/complete} records the size the store reports. Downloads are presigned
 * GET URLs. Presigned URLs name {@code S3_ENDPOINT} as configured, so it must be reachable by the
 * client, not only inside the cluster.
 */
package dev.studio.runtime.files;
