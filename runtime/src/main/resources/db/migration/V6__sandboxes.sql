-- Users' sandboxes: one per user and project. Where its daemon is and the daemon's token are
-- the provider's business (a SandboxClaim's Secret, or a local process), never stored here.
create table sandboxes (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  owner text not null,
  repo text not null,
  ref text,
  handle text not null unique,
  spec jsonb not null,
  state text not null check (state in ('starting', 'ready', 'failed')),
  preview_url text,
  error text,
  created_at timestamptz not null default now(),
  unique (org_id, owner, repo)
);

-- The sandbox a thread's agent works in (its sandbox tools call that daemon).
alter table threads add column sandbox_id uuid references sandboxes (id) on delete set null;
