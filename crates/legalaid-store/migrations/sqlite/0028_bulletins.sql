-- Bulletins (通报, issue 12): a frozen snapshot of a region's figures for a
-- period (JSON of legalaid_domain::supervision::bulletin::Snapshot) with the
-- sections staff edit (做法, 问题, 要求); issued once, with a number, after which
-- nothing changes. Kept in lock-step with ../postgres/0028_bulletins.sql.
CREATE TABLE bulletins (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The issuing bureau, and the region the bulletin covers.
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    region_code   TEXT NOT NULL,
    title         TEXT NOT NULL,
    period_from   TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    snapshot      TEXT NOT NULL,
    practice      TEXT NOT NULL,
    problems      TEXT NOT NULL,
    requirements  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    number        TEXT NOT NULL,
    issued_on     TEXT,
    issued_by     BIGINT REFERENCES users (id),
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    version       BIGINT NOT NULL,
    CHECK ((status = 'issued') = (issued_on IS NOT NULL))
);
CREATE INDEX bulletins_region ON bulletins (region_code, id);

-- The bulletin joins the document templates (the table is rebuilt for its
-- kind check, as in 0015 and 0027).
CREATE TABLE document_templates_new (
    kind          TEXT PRIMARY KEY CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher', 'review_result_notice', 'rectification_notice', 'supervision_notice', 'bulletin', 'complaint_acceptance', 'complaint_refusal', 'complaint_reply', 'opinion_letter')),
    title         TEXT NOT NULL,
    addressee     TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL,
    number_format TEXT
);
INSERT INTO document_templates_new (kind, title, addressee, body, version, updated_at, number_format)
    SELECT kind, title, addressee, body, version, updated_at, number_format FROM document_templates;
DROP TABLE document_templates;
ALTER TABLE document_templates_new RENAME TO document_templates;
