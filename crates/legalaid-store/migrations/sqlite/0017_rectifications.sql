-- Rectification orders (整改, issue 10): an order to a unit or a handler from a
-- finding (a file review, a hearing observed, a follow-up visit, a complaint, a
-- judicial organ's opinion, a bulletin), answered, checked, closed or escalated
-- to a formal talk (约谈). Kept in lock-step with ../postgres/0017_rectifications.sql.
CREATE TABLE rectifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    source          TEXT NOT NULL CHECK (source IN ('file_review', 'hearing', 'visit', 'complaint', 'opinion', 'bulletin')),
    -- The record the finding was made on (`review:12`…), if any.
    source_key      TEXT NOT NULL,
    review_id       BIGINT REFERENCES reviews (id),
    case_id         BIGINT REFERENCES cases (id),
    -- The issuing unit (a center or a bureau) and its region.
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    target_unit_id  BIGINT NOT NULL REFERENCES units (id),
    target_staff_id BIGINT REFERENCES staff (id),
    category        TEXT NOT NULL CHECK (category IN ('informatization', 'funds', 'case_structure', 'procedure', 'documents', 'service', 'fees', 'other')),
    problem         TEXT NOT NULL,
    requirement     TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('issued', 'answered', 'closed', 'reopened', 'escalated')),
    answer          TEXT NOT NULL,
    answered_at     TEXT,
    answered_by     BIGINT REFERENCES users (id),
    check_note      TEXT NOT NULL,
    checked_at      TEXT,
    checked_by      BIGINT REFERENCES users (id),
    escalation_note TEXT NOT NULL,
    escalated_at    TEXT,
    issued_by       BIGINT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX rectifications_region ON rectifications (region_code, id);
CREATE INDEX rectifications_target ON rectifications (target_unit_id, id);
CREATE INDEX rectifications_review ON rectifications (review_id) WHERE review_id IS NOT NULL;
CREATE INDEX rectifications_case ON rectifications (case_id) WHERE case_id IS NOT NULL;
