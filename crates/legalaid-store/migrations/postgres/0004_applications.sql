-- Applications for legal aid, supplement pauses, objections, number sequences and
-- settings. Kept in lock-step with ../sqlite/0004_applications.sql.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES
    ('application_number_format', '叶法援申〔{year}〕{seq}号'),
    ('review_steps', 'one');

-- Per-series, per-year counters for document numbers (申请编号 and later 案件编号).
CREATE TABLE number_sequences (
    series TEXT NOT NULL,
    year   BIGINT NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (series, year)
);

CREATE TABLE applications (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                  TEXT NOT NULL UNIQUE,
    applicant_id            BIGINT NOT NULL REFERENCES persons (id),
    receiving_unit_id       BIGINT NOT NULL REFERENCES units (id),
    channel                 TEXT NOT NULL CHECK (channel IN ('walk_in', 'hotline_12348', 'online', 'mail', 'judicial_office', 'workstation', 'custody_forwarded', 'notified')),
    notifying_organ         TEXT CHECK (notifying_organ IN ('court', 'procuratorate', 'police')),
    received_at             TIMESTAMPTZ NOT NULL,
    custody_received_at     TIMESTAMPTZ,
    matter_code             TEXT NOT NULL,
    service_form            TEXT NOT NULL CHECK (service_form IN ('consultation', 'document_drafting', 'criminal_defense', 'litigation_representation', 'duty_lawyer', 'labor_arbitration', 'other')),
    procedural_role         TEXT,
    opposing_party          TEXT NOT NULL DEFAULT '',
    case_organ              TEXT NOT NULL DEFAULT '',
    case_number             TEXT NOT NULL DEFAULT '',
    summary                 TEXT NOT NULL,
    limitation_date         DATE,
    preservation_urgent     BOOLEAN NOT NULL DEFAULT FALSE,
    representative_name     TEXT NOT NULL DEFAULT '',
    representative_relation TEXT NOT NULL DEFAULT '',
    means_kind              TEXT NOT NULL CHECK (means_kind IN ('household', 'exemption', 'declaration', 'not_given')),
    household_members       BIGINT,
    monthly_income_fen      BIGINT,
    exemption_code          TEXT,
    exemption_proof         BOOLEAN NOT NULL DEFAULT FALSE,
    verification_method     TEXT NOT NULL DEFAULT '',
    verification_date       DATE,
    verification_result     TEXT NOT NULL DEFAULT '',
    false_declaration       BOOLEAN NOT NULL DEFAULT FALSE,
    status                  TEXT NOT NULL CHECK (status IN ('received', 'awaiting_supplement', 'proposed', 'granted', 'denied', 'withdrawn', 'deemed_withdrawn', 'objection_pending')),
    supplement_requested_on DATE,
    supplement_items        TEXT NOT NULL DEFAULT '',
    proposed_outcome        TEXT CHECK (proposed_outcome IN ('granted', 'denied')),
    proposal_reason         TEXT NOT NULL DEFAULT '',
    outcome                 TEXT CHECK (outcome IN ('granted', 'denied')),
    decision_reason         TEXT NOT NULL DEFAULT '',
    against_assessment      BOOLEAN NOT NULL DEFAULT FALSE,
    decided_at              TIMESTAMPTZ,
    decided_by              BIGINT REFERENCES users (id),
    version                 BIGINT NOT NULL DEFAULT 1,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_unit ON applications (receiving_unit_id);
CREATE INDEX applications_status ON applications (status);
CREATE INDEX applications_applicant ON applications (applicant_id);

-- Intervals during which the review clock stood still (supplementing materials).
CREATE TABLE application_pauses (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    stopped        DATE NOT NULL,
    resumed        DATE
);
CREATE INDEX application_pauses_app ON application_pauses (application_id);

CREATE TABLE objections (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    received_at     TIMESTAMPTZ NOT NULL,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'correction_ordered')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_at      TIMESTAMPTZ,
    decided_by      BIGINT REFERENCES users (id),
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX objections_app ON objections (application_id);
