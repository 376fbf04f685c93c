//! Case file review (migration 0015): scoring scheme versions, the expert pool,
//! review rounds, the review of each file with its assignments and sheets.

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::{CaseType, Grade, Stage};
use legalaid_domain::quality::review::{ExpertKind, ReviewStatus, RoundStatus, Tier};
use legalaid_domain::quality::sampling::{DrawReason, SampleMethod};
use legalaid_domain::quality::scheme::{ItemScore, Scheme, ScoringMethod, Thresholds};
use legalaid_domain::{CaseId, ReviewId, RoundId, SchemeId};
use serde::Serialize;

// ---------------------------------------------------------------- schemes

/// One stored version of a scheme.
#[derive(Debug, Clone, Serialize)]
pub struct StoredScheme {
    pub id: SchemeId,
    pub version: i64,
    /// The version in force of its code.
    pub current: bool,
    /// Withdrawn: not bound to new reviews.
    pub retired: bool,
    pub created_at: DateTime<Utc>,
    pub scheme: Scheme,
}

#[derive(sqlx::FromRow)]
struct SchemeRow {
    id: i64,
    code: String,
    version: i64,
    name: String,
    #[sqlx(try_from = "String")]
    case_type: CaseType,
    stages: String,
    #[sqlx(try_from = "String")]
    method: ScoringMethod,
    excellent: i64,
    good: i64,
    qualified: i64,
    items: String,
    example: bool,
    source: String,
    current: bool,
    retired: bool,
    created_at: DateTime<Utc>,
}

impl SchemeRow {
    fn into_stored(self) -> Result<StoredScheme> {
        let bad = |what: &str| StoreError::Corrupt(format!("scoring_schemes {}: {what}", self.id));
        let stages = self
            .stages
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| Stage::parse(s).ok_or_else(|| bad("stage")))
            .collect::<Result<Vec<_>>>()?;
        let items = serde_json::from_str(&self.items).map_err(|_| bad("items"))?;
        let n = |v: i64| u32::try_from(v).map_err(|_| bad("threshold"));
        Ok(StoredScheme {
            id: SchemeId(self.id),
            version: self.version,
            current: self.current,
            retired: self.retired,
            created_at: self.created_at,
            scheme: Scheme {
                code: self.code,
                name: self.name,
                case_type: self.case_type,
                stages,
                method: self.method,
                thresholds: Thresholds {
                    excellent: n(self.excellent)?,
                    good: n(self.good)?,
                    qualified: n(self.qualified)?,
                },
                items,
                example: self.example,
                source: self.source,
            },
        })
    }
}

const SCHEME_COLUMNS: &str = "id, code, version, name, case_type, stages, method, excellent, good, qualified, \
    items, example, source, current, retired, created_at";

/// The versions in force (one per code), retired ones included, by code.
pub async fn current_schemes(tx: &mut Tx) -> Result<Vec<StoredScheme>> {
    let q = format!("SELECT {SCHEME_COLUMNS} FROM scoring_schemes WHERE current ORDER BY code");
    let rows: Vec<SchemeRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).fetch_all(c).await?);
    rows.into_iter().map(SchemeRow::into_stored).collect()
}

/// Every version of a code, newest first.
pub async fn scheme_versions(tx: &mut Tx, code: &str) -> Result<Vec<StoredScheme>> {
    let q = format!(
        "SELECT {SCHEME_COLUMNS} FROM scoring_schemes WHERE code = $1 ORDER BY version DESC"
    );
    let rows: Vec<SchemeRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(code).fetch_all(c).await?);
    rows.into_iter().map(SchemeRow::into_stored).collect()
}

pub async fn scheme(tx: &mut Tx, id: SchemeId) -> Result<Option<StoredScheme>> {
    let q = format!("SELECT {SCHEME_COLUMNS} FROM scoring_schemes WHERE id = $1");
    let row: Option<SchemeRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?);
    row.map(SchemeRow::into_stored).transpose()
}

/// Stores `s` as version `version` of its code, in force from now; the version
/// it replaces stays for the reviews bound to it. Two editors saving the same
/// version at once: the second meets the unique (code, version) and gets
/// `Duplicate`.
pub async fn insert_scheme_version(
    tx: &mut Tx,
    s: &Scheme,
    version: i64,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<SchemeId> {
    const OLD: &str =
        "UPDATE scoring_schemes SET current = FALSE WHERE code = $1 AND current AND version = $2";
    const INS: &str = "INSERT INTO scoring_schemes (code, version, name, case_type, stages, method, excellent, good, \
        qualified, items, example, source, current, retired, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, FALSE, $13, $14) RETURNING id";
    if version > 1 {
        let n = on_tx!(tx, c => sqlx::query(OLD).bind(&s.code).bind(version - 1).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::VersionConflict);
        }
    }
    let stages: Vec<&str> = s.stages.iter().map(|x| x.as_str()).collect();
    let items = serde_json::to_string(&s.items).map_err(|e| StoreError::Db(e.to_string()))?;
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(INS)
        .bind(&s.code).bind(version).bind(&s.name).bind(s.case_type.as_str()).bind(stages.join(","))
        .bind(s.method.as_str()).bind(i64::from(s.thresholds.excellent)).bind(i64::from(s.thresholds.good))
        .bind(i64::from(s.thresholds.qualified)).bind(items).bind(s.example).bind(&s.source)
        .bind(created_by).bind(now)
        .fetch_one(c).await?);
    Ok(SchemeId(id))
}

/// Withdraws or restores the version in force of `code`.
pub async fn set_scheme_retired(tx: &mut Tx, code: &str, retired: bool) -> Result<bool> {
    const Q: &str = "UPDATE scoring_schemes SET retired = $1 WHERE code = $2 AND current";
    let n =
        on_tx!(tx, c => sqlx::query(Q).bind(retired).bind(code).execute(c).await?.rows_affected());
    Ok(n > 0)
}

// ---------------------------------------------------------------- experts

/// A member of the expert pool.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Expert {
    pub id: i64,
    pub region_code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: ExpertKind,
    pub unit_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Where they work, in words (an outside firm not registered here).
    pub work_unit: String,
    pub phone: String,
    pub licence_no: String,
    pub practice_start_year: Option<i64>,
    pub specialty: String,
    pub honours: String,
    pub sanctioned: bool,
    pub active: bool,
    pub version: i64,
}

/// An expert's editable fields.
#[derive(Debug, Clone)]
pub struct ExpertFields {
    pub name: String,
    pub kind: ExpertKind,
    pub unit_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub user_id: Option<i64>,
    pub work_unit: String,
    pub phone: String,
    pub licence_no: String,
    pub practice_start_year: Option<i64>,
    pub specialty: String,
    pub honours: String,
    pub sanctioned: bool,
    pub active: bool,
}

const EXPERT_COLUMNS: &str = "id, region_code, name, kind, unit_id, staff_id, user_id, work_unit, phone, licence_no, \
    practice_start_year, specialty, honours, sanctioned, active, version";

/// The pool of the regions under `region` (a prefix; empty for all), a page at a
/// time, with how many there are.
pub async fn experts(tx: &mut Tx, region: &str, page: Page) -> Result<(Vec<Expert>, i64)> {
    let q = format!(
        "SELECT {EXPERT_COLUMNS} FROM experts WHERE region_code LIKE $1 ORDER BY active DESC, id LIMIT $2 OFFSET $3"
    );
    const N: &str = "SELECT COUNT(*) FROM experts WHERE region_code LIKE $1";
    let like = format!("{region}%");
    let rows: Vec<Expert> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&like).bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(N).bind(&like).fetch_one(c).await?);
    Ok((rows, total))
}

/// The experts a round of `region` may draw on: its own pool and the pools of
/// the regions above it (a city's or the province's experts serve its counties).
pub async fn pool_for(tx: &mut Tx, region: &str) -> Result<Vec<Expert>> {
    let q = format!(
        "SELECT {EXPERT_COLUMNS} FROM experts WHERE $1 LIKE region_code || '%' ORDER BY id"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(region).fetch_all(c).await?))
}

pub async fn expert(tx: &mut Tx, id: i64) -> Result<Option<Expert>> {
    let q = format!("SELECT {EXPERT_COLUMNS} FROM experts WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(c).await?))
}

/// The pool entry of a signed-in expert.
pub async fn expert_of_user(tx: &mut Tx, user_id: i64) -> Result<Option<Expert>> {
    let q = format!("SELECT {EXPERT_COLUMNS} FROM experts WHERE user_id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(user_id).fetch_optional(c).await?),
    )
}

pub async fn insert_expert(
    tx: &mut Tx,
    region: &str,
    f: &ExpertFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    const Q: &str = "INSERT INTO experts (region_code, name, kind, unit_id, staff_id, user_id, work_unit, phone, \
        licence_no, practice_start_year, specialty, honours, sanctioned, active, version, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(region).bind(&f.name).bind(f.kind.as_str()).bind(f.unit_id).bind(f.staff_id).bind(f.user_id)
        .bind(&f.work_unit).bind(&f.phone).bind(&f.licence_no).bind(f.practice_start_year).bind(&f.specialty)
        .bind(&f.honours).bind(f.sanctioned).bind(f.active).bind(now)
        .fetch_one(c).await?))
}

pub async fn update_expert(
    tx: &mut Tx,
    id: i64,
    version: i64,
    f: &ExpertFields,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "UPDATE experts SET name = $1, kind = $2, unit_id = $3, staff_id = $4, user_id = $5, work_unit = $6, \
        phone = $7, licence_no = $8, practice_start_year = $9, specialty = $10, honours = $11, sanctioned = $12, \
        active = $13, version = version + 1, updated_at = $14 WHERE id = $15 AND version = $16";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(&f.name).bind(f.kind.as_str()).bind(f.unit_id).bind(f.staff_id).bind(f.user_id).bind(&f.work_unit)
        .bind(&f.phone).bind(&f.licence_no).bind(f.practice_start_year).bind(&f.specialty).bind(&f.honours)
        .bind(f.sanctioned).bind(f.active).bind(now).bind(id).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match expert(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- rounds

/// A review round.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub unit_id: i64,
    pub region_code: String,
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    #[sqlx(try_from = "String")]
    pub method: ScoringMethod,
    #[sqlx(try_from = "String")]
    pub sample_method: SampleMethod,
    pub percent: i64,
    pub per_unit: i64,
    /// Case type codes, comma-separated; empty for all.
    pub case_types: String,
    pub include_last_unqualified: bool,
    pub reviewers_per_case: i64,
    pub min_practice_years: i64,
    pub seed: String,
    pub due_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: RoundStatus,
    pub drawn_at: Option<DateTime<Utc>>,
    /// What the draw found (JSON), empty before the draw.
    pub draw_summary: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const ROUND_COLUMNS: &str = "id, name, unit_id, region_code, closed_from, closed_to, method, sample_method, percent, \
    per_unit, case_types, include_last_unqualified, reviewers_per_case, min_practice_years, seed, due_on, status, \
    drawn_at, draw_summary, closed_at, created_by, created_at, version";

pub async fn insert_round(tx: &mut Tx, r: &Round) -> Result<RoundId> {
    const Q: &str = "INSERT INTO review_rounds (name, unit_id, region_code, closed_from, closed_to, method, sample_method, \
        percent, per_unit, case_types, include_last_unqualified, reviewers_per_case, min_practice_years, seed, due_on, \
        status, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&r.name).bind(r.unit_id).bind(&r.region_code).bind(r.closed_from).bind(r.closed_to)
        .bind(r.method.as_str()).bind(r.sample_method.as_str()).bind(r.percent).bind(r.per_unit).bind(&r.case_types)
        .bind(r.include_last_unqualified).bind(r.reviewers_per_case).bind(r.min_practice_years).bind(&r.seed)
        .bind(r.due_on).bind(r.status.as_str()).bind(r.created_by).bind(r.created_at)
        .fetch_one(c).await?);
    Ok(RoundId(id))
}

pub async fn round(tx: &mut Tx, id: RoundId) -> Result<Option<Round>> {
    let q = format!("SELECT {ROUND_COLUMNS} FROM review_rounds WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The rounds of the regions under `region` (a prefix; empty for all), newest
/// first, a page at a time, with how many there are.
pub async fn rounds(tx: &mut Tx, region: &str, page: Page) -> Result<(Vec<Round>, i64)> {
    let q = format!(
        "SELECT {ROUND_COLUMNS} FROM review_rounds WHERE region_code LIKE $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    const N: &str = "SELECT COUNT(*) FROM review_rounds WHERE region_code LIKE $1";
    let like = format!("{region}%");
    let rows: Vec<Round> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&like).bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(N).bind(&like).fetch_one(c).await?);
    Ok((rows, total))
}

/// Moves a round on (drawn with its summary, closed) if it is still at `version`.
pub async fn set_round_status(
    tx: &mut Tx,
    id: RoundId,
    version: i64,
    status: RoundStatus,
    summary: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "UPDATE review_rounds SET status = $1, \
        drawn_at = CASE WHEN $1 = 'open' THEN $2 ELSE drawn_at END, \
        closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END, \
        draw_summary = COALESCE($5, draw_summary), \
        version = version + 1 WHERE id = $3 AND version = $4";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(status.as_str()).bind(now).bind(id.0).bind(version).bind(summary)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

/// The round of the same region closed last before `before` (its 不合格 files
/// may be added to the next draw).
pub async fn last_closed_round(tx: &mut Tx, region: &str, before: RoundId) -> Result<Option<i64>> {
    const Q: &str = "SELECT id FROM review_rounds WHERE region_code = $1 AND status = 'closed' AND id < $2 \
        ORDER BY closed_at DESC, id DESC LIMIT 1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(region).bind(before.0).fetch_optional(c).await?))
}

/// A file that may be drawn: archived in the period, handled in the region.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FrameRow {
    pub id: i64,
    pub handling_unit_id: i64,
    pub handler_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub case_type: CaseType,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
}

/// The files archived from `from` to before `to` whose handling unit is in
/// `region`, read a batch at a time by id so that a province's year is never
/// held by one query.
pub async fn frame(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    limit: i64,
) -> Result<Vec<FrameRow>> {
    const Q: &str = "SELECT c.id, c.handling_unit_id, c.handler_id, c.case_type, c.stage FROM cases c \
        JOIN units u ON u.id = c.handling_unit_id \
        WHERE c.status = 'archived' AND c.closed_at >= $1 AND c.closed_at < $2 AND u.region_code LIKE $3 \
        AND c.id > $4 ORDER BY c.id LIMIT $5";
    let like = format!("{region}%");
    Ok(
        on_tx!(tx, c => sqlx::query_as(Q).bind(from).bind(to).bind(&like).bind(after).bind(limit)
        .fetch_all(c).await?),
    )
}

/// The files of round `round_id` graded 不合格, as frame rows.
pub async fn unqualified_of_round(tx: &mut Tx, round_id: i64) -> Result<Vec<FrameRow>> {
    const Q: &str = "SELECT c.id, c.handling_unit_id, c.handler_id, c.case_type, c.stage FROM reviews r \
        JOIN cases c ON c.id = r.case_id WHERE r.round_id = $1 AND r.final_grade = 'unqualified' ORDER BY c.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(round_id).fetch_all(c).await?))
}

// ---------------------------------------------------------------- reviews

/// The review of one file.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Review {
    pub id: i64,
    pub round_id: i64,
    pub case_id: i64,
    pub scheme_id: i64,
    #[sqlx(try_from = "String")]
    pub reason: DrawReason,
    pub unit_id: i64,
    pub handler_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub case_type: CaseType,
    #[sqlx(try_from = "String")]
    pub status: ReviewStatus,
    pub archive_complete: Option<bool>,
    pub archive_missing: String,
    pub archive_note: String,
    pub archive_by: Option<i64>,
    pub archive_at: Option<DateTime<Utc>>,
    pub final_total: Option<i64>,
    #[sqlx(try_from = "OptGrade")]
    pub final_grade: Option<Grade>,
    pub final_by: Option<i64>,
    pub final_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// A nullable grade column.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
struct OptGrade(Option<String>);

impl TryFrom<OptGrade> for Option<Grade> {
    type Error = String;
    fn try_from(v: OptGrade) -> std::result::Result<Self, String> {
        v.0.map(|s| Grade::parse(&s).ok_or(format!("unknown grade {s:?}")))
            .transpose()
    }
}

const REVIEW_COLUMNS: &str = "r.id, r.round_id, r.case_id, r.scheme_id, r.reason, r.unit_id, r.handler_id, r.case_type, \
    r.status, r.archive_complete, r.archive_missing, r.archive_note, r.archive_by, r.archive_at, r.final_total, \
    r.final_grade, r.final_by, r.final_at, r.version";

/// One file to add to a round.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub case_id: CaseId,
    pub scheme_id: SchemeId,
    pub reason: DrawReason,
    pub unit_id: i64,
    pub handler_id: Option<i64>,
    pub case_type: CaseType,
}

/// Adds the drawn files to a round. A file is drawn into a round once (the
/// unique pair): a second draw of the same round meets it and gets `Duplicate`.
pub async fn insert_reviews(
    tx: &mut Tx,
    round_id: RoundId,
    files: &[NewReview],
) -> Result<Vec<(CaseId, ReviewId)>> {
    // Many rows a statement (a draw writes thousands); each row's id is matched
    // to its case, not to its place in the answer.
    const COLUMNS: usize = 7;
    let mut ids = Vec::with_capacity(files.len());
    for chunk in files.chunks(BULK_ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=COLUMNS)
                    .map(|k| format!("${}", i * COLUMNS + k))
                    .collect();
                format!("({}, 'pending', '', '', 1)", p.join(", "))
            })
            .collect();
        let q = format!(
            "INSERT INTO reviews (round_id, case_id, scheme_id, reason, unit_id, handler_id, case_type, status, \
             archive_missing, archive_note, version) VALUES {} RETURNING case_id, id",
            values.join(", ")
        );
        let rows: Vec<(i64, i64)> = on_tx!(tx, c => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(q.clone()));
            for f in chunk {
                query = query
                    .bind(round_id.0).bind(f.case_id.0).bind(f.scheme_id.0).bind(f.reason.as_str())
                    .bind(f.unit_id).bind(f.handler_id).bind(f.case_type.as_str());
            }
            query.fetch_all(c).await?
        });
        ids.extend(rows.into_iter().map(|(c, r)| (CaseId(c), ReviewId(r))));
    }
    Ok(ids)
}

pub async fn review(tx: &mut Tx, id: ReviewId) -> Result<Option<Review>> {
    let q = format!("SELECT {REVIEW_COLUMNS} FROM reviews r WHERE r.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// A file of a round with what its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub review: Review,
    pub case_number: String,
    pub unit_name: String,
    pub handler_name: Option<String>,
}

/// Which files of a round to list.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    pub status: Option<ReviewStatus>,
    /// Only files assigned to this expert.
    pub expert_id: Option<i64>,
}

/// The files of a round, by case number, a page at a time, with how many.
pub async fn reviews_of_round(
    tx: &mut Tx,
    round_id: RoundId,
    f: &ReviewFilter,
    page: Page,
) -> Result<(Vec<ReviewLine>, i64)> {
    const WHERE: &str = "WHERE r.round_id = $1 AND ($2 IS NULL OR r.status = $2) AND ($3 IS NULL OR EXISTS \
        (SELECT 1 FROM review_assignments a WHERE a.review_id = r.id AND a.expert_id = $3))";
    let q = format!(
        "SELECT {REVIEW_COLUMNS}, c.number AS case_number, u.name AS unit_name, s.name AS handler_name \
         FROM reviews r JOIN cases c ON c.id = r.case_id JOIN units u ON u.id = r.unit_id \
         LEFT JOIN staff s ON s.id = r.handler_id {WHERE} ORDER BY r.id LIMIT $4 OFFSET $5"
    );
    let n = format!("SELECT COUNT(*) FROM reviews r {WHERE}");
    let status = f.status.map(|s| s.as_str());
    let rows: Vec<ReviewLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(round_id.0).bind(status).bind(f.expert_id).bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(round_id.0).bind(status).bind(f.expert_id).fetch_one(c).await?);
    Ok((rows, total))
}

/// Every final result of a round, for its figures (unit, handler, case type, grade).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResultRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub case_type: CaseType,
    #[sqlx(try_from = "String")]
    pub status: ReviewStatus,
    #[sqlx(try_from = "OptGrade")]
    pub final_grade: Option<Grade>,
    pub final_total: Option<i64>,
}

/// The results of a round, grouped in the database by unit, handler, case type,
/// status and grade: (row, how many, sum of totals).
pub async fn round_results(tx: &mut Tx, round_id: RoundId) -> Result<Vec<(ResultRow, i64)>> {
    const Q: &str = "SELECT r.unit_id, u.name AS unit_name, r.handler_id, s.name AS handler_name, r.case_type, r.status, \
        r.final_grade, CAST(SUM(r.final_total) AS BIGINT) AS final_total, COUNT(*) AS n \
        FROM reviews r JOIN units u ON u.id = r.unit_id LEFT JOIN staff s ON s.id = r.handler_id \
        WHERE r.round_id = $1 GROUP BY r.unit_id, u.name, r.handler_id, s.name, r.case_type, r.status, r.final_grade \
        ORDER BY r.unit_id, r.handler_id";
    #[derive(sqlx::FromRow)]
    struct Grouped {
        #[sqlx(flatten)]
        row: ResultRow,
        n: i64,
    }
    let rows: Vec<Grouped> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(round_id.0).fetch_all(c).await?);
    Ok(rows.into_iter().map(|r| (r.row, r.n)).collect())
}

/// How many files of a round are not final yet.
pub async fn open_reviews(tx: &mut Tx, round_id: RoundId) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM reviews WHERE round_id = $1 AND status <> 'final'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(round_id.0).fetch_one(c).await?))
}

/// Saves a review's state if it is still at `r.version`.
pub async fn save_review(tx: &mut Tx, r: &Review) -> Result<Review> {
    const Q: &str = "UPDATE reviews SET status = $1, archive_complete = $2, archive_missing = $3, archive_note = $4, \
        archive_by = $5, archive_at = $6, final_total = $7, final_grade = $8, final_by = $9, final_at = $10, \
        version = version + 1 WHERE id = $11 AND version = $12";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(r.status.as_str()).bind(r.archive_complete).bind(&r.archive_missing).bind(&r.archive_note)
        .bind(r.archive_by).bind(r.archive_at).bind(r.final_total).bind(r.final_grade.map(|g| g.as_str()))
        .bind(r.final_by).bind(r.final_at).bind(r.id).bind(r.version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match review(tx, ReviewId(r.id)).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    review(tx, ReviewId(r.id))
        .await?
        .ok_or(StoreError::NotFound)
}

/// Rows a multi-row insert writes at once (well inside SQLite's 32,766 bound
/// parameters).
const BULK_ROWS: usize = 500;

/// Assigns experts to reviews: (review, expert) pairs, many rows a statement.
pub async fn assign_experts(
    tx: &mut Tx,
    pairs: &[(ReviewId, i64)],
    now: DateTime<Utc>,
) -> Result<()> {
    for chunk in pairs.chunks(BULK_ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let q = format!(
            "INSERT INTO review_assignments (review_id, expert_id, assigned_at) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(q.clone()));
            for (review, expert) in chunk {
                query = query.bind(review.0).bind(*expert).bind(now);
            }
            query.execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

/// The experts assigned to a review, with their names and accounts.
pub async fn assigned(tx: &mut Tx, review: ReviewId) -> Result<Vec<Expert>> {
    let q = format!(
        "SELECT {} FROM experts e JOIN review_assignments a ON a.expert_id = e.id WHERE a.review_id = $1 ORDER BY e.id",
        EXPERT_COLUMNS
            .split(", ")
            .map(|c| format!("e.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(review.0).fetch_all(c).await?))
}

/// A scored sheet as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub id: i64,
    pub review_id: i64,
    pub tier: Tier,
    pub expert_id: Option<i64>,
    pub user_id: i64,
    pub reviewer_name: String,
    pub scores: Vec<ItemScore>,
    pub total: i64,
    pub grade: Grade,
    pub findings: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SheetRow {
    id: i64,
    review_id: i64,
    #[sqlx(try_from = "String")]
    tier: Tier,
    expert_id: Option<i64>,
    user_id: i64,
    reviewer_name: String,
    scores: String,
    total: i64,
    #[sqlx(try_from = "String")]
    grade: Grade,
    findings: String,
    submitted_at: DateTime<Utc>,
}

/// The sheets of a review, in the order they came in.
pub async fn sheets(tx: &mut Tx, review: ReviewId) -> Result<Vec<Sheet>> {
    const Q: &str = "SELECT s.id, s.review_id, s.tier, s.expert_id, s.user_id, \
        COALESCE(e.name, u.display_name) AS reviewer_name, s.scores, s.total, s.grade, s.findings, s.submitted_at \
        FROM review_sheets s JOIN users u ON u.id = s.user_id LEFT JOIN experts e ON e.id = s.expert_id \
        WHERE s.review_id = $1 ORDER BY s.id";
    let rows: Vec<SheetRow> = on_tx!(tx, c => sqlx::query_as(Q).bind(review.0).fetch_all(c).await?);
    rows.into_iter()
        .map(|r| {
            let scores = serde_json::from_str(&r.scores)
                .map_err(|_| StoreError::Corrupt(format!("review_sheets {}: scores", r.id)))?;
            Ok(Sheet {
                id: r.id,
                review_id: r.review_id,
                tier: r.tier,
                expert_id: r.expert_id,
                user_id: r.user_id,
                reviewer_name: r.reviewer_name,
                scores,
                total: r.total,
                grade: r.grade,
                findings: r.findings,
                submitted_at: r.submitted_at,
            })
        })
        .collect()
}

/// Stores a sheet. An expert's second sheet for one file meets the unique
/// (review, expert) index and gets `Duplicate`.
#[allow(clippy::too_many_arguments)]
pub async fn insert_sheet(
    tx: &mut Tx,
    review: ReviewId,
    tier: Tier,
    expert_id: Option<i64>,
    user_id: i64,
    scores: &[ItemScore],
    total: u32,
    grade: Grade,
    findings: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    const Q: &str = "INSERT INTO review_sheets (review_id, tier, expert_id, user_id, scores, total, grade, findings, \
        submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    let scores = serde_json::to_string(scores).map_err(|e| StoreError::Db(e.to_string()))?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(review.0).bind(tier.as_str()).bind(expert_id).bind(user_id).bind(scores).bind(i64::from(total))
        .bind(grade.as_str()).bind(findings).bind(now)
        .fetch_one(c).await?))
}

/// Whether `user_id` is an expert assigned to a review of `case_id` (they may
/// read that case's file).
pub async fn expert_assigned_to_case(tx: &mut Tx, user_id: i64, case_id: CaseId) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM review_assignments a JOIN experts e ON e.id = a.expert_id \
        JOIN reviews r ON r.id = a.review_id WHERE e.user_id = $1 AND r.case_id = $2";
    let n: i64 =
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(user_id).bind(case_id.0).fetch_one(c).await?);
    Ok(n > 0)
}

/// The round, if any, in which `case_id` is under review and not final yet.
pub async fn open_review_of_case(tx: &mut Tx, case_id: CaseId) -> Result<Option<(i64, String)>> {
    const Q: &str = "SELECT r.id, o.name FROM reviews r JOIN review_rounds o ON o.id = r.round_id \
        WHERE r.case_id = $1 AND r.status <> 'final' ORDER BY r.id DESC LIMIT 1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(case_id.0).fetch_optional(c).await?))
}
