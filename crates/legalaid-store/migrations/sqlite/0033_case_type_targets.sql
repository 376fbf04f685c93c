-- A unit's annual target split by case type (optional; issue 12): part of the
-- unit's own target in `targets`, which the application keeps at least the
-- sum of these. Kept in lock-step with the other backend's 0033.
CREATE TABLE case_type_targets (
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    year       BIGINT NOT NULL,
    case_type  TEXT NOT NULL CHECK (case_type IN ('criminal', 'civil', 'administrative', 'non_litigation')),
    cases      BIGINT NOT NULL CHECK (cases >= 0),
    PRIMARY KEY (unit_id, year, case_type)
);
