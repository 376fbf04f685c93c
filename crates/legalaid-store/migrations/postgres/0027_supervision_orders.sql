-- Supervision orders (督办, issue 12): a bureau puts a unit that lags under
-- supervision with the indicator's data as of the day (`figures`, JSON of
-- legalaid_domain::supervision::order::Figures), a requirement and a deadline;
-- the unit answers; the bureau closes, returns or escalates (专项督查, 约谈).
-- Each step is a row of supervision_order_steps. One open order per unit, year
-- and indicator (the partial unique index: the loser of a race is 409). Kept in
-- lock-step with ../sqlite/0027_supervision_orders.sql.
CREATE TABLE supervision_orders (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The issuing bureau and its region.
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    target_unit_id  BIGINT NOT NULL REFERENCES units (id),
    year            INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    indicator       TEXT NOT NULL CHECK (indicator IN ('progress', 'conclusion_rate', 'archive_rate', 'subsidy_rate')),
    figures         TEXT NOT NULL,
    requirement     TEXT NOT NULL,
    issued_on       DATE NOT NULL,
    deadline        DATE NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('issued', 'answered', 'returned', 'closed')),
    escalation      TEXT NOT NULL CHECK (escalation IN ('order', 'inspection', 'talk')),
    issued_by       BIGINT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL
);
CREATE UNIQUE INDEX supervision_orders_open ON supervision_orders (target_unit_id, year, indicator) WHERE status <> 'closed';
CREATE INDEX supervision_orders_region ON supervision_orders (region_code, id);
CREATE INDEX supervision_orders_target ON supervision_orders (target_unit_id, id);

CREATE TABLE supervision_order_steps (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES supervision_orders (id),
    action      TEXT NOT NULL CHECK (action IN ('issue', 'answer', 'close', 'return', 'escalate')),
    -- The ladder step after the action, and the deadline it set, if any.
    escalation  TEXT NOT NULL CHECK (escalation IN ('order', 'inspection', 'talk')),
    deadline    DATE,
    note        TEXT NOT NULL,
    -- The figures on the day of an escalation (JSON), else empty.
    figures     TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervision_order_steps_order ON supervision_order_steps (order_id, id);

-- The 督办通知书 joins the document templates.
ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher', 'review_result_notice', 'rectification_notice', 'supervision_notice', 'complaint_acceptance', 'complaint_refusal', 'complaint_reply', 'opinion_letter'));
