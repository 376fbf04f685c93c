//! What may be done to an application now, and by whom: one rule per action,
//! read by the use cases (which refuse), by the application view (which lists
//! what the caller may do) and so by the pages and the API (which offer only that).

use super::{ApplicationView, can_decide, can_decide_objection, can_handle, can_propose};
use crate::Ctx;
use legalaid_domain::ObjectionId;
use legalaid_domain::application::{Channel, Event, ObjectionOutcome, Outcome, Status};
use legalaid_domain::assessment::Means;
use serde::Serialize;

/// An action on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ApplicationAction {
    /// The one-time notice of what is missing (LAL art 43(2)).
    RequestSupplement,
    SupplementReceived,
    /// A reviewer proposes the decision (two-step review).
    Propose,
    /// Grant or deny.
    Decide,
    /// Grant before the procedure is complete (LAL art 44).
    GrantPreEmptively,
    Withdraw,
    /// Record the applicant's objection to a denial (LAL art 49).
    Object,
    /// The bureau decides an objection to a denial.
    DecideObjection {
        objection_id: ObjectionId,
    },
    /// Record how the honesty declaration was verified.
    Verify,
    /// Open the case of a granted application or a notification.
    OpenCase,
}

impl ApplicationAction {
    /// Whether the caller's roles allow the action (the use case checks this
    /// before reading anything).
    pub fn by_role(self, ctx: &Ctx) -> bool {
        match self {
            ApplicationAction::RequestSupplement
            | ApplicationAction::SupplementReceived
            | ApplicationAction::Withdraw
            | ApplicationAction::Object
            | ApplicationAction::Verify => can_handle(ctx),
            ApplicationAction::Propose => can_propose(ctx),
            ApplicationAction::Decide | ApplicationAction::GrantPreEmptively => can_decide(ctx),
            ApplicationAction::DecideObjection { .. } => can_decide_objection(ctx),
            ApplicationAction::OpenCase => crate::policy::can_manage_cases(ctx),
        }
    }

    /// The event of the application's state machine the action applies, if any.
    pub fn event(self) -> Option<Event> {
        Some(match self {
            ApplicationAction::RequestSupplement => Event::RequestSupplement,
            ApplicationAction::SupplementReceived => Event::SupplementReceived,
            ApplicationAction::Propose => Event::Propose,
            ApplicationAction::Decide => Event::Decide(Outcome::Granted),
            ApplicationAction::GrantPreEmptively => Event::GrantPreEmptively,
            ApplicationAction::Withdraw => Event::Withdraw,
            ApplicationAction::Object => Event::Object,
            ApplicationAction::DecideObjection { .. } => {
                Event::DecideObjection(ObjectionOutcome::Upheld)
            }
            ApplicationAction::Verify | ApplicationAction::OpenCase => return None,
        })
    }

    /// Whether the application's state allows the action now; the reason if not.
    pub fn ready(self, v: &ApplicationView) -> Result<(), String> {
        let a = &v.application;
        if let Some(e) = self.event() {
            a.status.next(e).map_err(|e| e.to_string())?;
        }
        match self {
            ApplicationAction::GrantPreEmptively if !v.assessment.pre_emptive => {
                Err("不符合先行提供法律援助的条件（《法律援助法》第四十四条）".into())
            }
            ApplicationAction::DecideObjection { objection_id } => {
                match v.objections.iter().find(|o| o.id == objection_id) {
                    Some(o) if o.status.is_pending() => Ok(()),
                    Some(_) => Err("该异议已审查完毕".into()),
                    None => Err("该申请没有这项异议".into()),
                }
            }
            ApplicationAction::Verify if !matches!(a.means, Means::Declaration { .. }) => {
                Err("申请人没有作个人诚信承诺，无须核查".into())
            }
            ApplicationAction::OpenCase if !v.cases.is_empty() => Err("该申请已立案".into()),
            ApplicationAction::OpenCase
                if !(a.status == Status::Granted
                    || a.channel == Channel::Notified && a.status == Status::Received) =>
            {
                Err(format!(
                    "申请当前状态（{}）不能立案：决定给予法律援助后才能立案",
                    a.status.label()
                ))
            }
            _ => Ok(()),
        }
    }

    /// Permitted to the caller and ready now.
    pub fn open_to(self, ctx: &Ctx, v: &ApplicationView) -> bool {
        self.by_role(ctx) && self.ready(v).is_ok()
    }
}

/// The actions the caller may take on the application now, in the order of the work.
pub fn available(ctx: &Ctx, v: &ApplicationView) -> Vec<ApplicationAction> {
    let objections = v
        .objections
        .iter()
        .map(|o| ApplicationAction::DecideObjection { objection_id: o.id });
    [
        ApplicationAction::Decide,
        ApplicationAction::Propose,
        ApplicationAction::RequestSupplement,
        ApplicationAction::SupplementReceived,
        ApplicationAction::Withdraw,
        ApplicationAction::Object,
    ]
    .into_iter()
    .chain(objections)
    .chain([
        ApplicationAction::OpenCase,
        ApplicationAction::Verify,
        ApplicationAction::GrantPreEmptively,
    ])
    .filter(|a| a.open_to(ctx, v))
    .collect()
}
