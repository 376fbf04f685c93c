//! Work queues: whose turn it is. Every running deadline of an application or a
//! case, and every step that waits on someone without a statutory period (grading
//! a closed case, a replacement request, a subsidy to pay), and every running
//! deadline of a complaint, belongs to the queue of
//! the role that must act, in the unit that must act.

use crate::application::Status;
use crate::case::CaseStatus;
use crate::role::Role;

code_enum!(
    /// A role's share of the work.
    Queue {
        Intake => ("intake", "受理"),
        Review => ("review", "审查"),
        Decide => ("decide", "审批"),
        /// Objections to decisions and complaints: the bureau's supervision.
        Bureau => ("bureau", "异议审查和投诉处理"),
        Center => ("center", "指派"),
        Firm => ("firm", "确定承办人"),
        Handler => ("handler", "承办"),
        Quality => ("quality", "质量评查"),
        /// An expert's own files to score.
        Expert => ("expert", "专家评查"),
    }
);

code_enum!(
    /// Steps that wait on someone without a statutory period.
    Step {
        Grading => ("grading", "评定案件质量等级"),
        Replacement => ("replacement", "处理更换承办人申请"),
        SubsidyPayment => ("subsidy_payment", "发放办案补贴"),
        /// The honesty declaration was found false: terminate (LAL art 48(1)(1)).
        FalseDeclaration => ("false_declaration", "个人诚信承诺不实，依法终止法律援助"),
        /// The archive check of a file drawn for review (归档审查).
        ReviewArchiveCheck => ("review_archive_check", "案卷归档审查"),
        /// An expert's sheet for a file (专家评分).
        ReviewSheet => ("review_sheet", "评查案卷并评分"),
        /// The director's re-check of a reviewed file (中心负责人复核).
        ReviewRecheck => ("review_recheck", "复核评查结果并确定等级"),
        /// A rectification order to carry out and answer (整改并反馈).
        RectificationAnswer => ("rectification_answer", "按整改通知整改并反馈"),
        /// An answered order to check (核查整改情况).
        RectificationCheck => ("rectification_check", "核查整改情况"),
        /// A supervision order to carry out and answer (落实督办事项).
        SupervisionAnswer => ("supervision_answer", "落实督办事项并反馈"),
        /// An answered supervision order to check (审核督办落实情况).
        SupervisionCheck => ("supervision_check", "审核督办落实情况"),
        /// A planned follow-up visit to the recipient of a closed case (回访).
        FollowupVisit => ("followup_visit", "回访受援人"),
        /// A visit found money asked or taken (LAL art 20): the center records
        /// how it handled the clue.
        FeeAlert => ("fee_alert", "处理违规收费线索"),
        /// A planned hearing observation, due on the hearing day (旁听庭审).
        HearingObservation => ("hearing_observation", "旁听庭审"),
        /// An opinion letter unanswered by its reminder day (催告征询意见回复).
        OpinionReminder => ("opinion_reminder", "催告征询意见回复"),
    }
);

impl Queue {
    /// The queues a user with `roles` works. The system administrator works none
    /// (they may act in every role, but nothing waits on them by role).
    pub fn of_roles(roles: &[Role]) -> Vec<Queue> {
        let mut out = Vec::new();
        let mut add = |q: Queue| {
            if !out.contains(&q) {
                out.push(q);
            }
        };
        for r in roles {
            match r {
                Role::IntakeClerk => add(Queue::Intake),
                Role::CenterReviewer => {
                    add(Queue::Review);
                    add(Queue::Center);
                }
                Role::CenterDirector => {
                    add(Queue::Review);
                    add(Queue::Decide);
                    add(Queue::Center);
                }
                Role::BureauSupervisor => add(Queue::Bureau),
                Role::Handler => {
                    add(Queue::Handler);
                    add(Queue::Firm);
                }
                Role::QualityReviewer => add(Queue::Quality),
                Role::Expert => add(Queue::Expert),
                Role::SystemAdmin => {}
            }
        }
        out
    }
}

/// The queue of a running deadline of an application, or `None` when nobody needs
/// to see it in a queue: the review clock is stopped (`review_paused`) while the
/// materials of the first supplement notice are awaited (a second notice does not
/// stop it) and while the bureau reviews an objection; the time to assign is the
/// case's once a case is opened.
pub fn route_application(
    code: &str,
    status: Status,
    has_case: bool,
    review_paused: bool,
) -> Option<Queue> {
    match code {
        "review_decision" => match status {
            Status::Received => Some(Queue::Review),
            Status::AwaitingSupplement if !review_paused => Some(Queue::Review),
            Status::Proposed => Some(Queue::Decide),
            _ => None,
        },
        "supplement_period" => Some(Queue::Intake),
        "assign_after_grant" | "assign_notified" if !has_case => Some(Queue::Center),
        "objection_review" => Some(Queue::Bureau),
        _ => None,
    }
}

/// The queue of a running deadline of a case: assignment is the center's until a
/// unit is chosen, then that unit's (to name the handler); the agreement and the
/// closure materials are the handler's; the closure review is the director's; an
/// objection to a termination is the bureau's.
pub fn route_case(code: &str, status: CaseStatus) -> Option<Queue> {
    match code {
        "assign_after_grant" | "assign_notified" => match status {
            CaseStatus::AwaitingAssignment => Some(Queue::Center),
            CaseStatus::AwaitingHandler => Some(Queue::Firm),
            _ => None,
        },
        "sign_agreement" | "closure_submission" => Some(Queue::Handler),
        "closure_review" => Some(Queue::Decide),
        "objection_review" => Some(Queue::Bureau),
        _ => None,
    }
}

/// The queue of a running deadline of a complaint: every step of the complaint
/// procedure is the justice bureau's (LAL art 56).
pub fn route_complaint(code: &str) -> Option<Queue> {
    match code {
        "complaint_accept" | "complaint_conclude" | "complaint_reply" => Some(Queue::Bureau),
        _ => None,
    }
}

/// The queue of a step without a statutory period.
pub fn route_step(step: Step) -> Queue {
    match step {
        Step::Grading => Queue::Quality,
        Step::Replacement => Queue::Center,
        Step::SubsidyPayment | Step::FalseDeclaration | Step::ReviewRecheck => Queue::Decide,
        Step::ReviewArchiveCheck => Queue::Quality,
        Step::ReviewSheet => Queue::Expert,
        // The target's queue depends on the target (a handler, a firm, a
        // center): the tracking chooses it.
        Step::RectificationAnswer => Queue::Handler,
        // The supervised unit's queue depends on its kind (the tracking
        // chooses it); the check is the bureau's.
        Step::SupervisionAnswer => Queue::Intake,
        Step::SupervisionCheck => Queue::Bureau,
        Step::RectificationCheck
        | Step::FollowupVisit
        | Step::FeeAlert
        | Step::HearingObservation
        | Step::OpinionReminder => Queue::Quality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_works_its_own_queues() {
        assert_eq!(Queue::of_roles(&[Role::IntakeClerk]), [Queue::Intake]);
        assert_eq!(
            Queue::of_roles(&[Role::CenterDirector, Role::CenterReviewer]),
            [Queue::Review, Queue::Decide, Queue::Center]
        );
        assert_eq!(
            Queue::of_roles(&[Role::Handler]),
            [Queue::Handler, Queue::Firm]
        );
        assert!(Queue::of_roles(&[Role::SystemAdmin]).is_empty());
    }

    #[test]
    fn a_deadline_goes_to_whoever_must_act_now() {
        use CaseStatus as C;
        use Status as A;
        let route = |code, status| route_application(code, status, false, false);
        assert_eq!(route("review_decision", A::Received), Some(Queue::Review));
        assert_eq!(route("review_decision", A::Proposed), Some(Queue::Decide));
        // Stopped while the first notice's materials are awaited, and during an
        // objection; a second notice does not stop it.
        assert_eq!(
            route_application("review_decision", A::AwaitingSupplement, false, true),
            None
        );
        assert_eq!(
            route("review_decision", A::AwaitingSupplement),
            Some(Queue::Review)
        );
        assert_eq!(route("review_decision", A::ObjectionPending), None);
        assert_eq!(
            route("supplement_period", A::AwaitingSupplement),
            Some(Queue::Intake)
        );
        assert_eq!(route("assign_after_grant", A::Granted), Some(Queue::Center));
        assert_eq!(
            route_application("assign_after_grant", A::Granted, true, false),
            None
        );
        assert_eq!(
            route("objection_review", A::ObjectionPending),
            Some(Queue::Bureau)
        );
        assert_eq!(route("custody_forwarding", A::Received), None);

        assert_eq!(route_case("assign_notified", C::InProgress), None);
        assert_eq!(
            route_case("sign_agreement", C::Assigned),
            Some(Queue::Handler)
        );
        assert_eq!(
            route_case("closure_review", C::ClosureSubmitted),
            Some(Queue::Decide)
        );
        assert_eq!(
            route_case("objection_review", C::ObjectionPending),
            Some(Queue::Bureau)
        );
        assert_eq!(route_step(Step::Grading), Queue::Quality);
        assert_eq!(route_complaint("complaint_reply"), Some(Queue::Bureau));
        assert_eq!(route_complaint("calendar_gap"), None);
    }
}
