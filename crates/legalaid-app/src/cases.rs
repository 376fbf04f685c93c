//! Cases: a granted application (or a notification) becomes a case; the center
//! assigns it lawfully and in time; the handler signs the agreement, records
//! progress and hearings, and reports the closure; the center reviews it, pays the
//! subsidy, or terminates legal aid on a ground of LAL art 48. Every step that
//! matters to the recipient or the handler writes its messages in the same
//! transaction (full-process notification).

use crate::applications::{DeadlineView, deadline_view};
use crate::outbox::{self, About, Values};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, rules, units};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use legalaid_domain::application::{Application, Channel, Objection, Status};
use legalaid_domain::assignment::{self, Candidate, Needs, OtherMatter, Suggestion};
use legalaid_domain::case::{
    Activity, AssignInput, Case, CaseClock, CaseEvent, CaseStatus, CaseType, ClosureInput, Grade,
    OpenCase, ProgressInput, Stage, SubsidyStatus, TerminationGround, checklist, first_stage,
    format_number, type_for,
};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::person::Person;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffKind;
use legalaid_domain::subsidy::{SubsidyComputation, SubsidyFacts, compute, yuan};
use legalaid_domain::unit::UnitKind;
use legalaid_domain::{StaffId, UnitId, local_date, local_time};
use legalaid_store::Tx;
use legalaid_store::cases::{
    self as store, Assignment, CaseFilter, Hearing, Progress, Replacement,
};
use legalaid_store::messages::Message;
use serde::Serialize;

fn has_role(ctx: &Ctx, roles: &[Role]) -> bool {
    match &ctx.actor {
        None => true,
        Some(a) => a.has(Role::SystemAdmin) || roles.iter().any(|r| a.has(*r)),
    }
}

/// The center runs cases: opens, assigns, reviews closures.
pub fn can_manage(ctx: &Ctx) -> bool {
    has_role(ctx, &[Role::CenterReviewer, Role::CenterDirector])
}

/// Terminations, closure approval and payment are the director's.
pub fn can_decide(ctx: &Ctx) -> bool {
    has_role(ctx, &[Role::CenterDirector])
}

/// Grades come from the quality review (the director may set them until it lands).
pub fn can_grade(ctx: &Ctx) -> bool {
    has_role(ctx, &[Role::QualityReviewer, Role::CenterDirector])
}

fn require(ok: bool) -> AppResult<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

fn conflict(e: impl std::fmt::Display) -> AppError {
    AppError::Conflict(e.to_string())
}

/// Whether the caller works the case: its handler, a user of its handling unit,
/// or the center.
pub fn works_on(ctx: &Ctx, c: &Case) -> bool {
    let Some(a) = &ctx.actor else {
        return true;
    };
    if can_manage(ctx) || a.has(Role::IntakeClerk) && c.handling_unit_id.is_none() {
        return true;
    }
    let own_unit =
        a.user.unit_id.map(|u| u.0) == c.handling_unit_id && c.handling_unit_id.is_some();
    let own_case = a.user.staff_id.map(|s| s.0) == c.handler_id && c.handler_id.is_some();
    a.has(Role::Handler) && (own_case || own_unit)
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: i64) -> AppResult<Case> {
    let c = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let scope = policy::scope(ctx);
    for unit in [Some(c.intake_unit_id), c.handling_unit_id]
        .into_iter()
        .flatten()
    {
        if let Some(u) = legalaid_store::units::get(tx, UnitId(unit)).await?
            && scope.covers(u.id, &u.region_code)
        {
            return Ok(c);
        }
    }
    Err(AppError::NotFound)
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
    pub stages: Vec<(i64, String, Stage)>,
}

async fn region_of(tx: &mut Tx, unit: i64) -> AppResult<String> {
    Ok(legalaid_store::units::get(tx, UnitId(unit))
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default())
}

async fn subsidy_of(tx: &mut Tx, c: &Case) -> AppResult<SubsidyView> {
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
    let schedule = store::schedule(tx).await?;
    let region = region_of(tx, c.handling_unit_id.unwrap_or(c.intake_unit_id)).await?;
    let facts = SubsidyFacts {
        case_type: c.case_type,
        stage: c.stage,
        grade: c.grade,
        flat_item: cl.flat_item,
        early_end: cl.early_end,
        travel_km: cl.travel_km,
    };
    match compute(&schedule, &facts, &region, cl.ended_on) {
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

async fn view_of(app: &App, tx: &mut Tx, c: Case) -> AppResult<CaseView> {
    let f = rules::in_force(app, tx).await?;
    let (rules, calendar) = (&f.rules, &f.calendar);
    let today = local_date(app.clock.now());
    let recipient = legalaid_store::persons::get(tx, c.recipient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let application = legalaid_store::applications::get(tx, c.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let intake = legalaid_store::units::get(tx, UnitId(c.intake_unit_id)).await?;
    let region = intake
        .as_ref()
        .map(|u| u.region_code.to_string())
        .unwrap_or_default();
    let handling = match c.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u))
            .await?
            .map(|u| u.name),
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
    let clock = CaseClock {
        status: c.status,
        notified: application.channel == Channel::Notified,
        assign_from: local_time(c.assign_from),
        assigned_at: c.assigned_at.map(local_time),
        agreement_signed_on: c.agreement_signed_on,
        ended_on: c.ended_on,
        closure_submitted_at: c.closure_submitted_at.map(local_time),
        objection_received_at: objections.last().map(|o| local_time(o.received_at)),
    };
    let deadlines = match legalaid_domain::case::deadlines(&clock, rules, calendar) {
        Ok(ds) => ds.iter().map(|d| deadline_view(d, today)).collect(),
        Err(gap) => vec![crate::applications::gap_view(&gap, today)],
    };
    let checklist = checklist(c.case_type, c.stage)
        .iter()
        .map(|a| ChecklistItem {
            activity: *a,
            label: a.label(),
            done_on: progress
                .iter()
                .filter(|p| p.activity == a.as_str())
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
    let matter_label = rules
        .matter(
            &application.matter_code,
            &region,
            local_date(application.received_at),
        )
        .map_or_else(|| application.matter_code.clone(), |m| m.label.clone());
    Ok(CaseView {
        recipient,
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
        messages: legalaid_store::messages::of_case(tx, c.id).await?,
        attachments: legalaid_store::attachments::of_case(tx, c.id).await?,
        subsidy: subsidy_of(tx, &c).await?,
        stages,
        case: c,
    })
}

/// Ends a case change: the audit entry, the fresh view, the commit.
async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: &str,
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
    let v = view_of(app, &mut tx, after).await?;
    tx.commit().await?;
    Ok(v)
}

fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The values every message about a case may use.
async fn values(tx: &mut Tx, c: &Case, now: DateTime<Utc>) -> AppResult<Values> {
    let mut v = Values::new();
    v.insert("number", c.number.clone());
    v.insert("date", date_cn(local_date(now)));
    let unit = match c.handling_unit_id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u)).await?,
        None => legalaid_store::units::get(tx, UnitId(c.intake_unit_id)).await?,
    };
    v.insert("unit", unit.map(|u| u.name).unwrap_or_default());
    if let Some(h) = c.handler_id
        && let Some(s) = legalaid_store::staff::get(tx, StaffId(h)).await?
    {
        v.insert("handler", s.name);
        v.insert("handler_phone", s.phone);
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
    extra: &[(&'static str, String)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let To {
        recipient,
        handler,
        unit,
    } = to;
    let mut v = values(tx, c, now).await?;
    for (k, val) in extra {
        v.insert(k, val.clone());
    }
    let about = About {
        case_id: Some(c.id),
        application_id: Some(c.application_id),
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
    application_id: i64,
    input: &OpenCase,
) -> AppResult<CaseView> {
    require(can_manage(ctx))?;
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
            application_id: a.id,
            previous_case_id: None,
            recipient_id: a.applicant_id,
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
    audit::record(app, &mut tx, ctx, "case.open", c.id, None::<&()>, Some(&c)).await?;
    let v = view_of(app, &mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
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
        "application.decide",
        a.id,
        Some(&a),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Opens the next stage of a criminal matter (e.g. trial after prosecution review),
/// once the current stage has ended.
pub async fn open_next_stage(app: &App, ctx: &Ctx, id: i64) -> AppResult<CaseView> {
    require(can_manage(ctx))?;
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
            application_id: prev.application_id,
            previous_case_id: Some(prev.id),
            recipient_id: prev.recipient_id,
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
        "case.open_next_stage",
        c.id,
        None::<&()>,
        Some(&c),
    )
    .await?;
    let v = view_of(app, &mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<CaseView> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    view_of(app, &mut tx, c).await
}

/// A row of the case list.
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub case: Case,
    pub recipient_name: String,
    pub handler_name: Option<String>,
    pub handling_unit: Option<String>,
    /// The most pressing running deadline, if any.
    pub next_deadline: Option<DeadlineView>,
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &CaseFilter,
    page: Page,
) -> AppResult<(Vec<ListItem>, i64)> {
    let mut tx = app.store.read().await?;
    let (cases, total) = store::list(&mut tx, &policy::scope(ctx), filter, page).await?;
    let mut items = Vec::with_capacity(cases.len());
    for c in cases {
        let recipient_name = legalaid_store::persons::get(&mut tx, c.recipient_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let handler_name = match c.handler_id {
            Some(h) => legalaid_store::staff::get(&mut tx, StaffId(h))
                .await?
                .map(|s| s.name),
            None => None,
        };
        let handling_unit = match c.handling_unit_id {
            Some(u) => legalaid_store::units::get(&mut tx, UnitId(u))
                .await?
                .map(|u| u.name),
            None => None,
        };
        let next_deadline = if c.status.is_open() {
            next_deadline(app, &mut tx, &c).await?
        } else {
            None
        };
        items.push(ListItem {
            case: c,
            recipient_name,
            handler_name,
            handling_unit,
            next_deadline,
        });
    }
    Ok((items, total))
}

/// The earliest deadline still running on an open case.
async fn next_deadline(app: &App, tx: &mut Tx, c: &Case) -> AppResult<Option<DeadlineView>> {
    let f = rules::in_force(app, tx).await?;
    let notified = legalaid_store::applications::get(tx, c.application_id)
        .await?
        .is_some_and(|a| a.channel == Channel::Notified);
    let clock = CaseClock {
        status: c.status,
        notified,
        assign_from: local_time(c.assign_from),
        assigned_at: c.assigned_at.map(local_time),
        agreement_signed_on: c.agreement_signed_on,
        ended_on: c.ended_on,
        closure_submitted_at: c.closure_submitted_at.map(local_time),
        objection_received_at: None,
    };
    let today = local_date(app.clock.now());
    Ok(
        match legalaid_domain::case::deadlines(&clock, &f.rules, &f.calendar) {
            Ok(ds) => ds
                .iter()
                .filter(|d| !d.met)
                .min_by_key(|d| d.due.date())
                .map(|d| deadline_view(d, today)),
            Err(gap) => Some(crate::applications::gap_view(&gap, today)),
        },
    )
}

async fn needs_of<'a>(
    tx: &mut Tx,
    c: &'a Case,
    recipient: &'a str,
) -> AppResult<(Needs<'a>, Option<String>)> {
    let a = legalaid_store::applications::get(tx, c.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        Needs {
            case_type: c.case_type,
            stage: c.stage,
            possible_life_or_death: c.possible_life_or_death,
            juvenile: c.juvenile,
            specialty: assignment::specialty_for(&a.matter_code, c.case_type),
            recipient_name: recipient,
            opposing_party: &c.opposing_party,
            year: 0,
        },
        Some(a.matter_code),
    ))
}

/// Builds the candidates among `staff` (with their units, loads and other matters).
async fn candidates(
    tx: &mut Tx,
    staff: Vec<legalaid_domain::staff::Staff>,
    case_id: i64,
    year: i32,
) -> AppResult<Vec<Candidate>> {
    let ids: Vec<i64> = staff.iter().map(|s| s.id.0).collect();
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(Utc::now, |t| (t - chrono::Duration::hours(8)).and_utc());
    let loads = store::loads(tx, &ids, year_start).await?;
    let others = store::other_matters(tx, &ids, case_id).await?;
    let mut unit_cache: std::collections::HashMap<i64, legalaid_domain::unit::Unit> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for s in staff {
        let unit = match unit_cache.get(&s.unit_id.0) {
            Some(u) => u.clone(),
            None => {
                let Some(u) = legalaid_store::units::get(tx, s.unit_id).await? else {
                    continue;
                };
                unit_cache.insert(s.unit_id.0, u.clone());
                u
            }
        };
        let load = loads.get(&s.id.0).cloned().unwrap_or_default();
        out.push(Candidate {
            staff_id: s.id.0,
            name: s.name.clone(),
            unit_id: s.unit_id.0,
            unit_name: unit.name.clone(),
            unit_kind: unit.kind,
            kind: s.kind,
            licence_no: s.licence_no.clone(),
            practice_start_year: s.practice_start_year,
            specialties: s.specialties.clone(),
            active: s.active && unit.active,
            open_cases: load.open_cases,
            assigned_this_year: load.assigned_this_year,
            last_assigned_on: load.last_assigned_on.map(local_date),
            other_matters: others
                .iter()
                .filter(|(h, ..)| *h == s.id.0)
                .map(|(_, number, recipient, opposing)| OtherMatter {
                    case_number: number.clone(),
                    recipient_name: recipient.clone(),
                    opposing_party: opposing.clone(),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Handlers the center may assign, ranked (eligible first) with their reasons.
pub async fn suggestions(app: &App, ctx: &Ctx, id: i64) -> AppResult<Vec<Suggestion>> {
    require(can_manage(ctx) || ctx.actor.as_ref().is_some_and(|a| a.has(Role::Handler)))?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let recipient = legalaid_store::persons::get(&mut tx, c.recipient_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (mut needs, _) = needs_of(&mut tx, &c, &recipient).await?;
    needs.year = today.year();
    let (staff, _) = legalaid_store::staff::list(
        &mut tx,
        &policy::scope(ctx),
        &legalaid_store::staff::StaffFilter::default(),
        Page {
            page: 1,
            per_page: 1000,
        },
    )
    .await?;
    // A firm names its own lawyer (its users see only their own staff anyway); a
    // replacement may go to any unit.
    let naming = c.status == CaseStatus::AwaitingHandler;
    let staff: Vec<_> = staff
        .into_iter()
        .filter(|s| !naming || c.handling_unit_id == Some(s.unit_id.0))
        .collect();
    let cands = candidates(&mut tx, staff, c.id, today.year()).await?;
    let cands: Vec<_> = cands
        .into_iter()
        .filter(|c| {
            // Center staff without a lawyer's or legal professional qualification
            // never handle cases: they are left out rather than listed as refused.
            let qualified = c.kind != StaffKind::CenterStaff || !c.licence_no.trim().is_empty();
            matches!(
                c.unit_kind,
                UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
            ) && c.kind != StaffKind::JudicialOfficer
                && qualified
        })
        .collect();
    Ok(assignment::rank(&cands, &needs, today))
}

/// Checks a handler for a case: the law's constraints refuse (409 with the
/// reasons); a conflict needs a recorded reason.
async fn check_handler(
    tx: &mut Tx,
    c: &Case,
    staff_id: i64,
    unit_id: i64,
    conflict_reason: &str,
    year: i32,
) -> AppResult<String> {
    let s = legalaid_store::staff::get(tx, StaffId(staff_id))
        .await?
        .ok_or_else(|| AppError::field("handler_id", "承办人不存在"))?;
    if s.unit_id.0 != unit_id {
        return Err(AppError::field("handler_id", "承办人不属于所选承办单位"));
    }
    let recipient = legalaid_store::persons::get(tx, c.recipient_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (mut needs, _) = needs_of(tx, c, &recipient).await?;
    needs.year = year;
    let cand = candidates(tx, vec![s], c.id, year)
        .await?
        .pop()
        .ok_or_else(|| AppError::field("handler_id", "承办人不存在"))?;
    let refusals = assignment::refusals(&cand, &needs);
    if !refusals.is_empty() {
        return Err(AppError::Conflict(format!(
            "不能指派{}：{}",
            cand.name,
            refusals.join("；")
        )));
    }
    let conflicts = assignment::conflicts(&cand, &needs);
    if !conflicts.is_empty() && conflict_reason.trim().is_empty() {
        return Err(AppError::Conflict(format!(
            "利益冲突：{}。如确认不构成冲突，请填写理由后再指派",
            conflicts.join("；")
        )));
    }
    Ok(if conflicts.is_empty() {
        String::new()
    } else {
        format!(
            "{}（确认理由：{}）",
            conflicts.join("；"),
            conflict_reason.trim()
        )
    })
}

/// Assigns a case to a unit, and to a handler when named. A law firm or legal
/// service office that received a case names its handler the same way.
pub async fn assign(app: &App, ctx: &Ctx, id: i64, input: &AssignInput) -> AppResult<CaseView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let unit_id = input
        .unit_id
        .ok_or_else(|| AppError::field("unit_id", "请选择承办单位"))?;
    let now = app.clock.now();
    let year = local_date(now).year();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    // The center assigns; the assigned unit only names its own handler.
    let naming =
        before.status == CaseStatus::AwaitingHandler && before.handling_unit_id == Some(unit_id);
    require(can_manage(ctx) || naming && works_on(ctx, &before))?;
    let unit = units::visible(&mut tx, ctx, UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "承办单位不存在"))?;
    if !matches!(
        unit.kind,
        UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
    ) {
        return Err(AppError::field(
            "unit_id",
            "承办单位应为律师事务所、基层法律服务所或法律援助中心",
        ));
    }
    let mut after = before.clone();
    let note = match input.handler_id {
        Some(h) => {
            let note =
                check_handler(&mut tx, &before, h, unit_id, &input.conflict_reason, year).await?;
            after.status = before
                .status
                .next(CaseEvent::AssignHandler)
                .map_err(conflict)?;
            after.handler_id = Some(h);
            after.assigned_at = Some(now);
            note
        }
        None => {
            if unit.kind == UnitKind::LegalAidCenter {
                return Err(AppError::field(
                    "handler_id",
                    "指派法律援助中心工作人员时须选择承办人",
                ));
            }
            after.status = before
                .status
                .next(CaseEvent::AssignUnit)
                .map_err(conflict)?;
            // The assignment itself is in time when the unit receives it.
            after.assigned_at = Some(now);
            String::new()
        }
    };
    after.handling_unit_id = Some(unit_id);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    if naming {
        store::name_handler(&mut tx, id, input.handler_id.unwrap_or_default(), &note).await?;
    } else {
        store::add_assignment(
            &mut tx,
            &store::NewAssignment {
                case_id: id,
                unit_id,
                handler_id: input.handler_id,
                by: ctx.user_id(),
                conflict_note: &note,
                end_reason: "",
                at: now,
            },
        )
        .await?;
    }
    let deadline = agreement_deadline(app, &mut tx, now).await?;
    if saved.handler_id.is_some() {
        let extra = [("deadline", deadline)];
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedRecipient,
            RECIPIENT,
            &extra,
            now,
        )
        .await?;
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedHandler,
            HANDLER,
            &extra,
            now,
        )
        .await?;
    } else {
        let extra = [("deadline", deadline), ("handler", "（待确定）".to_owned())];
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedHandler,
            UNIT,
            &extra,
            now,
        )
        .await?;
    }
    let action = if naming {
        "case.name_handler"
    } else {
        "case.assign"
    };
    finish(app, tx, ctx, action, &before, saved).await
}

/// The agreement deadline (5 days from now) as the messages state it.
async fn agreement_deadline(app: &App, tx: &mut Tx, now: DateTime<Utc>) -> AppResult<String> {
    let f = rules::in_force(app, tx).await?;
    let (rules, cal) = (&f.rules, &f.calendar);
    Ok(match rules.deadline("sign_agreement") {
        Some(r) => match r.due(local_time(now), &[], cal) {
            Ok(d) => date_cn(d.date()),
            Err(_) => String::new(),
        },
        None => String::new(),
    })
}

/// The agreement and power of attorney are signed (Procedural Rules art 27).
pub async fn sign_agreement(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    on: Option<NaiveDate>,
) -> AppResult<CaseView> {
    let now = app.clock.now();
    let today = local_date(now);
    let on = on.ok_or_else(|| AppError::field("signed_on", "请填写签订日期"))?;
    if on > today {
        return Err(AppError::field("signed_on", "签订日期不能晚于今天"));
    }
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    require(works_on(ctx, &before))?;
    if before.assigned_at.is_some_and(|a| on < local_date(a)) {
        return Err(AppError::field("signed_on", "签订日期不能早于指派日期"));
    }
    let mut after = before.clone();
    after.status = before
        .status
        .next(CaseEvent::SignAgreement)
        .map_err(conflict)?;
    after.agreement_signed_on = Some(on);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    finish(app, tx, ctx, "case.sign_agreement", &before, saved).await
}

/// Records a dated progress entry (and the hearing it schedules, if any); the
/// recipient is told (LAL art 46: the handler reports progress).
pub async fn add_progress(
    app: &App,
    ctx: &Ctx,
    id: i64,
    input: &ProgressInput,
) -> AppResult<CaseView> {
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
    require(works_on(ctx, &before))?;
    if !matches!(before.status, CaseStatus::Assigned | CaseStatus::InProgress) {
        return Err(AppError::Conflict(format!(
            "案件当前状态（{}）不能登记办理进展",
            before.status.label()
        )));
    }
    if before.assigned_at.is_some_and(|a| on < local_date(a)) {
        return Err(AppError::field("occurred_on", "日期不能早于指派日期"));
    }
    let pid = store::add_progress(&mut tx, id, activity, on, &note, ctx.user_id(), now).await?;
    if let Some(at) = input.hearing_at {
        let hid = store::add_hearing(&mut tx, id, at, &place, &note, now).await?;
        audit::record(
            app,
            &mut tx,
            ctx,
            "case.hearing_scheduled",
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
        "case.progress",
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
            "case.ended",
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
        &[("stage", activity.label().to_owned())],
        now,
    )
    .await?;
    let v = view_of(app, &mut tx, after).await?;
    tx.commit().await?;
    Ok(v)
}

/// Terminates legal aid on a ground of LAL art 48, with written reasons.
pub async fn terminate(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    ground: &str,
    reason: &str,
) -> AppResult<CaseView> {
    require(can_decide(ctx))?;
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
    finish(app, tx, ctx, "case.terminate", &before, saved).await
}

/// The recipient objects to a termination; the bureau decides within 5 days.
pub async fn object_termination(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    reason: &str,
) -> AppResult<CaseView> {
    require(can_manage(ctx) || has_role(ctx, &[Role::IntakeClerk]))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请填写异议的理由"));
    }
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
        "objection.create",
        o.id,
        None::<&()>,
        Some(&o),
    )
    .await?;
    finish(app, tx, ctx, "case.object", &before, saved).await
}

/// The bureau's decision on an objection to a termination: upheld, or handling
/// resumes where it stood.
pub(crate) async fn decide_termination_objection(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    case_id: i64,
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
        "case.objection_decided",
        case_id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    Ok(())
}

/// The handler reports the closure (LAL art 50): outcome, result, report.
pub async fn submit_closure(
    app: &App,
    ctx: &Ctx,
    id: i64,
    input: &ClosureInput,
) -> AppResult<CaseView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    require(works_on(ctx, &before))?;
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
    finish(app, tx, ctx, "case.submit_closure", &before, saved).await
}

/// The center reviews the closure materials: approved (closed, archived, the
/// subsidy fixed and payable) or returned for correction.
pub async fn review_closure(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    approve: bool,
    reason: &str,
) -> AppResult<CaseView> {
    require(can_decide(ctx))?;
    if !approve && reason.trim().is_empty() {
        return Err(AppError::field(
            "reason",
            "退回结案材料须说明需要补正的内容",
        ));
    }
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
    } else {
        audit::record(
            app,
            &mut tx,
            ctx,
            "case.closure_returned_reason",
            id,
            None::<&()>,
            Some(&reason.trim()),
        )
        .await?;
    }
    let action = if approve {
        "case.approve_closure"
    } else {
        "case.return_closure"
    };
    finish(app, tx, ctx, action, &before, saved).await
}

/// Sets the quality grade (until the quality review sets it); an unpaid subsidy
/// is recomputed.
pub async fn set_grade(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    grade: &str,
) -> AppResult<CaseView> {
    require(can_grade(ctx))?;
    let grade =
        Grade::parse(grade.trim()).ok_or_else(|| AppError::field("grade", "质量等级不正确"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if before.subsidy_status == SubsidyStatus::Paid {
        return Err(AppError::Conflict("补贴已发放，不能再修改质量等级".into()));
    }
    let mut after = before.clone();
    after.grade = grade;
    after.version = version;
    if before.status == CaseStatus::Archived {
        after.subsidy_fen = None;
        let sub = subsidy_of(&mut tx, &after).await?;
        after.subsidy_fen = sub.computation.map(|c| c.total_fen);
        after.subsidy_status = if grade == Grade::Unqualified {
            SubsidyStatus::Withheld
        } else {
            SubsidyStatus::Payable
        };
    }
    let saved = store::save(&mut tx, &after, now).await?;
    finish(app, tx, ctx, "case.grade", &before, saved).await
}

/// Records the payment of the subsidy with its voucher number (补贴领款凭单).
pub async fn pay_subsidy(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    paid_on: Option<NaiveDate>,
) -> AppResult<CaseView> {
    require(can_decide(ctx))?;
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
    let seq = legalaid_store::applications::next_number(&mut tx, "subsidy_voucher", paid_on.year())
        .await?;
    let mut after = before.clone();
    after.subsidy_status = SubsidyStatus::Paid;
    after.subsidy_paid_on = Some(paid_on);
    after.subsidy_voucher = format!("补贴〔{}〕{}号", paid_on.year(), seq);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    let amount = yuan(saved.subsidy_fen.unwrap_or(0)).replace(',', "");
    let extra = [("amount", amount), ("date", date_cn(paid_on))];
    tell(
        &mut tx,
        &saved,
        MessageKind::SubsidyPaid,
        HANDLER,
        &extra,
        now,
    )
    .await?;
    finish(app, tx, ctx, "case.pay_subsidy", &before, saved).await
}

/// A request to replace the handler (LAL art 55), from the recipient or the handler.
pub async fn request_replacement(
    app: &App,
    ctx: &Ctx,
    id: i64,
    requested_by: &str,
    reason: &str,
) -> AppResult<CaseView> {
    let by = requested_by.trim();
    if by != "recipient" && by != "handler" {
        return Err(AppError::field(
            "requested_by",
            "请选择由受援人或承办人提出",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请填写更换的理由"));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let c = visible(&mut tx, ctx, id).await?;
    require(works_on(ctx, &c) || has_role(ctx, &[Role::IntakeClerk]))?;
    if !matches!(c.status, CaseStatus::Assigned | CaseStatus::InProgress) {
        return Err(AppError::Conflict("只有在办案件才能申请更换承办人".into()));
    }
    if store::replacements(&mut tx, id)
        .await?
        .iter()
        .any(|r| r.status == "pending")
    {
        return Err(AppError::Conflict("已有待处理的更换申请".into()));
    }
    let r = store::add_replacement(&mut tx, id, by, reason, ctx.user_id(), now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        "case.replacement_requested",
        r.id,
        None::<&()>,
        Some(&r),
    )
    .await?;
    let v = view_of(app, &mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

/// The center decides a replacement request; approval names the new handler
/// (checked like any assignment) and keeps the history.
pub async fn decide_replacement(
    app: &App,
    ctx: &Ctx,
    id: i64,
    request_id: i64,
    approve: bool,
    reason: &str,
    to: &AssignInput,
) -> AppResult<CaseView> {
    require(can_manage(ctx))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请填写审批意见"));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if !approve {
        if !store::decide_replacement(&mut tx, request_id, id, false, reason, ctx.user_id(), now)
            .await?
        {
            return Err(AppError::Conflict("该更换申请已处理".into()));
        }
        audit::record(
            app,
            &mut tx,
            ctx,
            "case.replacement_refused",
            request_id,
            None::<&()>,
            Some(&reason),
        )
        .await?;
        let v = view_of(app, &mut tx, before).await?;
        tx.commit().await?;
        return Ok(v);
    }
    let (Some(unit_id), Some(handler_id)) = (to.unit_id, to.handler_id) else {
        return Err(AppError::field(
            "handler_id",
            "批准更换时须选择新的承办单位和承办人",
        ));
    };
    if Some(handler_id) == before.handler_id {
        return Err(AppError::field("handler_id", "新的承办人不能是原承办人"));
    }
    let version = to
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    units::visible(&mut tx, ctx, UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "承办单位不存在"))?;
    let note = check_handler(
        &mut tx,
        &before,
        handler_id,
        unit_id,
        &to.conflict_reason,
        local_date(now).year(),
    )
    .await?;
    if !store::decide_replacement(&mut tx, request_id, id, true, reason, ctx.user_id(), now).await?
    {
        return Err(AppError::Conflict("该更换申请已处理".into()));
    }
    // The old handler is told before the case moves on.
    tell(
        &mut tx,
        &before,
        MessageKind::HandlerReplaced,
        HANDLER,
        &[],
        now,
    )
    .await?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(CaseEvent::ReplaceHandler)
        .map_err(conflict)?;
    after.handling_unit_id = Some(unit_id);
    after.handler_id = Some(handler_id);
    after.assigned_at = Some(now);
    after.agreement_signed_on = None;
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    store::add_assignment(
        &mut tx,
        &store::NewAssignment {
            case_id: id,
            unit_id,
            handler_id: Some(handler_id),
            by: ctx.user_id(),
            conflict_note: &note,
            end_reason: reason,
            at: now,
        },
    )
    .await?;
    tell(
        &mut tx,
        &saved,
        MessageKind::HandlerReplaced,
        RECIPIENT_AND_UNIT,
        &[],
        now,
    )
    .await?;
    let deadline = agreement_deadline(app, &mut tx, now).await?;
    tell(
        &mut tx,
        &saved,
        MessageKind::AssignedHandler,
        HANDLER,
        &[("deadline", deadline)],
        now,
    )
    .await?;
    finish(app, tx, ctx, "case.replace_handler", &before, saved).await
}

/// Every message about a case, with its delivery status.
pub async fn messages(app: &App, ctx: &Ctx, id: i64) -> AppResult<Vec<Message>> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await?;
    Ok(legalaid_store::messages::of_case(&mut tx, id).await?)
}

/// Sends hearing reminders for hearings within the next 2 days (background job).
pub async fn remind_hearings(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let due = store::hearings_to_remind(&mut tx, now, now + chrono::Duration::days(2)).await?;
    let mut n = 0;
    for h in due {
        if !store::mark_reminded(&mut tx, h.id).await? {
            continue;
        }
        let Some(c) = store::get(&mut tx, h.case_id).await? else {
            continue;
        };
        let t = local_time(h.starts_at);
        let when = format!("{}{}", date_cn(t.date()), t.format(" %H:%M"));
        tell(
            &mut tx,
            &c,
            MessageKind::HearingUpcoming,
            RECIPIENT_AND_HANDLER,
            &[("date", when)],
            now,
        )
        .await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// Seeds the shipped subsidy schedule on an empty table.
pub async fn seed_schedule(app: &App) -> AppResult<usize> {
    let mut tx = app.store.write().await?;
    if !store::schedule_is_empty(&mut tx).await? {
        return Ok(0);
    }
    let s = legalaid_domain::subsidy::SubsidySchedule::shipped().map_err(AppError::Internal)?;
    for e in &s.entries {
        store::add_schedule_entry(&mut tx, e).await?;
    }
    tx.commit().await?;
    Ok(s.entries.len())
}

/// The subsidy of a case with its derivation.
pub async fn subsidy(app: &App, ctx: &Ctx, id: i64) -> AppResult<SubsidyView> {
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
) -> AppResult<Vec<store::SubsidyTotal>> {
    require(can_manage(ctx) || has_role(ctx, &[Role::BureauSupervisor]))?;
    let mut tx = app.store.read().await?;
    Ok(store::subsidy_totals(&mut tx, &policy::scope(ctx), year, by).await?)
}

/// The hearings in the caller's scope from the start of `from` for `days` days
/// (China Standard Time), earliest first: the hearing calendar.
pub async fn hearings(app: &App, ctx: &Ctx, from: NaiveDate, days: i64) -> AppResult<Vec<Hearing>> {
    let start =
        |d: NaiveDate| (d.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8)).and_utc();
    let to = from + chrono::Duration::days(days.clamp(1, 366));
    let mut tx = app.store.read().await?;
    Ok(store::hearings_between(&mut tx, &policy::scope(ctx), start(from), start(to)).await?)
}

/// Every message about an application (before and after it became a case).
pub async fn application_messages(
    app: &App,
    ctx: &Ctx,
    application_id: i64,
) -> AppResult<Vec<Message>> {
    let mut tx = app.store.read().await?;
    let a = legalaid_store::applications::get(&mut tx, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    units::visible(&mut tx, ctx, UnitId(a.receiving_unit_id))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(legalaid_store::messages::of_application(&mut tx, application_id).await?)
}

/// Reminds the handler (and the handling unit) of an agreement due today or
/// tomorrow and not yet signed (Procedural Rules art 27), once per case.
/// Run by the background job; idempotent.
pub async fn remind_agreements(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    let today = local_date(now);
    let mut tx = app.store.write().await?;
    let f = rules::in_force(app, &mut tx).await?;
    let Some(rule) = f.rules.deadline("sign_agreement").cloned() else {
        return Ok(0);
    };
    let mut n = 0;
    for c in store::in_status(&mut tx, CaseStatus::Assigned, 1000).await? {
        let Some(at) = c.assigned_at else {
            continue;
        };
        let Ok(due) = rule.due(local_time(at), &[], &f.calendar) else {
            continue;
        };
        let due = due.date();
        if due < today || due > today + chrono::Duration::days(1) {
            continue;
        }
        if legalaid_store::messages::exists(&mut tx, c.id, MessageKind::AgreementDue).await? {
            continue;
        }
        let extra = [("deadline", date_cn(due))];
        tell(&mut tx, &c, MessageKind::AgreementDue, HANDLER, &extra, now).await?;
        tell(&mut tx, &c, MessageKind::AgreementDue, UNIT, &extra, now).await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// The subsidy schedule as stored (every version, for the schedule page).
pub async fn schedule(
    app: &App,
    ctx: &Ctx,
) -> AppResult<legalaid_domain::subsidy::SubsidySchedule> {
    require(can_manage(ctx) || has_role(ctx, &[Role::BureauSupervisor]))?;
    let mut tx = app.store.read().await?;
    Ok(store::schedule(&mut tx).await?)
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
    store::add_schedule_entry(&mut tx, &entry).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        "subsidy_schedule.add",
        format!("{}/{}", entry.region, entry.effective_from),
        None::<&()>,
        Some(&entry),
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}
