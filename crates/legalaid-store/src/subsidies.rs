//! The money of cases: the subsidy schedule (data with effective dates), subsidy
//! totals, last year's case mix and the annual targets for the funding estimate.

use crate::cases::{SCOPE, year_bounds};
use crate::{Result, StoreError, Tx, scope_params};
use chrono::NaiveDate;
use legalaid_domain::case::{CaseType, Grade, Stage};
use legalaid_domain::subsidy::{EarlyEnd, FlatItem};
use legalaid_domain::visibility::Scope;
use serde::Serialize;

/// Subsidy totals grouped by a key (handler, handling unit or month of payment).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyTotal {
    pub key: String,
    pub label: String,
    pub cases: i64,
    pub payable_fen: i64,
    pub paid_fen: i64,
}

/// Totals of subsidies in `scope` for cases opened in `year`, grouped by `by`
/// (`handler`, `unit` or `month`).
pub async fn subsidy_totals(
    tx: &mut Tx,
    scope: &Scope,
    year: i32,
    by: &str,
) -> Result<Vec<SubsidyTotal>> {
    let (key, label, join) = match by {
        "handler" => (
            "CAST(c.handler_id AS TEXT)",
            "COALESCE(s.name, '')",
            "LEFT JOIN staff s ON s.id = c.handler_id",
        ),
        "month" => (
            "COALESCE(SUBSTR(CAST(c.subsidy_paid_on AS TEXT), 1, 7), '')",
            "COALESCE(SUBSTR(CAST(c.subsidy_paid_on AS TEXT), 1, 7), '未发放')",
            "",
        ),
        _ => (
            "CAST(c.handling_unit_id AS TEXT)",
            "COALESCE(hu.name, '')",
            "",
        ),
    };
    let sql = format!(
        "SELECT {key} AS key, {label} AS label, COUNT(*) AS cases, \
         CAST(COALESCE(SUM(CASE WHEN c.subsidy_status = 'payable' THEN c.subsidy_fen ELSE 0 END), 0) AS BIGINT) AS payable_fen, \
         CAST(COALESCE(SUM(CASE WHEN c.subsidy_status = 'paid' THEN c.subsidy_fen ELSE 0 END), 0) AS BIGINT) AS paid_fen \
         FROM cases c JOIN units iu ON iu.id = c.intake_unit_id LEFT JOIN units hu ON hu.id = c.handling_unit_id {join} \
         WHERE {SCOPE} AND c.subsidy_status IN ('payable', 'paid') AND c.created_at >= $3 AND c.created_at < $4 \
         GROUP BY {key}, {label} ORDER BY {key}"
    );
    let (region, unit) = scope_params(scope);
    let (from, to) = year_bounds(Some(year));
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&region).bind(unit).bind(from).bind(to).fetch_all(c).await?),
    )
}

/// Last year's mix for the funding estimate: counts of archived cases by type,
/// stage and grade, opened in `year` by units in `scope` (and `unit`, if given).
pub async fn mix(
    tx: &mut Tx,
    scope: &Scope,
    unit: Option<i64>,
    year: i32,
) -> Result<Vec<(String, String, String, i64)>> {
    let sql = format!(
        "SELECT c.case_type, c.stage, c.grade, COUNT(*) FROM cases c JOIN units iu ON iu.id = c.intake_unit_id \
         LEFT JOIN units hu ON hu.id = c.handling_unit_id WHERE {SCOPE} AND ($3 IS NULL OR c.intake_unit_id = $3 OR c.handling_unit_id = $3) \
         AND c.created_at >= $4 AND c.created_at < $5 AND c.status <> 'terminated' \
         GROUP BY c.case_type, c.stage, c.grade"
    );
    let (region, u) = scope_params(scope);
    let (from, to) = year_bounds(Some(year));
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&region).bind(u).bind(unit).bind(from).bind(to).fetch_all(c).await?),
    )
}

/// Money committed (payable) and paid for cases opened in `year`.
pub async fn money(tx: &mut Tx, scope: &Scope, unit: Option<i64>, year: i32) -> Result<(i64, i64)> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN c.subsidy_status IN ('payable', 'paid') THEN c.subsidy_fen ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN c.subsidy_status = 'paid' THEN c.subsidy_fen ELSE 0 END), 0) AS BIGINT) \
         FROM cases c JOIN units iu ON iu.id = c.intake_unit_id LEFT JOIN units hu ON hu.id = c.handling_unit_id \
         WHERE {SCOPE} AND ($3 IS NULL OR c.intake_unit_id = $3 OR c.handling_unit_id = $3) AND c.created_at >= $4 AND c.created_at < $5"
    );
    let (region, u) = scope_params(scope);
    let (from, to) = year_bounds(Some(year));
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&region).bind(u).bind(unit).bind(from).bind(to).fetch_one(c).await?),
    )
}

/// The annual target of a unit.
pub async fn target(tx: &mut Tx, unit: i64, year: i32) -> Result<Option<i64>> {
    const Q: &str = "SELECT cases FROM targets WHERE unit_id = $1 AND year = $2";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(unit).bind(i64::from(year)).fetch_optional(c).await?),
    )
}

pub async fn set_target(tx: &mut Tx, unit: i64, year: i32, cases: i64) -> Result<()> {
    const Q: &str = "INSERT INTO targets (unit_id, year, cases) VALUES ($1, $2, $3) \
        ON CONFLICT (unit_id, year) DO UPDATE SET cases = excluded.cases";
    on_tx!(tx, c => sqlx::query(Q).bind(unit).bind(i64::from(year)).bind(cases).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    kind: String,
    case_type: String,
    stage: String,
    grade: String,
    item: String,
    amount_fen: Option<i64>,
    percent: Option<i64>,
    min_km: Option<i64>,
    region: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    label: String,
    source: String,
}

/// The subsidy schedule as stored (seeded from the shipped example).
pub async fn schedule(tx: &mut Tx) -> Result<legalaid_domain::subsidy::SubsidySchedule> {
    use legalaid_domain::subsidy::{ScheduleEntry, SubsidySchedule, Tariff};
    const Q: &str = "SELECT kind, case_type, stage, grade, item, amount_fen, percent, min_km, region, effective_from, \
        effective_to, label, source FROM subsidy_entries ORDER BY id";
    let rows: Vec<EntryRow> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let bad = |what: &str| StoreError::Corrupt(format!("subsidy entry: {what}"));
        let ct = || CaseType::parse(&r.case_type);
        let km = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
        let tariff = match r.kind.as_str() {
            "rate" => Tariff::Rate {
                case_type: ct().ok_or_else(|| bad("case type"))?,
                stage: Stage::parse(&r.stage).ok_or_else(|| bad("stage"))?,
                grade: Grade::parse(&r.grade).ok_or_else(|| bad("grade"))?,
                amount_fen: r.amount_fen.ok_or_else(|| bad("amount"))?,
            },
            "flat" => Tariff::Flat {
                case_type: ct(),
                item: FlatItem::parse(&r.item).ok_or_else(|| bad("item"))?,
                amount_fen: r.amount_fen.ok_or_else(|| bad("amount"))?,
            },
            "partial" => Tariff::Partial {
                case_type: ct(),
                early_end: EarlyEnd::parse(&r.item).ok_or_else(|| bad("early end"))?,
                percent: km(r.percent).ok_or_else(|| bad("percent"))?,
            },
            "travel" => Tariff::Travel {
                min_km: km(r.min_km).ok_or_else(|| bad("min km"))?,
                amount_fen: r.amount_fen.ok_or_else(|| bad("amount"))?,
            },
            other => return Err(bad(other)),
        };
        entries.push(ScheduleEntry {
            tariff,
            region: r.region,
            effective_from: r.effective_from,
            effective_to: r.effective_to,
            label: r.label,
            source: r.source,
        });
    }
    Ok(SubsidySchedule { entries })
}

/// Adds a schedule entry (administrators add new versions with later dates).
pub async fn add_schedule_entry(
    tx: &mut Tx,
    e: &legalaid_domain::subsidy::ScheduleEntry,
) -> Result<()> {
    use legalaid_domain::subsidy::Tariff;
    const Q: &str = "INSERT INTO subsidy_entries (kind, case_type, stage, grade, item, amount_fen, percent, min_km, region, \
        effective_from, effective_to, label, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    let (kind, ct, stage, grade, item, amount, percent, min_km) = match &e.tariff {
        Tariff::Rate {
            case_type,
            stage,
            grade,
            amount_fen,
        } => (
            "rate",
            case_type.as_str(),
            stage.as_str(),
            grade.as_str(),
            "",
            Some(*amount_fen),
            None,
            None,
        ),
        Tariff::Flat {
            case_type,
            item,
            amount_fen,
        } => (
            "flat",
            case_type.map_or("", |c| c.as_str()),
            "",
            "",
            item.as_str(),
            Some(*amount_fen),
            None,
            None,
        ),
        Tariff::Partial {
            case_type,
            early_end,
            percent,
        } => (
            "partial",
            case_type.map_or("", |c| c.as_str()),
            "",
            "",
            early_end.as_str(),
            None,
            Some(i64::from(*percent)),
            None,
        ),
        Tariff::Travel { min_km, amount_fen } => (
            "travel",
            "",
            "",
            "",
            "",
            Some(*amount_fen),
            None,
            Some(i64::from(*min_km)),
        ),
    };
    on_tx!(tx, c => sqlx::query(Q).bind(kind).bind(ct).bind(stage).bind(grade).bind(item).bind(amount).bind(percent)
        .bind(min_km).bind(&e.region).bind(e.effective_from).bind(e.effective_to).bind(&e.label).bind(&e.source)
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn schedule_is_empty(tx: &mut Tx) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM subsidy_entries";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).fetch_one(c).await?);
    Ok(n == 0)
}
