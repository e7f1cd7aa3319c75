-- Bundles (docs/bundles.md). The operator uploads a revision's artifact, then puts the bundle's
-- settings; every process reads them from here (on an announcement, at start, after a reconnect).

-- Artifacts the api accepted: validated by loading them, stored at bundles/{name} in the object store.
create table bundle_artifacts (
  name text primary key,
  bundle text not null,
  revision text not null,
  kind text not null check (kind in ('Declarative', 'Jvm')),
  size_bytes bigint not null,
  created_at timestamptz not null default now()
);

-- The revision each bundle serves, and its live switches.
create table bundles (
  name text primary key,
  revision text not null,
  ref text not null,
  artifact text not null references bundle_artifacts (name),
  kind text not null check (kind in ('Declarative', 'Jvm')),
  is_default boolean not null default false,
  enabled jsonb not null,
  schedules jsonb not null default '[]',
  props jsonb not null default '{}',
  generation bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Secrets sealed by the vault: the deployment's (scope 'deployment', from the Bundle's secretsRef)
-- and each organisation's (scope = the org's id).
create table bundle_secrets (
  bundle text not null,
  scope text not null,
  key text not null,
  sealed text not null,
  primary key (bundle, scope, key)
);

-- An organisation's own props for a bundle.
create table bundle_props (
  bundle text not null,
  org_id uuid not null references orgs (id) on delete cascade,
  props jsonb not null,
  primary key (bundle, org_id)
);

-- What became of each bundle job (keyed by the job's id, so a repeated delivery overwrites).
create table bundle_jobs (
  id text primary key,
  bundle text not null,
  work_kind text not null,
  org_id uuid references orgs (id) on delete cascade,
  schedule text,
  revision text,
  state text not null check (state in ('completed', 'failed', 'skipped')),
  result jsonb,
  error text,
  finished_at timestamptz not null default now()
);
create index bundle_jobs_by_bundle on bundle_jobs (bundle, finished_at desc);
