//! The MoJ statistical report forms (issue 12 §6, ADR 0028): the monthly report
//! and tables 五–十三 for a statistical month, half-year or year of the configured
//! calendar (cut-off day, year-end month), for a region, with a row per
//! reporting line (the county's units; a city's counties; a province's cities)
//! and the check rules run. Cases and denials are read a batch at a time.

use super::can_view;
use super::statistics::region_of;
use crate::audit;
use crate::{App, AppError, AppResult, Ctx, policy};
use chrono::{Datelike, Duration, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::local_date;
use legalaid_domain::region::RegionCode;
use legalaid_domain::rules::MatterCategory;
use legalaid_domain::supervision::forms;
use legalaid_domain::supervision::forms::{Builder, Form, FormCode, Period, StatCalendar};
use serde::Serialize;
use std::collections::HashMap;

/// An entered figure of 表一–表四.
pub use legalaid_store::report_forms::Entry;

const BATCH: i64 = 1000;

/// A reporting line: a unit or a region.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The line's number in the forms' rows.
    pub id: i64,
    pub name: String,
    /// Where it drills down to: a unit's id or a region's code.
    pub unit_id: Option<i64>,
    pub region: Option<String>,
}

/// A generated set of forms.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSet {
    pub period: Period,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub calendar: StatCalendar,
    pub region: String,
    pub region_name: String,
    pub lines: Vec<Line>,
    pub forms: Vec<Form>,
    /// Every check of every form holds.
    pub passed: bool,
    /// The statistical year whose entered figures 表一–表四 hold.
    pub entry_year: i32,
}

impl ReportSet {
    pub fn line_name(&self, id: Option<i64>) -> &str {
        match id {
            None => "合计",
            Some(id) => self
                .lines
                .iter()
                .find(|l| l.id == id)
                .map_or("", |l| l.name.as_str()),
        }
    }
}

/// The statistical calendar in force (settings).
pub async fn calendar(app: &App) -> AppResult<StatCalendar> {
    Ok(crate::settings::stat_calendar(
        &crate::settings::get(app).await?,
    ))
}

/// The forms for `period` (default: the statistical year holding today) under
/// `region` (default the caller's). A period not yet begun is refused; one not
/// yet ended counts to today (said in the title).
pub async fn generate(
    app: &App,
    ctx: &Ctx,
    region: Option<&str>,
    period: Option<Period>,
) -> AppResult<ReportSet> {
    policy::require(can_view(ctx))?;
    let region = region_of(ctx, region)?;
    let calendar = calendar(app).await?;
    let today = local_date(app.clock.now());
    let period = period.unwrap_or_else(|| calendar.year_of(today));
    let (from, to) = calendar
        .days(period)
        .ok_or_else(|| AppError::field("period", "统计期间无效：月份应为1至12，半年应为1或2"))?;
    if from > today {
        return Err(AppError::field(
            "period",
            format!("{}尚未开始（{from}起）", period.title()),
        ));
    }
    let counted_to = to.min(today);
    let start = super::china_start(from);
    let end = super::china_start(counted_to + Duration::days(1));

    let mut tx = app.store.read().await?;
    let rules = crate::in_force::in_force(app, &mut tx).await?.rules.clone();
    let criminal: std::collections::HashSet<String> = rules
        .matters
        .iter()
        .filter(|m| m.category == MatterCategory::Criminal)
        .map(|m| m.code.clone())
        .collect();
    let regions = legalaid_store::regions::list(&mut tx).await?;
    let region_name = if region.is_empty() {
        "全部地区".to_owned()
    } else {
        regions
            .iter()
            .find(|r| r.code.as_str() == region)
            .map_or_else(|| region.clone(), |r| r.name.clone())
    };
    // Lines: the child regions of a province or city (or of everywhere), the
    // units of a county.
    let children: Vec<_> = regions
        .iter()
        .filter(|r| match RegionCode::parse(&region) {
            Ok(code) => r.code.parent().as_ref() == Some(&code) && code.as_str().len() < 6,
            Err(_) => region.is_empty() && r.code.parent().is_none(),
        })
        .collect();
    let by_region = !children.is_empty();

    // 表一–表四 are entered per statistical year: only a year's set has them.
    let yearly = matches!(period, Period::Year { .. });
    let codes: Vec<FormCode> = FormCode::ALL
        .iter()
        .copied()
        .filter(|c| yearly || !forms::entered(*c))
        .collect();
    let mut builder = Builder::new(&codes);
    // Every case's and denial's line is its unit's id; regrouped below.
    let mut unit_ids: Vec<i64> = Vec::new();
    let mut after = None;
    loop {
        let batch =
            legalaid_store::report_forms::cases_after(&mut tx, &region, (start, end), after, BATCH)
                .await?;
        let Some((at, id, _)) = batch.last() else {
            break;
        };
        after = Some((*at, *id));
        for (_, _, f) in &batch {
            unit_ids.push(f.line);
            builder.add_case(f);
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
    }
    let mut after = 0;
    loop {
        let batch = legalaid_store::report_forms::denials_after(
            &mut tx,
            &region,
            (start, end),
            after,
            BATCH,
        )
        .await?;
        let Some((id, _)) = batch.last() else {
            break;
        };
        after = *id;
        for (_, mut d) in batch {
            d.criminal = criminal.contains(&d.matter_code);
            unit_ids.push(d.line);
            builder.add_denial(&d);
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
    }
    let mut after = 0;
    loop {
        let batch = legalaid_store::report_forms::consultations_after(
            &mut tx,
            &region,
            (start, end),
            after,
            BATCH,
        )
        .await?;
        let Some((id, _)) = batch.last() else {
            break;
        };
        after = *id;
        for (_, c) in &batch {
            unit_ids.push(c.line);
            builder.add_consultation(c);
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
    }
    for w in legalaid_store::report_forms::workstations(&mut tx, &region).await? {
        unit_ids.push(w.line);
        builder.add_workstation(&w);
    }
    let mut after = 0;
    loop {
        let batch = legalaid_store::report_forms::complaints_after(
            &mut tx,
            &region,
            (start, end),
            after,
            BATCH,
        )
        .await?;
        let Some((id, _)) = batch.last() else {
            break;
        };
        after = *id;
        for (_, c) in &batch {
            unit_ids.push(c.line);
            builder.add_complaint(c);
        }
    }
    // 表一–表四 (a year's set): the year's entries, the subsidies paid (each
    // counted at its county's legal aid center, which pays them) and the
    // media and training of the period.
    let entry_year = stat_year(&calendar, period, to);
    if yearly {
        for e in legalaid_store::report_forms::entries(&mut tx, &region, entry_year).await? {
            let code = FormCode::parse(&e.form);
            let col = u32::try_from(e.col).unwrap_or(0);
            if code.is_some_and(|c| builder.add_entry(e.unit_id, c, col, e.value)) {
                unit_ids.push(e.unit_id);
            }
        }
        let centers = legalaid_store::report_forms::reporting_units(&mut tx, &region, &[]).await?;
        let center_of = |unit: i64| -> i64 {
            let county = centers
                .iter()
                .find(|u| u.0 == unit)
                .map(|u| u.2.chars().take(6).collect::<String>());
            county
                .and_then(|c| {
                    centers
                        .iter()
                        .find(|u| u.3 == "legal_aid_center" && u.2.starts_with(&c))
                })
                .map_or(unit, |u| u.0)
        };
        let mut after = None;
        loop {
            let batch = legalaid_store::report_forms::subsidies_after(
                &mut tx,
                &region,
                (from, counted_to),
                after,
                BATCH,
            )
            .await?;
            let Some((key, _)) = batch.last() else {
                break;
            };
            after = Some(*key);
            for (_, mut x) in batch {
                x.line = center_of(x.line);
                unit_ids.push(x.line);
                builder.add_subsidy(&x);
            }
            unit_ids.sort_unstable();
            unit_ids.dedup();
        }
        for (unit, column, n) in
            legalaid_store::report_forms::outreach_counts(&mut tx, &region, (from, counted_to))
                .await?
        {
            unit_ids.push(unit);
            builder.add_outreach(unit, u32::try_from(column).unwrap_or(0), n);
        }
    }
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units = legalaid_store::report_forms::reporting_units(&mut tx, &region, &unit_ids).await?;
    drop(tx);

    let mut forms_by_unit = builder.finish(&units.iter().map(|u| u.0).collect::<Vec<_>>());
    let lines: Vec<Line> = if by_region {
        // Regroup the unit rows under the child region holding each unit.
        let lines: Vec<Line> = children
            .iter()
            .enumerate()
            .map(|(i, r)| Line {
                id: i64::try_from(i).unwrap_or(0) + 1,
                name: r.name.clone(),
                unit_id: None,
                region: Some(r.code.as_str().to_owned()),
            })
            .collect();
        // A unit of the region's own level (a city's center or bureau) is in
        // none of the child regions: it has a line of its own (本级).
        let own_level = i64::try_from(children.len()).unwrap_or(0) + 1;
        let line_of: HashMap<i64, i64> = units
            .iter()
            .map(|(id, _, code, _)| {
                let line = children
                    .iter()
                    .position(|r| code.starts_with(r.code.as_str()))
                    .map_or(own_level, |i| i64::try_from(i).unwrap_or(0) + 1);
                (*id, line)
            })
            .collect();
        let mut lines = lines;
        if line_of.values().any(|l| *l == own_level) {
            lines.push(Line {
                id: own_level,
                name: format!("{region_name}本级"),
                unit_id: None,
                region: Some(region.clone()),
            });
        }
        for f in &mut forms_by_unit {
            regroup(f, &lines, &line_of);
        }
        lines
    } else {
        units
            .iter()
            .map(|(id, name, _, _)| Line {
                id: *id,
                name: name.clone(),
                unit_id: Some(*id),
                region: None,
            })
            .collect()
    };
    let passed = forms_by_unit
        .iter()
        .all(|f| f.checks.iter().all(|c| c.holds));
    let title = if counted_to < to {
        format!("{}（截至{counted_to}）", period.title())
    } else {
        period.title()
    };
    Ok(ReportSet {
        period,
        title,
        from,
        to: counted_to,
        calendar,
        region,
        region_name,
        lines,
        forms: forms_by_unit,
        passed,
        entry_year,
    })
}

/// The statistical year whose entries (表一–表四) a period reads: the year
/// itself, a half-year's year, or the year a month's last day falls in.
fn stat_year(calendar: &StatCalendar, period: Period, to: NaiveDate) -> i32 {
    match period {
        Period::Year { year } | Period::Half { year, .. } => year,
        Period::Month { .. } => match calendar.year_of(to) {
            Period::Year { year } => year,
            _ => to.year(),
        },
    }
}

/// Enters a unit's figures of one of 表一–表四 for a statistical year (bureau
/// supervisors, for units in their region): each `(column, value)` a count,
/// or 万元 with at most four decimals for a money column; an empty value clears
/// the column. Computed columns and unknown ones are refused (422), all or
/// nothing; audited.
pub async fn enter(
    app: &App,
    ctx: &Ctx,
    year: i32,
    unit_id: i64,
    form: &str,
    values: &[(u32, String)],
) -> AppResult<()> {
    policy::require(super::can_keep_rules(ctx))?;
    let today = local_date(app.clock.now());
    if !(2000..=today.year() + 1).contains(&year) {
        return Err(AppError::field("year", "年份应在2000年至明年之间"));
    }
    let code = FormCode::parse(form.trim())
        .filter(|c| forms::entered(*c))
        .ok_or_else(|| AppError::field("form", "只能录入统计报表一至四"))?;
    let unit = crate::units::get(app, ctx, legalaid_domain::UnitId(unit_id))
        .await
        .map_err(|e| match e {
            AppError::NotFound | AppError::Forbidden(_) => {
                AppError::field("unit_id", "所选单位不存在或不在本辖区")
            }
            other => other,
        })?;
    if !policy::scope(ctx).covers(unit.id, &unit.region_code) {
        return Err(AppError::field("unit_id", "所选单位不存在或不在本辖区"));
    }
    // The bodies that report: bureaus (管理机构), centers, offices, workstations.
    if matches!(
        unit.kind,
        legalaid_domain::unit::UnitKind::LawFirm
            | legalaid_domain::unit::UnitKind::LegalServiceOffice
    ) {
        return Err(AppError::field(
            "unit_id",
            "律师事务所、基层法律服务所不填报统计报表一至四",
        ));
    }
    let columns = forms::columns(code);
    let mut v = legalaid_domain::Validation::new();
    let mut parsed: Vec<(i32, Option<i64>)> = Vec::with_capacity(values.len());
    for (col, text) in values {
        let field = format!("c{col}");
        let Some(c) = columns.iter().find(|c| c.number == *col && c.entered) else {
            v.add(&field, format!("第{col}栏不能录入（由系统计算或不存在）"));
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            parsed.push((i32::try_from(*col).unwrap_or(0), None));
            continue;
        }
        let value = if c.money {
            forms::parse_wan_yuan(text)
        } else {
            text.parse::<i64>()
                .ok()
                .filter(|n| (0..=1_000_000_000).contains(n))
        };
        match value {
            Some(n) => parsed.push((i32::try_from(*col).unwrap_or(0), Some(n))),
            None if c.money => v.add(
                &field,
                format!("{}：应为不小于0的金额（万元），最多四位小数", c.label),
            ),
            None => v.add(&field, format!("{}：应为0至1000000000之间的整数", c.label)),
        }
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let mut tx = app.store.write().await?;
    legalaid_store::report_forms::set_entries(
        &mut tx,
        (year, unit_id, code.as_str()),
        &parsed,
        ctx.user_id().unwrap_or(0),
        app.clock.now(),
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ReportFormEntry,
        format!("{year}/{unit_id}/{}", code.as_str()),
        None::<&()>,
        Some(&parsed),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A unit's entered figures of a year, by form and column.
pub async fn entries_of(app: &App, ctx: &Ctx, year: i32, unit_id: i64) -> AppResult<Vec<Entry>> {
    policy::require(can_view(ctx))?;
    let unit = crate::units::get(app, ctx, legalaid_domain::UnitId(unit_id)).await?;
    if !policy::scope(ctx).covers(unit.id, &unit.region_code) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.store.read().await?;
    Ok(
        legalaid_store::report_forms::entries(&mut tx, unit.region_code.as_str(), year)
            .await?
            .into_iter()
            .filter(|e| e.unit_id == unit_id)
            .collect(),
    )
}

/// Sums a form's unit rows into region lines and reruns its row checks (the
/// totals and the cross-table checks do not change).
fn regroup(f: &mut Form, lines: &[Line], line_of: &HashMap<i64, i64>) {
    let width = f.columns.len();
    let mut rows: Vec<legalaid_domain::supervision::forms::Row> = lines
        .iter()
        .map(|l| legalaid_domain::supervision::forms::Row {
            line: Some(l.id),
            cells: vec![0; width],
        })
        .collect();
    for r in &f.rows {
        let Some(line) = r.line.and_then(|u| line_of.get(&u)) else {
            continue;
        };
        if let Some(target) = rows.iter_mut().find(|x| x.line == Some(*line)) {
            for (t, v) in target.cells.iter_mut().zip(&r.cells) {
                *t += v;
            }
        }
    }
    f.rows = rows;
    legalaid_domain::supervision::forms::recheck(f);
}

/// The units whose figures of 表一–表四 the caller may enter: the reporting
/// units of their region and their own unit (a bureau keeps the 管理机构's).
pub async fn entry_units(app: &App, ctx: &Ctx) -> AppResult<Vec<(i64, String)>> {
    policy::require(super::can_keep_rules(ctx))?;
    let region = region_of(ctx, None)?;
    let own: Vec<i64> = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| vec![u.id.0])
        .unwrap_or_default();
    let mut tx = app.store.read().await?;
    Ok(
        legalaid_store::report_forms::reporting_units(&mut tx, &region, &own)
            .await?
            .into_iter()
            .map(|(id, name, _, _)| (id, name))
            .collect(),
    )
}
