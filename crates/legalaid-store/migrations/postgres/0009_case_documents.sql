-- The documents of cases (assignment notice, official letter, termination
-- decision, closure report, subsidy voucher) join the template table.
-- Kept in lock-step with ../sqlite/0009_case_documents.sql.

ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check
    CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision', 'assignment_notice', 'official_letter', 'termination_decision', 'closure_report', 'subsidy_voucher'));
