-- The API token a sandbox's org-fs sidecar uses: issued when the sandbox is set up, revoked with it.
alter table sandboxes add column orgfs_token_id uuid references api_tokens (id) on delete set null;
