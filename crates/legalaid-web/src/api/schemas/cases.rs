//! The API's mirrors: Cases, funding and the subsidy schedule.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::application::Objection;
use legalaid_domain::case::{
    Activity, Case, Grade, ReplacementRequester, ReplacementStatus, Stage, SubsidyStatus,
};
use legalaid_domain::person::Person;
use legalaid_domain::subsidy::SubsidyComputation;
use legalaid_domain::{CaseId, ObjectionId};

// Cases.

/// A record of quality management or a complaint about a case, as its page lists
/// it (`legalaid_app::quality::of_case::CaseRecord`).
#[derive(utoipa::ToSchema)]
#[schema(as = CaseRecord)]
#[allow(dead_code)]
pub struct CaseRecordDoc {
    /// What it is.
    #[schema(pattern = "^(review|rectification|visit|observation|opinion|complaint)$")]
    kind: String,
    /// 案卷评查, 整改通知, 回访, 庭审旁听, 征询意见函 or 投诉.
    kind_label: String,
    /// When it happened (drawn, issued, visited, heard, sent, received).
    date: NaiveDate,
    summary: String,
    /// Its status, in words.
    status: String,
    /// Its own page.
    href: String,
}

/// One assignment of a case, kept when the handler changes
/// (`legalaid_store::cases::Assignment`).
#[derive(utoipa::ToSchema)]
#[schema(as = Assignment)]
#[allow(dead_code)] // describes the JSON of `Assignment` for the OpenAPI document
pub struct AssignmentDoc {
    id: i64,
    case_id: i64,
    unit_id: i64,
    unit_name: String,
    handler_id: Option<i64>,
    handler_name: Option<String>,
    assigned_at: DateTime<Utc>,
    assigned_by: Option<i64>,
    conflict_note: String,
    ended_at: Option<DateTime<Utc>>,
    end_reason: String,
}

/// A dated progress entry (`legalaid_store::cases::Progress`).
#[derive(utoipa::ToSchema)]
#[schema(as = Progress)]
#[allow(dead_code)] // describes the JSON of `Progress` for the OpenAPI document
pub struct ProgressDoc {
    id: i64,
    case_id: i64,
    activity: Activity,
    occurred_on: NaiveDate,
    note: String,
    recorded_by: Option<i64>,
    recorded_by_name: Option<String>,
    created_at: DateTime<Utc>,
}

/// One item of the stage checklist (`legalaid_app::cases::ChecklistItem`).
#[derive(utoipa::ToSchema)]
#[schema(as = ChecklistItem)]
#[allow(dead_code)] // describes the JSON of `ChecklistItem` for the OpenAPI document
pub struct ChecklistItemDoc {
    activity: Activity,
    label: String,
    /// The first day it was done, if it was.
    done_on: Option<NaiveDate>,
}

/// A hearing on the calendar (`legalaid_store::cases::Hearing`).
#[derive(utoipa::ToSchema)]
#[schema(as = Hearing)]
#[allow(dead_code)] // describes the JSON of `Hearing` for the OpenAPI document
pub struct HearingDoc {
    id: i64,
    case_id: i64,
    case_number: String,
    starts_at: DateTime<Utc>,
    place: String,
    note: String,
    reminded: bool,
}

/// A request to replace the handler (`legalaid_store::cases::Replacement`).
#[derive(utoipa::ToSchema)]
#[schema(as = Replacement)]
#[allow(dead_code)] // describes the JSON of `Replacement` for the OpenAPI document
pub struct ReplacementDoc {
    id: i64,
    case_id: i64,
    requested_by: ReplacementRequester,
    reason: String,
    status: ReplacementStatus,
    decision_reason: String,
    decided_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

/// The subsidy of a case as computed from the schedule in force
/// (`legalaid_app::cases::SubsidyView`).
#[derive(utoipa::ToSchema)]
#[schema(as = SubsidyView)]
#[allow(dead_code)] // describes the JSON of `SubsidyView` for the OpenAPI document
pub struct SubsidyViewDoc {
    status: SubsidyStatus,
    status_label: String,
    grade: Grade,
    /// The amount fixed at closure approval (or the current computation before it).
    amount_fen: Option<i64>,
    computation: Option<SubsidyComputation>,
    /// Why it cannot be computed yet (no closure, or a gap in the schedule).
    note: String,
    paid_on: Option<NaiveDate>,
    voucher: String,
}

/// What the caller may do to a case now (`legalaid_app::cases::CaseAction`), by
/// `action`.
#[derive(utoipa::ToSchema)]
#[schema(as = CaseAction)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(dead_code)] // describes the JSON of `CaseAction` for the OpenAPI document
pub enum CaseActionDoc {
    Assign,
    SignAgreement,
    AddProgress,
    RequestReplacement,
    DecideReplacement { replacement_id: i64 },
    SubmitClosure,
    ReviewClosure,
    Terminate,
    Object,
    DecideObjection { objection_id: ObjectionId },
    Grade,
    PaySubsidy,
    OpenNextStage,
    AddMaterial,
}

/// Another stage of the same criminal matter.
#[derive(utoipa::ToSchema)]
#[schema(as = CaseStage)]
#[allow(dead_code)] // describes the JSON of the case view's `stages` for the OpenAPI document
pub struct CaseStageDoc {
    id: CaseId,
    number: String,
    stage: Stage,
}

/// A case with everything shown about it (`legalaid_app::cases::CaseView`, as
/// `api::cases` answers it): the case's fields, its recipient, units and handler,
/// assignments, progress, checklist, hearings, replacements, objections, deadlines,
/// subsidy, the other stages of the matter and what the caller may do.
#[derive(utoipa::ToSchema)]
#[schema(as = CaseView)]
#[allow(dead_code)] // describes the JSON of `CaseView` for the OpenAPI document
pub struct CaseViewDoc {
    #[serde(flatten)]
    case: Case,
    recipient: Person,
    application_number: String,
    matter_label: String,
    /// The intake unit's name.
    intake_unit: String,
    /// The handling unit's name.
    handling_unit: Option<String>,
    handler_name: Option<String>,
    assignments: Vec<AssignmentDoc>,
    progress: Vec<ProgressDoc>,
    checklist: Vec<ChecklistItemDoc>,
    hearings: Vec<HearingDoc>,
    replacements: Vec<ReplacementDoc>,
    objections: Vec<Objection>,
    deadlines: Vec<DeadlineViewDoc>,
    subsidy: SubsidyViewDoc,
    actions: Vec<CaseActionDoc>,
    /// The other stages of the same criminal matter.
    stages: Vec<CaseStageDoc>,
}

/// A row of the case list (`legalaid_app::cases::ListItem`, as `api::cases::list`
/// answers it): the case's fields with the recipient's, handler's and handling
/// unit's names.
#[derive(utoipa::ToSchema)]
#[schema(as = CaseListItem)]
#[allow(dead_code)] // describes the JSON of `ListItem` for the OpenAPI document
pub struct CaseListItemDoc {
    #[serde(flatten)]
    case: Case,
    recipient_name: String,
    handler_name: Option<String>,
    handling_unit: Option<String>,
}

/// What recording progress changed (`legalaid_app::cases::ProgressRecorded`): the
/// entry, the hearing it scheduled and the case.
#[derive(utoipa::ToSchema)]
#[schema(as = ProgressRecorded)]
#[allow(dead_code)] // describes the JSON of `ProgressRecorded` for the OpenAPI document
pub struct ProgressRecordedDoc {
    progress: ProgressDoc,
    hearing_id: Option<i64>,
    case: Case,
}

// Funding and the subsidy schedule.

/// Subsidy totals of one group (`legalaid_store::subsidies::SubsidyTotal`).
#[derive(utoipa::ToSchema)]
#[schema(as = SubsidyTotal)]
#[allow(dead_code)] // describes the JSON of `SubsidyTotal` for the OpenAPI document
pub struct SubsidyTotalDoc {
    /// The handler's or handling unit's id, or the month of payment (`YYYY-MM`;
    /// empty for what is not paid yet).
    key: String,
    label: String,
    cases: i64,
    payable_fen: i64,
    paid_fen: i64,
}
