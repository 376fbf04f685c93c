//! Soliciting the judicial organs' opinions (征询意见, LAL art 59;
//! quality-supervision-outreach §2.2): once a case is archived, the center
//! sends the organ that handled it a letter (征询意见函, a document) asking it to
//! rate the handler on the Zhejiang form's three items; the answer is recorded
//! as received (each item 满意/基本满意/不满意, and the opinion in words).
//!
//! States (domain `OpinionStatus`): `sent` → `answered`; or `sent` →
//! `no_answer` when the letter, unanswered on its reminder day, is reminded
//! (催告) → `answered` if the organ answers after all. A sent letter waits in
//! the quality queue for its reminder, due on `reminder_due`. A case has at
//! most one open (sent or reminded) letter per organ kind: a second is refused
//! (409) by a partial unique index, so that two senders at once end in one
//! letter; once answered, another may be sent (to the appeal court, say).

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::NaiveDate;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::CaseStatus;
use legalaid_domain::opinion::{
    DEFAULT_REMINDER_DAYS, OpinionAnswerInput, OpinionOrgan, OpinionStatus, reminder_due,
};
use legalaid_domain::record::Subject;
use legalaid_domain::{CaseId, OpinionId, StaffId, local_date};
use legalaid_store::Tx;
use legalaid_store::hearings::{self as store, JsonList};
pub use legalaid_store::hearings::{LetterFilter, LetterLine, OpinionLetter};
use serde::{Deserialize, Serialize};

pub use super::hearings::can_observe as can_send;

/// What can be done to a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionAction {
    /// Record that the organ was reminded (催告).
    Remind,
    /// Record the organ's answer.
    Answer,
}

/// A letter with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct OpinionView {
    pub letter: OpinionLetter,
    pub case_number: String,
    pub handler_name: Option<String>,
    pub handling_unit_name: Option<String>,
    /// Unanswered and past its reminder day.
    pub overdue: bool,
    /// The page that issues a rectification order prefilled from a negative
    /// answer, when the caller may issue one.
    pub rectification_href: Option<String>,
    pub actions: Vec<OpinionAction>,
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: OpinionId) -> AppResult<OpinionLetter> {
    let o = store::letter(tx, id).await?.ok_or(AppError::NotFound)?;
    crate::cases::visible(tx, ctx, CaseId(o.case_id)).await?;
    Ok(o)
}

async fn view(
    tx: &mut Tx,
    ctx: &Ctx,
    o: OpinionLetter,
    today: NaiveDate,
) -> AppResult<OpinionView> {
    let case_number = legalaid_store::cases::get(tx, CaseId(o.case_id))
        .await?
        .map(|c| c.number)
        .unwrap_or_default();
    let handler_name = match o.handler_id {
        Some(h) => legalaid_store::staff::get(tx, StaffId(h))
            .await?
            .map(|s| s.name),
        None => None,
    };
    let handling_unit_name = match o.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, legalaid_domain::UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    };
    let mut actions = Vec::new();
    if can_send(ctx) && super::sees_region(ctx, &o.region_code) {
        if o.status.remind(o.reminder_due, today).is_ok() {
            actions.push(OpinionAction::Remind);
        }
        if o.status.answer().is_ok() {
            actions.push(OpinionAction::Answer);
        }
    }
    let rectification_href = (o.negative && super::rectifications::can_issue(ctx)).then(|| {
        format!(
            "/rectifications/new?case={}&source=opinion&opinion={}",
            o.case_id, o.id
        )
    });
    Ok(OpinionView {
        overdue: o.status == OpinionStatus::Sent && today > o.reminder_due,
        case_number,
        handler_name,
        handling_unit_name,
        rectification_href,
        actions,
        letter: o,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: OpinionId) -> AppResult<OpinionView> {
    let mut tx = app.store.read().await?;
    let o = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, o, local_date(app.clock.now())).await
}

/// The letters about the cases the caller sees, newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &LetterFilter,
    page: Page,
) -> AppResult<(Vec<LetterLine>, i64)> {
    let mut tx = app.store.read().await?;
    Ok(store::letters(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// A letter to send, as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SendInput {
    #[serde(default)]
    pub case_id: Option<i64>,
    /// `court`, `procuratorate` or `police`.
    #[serde(default)]
    pub organ: String,
    /// The organ's name; the case's organ when empty.
    #[serde(default)]
    pub organ_name: String,
    /// Today when empty.
    #[serde(default)]
    pub sent_on: Option<NaiveDate>,
    /// Days to wait before reminding ([`DEFAULT_REMINDER_DAYS`] when empty).
    #[serde(default)]
    pub reminder_after_days: Option<u32>,
}

/// Sends a letter for an archived case: the letter (a document) is then
/// generated from the record.
pub async fn send(app: &App, ctx: &Ctx, input: &SendInput) -> AppResult<OpinionView> {
    policy::require(can_send(ctx))?;
    let home = super::home_unit(ctx)?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut v = legalaid_domain::Validation::new();
    let organ = OpinionOrgan::parse(input.organ.trim());
    if organ.is_none() {
        v.add("organ", "请选择人民法院、人民检察院或公安机关");
    }
    let sent_on = input.sent_on.unwrap_or(today);
    if sent_on > today {
        v.add("sent_on", "发函日期不能晚于今天");
    }
    let days = input.reminder_after_days.unwrap_or(DEFAULT_REMINDER_DAYS);
    if days > 365 {
        v.add("reminder_after_days", "催告期限应在0至365日之间");
    }
    let case_id = input.case_id.filter(|c| *c > 0);
    if case_id.is_none() {
        v.add("case_id", "请选择案件");
    }
    let (Some(organ), Some(case_id)) = (organ, case_id) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    if !v.errors().is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let mut tx = app.store.write().await?;
    let case = crate::cases::visible(&mut tx, ctx, CaseId(case_id)).await?;
    if case.status != CaseStatus::Archived {
        return Err(AppError::Conflict(
            "案件结案归档后才能征询办案机关的意见".into(),
        ));
    }
    let organ_name = match input.organ_name.trim() {
        "" => case.case_organ.trim().to_owned(),
        n => n.to_owned(),
    };
    if organ_name.is_empty() {
        return Err(AppError::field("organ_name", "请填写被征询意见的机关名称"));
    }
    if organ_name.chars().count() > 100 {
        return Err(AppError::field("organ_name", "机关名称不能超过100字"));
    }
    let letter = OpinionLetter {
        id: 0,
        case_id,
        organ,
        organ_name,
        sent_on,
        reminder_after_days: i32::try_from(days).unwrap_or(0),
        reminder_due: reminder_due(sent_on, days),
        status: OpinionStatus::Sent,
        reminded_at: None,
        reminded_by: None,
        ratings: JsonList(Vec::new()),
        negative: false,
        opinion: String::new(),
        answered_on: None,
        answered_by: None,
        handler_id: case.handler_id,
        handling_unit_id: case.handling_unit_id,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        sent_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        version: 1,
    };
    let id = store::insert_letter(&mut tx, &letter).await?;
    let saved = store::letter(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::OpinionSend,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// Records that the organ was reminded (催告): only a sent letter on or after
/// its reminder day; it stays open for a later answer.
pub async fn remind(app: &App, ctx: &Ctx, id: OpinionId, version: i64) -> AppResult<OpinionView> {
    policy::require(can_send(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(super::sees_region(ctx, &before.region_code))?;
    let mut after = before.clone();
    after.status = before
        .status
        .remind(before.reminder_due, local_date(now))
        .map_err(AppError::Conflict)?;
    after.reminded_at = Some(now);
    after.reminded_by = ctx.user_id();
    after.version = version;
    let saved = store::save_letter(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::OpinionRemind,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

/// The organ's answer as received.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub version: i64,
    /// The day the answer came; today when empty.
    #[serde(default)]
    pub answered_on: Option<NaiveDate>,
    #[serde(flatten)]
    pub answer: OpinionAnswerInput,
}

/// Records the organ's answer (every item rated), before or after a reminder.
pub async fn answer(
    app: &App,
    ctx: &Ctx,
    id: OpinionId,
    input: &AnswerInput,
) -> AppResult<OpinionView> {
    policy::require(can_send(ctx))?;
    let a = input.answer.validate().map_err(AppError::Validation)?;
    let now = app.clock.now();
    let today = local_date(now);
    let answered_on = input.answered_on.unwrap_or(today);
    if answered_on > today {
        return Err(AppError::field("answered_on", "回复日期不能晚于今天"));
    }
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::require(super::sees_region(ctx, &before.region_code))?;
    if answered_on < before.sent_on {
        return Err(AppError::field("answered_on", "回复日期不能早于发函日期"));
    }
    let mut after = before.clone();
    after.status = before.status.answer().map_err(AppError::Conflict)?;
    after.negative = a.is_negative();
    after.ratings = JsonList(a.ratings);
    after.opinion = a.opinion;
    after.answered_on = Some(answered_on);
    after.answered_by = ctx.user_id();
    after.version = input.version;
    let saved = store::save_letter(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::OpinionAnswer,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    finish(app, tx, ctx, id).await
}

async fn finish(app: &App, mut tx: Tx, ctx: &Ctx, id: OpinionId) -> AppResult<OpinionView> {
    crate::queues::track(app, &mut tx, Subject::Opinion(id)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}
