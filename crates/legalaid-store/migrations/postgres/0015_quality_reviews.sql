-- Case file review (issue 10): scoring schemes as versioned data, review rounds
-- with their reproducible sample, the expert pool, each file's review in three
-- tiers with the sheets of its reviewers. Work on any record (not only
-- applications and cases) joins the work queues. Kept in lock-step with
-- ../sqlite/0015_quality_reviews.sql.

-- Experts sign in with the role `expert` and see only the files assigned to them.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('system_admin', 'bureau_supervisor', 'center_reviewer', 'center_director', 'intake_clerk', 'handler', 'quality_reviewer', 'expert'));

-- One row per version of a scheme; a version never changes (a review keeps the
-- version it was assigned with). Items are the scheme's JSON list.
CREATE TABLE scoring_schemes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL,
    version    BIGINT NOT NULL CHECK (version > 0),
    name       TEXT NOT NULL,
    case_type  TEXT NOT NULL CHECK (case_type IN ('criminal', 'civil', 'administrative', 'non_litigation')),
    -- Stage codes, comma-separated; empty for every stage.
    stages     TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('hundred', 'five')),
    excellent  BIGINT NOT NULL,
    good       BIGINT NOT NULL,
    qualified  BIGINT NOT NULL,
    items      TEXT NOT NULL,
    example    BOOLEAN NOT NULL,
    source     TEXT NOT NULL,
    -- The version in force of its code (one per code); false once replaced.
    current    BOOLEAN NOT NULL,
    -- Withdrawn: no longer bound to new reviews.
    retired    BOOLEAN NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (code, version)
);
CREATE UNIQUE INDEX scoring_schemes_current ON scoring_schemes (code) WHERE current;

-- The expert pool (评查专家库) of a region.
CREATE TABLE experts (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code         TEXT NOT NULL,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('center_staff', 'lawyer', 'legal_worker', 'other')),
    unit_id             BIGINT REFERENCES units (id),
    staff_id            BIGINT REFERENCES staff (id),
    user_id             BIGINT REFERENCES users (id),
    work_unit           TEXT NOT NULL,
    phone               TEXT NOT NULL,
    licence_no          TEXT NOT NULL,
    practice_start_year BIGINT,
    specialty           TEXT NOT NULL,
    honours             TEXT NOT NULL,
    sanctioned          BOOLEAN NOT NULL,
    active              BOOLEAN NOT NULL,
    version             BIGINT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX experts_user ON experts (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX experts_staff ON experts (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX experts_region ON experts (region_code, id);

CREATE TABLE review_rounds (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                     TEXT NOT NULL,
    -- The center that runs it; its region's files are the frame.
    unit_id                  BIGINT NOT NULL REFERENCES units (id),
    region_code              TEXT NOT NULL,
    -- Files closed (archived) from .. to, both included.
    closed_from              DATE NOT NULL,
    closed_to                DATE NOT NULL,
    method                   TEXT NOT NULL CHECK (method IN ('hundred', 'five')),
    sample_method            TEXT NOT NULL CHECK (sample_method IN ('all', 'share', 'per_unit')),
    percent                  BIGINT NOT NULL,
    per_unit                 BIGINT NOT NULL,
    case_types               TEXT NOT NULL,
    include_last_unqualified BOOLEAN NOT NULL,
    reviewers_per_case       BIGINT NOT NULL CHECK (reviewers_per_case BETWEEN 1 AND 5),
    min_practice_years       BIGINT NOT NULL,
    -- The draw's seed: the same seed over the same files gives the same sample.
    seed                     TEXT NOT NULL,
    due_on                   DATE NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    drawn_at                 TIMESTAMPTZ,
    -- What the draw found: per unit the files in the frame and drawn, the files
    -- left out for want of a scheme (JSON).
    draw_summary             TEXT NOT NULL DEFAULT '',
    closed_at                TIMESTAMPTZ,
    created_by               BIGINT NOT NULL REFERENCES users (id),
    created_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT NOT NULL
);
CREATE INDEX review_rounds_region ON review_rounds (region_code, id);

-- One file of a round: drawn once (the unique pair), bound to its scheme version.
CREATE TABLE reviews (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id         BIGINT NOT NULL REFERENCES review_rounds (id),
    case_id          BIGINT NOT NULL REFERENCES cases (id),
    scheme_id        BIGINT NOT NULL REFERENCES scoring_schemes (id),
    reason           TEXT NOT NULL CHECK (reason IN ('census', 'random', 'last_round')),
    -- The handling unit and handler when drawn (results by unit and handler).
    unit_id          BIGINT NOT NULL REFERENCES units (id),
    handler_id       BIGINT REFERENCES staff (id),
    case_type        TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'reviewing', 'awaiting_recheck', 'final')),
    archive_complete BOOLEAN,
    archive_missing  TEXT NOT NULL,
    archive_note     TEXT NOT NULL,
    archive_by       BIGINT REFERENCES users (id),
    archive_at       TIMESTAMPTZ,
    final_total      BIGINT,
    final_grade      TEXT CHECK (final_grade IN ('excellent', 'good', 'qualified', 'unqualified')),
    final_by         BIGINT REFERENCES users (id),
    final_at         TIMESTAMPTZ,
    version          BIGINT NOT NULL,
    UNIQUE (round_id, case_id)
);
CREATE INDEX reviews_case ON reviews (case_id);
CREATE INDEX reviews_round_status ON reviews (round_id, status);

CREATE TABLE review_assignments (
    review_id   BIGINT NOT NULL REFERENCES reviews (id),
    expert_id   BIGINT NOT NULL REFERENCES experts (id),
    assigned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (review_id, expert_id)
);
CREATE INDEX review_assignments_expert ON review_assignments (expert_id);

-- A scored sheet: an expert's (one per expert and file) or the head's re-check
-- (the latest is final; a file graded again after rectification has several).
CREATE TABLE review_sheets (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id    BIGINT NOT NULL REFERENCES reviews (id),
    tier         TEXT NOT NULL CHECK (tier IN ('case_review', 'head_recheck')),
    expert_id    BIGINT REFERENCES experts (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    scores       TEXT NOT NULL,
    total        BIGINT NOT NULL,
    grade        TEXT NOT NULL CHECK (grade IN ('excellent', 'good', 'qualified', 'unqualified')),
    findings     TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    CHECK ((tier = 'case_review') = (expert_id IS NOT NULL))
);
CREATE UNIQUE INDEX review_sheets_expert ON review_sheets (review_id, expert_id) WHERE expert_id IS NOT NULL;

-- The work queues hold work on any record: besides applications and cases, a
-- record of another kind (`record_kind`, `record_id`, e.g. a review), named in
-- the queue by `label`; personal work (an expert's sheet) names its user in
-- `assignee` (0 for work of a role in a unit). SQLite cannot change a CHECK in
-- place: the table is rebuilt (here the constraints are replaced).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_check;
ALTER TABLE deadlines DROP CONSTRAINT deadlines_queue_check;
ALTER TABLE deadlines ADD COLUMN record_kind TEXT;
ALTER TABLE deadlines ADD COLUMN record_id BIGINT;
ALTER TABLE deadlines ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE deadlines ADD COLUMN assignee BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_queue_check CHECK (queue IN ('intake', 'review', 'decide', 'bureau', 'center', 'firm', 'handler', 'quality', 'expert'));
ALTER TABLE deadlines ADD CONSTRAINT deadlines_one_record CHECK (num_nonnulls(application_id, case_id, record_id) = 1);
ALTER TABLE deadlines ADD CONSTRAINT deadlines_record_kind CHECK ((record_id IS NULL) = (record_kind IS NULL));
CREATE UNIQUE INDEX deadlines_record_uq ON deadlines (record_kind, record_id, code, assignee) WHERE record_id IS NOT NULL;
CREATE INDEX deadlines_assignee ON deadlines (assignee, due_on) WHERE assignee <> 0;

-- The quality documents join the template table: the review result notice now,
-- and the codes of the issue's other notices (rectification, complaint
-- acceptance, refusal and reply, the opinion letter).
ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher', 'review_result_notice', 'rectification_notice', 'complaint_acceptance', 'complaint_refusal', 'complaint_reply', 'opinion_letter'));
