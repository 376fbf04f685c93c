//! Handling: progress entries and hearings, termination (LAL art 48) and the
//! objection to it, and the reminder jobs (hearings, agreements).

use super::*;
use legalaid_domain::application::ObjectionOutcome;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::{CaseId, ObjectionId};

/// What recording progress changed: the entry, the hearing it scheduled, and the
/// case (its version moves only when the judgment ends the case).
#[derive(Debug, Clone, Serialize)]
pub struct ProgressRecorded {
    pub progress: legalaid_store::cases::Progress,
    pub hearing_id: Option<i64>,
    pub case: Case,
}

/// Records a dated progress entry (and the hearing it schedules, if any); the
/// recipient is told (LAL art 46: the handler reports progress). Answers with what
/// changed, not the whole case: the write stays as quick with 600 entries as with
/// none, and holds the writer only for itself.
pub async fn add_progress(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    input: &ProgressInput,
) -> AppResult<ProgressRecorded> {
    let now = app.clock.now();
    let today = local_date(now);
    let mut v = legalaid_domain::Validation::new();
    let activity = Activity::parse(input.activity.trim());
    if activity.is_none() {
        v.add("activity", "请选择工作事项");
    }
    match input.occurred_on {
        None => v.add("occurred_on", "请填写日期"),
        Some(d) if d > today => v.add(
            "occurred_on",
            "已完成的工作日期不能晚于今天；开庭安排请填写开庭时间",
        ),
        _ => {}
    }
    let note = v.optional_text("note", &input.note, "情况说明", 4000);
    let place = v.optional_text("hearing_place", &input.hearing_place, "开庭地点", 200);
    if input.hearing_at.is_some_and(|h| h <= now) {
        v.add("hearing_at", "开庭时间应晚于现在");
    }
    let (Some(activity), Some(on)) = (activity, input.occurred_on) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    require(CaseAction::AddProgress.permitted(ctx, &before))?;
    if !matches!(before.status, CaseStatus::Assigned | CaseStatus::InProgress) {
        return Err(AppError::Conflict(format!(
            "案件当前状态（{}）不能登记办理进展",
            before.status.label()
        )));
    }
    if before.assigned_at.is_some_and(|a| on < local_date(a)) {
        return Err(AppError::field("occurred_on", "日期不能早于指派日期"));
    }
    let pid = store::add_progress(&mut tx, id.0, activity, on, &note, ctx.user_id(), now).await?;
    let mut hearing_id = None;
    if let Some(at) = input.hearing_at {
        let hid = store::add_hearing(&mut tx, id.0, at, &place, &note, now).await?;
        hearing_id = Some(hid);
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::CaseHearingScheduled,
            hid,
            None::<&()>,
            Some(&(id, at, &place)),
        )
        .await?;
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::CaseProgress,
        pid,
        None::<&()>,
        Some(&(id, activity, on, &note)),
    )
    .await?;
    let mut after = before.clone();
    if activity == Activity::JudgmentReceived && before.ended_on.is_none() {
        after.ended_on = Some(on);
        after = store::save(&mut tx, &after, now).await?;
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::CaseEnded,
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
    }
    tell(
        &mut tx,
        &after,
        MessageKind::ProgressRecorded,
        RECIPIENT,
        &[(P::Progress, activity.label().to_owned())],
        now,
    )
    .await?;
    let progress = store::progress_entry(&mut tx, pid).await?;
    crate::queues::track(app, &mut tx, legalaid_store::deadlines::Subject::Case(id)).await?;
    tx.commit().await?;
    Ok(ProgressRecorded {
        progress,
        hearing_id,
        case: after,
    })
}

/// Terminates legal aid on a ground of LAL art 48, with written reasons.
pub async fn terminate(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    ground: &str,
    reason: &str,
) -> AppResult<CaseView> {
    require(CaseAction::Terminate.by_role(ctx))?;
    let mut v = legalaid_domain::Validation::new();
    let ground = TerminationGround::parse(ground.trim());
    if ground.is_none() {
        v.add(
            "ground",
            "请选择终止法律援助的情形（《法律援助法》第四十八条）",
        );
    }
    let reason = v.text("reason", reason, "终止的事实和理由", 4000);
    let Some(ground) = ground.filter(|_| v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let mut after = before.clone();
    after.status = before.status.next(CaseEvent::Terminate).map_err(conflict)?;
    after.termination_ground = Some(ground);
    after.termination_reason = reason;
    after.terminated_at = Some(now);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    tell(&mut tx, &saved, MessageKind::Terminated, EVERYONE, &[], now).await?;
    finish(app, tx, ctx, AuditAction::CaseTerminate, &before, saved).await
}

/// The recipient objects to a termination; the bureau decides within 5 days.
pub async fn object_termination(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    reason: &str,
) -> AppResult<CaseView> {
    require(CaseAction::Object.by_role(ctx))?;
    let reason = crate::error::required_reason("reason", reason, "请填写异议的理由", "理由")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let mut after = before.clone();
    after.status = before.status.next(CaseEvent::Object).map_err(conflict)?;
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    let o = legalaid_store::applications::insert_case_objection(
        &mut tx,
        before.application_id,
        id,
        reason,
        now,
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ObjectionCreate,
        o.id,
        None::<&()>,
        Some(&o),
    )
    .await?;
    finish(app, tx, ctx, AuditAction::CaseObject, &before, saved).await
}

/// The bureau decides an objection to a termination (LAL art 49): the
/// termination stands, or the case resumes where it was.
pub async fn decide_objection(
    app: &App,
    ctx: &Ctx,
    objection_id: ObjectionId,
    version: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> AppResult<Objection> {
    require(CaseAction::DecideObjection { objection_id }.by_role(ctx))?;
    let reason = crate::error::required_reason("reason", reason, "请写明审查意见", "审查意见")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = legalaid_store::applications::get_objection(&mut tx, objection_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(case_id) = before.case_id else {
        // An objection to a denial is the application's.
        return Err(AppError::NotFound);
    };
    visible(&mut tx, ctx, case_id).await?;
    if !before.status.is_pending() {
        return Err(AppError::Conflict("该异议已审查完毕".into()));
    }
    let decided = legalaid_store::applications::decide_objection(
        &mut tx,
        objection_id,
        version,
        outcome,
        reason,
        now,
        ctx.user_id(),
    )
    .await?;
    decide_termination_objection(
        app,
        &mut tx,
        ctx,
        case_id,
        outcome == ObjectionOutcome::Upheld,
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ObjectionDecide,
        objection_id,
        Some(&before),
        Some(&decided),
    )
    .await?;
    crate::queues::track(app, &mut tx, Subject::Case(case_id)).await?;
    crate::queues::track(app, &mut tx, Subject::Application(before.application_id)).await?;
    tx.commit().await?;
    Ok(decided)
}

/// The bureau's decision on an objection to a termination: upheld, or handling
/// resumes where it stood.
async fn decide_termination_objection(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    case_id: CaseId,
    upheld: bool,
) -> AppResult<()> {
    let now = app.clock.now();
    let before = visible(tx, ctx, case_id).await?;
    let event = if upheld {
        CaseEvent::UpholdTermination
    } else {
        CaseEvent::Reinstate(CaseStatus::resumed(
            before.handling_unit_id.is_some(),
            before.handler_id.is_some(),
            before.agreement_signed_on.is_some(),
        ))
    };
    let mut after = before.clone();
    after.status = before.status.next(event).map_err(conflict)?;
    if !upheld {
        after.termination_ground = None;
        after.termination_reason = String::new();
        after.terminated_at = None;
    }
    let saved = store::save(tx, &after, now).await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::CaseObjectionDecided,
        case_id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    // The recipient is told of the outcome: the termination stands, or the aid resumes.
    let kind = if upheld {
        MessageKind::ObjectionUpheld
    } else {
        MessageKind::ObjectionCorrected
    };
    tell(tx, &saved, kind, RECIPIENT, &[], now).await?;
    Ok(())
}

/// Sends hearing reminders for hearings within the next 2 days (background job),
/// 200 a transaction until none is left.
pub async fn remind_hearings(app: &App) -> AppResult<usize> {
    const BATCH: usize = 200;
    let now = app.clock.now();
    let mut n = 0;
    loop {
        let mut tx = app.store.write().await?;
        let due = store::hearings_to_remind(&mut tx, now, now + chrono::Duration::days(2)).await?;
        let full = due.len() >= BATCH;
        for h in due {
            if !store::mark_reminded(&mut tx, h.id).await? {
                continue;
            }
            let Some(c) = store::get(&mut tx, CaseId(h.case_id)).await? else {
                continue;
            };
            let t = local_time(h.starts_at);
            let when = format!("{}{}", date_cn(t.date()), t.format(" %H:%M"));
            tell(
                &mut tx,
                &c,
                MessageKind::HearingUpcoming,
                RECIPIENT_AND_HANDLER,
                &[(P::Date, when)],
                now,
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
        if !full {
            return Ok(n);
        }
    }
}

/// A page of the hearings in the caller's scope from the start of `from` for
/// `days` days (China Standard Time), earliest first, with how many there are:
/// the hearing calendar.
pub async fn hearings(
    app: &App,
    ctx: &Ctx,
    from: NaiveDate,
    days: i64,
    page: Page,
) -> AppResult<(Vec<Hearing>, i64)> {
    let start =
        |d: NaiveDate| (d.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8)).and_utc();
    let to = from + chrono::Duration::days(days.clamp(1, 366));
    let mut tx = app.store.read().await?;
    Ok(store::hearings_between(&mut tx, &policy::scope(ctx), start(from), start(to), page).await?)
}

/// Reminds the handler (and the handling unit) of an agreement due today or
/// tomorrow and not yet signed (Procedural Rules art 27), once per case.
/// Run by the background job; idempotent.
pub async fn remind_agreements(app: &App) -> AppResult<usize> {
    const BATCH: i64 = 200;
    let now = app.clock.now();
    let today = local_date(now);
    let tomorrow = today + chrono::Duration::days(1);
    let (mut n, mut after) = (0, 0);
    loop {
        let mut tx = app.store.write().await?;
        // The stored agreement deadlines due today or tomorrow (provisional dates of
        // a year without holidays entered included), a batch at a time.
        let due = legalaid_store::deadlines::due_between(
            &mut tx,
            "sign_agreement",
            (today, tomorrow),
            false,
            after,
            BATCH,
        )
        .await?;
        let Some((last, _)) = due.last() else {
            return Ok(n);
        };
        after = *last;
        for (_, subject) in due {
            let legalaid_store::deadlines::Subject::Case(id) = subject else {
                continue;
            };
            let Some(c) = store::get(&mut tx, id).await? else {
                continue;
            };
            if c.status != CaseStatus::Assigned
                || !store::claim_agreement_reminder(&mut tx, c.id, now).await?
            {
                continue;
            }
            let due_on = legalaid_store::deadlines::due_on(&mut tx, subject, "sign_agreement")
                .await?
                .unwrap_or(tomorrow);
            let extra = [(P::Deadline, date_cn(due_on))];
            tell(&mut tx, &c, MessageKind::AgreementDue, HANDLER, &extra, now).await?;
            tell(&mut tx, &c, MessageKind::AgreementDue, UNIT, &extra, now).await?;
            n += 1;
        }
        tx.commit().await?;
    }
}
