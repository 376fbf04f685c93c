-- The daily case tallies (ADR 0029): the cells of case_tallies split by the
-- China day of the month, so a dashboard as of a past day inside a month sums
-- that month's days up to it instead of reading the month's cases. Kept with
-- the monthly cells in the transaction that writes a case, recomputed with
-- them by `legalaid tallies rebuild` — and at the first start-up after this
-- migration (the setting below), which builds them for the cases already
-- there. The key leads with the year and month, so a province's month is one
-- range and a county's units are looked up inside it. Kept in lock-step with
-- the other backend's 0032.
CREATE TABLE case_day_tallies (
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    day          INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    case_type    TEXT NOT NULL CHECK (case_type IN ('criminal', 'civil', 'administrative', 'non_litigation')),
    later_stage  BOOLEAN NOT NULL,
    measure      TEXT NOT NULL CHECK (measure IN ('accepted', 'assigned', 'concluded', 'archived', 'subsidy_due', 'subsidy_paid')),
    n            BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    PRIMARY KEY (year, month, unit_id, day, case_type, later_stage, measure)
);

UPDATE settings SET value = 'false' WHERE key = 'case_tallies_built';
