-- Follow-up visits to recipients (回访, LAL art 59) and the fee alert (LAL art
-- 20). A plan is one visit to make on a closed case (one per case and timing: the
-- constraint behind the planning's check-then-write); a visit is one attempt,
-- with the recipient's five ratings when reached and whether money was asked or
-- taken, which raises an alert that waits in the quality queue until the center
-- records how it was handled. Kept in lock-step with ../postgres/0018_followups.sql.
CREATE TABLE visit_plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         BIGINT NOT NULL REFERENCES cases (id),
    timing          TEXT NOT NULL CHECK (timing IN ('after_assignment', 'during', 'after_closure')),
    due_on          TEXT NOT NULL,
    -- The center that planned it, and its region.
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    seed            TEXT NOT NULL,
    share_percent   BIGINT NOT NULL CHECK (share_percent BETWEEN 0 AND 100),
    status          TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    planned_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    version         BIGINT NOT NULL,
    UNIQUE (case_id, timing)
);
CREATE INDEX visit_plans_region ON visit_plans (region_code, due_on, id);

CREATE TABLE visits (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             BIGINT NOT NULL REFERENCES cases (id),
    plan_id             BIGINT REFERENCES visit_plans (id),
    -- The center whose staff made the visit, and its region.
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    region_code         TEXT NOT NULL,
    -- The handling unit and handler at the time of the visit (figures by handler).
    handling_unit_id    BIGINT REFERENCES units (id),
    handler_id          BIGINT REFERENCES staff (id),
    mode                TEXT NOT NULL CHECK (mode IN ('phone', 'home', 'in_person', 'letter')),
    timing              TEXT NOT NULL CHECK (timing IN ('after_assignment', 'during', 'after_closure')),
    visited_on          TEXT NOT NULL,
    caller_id           BIGINT NOT NULL REFERENCES users (id),
    outcome             TEXT NOT NULL CHECK (outcome IN ('connected', 'no_answer', 'disconnected', 'empty_number', 'refused')),
    service_attitude    TEXT CHECK (service_attitude IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    communication       TEXT CHECK (communication IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    rights_protection   TEXT CHECK (rights_protection IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    case_result         TEXT CHECK (case_result IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    overall             TEXT CHECK (overall IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    fee_asked           BOOLEAN NOT NULL,
    fee_paid            BOOLEAN NOT NULL,
    fee_detail          TEXT NOT NULL,
    on_time             BOOLEAN,
    notes               TEXT NOT NULL,
    alert_raised        BOOLEAN NOT NULL,
    alert_handled       BOOLEAN NOT NULL,
    alert_handled_at    TEXT,
    alert_handled_by    BIGINT REFERENCES users (id),
    alert_note          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    version             BIGINT NOT NULL,
    CHECK (alert_raised = (fee_asked OR fee_paid)),
    CHECK (outcome = 'connected' OR (service_attitude IS NULL AND communication IS NULL
        AND rights_protection IS NULL AND case_result IS NULL AND overall IS NULL)),
    CHECK (alert_raised OR NOT alert_handled)
);
CREATE INDEX visits_region ON visits (region_code, visited_on, id);
CREATE INDEX visits_case ON visits (case_id, id);
CREATE INDEX visits_handler ON visits (handler_id, visited_on) WHERE handler_id IS NOT NULL;
