//! Objections to a denial (or a termination), decided by the justice bureau (LAL
//! art 49).

use super::*;
use legalaid_domain::{ApplicationId, ObjectionId};

/// Records an objection to a denial; the bureau decides within 5 days.
pub async fn object(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    reason: &str,
) -> AppResult<ApplicationView> {
    let reason = crate::error::required_reason("reason", reason, "请填写异议的理由", "理由")?;
    require(ApplicationAction::Object.by_role(ctx))?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let next = before
        .status
        .next(Event::Object)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let after = store::change(
        &mut tx,
        id,
        version,
        &Change {
            status: Some(next),
            ..Default::default()
        },
        now,
    )
    .await?;
    let objection = store::insert_objection(&mut tx, id, reason, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ObjectionCreate,
        objection.id,
        None::<&()>,
        Some(&objection),
    )
    .await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ApplicationObject,
        &before,
        after,
        &cx,
    )
    .await
}

/// The bureau upholds a denial or orders a correction, which reopens the
/// application (objections to a termination: `cases::decide_objection`; either:
/// `records::decide_objection`).
pub async fn decide_objection(
    app: &App,
    ctx: &Ctx,
    objection_id: ObjectionId,
    version: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> AppResult<Objection> {
    require(ApplicationAction::DecideObjection { objection_id }.by_role(ctx))?;
    let reason = crate::error::required_reason("reason", reason, "请写明审查意见", "审查意见")?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = store::get_objection(&mut tx, objection_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = visible(&mut tx, ctx, before.application_id).await?;
    if !before.status.is_pending() {
        return Err(AppError::Conflict("该异议已审查完毕".into()));
    }
    if before.case_id.is_some() {
        // An objection to a termination is the case's (`records::decide_objection`).
        return Err(AppError::NotFound);
    }
    let next = a
        .status
        .next(Event::DecideObjection(outcome))
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let decided = store::decide_objection(
        &mut tx,
        objection_id,
        version,
        outcome,
        reason,
        now,
        ctx.user_id(),
    )
    .await?;
    let change = Change {
        status: Some(next),
        clear_decision: outcome == ObjectionOutcome::CorrectionOrdered,
        ..Default::default()
    };
    let after = store::change(&mut tx, a.id, a.version, &change, now).await?;
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
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ApplicationObjectionDecided,
        a.id,
        Some(&a),
        Some(&after),
    )
    .await?;
    // The applicant is told of the outcome (the denial stands, or it is reviewed again).
    let v = view_of(app, &mut tx, ctx, after, &cx).await?;
    let kind = match outcome {
        ObjectionOutcome::Upheld => MessageKind::ObjectionUpheld,
        ObjectionOutcome::CorrectionOrdered => MessageKind::ObjectionCorrected,
    };
    tell_applicant(app, &mut tx, &v, kind, now).await?;
    crate::queues::track(app, &mut tx, Subject::Application(a.id)).await?;
    tx.commit().await?;
    Ok(decided)
}
