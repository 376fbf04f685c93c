-- Complaints about legal aid (LAL arts 55-56; 《法律援助投诉处理办法》): one row
-- per complaint, from registration through acceptance or refusal, the one
-- extension, the decision with its outcome class and follow-up actions, the reply
-- to the complainant and the complainant's remedy. Its running deadlines join the
-- work queues through `deadlines` (record_kind 'complaint'); its notices are the
-- template kinds complaint_acceptance, complaint_refusal and complaint_reply
-- (allowed since 0015). Kept in lock-step with ../postgres/0016_complaints.sql.

CREATE TABLE complaints (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    -- e.g. 叶司投〔2026〕3号, from the series `complaint` (setting complaint_number_format).
    number              TEXT NOT NULL UNIQUE,
    channel             TEXT NOT NULL CHECK (channel IN ('walk_in', 'phone', 'letter', 'email', 'online', 'other')),
    received_at         TEXT NOT NULL,
    anonymous           BOOLEAN NOT NULL,
    complainant_name    TEXT NOT NULL,
    -- Personal data: encrypted with the field cipher (v1:…), empty when not given.
    complainant_phone   TEXT NOT NULL,
    complainant_address TEXT NOT NULL,
    relation            TEXT CHECK (relation IN ('applicant', 'recipient', 'interested_party', 'other')),
    respondent_unit_id  BIGINT REFERENCES units (id),
    respondent_staff_id BIGINT REFERENCES staff (id),
    case_id             BIGINT REFERENCES cases (id),
    category            TEXT NOT NULL CHECK (category IN ('intake_or_assignment', 'neglect', 'taking_money', 'other')),
    facts               TEXT NOT NULL,
    request             TEXT NOT NULL,
    -- The unit that registered it, and the region whose bureau handles it (the
    -- respondent's; the receiving unit's when the respondent is not known).
    receiving_unit_id   BIGINT NOT NULL REFERENCES units (id),
    region_code         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'refused', 'concluded', 'replied')),
    accepted_at         TEXT,
    refused_at          TEXT,
    refusal_reason      TEXT NOT NULL,
    extended_at         TEXT,
    extension_days      BIGINT CHECK (extension_days BETWEEN 1 AND 365),
    extension_reason    TEXT NOT NULL,
    concluded_at        TEXT,
    outcome             TEXT CHECK (outcome IN ('sanctioned', 'corrected', 'not_substantiated')),
    conclusion          TEXT NOT NULL,
    -- Follow-up action codes, comma-separated in one order (domain `follow_up_codes`).
    follow_up           TEXT NOT NULL CHECK (follow_up IN ('', 'rectification', 'replace_handler', 'withhold_subsidy',
                            'rectification,replace_handler', 'rectification,withhold_subsidy',
                            'replace_handler,withhold_subsidy', 'rectification,replace_handler,withhold_subsidy')),
    -- The replacement request the follow-up made on the case (LAL art 55).
    replacement_id      BIGINT REFERENCES case_replacements (id),
    replied_at          TEXT,
    reply_text          TEXT NOT NULL,
    reply_channel       TEXT CHECK (reply_channel IN ('letter', 'in_person', 'phone', 'email', 'other')),
    remedy              TEXT CHECK (remedy IN ('administrative_review', 'lawsuit')),
    remedy_note         TEXT NOT NULL,
    remedy_at           TEXT,
    version             BIGINT NOT NULL,
    created_by          BIGINT REFERENCES users (id),
    created_at          TEXT NOT NULL,
    CHECK (respondent_unit_id IS NOT NULL OR respondent_staff_id IS NOT NULL),
    CHECK ((status = 'refused') = (refused_at IS NOT NULL)),
    CHECK ((status IN ('accepted', 'concluded', 'replied')) = (accepted_at IS NOT NULL)),
    CHECK ((status IN ('concluded', 'replied')) = (concluded_at IS NOT NULL AND outcome IS NOT NULL)),
    CHECK ((status = 'replied') = (replied_at IS NOT NULL)),
    CHECK ((extended_at IS NULL) = (extension_days IS NULL)),
    CHECK ((remedy IS NULL) = (remedy_at IS NULL))
);
CREATE INDEX complaints_region_received ON complaints (region_code, received_at);
CREATE INDEX complaints_respondent_unit ON complaints (respondent_unit_id);
CREATE INDEX complaints_case ON complaints (case_id) WHERE case_id IS NOT NULL;

INSERT INTO settings (key, value) VALUES ('complaint_number_format', '叶司投〔{year}〕{seq}号');
