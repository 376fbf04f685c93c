-- Excellent-case selection (优秀案例评选, quality-supervision-outreach §2.4).
-- Kept in lock-step with ../sqlite/0021_excellent_cases.sql.
--
-- A selection of a region (the organising bureau or center) with its criteria
-- (a JSON array of {code, name, max_points}), its places and the judges of
-- its panel (members of the expert pool). Units nominate archived cases while
-- it is `nominating`; when judging starts each nomination is assigned its
-- judges (cross-review); each assigned judge scores it once; publication fixes
-- every nomination's average, rank and honour.
CREATE TABLE excellent_selections (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               TEXT NOT NULL,
    year                BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- Cases archived from .. to (both included) may be nominated.
    closed_from         DATE NOT NULL,
    closed_to           DATE NOT NULL,
    nomination_deadline DATE NOT NULL,
    places              BIGINT NOT NULL CHECK (places BETWEEN 1 AND 100),
    judges_per_case     BIGINT NOT NULL CHECK (judges_per_case BETWEEN 1 AND 5),
    criteria            TEXT NOT NULL CHECK (criteria LIKE '[%]'),
    notes               TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('nominating', 'judging', 'published')),
    -- The organising unit and its region: the units of the region nominate.
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    region_code         TEXT NOT NULL,
    created_by          BIGINT REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    judging_at          TIMESTAMPTZ,
    published_at        TIMESTAMPTZ,
    published_by        BIGINT REFERENCES users (id),
    version             BIGINT NOT NULL,
    CHECK (closed_from <= closed_to),
    CHECK ((status = 'nominating') = (judging_at IS NULL)),
    CHECK ((status = 'published') = (published_at IS NOT NULL)),
    -- Two organisers creating the same selection at once end with one.
    UNIQUE (region_code, title)
);
CREATE INDEX excellent_selections_region ON excellent_selections (region_code, year);

-- The panel.
CREATE TABLE excellent_judges (
    selection_id BIGINT NOT NULL REFERENCES excellent_selections (id),
    expert_id    BIGINT NOT NULL REFERENCES experts (id),
    PRIMARY KEY (selection_id, expert_id)
);

-- A case nominated to a selection, once: a second nomination of the case is
-- refused by the partial unique index (a withdrawn one may be nominated
-- again). The handling unit and handler are copied when it is nominated, as
-- the honour goes to them.
CREATE TABLE excellent_nominations (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    selection_id       BIGINT NOT NULL REFERENCES excellent_selections (id),
    case_id            BIGINT NOT NULL REFERENCES cases (id),
    nominating_unit_id BIGINT NOT NULL REFERENCES units (id),
    handling_unit_id   BIGINT REFERENCES units (id),
    handler_id         BIGINT REFERENCES staff (id),
    recommendation     TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('nominated', 'withdrawn')),
    withdraw_reason    TEXT NOT NULL,
    -- Fixed at publication: the average of the judges' totals in hundredths
    -- (an integer on both backends), the rank (ties share one) and the honour.
    average_hundredths BIGINT CHECK (average_hundredths BETWEEN 0 AND 10000),
    final_rank         BIGINT CHECK (final_rank >= 1),
    honoured           BOOLEAN NOT NULL,
    nominated_by       BIGINT REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    version            BIGINT NOT NULL,
    CHECK (NOT honoured OR final_rank IS NOT NULL)
);
CREATE UNIQUE INDEX excellent_nominations_open ON excellent_nominations (selection_id, case_id) WHERE status <> 'withdrawn';
CREATE INDEX excellent_nominations_case ON excellent_nominations (case_id);

-- The judges assigned to a nomination when judging starts.
CREATE TABLE excellent_assignments (
    nomination_id BIGINT NOT NULL REFERENCES excellent_nominations (id),
    expert_id     BIGINT NOT NULL REFERENCES experts (id),
    PRIMARY KEY (nomination_id, expert_id)
);
CREATE INDEX excellent_assignments_expert ON excellent_assignments (expert_id);

-- A judge's sheet: once per nomination and judge (the unique pair), and only
-- by a judge assigned to it (the foreign key to the assignment).
CREATE TABLE excellent_scores (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nomination_id BIGINT NOT NULL REFERENCES excellent_nominations (id),
    expert_id     BIGINT NOT NULL REFERENCES experts (id),
    -- A JSON array of {criterion, points}.
    scores        TEXT NOT NULL CHECK (scores LIKE '[%]'),
    total         BIGINT NOT NULL CHECK (total BETWEEN 0 AND 100),
    comment       TEXT NOT NULL,
    -- The judge's account, or the organiser who entered a paper sheet.
    entered_by    BIGINT REFERENCES users (id),
    submitted_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (nomination_id, expert_id),
    FOREIGN KEY (nomination_id, expert_id) REFERENCES excellent_assignments (nomination_id, expert_id)
);
