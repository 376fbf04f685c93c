//! Rectification orders (整改通知, quality-supervision-outreach §2.5): issued by
//! the quality staff of a center or a bureau from a finding (a file review, a
//! hearing observed, a follow-up visit, a complaint, an organ's opinion, a
//! bulletin) to a unit or a handler, with a problem category, a requirement and
//! a deadline; the target answers, the issuer checks (closed, or sent back),
//! and may escalate to a formal talk (约谈). A file graded 不合格 is graded again
//! only after its order is closed.

use crate::outbox::{self, About};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::{Placeholder as P, Values};
use legalaid_domain::record::Subject;
use legalaid_domain::rectification::{
    RectificationEvent, RectificationInput, RectificationSource, RectificationStatus,
};
use legalaid_domain::role::Role;
use legalaid_domain::{CaseId, RectificationId, ReviewId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::rectifications::{self as store, Filter};
pub use legalaid_store::rectifications::{Line, Rectification};
use serde::{Deserialize, Serialize};

/// What can be done to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationAction {
    /// The target reports what was rectified.
    Answer,
    /// The issuer checks the answer: closed, or sent back.
    Verify,
    /// The issuer escalates to a formal talk (约谈).
    Escalate,
}

/// An order with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct RectificationView {
    pub order: Rectification,
    pub issuing_unit: String,
    pub target_unit: String,
    pub target_staff: Option<String>,
    pub case_number: Option<String>,
    /// Past its deadline and not answered.
    pub overdue: bool,
    pub actions: Vec<RectificationAction>,
}

/// Issues orders, checks answers, escalates: quality staff and bureau supervisors.
pub fn can_issue(ctx: &Ctx) -> bool {
    super::is_quality_staff(ctx) || policy::acts_as(ctx, &[Role::BureauSupervisor])
}

/// Whether the caller is the order's target: its handler, or a handler of its
/// unit.
fn is_target(ctx: &Ctx, o: &Rectification) -> bool {
    let Some(a) = &ctx.actor else {
        return false;
    };
    if o.target_staff_id.is_some() && a.user.staff_id.map(|s| s.0) == o.target_staff_id {
        return true;
    }
    a.has(Role::Handler) && a.unit.as_ref().is_some_and(|u| u.id.0 == o.target_unit_id)
}

fn is_issuer_side(ctx: &Ctx, o: &Rectification) -> bool {
    (super::can_read(ctx) || can_issue(ctx)) && super::sees_region(ctx, &o.region_code)
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: RectificationId) -> AppResult<Rectification> {
    let o = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if is_issuer_side(ctx, &o) || is_target(ctx, &o) {
        Ok(o)
    } else {
        Err(AppError::NotFound)
    }
}

async fn view(
    tx: &mut Tx,
    ctx: &Ctx,
    o: Rectification,
    today: chrono::NaiveDate,
) -> AppResult<RectificationView> {
    let name = |u: Option<legalaid_domain::unit::Unit>| u.map(|u| u.name).unwrap_or_default();
    let issuing_unit = name(legalaid_store::units::get(tx, UnitId(o.unit_id)).await?);
    let target_unit = name(legalaid_store::units::get(tx, UnitId(o.target_unit_id)).await?);
    let target_staff = match o.target_staff_id {
        Some(s) => legalaid_store::staff::get(tx, legalaid_domain::StaffId(s))
            .await?
            .map(|s| s.name),
        None => None,
    };
    let case_number = match o.case_id {
        Some(c) => legalaid_store::cases::get(tx, CaseId(c))
            .await?
            .map(|c| c.number),
        None => None,
    };
    let mut actions = Vec::new();
    let open = matches!(
        o.status,
        RectificationStatus::Issued | RectificationStatus::Reopened
    );
    if open && is_target(ctx, &o) {
        actions.push(RectificationAction::Answer);
    }
    if is_issuer_side(ctx, &o) && can_issue(ctx) {
        if o.status == RectificationStatus::Answered {
            actions.push(RectificationAction::Verify);
        }
        if o.status.is_open() {
            actions.push(RectificationAction::Escalate);
        }
    }
    Ok(RectificationView {
        overdue: open && o.status.is_overdue(o.deadline, today),
        issuing_unit,
        target_unit,
        target_staff,
        case_number,
        actions,
        order: o,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: RectificationId) -> AppResult<RectificationView> {
    let mut tx = app.store.read().await?;
    let o = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, o, local_date(app.clock.now())).await
}

/// The orders the caller deals with: those of their region (issuers), or those
/// addressed to their unit or to them (targets); newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    open_only: bool,
    page: Page,
) -> AppResult<(Vec<Line>, i64)> {
    let f = match policy::scope(ctx) {
        legalaid_domain::visibility::Scope::All => Filter {
            region: Some(String::new()),
            open: open_only,
            ..Filter::default()
        },
        legalaid_domain::visibility::Scope::Region(r) if super::can_read(ctx) || can_issue(ctx) => {
            Filter {
                region: Some(r.to_string()),
                open: open_only,
                ..Filter::default()
            }
        }
        _ => {
            let a = ctx.actor.as_ref().ok_or_else(AppError::forbidden)?;
            Filter {
                region: None,
                target_unit_id: a
                    .has(Role::Handler)
                    .then(|| a.unit.as_ref().map(|u| u.id.0))
                    .flatten(),
                target_staff_id: a.user.staff_id.map(|s| s.0),
                open: open_only,
            }
        }
    };
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &f, page).await?)
}

/// An order as a form or the API sends it: the finding's record (a review, or
/// a case) and the order's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IssueInput {
    #[serde(default)]
    pub review_id: Option<i64>,
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(flatten)]
    pub order: RectificationInput,
}

/// Issues an order; the target is told (in-app and SMS) and has it in its queue.
pub async fn issue(app: &App, ctx: &Ctx, input: &IssueInput) -> AppResult<RectificationView> {
    policy::require(can_issue(ctx))?;
    let home = super::home_unit(ctx)?;
    let f = input.order.validate().map_err(AppError::Validation)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let target = legalaid_store::units::get(&mut tx, f.target_unit_id)
        .await?
        .ok_or_else(|| AppError::field("target_unit_id", "所选单位不存在"))?;
    if !super::sees_region(ctx, target.region_code.as_str()) {
        return Err(AppError::field(
            "target_unit_id",
            "只能向本辖区的单位下达整改通知",
        ));
    }
    if let Some(s) = f.target_staff_id {
        let staff = legalaid_store::staff::get(&mut tx, s)
            .await?
            .ok_or_else(|| AppError::field("target_staff_id", "所选人员不存在"))?;
        if staff.unit_id != f.target_unit_id {
            return Err(AppError::field("target_staff_id", "承办人不属于所选单位"));
        }
    }
    let mut case_id = input.case_id;
    let mut source_key = String::new();
    if let Some(r) = input.review_id {
        if f.source != RectificationSource::FileReview {
            return Err(AppError::field(
                "source",
                "来自案卷评查的整改，来源应为案卷评查",
            ));
        }
        let review = legalaid_store::quality::review(&mut tx, ReviewId(r))
            .await?
            .ok_or_else(|| AppError::field("review_id", "评查记录不存在"))?;
        let round =
            legalaid_store::quality::round(&mut tx, legalaid_domain::RoundId(review.round_id))
                .await?
                .ok_or(AppError::NotFound)?;
        if !super::sees_region(ctx, &round.region_code) {
            return Err(AppError::NotFound);
        }
        if review.status != legalaid_domain::quality::review::ReviewStatus::Final {
            return Err(AppError::Conflict(
                "评查复核定级后才能据此下达整改通知".into(),
            ));
        }
        case_id = Some(review.case_id);
        source_key = Subject::Review(ReviewId(r)).key();
    }
    if let Some(c) = case_id {
        crate::cases::visible(&mut tx, ctx, CaseId(c)).await?;
        if source_key.is_empty() {
            source_key = Subject::Case(CaseId(c)).key();
        }
    }
    let order = Rectification {
        id: 0,
        source: f.source,
        source_key,
        review_id: input.review_id,
        case_id,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        target_unit_id: f.target_unit_id.0,
        target_staff_id: f.target_staff_id.map(|s| s.0),
        category: f.category,
        problem: f.problem,
        requirement: f.requirement,
        issued_on: f.issued_on,
        deadline: f.deadline,
        status: RectificationStatus::Issued,
        answer: String::new(),
        answered_at: None,
        answered_by: None,
        check_note: String::new(),
        checked_at: None,
        checked_by: None,
        escalation_note: String::new(),
        escalated_at: None,
        issued_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &order).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RectificationIssue,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tell(&mut tx, &saved, now).await?;
    finish(app, tx, ctx, id).await
}

/// Tells the target of a new order (in-app and SMS; the case, if any, is named
/// by its number, never by its facts).
async fn tell(tx: &mut Tx, o: &Rectification, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    let number = match o.case_id {
        Some(c) => legalaid_store::cases::get(tx, CaseId(c))
            .await?
            .map(|c| c.number)
            .unwrap_or_default(),
        None => "本单位的工作".into(),
    };
    let target = legalaid_store::units::get(tx, UnitId(o.target_unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let mut v = Values::new();
    v.insert(P::Number, number);
    v.insert(P::Deadline, legalaid_domain::document::date_cn(o.deadline));
    v.insert(P::Unit, target);
    v.insert(P::Date, legalaid_domain::document::date_cn(o.issued_on));
    v.insert(P::Note, format!("整改要求：{}", o.requirement));
    let about = About {
        case_id: o.case_id,
        application_id: None,
    };
    match o.target_staff_id {
        Some(s) => {
            outbox::to_staff(
                tx,
                MessageKind::RectificationOrdered,
                s,
                about,
                v.clone(),
                now,
            )
            .await?
        }
        None => {
            outbox::to_unit(
                tx,
                MessageKind::RectificationOrdered,
                o.target_unit_id,
                about,
                v,
                now,
            )
            .await?
        }
    }
    Ok(())
}

/// The target reports what was rectified.
pub async fn answer(
    app: &App,
    ctx: &Ctx,
    id: RectificationId,
    version: i64,
    text: &str,
) -> AppResult<RectificationView> {
    let text = crate::error::required_reason("answer", text, "请填写整改情况", "整改情况")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(is_target(ctx, &before))?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(RectificationEvent::Answer)
        .map_err(AppError::Conflict)?;
    after.answer = text.to_owned();
    after.answered_at = Some(now);
    after.answered_by = ctx.user_id();
    after.version = version;
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RectificationAnswer,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// The issuer checks the answer: closed (整改销号), or sent back with what is
/// still wrong.
pub async fn verify(
    app: &App,
    ctx: &Ctx,
    id: RectificationId,
    version: i64,
    ok: bool,
    note: &str,
) -> AppResult<RectificationView> {
    policy::require(can_issue(ctx))?;
    let note = if ok {
        crate::error::check_reason_length("note", note, "核查意见")?;
        note.trim()
    } else {
        crate::error::required_reason("note", note, "退回重新整改须写明仍存在的问题", "核查意见")?
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(is_issuer_side(ctx, &before))?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(RectificationEvent::Verify { ok })
        .map_err(AppError::Conflict)?;
    after.check_note = note.to_owned();
    after.checked_at = Some(now);
    after.checked_by = ctx.user_id();
    after.version = version;
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RectificationVerify,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// Escalates an open order to a formal talk (约谈), with its arrangements.
pub async fn escalate(
    app: &App,
    ctx: &Ctx,
    id: RectificationId,
    version: i64,
    note: &str,
) -> AppResult<RectificationView> {
    policy::require(can_issue(ctx))?;
    let note =
        crate::error::required_reason("note", note, "请写明约谈的时间、对象和事由", "约谈安排")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(is_issuer_side(ctx, &before))?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(RectificationEvent::Escalate)
        .map_err(AppError::Conflict)?;
    after.escalation_note = note.to_owned();
    after.escalated_at = Some(now);
    after.version = version;
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RectificationEscalate,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    id: RectificationId,
) -> AppResult<RectificationView> {
    crate::queues::track(app, &mut tx, Subject::Rectification(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// The orders of a review (for its page and the regrade rule).
pub(crate) async fn of_review(tx: &mut Tx, review: ReviewId) -> AppResult<Vec<Rectification>> {
    Ok(store::of_review(tx, review.0).await?)
}
