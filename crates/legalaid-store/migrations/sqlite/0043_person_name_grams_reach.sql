-- A part of a name counted from the pieces' key (issue 13, ADR 0048's
-- amendment). Kept in lock-step with the other backend's 0043.
--
-- A filter by part of a name read each match's row for its unit and its merge
-- (and the whole LIKE): a part a thousand scattered persons hold cost a
-- thousand random rows a request at a million persons. Each piece now carries
-- its person's unit and whether the person was merged into another, kept by
-- the triggers, so a part of up to three characters (its one piece is the
-- whole match) is counted from this table alone and only the page's rows are
-- read. The table holds nothing but what the persons' names say, so it is
-- written again from them.
DROP TRIGGER persons_name_grams_ai;
DROP TRIGGER persons_name_grams_au;
DROP TABLE search_name_grams;

CREATE TABLE search_name_grams (
    gram      TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    unit_id   INTEGER NOT NULL,
    merged    BOOLEAN NOT NULL,
    PRIMARY KEY (gram, person_id)
) WITHOUT ROWID;

CREATE TRIGGER persons_name_grams_ai AFTER INSERT ON persons BEGIN
    INSERT OR IGNORE INTO search_name_grams (gram, person_id, unit_id, merged)
    SELECT lower(substr(new.name, s.n, w.n)), new.id, new.unit_id, new.merged_into IS NOT NULL
    FROM search_name_positions s, search_name_positions w
    WHERE w.n <= 3 AND s.n + w.n - 1 <= length(new.name);
END;
CREATE TRIGGER persons_name_grams_au AFTER UPDATE OF name ON persons WHEN old.name IS NOT new.name BEGIN
    DELETE FROM search_name_grams WHERE person_id = old.id AND gram IN (
        SELECT lower(substr(old.name, s.n, w.n))
        FROM search_name_positions s, search_name_positions w
        WHERE w.n <= 3 AND s.n + w.n - 1 <= length(old.name));
    INSERT OR IGNORE INTO search_name_grams (gram, person_id, unit_id, merged)
    SELECT lower(substr(new.name, s.n, w.n)), new.id, new.unit_id, new.merged_into IS NOT NULL
    FROM search_name_positions s, search_name_positions w
    WHERE w.n <= 3 AND s.n + w.n - 1 <= length(new.name);
END;
-- A person moved to another unit, merged or unmerged: their pieces follow, found
-- by the key (gram, person_id) rather than a scan of every piece.
CREATE TRIGGER persons_name_grams_reach AFTER UPDATE OF unit_id, merged_into ON persons
WHEN old.unit_id IS NOT new.unit_id OR (old.merged_into IS NULL) IS NOT (new.merged_into IS NULL) BEGIN
    UPDATE search_name_grams SET unit_id = new.unit_id, merged = new.merged_into IS NOT NULL
    WHERE person_id = new.id AND gram IN (
        SELECT lower(substr(new.name, s.n, w.n))
        FROM search_name_positions s, search_name_positions w
        WHERE w.n <= 3 AND s.n + w.n - 1 <= length(new.name));
END;

-- The persons already there.
INSERT OR IGNORE INTO search_name_grams (gram, person_id, unit_id, merged)
SELECT lower(substr(p.name, s.n, w.n)), p.id, p.unit_id, p.merged_into IS NOT NULL
FROM persons p, search_name_positions s, search_name_positions w
WHERE w.n <= 3 AND s.n + w.n - 1 <= length(p.name);
