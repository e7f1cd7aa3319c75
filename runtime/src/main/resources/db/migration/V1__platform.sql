-- Organisations, their API tokens (stored hashed) and the audit log.
create table orgs (
  id uuid primary key,
  slug text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

create table api_tokens (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  name text not null,
  tier text not null check (tier in ('privileged', 'paid', 'registered', 'anonymous')),
  -- SHA-256 of the token: a stolen database does not yield working tokens.
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create index api_tokens_org on api_tokens (org_id);

create table audit_log (
  id bigserial primary key,
  org_id uuid references orgs (id) on delete cascade,
  actor text not null,
  action text not null,
  target text,
  outcome text not null,
  details jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);

create index audit_log_org_at on audit_log (org_id, at desc);
