-- The conversation a run sees is read in run order. Each message carries its run's sequence
-- number, so that read is one range scan of one index, whatever the planner knows of the tables
-- (a join of runs and messages planned before the first ANALYZE scanned every message).
alter table messages add column run_seq bigint;
update messages m set run_seq = r.seq from runs r where r.id = m.run_id;
create index messages_thread_run_seq on messages (thread_id, run_seq);
