-- A part of a name counted from the pieces' key (issue 13, ADR 0048's
-- amendment). Kept in lock-step with the other backend's 0043.
--
-- A filter by part of a name read each match's row for its unit and its merge
-- (and the whole ILIKE): a part a thousand scattered persons hold cost a
-- thousand random rows a request at a million persons. Each piece now carries
-- its person's unit and whether the person was merged into another, in the
-- key's index (INCLUDE), kept by the trigger, so a part of up to three
-- characters (its one piece is the whole match) is counted from the index
-- alone and only the page's rows are read. The table holds nothing but what
-- the persons' names say, so it is written again from them.
DROP TRIGGER persons_name_grams ON persons;
DROP FUNCTION search_name_grams_write();
DROP TABLE search_name_grams;

CREATE TABLE search_name_grams (
    gram      TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    unit_id   BIGINT NOT NULL,
    merged    BOOLEAN NOT NULL,
    PRIMARY KEY (gram, person_id) INCLUDE (unit_id, merged)
);

CREATE FUNCTION search_name_grams_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.name IS DISTINCT FROM NEW.name THEN
            DELETE FROM search_name_grams
            WHERE person_id = OLD.id AND gram IN (SELECT search_name_grams_of(OLD.name));
        ELSIF OLD.unit_id IS DISTINCT FROM NEW.unit_id
            OR (OLD.merged_into IS NULL) <> (NEW.merged_into IS NULL) THEN
            -- Moved, merged or unmerged: the pieces follow, found by the key.
            UPDATE search_name_grams SET unit_id = NEW.unit_id, merged = NEW.merged_into IS NOT NULL
            WHERE person_id = NEW.id AND gram IN (SELECT search_name_grams_of(NEW.name));
            RETURN NULL;
        ELSE
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO search_name_grams (gram, person_id, unit_id, merged)
    SELECT g, NEW.id, NEW.unit_id, NEW.merged_into IS NOT NULL FROM search_name_grams_of(NEW.name) g
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER persons_name_grams AFTER INSERT OR UPDATE OF name, unit_id, merged_into ON persons
    FOR EACH ROW EXECUTE FUNCTION search_name_grams_write();

-- The persons already there.
INSERT INTO search_name_grams (gram, person_id, unit_id, merged)
SELECT g, p.id, p.unit_id, p.merged_into IS NOT NULL FROM persons p, search_name_grams_of(p.name) g;
