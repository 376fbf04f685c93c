//! Performance evaluation (migration 0029): the entered and imported values of
//! indicators, and the counts the computed ones need beyond the dashboards.

use crate::{Result, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// An entered (or imported) value.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub year: i32,
    pub unit_id: i64,
    pub code: String,
    pub value: f64,
    pub evidence: String,
    pub source: String,
    pub entered_by: i64,
    pub entered_at: DateTime<Utc>,
}

/// Sets a value (replacing the one before).
pub async fn upsert(tx: &mut Tx, e: &Entry) -> Result<()> {
    const Q: &str = "INSERT INTO evaluation_entries (year, unit_id, code, value, evidence, source, entered_by, entered_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (year, unit_id, code) DO UPDATE SET \
        value = excluded.value, evidence = excluded.evidence, source = excluded.source, \
        entered_by = excluded.entered_by, entered_at = excluded.entered_at";
    on_tx!(tx, c => sqlx::query(Q)
        .bind(e.year).bind(e.unit_id).bind(&e.code).bind(e.value).bind(&e.evidence).bind(&e.source)
        .bind(e.entered_by).bind(e.entered_at)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// The values of a year.
pub async fn entries(tx: &mut Tx, year: i32) -> Result<Vec<Entry>> {
    const Q: &str = "SELECT year, unit_id, code, value, evidence, source, entered_by, entered_at \
        FROM evaluation_entries WHERE year = $1 ORDER BY unit_id, code";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(year).fetch_all(c).await?))
}

/// Work in the queues past its due day on `day`, by unit id, under `region`.
pub async fn overdue_by_unit(tx: &mut Tx, region: &str, day: NaiveDate) -> Result<Vec<(i64, i64)>> {
    const Q: &str = "SELECT unit_id, COUNT(*) FROM deadlines WHERE region_code LIKE $1 AND due_on < $2 GROUP BY unit_id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(format!("{region}%")).bind(day).fetch_all(c).await?))
}

/// Supervision orders of a year, by target unit.
pub async fn orders_by_unit(tx: &mut Tx, year: i32) -> Result<Vec<(i64, i64)>> {
    const Q: &str = "SELECT target_unit_id, COUNT(*) FROM supervision_orders WHERE year = $1 GROUP BY target_unit_id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(year).fetch_all(c).await?))
}
