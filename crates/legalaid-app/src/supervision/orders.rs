//! Supervision orders (督办, quality-supervision-outreach §5.3): a bureau
//! supervisor puts a unit that lags on the dashboard under supervision, with
//! the indicator's data computed here as of today (never taken from the
//! caller), a requirement and a deadline. The unit answers with its measures;
//! the bureau closes the order, returns it, or escalates it (专项督查, then
//! 约谈), each with a new deadline. Every step is audited, kept in the order's
//! history, and moves the order through the queues; the unit is told of the
//! order and of each escalation; the 督办通知书 is a document of the order.

use super::{Node, can_keep_rules as can_issue_rules, can_view, dashboard};
use crate::outbox::{self, About};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::NaiveDate;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::{Placeholder as P, Values};
use legalaid_domain::record::Subject;
use legalaid_domain::supervision::order::{
    Figures, Indicator, OrderEvent, OrderInput, OrderStatus, check_deadline,
};
use legalaid_domain::unit::{Unit, UnitKind};
use legalaid_domain::{SupervisionOrderId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::supervision_orders::{self as store, Filter};
pub use legalaid_store::supervision_orders::{Line, Step, SupervisionOrder};
use serde::Serialize;

/// What can be done to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    Answer,
    Close,
    Return,
    Escalate,
}

/// A step with the name of who took it.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    #[serde(flatten)]
    pub step: Step,
    pub label: &'static str,
    pub by: String,
}

/// An order with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    pub order: SupervisionOrder,
    pub issuing_unit: String,
    pub target_unit: String,
    /// The figures the order now stands on: those of the last escalation, or
    /// of the issue.
    pub figures: Figures,
    pub steps: Vec<StepView>,
    /// Past its deadline and not answered.
    pub overdue: bool,
    pub actions: Vec<OrderAction>,
}

/// Issues, closes, returns and escalates orders: bureau supervisors.
pub fn can_issue(ctx: &Ctx) -> bool {
    can_issue_rules(ctx)
}

/// Whether the caller deals with orders at all (the nav link): a supervisor's
/// side, or a unit that can be supervised.
pub fn sees_orders(ctx: &Ctx) -> bool {
    can_view(ctx)
        || ctx.actor.as_ref().is_some_and(|a| {
            a.unit
                .as_ref()
                .is_some_and(|u| supervisable(u.kind) || u.kind == UnitKind::JusticeBureau)
        })
}

/// The units an order may go to: those a dashboard lists (a center, a
/// judicial office, a workstation) and the bureau of a region below.
fn supervisable(kind: UnitKind) -> bool {
    matches!(
        kind,
        UnitKind::LegalAidCenter | UnitKind::JudicialOffice | UnitKind::Workstation
    )
}

fn is_target(ctx: &Ctx, o: &SupervisionOrder) -> bool {
    ctx.actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .is_some_and(|u| u.id.0 == o.target_unit_id)
}

async fn is_issuer_side(tx: &mut Tx, ctx: &Ctx, o: &SupervisionOrder) -> AppResult<bool> {
    if !can_view(ctx) {
        return Ok(false);
    }
    let Some(u) = legalaid_store::units::get(tx, UnitId(o.target_unit_id)).await? else {
        return Ok(false);
    };
    // The target's own bureau (or a center) sees its region; the target itself
    // is answered for by `is_target`.
    Ok(policy::scope(ctx).covers(u.id, &u.region_code) && !is_target(ctx, o))
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: SupervisionOrderId) -> AppResult<SupervisionOrder> {
    let o = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if is_target(ctx, &o) || is_issuer_side(tx, ctx, &o).await? {
        Ok(o)
    } else {
        Err(AppError::NotFound)
    }
}

fn step_label(action: &str) -> &'static str {
    match action {
        "issue" => "下达督办",
        "answer" => OrderEvent::Answer.label(),
        "close" => OrderEvent::Close.label(),
        "return" => OrderEvent::Return.label(),
        "escalate" => OrderEvent::Escalate.label(),
        _ => "",
    }
}

async fn view(
    tx: &mut Tx,
    ctx: &Ctx,
    o: SupervisionOrder,
    today: NaiveDate,
) -> AppResult<OrderView> {
    let name = |u: Option<Unit>| u.map(|u| u.name).unwrap_or_default();
    let issuing_unit = name(legalaid_store::units::get(tx, UnitId(o.unit_id)).await?);
    let target_unit = name(legalaid_store::units::get(tx, UnitId(o.target_unit_id)).await?);
    let raw = store::steps(tx, o.id).await?;
    let mut figures = o.figures.clone();
    let mut steps = Vec::with_capacity(raw.len());
    for s in raw {
        if let Ok(f) = serde_json::from_str::<Figures>(&s.figures) {
            figures = f;
        }
        let by = legalaid_store::users::get(tx, legalaid_domain::UserId(s.created_by))
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        steps.push(StepView {
            label: step_label(&s.action),
            by,
            step: s,
        });
    }
    let mut actions = Vec::new();
    if o.status.awaits_unit() && is_target(ctx, &o) {
        actions.push(OrderAction::Answer);
    }
    if can_issue(ctx) && is_issuer_side(tx, ctx, &o).await? {
        if o.status == OrderStatus::Answered {
            actions.push(OrderAction::Close);
            actions.push(OrderAction::Return);
        }
        if o.status.is_open() && o.escalation.up().is_some() {
            actions.push(OrderAction::Escalate);
        }
    }
    Ok(OrderView {
        overdue: o.status.is_overdue(o.deadline, today),
        issuing_unit,
        target_unit,
        figures,
        steps,
        actions,
        order: o,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: SupervisionOrderId) -> AppResult<OrderView> {
    let mut tx = app.store.read().await?;
    let o = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, o, local_date(app.clock.now())).await
}

/// The orders the caller deals with, newest first: those to units in their
/// region (the supervising side), or those to their own unit.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    open_only: bool,
    unit: Option<i64>,
    page: Page,
) -> AppResult<(Vec<Line>, i64)> {
    use legalaid_domain::visibility::Scope;
    let own = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id.0);
    let f = match policy::scope(ctx) {
        Scope::All if can_view(ctx) => Filter {
            region: Some(String::new()),
            ..Filter::default()
        },
        Scope::Region(r) if can_view(ctx) => Filter {
            region: Some(r.to_string()),
            ..Filter::default()
        },
        _ => Filter {
            target_unit_id: Some(own.ok_or_else(AppError::forbidden)?),
            ..Filter::default()
        },
    };
    let f = Filter {
        open: open_only,
        unit,
        ..f
    };
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &f, page).await?)
}

/// The figures of `indicator` for `target` in `year` as of `as_of`, from the
/// dashboards the issuer sees: the unit's (or the bureau's region's) own line,
/// compared with the region above.
pub async fn figures_of(
    app: &App,
    ctx: &Ctx,
    target: &Unit,
    year: i32,
    as_of: NaiveDate,
    indicator: Indicator,
) -> AppResult<Figures> {
    let (own, above) = if target.kind == UnitKind::JusticeBureau {
        let code = target.region_code.as_str().to_owned();
        let parent = target.region_code.parent().map(|p| p.as_str().to_owned());
        (
            dashboard(app, ctx, Some(&code), None, Some(year), Some(as_of)).await?,
            parent,
        )
    } else {
        let rc = target.region_code.as_str();
        let county: String = rc.chars().take(6).collect();
        (
            dashboard(app, ctx, None, Some(target.id.0), Some(year), Some(as_of)).await?,
            Some(county),
        )
    };
    let region = match above {
        Some(code) => dashboard(app, ctx, Some(&code), None, Some(year), Some(as_of))
            .await
            .ok(),
        None => None,
    };
    let region_name = region
        .as_ref()
        .map(|d| d.total.name.clone())
        .unwrap_or_else(|| "上级区域".to_owned());
    let t = &own.total;
    Ok(match indicator {
        Indicator::Progress => {
            let rp = region
                .as_ref()
                .map_or_else(|| t.progress.clone(), |d| d.total.progress.clone());
            Figures::of_progress(
                year,
                own.as_of,
                &t.progress,
                &region_name,
                &rp,
                own.rule.lag_margin_points,
            )
        }
        i => {
            let pick = |l: &super::Line| match i {
                Indicator::ConclusionRate => l.conclusion_rate,
                Indicator::ArchiveRate => l.archive_rate,
                _ => l.subsidy_rate,
            };
            let rr = region.as_ref().map_or(
                legalaid_domain::supervision::Ratio { part: 0, whole: 0 },
                |d| pick(&d.total),
            );
            Figures::of_rate(year, own.as_of, i, pick(t), &region_name, rr)
        }
    })
}

/// The target of an order, checked: it exists, the caller's scope covers it,
/// it is not the caller's own unit, and it is a unit a dashboard supervises.
async fn target_of(app: &App, ctx: &Ctx, id: i64) -> AppResult<Unit> {
    let u = {
        let mut tx = app.store.read().await?;
        legalaid_store::units::get(&mut tx, UnitId(id))
            .await?
            .ok_or_else(|| AppError::field("target_unit_id", "所选单位不存在"))?
    };
    if !policy::scope(ctx).covers(u.id, &u.region_code) {
        return Err(AppError::field(
            "target_unit_id",
            "只能对本辖区的单位下达督办",
        ));
    }
    let own = ctx.actor.as_ref().and_then(|a| a.unit.as_ref());
    if own.is_some_and(|o| o.id == u.id) {
        return Err(AppError::field("target_unit_id", "不能对本单位下达督办"));
    }
    if !(supervisable(u.kind) || u.kind == UnitKind::JusticeBureau) {
        return Err(AppError::field(
            "target_unit_id",
            "督办对象应为法律援助中心、司法所、工作站或下级司法局",
        ));
    }
    Ok(u)
}

/// Issues an order on a unit that lags on `indicator`; the unit is told and
/// has it in its queue. A second open order on the same unit, year and
/// indicator is 409 (the partial unique index decides a race).
pub async fn issue(app: &App, ctx: &Ctx, input: &OrderInput) -> AppResult<OrderView> {
    policy::require(can_issue(ctx))?;
    let home = super::home_bureau(ctx, "下达督办")?;
    let now = app.clock.now();
    let today = local_date(now);
    let f = input.validate(today).map_err(AppError::Validation)?;
    let target = target_of(app, ctx, f.target_unit_id).await?;
    let figures = figures_of(app, ctx, &target, f.year, today, f.indicator).await?;
    if !figures.behind {
        return Err(AppError::field(
            "indicator",
            format!(
                "该单位的{}未落后，不需督办：{}",
                f.indicator.label(),
                figures.sentence()
            ),
        ));
    }
    let mut tx = app.store.write().await?;
    let order = SupervisionOrder {
        id: 0,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        target_unit_id: target.id.0,
        year: f.year,
        indicator: f.indicator,
        figures,
        requirement: f.requirement,
        issued_on: today,
        deadline: f.deadline,
        status: OrderStatus::Issued,
        escalation: legalaid_domain::supervision::order::Escalation::Order,
        issued_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &order).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    add_step(&mut tx, ctx, &saved, "issue", "", None, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SupervisionOrderIssue,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tell(&mut tx, &saved, &target, &saved.requirement, now).await?;
    finish(app, tx, ctx, id).await
}

async fn add_step(
    tx: &mut Tx,
    ctx: &Ctx,
    o: &SupervisionOrder,
    action: &str,
    note: &str,
    figures: Option<&Figures>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    store::add_step(
        tx,
        &Step {
            id: 0,
            order_id: o.id,
            action: action.to_owned(),
            escalation: o.escalation,
            deadline: matches!(action, "issue" | "return" | "escalate").then_some(o.deadline),
            note: note.to_owned(),
            figures: figures
                .and_then(|f| serde_json::to_string(f).ok())
                .unwrap_or_default(),
            created_by: ctx.user_id().unwrap_or(0),
            created_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Tells the unit's staff of an order or its escalation (in-app; the SMS
/// template exists for an administrator to route it later).
async fn tell(
    tx: &mut Tx,
    o: &SupervisionOrder,
    target: &Unit,
    note: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let mut v = Values::new();
    v.insert(
        P::Number,
        format!(
            "{}年{}（{}）",
            o.year,
            o.indicator.label(),
            o.escalation.label()
        ),
    );
    v.insert(P::Deadline, legalaid_domain::document::date_cn(o.deadline));
    v.insert(P::Unit, target.name.clone());
    v.insert(P::Date, legalaid_domain::document::date_cn(local_date(now)));
    v.insert(P::Note, format!("督办要求：{note}"));
    outbox::to_unit(
        tx,
        MessageKind::SupervisionOrdered,
        o.target_unit_id,
        About::default(),
        v,
        now,
    )
    .await
}

/// The unit reports its measures.
pub async fn answer(
    app: &App,
    ctx: &Ctx,
    id: SupervisionOrderId,
    version: i64,
    measures: &str,
) -> AppResult<OrderView> {
    let measures =
        crate::error::required_reason("measures", measures, "请填写落实情况和措施", "落实情况")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(is_target(ctx, &before))?;
    let (status, escalation) = before
        .status
        .next(before.escalation, OrderEvent::Answer)
        .map_err(AppError::Conflict)?;
    let after = SupervisionOrder {
        status,
        escalation,
        version,
        ..before.clone()
    };
    let saved = store::save(&mut tx, &after).await?;
    add_step(&mut tx, ctx, &saved, "answer", measures, None, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SupervisionOrderAnswer,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// What the bureau does with an order: close, return or escalate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Close,
    Return,
    Escalate,
}

/// The bureau closes the order (its note optional), returns it (what is
/// missing, and a new deadline) or escalates it (the arrangements of the
/// inspection or the talk, and a new deadline; the figures are taken again as
/// of today and the unit is told).
pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: SupervisionOrderId,
    version: i64,
    decision: Decision,
    note: &str,
    deadline: Option<NaiveDate>,
) -> AppResult<OrderView> {
    policy::require(can_issue(ctx))?;
    let now = app.clock.now();
    let today = local_date(now);
    let note = match decision {
        Decision::Close => {
            crate::error::check_reason_length("note", note, "审核意见")?;
            note.trim()
        }
        Decision::Return => {
            crate::error::required_reason("note", note, "退回须写明仍需落实的事项", "审核意见")?
        }
        Decision::Escalate => crate::error::required_reason(
            "note",
            note,
            "请写明专项督查或约谈的时间、对象和事由",
            "升级督办的安排",
        )?,
    };
    let new_deadline = match decision {
        Decision::Close => None,
        _ => Some(check_deadline(today, deadline).map_err(|e| AppError::field("deadline", e))?),
    };
    let (before, target) = {
        let mut tx = app.store.read().await?;
        let o = visible(&mut tx, ctx, id).await?;
        policy::require(is_issuer_side(&mut tx, ctx, &o).await?)?;
        let t = legalaid_store::units::get(&mut tx, UnitId(o.target_unit_id))
            .await?
            .ok_or(AppError::NotFound)?;
        (o, t)
    };
    let event = match decision {
        Decision::Close => OrderEvent::Close,
        Decision::Return => OrderEvent::Return,
        Decision::Escalate => OrderEvent::Escalate,
    };
    let (status, escalation) = before
        .status
        .next(before.escalation, event)
        .map_err(AppError::Conflict)?;
    let figures = if decision == Decision::Escalate {
        Some(figures_of(app, ctx, &target, before.year, today, before.indicator).await?)
    } else {
        None
    };
    let mut tx = app.store.write().await?;
    let after = SupervisionOrder {
        status,
        escalation,
        deadline: new_deadline.unwrap_or(before.deadline),
        version,
        ..before.clone()
    };
    let saved = store::save(&mut tx, &after).await?;
    let (action, audit_action) = match decision {
        Decision::Close => ("close", AuditAction::SupervisionOrderClose),
        Decision::Return => ("return", AuditAction::SupervisionOrderReturn),
        Decision::Escalate => ("escalate", AuditAction::SupervisionOrderEscalate),
    };
    add_step(&mut tx, ctx, &saved, action, note, figures.as_ref(), now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        audit_action,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    if decision == Decision::Escalate {
        tell(&mut tx, &saved, &target, note, now).await?;
    }
    finish(app, tx, ctx, id).await
}

async fn finish(app: &App, mut tx: Tx, ctx: &Ctx, id: SupervisionOrderId) -> AppResult<OrderView> {
    crate::queues::track(app, &mut tx, Subject::SupervisionOrder(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// The open orders of `year` to units under `region`, for a dashboard: the
/// node each is shown on (the unit, or the region of a bureau).
pub(super) async fn open_on(
    tx: &mut Tx,
    region: &str,
    year: i32,
    units: &std::collections::HashMap<i64, &Unit>,
) -> AppResult<Vec<OpenOrder>> {
    Ok(store::open_in(tx, region, year)
        .await?
        .into_iter()
        .filter_map(|(unit_id, indicator, id, escalation)| {
            let u = units.get(&unit_id)?;
            let node = if u.kind == UnitKind::JusticeBureau {
                Node::Region {
                    code: u.region_code.as_str().to_owned(),
                }
            } else {
                Node::Unit { id: unit_id }
            };
            Some(OpenOrder {
                id,
                node,
                indicator,
                escalation,
            })
        })
        .collect())
}

/// An open order as a dashboard shows it beside its line.
#[derive(Debug, Clone, Serialize)]
pub struct OpenOrder {
    pub id: i64,
    pub node: Node,
    pub indicator: Indicator,
    pub escalation: legalaid_domain::supervision::order::Escalation,
}
