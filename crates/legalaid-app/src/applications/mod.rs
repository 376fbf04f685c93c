//! Applications: intake, the assessment beside the facts, supplement notices (the
//! review clock stops), decisions within the deadline, withdrawal, objections to
//! the justice bureau, and the deadlines that run on each.

use crate::paging::{self, ListCursor, Listed};
use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, rules, units};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::application::{
    Application, ApplicationInput, Event, Objection, ObjectionOutcome, Outcome, Status,
    format_number,
};
use legalaid_domain::assessment::{Assessment, Facts, Verdict, assess};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::calendar::WorkCalendar;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::person::Person;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::role::Role;
use legalaid_domain::rules::RuleBook;
use legalaid_domain::{ApplicationId, CaseId, PersonId};
use legalaid_domain::{UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::applications::{self as store, ApplicationFilter, Change};
use legalaid_store::deadlines::Subject;
use serde::Serialize;

pub mod actions;
pub mod import;
mod objections;
mod steps;
mod verification;
pub use actions::ApplicationAction;
pub use objections::*;
pub use steps::*;
pub use verification::*;

pub use crate::deadlines::{DeadlineView, WARN_DAYS};

/// Intake and review staff handle applications day to day.
pub fn can_handle(ctx: &Ctx) -> bool {
    acts_as(
        ctx,
        &[
            Role::IntakeClerk,
            Role::CenterReviewer,
            Role::CenterDirector,
        ],
    )
}

/// The center director approves decisions (the administrator may act in every role).
pub fn can_decide(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::CenterDirector])
}

pub fn can_propose(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::CenterReviewer, Role::CenterDirector])
}

/// Objections go to the justice bureau (LAL art 49).
pub fn can_decide_objection(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::BureauSupervisor])
}

/// Everything a reviewer sees about an application.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub application: Application,
    pub applicant: Person,
    pub assessment: Assessment,
    pub deadlines: Vec<DeadlineView>,
    pub objections: Vec<Objection>,
    pub matter_label: String,
    pub receiving_unit: String,
    /// The cases made from the application (one per stage for criminal matters).
    pub cases: Vec<(CaseId, String)>,
    /// What the caller may do to the application now ([`actions::available`]).
    pub actions: Vec<ApplicationAction>,
    /// How it was made on the public portal, if it was.
    pub online: Option<OnlineSubmission>,
}

/// The portal's record of an online application (ADR 0020): the phone proven by
/// a code (masked), the name as typed and whether it matched the registered
/// person, the township chosen, and when the honesty declaration (诚信承诺) and
/// the consent to the processing of personal data were given.
#[derive(Debug, Clone, Serialize)]
pub struct OnlineSubmission {
    pub proven_phone: String,
    pub declared_name: String,
    pub name_matches: bool,
    pub township: String,
    pub declared_at: chrono::DateTime<chrono::Utc>,
    pub consented_at: chrono::DateTime<chrono::Utc>,
}

async fn online_of(app: &App, tx: &mut Tx, id: i64) -> AppResult<Option<OnlineSubmission>> {
    let Some(r) = legalaid_store::portal::of_application(tx, id).await? else {
        return Ok(None);
    };
    let township = match legalaid_domain::region::RegionCode::parse(&r.township_code) {
        Ok(code) => legalaid_store::regions::get(tx, &code)
            .await?
            .map_or_else(|| r.township_code.clone(), |x| x.name),
        Err(_) => r.township_code.clone(),
    };
    let phone = app.cipher.decrypt(&r.phone_enc).unwrap_or_default();
    Ok(Some(OnlineSubmission {
        proven_phone: legalaid_domain::portal::mask_phone(&phone),
        declared_name: r.declared_name,
        name_matches: r.name_matches,
        township,
        declared_at: r.declared_at,
        consented_at: r.consented_at,
    }))
}

pub(crate) struct Context {
    pub(crate) rules: RuleBook,
    calendar: WorkCalendar,
}

pub(crate) async fn context(app: &App) -> AppResult<Context> {
    let mut tx = app.store.read().await?;
    let f = rules::in_force(app, &mut tx).await?;
    Ok(Context {
        rules: f.rules.as_ref().clone(),
        calendar: f.calendar.as_ref().clone(),
    })
}

fn today(app: &App) -> NaiveDate {
    local_date(app.clock.now())
}

async fn region_of(tx: &mut Tx, unit: i64) -> AppResult<String> {
    Ok(legalaid_store::units::get(tx, UnitId(unit))
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default())
}

pub(crate) fn assessment_of(a: &Application, region: &str, cx: &Context) -> Assessment {
    assess(
        &Facts {
            matter_code: &a.matter_code,
            region_code: region,
            received_on: local_date(a.received_at),
            means: &a.means,
            limitation_date: a.limitation_date,
            preservation_urgent: a.preservation_urgent,
        },
        &cx.rules,
    )
}

async fn deadlines_of(
    tx: &mut Tx,
    a: &Application,
    objections: &[Objection],
    cx: &Context,
    today: NaiveDate,
) -> AppResult<Vec<DeadlineView>> {
    crate::deadlines::of_application(tx, a, objections, &cx.rules, &cx.calendar, today).await
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: ApplicationId) -> AppResult<Application> {
    let a = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    units::visible(tx, ctx, UnitId(a.receiving_unit_id))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(a)
}

async fn view_of(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    a: Application,
    cx: &Context,
) -> AppResult<ApplicationView> {
    let applicant = legalaid_store::persons::get(tx, a.applicant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = legalaid_store::units::get(tx, UnitId(a.receiving_unit_id)).await?;
    let region = unit
        .as_ref()
        .map(|u| u.region_code.to_string())
        .unwrap_or_default();
    let a_id = a.id;
    let objections = store::objections_of(tx, a.id).await?;
    let deadlines = deadlines_of(tx, &a, &objections, cx, today(app)).await?;
    let assessment = assessment_of(&a, &region, cx);
    let matter_label = cx
        .rules
        .matter(&a.matter_code, &region, local_date(a.received_at))
        .map_or_else(|| "不属于法律援助事项范围".to_owned(), |m| m.label.clone());
    let mut view = ApplicationView {
        application: a,
        applicant,
        assessment,
        deadlines,
        objections,
        matter_label,
        receiving_unit: unit.map(|u| u.name).unwrap_or_default(),
        cases: legalaid_store::cases::of_application(tx, a_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.number))
            .collect(),
        actions: Vec::new(),
        online: online_of(app, tx, a_id.0).await?,
    };
    view.actions = actions::available(ctx, &view);
    Ok(view)
}

/// Ends a state change: its audit entry (before and after), the fresh view, the commit.
async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: AuditAction,
    before: &Application,
    after: Application,
    cx: &Context,
) -> AppResult<ApplicationView> {
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
    let v = view_of(app, &mut tx, ctx, after, cx).await?;
    let kind = match action {
        AuditAction::ApplicationRequestSupplement => Some(MessageKind::SupplementNeeded),
        AuditAction::ApplicationDecide | AuditAction::ApplicationGrantPreEmptively => {
            match v.application.outcome {
                Some(Outcome::Granted) => Some(MessageKind::DecidedGranted),
                Some(Outcome::Denied) => Some(MessageKind::DecidedDenied),
                None => None,
            }
        }
        AuditAction::ApplicationDeemedWithdrawn => Some(MessageKind::DeemedWithdrawn),
        _ => None,
    };
    if let Some(kind) = kind {
        tell_applicant(app, &mut tx, &v, kind, app.clock.now()).await?;
    }
    crate::queues::track(app, &mut tx, Subject::Application(v.application.id)).await?;
    tx.commit().await?;
    Ok(v)
}

/// Tells the applicant of a step (full-process notification), in the step's transaction.
async fn tell_applicant(
    app: &App,
    tx: &mut Tx,
    v: &ApplicationView,
    kind: MessageKind,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let a = &v.application;
    use legalaid_domain::document::date_cn;
    let mut values = crate::outbox::Values::new();
    values.insert(P::Number, a.number.clone());
    // The legal aid center of the county decides, whichever unit took the application in.
    let center = crate::units::issuer(
        app,
        a.receiving_unit_id,
        legalaid_domain::unit::UnitKind::LegalAidCenter,
    )
    .await?;
    values.insert(P::Unit, center);
    values.insert(P::Date, date_cn(local_date(now)));
    if kind == MessageKind::SupplementNeeded {
        values.insert(P::Note, a.supplement_items.clone());
        if let Some(d) = v.deadlines.iter().find(|d| d.code == "supplement_period") {
            values.insert(P::Deadline, date_cn(d.due));
        }
    }
    crate::outbox::to_person(
        tx,
        kind,
        a.applicant_id,
        crate::outbox::About {
            case_id: None,
            application_id: Some(a.id.0),
        },
        values,
        now,
    )
    .await
}

/// Receives an application: validates it against the rules in force, numbers it,
/// and starts its deadlines.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: &ApplicationInput,
    unit: Option<UnitId>,
) -> AppResult<ApplicationView> {
    require(can_handle(ctx))?;
    let unit_id = match (ctx.actor.as_ref().and_then(|a| a.unit.as_ref()), unit) {
        (Some(u), _) => u.id,
        (None, Some(u)) => u,
        (None, None) => return Err(AppError::field("receiving_unit_id", "请指定接收单位")),
    };
    let mut tx = app.store.write().await?;
    let v = create_in(app, &mut tx, ctx, input, unit_id).await?;
    tx.commit().await?;
    Ok(v)
}

/// [`create`] inside the caller's transaction (the portal registers the person,
/// the application and its files in one), without committing.
pub(crate) async fn create_in(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    input: &ApplicationInput,
    unit_id: UnitId,
) -> AppResult<ApplicationView> {
    let cx = context(app).await?;
    let now = app.clock.now();
    let receiving = units::visible(tx, ctx, unit_id)
        .await
        .map_err(|_| AppError::field("receiving_unit_id", "接收单位不存在"))?;
    let fields = input.validate(&cx.rules, receiving.region_code.as_str(), now)?;
    // The applicant may be registered by any unit of the district the caller
    // searches (persons::register_scope); the application stays with `unit_id`.
    // Held against a merge of the applicant until this application commits.
    let applicant = legalaid_store::persons::get_shared(tx, fields.applicant_id).await?;
    let reachable = match &applicant {
        Some(p) => crate::persons::reachable(tx, ctx, p).await?,
        None => false,
    };
    if !reachable {
        return Err(AppError::field(
            "applicant_id",
            "申请人不存在，请先登记当事人",
        ));
    }
    let pattern = store::setting(tx, "application_number_format")
        .await?
        .unwrap_or_else(|| "法援申〔{year}〕{seq}号".into());
    let year = local_date(fields.received_at).year();
    let seq = store::next_number(tx, "application", year).await?;
    let number = format_number(&pattern, year, seq);
    let a = store::insert(tx, &number, unit_id.0, &fields, now).await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::ApplicationCreate,
        a.id,
        None::<&()>,
        Some(&a),
    )
    .await?;
    let v = view_of(app, tx, ctx, a, &cx).await?;
    tell_applicant(app, tx, &v, MessageKind::ApplicationAccepted, now).await?;
    crate::queues::track(app, tx, Subject::Application(v.application.id)).await?;
    Ok(v)
}

pub async fn get(app: &App, ctx: &Ctx, id: ApplicationId) -> AppResult<ApplicationView> {
    let cx = context(app).await?;
    let mut tx = app.store.read().await?;
    let a = visible(&mut tx, ctx, id).await?;
    view_of(app, &mut tx, ctx, a, &cx).await
}

/// A row of the application list, with its most pressing deadline.
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub application: Application,
    pub applicant_name: String,
    pub next_deadline: Option<DeadlineView>,
}

/// Applications in the caller's scope, newest first: the numbered `page` or the
/// one after `after`, counted up to the cap. With `overdue`, only those with a
/// running statutory deadline already past.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &ApplicationFilter,
    overdue: bool,
    page: Page,
    after: Option<ListCursor>,
) -> AppResult<Listed<ListItem>> {
    let cx = context(app).await?;
    let today = today(app);
    let mut tx = app.store.read().await?;
    let scope = policy::scope(ctx);
    // Overdue: a statutory deadline still running and past, read from the stored
    // deadlines (kept by `queues::track` with every write), so the filter pages in
    // the database however many applications there are.
    let f = ApplicationFilter {
        overdue_before: overdue.then_some(today),
        ..f.clone()
    };
    let at = paging::at(page, after.map(ListCursor::key));
    let found = store::list(&mut tx, &scope, &f, at).await?;
    let mut listed = Listed::of(found, |a| {
        ListCursor {
            at: a.received_at,
            id: a.id.0,
        }
        .to_string()
    });
    let apps = std::mem::take(&mut listed.items);
    let ids: Vec<PersonId> = apps.iter().map(|a| a.applicant_id).collect();
    let names = legalaid_store::persons::names(&mut tx, &ids).await?;
    // What the deadlines need, for the whole page in one query each.
    let app_ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
    let mut objections = store::objections_of_each(&mut tx, &app_ids).await?;
    let pauses = store::pauses_of_each(&mut tx, &app_ids).await?;
    let mut items = Vec::with_capacity(apps.len());
    for a in apps {
        let applicant_name = names.get(&a.applicant_id).cloned().unwrap_or_default();
        let objections = objections.remove(&a.id).unwrap_or_default();
        let next_deadline = crate::deadlines::of_application_with(
            &a,
            &objections,
            pauses.get(&a.id).map_or(&[][..], Vec::as_slice),
            &cx.rules,
            &cx.calendar,
            today,
        )
        .into_iter()
        .filter(|d| !d.met)
        .min_by_key(|d| d.due);
        items.push(ListItem {
            application: a,
            applicant_name,
            next_deadline,
        });
    }
    Ok(listed.with(items))
}

/// Applies an event that changes only the state (and its bookkeeping).
async fn transition<'a, F>(
    app: &App,
    ctx: &Ctx,
    id: ApplicationId,
    version: i64,
    event: Event,
    action: Option<ApplicationAction>,
    change: F,
) -> AppResult<ApplicationView>
where
    F: Fn(&Application, NaiveDate) -> Change<'a>,
{
    // None: the system's own step (the deemed withdrawal), taken by a job.
    require(action.is_none_or(|a| a.by_role(ctx)))?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    before
        .status
        .next(event)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let after = store::change(&mut tx, id, version, &change(&before, today), now).await?;
    match event {
        // Only the first notice stops the review clock (一次性告知).
        Event::RequestSupplement if store::pauses(&mut tx, id).await?.is_empty() => {
            store::start_pause(&mut tx, id, today).await?
        }
        Event::SupplementReceived | Event::DeemWithdrawn | Event::Withdraw => {
            store::end_pause(&mut tx, id, today).await?
        }
        _ => {}
    }
    let action = match event {
        Event::RequestSupplement => AuditAction::ApplicationRequestSupplement,
        Event::SupplementReceived => AuditAction::ApplicationSupplementReceived,
        Event::Propose => AuditAction::ApplicationPropose,
        Event::Withdraw => AuditAction::ApplicationWithdraw,
        Event::DeemWithdrawn => AuditAction::ApplicationDeemedWithdrawn,
        _ => AuditAction::ApplicationUpdate,
    };
    finish(app, tx, ctx, action, &before, after, &cx).await
}
