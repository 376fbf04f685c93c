-- Full-text search (issue 13, ADR 0031). Kept in lock-step with the other
-- backend's 0034: the same tables, with a generated tsvector and a GIN index
-- where SQLite has its FTS5 table.
CREATE TABLE search_entries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'application', 'case', 'consultation', 'complaint')),
    record_id  BIGINT NOT NULL,
    unit_a     BIGINT REFERENCES units (id),
    unit_b     BIGINT REFERENCES units (id),
    region     TEXT,
    not_unit   BIGINT,
    not_staff  BIGINT,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    tokens     TEXT NOT NULL,
    tsv        tsvector GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED,
    UNIQUE (kind, record_id)
);
CREATE INDEX search_entries_unit_a ON search_entries (unit_a);
CREATE INDEX search_entries_unit_b ON search_entries (unit_b);
CREATE INDEX search_entries_tsv ON search_entries USING GIN (tsv);

-- `tx` names the transaction that queued the row, so that a commit rewrites the
-- entries of its own changes and leaves other rows to the background job.
CREATE TABLE search_queue (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind      TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    tx        BIGINT DEFAULT txid_current()
);
CREATE INDEX search_queue_tx ON search_queue (tx);

CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES (TG_ARGV[0], NEW.id);
    RETURN NULL;
END
$$;
CREATE FUNCTION search_enqueue_case_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (kind, record_id) VALUES ('case', NEW.case_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER persons_search AFTER INSERT OR UPDATE OF name, phone, address, unit_id ON persons
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('person');
CREATE TRIGGER applications_search AFTER INSERT OR UPDATE OF number, applicant_id, receiving_unit_id, opposing_party,
    case_organ, case_number, summary, representative_name ON applications
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('application');
CREATE TRIGGER cases_search AFTER INSERT OR UPDATE OF number, recipient_id, intake_unit_id, handling_unit_id,
    opposing_party, case_organ, organ_case_number, closure_report, termination_reason ON cases
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('case');
CREATE TRIGGER case_progress_search AFTER INSERT OR UPDATE OF note ON case_progress
    FOR EACH ROW EXECUTE FUNCTION search_enqueue_case_of_row();
CREATE TRIGGER consultations_search AFTER INSERT OR UPDATE OF name, phone, question, answer, referred_to, unit_id,
    region_code ON consultations
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('consultation');
CREATE TRIGGER complaints_search AFTER INSERT OR UPDATE OF number, complainant_name, facts, request, conclusion,
    receiving_unit_id, region_code, respondent_unit_id, respondent_staff_id ON complaints
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('complaint');

-- What was there before search: indexed by the background job.
INSERT INTO search_queue (kind, record_id, tx) SELECT 'person', id, NULL FROM persons;
INSERT INTO search_queue (kind, record_id, tx) SELECT 'application', id, NULL FROM applications;
INSERT INTO search_queue (kind, record_id, tx) SELECT 'case', id, NULL FROM cases;
INSERT INTO search_queue (kind, record_id, tx) SELECT 'consultation', id, NULL FROM consultations;
INSERT INTO search_queue (kind, record_id, tx) SELECT 'complaint', id, NULL FROM complaints;
