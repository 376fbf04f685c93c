//! Statistics (issue 12 §5): the cases opened in a period in a region, broken
//! down by one dimension (case type, matter, service form, channel, recipient
//! group, intake unit, handling unit, handler, month, outcome), with counts and
//! sums per row and a total. Read a batch of cases at a time through the
//! `cases_created_list` index (any period, any size); only the rows' sums are kept.

use super::can_view;
use crate::{App, AppError, AppResult, Ctx, policy};
use chrono::{Datelike, Duration, NaiveDate};
use legalaid_domain::local_date;
use legalaid_domain::region::RegionCode;
use legalaid_domain::supervision::stats::{self, Dimension, Figures, Key, Tally};
use legalaid_domain::visibility::Scope;
use serde::Serialize;

/// Cases read at a time.
const BATCH: i64 = 1000;

/// The longest period a table covers, in days (five years).
pub const MAX_DAYS: i64 = 5 * 366;

/// One row: the dimension's value, its name, its figures.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: Key,
    pub label: String,
    pub figures: Figures,
}

/// A statistics table.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub dimension: Dimension,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The region covered ("" is everywhere) and its name.
    pub region: String,
    pub region_name: String,
    pub rows: Vec<Row>,
    /// Each case once.
    pub total: Figures,
    /// A case may stand in several rows (recipient groups): the rows may sum to
    /// more than the total.
    pub overlapping: bool,
}

/// Which region the caller asked for, checked against what they may see.
pub(super) fn region_of(ctx: &Ctx, asked: Option<&str>) -> AppResult<String> {
    let asked = match asked.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    match policy::scope(ctx) {
        Scope::All => Ok(asked.map(|r| r.as_str().to_owned()).unwrap_or_default()),
        Scope::Region(own) => match asked {
            Some(r) if own.contains(&r) => Ok(r.as_str().to_owned()),
            Some(_) => Err(AppError::NotFound),
            None => Ok(own.as_str().to_owned()),
        },
        _ => Err(AppError::forbidden()),
    }
}

/// The table of `dimension` for the cases opened from `from` to `to`
/// (inclusive, China days; default this year to today) under `region`
/// (default the caller's).
pub async fn statistics(
    app: &App,
    ctx: &Ctx,
    dimension: Dimension,
    region: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Statistics> {
    policy::require(can_view(ctx))?;
    let region = region_of(ctx, region)?;
    let today = local_date(app.clock.now());
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    if from > to {
        return Err(AppError::field("from", "开始日期不能晚于结束日期"));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(AppError::field("to", "统计期间不能超过五年"));
    }
    let start = super::china_start(from);
    let end = super::china_start(to + Duration::days(1));
    let mut tally = Tally::default();
    let mut after = None;
    let mut tx = app.store.read().await?;
    loop {
        let batch =
            legalaid_store::supervision::facts_after(&mut tx, &region, (start, end), after, BATCH)
                .await?;
        let Some((at, id, _)) = batch.last() else {
            break;
        };
        after = Some((*at, *id));
        for (_, _, f) in &batch {
            tally.add(f, dimension);
        }
    }
    let region_name = if region.is_empty() {
        "全部地区".to_owned()
    } else {
        legalaid_store::regions::list(&mut tx)
            .await?
            .into_iter()
            .find(|r| r.code.as_str() == region)
            .map_or_else(|| region.clone(), |r| r.name)
    };
    let mut rows = Vec::with_capacity(tally.rows.len());
    let rules = crate::in_force::in_force(app, &mut tx).await?.rules.clone();
    for (key, figures) in tally.rows {
        let label = match &key {
            Key::None => stats::none_label(dimension).to_owned(),
            Key::Month(m) => m.clone(),
            Key::Code(c) => match stats::code_label(dimension, c) {
                Some(l) => l.to_owned(),
                None => rules
                    .matters
                    .iter()
                    .rev()
                    .find(|m| &m.code == c)
                    .map_or_else(|| c.clone(), |m| m.label.clone()),
            },
            Key::Id(id) => match dimension {
                Dimension::Handler => {
                    legalaid_store::staff::get(&mut tx, legalaid_domain::StaffId(*id))
                        .await?
                        .map_or_else(|| format!("#{id}"), |s| s.name)
                }
                _ => legalaid_store::units::get(&mut tx, legalaid_domain::UnitId(*id))
                    .await?
                    .map_or_else(|| format!("#{id}"), |u| u.name),
            },
        };
        rows.push(Row {
            key,
            label,
            figures,
        });
    }
    sort(dimension, &mut rows);
    Ok(Statistics {
        dimension,
        from,
        to,
        region,
        region_name,
        rows,
        total: tally.total,
        overlapping: dimension == Dimension::RecipientGroup,
    })
}

/// Enumerations in their own order, months in time order, the rest by the
/// number of cases (most first) and name; "none" last.
fn sort(d: Dimension, rows: &mut [Row]) {
    use legalaid_domain::application::{Channel, ServiceForm};
    use legalaid_domain::case::{CaseOutcome, CaseType};
    use legalaid_domain::person::RecipientGroup;
    fn pos<T: Copy>(all: &[T], code: &str, as_str: fn(T) -> &'static str) -> usize {
        all.iter()
            .position(|t| as_str(*t) == code)
            .unwrap_or(usize::MAX)
    }
    let rank = |r: &Row| -> (u8, usize, i64, String) {
        let code = match &r.key {
            Key::None => return (2, 0, 0, String::new()),
            Key::Month(m) => return (0, 0, 0, m.clone()),
            Key::Code(c) => c.as_str(),
            Key::Id(_) => "",
        };
        let p = match d {
            Dimension::CaseType => pos(CaseType::ALL, code, CaseType::as_str),
            Dimension::ServiceForm => pos(ServiceForm::ALL, code, ServiceForm::as_str),
            Dimension::Channel => pos(Channel::ALL, code, Channel::as_str),
            Dimension::RecipientGroup => pos(RecipientGroup::ALL, code, RecipientGroup::as_str),
            Dimension::Outcome => pos(CaseOutcome::ALL, code, CaseOutcome::as_str),
            _ => 0,
        };
        (1, p, -r.figures.cases, r.label.clone())
    };
    rows.sort_by_key(rank);
}
