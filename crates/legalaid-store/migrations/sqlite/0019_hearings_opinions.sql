-- Hearing observation (旁听庭审) and the judicial organs' opinions (征询意见),
-- LAL art 59. Kept in lock-step with ../postgres/0019_hearings_opinions.sql.
--
-- An observation is planned for a hearing of a case (court, date, observer),
-- then recorded (every dimension rated, as a JSON array of
-- {dimension, rating, score}) or cancelled. The handler and handling unit are
-- copied when it is written, so the figures count the handler observed even if
-- the case is later handed over.
CREATE TABLE observations (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             BIGINT NOT NULL REFERENCES cases (id),
    hearing_id          BIGINT REFERENCES case_hearings (id),
    court               TEXT NOT NULL,
    hearing_date        TEXT NOT NULL,
    -- 'HH:MM' when known, else empty.
    hearing_time        TEXT NOT NULL CHECK (hearing_time = '' OR hearing_time LIKE '__:__'),
    observer_id         BIGINT NOT NULL REFERENCES staff (id),
    status              TEXT NOT NULL CHECK (status IN ('planned', 'recorded', 'cancelled')),
    ratings             TEXT NOT NULL CHECK (ratings LIKE '[%]'),
    needs_rectification BOOLEAN NOT NULL,
    issues              TEXT NOT NULL,
    comment             TEXT NOT NULL,
    cancel_reason       TEXT NOT NULL,
    handler_id          BIGINT REFERENCES staff (id),
    handling_unit_id    BIGINT REFERENCES units (id),
    -- The observing center and its region.
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    region_code         TEXT NOT NULL,
    created_by          BIGINT NOT NULL REFERENCES users (id),
    created_at          TEXT NOT NULL,
    recorded_at         TEXT,
    recorded_by         BIGINT REFERENCES users (id),
    version             BIGINT NOT NULL,
    CHECK ((status = 'recorded') = (recorded_at IS NOT NULL))
);
CREATE INDEX observations_region ON observations (region_code, hearing_date);
CREATE INDEX observations_case ON observations (case_id);

-- A letter asking a judicial organ for its opinion of the handler of a closed
-- case: sent, then answered (each item rated, as a JSON array of {item,
-- rating}), or reminded (no_answer) when unanswered by its reminder day and
-- still answerable. One open letter per case and organ kind: the partial
-- unique index is what makes two senders at once end in one letter.
CREATE TABLE opinion_letters (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             BIGINT NOT NULL REFERENCES cases (id),
    organ               TEXT NOT NULL CHECK (organ IN ('court', 'procuratorate', 'police')),
    organ_name          TEXT NOT NULL,
    sent_on             TEXT NOT NULL,
    reminder_after_days INTEGER NOT NULL CHECK (reminder_after_days BETWEEN 0 AND 365),
    reminder_due        TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('sent', 'answered', 'no_answer')),
    reminded_at         TEXT,
    reminded_by         BIGINT REFERENCES users (id),
    ratings             TEXT NOT NULL CHECK (ratings LIKE '[%]'),
    negative            BOOLEAN NOT NULL,
    opinion             TEXT NOT NULL,
    answered_on         TEXT,
    answered_by         BIGINT REFERENCES users (id),
    handler_id          BIGINT REFERENCES staff (id),
    handling_unit_id    BIGINT REFERENCES units (id),
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    region_code         TEXT NOT NULL,
    sent_by             BIGINT NOT NULL REFERENCES users (id),
    created_at          TEXT NOT NULL,
    version             BIGINT NOT NULL,
    CHECK ((status = 'answered') = (answered_on IS NOT NULL)),
    CHECK (status <> 'no_answer' OR reminded_at IS NOT NULL)
);
CREATE UNIQUE INDEX opinion_letters_open ON opinion_letters (case_id, organ) WHERE status <> 'answered';
CREATE INDEX opinion_letters_region ON opinion_letters (region_code, sent_on);
CREATE INDEX opinion_letters_case ON opinion_letters (case_id);
