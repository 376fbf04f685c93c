-- Platform schema: regions, units, staff, users and roles, sessions, tokens,
-- sign-in throttling, and the hash-chained audit trail.
-- Kept in lock-step with ../sqlite/0001_platform.sql (same tables, columns, constraints).

CREATE TABLE regions (
    code        TEXT PRIMARY KEY CHECK (length(code) IN (2, 4, 6, 9)),
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    parent_code TEXT REFERENCES regions (code)
);

CREATE TABLE units (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('justice_bureau', 'legal_aid_center', 'judicial_office', 'law_firm', 'legal_service_office', 'workstation')),
    workstation_host TEXT CHECK (workstation_host IN ('court', 'procuratorate', 'detention_house', 'trade_union', 'womens_federation', 'other')),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    address          TEXT NOT NULL DEFAULT '',
    contact_person   TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_region ON units (region_code);

CREATE TABLE staff (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    name                TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    kind                TEXT NOT NULL CHECK (kind IN ('lawyer', 'legal_worker', 'center_staff', 'judicial_officer', 'other')),
    licence_no          TEXT NOT NULL DEFAULT '',
    practice_start_year INTEGER,
    specialties         TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_unit ON staff (unit_id);

CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    unit_id             BIGINT REFERENCES units (id),
    staff_id            BIGINT REFERENCES staff (id),
    password_hash       TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('system_admin', 'bureau_supervisor', 'center_reviewer', 'center_director', 'intake_clerk', 'handler', 'quality_reviewer')),
    PRIMARY KEY (user_id, role)
);

-- Server-side web sessions. Only a hash of the cookie value is stored.
CREATE TABLE web_sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- API bearer tokens. Only a hash of the token is stored.
CREATE TABLE api_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Failed sign-ins, by the name that was tried (whether or not such a user exists)
-- and by client address; used to slow down and lock out guessing.
CREATE TABLE login_failures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username_key TEXT NOT NULL,
    ip           TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username_key, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    actor_user_id  BIGINT,
    actor_username TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    ip             TEXT NOT NULL,
    action         TEXT NOT NULL,
    entity_type    TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    before_json    TEXT,
    after_json     TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_actor ON audit_log (actor_user_id);
CREATE INDEX audit_at ON audit_log (at);

-- The head of the chain: one row, updated in the same transaction as each append,
-- which serialises appends and lets verification detect entries cut from the end.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_seq  BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (singleton, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the application never updates or deletes audit entries.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Regions shipped with the system (GB/T 2260). More can be added by administrators.
INSERT INTO regions (code, name, level, parent_code) VALUES
    ('34', '安徽省', 'province', NULL),
    ('3415', '六安市', 'city', '34'),
    ('341502', '金安区', 'county', '3415'),
    ('341503', '裕安区', 'county', '3415'),
    ('341504', '叶集区', 'county', '3415'),
    ('341522', '霍邱县', 'county', '3415'),
    ('341523', '舒城县', 'county', '3415'),
    ('341524', '金寨县', 'county', '3415'),
    ('341525', '霍山县', 'county', '3415'),
    ('341504001', '史河街道', 'township', '341504'),
    ('341504002', '平岗街道', 'township', '341504'),
    ('341504100', '三元镇', 'township', '341504'),
    ('341504101', '洪集镇', 'township', '341504'),
    ('341504102', '姚李镇', 'township', '341504'),
    ('341504200', '孙岗乡', 'township', '341504');
