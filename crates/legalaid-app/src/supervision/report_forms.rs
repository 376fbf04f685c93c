//! The MoJ statistical report forms (issue 12 §6, ADR 0028): the monthly report
//! and tables 五–十三 for a statistical month, half-year or year of the configured
//! calendar (cut-off day, year-end month), for a region, with a row per
//! reporting line (the county's units; a city's counties; a province's cities)
//! and the check rules run. Cases and denials are read a batch at a time.

use super::can_view;
use super::statistics::region_of;
use crate::{App, AppError, AppResult, Ctx, policy};
use chrono::{Duration, NaiveDate};
use legalaid_domain::local_date;
use legalaid_domain::region::RegionCode;
use legalaid_domain::rules::MatterCategory;
use legalaid_domain::supervision::forms::{Builder, Form, FormCode, Period, StatCalendar};
use serde::Serialize;
use std::collections::HashMap;

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

    let mut builder = Builder::new(FormCode::ALL);
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
        let line_of: HashMap<i64, i64> = units
            .iter()
            .filter_map(|(id, _, code)| {
                children
                    .iter()
                    .position(|r| code.starts_with(r.code.as_str()))
                    .map(|i| (*id, i64::try_from(i).unwrap_or(0) + 1))
            })
            .collect();
        for f in &mut forms_by_unit {
            regroup(f, &lines, &line_of);
        }
        lines
    } else {
        units
            .iter()
            .map(|(id, name, _)| Line {
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
    })
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
