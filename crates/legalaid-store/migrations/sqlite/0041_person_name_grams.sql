-- The person list's filter by part of a name, at a million persons (issue 13,
-- ADR 0048). Kept in lock-step with the other backend's 0041.
--
-- `p.name LIKE '%…%'` read every person of the scope: about 1.3 s at a million.
-- Each person's name is cut into its pieces of one, two and three characters
-- (ASCII letters lowered, as SQLite's LIKE ignores their case); a filter reads
-- the persons holding the query's rarest longest piece, newest first, from
-- this table's key and checks the whole name on each. Written by triggers, so
-- every way a person is written (a request, an import, a whole-database
-- import, a bulk load) keeps it; never carried by an export (its name starts
-- with search_), rebuilt by the import's inserts instead.
CREATE TABLE search_name_positions (n INTEGER PRIMARY KEY);
INSERT INTO search_name_positions (n)
    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 256) SELECT n FROM s;

CREATE TABLE search_name_grams (
    gram      TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (gram, person_id)
) WITHOUT ROWID;

-- Triggers cannot hold a WITH clause: the pieces come from the positions table
-- joined to itself (start s.n, width w.n of 1 to 3).
CREATE TRIGGER persons_name_grams_ai AFTER INSERT ON persons BEGIN
    INSERT OR IGNORE INTO search_name_grams (gram, person_id)
    SELECT lower(substr(new.name, s.n, w.n)), new.id
    FROM search_name_positions s, search_name_positions w
    WHERE w.n <= 3 AND s.n + w.n - 1 <= length(new.name);
END;
CREATE TRIGGER persons_name_grams_au AFTER UPDATE OF name ON persons WHEN old.name IS NOT new.name BEGIN
    DELETE FROM search_name_grams WHERE person_id = old.id AND gram IN (
        SELECT lower(substr(old.name, s.n, w.n))
        FROM search_name_positions s, search_name_positions w
        WHERE w.n <= 3 AND s.n + w.n - 1 <= length(old.name));
    INSERT OR IGNORE INTO search_name_grams (gram, person_id)
    SELECT lower(substr(new.name, s.n, w.n)), new.id
    FROM search_name_positions s, search_name_positions w
    WHERE w.n <= 3 AND s.n + w.n - 1 <= length(new.name);
END;

-- The persons already there.
INSERT OR IGNORE INTO search_name_grams (gram, person_id)
SELECT lower(substr(p.name, s.n, w.n)), p.id
FROM persons p, search_name_positions s, search_name_positions w
WHERE w.n <= 3 AND s.n + w.n - 1 <= length(p.name);
