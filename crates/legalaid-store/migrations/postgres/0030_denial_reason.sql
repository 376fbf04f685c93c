-- Why aid was denied, as the MoJ report forms count denials (issue 12 §6):
-- out of scope, not in hardship, or another reason. Denials recorded before
-- the code existed are counted under another reason (their written reasons
-- still say why). Kept in lock-step with the other backend's 0030.
ALTER TABLE applications ADD COLUMN denial_reason TEXT
    CHECK (denial_reason IN ('out_of_scope', 'not_hardship', 'other'));
UPDATE applications SET denial_reason = 'other' WHERE outcome = 'denied';
-- The report forms read a period's denials by the day they were decided.
CREATE INDEX applications_denied ON applications (decided_at) WHERE outcome = 'denied';
