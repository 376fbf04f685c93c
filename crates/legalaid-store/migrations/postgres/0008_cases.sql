-- Cases (one per granted application or notification; criminal matters one per
-- stage), their assignments and replacement requests, progress entries, hearings,
-- the outbox of messages, the subsidy schedule, and contact preferences.
-- Kept in lock-step with ../sqlite/0008_cases.sql.

-- How a person may be contacted (full-process notification).
ALTER TABLE persons ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN sms_opt_out BOOLEAN NOT NULL DEFAULT FALSE;
-- The usual phone is not safe (e.g. shared with an abuser): only the named channel.
ALTER TABLE persons ADD COLUMN unsafe_usual_phone BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE persons ADD COLUMN safe_channel TEXT CHECK (safe_channel IN ('sms', 'email', 'in_app'));
ALTER TABLE persons ADD COLUMN safe_contact TEXT NOT NULL DEFAULT '';

INSERT INTO settings (key, value) VALUES ('case_number_format', '叶法援〔{year}〕第{seq}号');

CREATE TABLE cases (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                 TEXT NOT NULL UNIQUE,
    application_id         BIGINT NOT NULL REFERENCES applications (id),
    previous_case_id       BIGINT REFERENCES cases (id),
    recipient_id           BIGINT NOT NULL REFERENCES persons (id),
    case_type              TEXT NOT NULL CHECK (case_type IN ('criminal', 'civil', 'administrative', 'non_litigation')),
    stage                  TEXT NOT NULL CHECK (stage IN ('investigation', 'prosecution_review', 'trial', 'second_instance', 'death_penalty_review', 'whole')),
    status                 TEXT NOT NULL CHECK (status IN ('awaiting_assignment', 'awaiting_handler', 'assigned', 'in_progress', 'closure_submitted', 'archived', 'terminated', 'objection_pending')),
    intake_unit_id         BIGINT NOT NULL REFERENCES units (id),
    handling_unit_id       BIGINT REFERENCES units (id),
    handler_id             BIGINT REFERENCES staff (id),
    possible_life_or_death BOOLEAN NOT NULL DEFAULT FALSE,
    juvenile               BOOLEAN NOT NULL DEFAULT FALSE,
    opposing_party         TEXT NOT NULL DEFAULT '',
    case_organ             TEXT NOT NULL DEFAULT '',
    organ_case_number      TEXT NOT NULL DEFAULT '',
    assign_from            TIMESTAMPTZ NOT NULL,
    assigned_at            TIMESTAMPTZ,
    agreement_signed_on    DATE,
    ended_on               DATE,
    closure_submitted_at   TIMESTAMPTZ,
    closed_at              TIMESTAMPTZ,
    outcome                TEXT,
    amount_fen             BIGINT NOT NULL DEFAULT 0,
    adoption               TEXT,
    closure_report         TEXT NOT NULL DEFAULT '',
    flat_item              TEXT,
    early_end              TEXT,
    travel_km              BIGINT,
    termination_ground     TEXT,
    termination_reason     TEXT NOT NULL DEFAULT '',
    terminated_at          TIMESTAMPTZ,
    grade                  TEXT NOT NULL DEFAULT 'qualified' CHECK (grade IN ('excellent', 'good', 'qualified', 'unqualified')),
    subsidy_status         TEXT NOT NULL DEFAULT 'not_due' CHECK (subsidy_status IN ('not_due', 'payable', 'paid', 'withheld')),
    subsidy_fen            BIGINT,
    subsidy_paid_on        DATE,
    subsidy_voucher        TEXT NOT NULL DEFAULT '',
    version                BIGINT NOT NULL DEFAULT 1,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_application ON cases (application_id);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_intake_unit ON cases (intake_unit_id);
CREATE INDEX cases_handling_unit ON cases (handling_unit_id);
CREATE INDEX cases_handler ON cases (handler_id);
CREATE INDEX cases_created ON cases (created_at);

-- Every assignment of a case, kept when a handler is replaced.
CREATE TABLE case_assignments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    handler_id    BIGINT REFERENCES staff (id),
    assigned_at   TIMESTAMPTZ NOT NULL,
    assigned_by   BIGINT REFERENCES users (id),
    conflict_note TEXT NOT NULL DEFAULT '',
    ended_at      TIMESTAMPTZ,
    end_reason    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_assignments_case ON case_assignments (case_id);
CREATE INDEX case_assignments_handler ON case_assignments (handler_id);

-- Requests to replace the handler (LAL art 55), decided by the center.
CREATE TABLE case_replacements (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases (id),
    requested_by    TEXT NOT NULL CHECK (requested_by IN ('recipient', 'handler')),
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_at      TIMESTAMPTZ,
    decided_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      BIGINT REFERENCES users (id)
);
CREATE INDEX case_replacements_case ON case_replacements (case_id);

-- Dated progress entries (meetings, file reading, hearings, opinions, …).
CREATE TABLE case_progress (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    activity    TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_progress_case ON case_progress (case_id);

-- Hearings on the calendar; a reminder goes out before each.
CREATE TABLE case_hearings (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    starts_at   TIMESTAMPTZ NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    reminded    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_hearings_case ON case_hearings (case_id);
CREATE INDEX case_hearings_starts ON case_hearings (starts_at);

-- Objections to a termination reuse the objection flow.
ALTER TABLE objections ADD COLUMN case_id BIGINT REFERENCES cases (id);
-- Files kept with a case (closure materials, progress evidence).
ALTER TABLE attachments ADD COLUMN case_id BIGINT REFERENCES cases (id);
CREATE INDEX attachments_case ON attachments (case_id);

-- The outbox: each message written in the same transaction as the change it
-- reports, delivered by the worker (lease, retries with backoff).
CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('recipient', 'handler', 'unit')),
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'in_app')),
    case_id         BIGINT REFERENCES cases (id),
    application_id  BIGINT REFERENCES applications (id),
    user_id         BIGINT REFERENCES users (id),
    recipient_name  TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dead', 'skipped')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    leased_by       TEXT,
    sent_at         TIMESTAMPTZ,
    provider_id     TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    read_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_due ON messages (status, next_attempt_at);
CREATE INDEX messages_case ON messages (case_id);
CREATE INDEX messages_application ON messages (application_id);
CREATE INDEX messages_user ON messages (user_id, read_at);

-- Message templates administrators edit (seeded from the shipped defaults).
CREATE TABLE message_templates (
    kind       TEXT NOT NULL,
    audience   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, audience, channel)
);

-- The subsidy schedule as data with effective dates (seeded from the shipped example).
CREATE TABLE subsidy_entries (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('rate', 'flat', 'partial', 'travel')),
    case_type      TEXT NOT NULL DEFAULT '',
    stage          TEXT NOT NULL DEFAULT '',
    grade          TEXT NOT NULL DEFAULT '',
    item           TEXT NOT NULL DEFAULT '',
    amount_fen     BIGINT,
    percent        BIGINT,
    min_km         BIGINT,
    region         TEXT NOT NULL DEFAULT '',
    effective_from DATE NOT NULL,
    effective_to   DATE,
    label          TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT ''
);

-- Annual targets per unit (the plan's 260 cases for Yeji in 2024).
CREATE TABLE targets (
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    year         BIGINT NOT NULL,
    cases        BIGINT NOT NULL CHECK (cases >= 0),
    PRIMARY KEY (unit_id, year)
);
