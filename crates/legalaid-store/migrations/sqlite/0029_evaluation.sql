-- Performance evaluation (考评, issue 12): the values of the indicators a
-- scheme says are entered or imported, per year, unit and indicator code (the
-- computed ones come from the records). Kept in lock-step with
-- ../postgres/0029_evaluation.sql.
CREATE TABLE evaluation_entries (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    code        TEXT NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    evidence    TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('entered', 'imported')),
    entered_by  BIGINT NOT NULL REFERENCES users (id),
    entered_at  TEXT NOT NULL,
    PRIMARY KEY (year, unit_id, code)
);
