//! The records that other things hang off: files, documents, objections, messages
//! and running deadlines belong to an application, a case, or the review of a
//! case file, or a complaint. The other quality records join this list as they
//! arrive.

use crate::{
    ApplicationId, CaseId, ComplaintId, ObservationId, OpinionId, RectificationId, ReviewId,
    SupervisionOrderId, VisitId, VisitPlanId,
};
use serde::{Deserialize, Serialize};

/// A record that files, documents, messages and deadlines are kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Application(ApplicationId),
    Case(CaseId),
    /// The review of a case file in a round (案卷评查).
    Review(ReviewId),
    /// A rectification order (整改通知).
    Rectification(RectificationId),
    /// A complaint about legal aid (投诉), handled by the justice bureau.
    Complaint(ComplaintId),
    /// A follow-up visit to the recipient (回访): in the queue while a fee
    /// alert it raised is not handled.
    Visit(VisitId),
    /// A planned follow-up visit of a closed case (回访计划).
    VisitPlan(VisitPlanId),
    /// A hearing observed by the center (旁听庭审).
    Observation(ObservationId),
    /// A request for a judicial organ's opinion on a closed case (征询意见).
    Opinion(OpinionId),
    /// A supervision order (督办) to a unit that lags.
    SupervisionOrder(SupervisionOrderId),
}

impl Subject {
    /// The stable key, `application:12` or `case:7` (stored with issued documents).
    pub fn key(self) -> String {
        match self {
            Subject::Application(id) => format!("application:{id}"),
            Subject::Case(id) => format!("case:{id}"),
            Subject::Review(id) => format!("review:{id}"),
            Subject::Rectification(id) => format!("rectification:{id}"),
            Subject::Complaint(id) => format!("complaint:{id}"),
            Subject::Visit(id) => format!("visit:{id}"),
            Subject::VisitPlan(id) => format!("visit_plan:{id}"),
            Subject::Observation(id) => format!("observation:{id}"),
            Subject::Opinion(id) => format!("opinion:{id}"),
            Subject::SupervisionOrder(id) => format!("supervision_order:{id}"),
        }
    }

    /// The page where the record is worked on.
    pub fn href(self) -> String {
        match self {
            Subject::Application(id) => format!("/applications/{id}"),
            Subject::Case(id) => format!("/cases/{id}"),
            Subject::Review(id) => format!("/reviews/{id}"),
            Subject::Rectification(id) => format!("/rectifications/{id}"),
            Subject::Complaint(id) => format!("/complaints/{id}"),
            Subject::Visit(id) => format!("/visits/{id}"),
            // A plan is done by recording the visit.
            Subject::VisitPlan(id) => format!("/visits/new?plan={id}"),
            Subject::Observation(id) => format!("/hearings/observations/{id}"),
            Subject::Opinion(id) => format!("/opinions/{id}"),
            Subject::SupervisionOrder(id) => format!("/supervision/orders/{id}"),
        }
    }

    /// For records other than applications and cases: the kind stored with their
    /// deadlines (`record_kind`) and the id.
    pub fn record(self) -> Option<(&'static str, i64)> {
        match self {
            Subject::Application(_) | Subject::Case(_) => None,
            Subject::Review(id) => Some(("review", id.0)),
            Subject::Rectification(id) => Some(("rectification", id.0)),
            Subject::Complaint(id) => Some(("complaint", id.0)),
            Subject::Visit(id) => Some(("visit", id.0)),
            Subject::VisitPlan(id) => Some(("visit_plan", id.0)),
            Subject::Observation(id) => Some(("observation", id.0)),
            Subject::Opinion(id) => Some(("opinion", id.0)),
            Subject::SupervisionOrder(id) => Some(("supervision_order", id.0)),
        }
    }

    /// The record of a stored `record_kind` and id.
    pub fn of_record(kind: &str, id: i64) -> Option<Subject> {
        match kind {
            "review" => Some(Subject::Review(ReviewId(id))),
            "rectification" => Some(Subject::Rectification(RectificationId(id))),
            "complaint" => Some(Subject::Complaint(ComplaintId(id))),
            "visit" => Some(Subject::Visit(VisitId(id))),
            "visit_plan" => Some(Subject::VisitPlan(VisitPlanId(id))),
            "observation" => Some(Subject::Observation(ObservationId(id))),
            "opinion" => Some(Subject::Opinion(OpinionId(id))),
            "supervision_order" => Some(Subject::SupervisionOrder(SupervisionOrderId(id))),
            _ => None,
        }
    }
}

impl From<ApplicationId> for Subject {
    fn from(id: ApplicationId) -> Self {
        Subject::Application(id)
    }
}

impl From<ReviewId> for Subject {
    fn from(id: ReviewId) -> Self {
        Subject::Review(id)
    }
}

impl From<RectificationId> for Subject {
    fn from(id: RectificationId) -> Self {
        Subject::Rectification(id)
    }
}

impl From<ComplaintId> for Subject {
    fn from(id: ComplaintId) -> Self {
        Subject::Complaint(id)
    }
}

impl From<VisitId> for Subject {
    fn from(id: VisitId) -> Self {
        Subject::Visit(id)
    }
}

impl From<CaseId> for Subject {
    fn from(id: CaseId) -> Self {
        Subject::Case(id)
    }
}

impl From<ObservationId> for Subject {
    fn from(id: ObservationId) -> Self {
        Subject::Observation(id)
    }
}

impl From<OpinionId> for Subject {
    fn from(id: OpinionId) -> Self {
        Subject::Opinion(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_pages_name_the_record() {
        assert_eq!(
            Subject::Application(ApplicationId(12)).key(),
            "application:12"
        );
        assert_eq!(Subject::Case(CaseId(7)).key(), "case:7");
        assert_eq!(Subject::Case(CaseId(7)).href(), "/cases/7");
        assert_eq!(
            Subject::Application(ApplicationId(12)).href(),
            "/applications/12"
        );
        let r = Subject::Review(ReviewId(3));
        assert_eq!(
            (r.key(), r.href()),
            ("review:3".into(), "/reviews/3".into())
        );
        assert_eq!(r.record(), Some(("review", 3)));
        assert_eq!(Subject::of_record("review", 3), Some(r));
        assert_eq!(Subject::of_record("case", 3), None);
        assert_eq!(Subject::Case(CaseId(7)).record(), None);
        let c = Subject::Complaint(ComplaintId(5));
        assert_eq!(
            (c.key(), c.href()),
            ("complaint:5".into(), "/complaints/5".into())
        );
        assert_eq!(c.record(), Some(("complaint", 5)));
        assert_eq!(Subject::of_record("complaint", 5), Some(c));
        for s in [
            Subject::Visit(VisitId(4)),
            Subject::VisitPlan(VisitPlanId(6)),
        ] {
            let (kind, id) = s.record().expect("a record");
            assert_eq!(Subject::of_record(kind, id), Some(s));
        }
        assert_eq!(Subject::Visit(VisitId(4)).href(), "/visits/4");
        assert_eq!(
            Subject::VisitPlan(VisitPlanId(6)).href(),
            "/visits/new?plan=6"
        );
        for s in [
            Subject::Observation(ObservationId(4)),
            Subject::Opinion(OpinionId(4)),
        ] {
            let (kind, id) = s.record().expect("a record");
            assert_eq!(Subject::of_record(kind, id), Some(s));
            assert_eq!(s.key(), format!("{kind}:4"));
        }
        assert_eq!(
            Subject::Observation(ObservationId(4)).href(),
            "/hearings/observations/4"
        );
    }
}
