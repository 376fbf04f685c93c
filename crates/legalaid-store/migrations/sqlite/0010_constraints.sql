-- Constraints behind every check-then-write (issue 8): the use cases check first and
-- answer in Chinese, and these make a concurrent duplicate fail (409) instead of
-- slipping through between the check and the write on PostgreSQL.

-- One case per application and stage: one first stage per application, one next
-- stage per case.
CREATE UNIQUE INDEX cases_first_stage_uq ON cases (application_id) WHERE previous_case_id IS NULL;
CREATE UNIQUE INDEX cases_next_stage_uq ON cases (previous_case_id) WHERE previous_case_id IS NOT NULL;
CREATE UNIQUE INDEX cases_application_stage_uq ON cases (application_id, stage);
-- One current assignment per case; one pending replacement request per case.
CREATE UNIQUE INDEX case_assignments_current_uq ON case_assignments (case_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX case_replacements_pending_uq ON case_replacements (case_id) WHERE status = 'pending';
-- One pending objection per decision (an application's denial, or a case's termination).
CREATE UNIQUE INDEX objections_pending_application_uq ON objections (application_id) WHERE status = 'pending' AND case_id IS NULL;
CREATE UNIQUE INDEX objections_pending_case_uq ON objections (case_id) WHERE status = 'pending' AND case_id IS NOT NULL;
-- One running supplement pause per application.
CREATE UNIQUE INDEX application_pauses_open_uq ON application_pauses (application_id) WHERE resumed IS NULL;
-- Voucher numbers are unique.
CREATE UNIQUE INDEX cases_subsidy_voucher_uq ON cases (subsidy_voucher) WHERE subsidy_voucher <> '';
-- One schedule row per key and effective date (two would be ambiguous).
CREATE UNIQUE INDEX subsidy_entries_key_uq ON subsidy_entries (kind, case_type, stage, grade, item, region, effective_from, COALESCE(min_km, -1));

-- The agreement reminder is claimed once per case (instances share the job).
ALTER TABLE cases ADD COLUMN agreement_reminded_at TEXT;
UPDATE cases SET agreement_reminded_at = (
    SELECT MIN(m.created_at) FROM messages m WHERE m.case_id = cases.id AND m.kind = 'agreement_due'
);

-- Addresses from which a user has signed in: failures from them do not slow the
-- owner down when the user name is attacked from elsewhere (ADR 0009).
CREATE TABLE login_addresses (
    user_id         BIGINT NOT NULL REFERENCES users (id),
    ip              TEXT NOT NULL,
    last_success_at TEXT NOT NULL,
    PRIMARY KEY (user_id, ip)
);
-- Failures per user name and address together.
CREATE INDEX login_failures_user_ip ON login_failures (username_key, ip, at);
