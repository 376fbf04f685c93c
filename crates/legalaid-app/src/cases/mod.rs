//! Cases: a granted application (or a notification) becomes a case; the center
//! assigns it lawfully and in time; the handler signs the agreement, records
//! progress and hearings, and reports the closure; the center reviews it, pays the
//! subsidy, or terminates legal aid on a ground of LAL art 48. Every step that
//! matters to the recipient or the handler writes its messages in the same
//! transaction (full-process notification).

use crate::deadlines::DeadlineView;
use crate::outbox::{self, About, Values};
pub use crate::paging::ListCursor;
use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, rules, units};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use legalaid_domain::application::{Application, Channel, Objection, Status};
use legalaid_domain::assignment::{self, Candidate, Needs, OtherMatter, Suggestion};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{
    Activity, AssignInput, Case, CaseEvent, CaseStatus, CaseType, ClosureInput, Grade, OpenCase,
    ProgressInput, Stage, SubsidyStatus, TerminationGround, checklist, first_stage, format_number,
    type_for,
};
use legalaid_domain::document::date_cn;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::person::Person;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffKind;
use legalaid_domain::subsidy::{SubsidyComputation, SubsidyFacts, compute, yuan};
use legalaid_domain::unit::{Unit, UnitKind};
use legalaid_domain::{ApplicationId, CaseId};
use legalaid_domain::{StaffId, UnitId, local_date, local_time};
use legalaid_store::Tx;
use legalaid_store::cases::{self as store, Assignment, Hearing, Progress, Replacement};
use legalaid_store::deadlines::Subject;
use legalaid_store::messages::Message;
use serde::Serialize;

pub mod actions;
mod assign;
mod closure;
mod handling;
pub mod import;
mod list;

pub use actions::{CaseAction, available};
pub use assign::*;
pub use closure::*;
pub use handling::*;
pub use list::*;

/// The center runs cases: opens, assigns, reviews closures.
pub fn can_manage(ctx: &Ctx) -> bool {
    policy::can_manage_cases(ctx)
}

/// Terminations, closure approval and payment are the director's.
pub fn can_decide(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::CenterDirector])
}

/// Grades come from the quality review (the director may set them until it lands).
pub fn can_grade(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::QualityReviewer, Role::CenterDirector])
}

fn conflict(e: impl std::fmt::Display) -> AppError {
    AppError::Conflict(e.to_string())
}

pub(crate) async fn visible(tx: &mut Tx, ctx: &Ctx, id: CaseId) -> AppResult<Case> {
    Ok(visible_with_units(tx, ctx, id).await?.0)
}

/// The case if the caller sees it (404 otherwise), with the units read to decide:
/// its intake unit, and its handling unit when the first did not decide.
async fn visible_with_units(tx: &mut Tx, ctx: &Ctx, id: CaseId) -> AppResult<(Case, Vec<Unit>)> {
    let c = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let scope = policy::scope(ctx);
    let mut read = Vec::new();
    for unit in [Some(c.intake_unit_id), c.handling_unit_id]
        .into_iter()
        .flatten()
    {
        let Some(u) = unit_of(tx, &read, UnitId(unit)).await? else {
            continue;
        };
        let covered = scope.covers(u.id, &u.region_code);
        read.push(u);
        if covered {
            return Ok((c, read));
        }
    }
    // An expert reads the files assigned to them for review.
    if let Some(a) = &ctx.actor
        && a.has(legalaid_domain::role::Role::Expert)
        && legalaid_store::quality::expert_assigned_to_case(tx, a.user.id.0, id).await?
    {
        return Ok((c, read));
    }
    Err(AppError::NotFound)
}

/// Unit `id`, from `known` when it was read already.
async fn unit_of(tx: &mut Tx, known: &[Unit], id: UnitId) -> AppResult<Option<Unit>> {
    if let Some(u) = known.iter().find(|u| u.id == id) {
        return Ok(Some(u.clone()));
    }
    Ok(legalaid_store::units::get(tx, id).await?)
}

/// One item of the stage checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub activity: Activity,
    pub label: &'static str,
    pub done_on: Option<NaiveDate>,
}

/// The subsidy of a case as computed from the schedule in force.
#[derive(Debug, Clone, Serialize)]
pub struct SubsidyView {
    pub status: SubsidyStatus,
    pub status_label: &'static str,
    pub grade: Grade,
    /// The amount fixed at closure approval (or the current computation before it).
    pub amount_fen: Option<i64>,
    pub computation: Option<SubsidyComputation>,
    /// Why it cannot be computed yet (no closure, or a gap in the schedule).
    pub note: String,
    pub paid_on: Option<NaiveDate>,
    pub voucher: String,
}

/// Everything shown about a case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case: Case,
    pub recipient: Person,
    pub application_number: String,
    /// The applicant's honesty declaration was found false at verification: the aid
    /// is to be terminated (LAL art 48(1)(1)), with what the verification found.
    pub false_declaration: Option<String>,
    pub matter_label: String,
    pub intake_unit: String,
    pub handling_unit: Option<String>,
    pub handler_name: Option<String>,
    pub handler_phone: Option<String>,
    pub assignments: Vec<Assignment>,
    pub progress: Vec<Progress>,
    pub checklist: Vec<ChecklistItem>,
    pub hearings: Vec<Hearing>,
    pub replacements: Vec<Replacement>,
    pub objections: Vec<Objection>,
    pub deadlines: Vec<DeadlineView>,
    pub messages: Vec<Message>,
    /// The case's materials (progress evidence, closure documents).
    pub attachments: Vec<legalaid_store::attachments::Attachment>,
    pub subsidy: SubsidyView,
    /// Other stages of the same criminal matter (id, number, stage).
    pub stages: Vec<(CaseId, String, Stage)>,
    /// What the caller may do to the case now ([`actions::available`]).
    pub actions: Vec<CaseAction>,
}

async fn region_of(tx: &mut Tx, unit: i64) -> AppResult<String> {
    Ok(legalaid_store::units::get(tx, UnitId(unit))
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default())
}

/// The subsidy of `c`, computed with the schedule as this transaction reads it
/// (writes, which store the amount).
async fn subsidy_of(tx: &mut Tx, c: &Case) -> AppResult<SubsidyView> {
    subsidy_with(tx, c, None).await
}

/// The subsidy of `c`, computed with `schedule` when given (the cached one in
/// force, for reading), else with the stored one.
async fn subsidy_with(
    tx: &mut Tx,
    c: &Case,
    schedule: Option<&legalaid_domain::subsidy::SubsidySchedule>,
) -> AppResult<SubsidyView> {
    let mut view = SubsidyView {
        status: c.subsidy_status,
        status_label: c.subsidy_status.label(),
        grade: c.grade,
        amount_fen: c.subsidy_fen,
        computation: None,
        note: String::new(),
        paid_on: c.subsidy_paid_on,
        voucher: c.subsidy_voucher.clone(),
    };
    let Some(cl) = &c.closure else {
        view.note = "结案材料提交后计算办案补贴".into();
        return Ok(view);
    };
    let stored;
    let schedule = match schedule {
        Some(s) => s,
        None => {
            stored = legalaid_store::subsidies::schedule(tx).await?;
            &stored
        }
    };
    let region = region_of(tx, c.handling_unit_id.unwrap_or(c.intake_unit_id)).await?;
    let facts = SubsidyFacts {
        case_type: c.case_type,
        stage: c.stage,
        grade: c.grade,
        flat_item: cl.flat_item,
        early_end: cl.early_end,
        travel_km: cl.travel_km,
    };
    match compute(schedule, &facts, &region, cl.ended_on) {
        Ok(comp) => {
            if view.amount_fen.is_none() {
                view.amount_fen = Some(comp.total_fen);
            }
            view.computation = Some(comp);
        }
        Err(e) => view.note = format!("无法计算办案补贴：{e}"),
    }
    Ok(view)
}

/// The case view of `c`; `known` holds units already read in `tx` (they are not read again).
async fn view_of(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    c: Case,
    known: &[Unit],
) -> AppResult<CaseView> {
    let f = rules::in_force(app, tx).await?;
    let today = local_date(app.clock.now());
    let recipient = legalaid_store::persons::get(tx, c.recipient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let application = legalaid_store::applications::get(tx, c.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let intake = unit_of(tx, known, UnitId(c.intake_unit_id)).await?;
    let region = intake
        .as_ref()
        .map(|u| u.region_code.to_string())
        .unwrap_or_default();
    let handling = match c.handling_unit_id {
        Some(u) => unit_of(tx, known, UnitId(u)).await?.map(|u| u.name),
        None => None,
    };
    let handler = match c.handler_id {
        Some(s) => legalaid_store::staff::get(tx, StaffId(s)).await?,
        None => None,
    };
    let progress = store::progress(tx, c.id).await?;
    let objections: Vec<Objection> =
        legalaid_store::applications::objections_of(tx, c.application_id)
            .await?
            .into_iter()
            .filter(|o| o.case_id == Some(c.id))
            .collect();
    let deadlines = crate::deadlines::of_case(
        &c,
        application.channel == Channel::Notified,
        objections.last().map(|o| o.received_at),
        &f.rules,
        &f.calendar,
        today,
    );
    let checklist = checklist(c.case_type, c.stage)
        .iter()
        .map(|a| ChecklistItem {
            activity: *a,
            label: a.label(),
            done_on: progress
                .iter()
                .filter(|p| p.activity == *a)
                .map(|p| p.occurred_on)
                .min(),
        })
        .collect();
    let stages = store::of_application(tx, c.application_id)
        .await?
        .into_iter()
        .filter(|o| o.id != c.id)
        .map(|o| (o.id, o.number, o.stage))
        .collect();
    let matter_label = f
        .rules
        .matter(
            &application.matter_code,
            &region,
            local_date(application.received_at),
        )
        .map_or_else(|| application.matter_code.clone(), |m| m.label.clone());
    let mut view = CaseView {
        recipient,
        false_declaration: application
            .false_declaration
            .then(|| application.verification_result.clone()),
        application_number: application.number,
        matter_label,
        intake_unit: intake.map(|u| u.name).unwrap_or_default(),
        handling_unit: handling,
        handler_name: handler.as_ref().map(|h| h.name.clone()),
        handler_phone: handler.as_ref().map(|h| h.phone.clone()),
        assignments: store::assignments(tx, c.id).await?,
        progress,
        checklist,
        hearings: store::hearings(tx, c.id).await?,
        replacements: store::replacements(tx, c.id).await?,
        objections,
        deadlines,
        messages: legalaid_store::messages::of_case(tx, c.id.0).await?,
        attachments: legalaid_store::attachments::of_case(tx, c.id.0).await?,
        subsidy: subsidy_with(tx, &c, Some(&f.subsidy)).await?,
        stages,
        actions: Vec::new(),
        case: c,
    };
    view.actions = actions::available(ctx, &view);
    Ok(view)
}

/// Ends a case change: the audit entry, the fresh view, the commit.
async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: AuditAction,
    before: &Case,
    after: Case,
) -> AppResult<CaseView> {
    audit::record(
        app,
        &mut tx,
        ctx,
        action,
        after.id,
        Some(before),
        Some(&after),
    )
    .await?;
    commit_then_view(app, tx, ctx, after).await
}

/// Commits a write, then reads what the caller is shown in a read transaction:
/// the writer (one at a time on SQLite) is held for the write alone, not for the
/// dozen reads of a case view.
/// The stored deadlines of the case and its application follow the write.
async fn commit_then_view(app: &App, mut tx: Tx, ctx: &Ctx, c: Case) -> AppResult<CaseView> {
    crate::queues::track(app, &mut tx, Subject::Case(c.id)).await?;
    crate::queues::track(app, &mut tx, Subject::Application(c.application_id)).await?;
    tx.commit().await?;
    let mut rx = app.store.read().await?;
    view_of(app, &mut rx, ctx, c, &[]).await
}

/// The values every message about a case may use.
async fn values(tx: &mut Tx, c: &Case, now: DateTime<Utc>) -> AppResult<Values> {
    let mut v = Values::new();
    v.insert(P::Number, c.number.clone());
    v.insert(P::Date, date_cn(local_date(now)));
    let unit = match c.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u)).await?,
        None => legalaid_store::units::get(tx, UnitId(c.intake_unit_id)).await?,
    };
    v.insert(P::Unit, unit.map(|u| u.name).unwrap_or_default());
    if let Some(h) = c.handler_id
        && let Some(s) = legalaid_store::staff::get(tx, StaffId(h)).await?
    {
        v.insert(P::Handler, s.name);
        v.insert(P::HandlerPhone, s.phone);
    }
    Ok(v)
}

/// Who is told of a step.
#[derive(Debug, Clone, Copy)]
struct To {
    recipient: bool,
    handler: bool,
    unit: bool,
}

const RECIPIENT: To = To {
    recipient: true,
    handler: false,
    unit: false,
};

const HANDLER: To = To {
    recipient: false,
    handler: true,
    unit: false,
};

const UNIT: To = To {
    recipient: false,
    handler: false,
    unit: true,
};

const RECIPIENT_AND_HANDLER: To = To {
    recipient: true,
    handler: true,
    unit: false,
};

const RECIPIENT_AND_UNIT: To = To {
    recipient: true,
    handler: false,
    unit: true,
};

const EVERYONE: To = To {
    recipient: true,
    handler: true,
    unit: true,
};

/// Messages to the recipient and the handler (and the handling unit) about a step.
async fn tell(
    tx: &mut Tx,
    c: &Case,
    kind: MessageKind,
    to: To,
    extra: &[(P, String)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let To {
        recipient,
        handler,
        unit,
    } = to;
    let mut v = values(tx, c, now).await?;
    for (k, val) in extra {
        v.insert(*k, val.clone());
    }
    let about = About {
        case_id: Some(c.id.0),
        application_id: Some(c.application_id.0),
    };
    if recipient {
        outbox::to_person(tx, kind, c.recipient_id, about, v.clone(), now).await?;
    }
    if handler && let Some(h) = c.handler_id {
        outbox::to_staff(tx, kind, h, about, v.clone(), now).await?;
    }
    if unit && let Some(u) = c.handling_unit_id {
        outbox::to_unit(tx, kind, u, about, v, now).await?;
    }
    Ok(())
}

async fn next_number(tx: &mut Tx, year: i32) -> AppResult<String> {
    let pattern = legalaid_store::applications::setting(tx, "case_number_format")
        .await?
        .unwrap_or_else(|| "法援〔{year}〕第{seq}号".into());
    let seq = legalaid_store::applications::next_number(tx, "case", year).await?;
    Ok(format_number(&pattern, year, seq))
}

/// Opens the case of a granted application. A notification from a court,
/// procuratorate or police needs no decision: opening its case grants it.
pub async fn open(
    app: &App,
    ctx: &Ctx,
    application_id: ApplicationId,
    input: &OpenCase,
) -> AppResult<CaseView> {
    require(crate::applications::ApplicationAction::OpenCase.by_role(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let a = legalaid_store::applications::get(&mut tx, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    units::visible(&mut tx, ctx, UnitId(a.receiving_unit_id))
        .await
        .map_err(|_| AppError::NotFound)?;
    if !store::of_application(&mut tx, a.id).await?.is_empty() {
        return Err(AppError::Conflict(
            "该申请已立案；刑事案件的后续阶段请在案件页面“进入下一阶段”".into(),
        ));
    }
    let notified = a.channel == Channel::Notified;
    let a = match (a.status, notified) {
        (Status::Granted, _) => a,
        (Status::Received, true) => grant_notified(app, &mut tx, ctx, a, now).await?,
        (s, _) => {
            return Err(AppError::Conflict(format!(
                "只有决定给予法律援助的申请才能立案，该申请当前状态为“{}”",
                s.label()
            )));
        }
    };
    let rules = rules::in_force(app, &mut tx).await?.rules.clone();
    let region = region_of(&mut tx, a.receiving_unit_id).await?;
    let matter = rules.matter(&a.matter_code, &region, local_date(a.received_at));
    let mut v = legalaid_domain::Validation::new();
    let case_type = match input
        .case_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(t) => CaseType::parse(t).unwrap_or_else(|| {
            v.add("case_type", "案件类型不正确");
            CaseType::Civil
        }),
        None => matter.map_or(CaseType::Civil, |m| type_for(m.category, a.service_form)),
    };
    let stage = match input
        .stage
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Stage::parse(s).unwrap_or_else(|| {
            v.add("stage", "诉讼阶段不正确");
            Stage::Whole
        }),
        None => first_stage(case_type, &a.matter_code, a.notifying_organ),
    };
    if v.is_empty() && !case_type.allows(stage) {
        v.add(
            "stage",
            format!("{}案件不能选择{}", case_type.label(), stage.label()),
        );
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let recipient = legalaid_store::persons::get(&mut tx, a.applicant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let minor = recipient
        .birth_date
        .is_some_and(|b| legalaid_domain::person::age_on(b, local_date(a.received_at)) < 18);
    let year = local_date(now).year();
    let number = next_number(&mut tx, year).await?;
    let assign_from = if notified {
        a.received_at
    } else {
        a.decided_at.unwrap_or(now)
    };
    let c = store::insert(
        &mut tx,
        &store::NewCase {
            number: &number,
            application_id: a.id.0,
            previous_case_id: None,
            recipient_id: a.applicant_id.0,
            case_type,
            stage,
            intake_unit_id: a.receiving_unit_id,
            possible_life_or_death: input.possible_life_or_death
                || stage == Stage::DeathPenaltyReview,
            juvenile: input.juvenile.unwrap_or(minor),
            opposing_party: &a.opposing_party,
            case_organ: &a.case_organ,
            organ_case_number: &a.case_number,
            assign_from,
        },
        now,
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::CaseOpen,
        c.id,
        None::<&()>,
        Some(&c),
    )
    .await?;
    commit_then_view(app, tx, ctx, c).await
}

/// A notification needs no review of means: it is granted when its case opens.
async fn grant_notified(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    a: Application,
    now: DateTime<Utc>,
) -> AppResult<Application> {
    use legalaid_domain::application::{Event, Outcome};
    let next = a
        .status
        .next(Event::Decide(Outcome::Granted))
        .map_err(conflict)?;
    let after = legalaid_store::applications::change(
        tx,
        a.id,
        a.version,
        &legalaid_store::applications::Change {
            status: Some(next),
            decision: Some(legalaid_store::applications::Decision {
                outcome: Outcome::Granted,
                denial_reason: None,
                reason: "办案机关通知辩护（代理），依法指派，无需审查经济状况",
                against_assessment: false,
                at: now,
                by: ctx.user_id(),
            }),
            ..Default::default()
        },
        now,
    )
    .await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::ApplicationDecide,
        a.id,
        Some(&a),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Opens the next stage of a criminal matter (e.g. trial after prosecution review),
/// once the current stage has ended.
pub async fn open_next_stage(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<CaseView> {
    require(CaseAction::OpenNextStage.by_role(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let prev = visible(&mut tx, ctx, id).await?;
    let Some(stage) = prev
        .stage
        .next()
        .filter(|_| prev.case_type == CaseType::Criminal)
    else {
        return Err(AppError::Conflict("该案件没有后续诉讼阶段".into()));
    };
    if !matches!(
        prev.status,
        CaseStatus::ClosureSubmitted | CaseStatus::Archived
    ) {
        return Err(AppError::Conflict(
            "本阶段办结并提交结案材料后，才能进入下一阶段".into(),
        ));
    }
    let all = store::of_application(&mut tx, prev.application_id).await?;
    if all.iter().any(|c| c.previous_case_id == Some(prev.id)) {
        return Err(AppError::Conflict("下一阶段已立案".into()));
    }
    let number = next_number(&mut tx, local_date(now).year()).await?;
    let c = store::insert(
        &mut tx,
        &store::NewCase {
            number: &number,
            application_id: prev.application_id.0,
            previous_case_id: Some(prev.id.0),
            recipient_id: prev.recipient_id.0,
            case_type: prev.case_type,
            stage,
            intake_unit_id: prev.intake_unit_id,
            possible_life_or_death: prev.possible_life_or_death,
            juvenile: prev.juvenile,
            opposing_party: &prev.opposing_party,
            case_organ: &prev.case_organ,
            organ_case_number: &prev.organ_case_number,
            assign_from: now,
        },
        now,
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::CaseOpenNextStage,
        c.id,
        None::<&()>,
        Some(&c),
    )
    .await?;
    commit_then_view(app, tx, ctx, c).await
}

pub async fn get(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<CaseView> {
    let mut tx = app.store.read().await?;
    get_in(app, &mut tx, ctx, id).await
}

/// [`get`] inside the caller's transaction, for a page that reads more with it.
pub(crate) async fn get_in(app: &App, tx: &mut Tx, ctx: &Ctx, id: CaseId) -> AppResult<CaseView> {
    let (c, units) = visible_with_units(tx, ctx, id).await?;
    view_of(app, tx, ctx, c, &units).await
}
