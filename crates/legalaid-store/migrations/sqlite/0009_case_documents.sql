-- The documents of cases (assignment notice, official letter, termination
-- decision, closure report, subsidy voucher) join the template table. SQLite
-- cannot change a CHECK constraint, so the table is rebuilt with its rows.
-- Kept in lock-step with ../postgres/0009_case_documents.sql.

CREATE TABLE document_templates_new (
    kind       TEXT PRIMARY KEY CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher')),
    title      TEXT NOT NULL,
    addressee  TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
INSERT INTO document_templates_new (kind, title, addressee, body, version, updated_at)
    SELECT kind, title, addressee, body, version, updated_at FROM document_templates;
DROP TABLE document_templates;
ALTER TABLE document_templates_new RENAME TO document_templates;
