-- The person list's filter by part of a name, at a million persons (issue 13,
-- ADR 0048). Kept in lock-step with the other backend's 0041.
--
-- `p.name LIKE '%…%'` read every person of the scope: about 2 s at a million.
-- Each person's name is cut into its pieces of one, two and three characters
-- (ASCII letters lowered, as on SQLite, whose LIKE ignores their case); a
-- filter reads the persons holding the query's rarest longest piece, newest
-- first, from this table's key and checks the whole name on each. Written by a
-- trigger, so every way a person is written (a request, an import, a
-- whole-database import, a bulk load) keeps it; never carried by an export
-- (its name starts with search_), rebuilt by the import's inserts instead.
-- The other backend's triggers cut names with this table (they cannot hold a
-- WITH clause); here generate_series does (a join of this table with itself
-- is planned as all its pairs, 6 ms a person). Kept for the same schema.
CREATE TABLE search_name_positions (n INTEGER PRIMARY KEY);
INSERT INTO search_name_positions (n) SELECT n FROM generate_series(1, 256) n;

CREATE TABLE search_name_grams (
    gram      TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (gram, person_id)
);

-- The pieces of a name: start s.n, width w.n of 1 to 3, as the other backend's
-- triggers cut them. SQLite's lower() lowers ASCII letters only; translate()
-- does the same here whatever the database's locale.
CREATE FUNCTION search_name_grams_of(person_name TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT translate(substr(person_name, s.n, w.n), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    FROM generate_series(1, length(person_name)) AS s(n), generate_series(1, 3) AS w(n)
    WHERE s.n + w.n - 1 <= length(person_name)
$$;

CREATE FUNCTION search_name_grams_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.name IS NOT DISTINCT FROM NEW.name THEN
            RETURN NULL;
        END IF;
        DELETE FROM search_name_grams
        WHERE person_id = OLD.id AND gram IN (SELECT search_name_grams_of(OLD.name));
    END IF;
    INSERT INTO search_name_grams (gram, person_id)
    SELECT g, NEW.id FROM search_name_grams_of(NEW.name) g
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER persons_name_grams AFTER INSERT OR UPDATE OF name ON persons
    FOR EACH ROW EXECUTE FUNCTION search_name_grams_write();

-- The persons already there.
INSERT INTO search_name_grams (gram, person_id)
SELECT g, p.id FROM persons p, search_name_grams_of(p.name) g;
