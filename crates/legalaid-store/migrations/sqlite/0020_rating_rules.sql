-- The handler's quality rating (issue 10): how grades, upheld complaints and
-- recipients' evaluations fold into one score, and its weight in the assignment
-- ranking, as versions with effective dates (product defaults until the bureau
-- sets its own). Kept in lock-step with ../postgres/0020_rating_rules.sql.
CREATE TABLE rating_rules (
    effective_from TEXT PRIMARY KEY,
    -- The rule's values (JSON of legalaid_domain::rating::RatingRule).
    rule           TEXT NOT NULL,
    created_by     BIGINT REFERENCES users (id),
    created_at     TEXT NOT NULL
);
-- What the rating reads: a handler's graded cases and reviews, upheld complaints.
CREATE INDEX cases_handler_graded ON cases (handler_id, graded_at) WHERE graded_at IS NOT NULL;
CREATE INDEX reviews_handler_final ON reviews (handler_id, final_at) WHERE final_at IS NOT NULL;
CREATE INDEX complaints_respondent_staff ON complaints (respondent_staff_id, concluded_at) WHERE respondent_staff_id IS NOT NULL;
