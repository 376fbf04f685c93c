//! Closure and subsidies: the closure report and its review, the grade, the
//! subsidy computed from the schedule and its payment, totals, and the schedule.

use super::*;
use legalaid_domain::CaseId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::placeholder::Placeholder as P;

/// The handler reports the closure (LAL art 50): outcome, result, report.
pub async fn submit_closure(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    input: &ClosureInput,
) -> AppResult<CaseView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    require(CaseAction::SubmitClosure.permitted(ctx, &before))?;
    let began = before
        .assigned_at
        .map_or_else(|| local_date(before.created_at), local_date);
    let closure = input.validate(before.case_type, began, local_date(now))?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(CaseEvent::SubmitClosure)
        .map_err(conflict)?;
    after.ended_on = Some(closure.ended_on);
    after.closure = Some(closure);
    after.closure_submitted_at = Some(now);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    finish(app, tx, ctx, AuditAction::CaseSubmitClosure, &before, saved).await
}

/// The center reviews the closure materials: approved (closed, archived, the
/// subsidy fixed and payable) or returned for correction.
pub async fn review_closure(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    approve: bool,
    reason: &str,
) -> AppResult<CaseView> {
    require(CaseAction::ReviewClosure.by_role(ctx))?;
    if !approve && reason.trim().is_empty() {
        return Err(AppError::field(
            "reason",
            "退回结案材料须说明需要补正的内容",
        ));
    }
    crate::error::check_reason_length("reason", reason, "审查意见")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let mut after = before.clone();
    after.version = version;
    if approve {
        after.status = before
            .status
            .next(CaseEvent::ApproveClosure)
            .map_err(conflict)?;
        after.closed_at = Some(now);
        let sub = subsidy_of(&mut tx, &after).await?;
        let Some(comp) = sub.computation else {
            return Err(AppError::Conflict(sub.note));
        };
        after.subsidy_fen = Some(comp.total_fen);
        after.subsidy_status = if after.grade == Grade::Unqualified {
            SubsidyStatus::Withheld
        } else {
            SubsidyStatus::Payable
        };
    } else {
        after.status = before
            .status
            .next(CaseEvent::ReturnClosure)
            .map_err(conflict)?;
        after.closure_submitted_at = None;
        after.closure = None;
    }
    let saved = store::save(&mut tx, &after, now).await?;
    if approve {
        tell(
            &mut tx,
            &saved,
            MessageKind::Closed,
            RECIPIENT_AND_HANDLER,
            &[],
            now,
        )
        .await?;
        // The recipient is asked to evaluate the service (ADR 0020).
        crate::evaluations::invite(app, &mut tx, ctx, &saved).await?;
    } else {
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::CaseClosureReturnedReason,
            id,
            None::<&()>,
            Some(&reason.trim()),
        )
        .await?;
    }
    let action = if approve {
        AuditAction::CaseApproveClosure
    } else {
        AuditAction::CaseReturnClosure
    };
    finish(app, tx, ctx, action, &before, saved).await
}

/// Sets the quality grade (until the quality review sets it); an unpaid subsidy
/// is recomputed. A file under review in a round is graded by the review.
pub async fn set_grade(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    grade: &str,
) -> AppResult<CaseView> {
    require(CaseAction::Grade.by_role(ctx))?;
    let grade =
        Grade::parse(grade.trim()).ok_or_else(|| AppError::field("grade", "质量等级不正确"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if let Some((_, round)) = legalaid_store::quality::open_review_of_case(&mut tx, id).await? {
        return Err(AppError::Conflict(format!(
            "该案件正在“{round}”中评查，质量等级由评查结果确定"
        )));
    }
    let mut after = graded(&mut tx, &before, grade, now).await?;
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    finish(app, tx, ctx, AuditAction::CaseGrade, &before, saved).await
}

/// A case with `grade` recorded; the unpaid subsidy of an archived case is
/// computed again (不合格: withheld until rectified and graded again).
async fn graded(
    tx: &mut Tx,
    before: &Case,
    grade: Grade,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Case> {
    if before.subsidy_status == SubsidyStatus::Paid {
        return Err(AppError::Conflict("补贴已发放，不能再修改质量等级".into()));
    }
    let mut after = before.clone();
    after.grade = grade;
    after.graded_at = Some(now);
    if before.status == CaseStatus::Archived {
        after.subsidy_fen = None;
        let sub = subsidy_of(tx, &after).await?;
        after.subsidy_fen = sub.computation.map(|c| c.total_fen);
        after.subsidy_status = if legalaid_domain::quality::review::withholds_subsidy(grade) {
            SubsidyStatus::Withheld
        } else {
            SubsidyStatus::Payable
        };
    }
    Ok(after)
}

/// The final grade of a file review reaches its case, in the review's
/// transaction (以案定补). A subsidy already paid is not changed: the answer says
/// so, and the grade stays with the review and the handler's rating.
pub(crate) async fn apply_review_grade(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    id: CaseId,
    grade: Grade,
) -> AppResult<Option<String>> {
    let now = app.clock.now();
    let before = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if before.subsidy_status == SubsidyStatus::Paid {
        return Ok(Some(format!(
            "补贴已于{}发放，评查等级记入评查结果和承办人质量评价，不再调整补贴",
            before.subsidy_paid_on.map(date_cn).unwrap_or_default()
        )));
    }
    let after = graded(tx, &before, grade, now).await?;
    let saved = store::save(tx, &after, now).await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::CaseGrade,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    crate::queues::track(app, tx, Subject::Case(id)).await?;
    Ok(None)
}

/// Records the payment of the subsidy with its voucher number (补贴领款凭单).
pub async fn pay_subsidy(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    paid_on: Option<NaiveDate>,
) -> AppResult<CaseView> {
    require(CaseAction::PaySubsidy.by_role(ctx))?;
    let now = app.clock.now();
    let paid_on = paid_on.ok_or_else(|| AppError::field("paid_on", "请填写发放日期"))?;
    if paid_on > local_date(now) {
        return Err(AppError::field("paid_on", "发放日期不能晚于今天"));
    }
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if before.subsidy_status != SubsidyStatus::Payable {
        return Err(AppError::Conflict(format!(
            "补贴当前状态为“{}”，不能登记发放",
            before.subsidy_status.label()
        )));
    }
    if let Some((_, round)) = legalaid_store::quality::open_review_of_case(&mut tx, id).await? {
        return Err(AppError::Conflict(format!(
            "该案件正在“{round}”中评查，评查定级后按等级发放补贴"
        )));
    }
    // The grade decides the subsidy (以案定补): it is set before the payment.
    if before.graded_at.is_none() {
        return Err(AppError::Conflict(
            "该案件尚未评定质量等级，请质量评查人员评定后再发放补贴".into(),
        ));
    }
    let seq = legalaid_store::applications::next_number(&mut tx, "subsidy_voucher", paid_on.year())
        .await?;
    let mut after = before.clone();
    after.subsidy_status = SubsidyStatus::Paid;
    after.subsidy_paid_on = Some(paid_on);
    after.subsidy_voucher = format!("补贴〔{}〕{}号", paid_on.year(), seq);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    let amount = yuan(saved.subsidy_fen.unwrap_or(0)).replace(',', "");
    let extra = [(P::Amount, amount), (P::Date, date_cn(paid_on))];
    tell(
        &mut tx,
        &saved,
        MessageKind::SubsidyPaid,
        HANDLER,
        &extra,
        now,
    )
    .await?;
    finish(app, tx, ctx, AuditAction::CasePaySubsidy, &before, saved).await
}

/// Seeds the shipped subsidy schedule on an empty table.
pub async fn seed_schedule(app: &App) -> AppResult<usize> {
    let mut tx = app.store.write().await?;
    if !legalaid_store::subsidies::schedule_is_empty(&mut tx).await? {
        return Ok(0);
    }
    let s = legalaid_domain::subsidy::SubsidySchedule::shipped().map_err(AppError::Internal)?;
    for e in &s.entries {
        legalaid_store::subsidies::add_schedule_entry(&mut tx, e).await?;
    }
    crate::in_force::changed(&mut tx).await?;
    tx.commit().await?;
    Ok(s.entries.len())
}

/// The subsidy of a case with its derivation.
pub async fn subsidy(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<SubsidyView> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    subsidy_of(&mut tx, &c).await
}

/// Subsidy totals by handler, unit or month of payment, for cases opened in `year`.
pub async fn subsidy_totals(
    app: &App,
    ctx: &Ctx,
    year: i32,
    by: &str,
) -> AppResult<Vec<legalaid_store::subsidies::SubsidyTotal>> {
    require(can_manage(ctx) || acts_as(ctx, &[Role::BureauSupervisor]))?;
    let mut tx = app.store.read().await?;
    Ok(legalaid_store::subsidies::subsidy_totals(&mut tx, &policy::scope(ctx), year, by).await?)
}

/// The subsidy schedule as stored (every version, for the schedule page).
pub async fn schedule(
    app: &App,
    ctx: &Ctx,
) -> AppResult<legalaid_domain::subsidy::SubsidySchedule> {
    require(can_manage(ctx) || acts_as(ctx, &[Role::BureauSupervisor]))?;
    let mut tx = app.store.read().await?;
    Ok(legalaid_store::subsidies::schedule(&mut tx).await?)
}

/// A new schedule row, as an administrator enters it (the CSV's columns).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScheduleRow {
    pub kind: String,
    pub case_type: String,
    pub stage: String,
    pub grade: String,
    pub item: String,
    pub amount_fen: String,
    pub percent: String,
    pub min_km: String,
    pub region: String,
    pub effective_from: String,
    pub effective_to: String,
    pub label: String,
    pub source: String,
}

/// Adds a row to the subsidy schedule (system administrators): a new rate, or a
/// new version from a later date. Rows are never edited in place, so what was
/// computed under an older version can always be explained.
pub async fn add_schedule_row(
    app: &App,
    ctx: &Ctx,
    r: &ScheduleRow,
) -> AppResult<legalaid_domain::subsidy::ScheduleEntry> {
    policy::ensure_manage_regions(ctx)?;
    let cells = [
        &r.kind,
        &r.case_type,
        &r.stage,
        &r.grade,
        &r.item,
        &r.amount_fen,
        &r.percent,
        &r.min_km,
        &r.region,
        &r.effective_from,
        &r.effective_to,
        &r.label,
        &r.source,
    ];
    if cells.iter().any(|c| c.contains(',') || c.contains('\n')) {
        return Err(AppError::field(
            "label",
            "内容中不能有半角逗号或换行（请使用中文标点）",
        ));
    }
    if r.source.trim().is_empty() {
        return Err(AppError::field("source", "请填写依据（文件名称和文号）"));
    }
    let line = cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join(",");
    let entry = legalaid_domain::subsidy::SubsidySchedule::parse_row(&line)
        .map_err(|e| AppError::field("kind", e))?;
    let mut tx = app.store.write().await?;
    legalaid_store::subsidies::add_schedule_entry(&mut tx, &entry).await?;
    crate::in_force::changed(&mut tx).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SubsidyScheduleAdd,
        format!("{}/{}", entry.region, entry.effective_from),
        None::<&()>,
        Some(&entry),
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}
