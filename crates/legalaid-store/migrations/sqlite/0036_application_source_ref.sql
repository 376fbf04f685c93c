-- Applications imported from a spreadsheet (issue 13, ADR 0036). Kept in
-- lock-step with the other backend's 0036.
--
-- `source_ref` is the row's key in the file it came from: the other system's
-- application number, or one made of the applicant, the time received and the
-- matter when the file gives none. It makes a file imported twice change
-- nothing, and two instances importing one file at once meet this index (the
-- loser is 409). Applications entered by hand have none.
ALTER TABLE applications ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX applications_source_ref ON applications (source_ref) WHERE source_ref IS NOT NULL;
