//! The pure domain of legalaid: value types, rules and invariants.
//!
//! Nothing here performs I/O, reads a clock or knows about a database or HTTP:
//! callers hand in the facts (including "now") and get decisions back.

/// Declares a closed set of codes: each variant has a stable API code (snake_case,
/// never renamed) and a Chinese label in the words of the law.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable API code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Reading a stored code (the store decodes columns with it).
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s).ok_or_else(|| format!("unknown {} code {s:?}", stringify!($name)))
            }
        }
    };
}

pub mod application;
pub mod application_sheet;
pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod case_sheet;
pub mod complaint;
pub mod deadline;
pub mod document;
pub mod duplicate;
pub mod excellent;
pub mod followup;
pub mod funding;
pub mod hearing;
pub mod holiday_notice;
pub mod id_number;
pub mod ids;
pub mod notice;
pub mod opinion;
pub mod outreach;
pub mod password;
pub mod person;
pub mod person_sheet;
pub mod placeholder;
pub mod portal;
pub mod quality;
pub mod queue;
pub mod rating;
pub mod record;
pub mod rectification;
pub mod region;
pub mod role;
pub mod rules;
pub mod search;
pub mod staff;
pub mod subsidy;
pub mod supervision;
pub mod survey;
pub mod throttle;
pub mod training;
pub mod unit;
pub mod user;
pub mod validation;
pub mod visibility;

pub use ids::{
    ActivityId, ApplicationId, CaseId, ComplaintId, ConsultationId, DutyHelpId, ExpertId,
    NominationId, ObjectionId, ObservationId, OpinionId, PersonId, RectificationId, ReviewId,
    RosterId, RoundId, SchemeId, SelectionId, StaffId, SupervisionOrderId, UnitId, UserId, VisitId,
    VisitPlanId,
};
// Surveys and training (issue 11).
pub use ids::{CampaignId, InstrumentId, TrainingId};
pub use validation::{FieldError, Validation};

/// The China Standard Time (UTC+8) calendar date of an instant. Deadlines count
/// local days; China has used UTC+8 without daylight saving since 1991.
pub fn local_date(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    local_time(t).date()
}

/// The China Standard Time wall-clock time of an instant.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    t.naive_utc() + chrono::Duration::hours(8)
}

#[cfg(test)]
mod tests {
    /// A code's JSON name (serde, and so the OpenAPI schema) is the code the
    /// parser and the database accept: what the API sends can be sent back.
    fn codes_are_json_names<T>(all: &[T])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Display + PartialEq + Copy,
    {
        for v in all {
            let json = serde_json::to_value(v).expect("serializes");
            assert_eq!(json, serde_json::Value::String(v.to_string()), "{json}");
            let back: T = serde_json::from_value(json).expect("parses back");
            assert!(back == *v);
        }
    }

    #[test]
    fn every_code_enum_names_its_codes_in_json() {
        use crate::*;
        codes_are_json_names(notice::MessageKind::ALL);
        codes_are_json_names(notice::Channel::ALL);
        codes_are_json_names(notice::Audience::ALL);
        codes_are_json_names(notice::DeliveryStatus::ALL);
        codes_are_json_names(document::DocKind::ALL);
        codes_are_json_names(unit::UnitKind::ALL);
        codes_are_json_names(unit::WorkstationHost::ALL);
        codes_are_json_names(outreach::consultation::ConsultChannel::ALL);
        codes_are_json_names(outreach::consultation::ConsultGroup::ALL);
        codes_are_json_names(outreach::consultation::ConsultOutcome::ALL);
        codes_are_json_names(outreach::duty::HelpKind::ALL);
        codes_are_json_names(outreach::duty::RateBasis::ALL);
        codes_are_json_names(outreach::publicity::ActivityForm::ALL);
        codes_are_json_names(outreach::publicity::MediaKind::ALL);
        codes_are_json_names(role::Role::ALL);
        codes_are_json_names(subsidy::FlatItem::ALL);
        codes_are_json_names(subsidy::EarlyEnd::ALL);
        codes_are_json_names(calendar::DayKind::ALL);
        codes_are_json_names(id_number::IdType::ALL);
        codes_are_json_names(case::CaseOutcome::ALL);
        codes_are_json_names(case::Adoption::ALL);
        codes_are_json_names(case::CaseType::ALL);
        codes_are_json_names(case::Stage::ALL);
        codes_are_json_names(case::Grade::ALL);
        codes_are_json_names(case::CaseStatus::ALL);
        codes_are_json_names(case::TerminationGround::ALL);
        codes_are_json_names(case::Activity::ALL);
        codes_are_json_names(case::SubsidyStatus::ALL);
        codes_are_json_names(application::Channel::ALL);
        codes_are_json_names(application::NotifyingOrgan::ALL);
        codes_are_json_names(application::ServiceForm::ALL);
        codes_are_json_names(application::ProceduralRole::ALL);
        codes_are_json_names(application::Status::ALL);
        codes_are_json_names(application::Outcome::ALL);
        codes_are_json_names(application::ObjectionOutcome::ALL);
        codes_are_json_names(rules::HardshipCondition::ALL);
        codes_are_json_names(rules::MatterCategory::ALL);
        codes_are_json_names(person::RecipientGroup::ALL);
        codes_are_json_names(supervision::forms::FormCode::ALL);
        codes_are_json_names(application::DenialReason::ALL);
        codes_are_json_names(staff::StaffKind::ALL);
        codes_are_json_names(staff::Sex::ALL);
        codes_are_json_names(staff::Specialty::ALL);
        codes_are_json_names(deadline::PeriodUnit::ALL);
        codes_are_json_names(quality::scheme::ScoringMethod::ALL);
        codes_are_json_names(quality::scheme::Phase::ALL);
        codes_are_json_names(quality::sampling::SampleMethod::ALL);
        codes_are_json_names(quality::sampling::DrawReason::ALL);
        codes_are_json_names(quality::review::Tier::ALL);
        codes_are_json_names(quality::review::ReviewStatus::ALL);
        codes_are_json_names(quality::review::RoundStatus::ALL);
        codes_are_json_names(quality::review::ExpertKind::ALL);
        codes_are_json_names(complaint::ComplaintChannel::ALL);
        codes_are_json_names(complaint::ComplaintCategory::ALL);
        codes_are_json_names(complaint::ComplaintOutcome::ALL);
        codes_are_json_names(complaint::FollowUpAction::ALL);
        codes_are_json_names(complaint::ComplainantRemedy::ALL);
        codes_are_json_names(complaint::ComplainantRelation::ALL);
        codes_are_json_names(complaint::ComplaintStatus::ALL);
        codes_are_json_names(complaint::ReplyChannel::ALL);
        codes_are_json_names(followup::VisitMode::ALL);
        codes_are_json_names(followup::VisitTiming::ALL);
        codes_are_json_names(followup::CallOutcome::ALL);
        codes_are_json_names(followup::Satisfaction::ALL);
        codes_are_json_names(followup::EvaluationItem::ALL);
        codes_are_json_names(hearing::HearingDimension::ALL);
        codes_are_json_names(hearing::ObservationStatus::ALL);
        codes_are_json_names(opinion::OpinionOrgan::ALL);
        codes_are_json_names(opinion::OpinionItem::ALL);
        codes_are_json_names(opinion::OpinionStatus::ALL);
        codes_are_json_names(rectification::RectificationSource::ALL);
        codes_are_json_names(rectification::ProblemCategory::ALL);
        codes_are_json_names(rectification::RectificationStatus::ALL);
        codes_are_json_names(supervision::order::Indicator::ALL);
        codes_are_json_names(supervision::order::OrderStatus::ALL);
        codes_are_json_names(supervision::order::Escalation::ALL);
        codes_are_json_names(followup::VisitPlanStatus::ALL);
        codes_are_json_names(rating::RatingBasis::ALL);
        codes_are_json_names(excellent::SelectionStatus::ALL);
        codes_are_json_names(excellent::NominationStatus::ALL);
    }
}
