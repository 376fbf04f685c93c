//! Training sessions and attendance (migration 0024). Sessions are listed by
//! the visibility of their organising unit; hours per person by the visibility
//! of the person's unit.

use crate::{Page, Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::TrainingId;
use legalaid_domain::training::{AttendanceStatus, TrainingKind};
use legalaid_domain::visibility::Scope;
use serde::Serialize;

/// A session as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub topic: String,
    #[sqlx(try_from = "String")]
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    /// Hours in tenths (3.5 学时 = 35).
    pub hours_tenths: i64,
    pub trainers: String,
    pub place: String,
    pub materials: String,
    /// The organising unit and its region.
    pub unit_id: i64,
    pub region_code: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const COLUMNS: &str = "t.id, t.topic, t.kind, t.held_on, t.hours_tenths, t.trainers, t.place, t.materials, \
    t.unit_id, t.region_code, t.created_by, t.created_at, t.version";

const SCOPE: &str = "($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2)";

pub async fn insert(tx: &mut Tx, s: &Session) -> Result<TrainingId> {
    const Q: &str = "INSERT INTO training_sessions (topic, kind, held_on, hours_tenths, trainers, place, materials, \
        unit_id, region_code, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&s.topic).bind(s.kind.as_str()).bind(s.held_on).bind(s.hours_tenths).bind(&s.trainers)
        .bind(&s.place).bind(&s.materials).bind(s.unit_id).bind(&s.region_code).bind(s.created_by)
        .bind(s.created_at).fetch_one(c).await?);
    Ok(TrainingId(id))
}

pub async fn get(tx: &mut Tx, id: TrainingId) -> Result<Option<Session>> {
    let q = format!("SELECT {COLUMNS} FROM training_sessions t WHERE t.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Bumps the session's version if it is still `version` (attendance changes
/// are changes of the session: two clerks confirming at once, one wins).
pub async fn touch(tx: &mut Tx, id: TrainingId, version: i64) -> Result<()> {
    const Q: &str =
        "UPDATE training_sessions SET version = version + 1 WHERE id = $1 AND version = $2";
    let n =
        on_tx!(tx, c => sqlx::query(Q).bind(id.0).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    Ok(())
}

/// A session with what its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SessionLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub session: Session,
    pub unit_name: String,
    pub enrolled: i64,
    pub attended: i64,
}

/// Which sessions to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub unit_id: Option<i64>,
    pub kind: Option<TrainingKind>,
}

/// Sessions latest first, a page at a time, with how many.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &SessionFilter,
    page: Page,
) -> Result<(Vec<SessionLine>, i64)> {
    let filter = format!(
        "FROM training_sessions t JOIN units u ON u.id = t.unit_id WHERE {SCOPE} \
         AND ($3 IS NULL OR t.held_on >= $3) AND ($4 IS NULL OR t.held_on <= $4) \
         AND ($5 IS NULL OR t.unit_id = $5) AND ($6 IS NULL OR t.kind = $6)"
    );
    let q = format!(
        "SELECT {COLUMNS}, u.name AS unit_name, \
         (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = t.id) AS enrolled, \
         (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = t.id AND a.status = 'attended') AS attended \
         {filter} ORDER BY t.held_on DESC, t.id DESC LIMIT $7 OFFSET $8"
    );
    let n = format!("SELECT COUNT(*) {filter}");
    let (region, unit) = scope_params(scope);
    let kind = f.kind.map(|k| k.as_str());
    let rows = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.from).bind(f.to).bind(f.unit_id).bind(kind)
        .bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(f.from).bind(f.to).bind(f.unit_id).bind(kind)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Sessions in scope held on or before `today` with attendees still only
/// enrolled (attendance to confirm), earliest first, at most `limit`, with how
/// many there are (counted only when the list is full).
pub async fn to_confirm(
    tx: &mut Tx,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
) -> Result<(Vec<Session>, i64)> {
    const DUE: &str = "t.held_on <= $3 AND EXISTS (SELECT 1 FROM training_attendance a \
        WHERE a.session_id = t.id AND a.status = 'enrolled')";
    let q = format!(
        "SELECT {COLUMNS} FROM training_sessions t JOIN units u ON u.id = t.unit_id WHERE {SCOPE} \
         AND {DUE} ORDER BY t.held_on, t.id LIMIT $4"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<Session> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(today).bind(limit).fetch_all(c).await?);
    if (rows.len() as i64) < limit {
        let n = rows.len() as i64;
        return Ok((rows, n));
    }
    let n = format!(
        "SELECT COUNT(*) FROM training_sessions t JOIN units u ON u.id = t.unit_id WHERE {SCOPE} AND {DUE}"
    );
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(today).fetch_one(c).await?);
    Ok((rows, total))
}

/// Enrols a staff member; true when newly enrolled (enrolling twice is once).
pub async fn enrol(
    tx: &mut Tx,
    session: TrainingId,
    staff_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "INSERT INTO training_attendance (session_id, staff_id, status, hours_tenths, enrolled_by, enrolled_at) \
        VALUES ($1, $2, 'enrolled', 0, $3, $4) ON CONFLICT (session_id, staff_id) DO NOTHING";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(session.0).bind(staff_id).bind(by).bind(now)
        .execute(c).await?.rows_affected());
    Ok(n > 0)
}

/// Sets an attendee's status and the hours it counts.
pub async fn set_status(
    tx: &mut Tx,
    session: TrainingId,
    staff_id: i64,
    status: AttendanceStatus,
    hours_tenths: i64,
) -> Result<()> {
    const Q: &str = "UPDATE training_attendance SET status = $1, hours_tenths = $2 WHERE session_id = $3 AND staff_id = $4";
    on_tx!(tx, c => sqlx::query(Q).bind(status.as_str()).bind(hours_tenths).bind(session.0).bind(staff_id)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// One attendee of a session.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attendee {
    pub staff_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub status: AttendanceStatus,
    pub hours_tenths: i64,
}

/// Every attendee of a session, by unit and name (a session has tens, not
/// thousands).
pub async fn attendees(tx: &mut Tx, session: TrainingId) -> Result<Vec<Attendee>> {
    const Q: &str = "SELECT a.staff_id, s.name, s.unit_id, u.name AS unit_name, a.status, a.hours_tenths \
        FROM training_attendance a JOIN staff s ON s.id = a.staff_id JOIN units u ON u.id = s.unit_id \
        WHERE a.session_id = $1 ORDER BY u.name, s.name, a.staff_id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(session.0).fetch_all(c).await?))
}

/// One session in a person's training history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryLine {
    pub session_id: i64,
    pub topic: String,
    #[sqlx(try_from = "String")]
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub status: AttendanceStatus,
    pub hours_tenths: i64,
}

/// A staff member's sessions, latest first.
pub async fn history(tx: &mut Tx, staff_id: i64, limit: i64) -> Result<Vec<HistoryLine>> {
    const Q: &str = "SELECT t.id AS session_id, t.topic, t.kind, t.held_on, u.name AS unit_name, a.status, a.hours_tenths \
        FROM training_attendance a JOIN training_sessions t ON t.id = a.session_id JOIN units u ON u.id = t.unit_id \
        WHERE a.staff_id = $1 ORDER BY t.held_on DESC, t.id DESC LIMIT $2";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(staff_id).bind(limit).fetch_all(c).await?))
}

/// Hours attended by one person in a period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PersonHours {
    pub staff_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// Sessions attended.
    pub sessions: i64,
    pub hours_tenths: i64,
}

/// Hours per person attended in `[from, to]`, for the staff of the units in
/// scope (or of one unit), by unit and name, after staff id `after` when
/// given (the CSV export's keyset), `limit` at a time.
#[allow(clippy::too_many_arguments)]
pub async fn hours(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    unit_id: Option<i64>,
    after: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PersonHours>> {
    let q = format!(
        "SELECT s.id AS staff_id, s.name, s.unit_id, u.name AS unit_name, COUNT(*) AS sessions, \
         CAST(COALESCE(SUM(a.hours_tenths), 0) AS BIGINT) AS hours_tenths \
         FROM training_attendance a JOIN training_sessions t ON t.id = a.session_id \
         JOIN staff s ON s.id = a.staff_id JOIN units u ON u.id = s.unit_id \
         WHERE {SCOPE} AND a.status = 'attended' AND t.held_on >= $3 AND t.held_on <= $4 \
         AND ($5 IS NULL OR s.unit_id = $5) AND ($6 IS NULL OR s.id > $6) \
         GROUP BY s.id, s.name, s.unit_id, u.name ORDER BY {order} LIMIT $7 OFFSET $8",
        order = if after.is_some() {
            "s.id"
        } else {
            "u.name, s.name, s.id"
        }
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).bind(unit_id).bind(after).bind(limit).bind(offset)
        .fetch_all(c).await?))
}

/// How many people have hours in `[from, to]` (the hours table's pager).
pub async fn hours_count(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    unit_id: Option<i64>,
) -> Result<i64> {
    let q = format!(
        "SELECT COUNT(DISTINCT a.staff_id) FROM training_attendance a JOIN training_sessions t ON t.id = a.session_id \
         JOIN staff s ON s.id = a.staff_id JOIN units u ON u.id = s.unit_id \
         WHERE {SCOPE} AND a.status = 'attended' AND t.held_on >= $3 AND t.held_on <= $4 \
         AND ($5 IS NULL OR s.unit_id = $5)"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).bind(unit_id).fetch_one(c).await?))
}
