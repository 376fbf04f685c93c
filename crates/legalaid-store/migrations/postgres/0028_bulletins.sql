-- Bulletins (通报, issue 12): a frozen snapshot of a region's figures for a
-- period (JSON of legalaid_domain::supervision::bulletin::Snapshot) with the
-- sections staff edit (做法, 问题, 要求); issued once, with a number, after which
-- nothing changes. Kept in lock-step with ../sqlite/0028_bulletins.sql.
CREATE TABLE bulletins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    region_code   TEXT NOT NULL,
    title         TEXT NOT NULL,
    period_from   DATE NOT NULL,
    as_of         DATE NOT NULL,
    snapshot      TEXT NOT NULL,
    practice      TEXT NOT NULL,
    problems      TEXT NOT NULL,
    requirements  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    number        TEXT NOT NULL,
    issued_on     DATE,
    issued_by     BIGINT REFERENCES users (id),
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL,
    CHECK ((status = 'issued') = (issued_on IS NOT NULL))
);
CREATE INDEX bulletins_region ON bulletins (region_code, id);

-- The bulletin joins the document templates.
ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher', 'review_result_notice', 'rectification_notice', 'supervision_notice', 'bulletin', 'complaint_acceptance', 'complaint_refusal', 'complaint_reply', 'opinion_letter'));
