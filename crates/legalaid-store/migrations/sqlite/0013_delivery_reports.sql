-- Delivery reports (issue 9): the SMS gateway reports whether a message it took
-- reached the phone, which moves it from 'sent' to 'delivered' or 'undelivered'
-- (with the gateway's reason in last_error) at reported_at. SQLite cannot change
-- a CHECK constraint, so the table is rebuilt (nothing references it). Kept in
-- lock-step with ../postgres/0013_delivery_reports.sql.
CREATE TABLE messages_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('recipient', 'handler', 'unit')),
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'in_app')),
    case_id         BIGINT REFERENCES cases (id),
    application_id  BIGINT REFERENCES applications (id),
    user_id         BIGINT REFERENCES users (id),
    recipient_name  TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dead', 'skipped', 'delivered', 'undelivered')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    leased_by       TEXT,
    sent_at         TEXT,
    provider_id     TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    read_at         TEXT,
    created_at      TEXT NOT NULL,
    reported_at     TEXT
);
INSERT INTO messages_new (id, kind, audience, channel, case_id, application_id, user_id, recipient_name,
    address, subject, body, status, attempts, next_attempt_at, lease_until, leased_by, sent_at,
    provider_id, last_error, read_at, created_at)
SELECT id, kind, audience, channel, case_id, application_id, user_id, recipient_name,
    address, subject, body, status, attempts, next_attempt_at, lease_until, leased_by, sent_at,
    provider_id, last_error, read_at, created_at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_due ON messages (status, next_attempt_at);
CREATE INDEX messages_case ON messages (case_id);
CREATE INDEX messages_application ON messages (application_id);
CREATE INDEX messages_user ON messages (user_id, read_at);
CREATE INDEX messages_address_created ON messages (address, created_at);
