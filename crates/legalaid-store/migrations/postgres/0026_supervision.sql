-- Supervision (ADR 0023). The monthly case tallies every progress dashboard
-- reads: per intake unit, China month, case type, first or later stage and
-- event (legalaid_domain::supervision::tally), kept by the store in the
-- transaction that writes a case and recomputed by `legalaid tallies rebuild`
-- (and at start-up when they were never built: the setting below). Kept in
-- lock-step with ../sqlite/0026_supervision.sql.
CREATE TABLE case_tallies (
    year         BIGINT NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    month        BIGINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    case_type    TEXT NOT NULL CHECK (case_type IN ('criminal', 'civil', 'administrative', 'non_litigation')),
    later_stage  BOOLEAN NOT NULL,
    measure      TEXT NOT NULL CHECK (measure IN ('accepted', 'assigned', 'concluded', 'archived', 'subsidy_due', 'subsidy_paid')),
    n            BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    PRIMARY KEY (year, unit_id, month, case_type, later_stage, measure)
);

-- What counts toward a target and how progress against time is judged, with
-- effective dates (legalaid_domain::supervision::SupervisionRule). One rule
-- per starting day.
CREATE TABLE supervision_rules (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    effective_from     DATE NOT NULL UNIQUE,
    effective_to       DATE,
    event              TEXT NOT NULL CHECK (event IN ('accepted', 'assigned', 'concluded')),
    case_types         TEXT NOT NULL,
    later_stages       BOOLEAN NOT NULL,
    basis              TEXT NOT NULL CHECK (basis IN ('month', 'day')),
    lag_margin_points  BIGINT NOT NULL CHECK (lag_margin_points BETWEEN -100 AND 100),
    source             TEXT NOT NULL,
    created_by         BIGINT REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
INSERT INTO supervision_rules (effective_from, effective_to, event, case_types, later_stages, basis, lag_margin_points, source, created_at) VALUES
    ('2000-01-01', NULL, 'accepted', '', TRUE, 'month', 0,
     '系统默认口径：按受理计件，刑事案件各诉讼阶段分别计件；序时进度按已过完整月数÷12（安徽省民生工程通报的算法），完成率低于序时进度即为落后。请按本地考核方案核实后修改。',
     '2000-01-01T00:00:00Z');

-- Whether the tallies were ever built from the cases (a database upgraded to
-- this version has cases but no tallies until the first start-up builds them).
INSERT INTO settings (key, value) VALUES ('case_tallies_built', 'false');

-- The dates a month's figures are corrected from, for a past day inside a month.
CREATE INDEX cases_assigned_at ON cases (assigned_at);
CREATE INDEX cases_closure_submitted_at ON cases (closure_submitted_at);
CREATE INDEX cases_terminated_at ON cases (terminated_at);
CREATE INDEX cases_closed_at ON cases (closed_at);
CREATE INDEX cases_subsidy_paid_on ON cases (subsidy_paid_on);
