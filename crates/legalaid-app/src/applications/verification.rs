//! The verification of an honesty declaration, and pre-emptive aid (LAL art 44).

use super::*;
use legalaid_domain::ApplicationId;

/// How a declaration was checked: the method, the date and what was found.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct VerificationInput {
    /// e.g. 信息共享查询, 函询, 电话核实, 入户走访
    #[serde(default)]
    pub method: String,
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub result: String,
    /// The declaration was found to be false (LAL arts 48(1), 64).
    #[serde(default)]
    pub false_declaration: bool,
}

/// Records the verification of an honesty declaration. A false declaration is
/// flagged on the application; a grant obtained by it must then be terminated
/// (LAL art 48(1)), which the case workflow takes up.
pub async fn record_verification(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    input: &VerificationInput,
) -> AppResult<ApplicationView> {
    require(ApplicationAction::Verify.by_role(ctx))?;
    let mut v = legalaid_domain::Validation::new();
    let method = v.text("method", &input.method, "核查方式", 50);
    let result = v.text("result", &input.result, "核查结果", 2000);
    let today = today(app);
    match input.date {
        None => v.add("date", "请填写核查日期"),
        Some(d) if d > today => v.add("date", "核查日期不能晚于今天"),
        _ => {}
    }
    let (Some(date), true) = (input.date, v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if !matches!(
        before.means,
        legalaid_domain::assessment::Means::Declaration { .. }
    ) {
        return Err(AppError::Conflict(
            "该申请未采用个人诚信承诺方式，无需核查承诺".into(),
        ));
    }
    if date < local_date(before.received_at) {
        return Err(AppError::field("date", "核查日期不能早于收到申请的日期"));
    }
    let record = store::Verification {
        method: &method,
        date,
        result: &result,
        false_declaration: input.false_declaration,
    };
    let after = store::record_verification(&mut tx, id, version, &record, now).await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ApplicationVerifyDeclaration,
        &before,
        after,
        &cx,
    )
    .await
}

/// Pre-emptive aid (LAL art 44): grants before the procedure is complete — also
/// while materials are being supplemented — when the assessment finds fewer than
/// 7 days to a limitation date or urgent preservation. The recipient completes the
/// formalities afterwards.
pub async fn grant_pre_emptively(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    reason: &str,
) -> AppResult<ApplicationView> {
    require(ApplicationAction::GrantPreEmptively.by_role(ctx))?;
    let reason = reason.trim();
    crate::error::check_reason_length("reason", reason, "理由")?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    let next = before
        .status
        .next(Event::GrantPreEmptively)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let region = region_of(&mut tx, before.receiving_unit_id).await?;
    if !assessment_of(&before, &region, &cx).pre_emptive {
        return Err(AppError::Conflict(
            "不符合先行提供法律援助的情形（距时效届满不足七日或者需要立即申请保全、先予执行，《法律援助法》第四十四条）".into(),
        ));
    }
    let why = if reason.is_empty() {
        "依照《法律援助法》第四十四条先行提供法律援助，申请人应当及时补办有关手续、补充材料。"
    } else {
        reason
    };
    let change = Change {
        status: Some(next),
        decision: Some(store::Decision {
            outcome: Outcome::Granted,
            denial_reason: None,
            reason: why,
            against_assessment: false,
            at: now,
            by: ctx.user_id(),
        }),
        ..Default::default()
    };
    let after = store::change(&mut tx, id, version, &change, now).await?;
    store::end_pause(&mut tx, id, local_date(now)).await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ApplicationGrantPreEmptively,
        &before,
        after,
        &cx,
    )
    .await
}
