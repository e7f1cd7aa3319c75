-- Messages are read in conversation order (by run, question before answer), which
-- messages_thread_run_seq serves; the index by creation time served the old listing only, and cost
-- two index entries per run.
drop index messages_thread_created;
