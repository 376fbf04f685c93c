-- Files attached to applications (ID copies, hardship proof, case materials).
-- The content lives under the data directory, named by its SHA-256; this table
-- holds what is known about it. Kept in lock-step with ../sqlite/0005_attachments.sql.

CREATE TABLE attachments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256         TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    uploaded_by    BIGINT REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_app ON attachments (application_id);
