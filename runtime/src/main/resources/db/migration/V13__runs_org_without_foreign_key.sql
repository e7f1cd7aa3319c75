-- A run's org is its thread's, and goes with it (runs -> threads -> orgs, both on delete cascade).
-- The foreign key from runs to orgs checked that again on every post, and that check locks the org's
-- row (FOR KEY SHARE): every run of an org locked the same row, so concurrent posts of one org
-- piled up in multixacts, which PostgreSQL then has to create, extend and look up on each post.
alter table runs drop constraint runs_org_id_fkey;
