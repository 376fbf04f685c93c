//! The steps of the review: the supplement notice (once), the materials, withdrawal,
//! the proposal and the decision, and the job that deems an application withdrawn.

use super::*;
use legalaid_domain::ApplicationId;
use legalaid_domain::application::DenialReason;

/// Sends the one supplement notice listing everything missing; the clock stops.
pub async fn request_supplement(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    items: &str,
    reason: &str,
) -> AppResult<ApplicationView> {
    require(ApplicationAction::RequestSupplement.by_role(ctx))?;
    let items = items.trim();
    if items.is_empty() {
        return Err(AppError::field(
            "items",
            "请一次性列明需要补充的全部材料或需要说明的事项",
        ));
    }
    if items.chars().count() > 2000 {
        return Err(AppError::field("items", "补充材料清单不能超过2000字"));
    }
    // The notice is given once (一次性告知, LAL art 43(2)): a second one needs its
    // reason on record, and the review clock does not stop again.
    let again = {
        let mut tx = app.store.read().await?;
        !store::pauses(&mut tx, id).await?.is_empty()
    };
    let reason = reason.trim();
    crate::error::check_reason_length("reason", reason, "再次告知的原因")?;
    if again && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "补充材料应当一次性告知；再次要求补充的，请写明原因（审查期限不再中止）",
        ));
    }
    let text = if again {
        format!("{items}\n（再次告知的原因：{reason}）")
    } else {
        items.to_owned()
    };
    transition(
        app,
        ctx,
        id,
        version,
        Event::RequestSupplement,
        Some(ApplicationAction::RequestSupplement),
        |_, on| Change {
            status: Some(Status::AwaitingSupplement),
            supplement: Some((Some(on), text.as_str())),
            ..Default::default()
        },
    )
    .await
}

/// The materials arrived; the review clock runs again.
pub async fn supplement_received(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
) -> AppResult<ApplicationView> {
    transition(
        app,
        ctx,
        id,
        version,
        Event::SupplementReceived,
        Some(ApplicationAction::SupplementReceived),
        |_, _| Change {
            status: Some(Status::Received),
            supplement: Some((None, "")),
            ..Default::default()
        },
    )
    .await
}

pub async fn withdraw(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
) -> AppResult<ApplicationView> {
    transition(
        app,
        ctx,
        id,
        version,
        Event::Withdraw,
        Some(ApplicationAction::Withdraw),
        |_, _| Change {
            status: Some(Status::Withdrawn),
            ..Default::default()
        },
    )
    .await
}

/// Proposes a decision for the director's approval (two-step review).
pub async fn propose(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    outcome: Outcome,
    reason: &str,
) -> AppResult<ApplicationView> {
    let reason = reason.trim();
    if outcome == Outcome::Denied && reason.is_empty() {
        return Err(AppError::field("reason", "建议不予法律援助须说明理由"));
    }
    crate::error::check_reason_length("reason", reason, "理由")?;
    transition(
        app,
        ctx,
        id,
        version,
        Event::Propose,
        Some(ApplicationAction::Propose),
        |_, _| Change {
            status: Some(Status::Proposed),
            proposal: Some((Some(outcome), reason)),
            ..Default::default()
        },
    )
    .await
}

/// Decides. A denial needs written reasons (LAL art 43); deciding against the
/// assessment needs a recorded reason too, and is marked for supervisors. A
/// denial's reason code is the assessment's (see [`decide_coded`]).
pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    outcome: Outcome,
    reason: &str,
) -> AppResult<ApplicationView> {
    decide_coded(app, ctx, id, version, outcome, None, reason).await
}

/// Decides, with the denial's reason code as the report forms count it
/// (不属于法律援助事项范围 / 不符合经济困难标准 / 其他): when absent, the one the
/// assessment gives; a code with a grant is refused.
pub async fn decide_coded(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    outcome: Outcome,
    denial_reason: Option<DenialReason>,
    reason: &str,
) -> AppResult<ApplicationView> {
    require(ApplicationAction::Decide.by_role(ctx))?;
    if outcome == Outcome::Granted && denial_reason.is_some() {
        return Err(AppError::field(
            "denial_reason",
            "给予法律援助的决定不填写不予法律援助的原因类别",
        ));
    }
    let reason = reason.trim();
    crate::error::check_reason_length("reason", reason, "理由")?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let next = before
        .status
        .next(Event::Decide(outcome))
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    // Two-step review: the approver decides on a reviewer's proposal (the
    // administrator may act in every role).
    let steps = store::setting(&mut tx, "review_steps")
        .await?
        .unwrap_or_default();
    let admin = ctx.actor.as_ref().is_none_or(|a| a.has(Role::SystemAdmin));
    if steps == "two" && before.status == Status::Received && !admin {
        return Err(AppError::Conflict(
            "本中心实行两级审批：请先由审查人员提出审查意见，再由负责人决定".into(),
        ));
    }
    let region = region_of(&mut tx, before.receiving_unit_id).await?;
    let assessment = assessment_of(&before, &region, &cx);
    let verdict = assessment.verdict;
    let denial_reason = match outcome {
        Outcome::Granted => None,
        Outcome::Denied => {
            Some(denial_reason.unwrap_or_else(|| DenialReason::from_assessment(&assessment)))
        }
    };
    let against = match outcome {
        Outcome::Granted => verdict != Verdict::Eligible,
        Outcome::Denied => verdict == Verdict::Eligible,
    };
    if outcome == Outcome::Denied && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "不予法律援助须书面说明理由（《法律援助法》第四十三条）",
        ));
    }
    if against && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            format!(
                "该决定与系统审查意见（{}）不一致，须记录理由",
                verdict.label()
            ),
        ));
    }
    let after = store::change(
        &mut tx,
        id,
        version,
        &Change {
            status: Some(next),
            decision: Some(store::Decision {
                outcome,
                denial_reason,
                reason,
                against_assessment: against,
                at: now,
                by: ctx.user_id(),
            }),
            ..Default::default()
        },
        now,
    )
    .await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ApplicationDecide,
        &before,
        after,
        &cx,
    )
    .await
}

/// Applications whose supplement period ran out without the materials are deemed
/// withdrawn (LAL art 43(2)). Run by the background job; idempotent.
pub async fn deem_withdrawn_overdue(app: &App) -> AppResult<usize> {
    const BATCH: i64 = 200;
    let today = today(app);
    let ctx = Ctx::system("deadline-job");
    let (mut n, mut after) = (0, 0);
    loop {
        // The stored supplement periods that ran out before today, a batch at a
        // time. A provisional due date (its year's holidays not yet entered) is
        // counted without holidays, so it may be earlier than the true one: the
        // application waits until the year is entered and the date recounted.
        let due = {
            let mut tx = app.store.read().await?;
            let from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(today);
            let yesterday = today.pred_opt().unwrap_or(today);
            legalaid_store::deadlines::due_between(
                &mut tx,
                "supplement_period",
                (from, yesterday),
                true,
                after,
                BATCH,
            )
            .await?
        };
        let Some((last, _)) = due.last() else {
            return Ok(n);
        };
        after = *last;
        for (_, subject) in due {
            let Subject::Application(id) = subject else {
                continue;
            };
            let Some(a) = store::get(&mut app.store.read().await?, id).await? else {
                continue;
            };
            if a.status != Status::AwaitingSupplement {
                continue;
            }
            let r = transition(
                app,
                &ctx,
                a.id,
                a.version,
                Event::DeemWithdrawn,
                None,
                |_, _| Change {
                    status: Some(Status::DeemedWithdrawn),
                    ..Default::default()
                },
            )
            .await;
            match r {
                Ok(_) => n += 1,
                // Someone acted on it meanwhile: nothing to do.
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
