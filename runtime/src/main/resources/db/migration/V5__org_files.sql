-- The org filesystem: bytes live in the object store; here are the names, versions and sizes, so
-- a version check, a quota check and the change feed are one transaction.
create table org_files (
  org_id uuid not null references orgs (id) on delete cascade,
  volume text not null,
  path text not null,
  -- The seq of the change that wrote this content: the ETag. Unique across the platform, so a
  -- file deleted and written again never reuses a version a client may still hold.
  version bigint not null,
  size bigint not null,
  object_key text not null,
  updated_at timestamptz not null default now(),
  primary key (org_id, volume, path)
);

-- Every write, delete and move, in order: what `changes?since=` reads.
create table org_file_changes (
  seq bigserial primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  volume text not null,
  path text not null,
  kind text not null check (kind in ('write', 'delete')),
  size bigint,
  at timestamptz not null default now()
);

create index org_file_changes_volume on org_file_changes (org_id, volume, seq);

-- Files: uploaded objects an org keeps (not a filesystem: an id, a name and a size).
create table files (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  name text not null,
  content_type text not null,
  object_key text not null,
  -- Unknown until the upload is confirmed when the client sends the bytes with a presigned PUT.
  size bigint,
  state text not null check (state in ('pending', 'ready')),
  created_at timestamptz not null default now()
);

create index files_org on files (org_id, created_at desc);
