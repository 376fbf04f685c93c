//! What may be done to a case now, and by whom: one rule per action, read by the
//! use cases (which refuse), by the case view (which lists what the caller may do)
//! and so by the pages and the API (which offer only that).

use super::{CaseView, can_decide, can_grade, can_manage};
use crate::Ctx;
use crate::applications::can_decide_objection;
use crate::policy::acts_as;
use legalaid_domain::ObjectionId;
use legalaid_domain::case::{
    Case, CaseEvent, CaseStatus, CaseType, ReplacementStatus, SubsidyStatus,
};
use legalaid_domain::role::Role;
use serde::Serialize;

/// An action on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    /// The center assigns a handling unit or person; a firm names its handler.
    Assign,
    SignAgreement,
    AddProgress,
    /// Ask for another handler (the recipient through intake, or the handler).
    RequestReplacement,
    /// Approve or refuse a pending replacement request.
    DecideReplacement {
        replacement_id: i64,
    },
    SubmitClosure,
    ReviewClosure,
    Terminate,
    /// Record the recipient's objection to a termination.
    Object,
    /// The bureau decides an objection to a termination.
    DecideObjection {
        objection_id: ObjectionId,
    },
    Grade,
    PaySubsidy,
    /// Open the next stage of a criminal matter.
    OpenNextStage,
    /// Upload materials to the case file (evidence, court papers, records).
    AddMaterial,
}

/// Whether the caller works the case: its handler, a user of its handling unit,
/// or the center (and intake staff while no unit handles it).
fn works_on(ctx: &Ctx, c: &Case) -> bool {
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

impl CaseAction {
    /// Whether the caller's roles and relation to the case allow the action on
    /// it (its state aside, except that naming a firm's handler is the firm's).
    pub fn permitted(self, ctx: &Ctx, c: &Case) -> bool {
        match self {
            CaseAction::Assign => {
                can_manage(ctx) || c.status == CaseStatus::AwaitingHandler && works_on(ctx, c)
            }
            CaseAction::SignAgreement
            | CaseAction::AddProgress
            | CaseAction::SubmitClosure
            | CaseAction::AddMaterial => works_on(ctx, c),
            CaseAction::RequestReplacement => {
                works_on(ctx, c) || acts_as(ctx, &[Role::IntakeClerk])
            }
            _ => self.by_role(ctx),
        }
    }

    /// For the actions whose rule is the caller's roles alone, that rule: the use
    /// case checks it before reading anything. (The others answer whether any
    /// role could take them; [`CaseAction::permitted`] decides.)
    pub fn by_role(self, ctx: &Ctx) -> bool {
        match self {
            CaseAction::Object => can_manage(ctx) || acts_as(ctx, &[Role::IntakeClerk]),
            CaseAction::DecideReplacement { .. } | CaseAction::OpenNextStage => can_manage(ctx),
            CaseAction::ReviewClosure | CaseAction::Terminate | CaseAction::PaySubsidy => {
                can_decide(ctx)
            }
            CaseAction::DecideObjection { .. } => can_decide_objection(ctx),
            CaseAction::Grade => can_grade(ctx),
            CaseAction::Assign
            | CaseAction::SignAgreement
            | CaseAction::AddProgress
            | CaseAction::SubmitClosure
            | CaseAction::RequestReplacement
            | CaseAction::AddMaterial => {
                can_manage(ctx) || acts_as(ctx, &[Role::Handler, Role::IntakeClerk])
            }
        }
    }

    /// Whether the case's state allows the action now; the reason if not.
    pub fn ready(self, v: &CaseView) -> Result<(), String> {
        let c = &v.case;
        let event = |e: CaseEvent| c.status.next(e).map(|_| ()).map_err(|e| e.to_string());
        let handling = matches!(c.status, CaseStatus::Assigned | CaseStatus::InProgress);
        let closed = matches!(
            c.status,
            CaseStatus::ClosureSubmitted | CaseStatus::Archived
        );
        match self {
            CaseAction::Assign => match c.status {
                CaseStatus::AwaitingAssignment | CaseStatus::AwaitingHandler => Ok(()),
                s => Err(format!(
                    "案件当前状态（{}）不能指派；需要更换承办人的，请申请更换",
                    s.label()
                )),
            },
            CaseAction::SignAgreement => event(CaseEvent::SignAgreement),
            CaseAction::AddProgress if !handling => Err(format!(
                "案件当前状态（{}）不能登记办理进展",
                c.status.label()
            )),
            CaseAction::AddProgress => Ok(()),
            CaseAction::RequestReplacement if !handling => Err(format!(
                "案件当前状态（{}）不能申请更换承办人",
                c.status.label()
            )),
            CaseAction::RequestReplacement
                if v.replacements
                    .iter()
                    .any(|r| r.status == ReplacementStatus::Pending) =>
            {
                Err("已有待处理的更换申请".into())
            }
            CaseAction::RequestReplacement => Ok(()),
            CaseAction::DecideReplacement { replacement_id } => {
                match v.replacements.iter().find(|r| r.id == replacement_id) {
                    Some(r) if r.status == ReplacementStatus::Pending => Ok(()),
                    Some(_) => Err("该更换申请已审批".into()),
                    None => Err("该案件没有这项更换申请".into()),
                }
            }
            CaseAction::SubmitClosure => event(CaseEvent::SubmitClosure),
            CaseAction::ReviewClosure => event(CaseEvent::ApproveClosure),
            CaseAction::Terminate => event(CaseEvent::Terminate),
            CaseAction::Object => event(CaseEvent::Object),
            CaseAction::DecideObjection { objection_id } => {
                match v.objections.iter().find(|o| o.id == objection_id) {
                    Some(o) if o.status.is_pending() => Ok(()),
                    Some(_) => Err("该异议已审查完毕".into()),
                    None => Err("该案件没有这项异议".into()),
                }
            }
            CaseAction::Grade if c.subsidy_status == SubsidyStatus::Paid => {
                Err("补贴已发放，不能再修改质量等级".into())
            }
            CaseAction::Grade if !closed => Err("提交结案材料后才能评定质量等级".into()),
            CaseAction::Grade => Ok(()),
            CaseAction::PaySubsidy if c.subsidy_status != SubsidyStatus::Payable => Err(format!(
                "补贴当前状态为“{}”，不能登记发放",
                c.subsidy_status.label()
            )),
            CaseAction::PaySubsidy if c.graded_at.is_none() => {
                Err("该案件尚未评定质量等级，请质量评查人员评定后再发放补贴".into())
            }
            CaseAction::PaySubsidy => Ok(()),
            CaseAction::AddMaterial => Ok(()),
            CaseAction::OpenNextStage => {
                let next = c
                    .stage
                    .next()
                    .filter(|_| c.case_type == CaseType::Criminal)
                    .ok_or_else(|| "该案件没有下一诉讼阶段".to_owned())?;
                if !closed {
                    Err("本阶段结案后才能进入下一阶段".into())
                } else if v.stages.iter().any(|(_, _, s)| *s == next) {
                    Err(format!("{}已立案", next.label()))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Permitted to the caller and ready now.
    pub fn open_to(self, ctx: &Ctx, v: &CaseView) -> bool {
        self.permitted(ctx, &v.case) && self.ready(v).is_ok()
    }
}

/// The actions the caller may take on the case now, in the order of the work.
pub fn available(ctx: &Ctx, v: &CaseView) -> Vec<CaseAction> {
    let objections = v
        .objections
        .iter()
        .map(|o| CaseAction::DecideObjection { objection_id: o.id });
    let replacements = v
        .replacements
        .iter()
        .map(|r| CaseAction::DecideReplacement {
            replacement_id: r.id,
        });
    [
        CaseAction::Assign,
        CaseAction::SignAgreement,
        CaseAction::AddProgress,
        CaseAction::SubmitClosure,
        CaseAction::ReviewClosure,
        CaseAction::Object,
    ]
    .into_iter()
    .chain(objections)
    .chain([CaseAction::RequestReplacement])
    .chain(replacements)
    .chain([
        CaseAction::Terminate,
        CaseAction::Grade,
        CaseAction::PaySubsidy,
        CaseAction::OpenNextStage,
        CaseAction::AddMaterial,
    ])
    .filter(|a| a.open_to(ctx, v))
    .collect()
}
