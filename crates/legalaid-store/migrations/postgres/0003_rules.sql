-- Rules that vary by place and date, as data: the matter scope, exemptions from
-- hardship verification, hardship standards by city, deadline rules, and the
-- working-day calendar. Seeded from data/ at first start; maintained by administrators.
-- Kept in lock-step with ../sqlite/0003_rules.sql.

CREATE TABLE matter_rules (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT NOT NULL,
    label          TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('civil', 'criminal', 'other')),
    hardship       TEXT NOT NULL CHECK (hardship IN ('required', 'not_required', 'notified')),
    basis          TEXT NOT NULL,
    province       TEXT NOT NULL DEFAULT '',
    effective_from DATE NOT NULL,
    effective_to   DATE,
    UNIQUE (code, province, effective_from)
);

CREATE TABLE exemption_rules (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT NOT NULL,
    label          TEXT NOT NULL,
    basis          TEXT NOT NULL,
    province       TEXT NOT NULL DEFAULT '',
    effective_from DATE NOT NULL,
    effective_to   DATE,
    UNIQUE (code, province, effective_from)
);

CREATE TABLE hardship_standards (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city_code         TEXT NOT NULL,
    city              TEXT NOT NULL,
    effective_from    DATE NOT NULL,
    dibao_monthly_fen BIGINT NOT NULL CHECK (dibao_monthly_fen > 0),
    multiplier        BIGINT NOT NULL CHECK (multiplier > 0),
    source            TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    UNIQUE (city_code, effective_from)
);

CREATE TABLE deadline_rules (
    code                TEXT PRIMARY KEY,
    label               TEXT NOT NULL,
    length              BIGINT NOT NULL CHECK (length > 0),
    unit                TEXT NOT NULL CHECK (unit IN ('hours', 'calendar_days', 'working_days')),
    roll_over_rest_days BOOLEAN NOT NULL,
    source              TEXT NOT NULL
);

CREATE TABLE calendar_days (
    day  DATE PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
);

-- The years whose holiday arrangement has been entered; deadlines are never
-- computed across a year that is missing here.
CREATE TABLE calendar_years (
    year   BIGINT PRIMARY KEY,
    source TEXT NOT NULL
);
