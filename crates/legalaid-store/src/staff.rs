//! Staff records.

use crate::{Page, Result, StoreError, Tx, like_pattern, scope_params};
use chrono::{DateTime, Utc};
use legalaid_domain::staff::{Sex, Specialty, Staff, StaffFields, StaffKind};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{StaffId, UnitId};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    unit_id: i64,
    name: String,
    sex: String,
    kind: String,
    licence_no: String,
    practice_start_year: Option<i32>,
    specialties: String,
    phone: String,
    active: bool,
    version: i64,
}

impl Row {
    fn into_staff(self) -> Result<Staff> {
        let bad =
            |what: &str, v: &str| StoreError::Corrupt(format!("staff {}: {what} {v:?}", self.id));
        let specialties = self
            .specialties
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| Specialty::parse(s).ok_or_else(|| bad("specialty", s)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Staff {
            id: StaffId(self.id),
            unit_id: UnitId(self.unit_id),
            sex: Sex::parse(&self.sex).ok_or_else(|| bad("sex", &self.sex))?,
            kind: StaffKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
            name: self.name,
            licence_no: self.licence_no,
            practice_start_year: self.practice_start_year,
            specialties,
            phone: self.phone,
            active: self.active,
            version: self.version,
        })
    }
}

fn specialties_text(s: &[Specialty]) -> String {
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

const COLUMNS: &str = "s.id, s.unit_id, s.name, s.sex, s.kind, s.licence_no, s.practice_start_year, s.specialties, s.phone, s.active, s.version";

#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub q: Option<String>,
    pub unit_id: Option<UnitId>,
    pub kind: Option<StaffKind>,
}

/// Staff visible in `scope` (through their unit), with optional filters.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &StaffFilter,
    page: Page,
) -> Result<(Vec<Staff>, i64)> {
    const FROM: &str = "FROM staff s JOIN units u ON u.id = s.unit_id \
        WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
        AND ($3 IS NULL OR s.name LIKE $3 ESCAPE '\\' OR s.licence_no LIKE $3 ESCAPE '\\') \
        AND ($4 IS NULL OR s.unit_id = $4) AND ($5 IS NULL OR s.kind = $5)";
    let (region, unit) = scope_params(scope);
    let q =
        f.q.as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(like_pattern);
    let unit_filter = f.unit_id.map(|u| u.0);
    let kind = f.kind.map(|k| k.as_str());
    let list_sql = format!("SELECT {COLUMNS} {FROM} ORDER BY s.unit_id, s.id LIMIT $6 OFFSET $7");
    let count_sql = format!("SELECT COUNT(*) {FROM}");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(list_sql))
        .bind(&region).bind(unit).bind(&q).bind(unit_filter).bind(kind).bind(page.per_page).bind(page.offset())
        .fetch_all(&mut *c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(&region).bind(unit).bind(&q).bind(unit_filter).bind(kind)
        .fetch_one(c).await?);
    Ok((
        rows.into_iter()
            .map(Row::into_staff)
            .collect::<Result<_>>()?,
        total,
    ))
}

/// Every staff member of the list, read a thousand at a time (for choosers and
/// the assignment table, which must not stop at a page).
pub async fn all(tx: &mut Tx, scope: &Scope, f: &StaffFilter) -> Result<Vec<Staff>> {
    const BATCH: i64 = 1000;
    let mut all = Vec::new();
    for page in 1.. {
        let (staff, _) = list(
            tx,
            scope,
            f,
            Page {
                page,
                per_page: BATCH,
            },
        )
        .await?;
        let last = staff.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        all.extend(staff);
        if last {
            break;
        }
    }
    Ok(all)
}

pub async fn get(tx: &mut Tx, id: StaffId) -> Result<Option<Staff>> {
    let sql = format!("SELECT {COLUMNS} FROM staff s WHERE s.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_staff).transpose()
}

pub async fn insert(tx: &mut Tx, f: &StaffFields, now: DateTime<Utc>) -> Result<Staff> {
    const Q: &str = "INSERT INTO staff (unit_id, name, sex, kind, licence_no, practice_start_year, specialties, phone, active, version, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(f.unit_id.0).bind(&f.name).bind(f.sex.as_str()).bind(f.kind.as_str()).bind(&f.licence_no)
        .bind(f.practice_start_year).bind(specialties_text(&f.specialties)).bind(&f.phone).bind(f.active).bind(now)
        .fetch_one(c).await?);
    get(tx, StaffId(id)).await?.ok_or(StoreError::NotFound)
}

pub async fn update(
    tx: &mut Tx,
    id: StaffId,
    version: i64,
    f: &StaffFields,
    now: DateTime<Utc>,
) -> Result<Staff> {
    const Q: &str = "UPDATE staff SET unit_id = $1, name = $2, sex = $3, kind = $4, licence_no = $5, practice_start_year = $6, \
        specialties = $7, phone = $8, active = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(f.unit_id.0).bind(&f.name).bind(f.sex.as_str()).bind(f.kind.as_str()).bind(&f.licence_no)
        .bind(f.practice_start_year).bind(specialties_text(&f.specialties)).bind(&f.phone).bind(f.active).bind(now)
        .bind(id.0).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}
