-- Where a run executes: 'hosted' (a platform worker, the Redis lanes) or 'link' (the user's linked
-- desktop, pulled from the JetStream work queue link.work.<user>). link_user is the user (token
-- id) whose link it waits for; sandbox names the sandbox it used (e.g. local:<handle> on a link).
alter table runs add column transport text not null default 'hosted' check (transport in ('hosted', 'link'));
alter table runs add column link_user uuid;
alter table runs add column sandbox text;
-- The link watcher's question, every few seconds: which linked runs have not ended?
create index runs_linked on runs (link_user) where transport = 'link' and state in ('queued', 'running');
