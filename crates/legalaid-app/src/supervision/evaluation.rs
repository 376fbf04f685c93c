//! Performance evaluation (考评, quality-supervision-outreach §5.4): the units
//! one level below a region that were given a target for the year (a county's
//! center and offices; a city's counties) scored by the scheme in force for the
//! year, each indicator
//! with its value and the evidence, ranked; the values a scheme says are
//! entered are kept per year, unit and indicator.

use super::{Line, Node, can_keep_rules as can_enter, can_view, dashboard};
use crate::{App, AppError, AppResult, Ctx, audit, policy};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::local_date;
use legalaid_domain::supervision::evaluation::{
    self as domain, Indicator, Metric, Score, Source, Value,
};
use legalaid_domain::unit::UnitKind;
use serde::Serialize;
use std::collections::HashMap;

/// Whether the caller enters values.
pub fn can_edit(ctx: &Ctx) -> bool {
    can_enter(ctx)
}

/// A unit's (or a region's) result.
#[derive(Debug, Clone, Serialize)]
pub struct Result {
    /// The unit the entries are kept for (a region: its justice bureau).
    pub unit_id: Option<i64>,
    pub name: String,
    pub total: f64,
    /// 1 for the best; equal totals share a rank.
    pub rank: usize,
    pub scores: Vec<Score>,
}

/// The evaluation of a region's units for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub year: i32,
    pub as_of: NaiveDate,
    pub region_name: String,
    pub scheme_name: String,
    pub scheme_source: String,
    /// The full score (bonuses beyond it).
    pub full: f64,
    /// The indicators a value may be entered for: (code, label, standard).
    pub entered: Vec<(String, String, String)>,
    pub results: Vec<Result>,
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

/// The computed value of `metric` for a line.
fn computed(metric: Metric, l: &Line, overdue: i64, orders: i64) -> Option<Value> {
    let ratio = |r: legalaid_domain::supervision::Ratio| {
        r.percent().map(|p| Value {
            value: p,
            evidence: format!("{} / {}（{p:.1}%）", r.part, r.whole),
        })
    };
    match metric {
        Metric::Completion => l.progress.completion.map(|c| Value {
            value: c,
            evidence: format!(
                "{} / {} 件（{c:.1}%）",
                l.progress.counted,
                l.progress.target.unwrap_or(0)
            ),
        }),
        Metric::Pace => l.progress.gap_points.map(|g| Value {
            value: g,
            evidence: format!(
                "完成率{}，序时进度{:.1}%，{}{:.1}个百分点",
                pct(l.progress.completion),
                l.progress.time_percent,
                if g < 0.0 { "落后" } else { "超" },
                g.abs()
            ),
        }),
        Metric::ConclusionRate => ratio(l.conclusion_rate),
        Metric::ArchiveRate => ratio(l.archive_rate),
        Metric::SubsidyRate => ratio(l.subsidy_rate),
        Metric::Overdue => Some(Value {
            value: overdue as f64,
            evidence: format!("超过办理期限未办结{overdue}项"),
        }),
        Metric::Orders => Some(Value {
            value: orders as f64,
            evidence: format!("年度内被督办{orders}次"),
        }),
    }
}

async fn scheme_for(year: i32) -> AppResult<domain::Scheme> {
    let schemes = domain::shipped().map_err(AppError::Internal)?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    domain::scheme_on(&schemes, end)
        .cloned()
        .ok_or_else(|| AppError::field("year", format!("{year}年没有生效的考评方案")))
}

/// The evaluation of `region`'s units (default the caller's) for `year`
/// (default this year), as of the year's end or today.
pub async fn evaluate(
    app: &App,
    ctx: &Ctx,
    region: Option<&str>,
    year: Option<i32>,
) -> AppResult<Evaluation> {
    policy::require(can_view(ctx))?;
    let today = local_date(app.clock.now());
    let year = year.unwrap_or(today.year());
    if !(2000..=today.year()).contains(&year) {
        return Err(AppError::field("year", "年份应在2000年至今年之间"));
    }
    let scheme = scheme_for(year).await?;
    let as_of = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or(AppError::NotFound)?
        .min(today);
    let d = dashboard(app, ctx, region, None, Some(year), Some(as_of)).await?;
    let code = match &d.total.node {
        Node::Region { code } => code.clone(),
        Node::Unit { .. } => return Err(AppError::NotFound),
    };
    let units = crate::units::active_all(app).await?;
    let (entries, overdue, orders) = {
        let mut tx = app.store.read().await?;
        (
            legalaid_store::evaluation::entries(&mut tx, year).await?,
            legalaid_store::evaluation::overdue_by_unit(&mut tx, &code, today).await?,
            legalaid_store::evaluation::orders_by_unit(&mut tx, year).await?,
        )
    };
    let entries: HashMap<(i64, String), (f64, String)> = entries
        .into_iter()
        .map(|e| ((e.unit_id, e.code), (e.value, e.evidence)))
        .collect();
    let region_of: HashMap<i64, &str> = units
        .iter()
        .map(|u| (u.id.0, u.region_code.as_str()))
        .collect();
    // A line's units: itself, or every unit under its region.
    let sum_for = |pairs: &[(i64, i64)], node: &Node| -> i64 {
        pairs
            .iter()
            .filter(|(u, _)| match node {
                Node::Unit { id } => u == id,
                Node::Region { code } => region_of
                    .get(u)
                    .is_some_and(|r| r.starts_with(code.as_str())),
            })
            .map(|(_, n)| n)
            .sum()
    };
    // The units evaluated are those given a target for the year (all of them
    // when none is).
    let any_target = d.lines.iter().any(|l| l.progress.target.is_some());
    let mut results: Vec<Result> = d
        .lines
        .iter()
        .filter(|l| l.progress.target.is_some() || !any_target)
        .map(|l| {
            let unit_id = match &l.node {
                Node::Unit { id } => Some(*id),
                Node::Region { code } => units
                    .iter()
                    .find(|u| u.kind == UnitKind::JusticeBureau && u.region_code.as_str() == code)
                    .map(|u| u.id.0),
            };
            let n_overdue = sum_for(&overdue, &l.node);
            let n_orders = sum_for(&orders, &l.node);
            let value_of = |i: &Indicator| -> Option<Value> {
                match (i.source, i.metric) {
                    (Some(Source::Computed), Some(m)) => computed(m, l, n_overdue, n_orders),
                    _ => unit_id
                        .and_then(|u| entries.get(&(u, i.code.clone())))
                        .map(|(v, e)| Value {
                            value: *v,
                            evidence: e.clone(),
                        }),
                }
            };
            let scores = domain::score(&scheme, &value_of);
            Result {
                unit_id,
                name: l.name.clone(),
                total: domain::total(&scores),
                rank: 0,
                scores,
            }
        })
        .collect();
    results.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut rank = 0;
    let mut last = f64::NAN;
    for (i, r) in results.iter_mut().enumerate() {
        if r.total != last {
            rank = i + 1;
            last = r.total;
        }
        r.rank = rank;
    }
    Ok(Evaluation {
        year,
        as_of,
        region_name: d.total.name.clone(),
        full: scheme.full(),
        entered: scheme
            .leaves()
            .iter()
            .filter(|i| i.source != Some(Source::Computed))
            .map(|i| (i.code.clone(), i.label.clone(), i.standard.clone()))
            .collect(),
        scheme_name: scheme.name,
        scheme_source: scheme.source,
        results,
    })
}

/// Enters the value of an entered indicator for a unit (bureau supervisors,
/// inside their region); it replaces the one before. Audited.
pub async fn enter(
    app: &App,
    ctx: &Ctx,
    year: i32,
    unit_id: i64,
    code: &str,
    value: f64,
    evidence: &str,
) -> AppResult<()> {
    policy::require(can_edit(ctx))?;
    let today = local_date(app.clock.now());
    if !(2000..=today.year()).contains(&year) {
        return Err(AppError::field("year", "年份应在2000年至今年之间"));
    }
    let scheme = scheme_for(year).await?;
    let indicator = scheme
        .leaves()
        .into_iter()
        .find(|i| i.code == code)
        .ok_or_else(|| AppError::field("code", "考评方案中没有该指标"))?;
    if indicator.source == Some(Source::Computed) {
        return Err(AppError::field(
            "code",
            "该指标由系统根据办案数据计算，不能录入",
        ));
    }
    if !value.is_finite() || !(0.0..=1_000_000.0).contains(&value) {
        return Err(AppError::field("value", "数值应在0至1000000之间"));
    }
    let evidence = evidence.trim();
    if evidence.is_empty() {
        return Err(AppError::field("evidence", "请写明数据的依据"));
    }
    crate::error::check_reason_length("evidence", evidence, "依据")?;
    let unit = crate::units::get(app, ctx, legalaid_domain::UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "所选单位不存在或不在本辖区"))?;
    if !policy::scope(ctx).covers(unit.id, &unit.region_code) {
        return Err(AppError::field("unit_id", "所选单位不存在或不在本辖区"));
    }
    let entry = legalaid_store::evaluation::Entry {
        year,
        unit_id,
        code: code.to_owned(),
        value,
        evidence: evidence.to_owned(),
        source: "entered".into(),
        entered_by: ctx.user_id().unwrap_or(0),
        entered_at: app.clock.now(),
    };
    let mut tx = app.store.write().await?;
    legalaid_store::evaluation::upsert(&mut tx, &entry).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::EvaluationEntry,
        format!("{year}/{unit_id}/{code}"),
        None::<&()>,
        Some(&entry),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
