-- Surveys of public opinion (社情民意调查) and training (培训), issue 11 items 5
-- and 6 (quality-supervision-outreach §6.2, §6.3). Kept in lock-step with
-- ../sqlite/0024_surveys_training.sql.

-- One row per version of an instrument; a version never changes (a campaign
-- keeps the version it was created with). `body` is the instrument's JSON
-- (questions, options, the 知晓率 and 满意度 rules with their definitions).
CREATE TABLE survey_instruments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    version    BIGINT NOT NULL CHECK (version > 0),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL CHECK (body LIKE '{%}'),
    example    BOOLEAN NOT NULL,
    source     TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (code, version)
);

-- A campaign of an organising unit (bureau or center) over its region's
-- townships, with the target sample per township as a JSON array of
-- {township, target}.
CREATE TABLE survey_campaigns (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         TEXT NOT NULL,
    instrument_id BIGINT NOT NULL REFERENCES survey_instruments (id),
    starts_on     DATE NOT NULL,
    ends_on       DATE NOT NULL,
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    region_code   TEXT NOT NULL,
    targets       TEXT NOT NULL CHECK (targets LIKE '[%]'),
    created_by    BIGINT REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL,
    CHECK (ends_on >= starts_on),
    UNIQUE (region_code, title)
);
CREATE INDEX survey_campaigns_region ON survey_campaigns (region_code, starts_on);

-- The codes (tokens) behind the link and QR code: 128 random bits as hex, each
-- handed out by a unit (its distribution counts for that unit).
CREATE TABLE survey_codes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES survey_campaigns (id),
    code        TEXT NOT NULL UNIQUE CHECK (length(code) = 32),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    batch       BIGINT NOT NULL,
    issued_by   BIGINT REFERENCES users (id),
    issued_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX survey_codes_campaign ON survey_codes (campaign_id, batch, id);

-- Answers: anonymous (no IP, no phone, no name). A public answer names its
-- code, and one code answers once (the unique key is what refuses the second
-- of two submissions at once); a phone answer names the staff who entered it.
CREATE TABLE survey_answers (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES survey_campaigns (id),
    channel       TEXT NOT NULL CHECK (channel IN ('public_code', 'phone')),
    code_id       BIGINT UNIQUE REFERENCES survey_codes (id),
    township_code TEXT NOT NULL,
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    entered_by    BIGINT REFERENCES users (id),
    responses     TEXT NOT NULL CHECK (responses LIKE '{%}'),
    submitted_at  TIMESTAMPTZ NOT NULL,
    CHECK ((channel = 'public_code') = (code_id IS NOT NULL)),
    CHECK ((channel = 'phone') = (entered_by IS NOT NULL))
);
CREATE INDEX survey_answers_campaign ON survey_answers (campaign_id, id);

-- Training sessions of an organising unit; hours in tenths (3.5 学时 = 35).
CREATE TABLE training_sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('business', 'special', 'case_guidance', 'pre_job', 'other')),
    held_on      DATE NOT NULL,
    hours_tenths BIGINT NOT NULL CHECK (hours_tenths BETWEEN 1 AND 240),
    trainers     TEXT NOT NULL,
    place        TEXT NOT NULL,
    materials    TEXT NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    region_code  TEXT NOT NULL,
    created_by   BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX training_sessions_region ON training_sessions (region_code, held_on);

-- Who attends: one row per session and staff member (enrolling twice is one row).
CREATE TABLE training_attendance (
    session_id   BIGINT NOT NULL REFERENCES training_sessions (id),
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    status       TEXT NOT NULL CHECK (status IN ('enrolled', 'attended', 'absent')),
    hours_tenths BIGINT NOT NULL CHECK (hours_tenths BETWEEN 0 AND 240),
    enrolled_by  BIGINT REFERENCES users (id),
    enrolled_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX training_attendance_staff ON training_attendance (staff_id);
