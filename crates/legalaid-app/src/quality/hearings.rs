//! Hearing observation (旁听庭审, LAL art 59; quality-supervision-outreach
//! §2.1): the center's staff plan to attend a hearing of a case they see (court
//! and date, prefilled from the case's hearing calendar), then record what they
//! observed, every dimension rated, or cancel the plan. A plan waits in the
//! quality queue until its hearing day. An observation with a dimension rated
//! 不满意 or problems written down is flagged 需要整改, and its page offers a
//! rectification order prefilled from it (the order itself is
//! [`super::rectifications`]).
//!
//! Who: quality staff, center reviewers and the director plan, record and
//! cancel; whoever sees the case (its handler's firm too) reads what was
//! observed of it, and nobody else learns it exists (404).

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::hearing::{
    DimensionInput, Observation as Validated, ObservationInput, ObservationStatus,
};
use legalaid_domain::record::Subject;
use legalaid_domain::role::Role;
use legalaid_domain::{CaseId, ObservationId, StaffId, local_date, local_time};
use legalaid_store::Tx;
use legalaid_store::hearings::{self as store, JsonList};
pub use legalaid_store::hearings::{
    LetterCounts, Observation, ObservationFilter, ObservationLine, ObservedHandler,
};
use serde::{Deserialize, Serialize};

/// Plans, records and cancels observations; sends opinion letters.
pub fn can_observe(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::QualityReviewer,
            Role::CenterReviewer,
            Role::CenterDirector,
        ],
    )
}

/// Reads the figures: center staff and bureau supervisors.
pub fn can_read_figures(ctx: &Ctx) -> bool {
    can_observe(ctx) || policy::acts_as(ctx, &[Role::BureauSupervisor])
}

/// What can be done to an observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationAction {
    /// Record what was observed (every dimension rated).
    Record,
    /// Cancel the plan.
    Cancel,
}

/// An observation with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ObservationView {
    pub observation: Observation,
    pub case_number: String,
    pub observer_name: String,
    pub handler_name: Option<String>,
    pub handling_unit_name: Option<String>,
    /// The page that issues a rectification order prefilled from this
    /// observation, when it is flagged and the caller may issue one.
    pub rectification_href: Option<String>,
    pub actions: Vec<ObservationAction>,
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: ObservationId) -> AppResult<Observation> {
    let o = store::observation(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::cases::visible(tx, ctx, CaseId(o.case_id)).await?;
    Ok(o)
}

async fn view(tx: &mut Tx, ctx: &Ctx, o: Observation) -> AppResult<ObservationView> {
    let case_number = legalaid_store::cases::get(tx, CaseId(o.case_id))
        .await?
        .map(|c| c.number)
        .unwrap_or_default();
    let staff_name = |s: Option<legalaid_domain::staff::Staff>| s.map(|s| s.name);
    let observer_name = staff_name(legalaid_store::staff::get(tx, StaffId(o.observer_id)).await?)
        .unwrap_or_default();
    let handler_name = match o.handler_id {
        Some(h) => staff_name(legalaid_store::staff::get(tx, StaffId(h)).await?),
        None => None,
    };
    let handling_unit_name = match o.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, legalaid_domain::UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    };
    let mut actions = Vec::new();
    if can_observe(ctx) && super::sees_region(ctx, &o.region_code) {
        if o.status.record().is_ok() {
            actions.push(ObservationAction::Record);
        }
        if o.status.cancel().is_ok() {
            actions.push(ObservationAction::Cancel);
        }
    }
    let rectification_href =
        (o.needs_rectification && super::rectifications::can_issue(ctx)).then(|| {
            format!(
                "/rectifications/new?case={}&source=hearing&observation={}",
                o.case_id, o.id
            )
        });
    Ok(ObservationView {
        case_number,
        observer_name,
        handler_name,
        handling_unit_name,
        rectification_href,
        actions,
        observation: o,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: ObservationId) -> AppResult<ObservationView> {
    let mut tx = app.store.read().await?;
    let o = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, o).await
}

/// The observations of the cases the caller sees, latest hearing first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &ObservationFilter,
    page: Page,
) -> AppResult<(Vec<ObservationLine>, i64)> {
    let mut tx = app.store.read().await?;
    Ok(store::observations(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// What the plan form starts from: the case, and its next scheduled hearing (or
/// its last one) with the court that hears it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanDefaults {
    pub case_id: i64,
    pub case_number: String,
    pub court: String,
    pub hearing_id: Option<i64>,
    pub hearing_date: Option<NaiveDate>,
    /// `HH:MM`, or empty.
    pub hearing_time: String,
    pub place: String,
    /// The caller's own staff record, if any (the default observer).
    pub observer_id: Option<i64>,
}

pub async fn defaults(app: &App, ctx: &Ctx, case: CaseId) -> AppResult<PlanDefaults> {
    policy::require(can_observe(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.read().await?;
    let c = crate::cases::visible(&mut tx, ctx, case).await?;
    let hearings = legalaid_store::cases::hearings(&mut tx, case).await?;
    let next = hearings
        .iter()
        .find(|h| h.starts_at >= now)
        .or_else(|| hearings.last());
    let mut d = PlanDefaults {
        case_id: c.id.0,
        case_number: c.number.clone(),
        court: c.case_organ.clone(),
        observer_id: ctx
            .actor
            .as_ref()
            .and_then(|a| a.user.staff_id)
            .map(|s| s.0),
        ..PlanDefaults::default()
    };
    if let Some(h) = next {
        let at = local_time(h.starts_at);
        d.hearing_id = Some(h.id);
        d.hearing_date = Some(at.date());
        d.hearing_time = at.format("%H:%M").to_string();
        d.place = h.place.clone();
        if d.court.is_empty() {
            d.court = h.place.clone();
        }
    }
    Ok(d)
}

/// An observation as a form or the API sends it: the case (and the hearing on
/// its calendar, if planned from one), the time if known, and the observation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub hearing_id: Option<i64>,
    /// `HH:MM`, or empty.
    #[serde(default)]
    pub hearing_time: String,
    #[serde(flatten)]
    pub observation: ObservationInput,
}

fn check_time(raw: &str) -> AppResult<String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    chrono::NaiveTime::parse_from_str(t, "%H:%M")
        .map(|x| x.format("%H:%M").to_string())
        .map_err(|_| AppError::field("hearing_time", "开庭时间格式应为 HH:MM"))
}

/// Plans an observation (status `planned`), or records one observed without a
/// plan (status `recorded`, every dimension rated).
pub async fn plan(app: &App, ctx: &Ctx, input: &PlanInput) -> AppResult<ObservationView> {
    policy::require(can_observe(ctx))?;
    let home = super::home_unit(ctx)?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut given = input.observation.clone();
    if given.observer_id.is_none() {
        given.observer_id = ctx
            .actor
            .as_ref()
            .and_then(|a| a.user.staff_id)
            .map(|s| s.0);
    }
    let case_id = input
        .case_id
        .ok_or_else(|| AppError::field("case_id", "请选择案件"))?;
    let v = given.validate(today).map_err(AppError::Validation)?;
    let hearing_time = check_time(&input.hearing_time)?;
    let mut tx = app.store.write().await?;
    let case = crate::cases::visible(&mut tx, ctx, CaseId(case_id)).await?;
    if let Some(h) = input.hearing_id
        && !legalaid_store::cases::hearings(&mut tx, case.id)
            .await?
            .iter()
            .any(|x| x.id == h)
    {
        return Err(AppError::field("hearing_id", "该开庭安排不属于本案"));
    }
    check_observer(&mut tx, ctx, v.observer_id).await?;
    let o = Observation {
        id: 0,
        case_id,
        hearing_id: input.hearing_id,
        court: v.court.clone(),
        hearing_date: v.hearing_date,
        hearing_time,
        observer_id: v.observer_id.0,
        status: v.status,
        ratings: JsonList(v.ratings.clone()),
        needs_rectification: v.needs_rectification(),
        issues: v.issues.clone(),
        comment: v.comment.clone(),
        cancel_reason: String::new(),
        handler_id: case.handler_id,
        handling_unit_id: case.handling_unit_id,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        created_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        recorded_at: (v.status == ObservationStatus::Recorded).then_some(now),
        recorded_by: (v.status == ObservationStatus::Recorded)
            .then(|| ctx.user_id())
            .flatten(),
        version: 1,
    };
    let id = store::insert_observation(&mut tx, &o).await?;
    let saved = store::observation(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = match saved.status {
        ObservationStatus::Recorded => AuditAction::ObservationRecord,
        _ => AuditAction::ObservationPlan,
    };
    audit::record(app, &mut tx, ctx, action, id, None::<&()>, Some(&saved)).await?;
    finish(app, tx, ctx, id).await
}

/// The observer is a staff member of a unit in the caller's region.
async fn check_observer(tx: &mut Tx, ctx: &Ctx, id: StaffId) -> AppResult<()> {
    let staff = legalaid_store::staff::get(tx, id)
        .await?
        .ok_or_else(|| AppError::field("observer_id", "所选旁听人员不存在"))?;
    let unit = legalaid_store::units::get(tx, staff.unit_id).await?;
    if !unit.is_some_and(|u| super::sees_region(ctx, u.region_code.as_str())) {
        return Err(AppError::field(
            "observer_id",
            "旁听人员应为本辖区的工作人员",
        ));
    }
    Ok(())
}

/// What the observer records after the hearing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordInput {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub ratings: Vec<DimensionInput>,
    #[serde(default)]
    pub issues: String,
    #[serde(default)]
    pub comment: String,
}

/// Records a planned observation: every dimension rated (422 otherwise, and
/// nothing is saved); flagged 需要整改 when a dimension is 不满意 or problems
/// are written down.
pub async fn record(
    app: &App,
    ctx: &Ctx,
    id: ObservationId,
    input: &RecordInput,
) -> AppResult<ObservationView> {
    policy::require(can_observe(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(super::sees_region(ctx, &before.region_code))?;
    let status = before.status.record().map_err(AppError::Conflict)?;
    let v: Validated = ObservationInput {
        status: status.as_str().into(),
        court: before.court.clone(),
        hearing_date: Some(before.hearing_date),
        observer_id: Some(before.observer_id),
        ratings: input.ratings.clone(),
        issues: input.issues.clone(),
        comment: input.comment.clone(),
    }
    .validate(local_date(now))
    .map_err(AppError::Validation)?;
    let mut after = before.clone();
    after.status = status;
    after.ratings = JsonList(v.ratings.clone());
    after.needs_rectification = v.needs_rectification();
    after.issues = v.issues;
    after.comment = v.comment;
    after.recorded_at = Some(now);
    after.recorded_by = ctx.user_id();
    after.version = input.version;
    let saved = store::save_observation(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ObservationRecord,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// Cancels a plan, with the reason (the hearing was postponed…).
pub async fn cancel(
    app: &App,
    ctx: &Ctx,
    id: ObservationId,
    version: i64,
    reason: &str,
) -> AppResult<ObservationView> {
    policy::require(can_observe(ctx))?;
    let reason = crate::error::required_reason("reason", reason, "请填写取消的原因", "取消原因")?;
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(super::sees_region(ctx, &before.region_code))?;
    let mut after = before.clone();
    after.status = before.status.cancel().map_err(AppError::Conflict)?;
    after.cancel_reason = reason.to_owned();
    after.version = version;
    let saved = store::save_observation(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ObservationCancel,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

async fn finish(app: &App, mut tx: Tx, ctx: &Ctx, id: ObservationId) -> AppResult<ObservationView> {
    crate::queues::track(app, &mut tx, Subject::Observation(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// The figures of a period: hearings observed against hearings held (the
/// observation ratio), observations per handling unit and handler, and the
/// opinion letters by outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Hearings on the calendars of the cases in scope.
    pub hearings: i64,
    /// Observations recorded of hearings in the period.
    pub observed: i64,
    /// observed ÷ hearings (domain `hearing::ratio`); none without hearings.
    pub ratio: Option<f64>,
    /// Observations flagged 需要整改.
    pub flagged: i64,
    pub by_handler: Vec<ObservedHandler>,
    pub opinions: LetterCounts,
}

/// The figures of `[from, to]` (default: this year to date) in the caller's scope.
pub async fn figures(
    app: &App,
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Figures> {
    policy::require(can_read_figures(ctx))?;
    use chrono::Datelike;
    let today = local_date(app.clock.now());
    let from = from.unwrap_or_else(|| today.with_ordinal(1).unwrap_or(today));
    let to = to.unwrap_or(today);
    if to < from {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    let scope = policy::scope(ctx);
    let mut tx = app.store.read().await?;
    let by_handler = store::observed_by_handler(&mut tx, &scope, from, to).await?;
    let hearings = store::hearings_held(
        &mut tx,
        &scope,
        start_of(from),
        start_of(to.succ_opt().unwrap_or(to)),
    )
    .await?;
    let observed: i64 = by_handler.iter().map(|h| h.observed).sum();
    let flagged = by_handler.iter().map(|h| h.flagged).sum();
    let opinions = store::letter_counts(&mut tx, &scope, from, to).await?;
    let ratio = legalaid_domain::hearing::ratio(
        u32::try_from(observed).unwrap_or(u32::MAX),
        u32::try_from(hearings).unwrap_or(u32::MAX),
    );
    Ok(Figures {
        from,
        to,
        hearings,
        observed,
        ratio,
        flagged,
        by_handler,
        opinions,
    })
}

/// The instant a local (UTC+8) day begins.
fn start_of(d: NaiveDate) -> DateTime<Utc> {
    (d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)).and_utc()
}
