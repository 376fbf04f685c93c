//! The API's mirrors: Hearing observation and opinion letters.

use chrono::{DateTime, NaiveDate, Utc};

// Hearing observation and opinion letters.

/// A hearing observation (`legalaid_store::hearings::Observation`).
#[derive(utoipa::ToSchema)]
#[schema(as = Observation)]
#[allow(dead_code)]
pub struct ObservationDoc {
    id: i64,
    case_id: i64,
    hearing_id: Option<i64>,
    court: String,
    hearing_date: NaiveDate,
    /// `HH:MM` when known, else empty.
    hearing_time: String,
    observer_id: i64,
    status: legalaid_domain::hearing::ObservationStatus,
    /// In the order of the dimensions.
    ratings: Vec<legalaid_domain::hearing::DimensionRating>,
    /// A dimension rated 不满意, or problems written down (需要整改).
    needs_rectification: bool,
    issues: String,
    comment: String,
    cancel_reason: String,
    handler_id: Option<i64>,
    handling_unit_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    created_by: i64,
    created_at: DateTime<Utc>,
    recorded_at: Option<DateTime<Utc>>,
    recorded_by: Option<i64>,
    version: i64,
}

/// An observation as its list shows it.
#[derive(utoipa::ToSchema)]
#[schema(as = ObservationLine)]
#[allow(dead_code)]
pub struct ObservationLineDoc {
    id: i64,
    case_id: i64,
    hearing_id: Option<i64>,
    court: String,
    hearing_date: NaiveDate,
    /// `HH:MM` when known, else empty.
    hearing_time: String,
    observer_id: i64,
    status: legalaid_domain::hearing::ObservationStatus,
    /// In the order of the dimensions.
    ratings: Vec<legalaid_domain::hearing::DimensionRating>,
    /// A dimension rated 不满意, or problems written down (需要整改).
    needs_rectification: bool,
    issues: String,
    comment: String,
    cancel_reason: String,
    handler_id: Option<i64>,
    handling_unit_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    created_by: i64,
    created_at: DateTime<Utc>,
    recorded_at: Option<DateTime<Utc>>,
    recorded_by: Option<i64>,
    version: i64,
    case_number: String,
    observer_name: String,
    handler_name: Option<String>,
    handling_unit_name: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ObservationAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ObservationActionDoc {
    Record,
    Cancel,
}

/// An observation with what its page shows (`legalaid_app::quality::hearings::ObservationView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ObservationView)]
#[allow(dead_code)]
pub struct ObservationViewDoc {
    observation: ObservationDoc,
    case_number: String,
    observer_name: String,
    handler_name: Option<String>,
    handling_unit_name: Option<String>,
    /// The page issuing a rectification order prefilled from it.
    rectification_href: Option<String>,
    actions: Vec<ObservationActionDoc>,
}

/// Recorded observations of one handler in a period.
#[derive(utoipa::ToSchema)]
#[schema(as = ObservedHandler)]
#[allow(dead_code)]
pub struct ObservedHandlerDoc {
    handling_unit_id: Option<i64>,
    handling_unit_name: Option<String>,
    handler_id: Option<i64>,
    handler_name: Option<String>,
    observed: i64,
    flagged: i64,
}

/// Opinion letters sent in a period, by outcome.
#[derive(utoipa::ToSchema)]
#[schema(as = OpinionCounts)]
#[allow(dead_code)]
pub struct OpinionCountsDoc {
    sent: i64,
    answered: i64,
    negative: i64,
    reminded: i64,
    open: i64,
}

/// The figures of a period (`legalaid_app::quality::hearings::Figures`).
#[derive(utoipa::ToSchema)]
#[schema(as = HearingFigures)]
#[allow(dead_code)]
pub struct HearingFiguresDoc {
    from: NaiveDate,
    to: NaiveDate,
    hearings: i64,
    observed: i64,
    /// observed ÷ hearings; null without hearings.
    ratio: Option<f64>,
    flagged: i64,
    by_handler: Vec<ObservedHandlerDoc>,
    opinions: OpinionCountsDoc,
}

/// An opinion letter (`legalaid_store::hearings::OpinionLetter`).
#[derive(utoipa::ToSchema)]
#[schema(as = OpinionLetter)]
#[allow(dead_code)]
pub struct OpinionLetterDoc {
    id: i64,
    case_id: i64,
    organ: legalaid_domain::opinion::OpinionOrgan,
    organ_name: String,
    sent_on: NaiveDate,
    reminder_after_days: i32,
    reminder_due: NaiveDate,
    status: legalaid_domain::opinion::OpinionStatus,
    reminded_at: Option<DateTime<Utc>>,
    reminded_by: Option<i64>,
    ratings: Vec<legalaid_domain::opinion::OpinionRating>,
    /// Some item rated 不满意.
    negative: bool,
    opinion: String,
    answered_on: Option<NaiveDate>,
    answered_by: Option<i64>,
    handler_id: Option<i64>,
    handling_unit_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    sent_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
}

/// A letter as its list shows it.
#[derive(utoipa::ToSchema)]
#[schema(as = OpinionLetterLine)]
#[allow(dead_code)]
pub struct OpinionLetterLineDoc {
    id: i64,
    case_id: i64,
    organ: legalaid_domain::opinion::OpinionOrgan,
    organ_name: String,
    sent_on: NaiveDate,
    reminder_after_days: i32,
    reminder_due: NaiveDate,
    status: legalaid_domain::opinion::OpinionStatus,
    reminded_at: Option<DateTime<Utc>>,
    reminded_by: Option<i64>,
    ratings: Vec<legalaid_domain::opinion::OpinionRating>,
    /// Some item rated 不满意.
    negative: bool,
    opinion: String,
    answered_on: Option<NaiveDate>,
    answered_by: Option<i64>,
    handler_id: Option<i64>,
    handling_unit_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    sent_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
    case_number: String,
    handler_name: Option<String>,
    handling_unit_name: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = OpinionAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OpinionActionDoc {
    Remind,
    Answer,
}

/// A letter with what its page shows (`legalaid_app::quality::opinions::OpinionView`).
#[derive(utoipa::ToSchema)]
#[schema(as = OpinionView)]
#[allow(dead_code)]
pub struct OpinionViewDoc {
    letter: OpinionLetterDoc,
    case_number: String,
    handler_name: Option<String>,
    handling_unit_name: Option<String>,
    /// Unanswered and past its reminder day.
    overdue: bool,
    rectification_href: Option<String>,
    actions: Vec<OpinionActionDoc>,
}
