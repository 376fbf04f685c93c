//! The API's mirrors: Complaints (投诉).

use super::*;
use chrono::{DateTime, NaiveDate, Utc};

// Complaints.

/// A complaint as stored and shown (`legalaid_store::complaints::Complaint`); the
/// complainant's phone and address are given in clear on the complaint's own
/// view and left empty in lists.
#[derive(utoipa::ToSchema)]
#[schema(as = Complaint)]
#[allow(dead_code)] // describes the JSON of `Complaint` for the OpenAPI document
pub struct ComplaintDoc {
    id: legalaid_domain::ComplaintId,
    /// e.g. 叶司投〔2026〕3号
    number: String,
    channel: legalaid_domain::complaint::ComplaintChannel,
    received_at: DateTime<Utc>,
    anonymous: bool,
    complainant_name: String,
    complainant_phone: String,
    complainant_address: String,
    relation: Option<legalaid_domain::complaint::ComplainantRelation>,
    respondent_unit_id: Option<i64>,
    respondent_staff_id: Option<i64>,
    case_id: Option<i64>,
    category: legalaid_domain::complaint::ComplaintCategory,
    facts: String,
    request: String,
    receiving_unit_id: i64,
    region_code: String,
    status: legalaid_domain::complaint::ComplaintStatus,
    accepted_at: Option<DateTime<Utc>>,
    refused_at: Option<DateTime<Utc>>,
    refusal_reason: String,
    extended_at: Option<DateTime<Utc>>,
    extension_days: Option<i64>,
    extension_reason: String,
    concluded_at: Option<DateTime<Utc>>,
    outcome: Option<legalaid_domain::complaint::ComplaintOutcome>,
    conclusion: String,
    follow_up: Vec<legalaid_domain::complaint::FollowUpAction>,
    /// The replacement request the decision made on the case.
    replacement_id: Option<i64>,
    replied_at: Option<DateTime<Utc>>,
    reply_text: String,
    reply_channel: Option<legalaid_domain::complaint::ReplyChannel>,
    remedy: Option<legalaid_domain::complaint::ComplainantRemedy>,
    remedy_note: String,
    remedy_at: Option<DateTime<Utc>>,
    version: i64,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
}

/// What the caller may do to a complaint now
/// (`legalaid_app::complaints::ComplaintAction`), by `action`.
#[derive(utoipa::ToSchema)]
#[schema(as = ComplaintAction)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(dead_code)] // describes the JSON of `ComplaintAction` for the OpenAPI document
pub enum ComplaintActionDoc {
    Accept,
    Refuse,
    Extend,
    Conclude,
    Reply,
    RecordRemedy,
}

/// Where the follow-up "replace the handler" stands
/// (`legalaid_app::complaints::ReplacementLink`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReplacementLink)]
#[allow(dead_code)] // describes the JSON of `ReplacementLink` for the OpenAPI document
pub struct ReplacementLinkDoc {
    replacement_id: Option<i64>,
    case_id: Option<i64>,
    /// The page where the center decides the request or replaces the handler.
    href: Option<String>,
    note: String,
}

/// A complaint with everything its page shows
/// (`legalaid_app::complaints::ComplaintView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ComplaintView)]
#[allow(dead_code)] // describes the JSON of `ComplaintView` for the OpenAPI document
pub struct ComplaintViewDoc {
    complaint: ComplaintDoc,
    respondent_unit: Option<String>,
    respondent_staff: Option<String>,
    case_number: Option<String>,
    receiving_unit: String,
    /// The justice bureau that handles it.
    bureau: String,
    upheld: Option<bool>,
    deadlines: Vec<DeadlineViewDoc>,
    default_extension_days: Option<u32>,
    replacement: Option<ReplacementLinkDoc>,
    actions: Vec<ComplaintActionDoc>,
}

/// A row of the complaint list (`legalaid_store::complaints::ListRow`).
#[derive(utoipa::ToSchema)]
#[schema(as = ComplaintListItem)]
#[allow(dead_code)] // describes the JSON of `ListRow` for the OpenAPI document
pub struct ComplaintListItemDoc {
    complaint: ComplaintDoc,
    respondent_unit: Option<String>,
    respondent_staff: Option<String>,
}

/// One line of the complaint figures (`legalaid_store::complaints::FigureRow`).
#[derive(utoipa::ToSchema)]
#[schema(as = ComplaintFigureRow)]
#[allow(dead_code)] // describes the JSON of `FigureRow` for the OpenAPI document
pub struct ComplaintFigureRowDoc {
    /// A unit or staff id, or a code.
    key: String,
    name: String,
    total: i64,
    /// Decided as substantiated (sanctioned or corrected).
    upheld: i64,
}

/// The complaint figures of a period (`legalaid_app::complaints::FiguresView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ComplaintFigures)]
#[allow(dead_code)] // describes the JSON of `FiguresView` for the OpenAPI document
pub struct ComplaintFiguresDoc {
    from: NaiveDate,
    to: NaiveDate,
    total: i64,
    upheld: i64,
    by_unit: Vec<ComplaintFigureRowDoc>,
    by_staff: Vec<ComplaintFigureRowDoc>,
    by_category: Vec<ComplaintFigureRowDoc>,
    by_outcome: Vec<ComplaintFigureRowDoc>,
    by_remedy: Vec<ComplaintFigureRowDoc>,
}

/// A handler's rating (`legalaid_app::ratings::RatingView`).
#[derive(utoipa::ToSchema)]
#[schema(as = RatingView)]
#[allow(dead_code)]
pub struct RatingViewDoc {
    staff_id: i64,
    rating: legalaid_domain::rating::Rating,
    rule: legalaid_domain::rating::RatingRule,
    /// What the rating does in the assignment ranking, in words.
    ranking: String,
}
