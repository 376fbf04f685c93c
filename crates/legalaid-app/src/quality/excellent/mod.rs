//! Excellent-case selection (优秀案例评选, quality-supervision-outreach §2.4): a
//! bureau or center organises a selection with its criteria, places and panel
//! of judges (from the expert pool); the units of its region nominate archived
//! cases they handled ([`nominations`]); when nominations close, each case is
//! given its judges, none of its own unit (交叉评查, as in the file review); each
//! judge scores it once; the ranking by the average of the judges' totals is
//! published, the first places honoured, their handlers and units told, and the
//! case page shows the honour.
//!
//! Who: bureau supervisors and center directors organise (create, close the
//! nominations, publish, enter a paper sheet for a judge); the center's quality
//! and review staff read everything of their region's selections; a unit reads
//! the selections of its region and its own nominations; a judge reads the
//! nominations assigned to them, without the names of the unit and the handler.
//! A selection outside the caller's region, or a nomination they may not read,
//! is absent (404).

pub mod nominations;

use crate::outbox::{self, About, Values};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::excellent::{
    self as rules, Criterion, JudgeScore, SelectionInput, SelectionStatus,
};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::quality::review::{self, File};
use legalaid_domain::role::Role;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{CaseId, SelectionId, StaffId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::excellent::{self as store, Reach};
pub use legalaid_store::excellent::{
    Candidate, Nomination, NominationLine, Pending, Score, Selection, SelectionFilter,
    SelectionLine,
};
use legalaid_store::hearings::JsonList;
use serde::Serialize;

/// Organises selections: bureau supervisors and center directors.
pub fn can_organise(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::BureauSupervisor, Role::CenterDirector])
}

/// Reads every nomination and the ranking of the region's selections.
pub fn can_read_all(ctx: &Ctx) -> bool {
    can_organise(ctx) || policy::acts_as(ctx, &[Role::QualityReviewer, Role::CenterReviewer])
}

/// Whether the caller sees a selection of `region`: administrators all; a
/// bureau or center the selections of its region and of the regions above it
/// (a city's selection includes its counties); any other unit those whose region
/// covers it.
pub(crate) fn sees_selection(ctx: &Ctx, region: &str) -> bool {
    match policy::scope(ctx) {
        Scope::All => true,
        Scope::Region(r) => region.starts_with(r.as_str()) || r.as_str().starts_with(region),
        Scope::Unit(_) => ctx
            .actor
            .as_ref()
            .and_then(|a| a.unit.as_ref())
            .is_some_and(|u| u.region_code.as_str().starts_with(region)),
        Scope::Nothing => false,
    }
}

/// The organiser's side of a selection: may change it.
pub(crate) fn organises(ctx: &Ctx, s: &Selection) -> bool {
    can_organise(ctx) && crate::quality::sees_region(ctx, &s.region_code)
}

/// Reads all of a selection's nominations and its ranking.
pub(crate) fn reads_all(ctx: &Ctx, s: &Selection) -> bool {
    can_read_all(ctx) && crate::quality::sees_region(ctx, &s.region_code)
}

pub(crate) fn unit_of(ctx: &Ctx) -> Option<&legalaid_domain::unit::Unit> {
    ctx.actor.as_ref().and_then(|a| a.unit.as_ref())
}

pub(crate) async fn visible(tx: &mut Tx, ctx: &Ctx, id: SelectionId) -> AppResult<Selection> {
    let s = store::selection(tx, id).await?.ok_or(AppError::NotFound)?;
    if sees_selection(ctx, &s.region_code) {
        Ok(s)
    } else {
        Err(AppError::NotFound)
    }
}

/// What can be done to a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionAction {
    /// Nominate a case (open to the caller's unit, or to the organiser).
    Nominate,
    /// Close the nominations and give each case its judges.
    StartJudging,
    /// Fix the ranking and the honours.
    Publish,
}

/// A judge of the panel.
#[derive(Debug, Clone, Serialize)]
pub struct Judge {
    pub expert_id: i64,
    pub name: String,
    pub work_unit: String,
    /// Signs in to score (otherwise the organiser enters their paper sheets).
    pub has_account: bool,
}

/// A nomination's place in the ranking: provisional while judging (for the
/// organisers), fixed once published.
#[derive(Debug, Clone, Serialize)]
pub struct RankedLine {
    pub nomination_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub handling_unit_name: Option<String>,
    pub handler_name: Option<String>,
    /// The average of the judges' totals, to two places.
    pub average: f64,
    /// Sheets in.
    pub judges: usize,
    /// Ties share a rank; none without enough sheets.
    pub rank: Option<usize>,
    /// Within the places.
    pub honoured: bool,
}

/// A selection with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SelectionView {
    pub selection: Selection,
    pub unit_name: String,
    /// How many judges sit on the panel.
    pub panel_size: usize,
    /// The panel (for the organisers' side only).
    pub judges: Vec<Judge>,
    /// Nominations not withdrawn.
    pub nominations: i64,
    /// While judging, for the organisers' side: sheets not in yet.
    pub missing_sheets: Option<i64>,
    /// The ranking: provisional while judging (organisers' side), and once
    /// published the honoured cases for every reader (all ranks for the
    /// organisers' side).
    pub ranking: Vec<RankedLine>,
    pub actions: Vec<SelectionAction>,
}

/// Whether the caller may nominate to `s` at all: bureau supervisors and center
/// directors who see it (any case of their region), and the users of a unit in
/// its region (the cases their unit handled).
pub(crate) fn may_nominate(ctx: &Ctx, s: &Selection) -> bool {
    if can_organise(ctx) && sees_selection(ctx, &s.region_code) {
        return true;
    }
    unit_of(ctx).is_some_and(|u| u.region_code.as_str().starts_with(&s.region_code))
}

async fn view(tx: &mut Tx, ctx: &Ctx, s: Selection, today: NaiveDate) -> AppResult<SelectionView> {
    let unit_name = legalaid_store::units::get(tx, UnitId(s.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let panel = store::judges(tx, SelectionId(s.id)).await?;
    let all = reads_all(ctx, &s);
    let org = organises(ctx, &s);
    let judges = if all {
        panel
            .iter()
            .map(|e| Judge {
                expert_id: e.id,
                name: e.name.clone(),
                work_unit: e.work_unit.clone(),
                has_account: e.user_id.is_some(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let active = store::active_nominations(tx, SelectionId(s.id)).await?;
    let missing_sheets = if all && s.status == SelectionStatus::Judging {
        Some(store::missing_sheets(tx, SelectionId(s.id)).await?)
    } else {
        None
    };
    let ranking = match s.status {
        SelectionStatus::Nominating => Vec::new(),
        SelectionStatus::Judging if all => provisional(tx, &s, &active).await?,
        SelectionStatus::Judging => Vec::new(),
        SelectionStatus::Published => published(tx, &s, &active, all).await?,
    };
    let mut actions = Vec::new();
    if s.status.nominate(s.nomination_deadline, today).is_ok() && may_nominate(ctx, &s) {
        actions.push(SelectionAction::Nominate);
    }
    if org && s.status.start_judging().is_ok() {
        actions.push(SelectionAction::StartJudging);
    }
    if org && s.status.publish().is_ok() {
        actions.push(SelectionAction::Publish);
    }
    Ok(SelectionView {
        unit_name,
        panel_size: panel.len(),
        judges,
        nominations: i64::try_from(active.len()).unwrap_or(i64::MAX),
        missing_sheets,
        ranking,
        actions,
        selection: s,
    })
}

/// Names of a nomination's case, handling unit and handler, for the ranking.
async fn names(tx: &mut Tx, n: &Nomination) -> AppResult<(String, Option<String>, Option<String>)> {
    let case_number = legalaid_store::cases::get(tx, CaseId(n.case_id))
        .await?
        .map(|c| c.number)
        .unwrap_or_default();
    let unit = match n.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    };
    let handler = match n.handler_id {
        Some(h) => legalaid_store::staff::get(tx, StaffId(h))
            .await?
            .map(|s| s.name),
        None => None,
    };
    Ok((case_number, unit, handler))
}

/// The domain's ranking of the active nominations from their sheets.
async fn ranked(
    tx: &mut Tx,
    s: &Selection,
    active: &[Nomination],
) -> AppResult<Vec<rules::Ranked>> {
    let sheets = store::scores_of_selection(tx, SelectionId(s.id)).await?;
    let input: Vec<(i64, Vec<JudgeScore>)> = active
        .iter()
        .map(|n| {
            (
                n.id,
                sheets
                    .iter()
                    .filter(|x| x.nomination_id == n.id)
                    .map(|x| JudgeScore::of(x.expert_id, &x.scores.0))
                    .collect(),
            )
        })
        .collect();
    Ok(rules::rank(
        &input,
        usize::try_from(s.judges_per_case).unwrap_or(1),
    ))
}

/// Each nomination's case number, handling unit and handler, by nomination id.
type Names = std::collections::HashMap<i64, (String, Option<String>, Option<String>)>;

async fn names_of(tx: &mut Tx, s: &Selection) -> AppResult<Names> {
    Ok(store::names(tx, SelectionId(s.id))
        .await?
        .into_iter()
        .map(|(id, number, unit, handler)| (id, (number, unit, handler)))
        .collect())
}

fn line(
    names: &Names,
    n: &Nomination,
    average: f64,
    judges: usize,
    rank: Option<usize>,
    honoured: bool,
) -> RankedLine {
    let (case_number, handling_unit_name, handler_name) =
        names.get(&n.id).cloned().unwrap_or_default();
    RankedLine {
        nomination_id: n.id,
        case_id: n.case_id,
        case_number,
        handling_unit_name,
        handler_name,
        average,
        judges,
        rank,
        honoured,
    }
}

async fn provisional(
    tx: &mut Tx,
    s: &Selection,
    active: &[Nomination],
) -> AppResult<Vec<RankedLine>> {
    let names = names_of(tx, s).await?;
    let places = u32::try_from(s.places).unwrap_or(0);
    Ok(ranked(tx, s, active)
        .await?
        .into_iter()
        .filter_map(|r| {
            let n = active.iter().find(|n| n.id == r.nomination_id)?;
            Some(line(
                &names,
                n,
                r.average,
                r.judges,
                r.rank,
                rules::honoured(r.rank, places),
            ))
        })
        .collect())
}

async fn published(
    tx: &mut Tx,
    s: &Selection,
    active: &[Nomination],
    all: bool,
) -> AppResult<Vec<RankedLine>> {
    let mut fixed: Vec<&Nomination> = active
        .iter()
        .filter(|n| n.final_rank.is_some() && (all || n.honoured))
        .collect();
    fixed.sort_by_key(|n| (n.final_rank, n.id));
    let sheets = store::scores_of_selection(tx, SelectionId(s.id)).await?;
    let names = names_of(tx, s).await?;
    Ok(fixed
        .into_iter()
        .map(|n| {
            line(
                &names,
                n,
                n.average_hundredths.unwrap_or(0) as f64 / 100.0,
                sheets.iter().filter(|x| x.nomination_id == n.id).count(),
                n.final_rank.and_then(|r| usize::try_from(r).ok()),
                n.honoured,
            )
        })
        .collect())
}

pub async fn get(app: &App, ctx: &Ctx, id: SelectionId) -> AppResult<SelectionView> {
    let mut tx = app.store.read().await?;
    let s = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, s, local_date(app.clock.now())).await
}

/// The selections the caller sees, newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &SelectionFilter,
    page: Page,
) -> AppResult<(Vec<SelectionLine>, i64)> {
    let reach = match policy::scope(ctx) {
        Scope::All => Reach::default(),
        Scope::Region(r) => Reach {
            region_like: Some(format!("{}%", r.as_str())),
            within: Some(r.to_string()),
        },
        Scope::Unit(_) => Reach {
            region_like: None,
            within: unit_of(ctx).map(|u| u.region_code.to_string()),
        },
        Scope::Nothing => return Ok((Vec::new(), 0)),
    };
    let mut tx = app.store.read().await?;
    Ok(store::selections(&mut tx, &reach, filter, page).await?)
}

/// What the creation form starts from: this year's title, the default criteria
/// and places, and the pool the panel is chosen from.
#[derive(Debug, Clone, Serialize)]
pub struct Defaults {
    pub year: i32,
    pub title: String,
    pub criteria: Vec<Criterion>,
    pub places: u32,
    pub judges_per_case: u32,
    /// The experts of the caller's pool fit to judge (active, not sanctioned).
    pub pool: Vec<Judge>,
}

pub async fn defaults(app: &App, ctx: &Ctx) -> AppResult<Defaults> {
    policy::require(can_organise(ctx))?;
    let home = organiser_unit(ctx)?;
    use chrono::Datelike;
    let year = local_date(app.clock.now()).year();
    let mut tx = app.store.read().await?;
    let pool = legalaid_store::quality::pool_for(&mut tx, home.region_code.as_str())
        .await?
        .into_iter()
        .filter(|e| e.active && !e.sanctioned)
        .map(|e| Judge {
            expert_id: e.id,
            has_account: e.user_id.is_some(),
            name: e.name,
            work_unit: e.work_unit,
        })
        .collect();
    Ok(Defaults {
        year,
        title: format!("{year}年度优秀法律援助案例评选"),
        criteria: rules::default_criteria(),
        places: rules::DEFAULT_PLACES,
        judges_per_case: rules::DEFAULT_JUDGES_PER_CASE,
        pool,
    })
}

/// The organising unit: a bureau or a center, whose region the selection covers.
fn organiser_unit(ctx: &Ctx) -> AppResult<legalaid_domain::unit::Unit> {
    let unit = unit_of(ctx).cloned().ok_or_else(|| {
        AppError::Conflict("请使用司法局或法律援助中心的账号组织优秀案例评选".into())
    })?;
    if !unit.kind.sees_region() {
        return Err(AppError::Conflict(
            "优秀案例评选由司法局或法律援助中心组织".into(),
        ));
    }
    Ok(unit)
}

/// Creates a selection (推荐中) with its panel: every judge from the pool of the
/// organiser's region (or a region above it), active and not sanctioned.
pub async fn create(app: &App, ctx: &Ctx, input: &SelectionInput) -> AppResult<SelectionView> {
    policy::require(can_organise(ctx))?;
    let home = organiser_unit(ctx)?;
    let now = app.clock.now();
    let today = local_date(now);
    let v = input.validate(today).map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    let pool = legalaid_store::quality::pool_for(&mut tx, home.region_code.as_str()).await?;
    for j in &v.judges {
        match pool.iter().find(|e| e.id == *j) {
            None => return Err(AppError::field("judges", "所选评委不在本辖区的专家库中")),
            Some(e) => {
                let r = crate::quality::experts::reviewer(e, v.year);
                if let Some(why) = review::unfit(&r, 0) {
                    return Err(AppError::field("judges", why));
                }
            }
        }
    }
    let s = Selection {
        id: 0,
        title: v.title.clone(),
        year: i64::from(v.year),
        closed_from: v.closed_from,
        closed_to: v.closed_to,
        nomination_deadline: v.nomination_deadline,
        places: i64::from(v.places),
        judges_per_case: i64::from(v.judges_per_case),
        criteria: JsonList(v.criteria.clone()),
        notes: v.notes.clone(),
        status: SelectionStatus::Nominating,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        created_by: ctx.user_id(),
        created_at: now,
        judging_at: None,
        published_at: None,
        published_by: None,
        version: 1,
    };
    let id = store::insert_selection(&mut tx, &s).await?;
    for j in &v.judges {
        store::add_judge(&mut tx, id, *j).await?;
    }
    let saved = store::selection(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentSelectionCreate,
        id,
        None::<&()>,
        Some(&(&saved, &v.judges)),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// The organiser's selection inside a write, with its state changed to `next`
/// and saved at `version` (409 if someone changed it meanwhile). Saving first
/// holds the row, so nominations and sheets written at the same moment wait.
async fn advance(
    tx: &mut Tx,
    ctx: &Ctx,
    id: SelectionId,
    version: i64,
    next: fn(SelectionStatus) -> Result<SelectionStatus, String>,
    now: DateTime<Utc>,
) -> AppResult<(Selection, Selection)> {
    policy::require(can_organise(ctx))?;
    let before = visible(tx, ctx, id).await?;
    policy::require(organises(ctx, &before))?;
    let mut after = before.clone();
    after.status = next(before.status).map_err(AppError::Conflict)?;
    match after.status {
        SelectionStatus::Judging => after.judging_at = Some(now),
        SelectionStatus::Published => {
            after.published_at = Some(now);
            after.published_by = ctx.user_id();
        }
        SelectionStatus::Nominating => {}
    }
    after.version = version;
    let saved = store::save_selection(tx, &after).await?;
    Ok((before, saved))
}

/// Closes the nominations (推荐截止) and gives each nominated case its judges
/// from the panel: none of its handling unit nor its handler, the least loaded
/// first (the file review's assignment). Refused (409) without nominations, or
/// when a case cannot get enough judges; nothing changes then.
pub async fn start_judging(
    app: &App,
    ctx: &Ctx,
    id: SelectionId,
    version: i64,
) -> AppResult<SelectionView> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (before, saved) = advance(
        &mut tx,
        ctx,
        id,
        version,
        SelectionStatus::start_judging,
        now,
    )
    .await?;
    let active = store::active_nominations(&mut tx, id).await?;
    if active.is_empty() {
        return Err(AppError::Conflict("还没有推荐的案件，不能开始评审".into()));
    }
    let year = i32::try_from(saved.year).unwrap_or(2000);
    let pool: Vec<_> = store::judges(&mut tx, id)
        .await?
        .iter()
        .map(|e| crate::quality::experts::reviewer(e, year))
        .collect();
    let files: Vec<File> = active
        .iter()
        .map(|n| File {
            case_id: CaseId(n.case_id),
            handling_unit_id: n.handling_unit_id.map(UnitId),
            handler_id: n.handler_id.map(StaffId),
        })
        .collect();
    let per_case = usize::try_from(saved.judges_per_case).unwrap_or(1);
    let seed = format!("excellent-{}", saved.id);
    let chosen = match review::assign(&files, &pool, per_case, 0, &seed) {
        Ok(c) => c,
        Err(short) => {
            let mut texts = Vec::new();
            for s in short {
                let number = legalaid_store::cases::get(&mut tx, s.case_id)
                    .await?
                    .map(|c| c.number)
                    .unwrap_or_default();
                texts.push(rules::shortfall_text(&number, s.needed, s.available));
            }
            return Err(AppError::Conflict(texts.join("；")));
        }
    };
    let mut assignments = Vec::new();
    for (case, judges) in chosen {
        let Some(n) = active.iter().find(|n| n.case_id == case.0) else {
            continue;
        };
        for j in judges {
            store::assign(&mut tx, legalaid_domain::NominationId(n.id), j.0).await?;
            assignments.push((n.id, j.0));
        }
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentSelectionStartJudging,
        id,
        Some(&before),
        Some(&(&saved, &assignments)),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Publishes the results once every judge has scored (409 otherwise): each
/// nomination's average and rank are fixed, the first places honoured, and
/// their handlers and units told (in-app and by SMS).
pub async fn publish(
    app: &App,
    ctx: &Ctx,
    id: SelectionId,
    version: i64,
) -> AppResult<SelectionView> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (before, saved) = advance(&mut tx, ctx, id, version, SelectionStatus::publish, now).await?;
    let missing = store::missing_sheets(&mut tx, id).await?;
    rules::publishable(usize::try_from(missing).unwrap_or(usize::MAX))
        .map_err(AppError::Conflict)?;
    let active = store::active_nominations(&mut tx, id).await?;
    let places = u32::try_from(saved.places).unwrap_or(0);
    let mut results = Vec::new();
    for r in ranked(&mut tx, &saved, &active).await? {
        let Some(n) = active.iter().find(|n| n.id == r.nomination_id) else {
            continue;
        };
        let mut after = n.clone();
        after.average_hundredths = Some((r.average * 100.0).round() as i64);
        after.final_rank = r.rank.and_then(|x| i64::try_from(x).ok());
        after.honoured = rules::honoured(r.rank, places);
        let fixed = store::save_nomination(&mut tx, &after).await?;
        if fixed.honoured {
            tell(&mut tx, &saved, &fixed, now).await?;
        }
        results.push(fixed);
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentSelectionPublish,
        id,
        Some(&before),
        Some(&(&saved, &results)),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Tells the handler and the handling unit of an honoured case.
async fn tell(tx: &mut Tx, s: &Selection, n: &Nomination, now: DateTime<Utc>) -> AppResult<()> {
    let (case_number, unit, handler) = names(tx, n).await?;
    let rank = n.final_rank.unwrap_or(0);
    let mut v = Values::new();
    v.insert(P::Number, case_number);
    v.insert(P::Unit, unit.unwrap_or_default());
    v.insert(P::Handler, handler.unwrap_or_default());
    v.insert(
        P::Note,
        format!("在“{}”中获评优秀案例（第{rank}名）。", s.title),
    );
    let about = About {
        case_id: Some(n.case_id),
        application_id: None,
    };
    if let Some(h) = n.handler_id {
        outbox::to_staff(tx, MessageKind::ExcellentCase, h, about, v.clone(), now).await?;
    }
    if let Some(u) = n.handling_unit_id {
        outbox::to_unit(tx, MessageKind::ExcellentCase, u, about, v, now).await?;
    }
    Ok(())
}

/// A case's honour, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HonourView {
    pub selection_id: i64,
    pub title: String,
    pub year: i64,
    pub rank: i64,
    /// e.g. 2026年度优秀法律援助案例 第3名
    pub label: String,
    /// The published list.
    pub href: String,
}

/// The honours of a case the caller sees (404 otherwise), latest first.
pub async fn honours(app: &App, ctx: &Ctx, case: CaseId) -> AppResult<Vec<HonourView>> {
    let mut tx = app.store.read().await?;
    crate::cases::visible(&mut tx, ctx, case).await?;
    Ok(store::honours_of_case(&mut tx, case)
        .await?
        .into_iter()
        .map(honour_view)
        .collect())
}

fn honour_view(h: store::Honour) -> HonourView {
    HonourView {
        label: rules::honour_label(
            i32::try_from(h.year).unwrap_or(0),
            usize::try_from(h.final_rank).unwrap_or(0),
        ),
        href: format!("/quality/excellent/{}", h.selection_id),
        selection_id: h.selection_id,
        title: h.title,
        year: h.year,
        rank: h.final_rank,
    }
}

/// The honours of a case, inside the caller's transaction (the case checked by the
/// caller).
pub(crate) async fn honours_in(tx: &mut Tx, case: CaseId) -> AppResult<Vec<HonourView>> {
    Ok(store::honours_of_case(tx, case)
        .await?
        .into_iter()
        .map(honour_view)
        .collect())
}
