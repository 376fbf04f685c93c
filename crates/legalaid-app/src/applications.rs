//! Applications: intake, the assessment beside the facts, supplement notices (the
//! review clock stops), decisions within the deadline, withdrawal, objections to
//! the justice bureau, and the deadlines that run on each.

use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, rules, units};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::application::{
    Application, ApplicationInput, Clock as AppClock, Event, Objection, ObjectionOutcome, Outcome,
    RunningDeadline, Status, deadlines, format_number,
};
use legalaid_domain::assessment::{Assessment, Facts, Verdict, assess};
use legalaid_domain::calendar::WorkCalendar;
use legalaid_domain::deadline::{Due, Standing};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::person::Person;
use legalaid_domain::role::Role;
use legalaid_domain::rules::RuleBook;
use legalaid_domain::{UnitId, local_date, local_time};
use legalaid_store::Tx;
use legalaid_store::applications::{self as store, ApplicationFilter, Change};
use legalaid_store::deadlines::Subject;
use serde::Serialize;

/// Deadlines at or within this many days are "due soon".
pub const WARN_DAYS: i64 = 2;

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

/// A deadline as shown: when, under which rule, and how it stands today.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub code: String,
    pub label: String,
    pub due: NaiveDate,
    /// For hour periods: the exact moment (local time).
    pub due_at: Option<chrono::NaiveDateTime>,
    pub rule: String,
    /// The version of the rule the period runs under (its effective date).
    pub rule_from: NaiveDate,
    pub met: bool,
    /// Counted with weekends only: the period runs into a year whose holidays are
    /// not entered yet.
    pub provisional: bool,
    /// overdue / due_today / due_soon / running / met / met_late (done, but late)
    pub state: String,
    pub state_label: String,
}

/// A deadline as shown today.
pub fn deadline_view(d: &RunningDeadline, today: NaiveDate) -> DeadlineView {
    let standing = Standing::of(d.due, today, WARN_DAYS);
    let (state, state_label) = if d.met && d.late {
        ("met_late".to_owned(), "逾期完成".to_owned())
    } else if d.met {
        ("met".to_owned(), "已完成".to_owned())
    } else {
        let s = match standing {
            Standing::Overdue(_) => "overdue",
            Standing::DueToday => "due_today",
            Standing::DueSoon(_) => "due_soon",
            Standing::Running(_) => "running",
        };
        (s.to_owned(), standing.label())
    };
    DeadlineView {
        code: d.code.clone(),
        label: d.label.clone(),
        due: d.due.date(),
        due_at: match d.due {
            Due::At(t) => Some(t),
            Due::EndOfDay(_) => None,
        },
        rule: match d.provisional {
            Some(year) => format!(
                "{}；{year}年节假日安排尚未录入，暂按周末推算，请管理员及时录入",
                d.rule
            ),
            None => d.rule.clone(),
        },
        provisional: d.provisional.is_some(),
        rule_from: d.rule_from,
        met: d.met,
        state,
        state_label,
    }
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
    pub cases: Vec<(i64, String)>,
}

struct Context {
    rules: RuleBook,
    calendar: WorkCalendar,
}

async fn context(app: &App) -> AppResult<Context> {
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

fn assessment_of(a: &Application, region: &str, cx: &Context) -> Assessment {
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
    running_deadlines(tx, a, objections, &cx.rules, &cx.calendar, today).await
}

/// The deadlines of an application in its current state, as shown today.
pub(crate) async fn running_deadlines(
    tx: &mut Tx,
    a: &Application,
    objections: &[Objection],
    rules: &RuleBook,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> AppResult<Vec<DeadlineView>> {
    let pause_rows = store::pauses(tx, a.id).await?;
    let pauses = store::as_pauses(&pause_rows, today);
    let clock = AppClock {
        status: a.status,
        channel: a.channel,
        received_at: local_time(a.received_at),
        custody_received_at: a.custody_received_at.map(local_time),
        pauses: &pauses,
        supplement_requested_on: a.supplement_requested_on,
        decided_at: a.decided_at.map(local_time),
        outcome: a.outcome,
        objection_received_at: objections
            .iter()
            .rev()
            .find(|o| o.status == "pending" && o.case_id.is_none())
            .map(|o| local_time(o.received_at)),
    };
    match deadlines(&clock, rules, calendar) {
        Ok(ds) => Ok(ds.iter().map(|d| deadline_view(d, today)).collect()),
        // A missing calendar year is shown, not hidden: the deadline cannot be computed.
        Err(gap) => Ok(vec![gap_view(&gap, today)]),
    }
}

/// A missing calendar year is shown, not hidden: the deadline cannot be computed.
pub fn gap_view(gap: &legalaid_domain::calendar::CalendarGap, today: NaiveDate) -> DeadlineView {
    DeadlineView {
        code: "calendar_gap".into(),
        label: gap.to_string(),
        due: today,
        due_at: None,
        rule: String::new(),
        rule_from: today,
        met: false,
        provisional: false,
        state: "overdue".into(),
        state_label: "无法计算".into(),
    }
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: i64) -> AppResult<Application> {
    let a = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    units::visible(tx, ctx, UnitId(a.receiving_unit_id))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(a)
}

async fn view_of(
    app: &App,
    tx: &mut Tx,
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
    Ok(ApplicationView {
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
    })
}

/// Ends a state change: its audit entry (before and after), the fresh view, the commit.
async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: &str,
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
    let v = view_of(app, &mut tx, after, cx).await?;
    let kind = match action {
        "application.request_supplement" => Some(MessageKind::SupplementNeeded),
        "application.decide" | "application.grant_pre_emptively" => match v.application.outcome {
            Some(Outcome::Granted) => Some(MessageKind::DecidedGranted),
            Some(Outcome::Denied) => Some(MessageKind::DecidedDenied),
            None => None,
        },
        "application.deemed_withdrawn" => Some(MessageKind::DeemedWithdrawn),
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
    values.insert("number", a.number.clone());
    // The legal aid center of the county decides, whichever unit took the application in.
    let center = crate::documents::issuer(
        app,
        a.receiving_unit_id,
        legalaid_domain::unit::UnitKind::LegalAidCenter,
    )
    .await?;
    values.insert("unit", center);
    values.insert("date", date_cn(local_date(now)));
    if kind == MessageKind::SupplementNeeded {
        values.insert("note", a.supplement_items.clone());
        if let Some(d) = v.deadlines.iter().find(|d| d.code == "supplement_period") {
            values.insert("deadline", date_cn(d.due));
        }
    }
    crate::outbox::to_person(
        tx,
        kind,
        a.applicant_id,
        crate::outbox::About {
            case_id: None,
            application_id: Some(a.id),
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
    let cx = context(app).await?;
    let unit_id = match (ctx.actor.as_ref().and_then(|a| a.unit.as_ref()), unit) {
        (Some(u), _) => u.id,
        (None, Some(u)) => u,
        (None, None) => return Err(AppError::field("receiving_unit_id", "请指定接收单位")),
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let receiving = units::visible(&mut tx, ctx, unit_id)
        .await
        .map_err(|_| AppError::field("receiving_unit_id", "接收单位不存在"))?;
    let fields = input.validate(&cx.rules, receiving.region_code.as_str(), now)?;
    // The applicant may be registered by any unit of the district the caller
    // searches (persons::register_scope); the application stays with `unit_id`.
    let applicant = legalaid_store::persons::get(&mut tx, fields.applicant_id).await?;
    let reachable = match &applicant {
        Some(p) => crate::persons::reachable(&mut tx, ctx, p).await?,
        None => false,
    };
    if !reachable {
        return Err(AppError::field(
            "applicant_id",
            "申请人不存在，请先登记当事人",
        ));
    }
    let pattern = store::setting(&mut tx, "application_number_format")
        .await?
        .unwrap_or_else(|| "法援申〔{year}〕{seq}号".into());
    let year = local_date(fields.received_at).year();
    let seq = store::next_number(&mut tx, "application", year).await?;
    let number = format_number(&pattern, year, seq);
    let a = store::insert(&mut tx, &number, unit_id.0, &fields, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        "application.create",
        a.id,
        None::<&()>,
        Some(&a),
    )
    .await?;
    let v = view_of(app, &mut tx, a, &cx).await?;
    tell_applicant(app, &mut tx, &v, MessageKind::ApplicationAccepted, now).await?;
    crate::queues::track(app, &mut tx, Subject::Application(v.application.id)).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<ApplicationView> {
    let cx = context(app).await?;
    let mut tx = app.store.read().await?;
    let a = visible(&mut tx, ctx, id).await?;
    view_of(app, &mut tx, a, &cx).await
}

/// A row of the application list, with its most pressing deadline.
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub application: Application,
    pub applicant_name: String,
    pub next_deadline: Option<DeadlineView>,
}

/// Applications in the caller's scope. With `overdue`, only those with a running
/// deadline already past (computed with the calendar, so filtered after loading).
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &ApplicationFilter,
    overdue: bool,
    page: Page,
) -> AppResult<(Vec<ListItem>, i64)> {
    let cx = context(app).await?;
    let today = today(app);
    let mut tx = app.store.read().await?;
    let scope = policy::scope(ctx);
    let (apps, total) = if overdue {
        let all = store::list(
            &mut tx,
            &scope,
            f,
            Page {
                page: 1,
                per_page: 5000,
            },
        )
        .await?
        .0;
        let mut late = Vec::new();
        for a in all.into_iter().filter(|a| a.status.is_open()) {
            let objections = store::objections_of(&mut tx, a.id).await?;
            let ds = deadlines_of(&mut tx, &a, &objections, &cx, today).await?;
            if ds.iter().any(|d| d.state == "overdue") {
                late.push(a);
            }
        }
        let total = i64::try_from(late.len()).unwrap_or(i64::MAX);
        let start = usize::try_from(page.offset()).unwrap_or(usize::MAX);
        (
            late.into_iter()
                .skip(start)
                .take(usize::try_from(page.per_page).unwrap_or(20))
                .collect(),
            total,
        )
    } else {
        store::list(&mut tx, &scope, f, page).await?
    };
    let mut items = Vec::with_capacity(apps.len());
    for a in apps {
        let applicant_name = legalaid_store::persons::get(&mut tx, a.applicant_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let objections = store::objections_of(&mut tx, a.id).await?;
        let next_deadline = deadlines_of(&mut tx, &a, &objections, &cx, today)
            .await?
            .into_iter()
            .filter(|d| !d.met)
            .min_by_key(|d| d.due);
        items.push(ListItem {
            application: a,
            applicant_name,
            next_deadline,
        });
    }
    Ok((items, total))
}

/// Sends the one supplement notice listing everything missing; the clock stops.
pub async fn request_supplement(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    items: &str,
    reason: &str,
) -> AppResult<ApplicationView> {
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
        can_handle,
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
    id: i64,
    version: i64,
) -> AppResult<ApplicationView> {
    transition(
        app,
        ctx,
        id,
        version,
        Event::SupplementReceived,
        can_handle,
        |_, _| Change {
            status: Some(Status::Received),
            supplement: Some((None, "")),
            ..Default::default()
        },
    )
    .await
}

pub async fn withdraw(app: &App, ctx: &Ctx, id: i64, version: i64) -> AppResult<ApplicationView> {
    transition(
        app,
        ctx,
        id,
        version,
        Event::Withdraw,
        can_handle,
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
    id: i64,
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
        can_propose,
        |_, _| Change {
            status: Some(Status::Proposed),
            proposal: Some((Some(outcome), reason)),
            ..Default::default()
        },
    )
    .await
}

/// Decides. A denial needs written reasons (LAL art 43); deciding against the
/// assessment needs a recorded reason too, and is marked for supervisors.
pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    outcome: Outcome,
    reason: &str,
) -> AppResult<ApplicationView> {
    require(can_decide(ctx))?;
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
    let verdict = assessment_of(&before, &region, &cx).verdict;
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
    finish(app, tx, ctx, "application.decide", &before, after, &cx).await
}

/// Records an objection to a denial; the bureau decides within 5 days.
pub async fn object(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    reason: &str,
) -> AppResult<ApplicationView> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请填写异议的理由"));
    }
    crate::error::check_reason_length("reason", reason, "理由")?;
    require(can_handle(ctx))?;
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
        "objection.create",
        objection.id,
        None::<&()>,
        Some(&objection),
    )
    .await?;
    finish(app, tx, ctx, "application.object", &before, after, &cx).await
}

/// The bureau upholds the denial or orders a correction, which reopens the application.
pub async fn decide_objection(
    app: &App,
    ctx: &Ctx,
    objection_id: i64,
    version: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> AppResult<Objection> {
    require(can_decide_objection(ctx))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请写明审查意见"));
    }
    crate::error::check_reason_length("reason", reason, "审查意见")?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = store::get_objection(&mut tx, objection_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = visible(&mut tx, ctx, before.application_id).await?;
    if before.status != "pending" {
        return Err(AppError::Conflict("该异议已审查完毕".into()));
    }
    if let Some(case_id) = before.case_id {
        // An objection to a termination (LAL art 49): the case resumes or stays ended.
        let decided = store::decide_objection(
            &mut tx,
            objection_id,
            version,
            outcome.as_str(),
            reason,
            now,
            ctx.user_id(),
        )
        .await?;
        crate::cases::decide_termination_objection(
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
            "objection.decide",
            objection_id,
            Some(&before),
            Some(&decided),
        )
        .await?;
        crate::queues::track(app, &mut tx, Subject::Case(case_id)).await?;
        crate::queues::track(app, &mut tx, Subject::Application(a.id)).await?;
        tx.commit().await?;
        return Ok(decided);
    }
    let next = a
        .status
        .next(Event::DecideObjection(outcome))
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let decided = store::decide_objection(
        &mut tx,
        objection_id,
        version,
        outcome.as_str(),
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
        "objection.decide",
        objection_id,
        Some(&before),
        Some(&decided),
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        "application.objection_decided",
        a.id,
        Some(&a),
        Some(&after),
    )
    .await?;
    // The applicant is told of the outcome (the denial stands, or it is reviewed again).
    let v = view_of(app, &mut tx, after, &cx).await?;
    let kind = match outcome {
        ObjectionOutcome::Upheld => MessageKind::ObjectionUpheld,
        ObjectionOutcome::CorrectionOrdered => MessageKind::ObjectionCorrected,
    };
    tell_applicant(app, &mut tx, &v, kind, now).await?;
    crate::queues::track(app, &mut tx, Subject::Application(a.id)).await?;
    tx.commit().await?;
    Ok(decided)
}

/// Applies an event that changes only the state (and its bookkeeping).
async fn transition<'a, F>(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    event: Event,
    allowed: fn(&Ctx) -> bool,
    change: F,
) -> AppResult<ApplicationView>
where
    F: Fn(&Application, NaiveDate) -> Change<'a>,
{
    require(allowed(ctx))?;
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
        Event::RequestSupplement => "application.request_supplement",
        Event::SupplementReceived => "application.supplement_received",
        Event::Propose => "application.propose",
        Event::Withdraw => "application.withdraw",
        Event::DeemWithdrawn => "application.deemed_withdrawn",
        _ => "application.update",
    };
    finish(app, tx, ctx, action, &before, after, &cx).await
}

/// Applications whose supplement period ran out without the materials are deemed
/// withdrawn (LAL art 43(2)). Run by the background job; idempotent.
pub async fn deem_withdrawn_overdue(app: &App) -> AppResult<usize> {
    const BATCH: i64 = 200;
    let today = today(app);
    let ctx = Ctx::system("deadline-job");
    let (mut n, mut after) = (0, 0);
    loop {
        // The stored supplement periods that ran out before today, a batch at a time.
        let due = {
            let mut tx = app.store.read().await?;
            let from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(today);
            let yesterday = today.pred_opt().unwrap_or(today);
            legalaid_store::deadlines::due_between(
                &mut tx,
                "supplement_period",
                from,
                yesterday,
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
                |_| true,
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
    id: i64,
    version: i64,
    input: &VerificationInput,
) -> AppResult<ApplicationView> {
    require(can_handle(ctx))?;
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
        "application.verify_declaration",
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
    id: i64,
    version: i64,
    reason: &str,
) -> AppResult<ApplicationView> {
    require(can_decide(ctx))?;
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
        "application.grant_pre_emptively",
        &before,
        after,
        &cx,
    )
    .await
}
