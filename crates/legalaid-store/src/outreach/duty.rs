//! Duty rosters, duty lawyers' legal help and the duty subsidy schedule.

use crate::{Page, Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::outreach::duty::{DutyRate, HelpKind, HelpedRole, RateBasis};
use legalaid_domain::unit::WorkstationHost;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{DutyHelpId, RosterId};
use serde::Serialize;

// ---------------------------------------------------------------- roster

/// A lawyer on duty at a workstation on a day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Roster {
    pub id: i64,
    pub workstation_id: i64,
    pub region_code: String,
    pub duty_date: NaiveDate,
    pub staff_id: i64,
    pub note: String,
    pub reminded_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const ROSTER_COLUMNS: &str = "r.id, r.workstation_id, r.region_code, r.duty_date, r.staff_id, r.note, \
    r.reminded_at, r.created_by, r.created_at";

/// Inserts a roster row; the lawyer already on duty that day (anywhere) fails
/// on the unique pair (Duplicate).
pub async fn insert_roster(tx: &mut Tx, r: &Roster) -> Result<RosterId> {
    const Q: &str = "INSERT INTO duty_rosters (workstation_id, region_code, duty_date, staff_id, note, reminded_at, \
        created_by, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(r.workstation_id).bind(&r.region_code).bind(r.duty_date).bind(r.staff_id).bind(&r.note)
        .bind(r.created_by).bind(r.created_at)
        .fetch_one(c).await?);
    Ok(RosterId(id))
}

pub async fn roster(tx: &mut Tx, id: RosterId) -> Result<Option<Roster>> {
    let q = format!("SELECT {ROSTER_COLUMNS} FROM duty_rosters r WHERE r.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The roster row of a lawyer on a day, wherever it is.
pub async fn on_duty(tx: &mut Tx, staff_id: i64, day: NaiveDate) -> Result<Option<Roster>> {
    let q = format!(
        "SELECT {ROSTER_COLUMNS} FROM duty_rosters r WHERE r.staff_id = $1 AND r.duty_date = $2"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(staff_id).bind(day).fetch_optional(c).await?),
    )
}

/// Removes a roster row; one with help recorded is still referenced (Reference).
pub async fn delete_roster(tx: &mut Tx, id: RosterId) -> Result<()> {
    const Q: &str = "DELETE FROM duty_rosters WHERE id = $1";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(id.0).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Marks the row as reminded at `at`, unless it already was: false when
/// another transaction reminded it first (so the reminder is sent once).
pub async fn mark_reminded(tx: &mut Tx, id: RosterId, at: DateTime<Utc>) -> Result<bool> {
    const Q: &str =
        "UPDATE duty_rosters SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(at).bind(id.0).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Roster rows due for a reminder: duty on `day`, not reminded yet, a batch at a time.
pub async fn due_reminders(tx: &mut Tx, day: NaiveDate, limit: i64) -> Result<Vec<RosterLine>> {
    let q = format!(
        "SELECT {ROSTER_COLUMNS}, u.name AS workstation_name, u.workstation_host AS host, s.name AS staff_name \
         FROM duty_rosters r JOIN units u ON u.id = r.workstation_id JOIN staff s ON s.id = r.staff_id \
         WHERE r.duty_date = $1 AND r.reminded_at IS NULL ORDER BY r.id LIMIT $2"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(day).bind(limit).fetch_all(c).await?),
    )
}

/// A nullable host column.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct OptHost(Option<String>);

impl TryFrom<OptHost> for Option<WorkstationHost> {
    type Error = String;
    fn try_from(v: OptHost) -> std::result::Result<Self, String> {
        v.0.map(|s| WorkstationHost::parse(&s).ok_or(format!("unknown host {s:?}")))
            .transpose()
    }
}

/// A roster row with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RosterLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub roster: Roster,
    pub workstation_name: String,
    #[sqlx(try_from = "OptHost")]
    pub host: Option<WorkstationHost>,
    pub staff_name: String,
}

/// Which rows to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct RosterFilter {
    pub workstation_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const ROSTER_WHERE: &str = "($1 IS NULL OR r.region_code LIKE $1) AND ($2 IS NULL OR r.workstation_id = $2) \
    AND ($3 IS NULL OR r.workstation_id = $3) AND ($4 IS NULL OR r.staff_id = $4) \
    AND ($5 IS NULL OR r.duty_date >= $5) AND ($6 IS NULL OR r.duty_date <= $6)";

/// Roster rows by day (earliest first), a page at a time, with how many.
pub async fn rosters(
    tx: &mut Tx,
    scope: &Scope,
    f: &RosterFilter,
    page: Page,
) -> Result<(Vec<RosterLine>, i64)> {
    let q = format!(
        "SELECT {ROSTER_COLUMNS}, u.name AS workstation_name, u.workstation_host AS host, s.name AS staff_name \
         FROM duty_rosters r JOIN units u ON u.id = r.workstation_id JOIN staff s ON s.id = r.staff_id \
         WHERE {ROSTER_WHERE} ORDER BY r.duty_date, u.name, s.name, r.id LIMIT $7 OFFSET $8"
    );
    let n = format!("SELECT COUNT(*) FROM duty_rosters r WHERE {ROSTER_WHERE}");
    let (region, unit) = scope_params(scope);
    let rows: Vec<RosterLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(f.from).bind(f.to)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(f.from).bind(f.to)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Days on duty in `[from, to]` (for the subsidy): lawyer, day, host.
pub async fn duty_days(
    tx: &mut Tx,
    scope: &Scope,
    f: &RosterFilter,
) -> Result<Vec<(i64, NaiveDate, Option<String>)>> {
    let q = format!(
        "SELECT r.staff_id, r.duty_date, u.workstation_host FROM duty_rosters r JOIN units u ON u.id = r.workstation_id \
         WHERE {ROSTER_WHERE} ORDER BY r.staff_id, r.duty_date"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(f.from).bind(f.to)
        .fetch_all(c).await?))
}

// ---------------------------------------------------------------- help

/// Legal help given by a duty lawyer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Help {
    pub id: i64,
    pub roster_id: i64,
    pub workstation_id: i64,
    pub region_code: String,
    pub helped_on: NaiveDate,
    pub staff_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: HelpKind,
    pub person_id: Option<i64>,
    pub person_name: String,
    #[sqlx(try_from = "String")]
    pub person_role: HelpedRole,
    pub organ_name: String,
    pub organ_case_number: String,
    pub summary: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const HELP_COLUMNS: &str = "h.id, h.roster_id, h.workstation_id, h.region_code, h.helped_on, h.staff_id, h.kind, \
    h.person_id, h.person_name, h.person_role, h.organ_name, h.organ_case_number, h.summary, h.created_by, \
    h.created_at, h.version";

pub async fn insert_help(tx: &mut Tx, h: &Help) -> Result<DutyHelpId> {
    const Q: &str = "INSERT INTO duty_help (roster_id, workstation_id, region_code, helped_on, staff_id, kind, \
        person_id, person_name, person_role, organ_name, organ_case_number, summary, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(h.roster_id).bind(h.workstation_id).bind(&h.region_code).bind(h.helped_on).bind(h.staff_id)
        .bind(h.kind.as_str()).bind(h.person_id).bind(&h.person_name).bind(h.person_role.as_str())
        .bind(&h.organ_name).bind(&h.organ_case_number).bind(&h.summary).bind(h.created_by).bind(h.created_at)
        .fetch_one(c).await?);
    Ok(DutyHelpId(id))
}

pub async fn help(tx: &mut Tx, id: DutyHelpId) -> Result<Option<Help>> {
    let q = format!("SELECT {HELP_COLUMNS} FROM duty_help h WHERE h.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// A help record with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HelpLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub help: Help,
    pub workstation_name: String,
    #[sqlx(try_from = "OptHost")]
    pub host: Option<WorkstationHost>,
    pub staff_name: String,
}

/// Which help records to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct HelpFilter {
    pub workstation_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub kind: Option<HelpKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const HELP_WHERE: &str = "($1 IS NULL OR h.region_code LIKE $1) AND ($2 IS NULL OR h.workstation_id = $2) \
    AND ($3 IS NULL OR h.workstation_id = $3) AND ($4 IS NULL OR h.staff_id = $4) \
    AND ($5 IS NULL OR h.kind = $5) AND ($6 IS NULL OR h.helped_on >= $6) AND ($7 IS NULL OR h.helped_on <= $7)";

/// Help records latest first, a page at a time, with how many.
pub async fn helps(
    tx: &mut Tx,
    scope: &Scope,
    f: &HelpFilter,
    page: Page,
) -> Result<(Vec<HelpLine>, i64)> {
    let q = format!(
        "SELECT {HELP_COLUMNS}, u.name AS workstation_name, u.workstation_host AS host, s.name AS staff_name \
         FROM duty_help h JOIN units u ON u.id = h.workstation_id JOIN staff s ON s.id = h.staff_id \
         WHERE {HELP_WHERE} ORDER BY h.helped_on DESC, h.id DESC LIMIT $8 OFFSET $9"
    );
    let n = format!("SELECT COUNT(*) FROM duty_help h WHERE {HELP_WHERE}");
    let (region, unit) = scope_params(scope);
    let kind = f.kind.map(|k| k.as_str());
    let rows: Vec<HelpLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(kind).bind(f.from).bind(f.to)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(kind).bind(f.from).bind(f.to)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Matters of help in `[from, to]` (for the subsidy): lawyer, day, host, kind.
pub async fn matters(
    tx: &mut Tx,
    scope: &Scope,
    f: &HelpFilter,
) -> Result<Vec<(i64, NaiveDate, Option<String>, String)>> {
    let q = format!(
        "SELECT h.staff_id, h.helped_on, u.workstation_host, h.kind FROM duty_help h \
         JOIN units u ON u.id = h.workstation_id WHERE {HELP_WHERE} ORDER BY h.staff_id, h.helped_on"
    );
    let (region, unit) = scope_params(scope);
    let kind = f.kind.map(|k| k.as_str());
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.workstation_id).bind(f.staff_id).bind(kind).bind(f.from).bind(f.to)
        .fetch_all(c).await?))
}

// ---------------------------------------------------------------- schedule

#[derive(sqlx::FromRow)]
struct RateRow {
    host: String,
    basis: String,
    help_kind: String,
    amount_fen: i64,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    source: String,
}

/// The whole duty subsidy schedule, oldest first.
pub async fn rates(tx: &mut Tx) -> Result<Vec<DutyRate>> {
    const Q: &str = "SELECT host, basis, help_kind, amount_fen, effective_from, effective_to, source \
        FROM duty_subsidy_rates ORDER BY effective_from, host, basis, help_kind";
    let rows: Vec<RateRow> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter()
        .map(|r| {
            Ok(DutyRate {
                host: WorkstationHost::try_from(r.host).map_err(StoreError::Corrupt)?,
                basis: RateBasis::try_from(r.basis).map_err(StoreError::Corrupt)?,
                help_kind: match r.help_kind.as_str() {
                    "" => None,
                    k => Some(HelpKind::try_from(k.to_owned()).map_err(StoreError::Corrupt)?),
                },
                amount_fen: r.amount_fen,
                effective_from: r.effective_from,
                effective_to: r.effective_to,
                source: r.source,
            })
        })
        .collect()
}

/// Adds a schedule row; the same host, basis, kind and start twice is a Duplicate.
pub async fn insert_rate(tx: &mut Tx, r: &DutyRate, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "INSERT INTO duty_subsidy_rates (host, basis, help_kind, amount_fen, effective_from, effective_to, \
        source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(Q)
        .bind(r.host.as_str()).bind(r.basis.as_str()).bind(r.help_kind.map_or("", |k| k.as_str()))
        .bind(r.amount_fen).bind(r.effective_from).bind(r.effective_to).bind(&r.source).bind(now)
        .execute(c).await?.rows_affected());
    Ok(())
}
