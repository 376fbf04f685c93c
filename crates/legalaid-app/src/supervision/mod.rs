//! Supervision (督导, ADR 0023): progress against targets and against time
//! for any region or unit on any day, from the case tallies; the tallies'
//! rebuild and check; the supervision rules with their effective dates.
//!
//! A dashboard is a node (a region, or a unit) and its children: a province's
//! cities, a city's counties, a county's units. A region's target is the
//! target of its justice bureau; a unit's is its own. Counts come from the
//! monthly tallies; a past day inside a month is corrected from the cases of
//! that month (read through the event-date indexes), so any day is exact.

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::Case;
use legalaid_domain::region::RegionCode;
use legalaid_domain::supervision::tally::{self, Entry};
use legalaid_domain::supervision::{
    Measure, Progress, Ratio, Share, Split, SupervisionRule, progress, rule_on, split, time_share,
};
use legalaid_domain::unit::{Unit, UnitKind};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{UnitId, local_date};
use legalaid_store::supervision::{self as store, Cell, SumBy, Through};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub mod bulletins;
pub mod evaluation;
pub mod orders;
pub mod report_forms;
pub mod statistics;
pub mod targets;

/// Cases read at a time by the rebuild.
const BATCH: i64 = 1000;

/// Sees the progress dashboards: bureaus and centers (inside their region) and
/// administrators. A judicial office, a workstation or a law firm is supervised,
/// not supervising: its figures are on its bureau's dashboard.
pub fn can_view(ctx: &Ctx) -> bool {
    matches!(policy::scope(ctx), Scope::All | Scope::Region(_))
}

/// The caller's own justice bureau, which issues orders and bulletins; 409
/// (saying what needs a bureau's account) for anyone else.
pub(crate) fn home_bureau(ctx: &Ctx, what: &str) -> AppResult<Unit> {
    ctx.actor
        .as_ref()
        .and_then(|a| a.unit.clone())
        .filter(|u| u.kind == UnitKind::JusticeBureau)
        .ok_or_else(|| AppError::Conflict(format!("请使用司法局的账号{what}")))
}

/// Keeps the supervision rules.
pub fn can_keep_rules(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[legalaid_domain::role::Role::BureauSupervisor])
}

// ---------------------------------------------------------------- tallies

/// What a rebuild did.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuilt {
    pub cases: u64,
    /// Monthly and daily cells written.
    pub cells: u64,
    pub day_cells: u64,
}

/// Daily cells a rebuild holds before adding them to the table (the adds are
/// additive, so a cell may be written in several flushes), and about as many
/// as a check holds at once: memory stays bounded whatever the cases.
const CELLS_IN_MEMORY: usize = 500_000;

/// Goes through every case, a batch at a time, in id order.
async fn each_case(tx: &mut legalaid_store::Tx, mut f: impl FnMut(&Case)) -> AppResult<u64> {
    let (mut after, mut n) = (0, 0u64);
    loop {
        let batch = legalaid_store::cases::batch_after(tx, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id.0;
        n += batch.len() as u64;
        batch.iter().for_each(&mut f);
    }
    Ok(n)
}

/// Recomputes every tally, monthly and daily, from the cases, in one write
/// transaction (case writes wait for it, so nothing changes underneath), a
/// batch of cases at a time.
pub async fn rebuild(app: &App) -> AppResult<Rebuilt> {
    let mut tx = app.store.write().await?;
    store::clear(&mut tx).await?;
    let (mut months, mut days) = (tally::Cells::default(), tally::Cells::default());
    let mut after = 0;
    let mut cases = 0u64;
    loop {
        let batch = legalaid_store::cases::batch_after(&mut tx, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id.0;
        cases += batch.len() as u64;
        for e in batch.iter().flat_map(tally::of_case) {
            days.add(&e);
            months.add(&monthly(e));
        }
        if days.len() >= CELLS_IN_MEMORY {
            store::add(&mut tx, store::Grain::Day, &days.drain()).await?;
        }
    }
    store::add(&mut tx, store::Grain::Day, &days.drain()).await?;
    store::add(&mut tx, store::Grain::Month, &months.drain()).await?;
    store::analyze(&mut tx).await?;
    let (cells, day_cells) = store::cell_counts(&mut tx).await?;
    legalaid_store::applications::set_setting(&mut tx, store::BUILT_KEY, "true").await?;
    tx.commit().await?;
    Ok(Rebuilt {
        cases,
        cells,
        day_cells,
    })
}

/// A daily entry as its monthly cell's.
fn monthly(e: Entry) -> Entry {
    Entry {
        key: e.key.monthly(),
        ..e
    }
}

/// Builds the tallies when they never were (a database upgraded from before
/// them); true when it did.
pub async fn ensure_built(app: &App) -> AppResult<bool> {
    let built = {
        let mut tx = app.store.read().await?;
        legalaid_store::applications::setting(&mut tx, store::BUILT_KEY).await?
    };
    if built.as_deref() == Some("true") {
        return Ok(false);
    }
    rebuild(app).await?;
    Ok(true)
}

/// Whether the stored tallies equal the ones recomputed from the cases; the
/// cells that differ (stored, recomputed) when not: the monthly cells (day 0)
/// first, then the daily ones. The monthly cells are recomputed in one pass;
/// the daily ones a few years at a time (as many as the stored counts say fit
/// in [`CELLS_IN_MEMORY`]), one pass over the cases for each group.
pub async fn verify(app: &App) -> AppResult<Vec<(Option<Entry>, Option<Entry>)>> {
    let mut tx = app.store.read().await?;
    let mut months = tally::Cells::default();
    let mut years = std::collections::BTreeSet::new();
    each_case(&mut tx, |c| {
        for e in tally::of_case(c) {
            years.insert(e.key.year);
            months.add(&monthly(e));
        }
    })
    .await?;
    let mut out = differences(store::all(&mut tx).await?, months.drain());
    let stored_years = store::day_years(&mut tx).await?;
    years.extend(stored_years.iter().map(|(y, _)| *y));
    let size: HashMap<i32, usize> = stored_years.into_iter().collect();
    // Years grouped so each pass holds about CELLS_IN_MEMORY cells.
    let mut groups: Vec<Vec<i32>> = Vec::new();
    let mut held = usize::MAX;
    for y in years {
        let n = size.get(&y).copied().unwrap_or(0);
        match groups.last_mut() {
            Some(g) if held.saturating_add(n) <= CELLS_IN_MEMORY => {
                g.push(y);
                held += n;
            }
            _ => {
                groups.push(vec![y]);
                held = n;
            }
        }
    }
    for group in groups {
        let mut days = tally::Cells::default();
        each_case(&mut tx, |c| {
            for e in tally::of_case(c) {
                if group.contains(&e.key.year) {
                    days.add(&e);
                }
            }
        })
        .await?;
        let mut stored = Vec::new();
        for y in &group {
            stored.extend(store::days_of_year(&mut tx, *y).await?);
        }
        out.extend(differences(stored, days.drain()));
    }
    Ok(out)
}

/// The cells of `stored` and `computed` that differ.
fn differences(stored: Vec<Entry>, computed: Vec<Entry>) -> Vec<(Option<Entry>, Option<Entry>)> {
    let mut a: BTreeMap<_, _> = stored.into_iter().map(|e| (e.key.clone(), e)).collect();
    let mut out = Vec::new();
    for e in computed {
        match a.remove(&e.key) {
            Some(s) if s == e => {}
            s => out.push((s, Some(e))),
        }
    }
    out.extend(a.into_values().map(|s| (Some(s), None)));
    out
}

// ---------------------------------------------------------------- rules

/// The rules and the one in force on a day (the fallback, said to be so, when
/// none is).
pub async fn rules(app: &App, ctx: &Ctx) -> AppResult<Vec<SupervisionRule>> {
    policy::require(can_view(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::rules(&mut tx).await?)
}

/// Adds a rule from a day on; the rule in force then ends the day before
/// (a second rule for the same day is 409).
pub async fn add_rule(app: &App, ctx: &Ctx, rule: &SupervisionRule) -> AppResult<()> {
    policy::require(can_keep_rules(ctx))?;
    rule.check().map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    let existing = store::rules(&mut tx).await?;
    if let Some(open) = existing
        .iter()
        .find(|r| r.effective_to.is_none() && r.effective_from < rule.effective_from)
    {
        store::end_rule(&mut tx, open.effective_from, rule.effective_from).await?;
    }
    store::insert_rule(&mut tx, rule, ctx.user_id(), app.clock.now()).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SupervisionRuleAdded,
        rule.effective_from.to_string(),
        None::<&()>,
        Some(rule),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- dashboards

/// What a line is about, for its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Region { code: String },
    Unit { id: i64 },
}

/// One line of a dashboard: a region or a unit with its figures.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub node: Node,
    pub name: String,
    pub progress: Progress,
    /// 受理, 指派, 结案, 归档 counts (all types and stages) to the day.
    pub accepted: i64,
    pub assigned: i64,
    pub concluded: i64,
    pub archived: i64,
    /// 结案率 = 结案 ÷ 受理; 归档率 = 归档 ÷ 结案; 补贴发放率 = 已发放 ÷ 应发放 (cases).
    pub conclusion_rate: Ratio,
    pub archive_rate: Ratio,
    pub subsidy_rate: Ratio,
    pub subsidy_due_fen: i64,
    pub subsidy_paid_fen: i64,
}

/// One month of the trend: counted in the month, to the month, and the target
/// share due by its end.
#[derive(Debug, Clone, Serialize)]
pub struct MonthPoint {
    pub month: u32,
    pub counted: i64,
    pub cumulative: i64,
    /// 序时进度 at the month's end, in percent.
    pub time_percent: f64,
    /// Cumulative completion at the month's end, in percent, with a target.
    pub completion: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub year: i32,
    pub as_of: NaiveDate,
    pub rule: SupervisionRule,
    /// No rule is configured for the day: the fallback is used.
    pub rule_is_fallback: bool,
    pub time: Share,
    pub total: Line,
    /// The node above, when the caller may go there.
    pub up: Option<Node>,
    pub lines: Vec<Line>,
    /// How the node's target is split over the lines (with a target).
    pub split: Option<Split>,
    pub months: Vec<MonthPoint>,
    /// The open supervision orders (督办) on the node and its lines.
    pub open_orders: Vec<orders::OpenOrder>,
    /// The node's progress per case type (by the rule in force), against its
    /// target's part for the type where it is split so.
    pub by_type: Vec<TypeLine>,
}

/// The node's progress in one case type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeLine {
    pub case_type: legalaid_domain::case::CaseType,
    pub progress: Progress,
}

impl Sums {
    fn by_type(
        &self,
        parts: &[(legalaid_domain::case::CaseType, i64)],
        time: Share,
        margin: i32,
    ) -> Vec<TypeLine> {
        legalaid_domain::case::CaseType::ALL
            .iter()
            .map(|t| TypeLine {
                case_type: *t,
                progress: progress(
                    self.counted_by_type.get(t).copied().unwrap_or(0),
                    parts.iter().find(|p| p.0 == *t).map(|p| p.1),
                    time,
                    margin,
                ),
            })
            .collect()
    }
}

/// The first instant of a China calendar day.
fn china_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first_next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    first_next.map_or(d, |n| n - Duration::days(1))
}

/// The figures of `year` for units under `region` as of `as_of`, summed by
/// `by` (children over the months) and, when asked, by month (the whole):
/// the whole months from the monthly tallies and, when `as_of` is a past day
/// inside its month, that month's days up to it from the daily tallies (ADR
/// 0029), all summed in the database.
async fn figures_as_of(
    app: &App,
    tx: &mut legalaid_store::Tx,
    region: &str,
    year: i32,
    as_of: NaiveDate,
    (by, with_months): (SumBy, bool),
) -> AppResult<(Vec<Cell>, Vec<Cell>)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    if as_of < first {
        return Ok((Vec::new(), Vec::new()));
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    let day = as_of.min(end);
    let today = local_date(app.clock.now());
    // As of today no event lies later, so the month's cells are whole.
    let exact = day >= today || day == last_of_month(day);
    let whole_months = if exact { day.month() } else { day.month() - 1 };
    let mut parts = vec![Through::Month(whole_months)];
    if !exact {
        parts.push(Through::Day(day.month(), day.day()));
    }
    // With the months asked for, one query per part by child and month: the
    // whole's months are its children's summed (every unit under the region
    // has a child key, listed as a line or not).
    let by = match (by, with_months) {
        (SumBy::Region(n), true) => SumBy::RegionMonth(n),
        (SumBy::Unit, true) => SumBy::UnitMonth,
        (by, _) => by,
    };
    let (mut children, mut months) = (Vec::new(), Vec::new());
    for through in parts {
        if through == Through::Month(0) {
            continue;
        }
        let cells = store::sums(tx, region, year, through, by).await?;
        if with_months {
            months.extend(cells.iter().map(|c| Cell {
                child: String::new(),
                ..c.clone()
            }));
        }
        children.extend(cells);
    }
    Ok((children, months))
}

/// Sums entries into a line's figures.
#[derive(Default, Clone)]
struct Sums {
    counted: i64,
    by_measure: HashMap<Measure, (i64, i64)>,
    counted_by_month: [i64; 12],
    counted_by_type: BTreeMap<legalaid_domain::case::CaseType, i64>,
}

impl Sums {
    fn add(&mut self, c: &Cell, rule: &SupervisionRule) {
        let v = self.by_measure.entry(c.measure).or_default();
        v.0 += c.count;
        v.1 += c.amount_fen;
        let key = legalaid_domain::supervision::Key {
            unit_id: 0,
            year: 0,
            month: c.month,
            case_type: c.case_type,
            later_stage: c.later_stage,
            measure: c.measure,
            day: 0,
        };
        if rule.counts(&key) {
            self.counted += c.count;
            *self.counted_by_type.entry(c.case_type).or_default() += c.count;
            if c.month >= 1
                && let Some(m) = self.counted_by_month.get_mut((c.month - 1) as usize)
            {
                *m += c.count;
            }
        }
    }

    fn of(&self, m: Measure) -> (i64, i64) {
        self.by_measure.get(&m).copied().unwrap_or_default()
    }

    fn line(
        &self,
        node: Node,
        name: String,
        target: Option<i64>,
        time: Share,
        margin: i32,
    ) -> Line {
        let accepted = self.of(Measure::Accepted).0;
        let concluded = self.of(Measure::Concluded).0;
        let archived = self.of(Measure::Archived).0;
        let (due_n, due_fen) = self.of(Measure::SubsidyDue);
        let (paid_n, paid_fen) = self.of(Measure::SubsidyPaid);
        Line {
            node,
            name,
            progress: progress(self.counted, target, time, margin),
            accepted,
            assigned: self.of(Measure::Assigned).0,
            concluded,
            archived,
            conclusion_rate: Ratio {
                part: concluded,
                whole: accepted,
            },
            archive_rate: Ratio {
                part: archived,
                whole: concluded,
            },
            subsidy_rate: Ratio {
                part: paid_n,
                whole: due_n,
            },
            subsidy_due_fen: due_fen,
            subsidy_paid_fen: paid_fen,
        }
    }
}

/// Which node the caller asked for, checked against what they may see.
async fn root(
    tx: &mut legalaid_store::Tx,
    ctx: &Ctx,
    region: Option<&str>,
    unit: Option<i64>,
) -> AppResult<(Node, Option<Node>)> {
    let scope = policy::scope(ctx);
    if let Some(id) = unit {
        let u = legalaid_store::units::get(tx, UnitId(id))
            .await?
            .ok_or(AppError::NotFound)?;
        if !scope.covers(u.id, &u.region_code) {
            return Err(AppError::NotFound);
        }
        let up = match scope {
            Scope::Unit(_) => None,
            _ => Some(Node::Region {
                code: u.region_code.as_str().chars().take(6).collect(),
            }),
        };
        return Ok((Node::Unit { id }, up));
    }
    let asked = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    match scope {
        Scope::Nothing => Err(AppError::forbidden()),
        Scope::Unit(id) => Ok((Node::Unit { id: id.0 }, None)),
        Scope::Region(own) => {
            let code = match asked {
                Some(r) if own.contains(&r) => r,
                Some(_) => return Err(AppError::NotFound),
                None => own.clone(),
            };
            let up = code
                .parent()
                .filter(|p| own.contains(p))
                .map(|p| Node::Region {
                    code: p.as_str().to_owned(),
                });
            Ok((
                Node::Region {
                    code: code.as_str().to_owned(),
                },
                up,
            ))
        }
        Scope::All => {
            let code = match asked {
                Some(r) => r.as_str().to_owned(),
                None => String::new(),
            };
            let up = asked_parent(&code);
            Ok((Node::Region { code }, up))
        }
    }
}

fn asked_parent(code: &str) -> Option<Node> {
    if code.is_empty() {
        return None;
    }
    let parent = RegionCode::parse(code).ok().and_then(|c| c.parent());
    Some(Node::Region {
        code: parent.map(|p| p.as_str().to_owned()).unwrap_or_default(),
    })
}

/// The length of the regions one level below `code` ("" is above provinces).
fn child_len(code: &str) -> Option<usize> {
    match code.len() {
        0 => Some(2),
        2 => Some(4),
        4 => Some(6),
        _ => None,
    }
}

/// A line below a node: a child region, whose target its justice bureau
/// holds, or, below a county, a unit holding its own.
pub(crate) struct Child {
    pub node: Node,
    pub name: String,
    /// The unit whose target is the line's (none: a region without a bureau).
    pub holder: Option<i64>,
}

/// The justice bureau of the region `code` (the holder of its target).
pub(crate) fn bureau_of(code: &str, units: &[Unit]) -> Option<i64> {
    units
        .iter()
        .find(|u| u.kind == UnitKind::JusticeBureau && u.region_code.as_str() == code)
        .map(|u| u.id.0)
}

/// The lines below the region `code` ("" for every province), by name: the
/// regions one level down or, below a county, its units — not its own bureau
/// (whose target is the node's) nor law firms or service offices (which take
/// no intake).
pub(crate) fn children(
    code: &str,
    regions: &[legalaid_store::regions::Region],
    units: &[Unit],
) -> Vec<Child> {
    let mut out: Vec<Child> = match child_len(code) {
        Some(n) => regions
            .iter()
            .filter(|r| r.code.as_str().len() == n && r.code.as_str().starts_with(code))
            .map(|r| Child {
                node: Node::Region {
                    code: r.code.as_str().to_owned(),
                },
                name: r.name.clone(),
                holder: bureau_of(r.code.as_str(), units),
            })
            .collect(),
        None => units
            .iter()
            .filter(|u| {
                u.region_code.as_str().starts_with(code)
                    && !matches!(
                        u.kind,
                        UnitKind::JusticeBureau | UnitKind::LawFirm | UnitKind::LegalServiceOffice
                    )
            })
            .map(|u| Child {
                node: Node::Unit { id: u.id.0 },
                name: u.name.clone(),
                holder: Some(u.id.0),
            })
            .collect(),
    };
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The dashboard of a region (or the caller's own) or a unit for `year` as of
/// `as_of` (default: today, or the year's last day for a past year).
pub async fn dashboard(
    app: &App,
    ctx: &Ctx,
    region: Option<&str>,
    unit: Option<i64>,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
) -> AppResult<Dashboard> {
    policy::require(can_view(ctx))?;
    let today = local_date(app.clock.now());
    let year = year.unwrap_or_else(|| as_of.map_or(today.year(), |d| d.year()));
    if !(2000..=2100).contains(&year) {
        return Err(AppError::field("year", "年份应在2000至2100之间"));
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    // Never beyond today or the year's end; before the year began, nothing is due.
    let as_of = as_of.unwrap_or(today).min(today).min(end);
    let mut tx = app.store.read().await?;
    let (node, up) = root(&mut tx, ctx, region, unit).await?;
    let rules = store::rules(&mut tx).await?;
    let (rule, rule_is_fallback) = match rule_on(&rules, as_of) {
        Some(r) => (r.clone(), false),
        None => (SupervisionRule::fallback(), true),
    };
    let time = time_share(year, as_of, rule.basis);
    let margin = rule.lag_margin_points;
    // Only the node's subtree is read: its units, regions and targets.
    let subtree = match &node {
        Node::Region { code } => code.clone(),
        Node::Unit { id } => legalaid_store::units::get(&mut tx, UnitId(*id))
            .await?
            .ok_or(AppError::NotFound)?
            .region_code
            .as_str()
            .to_owned(),
    };
    let targets: HashMap<i64, i64> = store::targets(&mut tx, year, &subtree)
        .await?
        .into_iter()
        .collect();
    let type_targets = store::type_targets(&mut tx, year, &subtree).await?;
    let parts_of = |holder: Option<i64>| -> Vec<(legalaid_domain::case::CaseType, i64)> {
        type_targets
            .iter()
            .filter(|(u, _, _)| Some(*u) == holder)
            .map(|(_, t, n)| (*t, *n))
            .collect()
    };
    let units = legalaid_store::units::active_under(&mut tx, &subtree).await?;
    let unit_by_id: HashMap<i64, &Unit> = units.iter().map(|u| (u.id.0, u)).collect();
    let bureau_target = |code: &str| bureau_of(code, &units).and_then(|b| targets.get(&b).copied());
    let region_name = |tx_regions: &[legalaid_store::regions::Region], code: &str| {
        if code.is_empty() {
            "全部地区".to_owned()
        } else {
            tx_regions
                .iter()
                .find(|r| r.code.as_str() == code)
                .map_or_else(|| code.to_owned(), |r| r.name.clone())
        }
    };
    let regions = legalaid_store::regions::under(&mut tx, &subtree).await?;
    match node {
        Node::Unit { id } => {
            let u = unit_by_id.get(&id).ok_or(AppError::NotFound)?;
            // The unit's own cells by month: its totals and its trend.
            let me = id.to_string();
            let (cells, _) = figures_as_of(
                app,
                &mut tx,
                u.region_code.as_str(),
                year,
                as_of,
                (SumBy::UnitMonth, false),
            )
            .await?;
            let mut sums = Sums::default();
            for c in cells.iter().filter(|c| c.child == me) {
                sums.add(c, &rule);
            }
            let target = targets.get(&id).copied();
            let total = sums.line(Node::Unit { id }, u.name.clone(), target, time, margin);
            let months = trend(&sums, year, as_of, target, rule.basis);
            let by_type = sums.by_type(&parts_of(Some(id)), time, margin);
            let open_orders = orders::open_on(&mut tx, u.region_code.as_str(), year, &unit_by_id)
                .await?
                .into_iter()
                .filter(|o| o.node == Node::Unit { id })
                .collect();
            Ok(Dashboard {
                year,
                as_of,
                rule,
                rule_is_fallback,
                time,
                total,
                up,
                lines: Vec::new(),
                split: None,
                months,
                open_orders,
                by_type,
            })
        }
        Node::Region { code } => {
            if !code.is_empty() && !regions.iter().any(|r| r.code.as_str() == code) {
                return Err(AppError::NotFound);
            }
            // A child is a region one level down (the first n characters of a
            // unit's region code) or, below a county, a unit (its id).
            let by = match child_len(&code) {
                Some(n) => SumBy::Region(n),
                None => SumBy::Unit,
            };
            let (cells, months) =
                figures_as_of(app, &mut tx, &code, year, as_of, (by, true)).await?;
            let mut total_sums = Sums::default();
            for c in &months {
                total_sums.add(c, &rule);
            }
            let mut child_sums: BTreeMap<String, Sums> = BTreeMap::new();
            for c in &cells {
                child_sums.entry(c.child.clone()).or_default().add(c, &rule);
            }
            // Every child is listed, with or without cases.
            let children: Vec<(Node, String, Option<i64>)> = children(&code, &regions, &units)
                .into_iter()
                .map(|c| {
                    (
                        c.node,
                        c.name,
                        c.holder.and_then(|h| targets.get(&h).copied()),
                    )
                })
                .collect();
            let lines: Vec<Line> = children
                .into_iter()
                .map(|(node, name, target)| {
                    let key = match &node {
                        Node::Region { code } => code.clone(),
                        Node::Unit { id } => id.to_string(),
                    };
                    child_sums
                        .get(&key)
                        .cloned()
                        .unwrap_or_default()
                        .line(node, name, target, time, margin)
                })
                .collect();
            let target = if code.is_empty() {
                None
            } else {
                bureau_target(&code)
            };
            let split = target.map(|t| {
                let parts: Vec<i64> = lines.iter().filter_map(|l| l.progress.target).collect();
                split(t, &parts)
            });
            let months = trend(&total_sums, year, as_of, target, rule.basis);
            let holder = if code.is_empty() {
                None
            } else {
                bureau_of(&code, &units)
            };
            let by_type = total_sums.by_type(&parts_of(holder), time, margin);
            let open_orders = orders::open_on(&mut tx, &code, year, &unit_by_id).await?;
            let total = total_sums.line(
                Node::Region { code: code.clone() },
                region_name(&regions, &code),
                target,
                time,
                margin,
            );
            Ok(Dashboard {
                year,
                as_of,
                rule,
                rule_is_fallback,
                time,
                total,
                up,
                lines,
                split,
                months,
                open_orders,
                by_type,
            })
        }
    }
}

fn trend(
    sums: &Sums,
    year: i32,
    as_of: NaiveDate,
    target: Option<i64>,
    basis: legalaid_domain::supervision::PaceBasis,
) -> Vec<MonthPoint> {
    let last = match as_of.year().cmp(&year) {
        std::cmp::Ordering::Less => return Vec::new(),
        std::cmp::Ordering::Equal => as_of.month(),
        std::cmp::Ordering::Greater => 12,
    };
    let mut cumulative = 0;
    (1..=last)
        .filter_map(|m| {
            let month_end = last_of_month(NaiveDate::from_ymd_opt(year, m, 1)?);
            let counted = sums.counted_by_month[(m - 1) as usize];
            cumulative += counted;
            let p = progress(cumulative, target, time_share(year, month_end, basis), 0);
            Some(MonthPoint {
                month: m,
                counted,
                cumulative,
                time_percent: p.time_percent,
                completion: p.completion,
            })
        })
        .collect()
}

/// The cases a unit's count is made of, for `year` to `as_of`, by the rule in
/// force: a page of them (newest event first) and the total.
pub async fn counted_cases(
    app: &App,
    ctx: &Ctx,
    unit: i64,
    year: i32,
    as_of: Option<NaiveDate>,
    page: Page,
) -> AppResult<(Vec<(Case, NaiveDate)>, i64)> {
    policy::require(can_view(ctx))?;
    let today = local_date(app.clock.now());
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    let day = as_of.unwrap_or(today).min(end);
    let mut tx = app.store.read().await?;
    let u = legalaid_store::units::get(&mut tx, UnitId(unit))
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::scope(ctx).covers(u.id, &u.region_code) {
        return Err(AppError::NotFound);
    }
    let rules = store::rules(&mut tx).await?;
    let rule = rule_on(&rules, day)
        .cloned()
        .unwrap_or_else(SupervisionRule::fallback);
    let next = day + Duration::days(1);
    let cases = legalaid_store::cases::with_events_between(
        &mut tx,
        u.region_code.as_str(),
        china_start(first),
        china_start(next),
        first,
        next,
    )
    .await?;
    let mut counted: Vec<(Case, NaiveDate)> = cases
        .into_iter()
        .filter(|c| c.intake_unit_id == unit)
        .filter_map(|c| {
            let on = tally::events(&c).into_iter().find(|e| {
                e.day >= first && e.day <= day && rule.counts(&tally::entry(&c, *e).key)
            })?;
            Some((c, on.day))
        })
        .collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.id.0.cmp(&a.0.id.0)));
    let total = counted.len() as i64;
    let items = counted
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(0))
        .take(usize::try_from(page.per_page).unwrap_or(50))
        .collect();
    Ok((items, total))
}
