-- Duplicate persons and their reversible merge (issue 13). Kept in lock-step
-- with the other backend's 0035.
--
-- A merged person stays, pointing at the record it was merged into; every
-- application, case, consultation and duty-lawyer help of it now names the
-- survivor, and `person_merges.moved` lists exactly which rows moved, so that
-- undoing the merge moves those rows back and nothing else.
ALTER TABLE persons ADD COLUMN merged_into BIGINT REFERENCES persons (id);
CREATE INDEX persons_birth_date ON persons (birth_date);
CREATE INDEX persons_phone ON persons (phone);
CREATE INDEX consultations_person ON consultations (person_id);

CREATE TABLE person_merges (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survivor_id BIGINT NOT NULL REFERENCES persons (id),
    merged_id   BIGINT NOT NULL REFERENCES persons (id),
    reason      TEXT NOT NULL,
    -- JSON: {"applications": [ids], "cases": [...], "consultations": [...], "duty_help": [...]}
    moved       TEXT NOT NULL,
    merged_by   BIGINT REFERENCES users (id),
    merged_at   TIMESTAMPTZ NOT NULL,
    undone_by   BIGINT REFERENCES users (id),
    undone_at   TIMESTAMPTZ,
    CHECK (survivor_id <> merged_id)
);
-- A person is merged at most once at a time: a second merge of it loses (409).
CREATE UNIQUE INDEX person_merges_open ON person_merges (merged_id) WHERE undone_at IS NULL;
CREATE INDEX person_merges_survivor ON person_merges (survivor_id);

-- Pairs a user said are two people (不是同一人): no longer offered as duplicates.
CREATE TABLE person_distinct (
    low_id      BIGINT NOT NULL REFERENCES persons (id),
    high_id     BIGINT NOT NULL REFERENCES persons (id),
    decided_by  BIGINT REFERENCES users (id),
    decided_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);
