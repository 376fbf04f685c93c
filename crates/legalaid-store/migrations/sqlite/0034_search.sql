-- Full-text search (issue 13, ADR 0031). Kept in lock-step with the other
-- backend's 0034.
--
-- `search_entries` holds one row per searchable record: what a hit shows (title,
-- body), who may see it (the units and region the record's own visibility rule
-- reads) and its words as jieba segmented them (`tokens`, space-joined), which
-- FTS5 indexes with its `unicode61` tokenizer.
CREATE TABLE search_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'application', 'case', 'consultation', 'complaint')),
    record_id  BIGINT NOT NULL,
    -- The record's unit (registering, receiving, intake) and, for a case, its
    -- handling unit: a caller sees the entry when its scope covers either.
    unit_a     BIGINT REFERENCES units (id),
    unit_b     BIGINT REFERENCES units (id),
    -- The record's own region where it has one (consultations, complaints);
    -- otherwise unit_a's region applies.
    region     TEXT,
    -- Complaints about a unit or staff member are not shown to them.
    not_unit   BIGINT,
    not_staff  BIGINT,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    tokens     TEXT NOT NULL,
    UNIQUE (kind, record_id)
);
CREATE INDEX search_entries_unit_a ON search_entries (unit_a);
CREATE INDEX search_entries_unit_b ON search_entries (unit_b);

CREATE VIRTUAL TABLE search_fts USING fts5(
    tokens,
    content = 'search_entries',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, tokens) VALUES (new.id, new.tokens);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
    INSERT INTO search_fts (rowid, tokens) VALUES (new.id, new.tokens);
END;

-- Records whose entry is to be rewritten: filled by the triggers below in the
-- transaction that changes a record, emptied before that transaction commits
-- (legalaid_store::search::drain), or by the background job for rows written
-- outside the application.
CREATE TABLE search_queue (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    tx        BIGINT
);

CREATE TRIGGER persons_search_ai AFTER INSERT ON persons BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('person', new.id);
END;
CREATE TRIGGER persons_search_au AFTER UPDATE OF name, phone, address, unit_id ON persons BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('person', new.id);
END;
CREATE TRIGGER applications_search_ai AFTER INSERT ON applications BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('application', new.id);
END;
CREATE TRIGGER applications_search_au AFTER UPDATE OF number, applicant_id, receiving_unit_id, opposing_party,
    case_organ, case_number, summary, representative_name ON applications BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('application', new.id);
END;
CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('case', new.id);
END;
CREATE TRIGGER cases_search_au AFTER UPDATE OF number, recipient_id, intake_unit_id, handling_unit_id, opposing_party,
    case_organ, organ_case_number, closure_report, termination_reason ON cases BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('case', new.id);
END;
CREATE TRIGGER case_progress_search_ai AFTER INSERT ON case_progress BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('case', new.case_id);
END;
CREATE TRIGGER case_progress_search_au AFTER UPDATE OF note ON case_progress BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('case', new.case_id);
END;
CREATE TRIGGER consultations_search_ai AFTER INSERT ON consultations BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('consultation', new.id);
END;
CREATE TRIGGER consultations_search_au AFTER UPDATE OF name, phone, question, answer, referred_to, unit_id,
    region_code ON consultations BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('consultation', new.id);
END;
CREATE TRIGGER complaints_search_ai AFTER INSERT ON complaints BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('complaint', new.id);
END;
CREATE TRIGGER complaints_search_au AFTER UPDATE OF number, complainant_name, facts, request, conclusion,
    receiving_unit_id, region_code, respondent_unit_id, respondent_staff_id ON complaints BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('complaint', new.id);
END;

-- What was there before search: indexed by the background job.
INSERT INTO search_queue (kind, record_id) SELECT 'person', id FROM persons;
INSERT INTO search_queue (kind, record_id) SELECT 'application', id FROM applications;
INSERT INTO search_queue (kind, record_id) SELECT 'case', id FROM cases;
INSERT INTO search_queue (kind, record_id) SELECT 'consultation', id FROM consultations;
INSERT INTO search_queue (kind, record_id) SELECT 'complaint', id FROM complaints;
