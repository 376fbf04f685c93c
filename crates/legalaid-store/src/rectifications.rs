//! Rectification orders (migration 0017).

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::RectificationId;
use legalaid_domain::rectification::{ProblemCategory, RectificationSource, RectificationStatus};
use serde::Serialize;

/// A rectification order as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Rectification {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub source: RectificationSource,
    /// The record the finding was made on (`review:12`…), or empty.
    pub source_key: String,
    pub review_id: Option<i64>,
    pub case_id: Option<i64>,
    /// The issuing center or bureau.
    pub unit_id: i64,
    pub region_code: String,
    pub target_unit_id: i64,
    pub target_staff_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub category: ProblemCategory,
    pub problem: String,
    pub requirement: String,
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: RectificationStatus,
    pub answer: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<i64>,
    pub check_note: String,
    pub checked_at: Option<DateTime<Utc>>,
    pub checked_by: Option<i64>,
    pub escalation_note: String,
    pub escalated_at: Option<DateTime<Utc>>,
    pub issued_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const COLUMNS: &str = "r.id, r.source, r.source_key, r.review_id, r.case_id, r.unit_id, r.region_code, r.target_unit_id, \
    r.target_staff_id, r.category, r.problem, r.requirement, r.issued_on, r.deadline, r.status, r.answer, r.answered_at, \
    r.answered_by, r.check_note, r.checked_at, r.checked_by, r.escalation_note, r.escalated_at, r.issued_by, r.created_at, \
    r.version";

pub async fn insert(tx: &mut Tx, r: &Rectification) -> Result<RectificationId> {
    const Q: &str = "INSERT INTO rectifications (source, source_key, review_id, case_id, unit_id, region_code, \
        target_unit_id, target_staff_id, category, problem, requirement, issued_on, deadline, status, answer, check_note, \
        escalation_note, issued_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'issued', '', '', '', $14, $15, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(r.source.as_str()).bind(&r.source_key).bind(r.review_id).bind(r.case_id).bind(r.unit_id)
        .bind(&r.region_code).bind(r.target_unit_id).bind(r.target_staff_id).bind(r.category.as_str())
        .bind(&r.problem).bind(&r.requirement).bind(r.issued_on).bind(r.deadline).bind(r.issued_by).bind(r.created_at)
        .fetch_one(c).await?);
    Ok(RectificationId(id))
}

pub async fn get(tx: &mut Tx, id: RectificationId) -> Result<Option<Rectification>> {
    let q = format!("SELECT {COLUMNS} FROM rectifications r WHERE r.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The orders made from a file review, oldest first.
pub async fn of_review(tx: &mut Tx, review_id: i64) -> Result<Vec<Rectification>> {
    let q = format!("SELECT {COLUMNS} FROM rectifications r WHERE r.review_id = $1 ORDER BY r.id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(review_id).fetch_all(c).await?))
}

/// Saves the order's state if it is still at `r.version`.
pub async fn save(tx: &mut Tx, r: &Rectification) -> Result<Rectification> {
    const Q: &str = "UPDATE rectifications SET status = $1, answer = $2, answered_at = $3, answered_by = $4, \
        check_note = $5, checked_at = $6, checked_by = $7, escalation_note = $8, escalated_at = $9, \
        version = version + 1 WHERE id = $10 AND version = $11";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(r.status.as_str()).bind(&r.answer).bind(r.answered_at).bind(r.answered_by).bind(&r.check_note)
        .bind(r.checked_at).bind(r.checked_by).bind(&r.escalation_note).bind(r.escalated_at)
        .bind(r.id).bind(r.version)
        .execute(c).await?.rows_affected());
    let id = RectificationId(r.id);
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// An order with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub order: Rectification,
    pub target_unit_name: String,
    pub target_staff_name: Option<String>,
}

/// Whose orders to list: those issued in a region (a prefix), and/or those
/// addressed to a unit or a handler.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region: Option<String>,
    pub target_unit_id: Option<i64>,
    pub target_staff_id: Option<i64>,
    /// Only open orders (issued, answered, reopened).
    pub open: bool,
}

/// Orders newest first, a page at a time, with how many.
pub async fn list(tx: &mut Tx, f: &Filter, page: Page) -> Result<(Vec<Line>, i64)> {
    const WHERE: &str = "WHERE (($1 IS NOT NULL AND r.region_code LIKE $1) OR ($2 IS NOT NULL AND r.target_unit_id = $2) \
        OR ($3 IS NOT NULL AND r.target_staff_id = $3)) \
        AND ($4 = FALSE OR r.status IN ('issued', 'answered', 'reopened'))";
    let q = format!(
        "SELECT {COLUMNS}, u.name AS target_unit_name, s.name AS target_staff_name FROM rectifications r \
         JOIN units u ON u.id = r.target_unit_id LEFT JOIN staff s ON s.id = r.target_staff_id \
         {WHERE} ORDER BY r.id DESC LIMIT $5 OFFSET $6"
    );
    let n = format!("SELECT COUNT(*) FROM rectifications r {WHERE}");
    let region = f.region.as_ref().map(|r| format!("{r}%"));
    let rows: Vec<Line> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(f.target_unit_id).bind(f.target_staff_id).bind(f.open)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(f.target_unit_id).bind(f.target_staff_id).bind(f.open)
        .fetch_one(c).await?);
    Ok((rows, total))
}
