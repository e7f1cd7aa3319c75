-- A run's terminal event must reach its thread's stream even if the process that ended the run
-- dies before NATS acknowledged it. Ending a run clears this flag in the same statement; the
-- acknowledgement sets it; the sweeper publishes again what stays unset.
alter table runs add column end_published boolean not null default true;
create index runs_end_unpublished on runs (finished_at) where not end_published;
