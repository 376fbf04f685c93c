//! The rules in force and the working-day calendar, as stored data.

use crate::{Result, StoreError, Tx};
use chrono::NaiveDate;
use legalaid_domain::calendar::{CalendarDay, DayKind, WorkCalendar};
use legalaid_domain::deadline::{DeadlineRule, PeriodUnit};
use legalaid_domain::rules::{
    ExemptionRule, HardshipCondition, HardshipStandard, MatterCategory, MatterRule, RuleBook,
};

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {v:?}"))
}

fn province(p: String) -> Option<String> {
    (!p.is_empty()).then_some(p)
}

#[derive(sqlx::FromRow)]
struct MatterRow {
    code: String,
    label: String,
    category: String,
    hardship: String,
    basis: String,
    province: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct ExemptionRow {
    code: String,
    label: String,
    basis: String,
    province: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct StandardRow {
    city_code: String,
    city: String,
    effective_from: NaiveDate,
    dibao_monthly_fen: i64,
    multiplier: i64,
    source: String,
    note: String,
}

#[derive(sqlx::FromRow)]
struct DeadlineRow {
    code: String,
    label: String,
    length: i64,
    unit: String,
    roll_over_rest_days: bool,
    source: String,
    effective_from: NaiveDate,
}

/// Every rule, in force or not (the domain picks what applies on a date).
pub async fn load(tx: &mut Tx) -> Result<RuleBook> {
    const M: &str = "SELECT code, label, category, hardship, basis, province, effective_from, effective_to FROM matter_rules ORDER BY id";
    const E: &str = "SELECT code, label, basis, province, effective_from, effective_to FROM exemption_rules ORDER BY id";
    const S: &str = "SELECT city_code, city, effective_from, dibao_monthly_fen, multiplier, source, note FROM hardship_standards ORDER BY city_code, effective_from";
    const D: &str = "SELECT code, label, length, unit, roll_over_rest_days, source, effective_from FROM deadline_rules ORDER BY code, effective_from";
    let m: Vec<MatterRow> = on_tx!(tx, c => sqlx::query_as(M).fetch_all(c).await?);
    let e: Vec<ExemptionRow> = on_tx!(tx, c => sqlx::query_as(E).fetch_all(c).await?);
    let s: Vec<StandardRow> = on_tx!(tx, c => sqlx::query_as(S).fetch_all(c).await?);
    let d: Vec<DeadlineRow> = on_tx!(tx, c => sqlx::query_as(D).fetch_all(c).await?);
    Ok(RuleBook {
        matters: m
            .into_iter()
            .map(|r| {
                Ok(MatterRule {
                    category: MatterCategory::parse(&r.category)
                        .ok_or_else(|| corrupt("matter category", &r.category))?,
                    hardship: HardshipCondition::parse(&r.hardship)
                        .ok_or_else(|| corrupt("hardship condition", &r.hardship))?,
                    code: r.code,
                    label: r.label,
                    basis: r.basis,
                    province: province(r.province),
                    effective_from: r.effective_from,
                    effective_to: r.effective_to,
                })
            })
            .collect::<Result<_>>()?,
        exemptions: e
            .into_iter()
            .map(|r| ExemptionRule {
                code: r.code,
                label: r.label,
                basis: r.basis,
                province: province(r.province),
                effective_from: r.effective_from,
                effective_to: r.effective_to,
            })
            .collect(),
        standards: s
            .into_iter()
            .map(|r| HardshipStandard {
                city_code: r.city_code,
                city: r.city,
                effective_from: r.effective_from,
                dibao_monthly_fen: r.dibao_monthly_fen,
                multiplier: r.multiplier,
                source: r.source,
                note: r.note,
            })
            .collect(),
        deadlines: d
            .into_iter()
            .map(|r| {
                Ok(DeadlineRule {
                    unit: PeriodUnit::parse(&r.unit)
                        .ok_or_else(|| corrupt("period unit", &r.unit))?,
                    length: u32::try_from(r.length)
                        .map_err(|_| corrupt("deadline length", &r.length.to_string()))?,
                    code: r.code,
                    label: r.label,
                    roll_over_rest_days: r.roll_over_rest_days,
                    source: r.source,
                    effective_from: r.effective_from,
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Whether any rule has been stored yet (seeding happens once).
pub async fn is_seeded(tx: &mut Tx) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM matter_rules";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).fetch_one(c).await?);
    Ok(n > 0)
}

pub async fn insert_matter(tx: &mut Tx, m: &MatterRule) -> Result<()> {
    const Q: &str = "INSERT INTO matter_rules (code, label, category, hardship, basis, province, effective_from, effective_to) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(Q).bind(&m.code).bind(&m.label).bind(m.category.as_str()).bind(m.hardship.as_str()).bind(&m.basis)
        .bind(m.province.as_deref().unwrap_or_default()).bind(m.effective_from).bind(m.effective_to).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn insert_exemption(tx: &mut Tx, e: &ExemptionRule) -> Result<()> {
    const Q: &str = "INSERT INTO exemption_rules (code, label, basis, province, effective_from, effective_to) VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, c => sqlx::query(Q).bind(&e.code).bind(&e.label).bind(&e.basis).bind(e.province.as_deref().unwrap_or_default())
        .bind(e.effective_from).bind(e.effective_to).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn insert_standard(tx: &mut Tx, s: &HardshipStandard) -> Result<()> {
    const Q: &str = "INSERT INTO hardship_standards (city_code, city, effective_from, dibao_monthly_fen, multiplier, source, note) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_tx!(tx, c => sqlx::query(Q).bind(&s.city_code).bind(&s.city).bind(s.effective_from).bind(s.dibao_monthly_fen)
        .bind(s.multiplier).bind(&s.source).bind(&s.note).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn insert_deadline(tx: &mut Tx, d: &DeadlineRule) -> Result<()> {
    const Q: &str = "INSERT INTO deadline_rules (code, label, length, unit, roll_over_rest_days, source, effective_from) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_tx!(tx, c => sqlx::query(Q).bind(&d.code).bind(&d.label).bind(i64::from(d.length)).bind(d.unit.as_str())
        .bind(d.roll_over_rest_days).bind(&d.source).bind(d.effective_from).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: NaiveDate,
    kind: String,
    name: String,
}

/// The calendar: every special day, and the years that have data.
pub async fn calendar(tx: &mut Tx) -> Result<(WorkCalendar, Vec<CalendarDay>)> {
    const D: &str = "SELECT day, kind, name FROM calendar_days ORDER BY day";
    const Y: &str = "SELECT year FROM calendar_years ORDER BY year";
    let rows: Vec<DayRow> = on_tx!(tx, c => sqlx::query_as(D).fetch_all(c).await?);
    let years: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(Y).fetch_all(c).await?);
    let days = rows
        .into_iter()
        .map(|r| {
            Ok(CalendarDay {
                kind: DayKind::parse(&r.kind)
                    .ok_or_else(|| corrupt("calendar day kind", &r.kind))?,
                date: r.day,
                name: r.name,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let years: Vec<i32> = years
        .into_iter()
        .filter_map(|y| i32::try_from(y).ok())
        .collect();
    Ok((WorkCalendar::new(years, days.clone()), days))
}

/// Adds a year's arrangement (replacing any earlier entry of the same days).
pub async fn insert_year(tx: &mut Tx, year: i32, source: &str, days: &[CalendarDay]) -> Result<()> {
    const Y: &str = "INSERT INTO calendar_years (year, source) VALUES ($1, $2)";
    const DEL: &str = "DELETE FROM calendar_days WHERE day = $1";
    const INS: &str = "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)";
    on_tx!(tx, c => sqlx::query(Y).bind(i64::from(year)).bind(source).execute(c).await?.rows_affected());
    for d in days {
        on_tx!(tx, c => sqlx::query(DEL).bind(d.date).execute(c).await?.rows_affected());
        on_tx!(tx, c => sqlx::query(INS).bind(d.date).bind(d.kind.as_str()).bind(&d.name).execute(c).await?.rows_affected());
    }
    Ok(())
}

pub async fn has_year(tx: &mut Tx, year: i32) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM calendar_years WHERE year = $1";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(i64::from(year)).fetch_one(c).await?);
    Ok(n > 0)
}

/// Adds a version of a deadline rule from its effective date, or replaces the
/// version of that code and date (a correction before it takes effect).
pub async fn put_deadline_version(tx: &mut Tx, d: &DeadlineRule) -> Result<()> {
    const DEL: &str = "DELETE FROM deadline_rules WHERE code = $1 AND effective_from = $2";
    on_tx!(tx, c => sqlx::query(DEL).bind(&d.code).bind(d.effective_from).execute(c).await?.rows_affected());
    insert_deadline(tx, d).await
}

/// Ends the open versions of a matter (code and province) on `on`: from the day
/// after, it is no longer in scope.
pub async fn end_matter(
    tx: &mut Tx,
    code: &str,
    province: Option<&str>,
    on: NaiveDate,
) -> Result<u64> {
    const Q: &str = "UPDATE matter_rules SET effective_to = $1 WHERE code = $2 AND province = $3 AND effective_to IS NULL AND effective_from <= $1";
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(on).bind(code).bind(province.unwrap_or_default()).execute(c).await?.rows_affected()),
    )
}

pub async fn end_exemption(
    tx: &mut Tx,
    code: &str,
    province: Option<&str>,
    on: NaiveDate,
) -> Result<u64> {
    const Q: &str = "UPDATE exemption_rules SET effective_to = $1 WHERE code = $2 AND province = $3 AND effective_to IS NULL AND effective_from <= $1";
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(on).bind(code).bind(province.unwrap_or_default()).execute(c).await?.rows_affected()),
    )
}
