//! Follow-up visits to recipients (回访受援人, LAL art 59) and the fee alert
//! (LAL art 20): the center's staff record each attempt on a case (by phone, at
//! home, in person, by letter), with the recipient's five ratings when reached
//! and whether the handler asked for or took money or property. A yes raises an
//! alert: the center's quality staff and director are told in-app, and the
//! alert waits in the quality queue until the center records how it handled it.
//! Visit plans pick a reproducible share of the cases closed in a period, each
//! due a number of days after its closure (the rule `followup_visit`).
//!
//! Who: center staff (quality reviewers, center reviewers, the director) record
//! visits and plan; quality staff and the director handle alerts; bureau
//! supervisors read. Handlers and their firms never read the visits of their
//! cases (404): the recipient speaks about them in confidence, and an alert is a
//! clue against them.

use crate::outbox::{self, About};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{NaiveDate, TimeZone, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::followup::{
    DEFAULT_PLAN_DAYS, DEFAULT_SATISFIED, EvaluationItem, ItemRating, Tally, VisitFigures,
    VisitInput, VisitPlanStatus, VisitRecord, VisitTiming, figures_of_tallies, plan_share_selects,
};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::{Placeholder as P, Values};
use legalaid_domain::record::Subject;
use legalaid_domain::role::Role;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{CaseId, StaffId, UnitId, VisitId, VisitPlanId, local_date, local_time};
use legalaid_store::Tx;
use legalaid_store::visits::{self as store, Filter};
pub use legalaid_store::visits::{Line, Plan, PlanLine, Visit};
use serde::{Deserialize, Serialize};

/// Records visits and plans them: the center's staff.
pub fn can_record(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::QualityReviewer,
            Role::CenterReviewer,
            Role::CenterDirector,
        ],
    )
}

/// Handles fee alerts: quality staff and the director.
pub fn can_handle_alerts(ctx: &Ctx) -> bool {
    super::is_quality_staff(ctx)
}

/// Reads visits, plans and figures: the center's staff and bureau supervisors.
pub fn can_read(ctx: &Ctx) -> bool {
    can_record(ctx) || policy::acts_as(ctx, &[Role::BureauSupervisor])
}

/// The roles told of a fee alert in the center.
const ALERTED: &[Role] = &[Role::QualityReviewer, Role::CenterDirector];

/// The region prefix the caller reads, or 403.
fn region(ctx: &Ctx) -> AppResult<String> {
    policy::require(can_read(ctx))?;
    match policy::scope(ctx) {
        Scope::All => Ok(String::new()),
        Scope::Region(r) => Ok(r.to_string()),
        _ => Err(AppError::forbidden()),
    }
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: VisitId) -> AppResult<Visit> {
    let v = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if can_read(ctx) && super::sees_region(ctx, &v.region_code) {
        Ok(v)
    } else {
        Err(AppError::NotFound)
    }
}

/// What can be done to a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitAction {
    /// Record how the fee alert was handled.
    HandleAlert,
}

/// A visit with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct VisitView {
    pub visit: Visit,
    pub case_number: String,
    pub handling_unit: Option<String>,
    pub handler: Option<String>,
    pub caller: String,
    /// The ratings given, in the order of the evaluation page.
    pub evaluations: Vec<ItemRating>,
    /// The alert as the center reads it (LAL art 20), if the visit raised one.
    pub alert_text: Option<String>,
    pub actions: Vec<VisitAction>,
}

/// The domain record of a stored visit.
fn record_of(v: &Visit) -> VisitRecord {
    VisitRecord {
        mode: v.mode,
        timing: v.timing,
        visited_on: v.visited_on,
        outcome: v.outcome,
        evaluations: EvaluationItem::ALL
            .iter()
            .zip(v.ratings())
            .filter_map(|(&item, r)| r.map(|rating| ItemRating { item, rating }))
            .collect(),
        fee_asked: v.fee_asked,
        fee_paid: v.fee_paid,
        fee_detail: v.fee_detail.clone(),
        on_time: v.on_time,
        notes: v.notes.clone(),
    }
}

async fn view(tx: &mut Tx, ctx: &Ctx, v: Visit) -> AppResult<VisitView> {
    let case_number = legalaid_store::cases::get(tx, CaseId(v.case_id))
        .await?
        .map(|c| c.number)
        .unwrap_or_default();
    let handling_unit = match v.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    };
    let handler = match v.handler_id {
        Some(s) => legalaid_store::staff::get(tx, StaffId(s))
            .await?
            .map(|s| s.name),
        None => None,
    };
    let caller = legalaid_store::users::get(tx, legalaid_domain::UserId(v.caller_id))
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let record = record_of(&v);
    let mut actions = Vec::new();
    if v.alert_open() && can_handle_alerts(ctx) {
        actions.push(VisitAction::HandleAlert);
    }
    Ok(VisitView {
        case_number,
        handling_unit,
        handler,
        caller,
        evaluations: record.evaluations.clone(),
        alert_text: record.alert_text(),
        actions,
        visit: v,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: VisitId) -> AppResult<VisitView> {
    let mut tx = app.store.read().await?;
    let v = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, v).await
}

/// Which visits to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    /// Visited on or after.
    pub from: Option<NaiveDate>,
    /// Visited on or before.
    pub to: Option<NaiveDate>,
    /// Only visits whose fee alert is not handled yet.
    #[serde(default)]
    pub open_alerts: bool,
    pub case_id: Option<i64>,
}

/// The visits of the caller's region, newest first (403 for other readers).
pub async fn list(app: &App, ctx: &Ctx, f: &ListFilter, page: Page) -> AppResult<(Vec<Line>, i64)> {
    let region = region(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(store::list(
        &mut tx,
        &Filter {
            region,
            from: f.from,
            to: f.to,
            open_alerts: f.open_alerts,
            case_id: f.case_id,
        },
        page,
    )
    .await?)
}

/// A visit as a form or the API sends it: the case, the plan it carries out
/// (found by the case and timing when not given), and the record.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordInput {
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub plan_id: Option<i64>,
    #[serde(flatten)]
    pub visit: VisitInput,
}

/// Records a visit on a case (after assignment). A visit that finds money asked
/// or taken raises an alert: the center's quality staff and director are told
/// in-app and the alert waits in the quality queue. An attempt that reaches the
/// recipient (or finds the number dead) completes the case's plan for its
/// timing.
pub async fn record(app: &App, ctx: &Ctx, input: &RecordInput) -> AppResult<VisitView> {
    policy::require(can_record(ctx))?;
    let home = super::home_unit(ctx)?;
    let now = app.clock.now();
    let today = local_date(now);
    let case_id = input
        .case_id
        .ok_or_else(|| AppError::field("case_id", "请选择回访的案件"))?;
    let rec = input.visit.validate(today).map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    let case = crate::cases::visible(&mut tx, ctx, CaseId(case_id)).await?;
    if case.handler_id.is_none() {
        return Err(AppError::Conflict("案件指派承办人后才能回访受援人".into()));
    }
    let plan = match input.plan_id {
        Some(p) => {
            let plan = store::plan(&mut tx, VisitPlanId(p))
                .await?
                .filter(|p| p.case_id == case_id)
                .ok_or_else(|| AppError::field("plan_id", "回访计划不属于该案件"))?;
            Some(plan)
        }
        None => store::open_plan(&mut tx, case_id, rec.timing).await?,
    };
    let rating = |item| rec.rating(item);
    let visit = Visit {
        id: 0,
        case_id,
        plan_id: plan.as_ref().map(|p| p.id),
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        handling_unit_id: case.handling_unit_id,
        handler_id: case.handler_id,
        mode: rec.mode,
        timing: rec.timing,
        visited_on: rec.visited_on,
        caller_id: ctx.user_id().unwrap_or(0),
        outcome: rec.outcome,
        service_attitude: rating(EvaluationItem::ServiceAttitude),
        communication: rating(EvaluationItem::Communication),
        rights_protection: rating(EvaluationItem::RightsProtection),
        case_result: rating(EvaluationItem::CaseResult),
        overall: rating(EvaluationItem::Overall),
        fee_asked: rec.fee_asked,
        fee_paid: rec.fee_paid,
        fee_detail: rec.fee_detail.clone(),
        on_time: rec.on_time,
        notes: rec.notes.clone(),
        alert_raised: rec.raises_alert(),
        alert_handled: false,
        alert_handled_at: None,
        alert_handled_by: None,
        alert_note: String::new(),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &visit).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::VisitRecord,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    if let Some(p) = plan.filter(|p| p.status == VisitPlanStatus::Planned)
        && rec.outcome.completes_plan()
    {
        store::complete_plan(&mut tx, VisitPlanId(p.id)).await?;
        crate::queues::track(app, &mut tx, Subject::VisitPlan(VisitPlanId(p.id))).await?;
    }
    if let Some(text) = rec.alert_text() {
        let mut v = Values::new();
        v.insert(P::Unit, home.name.clone());
        v.insert(P::Number, case.number.clone());
        v.insert(P::Date, legalaid_domain::document::date_cn(rec.visited_on));
        v.insert(P::Note, text);
        let about = About {
            case_id: Some(case_id),
            application_id: None,
        };
        outbox::to_unit_roles(
            &mut tx,
            MessageKind::FeeAlert,
            home.id.0,
            ALERTED,
            about,
            v,
            now,
        )
        .await?;
    }
    crate::queues::track(app, &mut tx, Subject::Visit(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Records how the center handled a fee alert (调查处理情况, required); the alert
/// leaves the queue.
pub async fn handle_alert(
    app: &App,
    ctx: &Ctx,
    id: VisitId,
    version: i64,
    note: &str,
) -> AppResult<VisitView> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(can_handle_alerts(ctx))?;
    let note = crate::error::required_reason(
        "note",
        note,
        "请填写对违规收费线索的调查处理情况",
        "处理情况",
    )?;
    if !before.alert_raised {
        return Err(AppError::Conflict("本次回访没有发现违规收费线索".into()));
    }
    if before.alert_handled {
        return Err(AppError::Conflict("该线索已记录处理情况".into()));
    }
    let saved = store::handle_alert(&mut tx, id, version, note, now, ctx.user_id()).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::VisitHandleAlert,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    crate::queues::track(app, &mut tx, Subject::Visit(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

// ---------------------------------------------------------------- plans

/// What a planning run is given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    /// Cases closed on or after.
    pub from: Option<NaiveDate>,
    /// Cases closed on or before.
    pub to: Option<NaiveDate>,
    /// The share of the closed cases to visit, 0 to 100.
    pub share_percent: Option<u32>,
    /// What the draw is keyed by; the same seed draws the same cases. Default:
    /// `回访{from}至{to}`.
    #[serde(default)]
    pub seed: String,
}

/// What a planning run did.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOutcome {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub share_percent: u32,
    pub seed: String,
    /// Cases closed in the period in the caller's region.
    pub closed: u32,
    /// Of those, in the share.
    pub selected: u32,
    /// Plans made now.
    pub planned: u32,
    /// Selected cases that had a plan already (from an earlier run, or a
    /// concurrent one).
    pub already_planned: u32,
}

fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8);
    Utc.from_utc_datetime(&local)
}

/// Plans a visit after closure for the share of the cases closed (archived) in
/// the period whose handling unit is in the caller's region, each due the
/// `followup_visit` period after its closure (a product default of
/// [`DEFAULT_PLAN_DAYS`] when the rule is missing) and in the quality queue
/// until done. Idempotent: a case has one plan per timing (the unique pair), so a
/// second run, or one at the same time on another instance, plans only what is
/// not planned yet. Goes through every closed case a batch at a time.
pub async fn plan(app: &App, ctx: &Ctx, input: &PlanInput) -> AppResult<PlanOutcome> {
    policy::require(can_record(ctx))?;
    let home = super::home_unit(ctx)?;
    let mut v = legalaid_domain::Validation::new();
    if input.from.is_none() {
        v.add("from", "请填写结案日期起");
    }
    if input.to.is_none() {
        v.add("to", "请填写结案日期止");
    }
    if let (Some(f), Some(t)) = (input.from, input.to)
        && f > t
    {
        v.add("to", "结案日期止不能早于结案日期起");
    }
    match input.share_percent {
        None => v.add("share_percent", "请填写回访比例"),
        Some(p) if p > 100 => v.add("share_percent", "回访比例应在0至100之间"),
        _ => {}
    }
    let seed = input.seed.trim();
    if seed.chars().count() > 100 {
        v.add("seed", "抽取种子不能超过100个字");
    }
    let (Some(from), Some(to), Some(share)) = (input.from, input.to, input.share_percent) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    if !v.errors().is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let seed = if seed.is_empty() {
        format!("回访{from}至{to}")
    } else {
        seed.to_owned()
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let f = crate::in_force::in_force(app, &mut tx).await?;
    let rule = f.rules.deadline("followup_visit").cloned();
    let period = (day_start(from), day_start(to.succ_opt().unwrap_or(to)));
    let mut out = PlanOutcome {
        from,
        to,
        share_percent: share,
        seed: seed.clone(),
        closed: 0,
        selected: 0,
        planned: 0,
        already_planned: 0,
    };
    const BATCH: i64 = 1000;
    let mut after = 0;
    loop {
        let batch =
            store::closed_cases(&mut tx, home.region_code.as_str(), period, after, BATCH).await?;
        let short = batch.len() < BATCH as usize;
        for c in &batch {
            after = c.id;
            out.closed += 1;
            if !plan_share_selects(&seed, c.id, share) {
                continue;
            }
            out.selected += 1;
            let closed = local_time(c.closed_at);
            let due_on = match &rule {
                Some(r) => r
                    .due_or_provisional(closed, &[], &f.calendar)
                    .map_err(|g| AppError::Internal(format!("{g:?}")))?
                    .0
                    .date(),
                None => closed.date() + chrono::Duration::days(i64::from(DEFAULT_PLAN_DAYS)),
            };
            let p = Plan {
                id: 0,
                case_id: c.id,
                timing: VisitTiming::AfterClosure,
                due_on,
                unit_id: home.id.0,
                region_code: home.region_code.to_string(),
                seed: seed.clone(),
                share_percent: i64::from(share),
                status: VisitPlanStatus::Planned,
                planned_by: ctx.user_id().unwrap_or(0),
                created_at: now,
                version: 1,
            };
            match store::insert_plan(&mut tx, &p).await? {
                Some(id) => {
                    out.planned += 1;
                    crate::queues::track(app, &mut tx, Subject::VisitPlan(id)).await?;
                }
                None => out.already_planned += 1,
            }
        }
        if short {
            break;
        }
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::VisitPlan,
        format!("{from}..{to}"),
        None::<&()>,
        Some(&out),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// A plan as its list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    #[serde(flatten)]
    pub line: PlanLine,
    /// Planned and past its due date.
    pub overdue: bool,
}

/// The plans of the caller's region, open ones first by due date.
pub async fn plans(
    app: &App,
    ctx: &Ctx,
    open_only: bool,
    page: Page,
) -> AppResult<(Vec<PlanItem>, i64)> {
    let region = region(ctx)?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.read().await?;
    let (rows, total) = store::plans(&mut tx, &region, open_only, page).await?;
    let items = rows
        .into_iter()
        .map(|line| PlanItem {
            overdue: line.plan.status == VisitPlanStatus::Planned && line.plan.due_on < today,
            line,
        })
        .collect();
    Ok((items, total))
}

/// What the visit form starts from: a plan, or a case.
#[derive(Debug, Clone, Serialize)]
pub struct Prefill {
    pub case_id: i64,
    pub case_number: String,
    pub plan_id: Option<i64>,
    pub timing: VisitTiming,
}

/// The case (and plan) a new visit is recorded on, checked as visible.
pub async fn prefill(
    app: &App,
    ctx: &Ctx,
    case_id: Option<i64>,
    plan_id: Option<i64>,
) -> AppResult<Prefill> {
    policy::require(can_record(ctx))?;
    let mut tx = app.store.read().await?;
    let plan = match plan_id {
        Some(p) => Some(
            store::plan(&mut tx, VisitPlanId(p))
                .await?
                .filter(|p| super::sees_region(ctx, &p.region_code))
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let case_id = plan
        .as_ref()
        .map(|p| p.case_id)
        .or(case_id)
        .ok_or(AppError::NotFound)?;
    let case = crate::cases::visible(&mut tx, ctx, CaseId(case_id)).await?;
    let timing = match (&plan, case.closed_at) {
        (Some(p), _) => p.timing,
        (None, Some(_)) => VisitTiming::AfterClosure,
        (None, None) => VisitTiming::During,
    };
    Ok(Prefill {
        case_id,
        case_number: case.number,
        plan_id: plan.map(|p| p.id),
        timing,
    })
}

// ---------------------------------------------------------------- figures

/// The figures of one handling unit or handler.
#[derive(Debug, Clone, Serialize)]
pub struct FigureLine {
    pub id: Option<i64>,
    pub name: String,
    pub figures: VisitFigures,
}

/// The figures of the visits made in a period in the caller's region: in all,
/// per handling unit and per handler. 满意率 counts 满意 and 基本满意 (the product
/// default, [`DEFAULT_SATISFIED`]).
#[derive(Debug, Clone, Serialize)]
pub struct FiguresView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: VisitFigures,
    pub by_unit: Vec<FigureLine>,
    pub by_handler: Vec<FigureLine>,
}

pub async fn figures(
    app: &App,
    ctx: &Ctx,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<FiguresView> {
    let region = region(ctx)?;
    if from > to {
        return Err(AppError::field("to", "截止日期不能早于起始日期"));
    }
    let mut tx = app.store.read().await?;
    let rows = store::tallies(&mut tx, &region, from, to).await?;
    let all: Vec<Tally> = rows.iter().map(|r| r.tally()).collect();
    let group = |key: &dyn Fn(&store::TallyRow) -> (Option<i64>, String)| {
        let mut keys: Vec<(Option<i64>, String)> = Vec::new();
        for r in &rows {
            let k = key(r);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.into_iter()
            .map(|(id, name)| {
                let ts: Vec<Tally> = rows
                    .iter()
                    .filter(|r| key(r).0 == id)
                    .map(|r| r.tally())
                    .collect();
                FigureLine {
                    id,
                    name,
                    figures: figures_of_tallies(&ts, DEFAULT_SATISFIED),
                }
            })
            .collect::<Vec<_>>()
    };
    let by_unit = group(&|r| {
        (
            r.handling_unit_id,
            r.unit_name.clone().unwrap_or_else(|| "（未指派）".into()),
        )
    });
    let by_handler = group(&|r| {
        (
            r.handler_id,
            r.handler_name
                .clone()
                .unwrap_or_else(|| "（未指派）".into()),
        )
    });
    Ok(FiguresView {
        from,
        to,
        total: figures_of_tallies(&all, DEFAULT_SATISFIED),
        by_unit,
        by_handler,
    })
}

/// The overall ratings (总体评价) recipients gave a handler's work in connected
/// visits since `from`, oldest first: for the handler's quality rating.
pub async fn evaluations_of_handler(
    tx: &mut Tx,
    staff_id: StaffId,
    from: NaiveDate,
) -> AppResult<Vec<(NaiveDate, legalaid_domain::followup::Satisfaction)>> {
    Ok(store::evaluations_of_handler(tx, staff_id.0, from).await?)
}
