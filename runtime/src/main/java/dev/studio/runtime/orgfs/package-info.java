/**
 * The org filesystem (DESIGN §6): {@code /api/{org}/fs/{volume}/…} ({@link OrgFsRoutes}). Bytes are
 * in the object store under a fresh key per write; names, versions (the ETag is the seq of the
 * change that wrote the content) and sizes are in PostgreSQL, so a version check, the org's quota
 * and the change feed are one transaction. A committed change is announced on NATS
 * ({@link ChangeSignals}) so a {@code changes?wait=1} long poll on any api process answers at once.
 *
 * <p>Where this departs from the seed: the file routes are {@code GET|PUT|DELETE file?path=} and
 * {@code POST move}, not one verb per path segment; {@code public-*} volumes are read-only for org
 * tokens, and the admin token may publish into them (otherwise nothing could ever fill them); the
 * quota is bytes per org across all its volumes (STUDIO_ORGFS_QUOTA_BYTES, 500 MB), answered with
 * 413 {@code quota_exceeded}.
 */
package dev.studio.runtime.orgfs;
