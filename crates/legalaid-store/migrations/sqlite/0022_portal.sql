-- The public portal (ADR 0020): applicants are not staff. A person proves a phone
-- number by a code sent through the outbox; the proof is a short portal session
-- bound to that phone (and, for a progress query, to one application). Codes,
-- sessions and the rate-limit counters live here so that several instances share
-- them. Phones are kept encrypted with a keyed hash for lookups; addresses (IPs)
-- only as keyed hashes inside counter names. Kept in lock-step with
-- ../postgres/0022_portal.sql.
ALTER TABLE units ADD COLUMN office_hours TEXT NOT NULL DEFAULT '';

CREATE TABLE portal_codes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose         TEXT NOT NULL CHECK (purpose IN ('apply', 'progress', 'complaint')),
    phone_hash      TEXT NOT NULL,
    phone_enc       TEXT NOT NULL,
    application_id  BIGINT REFERENCES applications (id),
    code_hash       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    used_at         TEXT
);
CREATE INDEX portal_codes_phone ON portal_codes (phone_hash, purpose, id);

CREATE TABLE portal_sessions (
    token_hash      TEXT PRIMARY KEY,
    purpose         TEXT NOT NULL CHECK (purpose IN ('apply', 'progress', 'complaint')),
    phone_hash      TEXT NOT NULL,
    phone_enc       TEXT NOT NULL,
    application_id  BIGINT REFERENCES applications (id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at);

-- One counter per limit, subject (a keyed hash of an address or a phone) and
-- window; the upsert that counts is the check.
CREATE TABLE portal_hits (
    bucket          TEXT NOT NULL,
    window_start    TEXT NOT NULL,
    hits            BIGINT NOT NULL CHECK (hits >= 0),
    PRIMARY KEY (bucket, window_start)
);

-- What the portal adds to an online application: the confirmed phone, the name
-- as typed (it may differ from a person already registered), the township, and
-- when the declaration and the consent were given.
CREATE TABLE portal_applications (
    application_id  BIGINT PRIMARY KEY REFERENCES applications (id),
    phone_hash      TEXT NOT NULL,
    phone_enc       TEXT NOT NULL,
    declared_name   TEXT NOT NULL,
    name_matches    BOOLEAN NOT NULL,
    township_code   TEXT NOT NULL REFERENCES regions (code),
    declared_at     TEXT NOT NULL,
    consented_at    TEXT NOT NULL
);
CREATE INDEX portal_applications_phone ON portal_applications (phone_hash);
