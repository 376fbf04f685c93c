//! The review of one file, in three tiers: the archive check by the center's
//! quality staff, the experts' sheets (each expert scores alone and sees only
//! their own sheet), and the director's re-check, whose grade is final and
//! reaches the case and its subsidy. A file graded 不合格 is graded again after
//! rectification (复评): back to the director, whose new re-check is final.

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::Grade;
use legalaid_domain::quality::review::{ReviewEvent, ReviewStatus, Tier, combined};
use legalaid_domain::quality::scheme::ItemScore;
use legalaid_domain::record::Subject;
use legalaid_domain::{ReviewId, RoundId, local_date};
use legalaid_store::Tx;
use legalaid_store::quality::{self as store, Expert, Review, Round, Sheet, StoredScheme};
use serde::{Deserialize, Serialize};

/// What can be done to a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// 归档审查 (quality staff).
    ArchiveCheck,
    /// Score the file (an assigned expert, or quality staff entering an
    /// expert's paper sheet).
    Score,
    /// 中心负责人复核 (the director).
    Recheck,
    /// Grade again after rectification (the director).
    Regrade,
    /// Order the handler to rectify what the review found (quality staff).
    OrderRectification,
}

/// The file under review, as its reviewers need it.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub case_id: i64,
    pub number: String,
    pub case_type: String,
    pub stage: String,
    pub matter: String,
    pub handling_unit: String,
    pub handler: String,
    pub assigned_on: Option<chrono::NaiveDate>,
    pub ended_on: Option<chrono::NaiveDate>,
    pub closed_on: Option<chrono::NaiveDate>,
    pub outcome: String,
    pub closure_report: String,
    pub grade: Grade,
    pub subsidy_status: String,
}

/// An assigned expert and whether their sheet is in.
#[derive(Debug, Clone, Serialize)]
pub struct AssignedExpert {
    pub expert_id: i64,
    pub name: String,
    pub kind: String,
    pub submitted: bool,
    /// Signs in (else quality staff enter the paper sheet).
    pub has_account: bool,
}

/// A review with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub review: Review,
    pub round: Round,
    pub file: FileSummary,
    pub scheme: StoredScheme,
    pub experts: Vec<AssignedExpert>,
    /// The sheets the caller may read: all for quality staff and directors; an
    /// expert's own.
    pub sheets: Vec<Sheet>,
    /// The experts' totals combined (their rounded mean), once all are in.
    pub combined: Option<u32>,
    /// The director's starting point: each item at the experts' rounded mean.
    pub prefill: Vec<ItemScore>,
    /// The experts whose sheet the caller may submit now (their own, or a paper
    /// sheet entered by quality staff).
    pub may_score_for: Vec<i64>,
    /// Why the grade did not change the subsidy (paid before the review).
    pub subsidy_note: Option<String>,
    /// The rectification orders made from this review.
    pub rectifications: Vec<legalaid_store::rectifications::Rectification>,
    pub actions: Vec<ReviewAction>,
}

/// The caller's pool entry, if they are an expert.
async fn caller_expert(tx: &mut Tx, ctx: &Ctx) -> AppResult<Option<Expert>> {
    match &ctx.actor {
        Some(a) => Ok(store::expert_of_user(tx, a.user.id.0).await?),
        None => Ok(None),
    }
}

/// Loads a review the caller may see: quality readers of its round's region, and
/// the experts assigned to it. NotFound otherwise.
async fn visible(tx: &mut Tx, ctx: &Ctx, id: ReviewId) -> AppResult<(Review, Round)> {
    let r = store::review(tx, id).await?.ok_or(AppError::NotFound)?;
    let round = store::round(tx, RoundId(r.round_id))
        .await?
        .ok_or(AppError::NotFound)?;
    if super::can_read(ctx) && super::sees_region(ctx, &round.region_code) {
        return Ok((r, round));
    }
    if let Some(e) = caller_expert(tx, ctx).await?
        && store::assigned(tx, id).await?.iter().any(|a| a.id == e.id)
    {
        return Ok((r, round));
    }
    Err(AppError::NotFound)
}

pub async fn get(app: &App, ctx: &Ctx, id: ReviewId) -> AppResult<ReviewView> {
    let mut tx = app.store.read().await?;
    view(&mut tx, ctx, id).await
}

async fn view(tx: &mut Tx, ctx: &Ctx, id: ReviewId) -> AppResult<ReviewView> {
    let (review, round) = visible(tx, ctx, id).await?;
    let case = legalaid_store::cases::get(tx, legalaid_domain::CaseId(review.case_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let scheme = store::scheme(tx, legalaid_domain::SchemeId(review.scheme_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let assigned = store::assigned(tx, id).await?;
    let all_sheets = store::sheets(tx, id).await?;
    let me = caller_expert(tx, ctx).await?;
    let staff = super::is_quality_staff(ctx) || super::can_read(ctx);
    let experts: Vec<AssignedExpert> = assigned
        .iter()
        .map(|e| AssignedExpert {
            expert_id: e.id,
            name: e.name.clone(),
            kind: e.kind.label().to_owned(),
            submitted: all_sheets.iter().any(|s| s.expert_id == Some(e.id)),
            has_account: e.user_id.is_some(),
        })
        .collect();
    let sheets: Vec<Sheet> = all_sheets
        .iter()
        .filter(|s| staff || (me.is_some() && s.expert_id == me.as_ref().map(|m| m.id)))
        .cloned()
        .collect();
    let expert_sheets: Vec<&Sheet> = all_sheets
        .iter()
        .filter(|s| s.tier == Tier::CaseReview)
        .collect();
    let all_in = !experts.is_empty() && experts.iter().all(|e| e.submitted);
    let combined = all_in
        .then(|| {
            combined(
                &expert_sheets
                    .iter()
                    .map(|s| s.total as u32)
                    .collect::<Vec<_>>(),
            )
        })
        .flatten();
    let prefill = scheme
        .scheme
        .items
        .iter()
        .map(|item| {
            let scores: Vec<u32> = expert_sheets
                .iter()
                .filter_map(|s| s.scores.iter().find(|x| x.item == item.code))
                .map(|x| x.score)
                .collect();
            let notes: Vec<String> = expert_sheets
                .iter()
                .filter_map(|s| s.scores.iter().find(|x| x.item == item.code))
                .map(|x| x.note.clone())
                .filter(|n| !n.is_empty())
                .collect();
            ItemScore {
                item: item.code.clone(),
                score: combined_score(&scores).unwrap_or(item.points),
                note: notes.join("；"),
            }
        })
        .collect();
    let may_score_for: Vec<i64> = if review.status == ReviewStatus::Reviewing {
        experts
            .iter()
            .filter(|e| !e.submitted)
            .filter(|e| {
                me.as_ref().is_some_and(|m| m.id == e.expert_id) || super::is_quality_staff(ctx)
            })
            .map(|e| e.expert_id)
            .collect()
    } else {
        Vec::new()
    };
    let mut actions = Vec::new();
    if review.status == ReviewStatus::Pending && super::is_quality_staff(ctx) {
        actions.push(ReviewAction::ArchiveCheck);
    }
    if !may_score_for.is_empty() {
        actions.push(ReviewAction::Score);
    }
    if review.status == ReviewStatus::AwaitingRecheck && super::can_recheck(ctx) {
        actions.push(ReviewAction::Recheck);
    }
    let rectifications = legalaid_store::rectifications::of_review(tx, id.0).await?;
    let rectified = !rectifications.is_empty()
        && rectifications
            .iter()
            .all(|o| o.status == legalaid_domain::rectification::RectificationStatus::Closed);
    if review.status == ReviewStatus::Final
        && review.final_grade == Some(Grade::Unqualified)
        && super::can_recheck(ctx)
        && rectified
    {
        actions.push(ReviewAction::Regrade);
    }
    if review.status == ReviewStatus::Final && super::rectifications::can_issue(ctx) {
        actions.push(ReviewAction::OrderRectification);
    }
    let subsidy_note = (review.status == ReviewStatus::Final
        && case
            .subsidy_paid_on
            .is_some_and(|p| review.final_at.is_some_and(|f| local_date(f) >= p)))
    .then(|| "该案件补贴在评查定级前已发放，评查等级不再调整补贴".to_owned());
    let handling_unit = match case.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, legalaid_domain::UnitId(u))
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let handler = match case.handler_id {
        Some(s) => legalaid_store::staff::get(tx, legalaid_domain::StaffId(s))
            .await?
            .map(|s| s.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let matter = legalaid_store::applications::get(tx, case.application_id)
        .await?
        .map(|a| a.matter_code)
        .unwrap_or_default();
    let file = FileSummary {
        case_id: case.id.0,
        number: case.number.clone(),
        case_type: case.case_type.label().to_owned(),
        stage: case.stage.label().to_owned(),
        matter,
        handling_unit,
        handler,
        assigned_on: case.assigned_at.map(local_date),
        ended_on: case.ended_on,
        closed_on: case.closed_at.map(local_date),
        outcome: case
            .closure
            .as_ref()
            .map(|c| c.outcome.label().to_owned())
            .unwrap_or_default(),
        closure_report: case
            .closure
            .as_ref()
            .map(|c| c.report.clone())
            .unwrap_or_default(),
        grade: case.grade,
        subsidy_status: case.subsidy_status.label().to_owned(),
    };
    Ok(ReviewView {
        review,
        round,
        file,
        scheme,
        experts,
        sheets,
        combined,
        prefill,
        may_score_for,
        subsidy_note,
        rectifications,
        actions,
    })
}

/// The experts' scores of one item combined: their rounded mean.
fn combined_score(scores: &[u32]) -> Option<u32> {
    combined(scores)
}

/// The archive check (归档审查) as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArchiveInput {
    pub version: Option<i64>,
    /// The file is complete and bound in order.
    pub complete: Option<bool>,
    /// What is missing or out of order (required when not complete).
    #[serde(default)]
    pub missing: String,
    #[serde(default)]
    pub note: String,
}

/// Records the archive check; the file goes on to the experts.
pub async fn archive_check(
    app: &App,
    ctx: &Ctx,
    id: ReviewId,
    input: &ArchiveInput,
) -> AppResult<ReviewView> {
    policy::require(super::is_quality_staff(ctx))?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let complete = input
        .complete
        .ok_or_else(|| AppError::field("complete", "请选择案卷材料是否齐全"))?;
    if !complete && input.missing.trim().is_empty() {
        return Err(AppError::field(
            "missing",
            "案卷材料不齐全的，请写明缺少或顺序不符的材料",
        ));
    }
    crate::error::check_reason_length("missing", &input.missing, "缺少的材料")?;
    crate::error::check_reason_length("note", &input.note, "审查意见")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (before, _) = visible(&mut tx, ctx, id).await?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(ReviewEvent::ArchiveChecked)
        .map_err(AppError::Conflict)?;
    after.archive_complete = Some(complete);
    after.archive_missing = input.missing.trim().to_owned();
    after.archive_note = input.note.trim().to_owned();
    after.archive_by = ctx.user_id();
    after.archive_at = Some(now);
    after.version = version;
    let saved = store::save_review(&mut tx, &after).await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ReviewArchiveCheck,
        &before,
        &saved,
    )
    .await
}

/// A scored sheet as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SheetInput {
    pub version: Option<i64>,
    /// The expert whose sheet this is, when quality staff enter a paper sheet;
    /// absent when experts submit their own.
    #[serde(default)]
    pub expert_id: Option<i64>,
    pub scores: Vec<ItemScore>,
    /// The findings (评查意见): what was done well and what was not.
    #[serde(default)]
    pub findings: String,
}

/// An expert's sheet (初评). When the last assigned sheet is in, the file goes to
/// the director. An expert submits once (a second sheet: 409).
pub async fn score(
    app: &App,
    ctx: &Ctx,
    id: ReviewId,
    input: &SheetInput,
) -> AppResult<ReviewView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (before, _) = visible(&mut tx, ctx, id).await?;
    let assigned = store::assigned(&mut tx, id).await?;
    let me = caller_expert(&mut tx, ctx).await?;
    let expert = match input.expert_id {
        Some(e) => {
            policy::require(
                super::is_quality_staff(ctx) || me.as_ref().is_some_and(|m| m.id == e),
            )?;
            e
        }
        None => me
            .as_ref()
            .map(|m| m.id)
            .ok_or_else(|| AppError::field("expert_id", "请选择录入哪位专家的评分"))?,
    };
    if !assigned.iter().any(|a| a.id == expert) {
        return Err(AppError::field("expert_id", "该专家没有被指派评查本案卷"));
    }
    let scheme = store::scheme(&mut tx, legalaid_domain::SchemeId(before.scheme_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let scored = scheme
        .scheme
        .score(&input.scores)
        .map_err(AppError::Validation)?;
    crate::error::check_reason_length("findings", &input.findings, "评查意见")?;
    if input.findings.trim().is_empty() {
        return Err(AppError::field("findings", "请填写评查意见"));
    }
    let sheets = store::sheets(&mut tx, id).await?;
    if sheets.iter().any(|s| s.expert_id == Some(expert)) {
        return Err(AppError::Conflict("该专家已提交本案卷的评分".into()));
    }
    let user = ctx.user_id().ok_or_else(AppError::forbidden)?;
    store::insert_sheet(
        &mut tx,
        id,
        Tier::CaseReview,
        Some(expert),
        user,
        &input.scores,
        scored.total,
        scored.grade,
        input.findings.trim(),
        now,
    )
    .await?;
    let done = sheets.iter().filter(|s| s.tier == Tier::CaseReview).count() + 1;
    let mut after = before.clone();
    after.status = before
        .status
        .next(ReviewEvent::SheetSubmitted {
            all_in: done >= assigned.len(),
        })
        .map_err(AppError::Conflict)?;
    after.version = version;
    let saved = store::save_review(&mut tx, &after).await?;
    finish(app, tx, ctx, AuditAction::ReviewScore, &before, &saved).await
}

/// The director's re-check (复核): the final sheet, whose grade reaches the case
/// and its subsidy in the same transaction.
pub async fn recheck(
    app: &App,
    ctx: &Ctx,
    id: ReviewId,
    input: &SheetInput,
) -> AppResult<ReviewView> {
    policy::require(super::can_recheck(ctx))?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    crate::error::check_reason_length("findings", &input.findings, "复核意见")?;
    if input.findings.trim().is_empty() {
        return Err(AppError::field("findings", "请填写复核意见"));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (before, _) = visible(&mut tx, ctx, id).await?;
    let scheme = store::scheme(&mut tx, legalaid_domain::SchemeId(before.scheme_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let scored = scheme
        .scheme
        .score(&input.scores)
        .map_err(AppError::Validation)?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(ReviewEvent::Rechecked)
        .map_err(AppError::Conflict)?;
    let user = ctx.user_id().ok_or_else(AppError::forbidden)?;
    store::insert_sheet(
        &mut tx,
        id,
        Tier::HeadRecheck,
        None,
        user,
        &input.scores,
        scored.total,
        scored.grade,
        input.findings.trim(),
        now,
    )
    .await?;
    after.final_total = Some(i64::from(scored.total));
    after.final_grade = Some(scored.grade);
    after.final_by = Some(user);
    after.final_at = Some(now);
    after.version = version;
    let saved = store::save_review(&mut tx, &after).await?;
    let note = crate::cases::apply_review_grade(
        app,
        &mut tx,
        ctx,
        legalaid_domain::CaseId(saved.case_id),
        scored.grade,
    )
    .await?;
    tell_result(
        &mut tx,
        &saved,
        scored.total,
        scored.grade,
        note.is_some(),
        now,
    )
    .await?;
    finish(app, tx, ctx, AuditAction::ReviewRecheck, &before, &saved).await
}

/// Grading again after rectification (复评): the file goes back to the director,
/// with what was rectified.
pub async fn regrade(
    app: &App,
    ctx: &Ctx,
    id: ReviewId,
    version: i64,
    reason: &str,
) -> AppResult<ReviewView> {
    policy::require(super::can_recheck(ctx))?;
    let reason = crate::error::required_reason("reason", reason, "请写明整改情况", "整改情况")?;
    let mut tx = app.store.write().await?;
    let (before, _) = visible(&mut tx, ctx, id).await?;
    if before.final_grade != Some(Grade::Unqualified) {
        return Err(AppError::Conflict(
            "只有评为不合格的案卷才能在整改后重新评定".into(),
        ));
    }
    // Rectified first: the order made from the review is answered, checked and
    // closed (逐一整改).
    let orders = super::rectifications::of_review(&mut tx, id).await?;
    if orders.is_empty() {
        return Err(AppError::Conflict(
            "请先就评查发现的问题下达整改通知，整改核查销号后再重新评定".into(),
        ));
    }
    if orders
        .iter()
        .any(|o| o.status != legalaid_domain::rectification::RectificationStatus::Closed)
    {
        return Err(AppError::Conflict("整改尚未核查销号，不能重新评定".into()));
    }
    let mut after = before.clone();
    after.status = before
        .status
        .next(ReviewEvent::Regrade)
        .map_err(AppError::Conflict)?;
    after.version = version;
    let saved = store::save_review(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ReviewRegradeReason,
        id,
        None::<&()>,
        Some(&reason),
    )
    .await?;
    finish(app, tx, ctx, AuditAction::ReviewRegrade, &before, &saved).await
}

/// Tells the handler and the handling unit of the final grade (in-app and SMS;
/// the text message names the case by its number only).
async fn tell_result(
    tx: &mut Tx,
    r: &Review,
    total: u32,
    grade: Grade,
    paid_before: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use legalaid_domain::placeholder::{Placeholder as P, Values};
    let Some(case) = legalaid_store::cases::get(tx, legalaid_domain::CaseId(r.case_id)).await?
    else {
        return Ok(());
    };
    let mut v = Values::new();
    v.insert(P::Number, case.number.clone());
    v.insert(P::Date, legalaid_domain::document::date_cn(local_date(now)));
    let effect = if legalaid_domain::quality::review::withholds_subsidy(grade) && !paid_before {
        "办案补贴暂不发放，请按评查意见整改。"
    } else {
        ""
    };
    v.insert(
        P::Note,
        format!("质量等级评定为{}（{}分）。{effect}", grade.label(), total),
    );
    if let Some(h) = case.handler_id {
        let name = legalaid_store::staff::get(tx, legalaid_domain::StaffId(h))
            .await?
            .map(|s| s.name)
            .unwrap_or_default();
        v.insert(P::Handler, name);
    }
    let about = crate::outbox::About {
        case_id: Some(case.id.0),
        application_id: Some(case.application_id.0),
    };
    if let Some(h) = case.handler_id {
        crate::outbox::to_staff(
            tx,
            legalaid_domain::notice::MessageKind::ReviewResult,
            h,
            about,
            v.clone(),
            now,
        )
        .await?;
    }
    if let Some(u) = case.handling_unit_id {
        let name = legalaid_store::units::get(tx, legalaid_domain::UnitId(u))
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        v.insert(P::Unit, name);
        crate::outbox::to_unit(
            tx,
            legalaid_domain::notice::MessageKind::ReviewResult,
            u,
            about,
            v,
            now,
        )
        .await?;
    }
    Ok(())
}

async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: AuditAction,
    before: &Review,
    after: &Review,
) -> AppResult<ReviewView> {
    audit::record(
        app,
        &mut tx,
        ctx,
        action,
        after.id,
        Some(before),
        Some(after),
    )
    .await?;
    let id = ReviewId(after.id);
    crate::queues::track(app, &mut tx, Subject::Review(id)).await?;
    tx.commit().await?;
    let mut rx = app.store.read().await?;
    view(&mut rx, ctx, id).await
}
