-- Work queues (issue 9): the deadlines still running on applications and cases,
-- stored when their clock starts and rewritten with every change of their record
-- (pause, resume, the next step), so that a queue is an indexed query instead of a
-- computation over every open record. A deadline that is met is deleted; the
-- record's page still shows it, computed. Kept in lock-step with
-- ../postgres/0011_work_queues.sql.
CREATE TABLE deadlines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id   BIGINT REFERENCES applications (id),
    case_id          BIGINT REFERENCES cases (id),
    -- The deadline rule's code, or a step without a statutory period (grading,
    -- a replacement request, a subsidy to pay).
    code             TEXT NOT NULL,
    -- Whose work it is: the role's queue, in the unit below.
    queue            TEXT NOT NULL CHECK (queue IN ('intake', 'review', 'decide', 'bureau', 'center', 'firm', 'handler', 'quality')),
    unit_id          BIGINT NOT NULL REFERENCES units (id),
    region_code      TEXT NOT NULL,
    -- The handler, for the handler's own queue.
    staff_id         BIGINT REFERENCES staff (id),
    due_on           TEXT NOT NULL,
    -- Hour periods end at a moment (China time).
    due_at           TEXT,
    -- The period runs into this year, whose holidays are not entered yet (暂定).
    provisional_year INTEGER,
    -- A statutory period (false: the day the step became due, shown as such).
    statutory        BOOLEAN NOT NULL,
    -- The version of the deadline rule the period runs under (its effective date).
    rule_from        TEXT,
    CHECK ((application_id IS NULL) <> (case_id IS NULL))
);
CREATE UNIQUE INDEX deadlines_application_uq ON deadlines (application_id, code) WHERE application_id IS NOT NULL;
CREATE UNIQUE INDEX deadlines_case_uq ON deadlines (case_id, code) WHERE case_id IS NOT NULL;
CREATE INDEX deadlines_queue_unit ON deadlines (queue, unit_id, due_on);
CREATE INDEX deadlines_queue_region ON deadlines (queue, region_code, due_on);
CREATE INDEX deadlines_region_due ON deadlines (region_code, due_on);
CREATE INDEX deadlines_staff ON deadlines (staff_id, due_on) WHERE staff_id IS NOT NULL;
CREATE INDEX deadlines_provisional ON deadlines (provisional_year) WHERE provisional_year IS NOT NULL;

-- The version of the record its stored deadlines follow; NULL until tracked (the
-- tracking job fills in records written before this migration, or by hand).
ALTER TABLE applications ADD COLUMN deadlines_version BIGINT;
ALTER TABLE cases ADD COLUMN deadlines_version BIGINT;
CREATE INDEX applications_untracked ON applications (id) WHERE deadlines_version IS NULL;
CREATE INDEX cases_untracked ON cases (id) WHERE deadlines_version IS NULL;

-- When the case was graded (a step of the quality reviewer's queue, before the
-- subsidy is paid). Cases already paid count as graded.
ALTER TABLE cases ADD COLUMN graded_at TEXT;
UPDATE cases SET graded_at = updated_at WHERE subsidy_status = 'paid';

-- Deadline rules get effective dates: a changed rule governs the periods that start
-- on or after its date, and past periods keep theirs. The shipped rules govern from
-- the Legal Aid Law's entry into force. (SQLite cannot change a primary key in
-- place: the table is rebuilt.)
CREATE TABLE deadline_rule_versions (
    code                TEXT NOT NULL,
    effective_from      TEXT NOT NULL,
    label               TEXT NOT NULL,
    length              BIGINT NOT NULL CHECK (length > 0),
    unit                TEXT NOT NULL CHECK (unit IN ('hours', 'calendar_days', 'working_days')),
    roll_over_rest_days BOOLEAN NOT NULL,
    source              TEXT NOT NULL,
    PRIMARY KEY (code, effective_from)
);
INSERT INTO deadline_rule_versions (code, effective_from, label, length, unit, roll_over_rest_days, source)
    SELECT code, '2022-01-01', label, length, unit, roll_over_rest_days, source FROM deadline_rules;
DROP TABLE deadline_rules;
ALTER TABLE deadline_rule_versions RENAME TO deadline_rules;

-- Identical messages to one address within a short window are sent once: the
-- check looks up recent messages by address.
CREATE INDEX messages_address_created ON messages (address, created_at);

-- A form posted twice (Back, then submit again) makes one record: each create form
-- carries a one-time key; the first submission claims it and records the page of
-- what it made, and a second submission is shown that page.
CREATE TABLE form_submissions (
    key        TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    href       TEXT,
    created_at TEXT NOT NULL
);
