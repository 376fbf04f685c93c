-- The search entries' words without their positions (issue 13, ADR 0047).
-- Kept in lock-step with the other backend's 0042.
--
-- A search that walks the newest entries (ADR 0047) checks each entry's
-- `tsv` with `ts_match_vq`, and so does the choice of its path over the newest
-- thousand. With the positions `to_tsvector` keeps, a benchmark entry's
-- vector was 1,084 bytes and a thousand checks took 3.4 ms; stripped, 0.6 ms.
-- Nothing reads the positions: queries are words joined by `&`
-- (`plainto_tsquery`), never phrases, and hits are ranked by their titles,
-- not by `ts_rank`. The GIN index holds words only, so it is rebuilt as it was.
ALTER TABLE search_entries DROP COLUMN tsv;
ALTER TABLE search_entries
    ADD COLUMN tsv tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple', tokens))) STORED;
CREATE INDEX search_entries_tsv ON search_entries USING GIN (tsv);
