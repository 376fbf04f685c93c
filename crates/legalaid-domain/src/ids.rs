//! Typed identifiers, so that a unit id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A unit: bureau, center, judicial office, law firm, workstation…
    UnitId
);
id_type!(
    /// A signed-in person's account.
    UserId
);
id_type!(
    /// A staff record (lawyer, legal worker, center staff…).
    StaffId
);
id_type!(
    /// A person in the register (applicants, recipients).
    PersonId
);
id_type!(
    /// An application for legal aid.
    ApplicationId
);
id_type!(
    /// A legal aid case (one stage of a matter).
    CaseId
);
id_type!(
    /// An objection to a denial or a termination.
    ObjectionId
);
id_type!(
    /// One version of a scoring scheme (评分标准); a version never changes.
    SchemeId
);
id_type!(
    /// A review round (评查批次), e.g. 2026年下半年案卷评查.
    RoundId
);
id_type!(
    /// The review of one case in a round.
    ReviewId
);
id_type!(
    /// A member of the expert pool (评查专家库).
    ExpertId
);
id_type!(
    /// A rectification order (整改通知).
    RectificationId
);
id_type!(
    /// A complaint about legal aid (投诉), handled by the justice bureau.
    ComplaintId
);
id_type!(
    /// A supervision order (督办) to a unit that lags.
    SupervisionOrderId
);
id_type!(
    /// A follow-up visit to a recipient (回访), one attempt.
    VisitId
);
id_type!(
    /// A planned follow-up visit of a closed case (回访计划).
    VisitPlanId
);
id_type!(
    /// A hearing observation (旁听庭审).
    ObservationId
);
id_type!(
    /// A request for a judicial organ's opinion (征询意见函).
    OpinionId
);
id_type!(
    /// An excellent-case selection (优秀案例评选), e.g. 2026年度优秀法律援助案例评选.
    SelectionId
);
id_type!(
    /// A case nominated to a selection (推荐参评).
    NominationId
);

// Outreach (issue 11 items 2–4).
id_type!(
    /// A consultation answered by a unit (法律咨询).
    ConsultationId
);
id_type!(
    /// A lawyer on duty at a workstation on a day (值班表).
    RosterId
);
id_type!(
    /// Legal help given by a duty lawyer (值班律师法律帮助).
    DutyHelpId
);
id_type!(
    /// A publicity activity (宣传活动).
    ActivityId
);
// Surveys and training (issue 11).
id_type!(
    /// One version of a survey instrument (调查问卷); a version never changes.
    InstrumentId
);
id_type!(
    /// A survey campaign (社情民意调查).
    CampaignId
);
id_type!(
    /// A training session (培训).
    TrainingId
);
