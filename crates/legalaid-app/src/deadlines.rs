//! The deadlines that run on a record, as shown: computed from an application
//! or a case by the domain's deadline engine over the working calendar, with how
//! each stands today. The record pages show them, and the work queues store the
//! running ones (`queues::track`); neither record module depends on the other
//! for them.

use crate::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::application::{
    Application, Clock as AppClock, Objection, RunningDeadline, deadlines,
};
use legalaid_domain::calendar::WorkCalendar;
use legalaid_domain::case::{Case, CaseClock};
use legalaid_domain::deadline::{Due, Standing};
use legalaid_domain::local_time;
use legalaid_domain::rules::RuleBook;
use legalaid_store::Tx;
use serde::Serialize;

/// Deadlines at or within this many days are "due soon".
pub const WARN_DAYS: i64 = 2;

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

/// The deadlines of an application in its current state, as shown today.
pub async fn of_application(
    tx: &mut Tx,
    a: &Application,
    objections: &[Objection],
    rules: &RuleBook,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> AppResult<Vec<DeadlineView>> {
    let pause_rows = legalaid_store::applications::pauses(tx, a.id).await?;
    Ok(of_application_with(
        a,
        objections,
        &pause_rows,
        rules,
        calendar,
        today,
    ))
}

/// [`of_application`] with the application's pauses already read (a list reads
/// those of a whole page at once).
pub fn of_application_with(
    a: &Application,
    objections: &[Objection],
    pause_rows: &[(NaiveDate, Option<NaiveDate>)],
    rules: &RuleBook,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<DeadlineView> {
    let pauses = legalaid_store::applications::as_pauses(pause_rows, today);
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
            .find(|o| o.status.is_pending() && o.case_id.is_none())
            .map(|o| local_time(o.received_at)),
    };
    match deadlines(&clock, rules, calendar) {
        Ok(ds) => ds.iter().map(|d| deadline_view(d, today)).collect(),
        // A missing calendar year is shown, not hidden: the deadline cannot be computed.
        Err(gap) => vec![gap_view(&gap, today)],
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

/// The deadlines that run on a case today (deadline engine over the calendar).
pub fn of_case(
    c: &Case,
    notified: bool,
    objection_received_at: Option<DateTime<Utc>>,
    rules: &RuleBook,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<DeadlineView> {
    let clock = CaseClock {
        status: c.status,
        notified,
        assign_from: local_time(c.assign_from),
        assigned_at: c.assigned_at.map(local_time),
        agreement_signed_on: c.agreement_signed_on,
        ended_on: c.ended_on,
        closure_submitted_at: c.closure_submitted_at.map(local_time),
        objection_received_at: objection_received_at.map(local_time),
    };
    match legalaid_domain::case::deadlines(&clock, rules, calendar) {
        Ok(ds) => ds.iter().map(|d| deadline_view(d, today)).collect(),
        Err(gap) => vec![gap_view(&gap, today)],
    }
}

/// The deadlines of a complaint in its current state, as shown today.
pub fn of_complaint(
    c: &legalaid_store::complaints::Complaint,
    rules: &RuleBook,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<DeadlineView> {
    match legalaid_domain::complaint::deadlines(&complaint_clock(c), rules, calendar) {
        Ok(ds) => ds.iter().map(|d| deadline_view(d, today)).collect(),
        Err(gap) => vec![gap_view(&gap, today)],
    }
}

/// The facts of a stored complaint that decide its deadlines (local time).
pub fn complaint_clock(
    c: &legalaid_store::complaints::Complaint,
) -> legalaid_domain::complaint::ComplaintClock {
    legalaid_domain::complaint::ComplaintClock {
        status: c.status,
        received_at: local_time(c.received_at),
        accepted_at: c.accepted_at.map(local_time),
        refused_at: c.refused_at.map(local_time),
        extended: c
            .extended_at
            .zip(c.extension_days)
            .map(|(at, days)| (local_time(at), u32::try_from(days).unwrap_or(0))),
        concluded_at: c.concluded_at.map(local_time),
        replied_at: c.replied_at.map(local_time),
    }
}
