-- The recipient's evaluation of the service through a one-time link (ADR 0020):
-- written when a case is closed and the link is texted; answered once (the
-- guarded update behind "once"), with the five items of the follow-up form and
-- whether money was asked or taken. The handler and handling unit are kept as
-- they were at closure, for the rating and the figures. Kept in lock-step with
-- ../sqlite/0025_portal_evaluations.sql.
CREATE TABLE portal_evaluations (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id             BIGINT NOT NULL UNIQUE REFERENCES cases (id),
    token_hash          TEXT NOT NULL UNIQUE,
    handling_unit_id    BIGINT REFERENCES units (id),
    handler_id          BIGINT REFERENCES staff (id),
    region_code         TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    answered_at         TIMESTAMPTZ,
    answered_on         DATE,
    service_attitude    TEXT CHECK (service_attitude IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    communication       TEXT CHECK (communication IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    rights_protection   TEXT CHECK (rights_protection IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    case_result         TEXT CHECK (case_result IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    overall             TEXT CHECK (overall IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    money_asked         BOOLEAN,
    comment             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_evaluations_handler ON portal_evaluations (handler_id, answered_on);
