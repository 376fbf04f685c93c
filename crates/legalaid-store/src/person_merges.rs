//! Duplicate persons: candidate pairs, merges that move rows and remember
//! which, undoing them, and pairs declared distinct (migration 0035).

use crate::{Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::duplicate::Moved;
use legalaid_domain::visibility::Scope;

/// What a candidate pair shows of each record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: String,
    pub id_number_masked: String,
    pub unit_id: i64,
}

#[derive(sqlx::FromRow)]
struct PairRow {
    a_id: i64,
    a_name: String,
    a_birth: Option<NaiveDate>,
    a_phone: String,
    a_masked: String,
    a_unit: i64,
    b_id: i64,
    b_name: String,
    b_birth: Option<NaiveDate>,
    b_phone: String,
    b_masked: String,
    b_unit: i64,
}

impl PairRow {
    fn split(self) -> (Candidate, Candidate) {
        (
            Candidate {
                id: self.a_id,
                name: self.a_name,
                birth_date: self.a_birth,
                phone: self.a_phone,
                id_number_masked: self.a_masked,
                unit_id: self.a_unit,
            },
            Candidate {
                id: self.b_id,
                name: self.b_name,
                birth_date: self.b_birth,
                phone: self.b_phone,
                id_number_masked: self.b_masked,
                unit_id: self.b_unit,
            },
        )
    }
}

/// How the pairs are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairKey {
    /// The same name and birth date.
    NameAndBirth,
    /// The same phone.
    Phone,
    /// The same birth date, the same length of name, different names (the
    /// caller keeps those one character apart).
    BirthDifferentName,
}

/// The pairs (lower id first) of unmerged persons registered by units in
/// `scope` that `key` joins, not declared distinct.
pub async fn pairs(
    tx: &mut Tx,
    scope: &Scope,
    key: PairKey,
) -> Result<Vec<(Candidate, Candidate)>> {
    // Names one character apart share their first or their last character, so
    // the join asks for that too (a birth date alone pairs too many).
    let ends = match tx {
        Tx::Sqlite(..) => {
            "(substr(b.name, 1, 1) = substr(a.name, 1, 1) OR substr(b.name, -1, 1) = substr(a.name, -1, 1))"
        }
        Tx::Pg(..) => "(left(b.name, 1) = left(a.name, 1) OR right(b.name, 1) = right(a.name, 1))",
    };
    let similar = format!(
        "b.birth_date = a.birth_date AND b.name <> a.name AND LENGTH(b.name) = LENGTH(a.name) AND {ends}"
    );
    let on = match key {
        PairKey::NameAndBirth => "b.name = a.name AND b.birth_date = a.birth_date",
        PairKey::Phone => "b.phone = a.phone AND a.phone <> ''",
        PairKey::BirthDifferentName => similar.as_str(),
    };
    let sql = format!(
        "SELECT a.id AS a_id, a.name AS a_name, a.birth_date AS a_birth, a.phone AS a_phone, \
         a.id_number_masked AS a_masked, a.unit_id AS a_unit, \
         b.id AS b_id, b.name AS b_name, b.birth_date AS b_birth, b.phone AS b_phone, \
         b.id_number_masked AS b_masked, b.unit_id AS b_unit \
         FROM persons a JOIN units ua ON ua.id = a.unit_id \
         JOIN persons b ON b.id > a.id AND {on} JOIN units ub ON ub.id = b.unit_id \
         WHERE a.merged_into IS NULL AND b.merged_into IS NULL \
         AND ($1 IS NULL OR ua.region_code LIKE $1) AND ($2 IS NULL OR ua.id = $2) \
         AND ($1 IS NULL OR ub.region_code LIKE $1) AND ($2 IS NULL OR ub.id = $2) \
         AND NOT EXISTS (SELECT 1 FROM person_distinct d WHERE d.low_id = a.id AND d.high_id = b.id) \
         ORDER BY a.id, b.id"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<PairRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&region).bind(unit).fetch_all(c).await?);
    Ok(rows.into_iter().map(PairRow::split).collect())
}

/// Records that two persons are two people (idempotent).
pub async fn declare_distinct(
    tx: &mut Tx,
    a: i64,
    b: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (low, high) = (a.min(b), a.max(b));
    const Q: &str = "INSERT INTO person_distinct (low_id, high_id, decided_by, decided_at) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (low_id, high_id) DO NOTHING";
    on_tx!(tx, c => sqlx::query(Q).bind(low).bind(high).bind(by).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

/// The rows naming `person` that a merge moves.
pub async fn rows_of(tx: &mut Tx, person: i64) -> Result<Moved> {
    let ids = |table: &'static str, column: &'static str| {
        format!("SELECT id FROM {table} WHERE {column} = $1 ORDER BY id")
    };
    let mut m = Moved::default();
    for (sql, out) in [
        (ids("applications", "applicant_id"), &mut m.applications),
        (ids("cases", "recipient_id"), &mut m.cases),
        (ids("consultations", "person_id"), &mut m.consultations),
        (ids("duty_help", "person_id"), &mut m.duty_help),
    ] {
        *out = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(person).fetch_all(c).await?);
    }
    Ok(m)
}

/// Points the rows of `moved` that name `from` at `to`; returns how many moved.
pub async fn point(tx: &mut Tx, moved: &Moved, from: i64, to: i64) -> Result<u64> {
    let mut n = 0;
    for (table, column, ids) in [
        ("applications", "applicant_id", &moved.applications),
        ("cases", "recipient_id", &moved.cases),
        ("consultations", "person_id", &moved.consultations),
        ("duty_help", "person_id", &moved.duty_help),
    ] {
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3");
        for id in ids {
            n += on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(to).bind(id).bind(from).execute(c).await?.rows_affected());
        }
    }
    Ok(n)
}

/// Marks `person` merged into `into` (or unmerged: None) if it is still at
/// `version` and in the state expected; otherwise a version conflict.
pub async fn set_merged(
    tx: &mut Tx,
    person: i64,
    version: Option<i64>,
    into: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "UPDATE persons SET merged_into = $1, version = version + 1, updated_at = $2 \
        WHERE id = $3 AND ($4 IS NULL OR version = $4) \
        AND (($1 IS NULL AND merged_into IS NOT NULL) OR ($1 IS NOT NULL AND merged_into IS NULL))";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(into).bind(now).bind(person).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    // The merged record's own search entry goes (or comes back).
    crate::search::queue(tx, legalaid_domain::search::SearchKind::Person, person).await
}

/// Holds the survivor of a merge: still at `version` and not merged itself
/// (its version moves on, so a merge of it meanwhile loses); otherwise a
/// version conflict.
pub async fn hold_survivor(
    tx: &mut Tx,
    person: i64,
    version: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "UPDATE persons SET version = version + 1, updated_at = $1 \
        WHERE id = $2 AND version = $3 AND merged_into IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(now).bind(person).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

/// How many merges into `person` are in force.
pub async fn open_into(tx: &mut Tx, person: i64) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM person_merges WHERE survivor_id = $1 AND undone_at IS NULL")
        .bind(person).fetch_one(c).await?))
}

/// A merge as recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Merge {
    pub id: i64,
    pub survivor_id: i64,
    pub merged_id: i64,
    pub reason: String,
    pub moved: Moved,
    pub merged_by: Option<i64>,
    pub merged_at: DateTime<Utc>,
    pub undone_by: Option<i64>,
    pub undone_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct MergeRow {
    id: i64,
    survivor_id: i64,
    merged_id: i64,
    reason: String,
    moved: String,
    merged_by: Option<i64>,
    merged_at: DateTime<Utc>,
    undone_by: Option<i64>,
    undone_at: Option<DateTime<Utc>>,
}

impl MergeRow {
    fn into_merge(self) -> Result<Merge> {
        let moved = serde_json::from_str(&self.moved)
            .map_err(|e| StoreError::Corrupt(format!("person_merges {}: moved {e}", self.id)))?;
        Ok(Merge {
            id: self.id,
            survivor_id: self.survivor_id,
            merged_id: self.merged_id,
            reason: self.reason,
            moved,
            merged_by: self.merged_by,
            merged_at: self.merged_at,
            undone_by: self.undone_by,
            undone_at: self.undone_at,
        })
    }
}

const MERGE_COLUMNS: &str =
    "id, survivor_id, merged_id, reason, moved, merged_by, merged_at, undone_by, undone_at";

/// Records a merge; a second open merge of the same person is refused by the
/// unique index (Duplicate).
pub async fn record(
    tx: &mut Tx,
    survivor: i64,
    merged: i64,
    reason: &str,
    moved: &Moved,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Merge> {
    let json = serde_json::to_string(moved).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    const Q: &str = "INSERT INTO person_merges (survivor_id, merged_id, reason, moved, merged_by, merged_at) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(survivor).bind(merged).bind(reason)
        .bind(&json).bind(by).bind(now).fetch_one(c).await?);
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Merge>> {
    let sql = format!("SELECT {MERGE_COLUMNS} FROM person_merges WHERE id = $1");
    let row: Option<MergeRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id)
        .fetch_optional(c).await?);
    row.map(MergeRow::into_merge).transpose()
}

/// The merges into or of `person`, newest first.
pub async fn of_person(tx: &mut Tx, person: i64) -> Result<Vec<Merge>> {
    let sql = format!(
        "SELECT {MERGE_COLUMNS} FROM person_merges WHERE survivor_id = $1 OR merged_id = $1 ORDER BY id DESC"
    );
    let rows: Vec<MergeRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person)
        .fetch_all(c).await?);
    rows.into_iter().map(MergeRow::into_merge).collect()
}

/// Marks a merge undone, if it is not already (else a version conflict).
pub async fn mark_undone(tx: &mut Tx, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "UPDATE person_merges SET undone_by = $1, undone_at = $2 WHERE id = $3 AND undone_at IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(by).bind(now).bind(id).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}
