-- Cases imported from a spreadsheet (issue 13, ADR 0051). Kept in lock-step
-- with the other backend's 0044.
--
-- `source_ref` is the row's key in the file it came from: the other system's
-- case number with the recipient (a prefix of the keyed hash of the ID number,
-- so two offices that number alike do not collide). It makes a file imported
-- twice change nothing, and two instances importing one file at once meet this
-- index (the loser is 409). Cases opened here have none.
ALTER TABLE cases ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX cases_source_ref ON cases (source_ref) WHERE source_ref IS NOT NULL;
