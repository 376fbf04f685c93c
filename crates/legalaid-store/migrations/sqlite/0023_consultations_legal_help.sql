-- Consultations (法律咨询), duty-lawyer legal help at workstations (值班律师法律帮助)
-- and publicity (宣传): issue 11 items 2–4, ADR 0021. Kept in lock-step with
-- ../postgres/0023_consultations_legal_help.sql.
--
-- What varies by place or year is data: the consultation topics of the MoJ
-- quarterly consultation report (季报 §4.3), the 法律八进 venues, and the duty
-- subsidy schedule, each seeded here and edited by administrators.

-- The matter types of the quarterly consultation report (§4.3 cols 18–46). Each
-- category has an "其他" topic so that every consultation counts in one of the
-- category totals (rule 1 = 18+28+38; economic matters are civil matters, so
-- col 28 includes col 43). `report_column` is the column of the named type, 0
-- for the category's 其他.
CREATE TABLE consultation_topics (
    code            TEXT PRIMARY KEY,
    category        TEXT NOT NULL CHECK (category IN ('criminal', 'civil', 'administrative', 'economic')),
    label           TEXT NOT NULL,
    report_column   INTEGER NOT NULL CHECK (report_column BETWEEN 0 AND 54),
    sort            INTEGER NOT NULL,
    active          BOOLEAN NOT NULL
);
INSERT INTO consultation_topics (code, category, label, report_column, sort, active) VALUES
    ('homicide', 'criminal', '故意杀人', 19, 10, TRUE),
    ('assault', 'criminal', '故意伤害', 20, 11, TRUE),
    ('robbery', 'criminal', '抢劫、抢夺', 21, 12, TRUE),
    ('rape', 'criminal', '强奸', 22, 13, TRUE),
    ('drugs', 'criminal', '制造、贩卖、运输毒品', 23, 14, TRUE),
    ('theft', 'criminal', '盗窃', 24, 15, TRUE),
    ('fraud', 'criminal', '诈骗', 25, 16, TRUE),
    ('bribery', 'criminal', '受贿、行贿', 26, 17, TRUE),
    ('traffic_crime', 'criminal', '交通肇事', 27, 18, TRUE),
    ('other_criminal', 'criminal', '其他刑事', 0, 19, TRUE),
    ('elder_support', 'civil', '赡养费', 29, 20, TRUE),
    ('spousal_support', 'civil', '扶养费', 30, 21, TRUE),
    ('child_support', 'civil', '抚养费', 31, 22, TRUE),
    ('wages', 'civil', '劳动报酬', 32, 23, TRUE),
    ('heroic_act', 'civil', '见义勇为', 33, 24, TRUE),
    ('work_injury', 'civil', '工伤', 34, 25, TRUE),
    ('traffic_accident', 'civil', '交通事故', 35, 26, TRUE),
    ('medical_accident', 'civil', '医疗事故', 36, 27, TRUE),
    ('marriage_family', 'civil', '婚姻家庭', 37, 28, TRUE),
    ('other_civil', 'civil', '其他民事', 0, 29, TRUE),
    ('state_compensation', 'administrative', '国家赔偿', 39, 30, TRUE),
    ('social_insurance', 'administrative', '社会保险待遇', 40, 31, TRUE),
    ('minimum_living', 'administrative', '最低生活保障待遇', 41, 32, TRUE),
    ('pension_relief', 'administrative', '抚恤金、救济金', 42, 33, TRUE),
    ('other_administrative', 'administrative', '其他行政', 0, 34, TRUE),
    ('private_lending', 'economic', '民间借贷', 44, 40, TRUE),
    ('contract_dispute', 'economic', '合同纠纷', 45, 41, TRUE),
    ('consumer_rights', 'economic', '消费者权益', 46, 42, TRUE),
    ('other_economic', 'economic', '其他经济', 0, 43, TRUE);

-- The 法律八进 venues (§6.1), with the dates they are used: a place that counts
-- 六进 or 九进 ends some and adds others.
CREATE TABLE publicity_venues (
    code            TEXT PRIMARY KEY,
    label           TEXT NOT NULL,
    sort            INTEGER NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    source          TEXT NOT NULL,
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
INSERT INTO publicity_venues (code, label, sort, effective_from, effective_to, source) VALUES
    ('organs', '进机关', 1, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('units', '进单位', 2, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('enterprises', '进企业', 3, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('villages', '进乡村', 4, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('communities', '进社区', 5, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('campuses', '进校园', 6, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('barracks', '进军营', 7, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）'),
    ('custody', '进监所', 8, '2016-01-01', NULL, '法律八进（示例：一种公开表述，待核实本地口径）');

-- A publicity activity of a unit: where, when, what form, whom it reached.
CREATE TABLE publicity_activities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    held_on         TEXT NOT NULL,
    title           TEXT NOT NULL,
    form            TEXT NOT NULL CHECK (form IN ('lecture', 'on_site', 'materials', 'campaign_day', 'performance', 'other')),
    venue_code      TEXT NOT NULL REFERENCES publicity_venues (code),
    place           TEXT NOT NULL,
    staff           TEXT NOT NULL,
    people_reached  INTEGER NOT NULL CHECK (people_reached BETWEEN 0 AND 1000000),
    materials       INTEGER NOT NULL CHECK (materials BETWEEN 0 AND 1000000),
    note            TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX publicity_activities_region ON publicity_activities (region_code, held_on);
CREATE INDEX publicity_activities_unit ON publicity_activities (unit_id, held_on);

-- Photos of an activity (JPEG or PNG, recognised by content), stored under the
-- data directory by content hash as attachments are.
CREATE TABLE publicity_photos (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id     BIGINT NOT NULL REFERENCES publicity_activities (id),
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes      BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256          TEXT NOT NULL,
    description     TEXT NOT NULL,
    uploaded_by     BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX publicity_photos_activity ON publicity_photos (activity_id);

-- Media items (MoJ table 一 cols 24–26): broadcasts, print articles, internet
-- and new-media items.
CREATE TABLE publicity_media (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('broadcast', 'print', 'internet')),
    published_on    TEXT NOT NULL,
    outlet          TEXT NOT NULL,
    title           TEXT NOT NULL,
    url             TEXT NOT NULL,
    activity_id     BIGINT REFERENCES publicity_activities (id),
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX publicity_media_region ON publicity_media (region_code, published_on);

-- A consultation answered by a unit. The person may be anonymous (name and
-- phone empty), named, or a registered person. `consulted_on` is the local
-- (UTC+8) date of `consulted_at`, kept so that period counts compare dates on
-- both backends. A consultation that became an application names it (one
-- application per consultation: the partial unique index).
CREATE TABLE consultations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id          BIGINT NOT NULL REFERENCES units (id),
    region_code      TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('phone', 'hotline_12348', 'visit', 'letter', 'online', 'other')),
    consulted_at     TEXT NOT NULL,
    consulted_on     TEXT NOT NULL,
    staff_id         BIGINT REFERENCES staff (id),
    answered_by      TEXT NOT NULL,
    person_id        BIGINT REFERENCES persons (id),
    name             TEXT NOT NULL,
    phone            TEXT NOT NULL,
    topic_code       TEXT NOT NULL REFERENCES consultation_topics (code),
    question         TEXT NOT NULL,
    answer           TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 0 AND 1440),
    outcome          TEXT NOT NULL CHECK (outcome IN ('answered', 'drafted', 'referred', 'applied')),
    referred_to      TEXT NOT NULL,
    application_id   BIGINT REFERENCES applications (id),
    activity_id      BIGINT REFERENCES publicity_activities (id),
    created_by       BIGINT REFERENCES users (id),
    created_at       TEXT NOT NULL,
    version          BIGINT NOT NULL,
    CHECK ((outcome = 'applied') = (application_id IS NOT NULL)),
    CHECK (outcome <> 'referred' OR referred_to <> '')
);
CREATE UNIQUE INDEX consultations_application ON consultations (application_id) WHERE application_id IS NOT NULL;
CREATE INDEX consultations_region ON consultations (region_code, consulted_on);
CREATE INDEX consultations_unit ON consultations (unit_id, consulted_on);
CREATE INDEX consultations_activity ON consultations (activity_id);

-- The recipient groups of a consultation (§4.3 cols 8–17); a person may be in several.
CREATE TABLE consultation_groups (
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id),
    grp              TEXT NOT NULL CHECK (grp IN ('woman', 'disabled', 'farmer', 'migrant_worker', 'military_family', 'minor', 'elderly', 'foreigner', 'general_poor', 'other')),
    PRIMARY KEY (consultation_id, grp)
);

-- The duty roster: a lawyer on duty at a workstation on a day. A lawyer is on
-- one workstation a day: the unique pair is what two schedulers at once meet.
CREATE TABLE duty_rosters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workstation_id  BIGINT NOT NULL REFERENCES units (id),
    region_code     TEXT NOT NULL,
    duty_date       TEXT NOT NULL,
    staff_id        BIGINT NOT NULL REFERENCES staff (id),
    note            TEXT NOT NULL,
    -- When the lawyer was reminded of the duty day (the outbox message).
    reminded_at     TEXT,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    UNIQUE (duty_date, staff_id)
);
CREATE INDEX duty_rosters_station ON duty_rosters (workstation_id, duty_date);
CREATE INDEX duty_rosters_region ON duty_rosters (region_code, duty_date);

-- Legal help given by the lawyer on duty (the roster row: so only a rostered
-- lawyer records help, and a roster row with help cannot be removed).
CREATE TABLE duty_help (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    roster_id          BIGINT NOT NULL REFERENCES duty_rosters (id),
    workstation_id     BIGINT NOT NULL REFERENCES units (id),
    region_code        TEXT NOT NULL,
    helped_on          TEXT NOT NULL,
    staff_id           BIGINT NOT NULL REFERENCES staff (id),
    kind               TEXT NOT NULL CHECK (kind IN ('consultation', 'procedure_advice', 'plea_signing', 'meeting', 'file_reading', 'charge_opinion')),
    person_id          BIGINT REFERENCES persons (id),
    person_name        TEXT NOT NULL,
    person_role        TEXT NOT NULL CHECK (person_role IN ('suspect', 'defendant')),
    organ_name         TEXT NOT NULL,
    organ_case_number  TEXT NOT NULL,
    summary            TEXT NOT NULL,
    created_by         BIGINT REFERENCES users (id),
    created_at         TEXT NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX duty_help_station ON duty_help (workstation_id, helped_on);
CREATE INDEX duty_help_staff ON duty_help (staff_id, helped_on);
CREATE INDEX duty_help_region ON duty_help (region_code, helped_on);

-- The duty subsidy schedule: per day on duty, or per matter (of a help kind, or
-- '' for any), by the kind of host, with the dates it applies. The seeded rows
-- are examples to be replaced by the local standard.
CREATE TABLE duty_subsidy_rates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    host            TEXT NOT NULL CHECK (host IN ('court', 'procuratorate', 'detention_house')),
    basis           TEXT NOT NULL CHECK (basis IN ('per_day', 'per_matter')),
    help_kind       TEXT NOT NULL CHECK (help_kind IN ('', 'consultation', 'procedure_advice', 'plea_signing', 'meeting', 'file_reading', 'charge_opinion')),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen BETWEEN 0 AND 100000000),
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    source          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    CHECK (effective_to IS NULL OR effective_to > effective_from),
    CHECK (basis = 'per_matter' OR help_kind = ''),
    UNIQUE (host, basis, help_kind, effective_from)
);
INSERT INTO duty_subsidy_rates (host, basis, help_kind, amount_fen, effective_from, effective_to, source, created_at) VALUES
    ('court', 'per_day', '', 20000, '2020-01-01', NULL, '示例：值班律师每日值班补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('procuratorate', 'per_day', '', 20000, '2020-01-01', NULL, '示例：值班律师每日值班补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('detention_house', 'per_day', '', 20000, '2020-01-01', NULL, '示例：值班律师每日值班补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('court', 'per_matter', '', 5000, '2020-01-01', NULL, '示例：按件补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('procuratorate', 'per_matter', '', 5000, '2020-01-01', NULL, '示例：按件补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('detention_house', 'per_matter', '', 5000, '2020-01-01', NULL, '示例：按件补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('procuratorate', 'per_matter', 'plea_signing', 10000, '2020-01-01', NULL, '示例：认罪认罚具结书签署在场按件补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z'),
    ('detention_house', 'per_matter', 'plea_signing', 10000, '2020-01-01', NULL, '示例：认罪认罚具结书签署在场按件补贴（非叶集区标准，待核实）', '2020-01-01T00:00:00Z');
