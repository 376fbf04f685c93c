//! Units.

use crate::{Page, Result, StoreError, Tx, like_pattern, scope_params};
use chrono::{DateTime, Utc};
use legalaid_domain::UnitId;
use legalaid_domain::region::RegionCode;
use legalaid_domain::unit::{Unit, UnitFields, UnitKind, WorkstationHost};
use legalaid_domain::visibility::Scope;

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) workstation_host: Option<String>,
    pub(crate) region_code: String,
    pub(crate) address: String,
    pub(crate) contact_person: String,
    pub(crate) phone: String,
    pub(crate) office_hours: String,
    pub(crate) active: bool,
    pub(crate) version: i64,
}

impl Row {
    pub(crate) fn into_unit(self) -> Result<Unit> {
        let bad =
            |what: &str, v: &str| StoreError::Corrupt(format!("unit {}: {what} {v:?}", self.id));
        Ok(Unit {
            id: UnitId(self.id),
            kind: UnitKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
            workstation_host: match &self.workstation_host {
                Some(h) => Some(WorkstationHost::parse(h).ok_or_else(|| bad("host", h))?),
                None => None,
            },
            region_code: RegionCode::parse(&self.region_code)
                .map_err(|_| bad("region", &self.region_code))?,
            name: self.name,
            address: self.address,
            contact_person: self.contact_person,
            phone: self.phone,
            office_hours: self.office_hours,
            active: self.active,
            version: self.version,
        })
    }
}

const COLUMNS: &str = "id, name, kind, workstation_host, region_code, address, contact_person, phone, office_hours, active, version";

/// Filters for the unit list.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub q: Option<String>,
    pub kind: Option<UnitKind>,
    pub region: Option<RegionCode>,
}

pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &UnitFilter,
    page: Page,
) -> Result<(Vec<Unit>, i64)> {
    const WHERE: &str = "WHERE ($1 IS NULL OR region_code LIKE $1) AND ($2 IS NULL OR id = $2) \
        AND ($3 IS NULL OR name LIKE $3 ESCAPE '\\') AND ($4 IS NULL OR kind = $4) AND ($5 IS NULL OR region_code LIKE $5)";
    let (region, unit) = scope_params(scope);
    let q =
        f.q.as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(like_pattern);
    let kind = f.kind.map(|k| k.as_str());
    let sub = f.region.as_ref().map(|r| format!("{}%", r.as_str()));
    let list_sql = format!(
        "SELECT {COLUMNS} FROM units {WHERE} ORDER BY region_code, kind, id LIMIT $6 OFFSET $7"
    );
    let count_sql = format!("SELECT COUNT(*) FROM units {WHERE}");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(list_sql))
        .bind(&region).bind(unit).bind(&q).bind(kind).bind(&sub).bind(page.per_page).bind(page.offset())
        .fetch_all(&mut *c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(&region).bind(unit).bind(&q).bind(kind).bind(&sub)
        .fetch_one(c).await?);
    Ok((
        rows.into_iter()
            .map(Row::into_unit)
            .collect::<Result<_>>()?,
        total,
    ))
}

/// Every active unit whose region code starts with `region` (every one for
/// ""), in region and kind order: a dashboard's units.
pub async fn active_under(tx: &mut Tx, region: &str) -> Result<Vec<Unit>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM units WHERE region_code LIKE $1 AND active ORDER BY region_code, kind, id"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(format!("{region}%")).fetch_all(c).await?);
    rows.into_iter().map(Row::into_unit).collect()
}

pub async fn get(tx: &mut Tx, id: UnitId) -> Result<Option<Unit>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_unit).transpose()
}

/// The unit named `name` (names are unique), if any.
pub async fn by_name(tx: &mut Tx, name: &str) -> Result<Option<Unit>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE name = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(c).await?);
    row.map(Row::into_unit).transpose()
}

pub async fn insert(tx: &mut Tx, f: &UnitFields, now: DateTime<Utc>) -> Result<Unit> {
    const Q: &str = "INSERT INTO units (name, kind, workstation_host, region_code, address, contact_person, phone, active, version, created_at, updated_at, office_hours) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $10) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&f.name).bind(f.kind.as_str()).bind(f.workstation_host.map(|h| h.as_str())).bind(f.region_code.as_str())
        .bind(&f.address).bind(&f.contact_person).bind(&f.phone).bind(f.active).bind(now).bind(&f.office_hours)
        .fetch_one(c).await?);
    get(tx, UnitId(id)).await?.ok_or(StoreError::NotFound)
}

/// Updates a unit if it is still at `version`; bumps the version.
pub async fn update(
    tx: &mut Tx,
    id: UnitId,
    version: i64,
    f: &UnitFields,
    now: DateTime<Utc>,
) -> Result<Unit> {
    const Q: &str = "UPDATE units SET name = $1, kind = $2, workstation_host = $3, region_code = $4, address = $5, \
        contact_person = $6, phone = $7, active = $8, version = version + 1, updated_at = $9, office_hours = $12 WHERE id = $10 AND version = $11";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(&f.name).bind(f.kind.as_str()).bind(f.workstation_host.map(|h| h.as_str())).bind(f.region_code.as_str())
        .bind(&f.address).bind(&f.contact_person).bind(&f.phone).bind(f.active).bind(now).bind(id.0).bind(version).bind(&f.office_hours)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// How many units there are, in every region.
pub async fn count(tx: &mut Tx) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM units";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).fetch_one(c).await?))
}

/// How many units, staff members and user accounts `scope` sees (as their lists
/// count them unfiltered), in one statement: the home page's figures.
pub async fn directory_counts(tx: &mut Tx, scope: &Scope) -> Result<(i64, i64, i64)> {
    const Q: &str = "SELECT \
        (SELECT COUNT(*) FROM units WHERE ($1 IS NULL OR region_code LIKE $1) AND ($2 IS NULL OR id = $2)), \
        (SELECT COUNT(*) FROM staff s JOIN units u ON u.id = s.unit_id \
            WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2)), \
        (SELECT COUNT(*) FROM users us LEFT JOIN units u ON u.id = us.unit_id \
            WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2))";
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(&region).bind(unit).fetch_one(c).await?))
}
