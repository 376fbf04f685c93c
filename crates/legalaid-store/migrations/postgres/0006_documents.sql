-- Document templates that administrators edit (title, addressee, body with {占位符}).
-- Seeded from crates/legalaid-domain/data/documents at first start.
-- Kept in lock-step with ../sqlite/0006_documents.sql.

CREATE TABLE document_templates (
    kind       TEXT PRIMARY KEY CHECK (kind IN ('receipt', 'supplement_notice', 'grant_decision', 'denial_decision', 'objection_decision')),
    title      TEXT NOT NULL,
    addressee  TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);
