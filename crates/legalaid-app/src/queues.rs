//! Work queues: what waits on whom, by when. Each write to an application or a case
//! rewrites its stored deadlines (`track`, in the write's transaction), routed by
//! the domain (`legalaid_domain::queue`) to the queue of the role and unit that
//! must act; a queue is then one indexed query (`queue`), paged, never a
//! computation over every open record. Records written before tracking began, or
//! marked for recounting when a calendar year is entered, are tracked by the
//! background job in batches (`track_pending`).

use crate::deadlines::{DeadlineView, WARN_DAYS};
use crate::{App, AppResult, Ctx, Page, policy};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::application::{Channel, Status};
use legalaid_domain::case::{CaseStatus, ReplacementStatus, SubsidyStatus};
use legalaid_domain::deadline::Standing;
use legalaid_domain::queue::{
    Queue, Step, route_application, route_case, route_complaint, route_step,
};
use legalaid_domain::{ApplicationId, CaseId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::deadlines::{self as store, Entry, QueueFilter, QueueRow, Subject};
use serde::Serialize;

/// Rewrites the stored deadlines of `subject` from its current state. Idempotent;
/// call it in the transaction of every write to the record.
pub async fn track(app: &App, tx: &mut Tx, subject: Subject) -> AppResult<()> {
    let f = crate::in_force::in_force(app, tx).await?;
    let today = local_date(app.clock.now());
    match subject {
        Subject::Application(id) => {
            let Some(a) = legalaid_store::applications::get(tx, id).await? else {
                return Ok(());
            };
            let objections = legalaid_store::applications::objections_of(tx, id).await?;
            let views =
                crate::deadlines::of_application(tx, &a, &objections, &f.rules, &f.calendar, today)
                    .await?;
            let has_case = !legalaid_store::cases::of_application(tx, id)
                .await?
                .is_empty();
            let region = region_of(tx, a.receiving_unit_id).await?;
            let paused = legalaid_store::applications::pauses(tx, id)
                .await?
                .iter()
                .any(|(_, resumed)| resumed.is_none());
            let entries = views
                .iter()
                .filter(|d| !d.met)
                .filter_map(|d| {
                    route_application(&d.code, a.status, has_case, paused)
                        .map(|q| entry(d, q, a.receiving_unit_id, &region, None))
                })
                .collect::<Vec<_>>();
            store::replace(tx, subject, a.version, &entries).await?;
            // What is found on the application (a false declaration) bears on its cases.
            for c in legalaid_store::cases::of_application(tx, id).await? {
                Box::pin(track(app, tx, Subject::Case(c.id))).await?;
            }
        }
        Subject::Case(id) => {
            let Some(c) = legalaid_store::cases::get(tx, id).await? else {
                return Ok(());
            };
            let application = legalaid_store::applications::get(tx, c.application_id).await?;
            let notified = application
                .as_ref()
                .is_some_and(|a| a.channel == Channel::Notified);
            let false_declaration = application.as_ref().is_some_and(|a| a.false_declaration)
                && !matches!(
                    c.status,
                    CaseStatus::Terminated | CaseStatus::ObjectionPending | CaseStatus::Archived
                );
            let objection = legalaid_store::applications::objections_of(tx, c.application_id)
                .await?
                .into_iter()
                .rev()
                .find(|o| o.case_id == Some(c.id) && o.status.is_pending())
                .map(|o| o.received_at);
            let views =
                crate::deadlines::of_case(&c, notified, objection, &f.rules, &f.calendar, today);
            // The center's work is in the intake unit; the handler's and the
            // firm's in the handling unit.
            let center = (c.intake_unit_id, region_of(tx, c.intake_unit_id).await?);
            let handling = match c.handling_unit_id {
                Some(u) => (u, region_of(tx, u).await?),
                None => center.clone(),
            };
            let place = |q: Queue| match q {
                Queue::Firm | Queue::Handler => &handling,
                _ => &center,
            };
            let mut entries = Vec::new();
            for d in views.iter().filter(|d| !d.met) {
                if let Some(q) = route_case(&d.code, c.status) {
                    let (unit, region) = place(q);
                    let staff = (q == Queue::Handler).then_some(c.handler_id).flatten();
                    if q == Queue::Handler && staff.is_none() {
                        continue;
                    }
                    entries.push(entry(d, q, *unit, region, staff));
                }
            }
            let closed_on = c.closed_at.map(local_date);
            let mut step = |s: Step, on: NaiveDate| {
                let (unit, region) = place(route_step(s));
                entries.push(Entry {
                    code: s.as_str().to_owned(),
                    queue: route_step(s).as_str(),
                    unit_id: *unit,
                    region_code: region.clone(),
                    staff_id: None,
                    due_on: on,
                    due_at: None,
                    provisional_year: None,
                    rule_from: None,
                    statutory: false,
                    assignee: 0,
                    label: String::new(),
                });
            };
            if c.status == CaseStatus::Archived
                && let Some(on) = closed_on
                && c.subsidy_status != SubsidyStatus::Paid
            {
                if c.graded_at.is_none() {
                    step(Step::Grading, on);
                } else if c.subsidy_status == SubsidyStatus::Payable {
                    step(Step::SubsidyPayment, on);
                }
            }
            if false_declaration {
                let found_on = application
                    .as_ref()
                    .and_then(|a| a.verification_date)
                    .unwrap_or(today);
                step(Step::FalseDeclaration, found_on);
            }
            if let Some(r) = legalaid_store::cases::replacements(tx, c.id)
                .await?
                .into_iter()
                .find(|r| r.status == ReplacementStatus::Pending)
            {
                step(Step::Replacement, local_date(r.created_at));
            }
            store::replace(tx, subject, c.version, &entries).await?;
        }
        Subject::Review(id) => {
            use legalaid_domain::quality::review::{ReviewStatus, Tier};
            use legalaid_store::quality as q;
            let Some(r) = q::review(tx, id).await? else {
                return Ok(());
            };
            let Some(round) = q::round(tx, legalaid_domain::RoundId(r.round_id)).await? else {
                return Ok(());
            };
            let number = legalaid_store::cases::get(tx, CaseId(r.case_id))
                .await?
                .map(|c| c.number)
                .unwrap_or_default();
            let region = region_of(tx, round.unit_id).await?;
            // The round's due date: every tier's work is due by it.
            let entry = |step: Step, queue: Queue, assignee: i64| Entry {
                code: step.as_str().to_owned(),
                queue: queue.as_str(),
                unit_id: round.unit_id,
                region_code: region.clone(),
                staff_id: None,
                due_on: round.due_on,
                due_at: None,
                provisional_year: None,
                rule_from: None,
                statutory: true,
                assignee,
                label: format!("{}：{number}", round.name),
            };
            let mut entries = Vec::new();
            match r.status {
                ReviewStatus::Pending => {
                    entries.push(entry(Step::ReviewArchiveCheck, Queue::Quality, 0));
                }
                ReviewStatus::Reviewing => {
                    let sheets = q::sheets(tx, id).await?;
                    let mut paper = false;
                    for e in q::assigned(tx, id).await? {
                        let done = sheets
                            .iter()
                            .any(|s| s.tier == Tier::CaseReview && s.expert_id == Some(e.id));
                        match (done, e.user_id) {
                            (true, _) => {}
                            // Each expert with an account has the file in their own queue.
                            (false, Some(u)) => {
                                entries.push(entry(Step::ReviewSheet, Queue::Expert, u))
                            }
                            // Quality staff enter the paper sheets of the others.
                            (false, None) => paper = true,
                        }
                    }
                    if paper {
                        entries.push(entry(Step::ReviewSheet, Queue::Quality, 0));
                    }
                }
                ReviewStatus::AwaitingRecheck => {
                    entries.push(entry(Step::ReviewRecheck, Queue::Decide, 0));
                }
                ReviewStatus::Final => {}
            }
            store::replace(tx, subject, r.version, &entries).await?;
        }
        Subject::Rectification(id) => {
            use legalaid_domain::rectification::RectificationStatus as S;
            let Some(o) = legalaid_store::rectifications::get(tx, id).await? else {
                return Ok(());
            };
            let target = legalaid_store::units::get(tx, UnitId(o.target_unit_id)).await?;
            let about = match o.case_id {
                Some(c) => legalaid_store::cases::get(tx, CaseId(c))
                    .await?
                    .map(|c| c.number)
                    .unwrap_or_default(),
                None => target.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
            };
            let label = format!("整改：{about}");
            let mut entries = Vec::new();
            match o.status {
                S::Issued | S::Reopened => {
                    // The handler named, or whoever works the target unit's queue.
                    use legalaid_domain::unit::UnitKind as K;
                    let queue = match (o.target_staff_id, target.as_ref().map(|u| u.kind)) {
                        (Some(_), _) => Queue::Handler,
                        (None, Some(K::LawFirm | K::LegalServiceOffice)) => Queue::Firm,
                        (None, Some(K::LegalAidCenter)) => Queue::Center,
                        (None, Some(K::JusticeBureau)) => Queue::Bureau,
                        (None, _) => Queue::Intake,
                    };
                    entries.push(Entry {
                        code: Step::RectificationAnswer.as_str().to_owned(),
                        queue: queue.as_str(),
                        unit_id: o.target_unit_id,
                        region_code: target
                            .as_ref()
                            .map(|u| u.region_code.to_string())
                            .unwrap_or_default(),
                        staff_id: o.target_staff_id,
                        due_on: o.deadline,
                        due_at: None,
                        provisional_year: None,
                        rule_from: None,
                        statutory: true,
                        assignee: 0,
                        label: label.clone(),
                    });
                }
                S::Answered => entries.push(Entry {
                    code: Step::RectificationCheck.as_str().to_owned(),
                    queue: Queue::Quality.as_str(),
                    unit_id: o.unit_id,
                    region_code: o.region_code.clone(),
                    staff_id: None,
                    due_on: o.answered_at.map_or(today, local_date),
                    due_at: None,
                    provisional_year: None,
                    rule_from: None,
                    statutory: false,
                    assignee: 0,
                    label: label.clone(),
                }),
                S::Closed | S::Escalated => {}
            }
            store::replace(tx, subject, o.version, &entries).await?;
        }
        Subject::SupervisionOrder(id) => {
            use legalaid_domain::supervision::order::OrderStatus as S;
            use legalaid_domain::unit::UnitKind as K;
            let Some(o) = legalaid_store::supervision_orders::get(tx, id).await? else {
                return Ok(());
            };
            let target = legalaid_store::units::get(tx, UnitId(o.target_unit_id)).await?;
            let label = format!(
                "{}：{}（{}）",
                o.escalation.label(),
                target.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                o.indicator.label()
            );
            let mut entries = Vec::new();
            match o.status {
                S::Issued | S::Returned => {
                    // Whoever leads the supervised unit's work: a center's
                    // director and reviewers, a firm's handlers, an office's or
                    // a workstation's clerks.
                    let queue = match target.as_ref().map(|u| u.kind) {
                        Some(K::LegalAidCenter) => Queue::Center,
                        Some(K::LawFirm | K::LegalServiceOffice) => Queue::Firm,
                        Some(K::JusticeBureau) => Queue::Bureau,
                        _ => Queue::Intake,
                    };
                    entries.push(Entry {
                        code: Step::SupervisionAnswer.as_str().to_owned(),
                        queue: queue.as_str(),
                        unit_id: o.target_unit_id,
                        region_code: target
                            .as_ref()
                            .map(|u| u.region_code.to_string())
                            .unwrap_or_default(),
                        staff_id: None,
                        due_on: o.deadline,
                        due_at: None,
                        provisional_year: None,
                        rule_from: None,
                        statutory: true,
                        assignee: 0,
                        label: label.clone(),
                    });
                }
                S::Answered => {
                    let answered = legalaid_store::supervision_orders::steps(tx, o.id)
                        .await?
                        .iter()
                        .rev()
                        .find(|s| s.action == "answer")
                        .map_or(today, |s| local_date(s.created_at));
                    entries.push(Entry {
                        code: Step::SupervisionCheck.as_str().to_owned(),
                        queue: Queue::Bureau.as_str(),
                        unit_id: o.unit_id,
                        region_code: o.region_code.clone(),
                        staff_id: None,
                        due_on: answered,
                        due_at: None,
                        provisional_year: None,
                        rule_from: None,
                        statutory: false,
                        assignee: 0,
                        label: label.clone(),
                    });
                }
                S::Closed => {}
            }
            store::replace(tx, subject, o.version, &entries).await?;
        }
        Subject::Complaint(id) => {
            let Some(c) = legalaid_store::complaints::get(tx, id).await? else {
                return Ok(());
            };
            let views = crate::deadlines::of_complaint(&c, &f.rules, &f.calendar, today);
            // The bureau whose region covers the respondent acts; failing one,
            // the unit that registered the complaint.
            let (unit, region) =
                match legalaid_store::complaints::bureau_for(tx, &c.region_code).await? {
                    Some(b) => b,
                    None => (
                        c.receiving_unit_id,
                        region_of(tx, c.receiving_unit_id).await?,
                    ),
                };
            let entries: Vec<Entry> = views
                .iter()
                .filter(|d| !d.met)
                .filter_map(|d| {
                    route_complaint(&d.code).map(|q| Entry {
                        label: c.number.clone(),
                        ..entry(d, q, unit, &region, None)
                    })
                })
                .collect();
            store::replace(tx, subject, c.version, &entries).await?;
        }
        Subject::Visit(_) | Subject::VisitPlan(_) => {
            if let Some((version, entries)) = visit_entries(tx, subject).await? {
                store::replace(tx, subject, version, &entries).await?;
            }
        }
        Subject::Observation(id) => {
            let Some(o) = legalaid_store::hearings::observation(tx, id).await? else {
                return Ok(());
            };
            let mut entries = Vec::new();
            if o.status == legalaid_domain::hearing::ObservationStatus::Planned {
                let number = legalaid_store::cases::get(tx, CaseId(o.case_id))
                    .await?
                    .map(|c| c.number)
                    .unwrap_or_default();
                entries.push(quality_step(
                    Step::HearingObservation,
                    o.unit_id,
                    &o.region_code,
                    o.hearing_date,
                    format!("旁听庭审：{number}（{}）", o.court),
                ));
            }
            store::replace(tx, subject, o.version, &entries).await?;
        }
        Subject::Opinion(id) => {
            let Some(o) = legalaid_store::hearings::letter(tx, id).await? else {
                return Ok(());
            };
            let mut entries = Vec::new();
            // Waits from sending, due on the reminder day; a reminder or an
            // answer ends it.
            if o.status == legalaid_domain::opinion::OpinionStatus::Sent {
                let number = legalaid_store::cases::get(tx, CaseId(o.case_id))
                    .await?
                    .map(|c| c.number)
                    .unwrap_or_default();
                entries.push(quality_step(
                    Step::OpinionReminder,
                    o.unit_id,
                    &o.region_code,
                    o.reminder_due,
                    format!("征询意见：{number}（{}）", o.organ_name),
                ));
            }
            store::replace(tx, subject, o.version, &entries).await?;
        }
    }
    Ok(())
}

/// A quality-queue step of a record other than an application or a case, due
/// on `due_on` (counted as a period, so that the queue shows it running, due
/// or overdue).
fn quality_step(step: Step, unit_id: i64, region: &str, due_on: NaiveDate, label: String) -> Entry {
    Entry {
        code: step.as_str().to_owned(),
        queue: route_step(step).as_str(),
        unit_id,
        region_code: region.to_owned(),
        staff_id: None,
        due_on,
        due_at: None,
        provisional_year: None,
        rule_from: None,
        statutory: true,
        assignee: 0,
        label,
    }
}

fn entry(d: &DeadlineView, q: Queue, unit_id: i64, region: &str, staff_id: Option<i64>) -> Entry {
    Entry {
        code: d.code.clone(),
        queue: q.as_str(),
        unit_id,
        region_code: region.to_owned(),
        staff_id,
        due_on: d.due,
        due_at: d.due_at,
        provisional_year: d.provisional.then(|| d.due.year()),
        rule_from: Some(d.rule_from),
        statutory: true,
        assignee: 0,
        label: String::new(),
    }
}

/// The queue entries of a visit (its open fee alert) and of a plan (while
/// planned), for `queues::track`.
async fn visit_entries(tx: &mut Tx, subject: Subject) -> AppResult<Option<(i64, Vec<Entry>)>> {
    let entry = |step: Step,
                 unit_id: i64,
                 region: &str,
                 due_on: NaiveDate,
                 statutory: bool,
                 label: String| Entry {
        code: step.as_str().to_owned(),
        queue: route_step(step).as_str(),
        unit_id,
        region_code: region.to_owned(),
        staff_id: None,
        due_on,
        due_at: None,
        provisional_year: None,
        rule_from: None,
        statutory,
        assignee: 0,
        label,
    };
    match subject {
        Subject::Visit(id) => {
            let Some(v) = legalaid_store::visits::get(tx, id).await? else {
                return Ok(None);
            };
            let mut entries = Vec::new();
            if v.alert_open() {
                let n = case_number(tx, v.case_id).await?;
                entries.push(entry(
                    Step::FeeAlert,
                    v.unit_id,
                    &v.region_code,
                    v.visited_on,
                    false,
                    format!("回访：{n}"),
                ));
            }
            Ok(Some((v.version, entries)))
        }
        Subject::VisitPlan(id) => {
            let Some(p) = legalaid_store::visits::plan(tx, id).await? else {
                return Ok(None);
            };
            let mut entries = Vec::new();
            if p.status == legalaid_domain::followup::VisitPlanStatus::Planned {
                let n = case_number(tx, p.case_id).await?;
                entries.push(entry(
                    Step::FollowupVisit,
                    p.unit_id,
                    &p.region_code,
                    p.due_on,
                    true,
                    format!("回访：{n}"),
                ));
            }
            Ok(Some((p.version, entries)))
        }
        _ => Ok(None),
    }
}

async fn case_number(tx: &mut Tx, id: i64) -> AppResult<String> {
    Ok(legalaid_store::cases::get(tx, CaseId(id))
        .await?
        .map(|c| c.number)
        .unwrap_or_default())
}

async fn region_of(tx: &mut Tx, unit: i64) -> AppResult<String> {
    Ok(legalaid_store::units::get(tx, UnitId(unit))
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default())
}

/// Tracks records whose stored deadlines do not follow their current version, a
/// batch per transaction until none is left. Returns how many were tracked.
pub async fn track_pending(app: &App) -> AppResult<usize> {
    const BATCH: i64 = 200;
    let mut n = 0;
    // Records other than applications and cases are found by a provisional date in
    // a year now entered: tracking them once is enough (a date that stayed
    // provisional, with a stale snapshot of the rules, waits for the next run
    // rather than looping here).
    let mut seen = std::collections::HashSet::new();
    loop {
        let mut tx = app.store.write().await?;
        let batch: Vec<Subject> = store::untracked(&mut tx, BATCH)
            .await?
            .into_iter()
            .filter(|s| s.record().is_none() || seen.insert(*s))
            .collect();
        if batch.is_empty() {
            return Ok(n);
        }
        n += batch.len();
        for s in batch {
            track(app, &mut tx, s).await?;
        }
        tx.commit().await?;
    }
}

/// After a calendar year is entered: the provisional dates in it are counted again.
pub(crate) async fn recount_provisional(tx: &mut Tx, year: i32) -> AppResult<u64> {
    Ok(store::recount_provisional(tx, year).await?)
}

/// Which items of the queues to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    #[default]
    All,
    /// Past their due date.
    Overdue,
    /// Due within the warning days (today included), or overdue.
    Soon,
}

/// One item of a work queue: what to do, on which record, by when.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub queue: String,
    pub queue_label: &'static str,
    /// The deadline rule's code or the step's.
    pub code: String,
    /// What must be done, e.g. 审查申请并作出是否给予法律援助的决定.
    pub task: String,
    pub application_id: Option<i64>,
    pub case_id: Option<i64>,
    pub number: String,
    pub status_label: String,
    pub unit_name: String,
    pub due: NaiveDate,
    pub due_at: Option<chrono::NaiveDateTime>,
    /// The period runs into a year whose holidays are not entered yet.
    pub provisional: bool,
    /// A statutory period; otherwise `due` is the day the step became due.
    pub statutory: bool,
    /// overdue / due_today / due_soon / running / waiting
    pub state: String,
    pub state_label: String,
    /// The page where it is done.
    pub href: String,
}

/// A page of the caller's queues, with the counts the filters show.
#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: i64,
    /// All items, those overdue, and those due soon (overdue included), whatever
    /// the filter.
    pub all: i64,
    pub overdue: i64,
    pub soon: i64,
}

/// The items waiting on the caller (their roles' queues in their scope, and their
/// own cases as handler), earliest due first.
pub async fn queue(app: &App, ctx: &Ctx, due: DueFilter, page: Page) -> AppResult<QueuePage> {
    let mut tx = app.store.read().await?;
    queue_in(app, &mut tx, ctx, due, page).await
}

/// [`queue`] inside the caller's transaction (the home page reads more with it).
pub(crate) async fn queue_in(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    due: DueFilter,
    page: Page,
) -> AppResult<QueuePage> {
    let Some(actor) = &ctx.actor else {
        return read(app, tx, ctx, QueueFilter::default(), due, page).await;
    };
    let queues = Queue::of_roles(&actor.user.roles);
    let base = QueueFilter {
        scoped: queues
            .iter()
            .filter(|q| !matches!(q, Queue::Handler | Queue::Expert))
            .map(|q| q.as_str())
            .collect(),
        staff_id: queues
            .contains(&Queue::Handler)
            .then_some(actor.user.staff_id.map(|s| s.0))
            .flatten(),
        // Personal items (an expert's files) wait on the user.
        assignee: Some(actor.user.id.0),
        due_before: None,
        due_by: None,
    };
    read(app, tx, ctx, base, due, page).await
}

/// Whether the caller supervises every queue of a region (bureau, center,
/// administrators).
pub fn can_supervise(ctx: &Ctx) -> bool {
    matches!(
        policy::scope(ctx),
        legalaid_domain::visibility::Scope::Region(_) | legalaid_domain::visibility::Scope::All
    )
}

/// Every queue's items in the caller's region, earliest due first (supervision of
/// the units that fall behind).
pub async fn supervision(app: &App, ctx: &Ctx, due: DueFilter, page: Page) -> AppResult<QueuePage> {
    policy::require(can_supervise(ctx))?;
    let base = QueueFilter {
        scoped: Queue::ALL.iter().map(|q| q.as_str()).collect(),
        staff_id: None,
        assignee: None,
        due_before: None,
        due_by: None,
    };
    let mut tx = app.store.read().await?;
    read(app, &mut tx, ctx, base, due, page).await
}

async fn read(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    base: QueueFilter,
    due: DueFilter,
    page: Page,
) -> AppResult<QueuePage> {
    let today = local_date(app.clock.now());
    let soon_by = today + chrono::Duration::days(WARN_DAYS);
    let chosen = QueueFilter {
        due_before: (due == DueFilter::Overdue).then_some(today),
        due_by: (due == DueFilter::Soon).then_some(soon_by),
        ..base.clone()
    };
    let scope = policy::scope(ctx);
    let f = crate::in_force::in_force(app, tx).await?;
    // The counts of every filter in one pass; the list of the chosen one.
    let (all, overdue, soon) = store::counts(tx, &scope, &base, today, soon_by).await?;
    let rows = store::queue(tx, &scope, &chosen, page).await?;
    let total = match due {
        DueFilter::All => all,
        DueFilter::Overdue => overdue,
        DueFilter::Soon => soon,
    };
    let items = rows.into_iter().map(|r| item(r, &f.rules, today)).collect();
    Ok(QueuePage {
        items,
        total,
        all,
        overdue,
        soon,
    })
}

fn item(r: QueueRow, rules: &legalaid_domain::rules::RuleBook, today: NaiveDate) -> QueueItem {
    let queue = Queue::parse(&r.queue);
    let step = Step::parse(&r.code);
    let task = match step {
        Some(s) => s.label().to_owned(),
        None => rules
            .deadline(&r.code)
            .map_or_else(|| r.code.clone(), |d| d.label.clone()),
    };
    let (state, state_label) = if r.statutory {
        let s = Standing::of(
            legalaid_domain::deadline::Due::EndOfDay(r.due_on),
            today,
            WARN_DAYS,
        );
        let code = match s {
            Standing::Overdue(_) => "overdue",
            Standing::DueToday => "due_today",
            Standing::DueSoon(_) => "due_soon",
            Standing::Running(_) => "running",
        };
        (code.to_owned(), s.label())
    } else {
        let waited = (today - r.due_on).num_days().max(0);
        ("waiting".to_owned(), format!("已等待{waited}日"))
    };
    let status_label = match (r.application_id, r.case_id) {
        (Some(_), _) => Status::parse(&r.status).map(|s| s.label().to_owned()),
        (_, Some(_)) => CaseStatus::parse(&r.status).map(|s| s.label().to_owned()),
        _ => None,
    }
    .unwrap_or_default();
    let record = r
        .record_kind
        .as_deref()
        .zip(r.record_id)
        .and_then(|(k, id)| Subject::of_record(k, id));
    let href = match (r.application_id, r.case_id, record) {
        (Some(a), ..) => Subject::Application(ApplicationId(a)).href(),
        (_, Some(c), _) => Subject::Case(CaseId(c)).href(),
        (_, _, Some(s)) => s.href(),
        _ => "/".to_owned(),
    };
    QueueItem {
        queue: r.queue.clone(),
        queue_label: queue.map_or("", Queue::label),
        code: r.code,
        task,
        application_id: r.application_id,
        case_id: r.case_id,
        number: r.number,
        status_label,
        unit_name: r.unit_name,
        due: r.due_on,
        due_at: r.due_at,
        provisional: r.provisional_year.is_some(),
        statutory: r.statutory,
        state,
        state_label,
        href,
    }
}

/// Supervision figures: items of every queue in the caller's scope that are
/// overdue, and due within the warning days. Counting a province's open work takes
/// a scan of its rows, so a figure is kept for `STANDING_TTL` per scope and day
/// (the lists themselves are always read live).
pub(crate) async fn standing(app: &App, tx: &mut Tx, ctx: &Ctx) -> AppResult<(i64, i64)> {
    let today = local_date(app.clock.now());
    let scope = policy::scope(ctx);
    let key = format!("{scope:?}/{today}");
    if let Ok(cache) = app.standing_cache.lock()
        && let Some((at, figures)) = cache.get(&key)
        && at.elapsed() < STANDING_TTL
    {
        return Ok(*figures);
    }
    let figures =
        store::standing(tx, &scope, today, today + chrono::Duration::days(WARN_DAYS)).await?;
    if let Ok(mut cache) = app.standing_cache.lock() {
        cache.retain(|_, (at, _)| at.elapsed() < STANDING_TTL);
        cache.insert(key, (std::time::Instant::now(), figures));
    }
    Ok(figures)
}

/// How long a supervision figure is kept (see [`standing`]).
pub const STANDING_TTL: std::time::Duration = std::time::Duration::from_secs(30);
