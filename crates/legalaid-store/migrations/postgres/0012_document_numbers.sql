-- Each kind of document has its own number series (issue 9): the pattern is kept
-- with the template (NULL until the shipped pattern is filled in at start-up;
-- empty: the document carries its record's number), and a document gets its
-- number when first issued and keeps it. Kept in lock-step with
-- ../sqlite/0012_document_numbers.sql.
ALTER TABLE document_templates ADD COLUMN number_format TEXT;

CREATE TABLE issued_documents (
    id        BIGSERIAL PRIMARY KEY,
    kind      TEXT NOT NULL,
    -- What it was issued for: application:<id>, objection:<id> or case:<id>.
    subject   TEXT NOT NULL,
    number    TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX issued_documents_subject ON issued_documents (kind, subject);
CREATE UNIQUE INDEX issued_documents_number ON issued_documents (kind, number);
