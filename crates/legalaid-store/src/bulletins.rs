//! Bulletins (通报, migration 0028) and the few figures a snapshot needs beyond
//! the dashboards: consultations, review grades, overdue work, open orders.

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::supervision::bulletin::{BulletinStatus, Sections, Snapshot};
use serde::Serialize;

/// A bulletin as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    pub id: i64,
    /// The issuing bureau and the region the bulletin covers.
    pub unit_id: i64,
    pub region_code: String,
    pub title: String,
    pub period_from: NaiveDate,
    pub as_of: NaiveDate,
    pub snapshot: Snapshot,
    pub sections: Sections,
    pub status: BulletinStatus,
    /// Empty until issued.
    pub number: String,
    pub issued_on: Option<NaiveDate>,
    pub issued_by: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    unit_id: i64,
    region_code: String,
    title: String,
    period_from: NaiveDate,
    as_of: NaiveDate,
    snapshot: String,
    practice: String,
    problems: String,
    requirements: String,
    #[sqlx(try_from = "String")]
    status: BulletinStatus,
    number: String,
    issued_on: Option<NaiveDate>,
    issued_by: Option<i64>,
    created_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Bulletin {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Bulletin {
            snapshot: serde_json::from_str(&r.snapshot)
                .map_err(|e| StoreError::Corrupt(format!("bulletins.snapshot {}: {e}", r.id)))?,
            id: r.id,
            unit_id: r.unit_id,
            region_code: r.region_code,
            title: r.title,
            period_from: r.period_from,
            as_of: r.as_of,
            sections: Sections {
                practice: r.practice,
                problems: r.problems,
                requirements: r.requirements,
            },
            status: r.status,
            number: r.number,
            issued_on: r.issued_on,
            issued_by: r.issued_by,
            created_by: r.created_by,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

const COLUMNS: &str = "b.id, b.unit_id, b.region_code, b.title, b.period_from, b.as_of, b.snapshot, b.practice, \
    b.problems, b.requirements, b.status, b.number, b.issued_on, b.issued_by, b.created_by, b.created_at, b.version";

/// Inserts a draft.
pub async fn insert(tx: &mut Tx, b: &Bulletin) -> Result<i64> {
    const Q: &str = "INSERT INTO bulletins (unit_id, region_code, title, period_from, as_of, snapshot, practice, \
        problems, requirements, status, number, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', '', $10, $11, 1) RETURNING id";
    let snapshot = serde_json::to_string(&b.snapshot).unwrap_or_else(|_| "{}".into());
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(b.unit_id).bind(&b.region_code).bind(&b.title).bind(b.period_from).bind(b.as_of)
        .bind(&snapshot).bind(&b.sections.practice).bind(&b.sections.problems).bind(&b.sections.requirements)
        .bind(b.created_by).bind(b.created_at)
        .fetch_one(c).await?))
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Bulletin>> {
    let q = format!("SELECT {COLUMNS} FROM bulletins b WHERE b.id = $1");
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(c).await?);
    row.map(Bulletin::try_from).transpose()
}

/// Saves the title, sections, status, number and issue of a bulletin still at
/// `b.version`.
pub async fn save(tx: &mut Tx, b: &Bulletin) -> Result<Bulletin> {
    const Q: &str = "UPDATE bulletins SET title = $1, practice = $2, problems = $3, requirements = $4, \
        status = $5, number = $6, issued_on = $7, issued_by = $8, version = version + 1 \
        WHERE id = $9 AND version = $10";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(&b.title).bind(&b.sections.practice).bind(&b.sections.problems).bind(&b.sections.requirements)
        .bind(b.status.as_str()).bind(&b.number).bind(b.issued_on).bind(b.issued_by)
        .bind(b.id).bind(b.version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, b.id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, b.id).await?.ok_or(StoreError::NotFound)
}

/// A bulletin in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub region_code: String,
    pub title: String,
    pub period_from: NaiveDate,
    pub as_of: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: BulletinStatus,
    pub number: String,
    pub issued_on: Option<NaiveDate>,
}

/// Bulletins newest first: those of regions under `within` (a prefix; drafts
/// too), and the issued ones of the regions above `own` (a unit's region: the
/// bulletins addressed to it).
pub async fn list(
    tx: &mut Tx,
    within: Option<&str>,
    own: &str,
    page: Page,
) -> Result<(Vec<Line>, i64)> {
    const WHERE: &str = "WHERE (($1 IS NOT NULL AND b.region_code LIKE $1) \
        OR (b.status = 'issued' AND $2 LIKE b.region_code || '%'))";
    let q = format!(
        "SELECT b.id, b.region_code, b.title, b.period_from, b.as_of, b.status, b.number, b.issued_on \
         FROM bulletins b {WHERE} ORDER BY b.id DESC LIMIT $3 OFFSET $4"
    );
    let n = format!("SELECT COUNT(*) FROM bulletins b {WHERE}");
    let within = within.map(|w| format!("{w}%"));
    let rows: Vec<Line> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&within).bind(own).bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&within).bind(own).fetch_one(c).await?);
    Ok((rows, total))
}

// ---------------------------------------------------------------- figures

/// Consultations answered in `[from, to]` (days) by units under `region`.
pub async fn consultations(
    tx: &mut Tx,
    region: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM consultations WHERE region_code LIKE $1 \
        AND consulted_on >= $2 AND consulted_on <= $3";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(format!("{region}%")).bind(from).bind(to).fetch_one(c).await?))
}

/// File reviews graded in `[from, to)` of units under `region`, by grade code.
pub async fn grades(
    tx: &mut Tx,
    region: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, i64)>> {
    const Q: &str = "SELECT r.final_grade, COUNT(*) FROM reviews r JOIN units u ON u.id = r.unit_id \
        WHERE u.region_code LIKE $1 AND r.final_grade IS NOT NULL AND r.final_at >= $2 AND r.final_at < $3 \
        GROUP BY r.final_grade";
    Ok(on_tx!(tx, c => sqlx::query_as(Q)
        .bind(format!("{region}%")).bind(from).bind(to).fetch_all(c).await?))
}

/// Work in the queues past its due day on `day`, by unit name (most first).
pub async fn overdue(tx: &mut Tx, region: &str, day: NaiveDate) -> Result<Vec<(String, i64)>> {
    const Q: &str = "SELECT u.name, COUNT(*) AS n FROM deadlines d JOIN units u ON u.id = d.unit_id \
        WHERE d.region_code LIKE $1 AND d.due_on < $2 GROUP BY u.name ORDER BY n DESC, u.name";
    Ok(on_tx!(tx, c => sqlx::query_as(Q)
        .bind(format!("{region}%")).bind(day).fetch_all(c).await?))
}

/// Supervision orders open, to units under `region`.
pub async fn open_orders(tx: &mut Tx, region: &str) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM supervision_orders o JOIN units u ON u.id = o.target_unit_id \
        WHERE u.region_code LIKE $1 AND o.status <> 'closed'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(format!("{region}%")).fetch_one(c).await?))
}
