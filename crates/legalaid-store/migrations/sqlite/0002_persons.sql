-- Applicants and recipients. The ID number is stored encrypted (AES-256-GCM,
-- id_number_enc) with a keyed hash (HMAC-SHA256, id_number_hash) for exact lookup
-- and duplicate prevention, and a masked copy for display.
-- Kept in lock-step with ../postgres/0002_persons.sql.

CREATE TABLE persons (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    name                   TEXT NOT NULL,
    id_type                TEXT NOT NULL CHECK (id_type IN ('resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent_residence')),
    id_number_enc          TEXT NOT NULL,
    id_number_hash         TEXT NOT NULL UNIQUE,
    id_number_masked       TEXT NOT NULL,
    sex                    TEXT CHECK (sex IN ('male', 'female')),
    birth_date             TEXT,
    ethnicity              TEXT NOT NULL DEFAULT '',
    phone                  TEXT NOT NULL DEFAULT '',
    address                TEXT NOT NULL DEFAULT '',
    household_registration TEXT NOT NULL DEFAULT '',
    education              TEXT NOT NULL DEFAULT '',
    occupation             TEXT NOT NULL DEFAULT '',
    groups                 TEXT NOT NULL DEFAULT '',
    unit_id                BIGINT NOT NULL REFERENCES units (id),
    version                BIGINT NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX persons_unit ON persons (unit_id);
CREATE INDEX persons_name ON persons (name);
