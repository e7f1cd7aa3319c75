-- Threads, their messages, the runs messages start, and each run's step journal.
create table threads (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  title text,
  created_at timestamptz not null default now(),
  -- The sequence number the thread's next run gets: runs of a thread execute in this order.
  next_run_seq bigint not null default 1
);

create index threads_org_created on threads (org_id, created_at desc);

create table messages (
  id uuid primary key,
  thread_id uuid not null references threads (id) on delete cascade,
  role text not null check (role in ('user', 'assistant')),
  text text not null,
  run_id uuid,
  created_at timestamptz not null default now()
);

create index messages_thread_created on messages (thread_id, created_at, id);

create table runs (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  thread_id uuid not null references threads (id) on delete cascade,
  seq bigint not null,
  message_id uuid not null references messages (id) on delete cascade,
  lane text not null check (lane in ('privileged', 'paid', 'registered', 'anonymous')),
  state text not null check (state in ('queued', 'running', 'completed', 'failed', 'interrupted', 'cancelled')),
  bundle text,
  max_steps integer not null,
  -- Incremented each time a worker takes the run: a fencing token, so a worker that lost its
  -- lease cannot write to the journal of the attempt that replaced it.
  attempt integer not null default 0,
  worker text,
  error text,
  reason text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (thread_id, seq)
);

-- The sweeper's question: which runs are waiting?
create index runs_queued on runs (created_at) where state = 'queued';
create index runs_thread_state on runs (thread_id, seq) where state in ('queued', 'running');

create table run_steps (
  run_id uuid not null references runs (id) on delete cascade,
  step integer not null,
  kind text not null check (kind in ('model', 'tool')),
  state text not null check (state in ('started', 'completed', 'failed')),
  attempt integer not null,
  tool_name text,
  tool_call_id text,
  idempotent boolean not null default true,
  input jsonb,
  output jsonb,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (run_id, step)
);

-- What the built-in `remember` tool writes: a side effect that must never happen twice.
create table notes (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  thread_id uuid references threads (id) on delete set null,
  run_id uuid,
  text text not null,
  created_at timestamptz not null default now()
);

create index notes_org on notes (org_id, created_at);
