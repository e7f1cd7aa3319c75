-- MCP mesh: an org's downstream MCP servers, their sealed credentials, virtual MCPs that
-- aggregate several, and the audit of every tool call made through the /mcp routes.
create table mcp_connections (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  -- Tool names are namespaced "<name>__<tool>", so a name is unique in its org.
  name text not null,
  url text not null,
  auth_type text not null check (auth_type in ('none', 'bearer', 'header', 'oauth')),
  -- The header an API key goes in: not a secret, so it can be shown.
  auth_header text,
  -- The credentials as JSON sealed by the vault, bound to the connection's id; null for none.
  sealed_auth text,
  -- How long one request to the downstream may take, initialization included.
  timeout_ms integer not null default 30000,
  -- Bumped by every change, so the clients cached in every process notice and rebuild.
  version bigint not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name)
);

create table mcp_virtual (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  name text not null,
  created_at timestamptz not null default now()
);

create table mcp_virtual_connections (
  virtual_id uuid not null references mcp_virtual (id) on delete cascade,
  connection_id uuid not null references mcp_connections (id) on delete cascade,
  position int not null,
  primary key (virtual_id, connection_id)
);

-- Who called which tool, how it went and how long it took; never the arguments.
create table mcp_audit (
  id bigserial primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  token_id uuid,
  connection_id uuid not null,
  virtual_id uuid,
  tool text not null,
  outcome text not null check (outcome in ('ok', 'tool_error', 'failed')),
  duration_ms integer not null,
  at timestamptz not null default now()
);

create index mcp_audit_org_at on mcp_audit (org_id, at desc);
