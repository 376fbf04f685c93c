//! Hearing observations and opinion letters (migration 0019). Both are listed
//! by the visibility of their case (`cases::SCOPE`): whoever sees the case sees
//! what was observed of it and what the organs said.

use crate::cases::SCOPE;
use crate::{Page, Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::hearing::{DimensionRating, ObservationStatus};
use legalaid_domain::opinion::{OpinionOrgan, OpinionRating, OpinionStatus};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{ObservationId, OpinionId};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A list kept as a JSON array in a text column (the same on both backends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct JsonList<T>(pub Vec<T>);

impl<T: DeserializeOwned> TryFrom<String> for JsonList<T> {
    type Error = serde_json::Error;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&s).map(JsonList)
    }
}

impl<T: Serialize> JsonList<T> {
    pub(crate) fn text(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }
}

const CASE_SCOPE_JOIN: &str = "JOIN cases c ON c.id = o.case_id JOIN units iu ON iu.id = c.intake_unit_id \
    LEFT JOIN units hu ON hu.id = c.handling_unit_id";

// ---------------------------------------------------------------- observations

/// A hearing observation as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Observation {
    pub id: i64,
    pub case_id: i64,
    /// The hearing on the case's calendar it was planned from, if any.
    pub hearing_id: Option<i64>,
    pub court: String,
    pub hearing_date: NaiveDate,
    /// `HH:MM` when known, else empty.
    pub hearing_time: String,
    pub observer_id: i64,
    #[sqlx(try_from = "String")]
    pub status: ObservationStatus,
    #[sqlx(try_from = "String")]
    pub ratings: JsonList<DimensionRating>,
    /// A dimension rated 不满意, or problems written down (需要整改).
    pub needs_rectification: bool,
    pub issues: String,
    pub comment: String,
    pub cancel_reason: String,
    pub handler_id: Option<i64>,
    pub handling_unit_id: Option<i64>,
    /// The observing center.
    pub unit_id: i64,
    pub region_code: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub recorded_by: Option<i64>,
    pub version: i64,
}

const OBS_COLUMNS: &str = "o.id, o.case_id, o.hearing_id, o.court, o.hearing_date, o.hearing_time, o.observer_id, \
    o.status, o.ratings, o.needs_rectification, o.issues, o.comment, o.cancel_reason, o.handler_id, o.handling_unit_id, \
    o.unit_id, o.region_code, o.created_by, o.created_at, o.recorded_at, o.recorded_by, o.version";

pub async fn insert_observation(tx: &mut Tx, o: &Observation) -> Result<ObservationId> {
    const Q: &str = "INSERT INTO observations (case_id, hearing_id, court, hearing_date, hearing_time, observer_id, \
        status, ratings, needs_rectification, issues, comment, cancel_reason, handler_id, handling_unit_id, unit_id, \
        region_code, created_by, created_at, recorded_at, recorded_by, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13, $14, $15, $16, $17, $18, $19, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(o.case_id).bind(o.hearing_id).bind(&o.court).bind(o.hearing_date).bind(&o.hearing_time)
        .bind(o.observer_id).bind(o.status.as_str()).bind(o.ratings.text()).bind(o.needs_rectification)
        .bind(&o.issues).bind(&o.comment).bind(o.handler_id).bind(o.handling_unit_id).bind(o.unit_id)
        .bind(&o.region_code).bind(o.created_by).bind(o.created_at).bind(o.recorded_at).bind(o.recorded_by)
        .fetch_one(c).await?);
    Ok(ObservationId(id))
}

pub async fn observation(tx: &mut Tx, id: ObservationId) -> Result<Option<Observation>> {
    let q = format!("SELECT {OBS_COLUMNS} FROM observations o WHERE o.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Saves the observation's state if it is still at `o.version`.
pub async fn save_observation(tx: &mut Tx, o: &Observation) -> Result<Observation> {
    const Q: &str = "UPDATE observations SET court = $1, hearing_date = $2, hearing_time = $3, observer_id = $4, \
        status = $5, ratings = $6, needs_rectification = $7, issues = $8, comment = $9, cancel_reason = $10, \
        recorded_at = $11, recorded_by = $12, version = version + 1 WHERE id = $13 AND version = $14";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(&o.court).bind(o.hearing_date).bind(&o.hearing_time).bind(o.observer_id).bind(o.status.as_str())
        .bind(o.ratings.text()).bind(o.needs_rectification).bind(&o.issues).bind(&o.comment)
        .bind(&o.cancel_reason).bind(o.recorded_at).bind(o.recorded_by).bind(o.id).bind(o.version)
        .execute(c).await?.rows_affected());
    let id = ObservationId(o.id);
    if n == 0 {
        return Err(match observation(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    observation(tx, id).await?.ok_or(StoreError::NotFound)
}

/// An observation with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ObservationLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub observation: Observation,
    pub case_number: String,
    pub observer_name: String,
    pub handler_name: Option<String>,
    pub handling_unit_name: Option<String>,
}

/// Which observations to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    pub status: Option<ObservationStatus>,
    pub case_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only those flagged 需要整改.
    pub flagged: bool,
}

/// Observations by hearing date, latest first, a page at a time, with how many.
pub async fn observations(
    tx: &mut Tx,
    scope: &Scope,
    f: &ObservationFilter,
    page: Page,
) -> Result<(Vec<ObservationLine>, i64)> {
    let filter = format!(
        "{CASE_SCOPE_JOIN} WHERE {SCOPE} AND ($3 IS NULL OR o.status = $3) AND ($4 IS NULL OR o.case_id = $4) \
         AND ($5 IS NULL OR o.hearing_date >= $5) AND ($6 IS NULL OR o.hearing_date <= $6) \
         AND ($7 = FALSE OR o.needs_rectification = TRUE)"
    );
    let q = format!(
        "SELECT {OBS_COLUMNS}, c.number AS case_number, s.name AS observer_name, h.name AS handler_name, \
         hu.name AS handling_unit_name FROM observations o JOIN staff s ON s.id = o.observer_id \
         LEFT JOIN staff h ON h.id = o.handler_id {filter} \
         ORDER BY o.hearing_date DESC, o.id DESC LIMIT $8 OFFSET $9"
    );
    let n = format!("SELECT COUNT(*) FROM observations o {filter}");
    let (region, unit) = scope_params(scope);
    let status = f.status.map(|s| s.as_str());
    let rows: Vec<ObservationLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(status).bind(f.case_id).bind(f.from).bind(f.to).bind(f.flagged)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(status).bind(f.case_id).bind(f.from).bind(f.to).bind(f.flagged)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Recorded observations of one handler in a period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ObservedHandler {
    pub handling_unit_id: Option<i64>,
    pub handling_unit_name: Option<String>,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    pub observed: i64,
    /// Of those, flagged 需要整改.
    pub flagged: i64,
}

/// Recorded observations with a hearing in `[from, to]`, per handling unit and
/// handler, most observed first.
pub async fn observed_by_handler(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ObservedHandler>> {
    let q = format!(
        "SELECT o.handling_unit_id, u.name AS handling_unit_name, o.handler_id, h.name AS handler_name, \
         COUNT(*) AS observed, COALESCE(SUM(CASE WHEN o.needs_rectification THEN 1 ELSE 0 END), 0) AS flagged \
         FROM observations o LEFT JOIN units u ON u.id = o.handling_unit_id LEFT JOIN staff h ON h.id = o.handler_id \
         {CASE_SCOPE_JOIN} WHERE {SCOPE} AND o.status = 'recorded' AND o.hearing_date >= $3 AND o.hearing_date <= $4 \
         GROUP BY o.handling_unit_id, u.name, o.handler_id, h.name ORDER BY observed DESC, u.name, h.name"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).fetch_all(c).await?))
}

/// Hearings on the calendar of the cases in scope between two instants (the
/// denominator of the observation ratio).
pub async fn hearings_held(
    tx: &mut Tx,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64> {
    let q = format!(
        "SELECT COUNT(*) FROM case_hearings h JOIN cases c ON c.id = h.case_id \
         JOIN units iu ON iu.id = c.intake_unit_id LEFT JOIN units hu ON hu.id = c.handling_unit_id \
         WHERE {SCOPE} AND h.starts_at >= $3 AND h.starts_at < $4"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).fetch_one(c).await?))
}

// ---------------------------------------------------------------- opinion letters

/// A letter asking a judicial organ for its opinion, as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OpinionLetter {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub organ: OpinionOrgan,
    pub organ_name: String,
    pub sent_on: NaiveDate,
    pub reminder_after_days: i32,
    /// `sent_on` + `reminder_after_days` (domain `reminder_due`).
    pub reminder_due: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: OpinionStatus,
    pub reminded_at: Option<DateTime<Utc>>,
    pub reminded_by: Option<i64>,
    #[sqlx(try_from = "String")]
    pub ratings: JsonList<OpinionRating>,
    /// Some item rated 不满意.
    pub negative: bool,
    pub opinion: String,
    pub answered_on: Option<NaiveDate>,
    pub answered_by: Option<i64>,
    pub handler_id: Option<i64>,
    pub handling_unit_id: Option<i64>,
    pub unit_id: i64,
    pub region_code: String,
    pub sent_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const LETTER_COLUMNS: &str = "o.id, o.case_id, o.organ, o.organ_name, o.sent_on, o.reminder_after_days, \
    o.reminder_due, o.status, o.reminded_at, o.reminded_by, o.ratings, o.negative, o.opinion, o.answered_on, \
    o.answered_by, o.handler_id, o.handling_unit_id, o.unit_id, o.region_code, o.sent_by, o.created_at, o.version";

/// Inserts a sent letter; a second open letter to the same organ kind for the
/// case fails on `opinion_letters_open` (Duplicate).
pub async fn insert_letter(tx: &mut Tx, o: &OpinionLetter) -> Result<OpinionId> {
    const Q: &str = "INSERT INTO opinion_letters (case_id, organ, organ_name, sent_on, reminder_after_days, \
        reminder_due, status, ratings, negative, opinion, handler_id, handling_unit_id, unit_id, region_code, \
        sent_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, 'sent', '[]', FALSE, '', $7, $8, $9, $10, $11, $12, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(o.case_id).bind(o.organ.as_str()).bind(&o.organ_name).bind(o.sent_on).bind(o.reminder_after_days)
        .bind(o.reminder_due).bind(o.handler_id).bind(o.handling_unit_id).bind(o.unit_id).bind(&o.region_code)
        .bind(o.sent_by).bind(o.created_at)
        .fetch_one(c).await?);
    Ok(OpinionId(id))
}

pub async fn letter(tx: &mut Tx, id: OpinionId) -> Result<Option<OpinionLetter>> {
    let q = format!("SELECT {LETTER_COLUMNS} FROM opinion_letters o WHERE o.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Saves the letter's state if it is still at `o.version`.
pub async fn save_letter(tx: &mut Tx, o: &OpinionLetter) -> Result<OpinionLetter> {
    const Q: &str = "UPDATE opinion_letters SET status = $1, reminded_at = $2, reminded_by = $3, ratings = $4, \
        negative = $5, opinion = $6, answered_on = $7, answered_by = $8, version = version + 1 \
        WHERE id = $9 AND version = $10";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(o.status.as_str()).bind(o.reminded_at).bind(o.reminded_by).bind(o.ratings.text())
        .bind(o.negative).bind(&o.opinion).bind(o.answered_on).bind(o.answered_by).bind(o.id).bind(o.version)
        .execute(c).await?.rows_affected());
    let id = OpinionId(o.id);
    if n == 0 {
        return Err(match letter(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    letter(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A letter with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LetterLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub letter: OpinionLetter,
    pub case_number: String,
    pub handler_name: Option<String>,
    pub handling_unit_name: Option<String>,
}

/// Which letters to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct LetterFilter {
    pub status: Option<OpinionStatus>,
    pub case_id: Option<i64>,
    /// Only negative answers.
    pub negative: bool,
}

/// Letters newest first, a page at a time, with how many.
pub async fn letters(
    tx: &mut Tx,
    scope: &Scope,
    f: &LetterFilter,
    page: Page,
) -> Result<(Vec<LetterLine>, i64)> {
    let filter = format!(
        "{CASE_SCOPE_JOIN} WHERE {SCOPE} AND ($3 IS NULL OR o.status = $3) AND ($4 IS NULL OR o.case_id = $4) \
         AND ($5 = FALSE OR o.negative = TRUE)"
    );
    let q = format!(
        "SELECT {LETTER_COLUMNS}, c.number AS case_number, h.name AS handler_name, \
         hu.name AS handling_unit_name FROM opinion_letters o LEFT JOIN staff h ON h.id = o.handler_id {filter} \
         ORDER BY o.sent_on DESC, o.id DESC LIMIT $6 OFFSET $7"
    );
    let n = format!("SELECT COUNT(*) FROM opinion_letters o {filter}");
    let (region, unit) = scope_params(scope);
    let status = f.status.map(|s| s.as_str());
    let rows: Vec<LetterLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(status).bind(f.case_id).bind(f.negative)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(status).bind(f.case_id).bind(f.negative)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Letters sent in a period, by outcome.
#[derive(Debug, Clone, Copy, Default, Serialize, sqlx::FromRow)]
pub struct LetterCounts {
    pub sent: i64,
    pub answered: i64,
    /// Answered with some item 不满意.
    pub negative: i64,
    /// Reminded (催告), answered since or not.
    pub reminded: i64,
    /// Still unanswered.
    pub open: i64,
}

/// Letters sent in `[from, to]` for cases in scope, by outcome.
pub async fn letter_counts(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<LetterCounts> {
    let q = format!(
        "SELECT COUNT(*) AS sent, \
         COALESCE(SUM(CASE WHEN o.status = 'answered' THEN 1 ELSE 0 END), 0) AS answered, \
         COALESCE(SUM(CASE WHEN o.negative THEN 1 ELSE 0 END), 0) AS negative, \
         COALESCE(SUM(CASE WHEN o.reminded_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS reminded, \
         COALESCE(SUM(CASE WHEN o.status <> 'answered' THEN 1 ELSE 0 END), 0) AS open \
         FROM opinion_letters o {CASE_SCOPE_JOIN} WHERE {SCOPE} AND o.sent_on >= $3 AND o.sent_on <= $4"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).fetch_one(c).await?))
}
