-- The search entries' words without their positions (issue 13, ADR 0047).
-- Kept in lock-step with the other backend's 0042, which strips the positions
-- from PostgreSQL's stored `tsvector` (each check of an entry read them).
-- Nothing to change here: FTS5 reads its matches from its own index, newest
-- first, and no entry's words are checked one by one.
SELECT 1;
