-- The setup step a starting sandbox is in (launch, config, clone, install, build, start, preview),
-- so a user watching it start sees where it is.
alter table sandboxes add column phase text;
