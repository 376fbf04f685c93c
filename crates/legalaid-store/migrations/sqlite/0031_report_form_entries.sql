-- The figures of the MoJ report forms 一–四 entered by hand each statistical
-- year (institutions, staff, funds; ADR 0028), per reporting unit, form and
-- column: counts, or fen for the money columns. Kept in lock-step with the
-- other backend's 0031.
CREATE TABLE report_form_entries (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    form        TEXT NOT NULL CHECK (form IN ('t1', 't2', 't3', 't4')),
    col         INTEGER NOT NULL CHECK (col BETWEEN 1 AND 40),
    value       BIGINT NOT NULL CHECK (value >= 0),
    entered_by  BIGINT NOT NULL REFERENCES users (id),
    entered_at  TEXT NOT NULL,
    PRIMARY KEY (year, unit_id, form, col)
);
