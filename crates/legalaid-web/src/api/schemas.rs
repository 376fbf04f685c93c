//! The JSON the API answers with, described for the OpenAPI document where it is
//! made of types the document cannot name itself: the views of the app crate, the
//! records of the store, and the domain's application and message template, whose
//! own schemas would name their two different `Channel` enums alike (the app and
//! the store know nothing of OpenAPI, ARCHITECTURE.md). Each mirror repeats the fields
//! of what it describes, as serde writes them; `tests/openapi.rs` fetches real
//! answers and checks them against these schemas, so a field added to a view and
//! not here fails a test.

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::application::{
    IncomeSource, NotifyingOrgan, Objection, Outcome, ProceduralRole, ServiceForm, Status,
};
use legalaid_domain::assessment::{Assessment, Means};
use legalaid_domain::case::{
    Activity, Case, Grade, ReplacementRequester, ReplacementStatus, Stage, SubsidyStatus,
};
use legalaid_domain::notice::{Audience, Channel as NoticeChannel, MessageKind};
use legalaid_domain::person::Person;
use legalaid_domain::queue::Queue;
use legalaid_domain::subsidy::SubsidyComputation;
use legalaid_domain::{ApplicationId, CaseId, ObjectionId, PersonId};

// Applications.

/// An application as stored and shown (`legalaid_domain::application::Application`;
/// its own schema names the application's channel like a message's and leaves the
/// means untyped, so the API describes it here).
#[derive(utoipa::ToSchema)]
#[schema(as = Application)]
#[allow(dead_code)] // describes the JSON of `Application` for the OpenAPI document
pub struct ApplicationDoc {
    id: ApplicationId,
    /// e.g. 叶法援申〔2024〕15号
    number: String,
    applicant_id: PersonId,
    receiving_unit_id: i64,
    // How the application reached the system.
    #[schema(inline)]
    channel: legalaid_domain::application::Channel,
    notifying_organ: Option<NotifyingOrgan>,
    received_at: DateTime<Utc>,
    custody_received_at: Option<DateTime<Utc>>,
    /// A matter code of the scope rules.
    matter_code: String,
    service_form: ServiceForm,
    procedural_role: Option<ProceduralRole>,
    opposing_party: String,
    case_organ: String,
    case_number: String,
    summary: String,
    limitation_date: Option<NaiveDate>,
    preservation_urgent: bool,
    representative_name: String,
    representative_relation: String,
    means: Means,
    income_sources: Vec<IncomeSource>,
    assets: String,
    verification_method: String,
    verification_date: Option<NaiveDate>,
    verification_result: String,
    false_declaration: bool,
    status: Status,
    supplement_requested_on: Option<NaiveDate>,
    supplement_items: String,
    proposed_outcome: Option<Outcome>,
    proposal_reason: String,
    outcome: Option<Outcome>,
    decision_reason: String,
    against_assessment: bool,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<i64>,
    version: i64,
}

/// A deadline as shown: when, under which rule, and how it stands today
/// (`legalaid_app::applications::DeadlineView`).
#[derive(utoipa::ToSchema)]
#[schema(as = DeadlineView)]
#[allow(dead_code)] // describes the JSON of `DeadlineView` for the OpenAPI document
pub struct DeadlineViewDoc {
    code: String,
    label: String,
    due: NaiveDate,
    /// For hour periods: the exact moment, local time (China Standard Time) without
    /// an offset, e.g. `2024-09-27T10:00:00`.
    #[schema(value_type = Option<String>)]
    due_at: Option<String>,
    rule: String,
    /// The version of the rule the period runs under (its effective date).
    rule_from: NaiveDate,
    met: bool,
    /// Counted with weekends only: the period runs into a year whose holidays are
    /// not entered yet.
    provisional: bool,
    /// `overdue`, `due_today`, `due_soon`, `running`, `met` or `met_late` (done, but late).
    state: String,
    state_label: String,
}

/// What the caller may do to an application now
/// (`legalaid_app::applications::ApplicationAction`), by `action`.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationAction)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(dead_code)] // describes the JSON of `ApplicationAction` for the OpenAPI document
pub enum ApplicationActionDoc {
    RequestSupplement,
    SupplementReceived,
    Propose,
    Decide,
    GrantPreEmptively,
    Withdraw,
    Object,
    DecideObjection { objection_id: ObjectionId },
    Verify,
    OpenCase,
}

/// An application with everything a reviewer sees about it
/// (`legalaid_app::applications::ApplicationView`, as `api::applications` answers it):
/// the application's fields, its applicant (ID masked), assessment, deadlines,
/// objections and what the caller may do.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationView)]
#[allow(dead_code)] // describes the JSON of `ApplicationView` for the OpenAPI document
pub struct ApplicationViewDoc {
    #[serde(flatten)]
    application: ApplicationDoc,
    matter_label: String,
    /// The receiving unit's name.
    receiving_unit: String,
    applicant: Person,
    assessment: Assessment,
    deadlines: Vec<DeadlineViewDoc>,
    objections: Vec<Objection>,
    actions: Vec<ApplicationActionDoc>,
}

/// A row of the application list (`legalaid_app::applications::ListItem`, as
/// `api::applications::list` answers it): the application's fields, the applicant's
/// name and the most pressing deadline.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationListItem)]
#[allow(dead_code)] // describes the JSON of `ListItem` for the OpenAPI document
pub struct ApplicationListItemDoc {
    #[serde(flatten)]
    application: ApplicationDoc,
    applicant_name: String,
    next_deadline: Option<DeadlineViewDoc>,
}

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

// Work queues.

/// One item of a work queue: what to do, on which record, by when
/// (`legalaid_app::queues::QueueItem`).
#[derive(utoipa::ToSchema)]
#[schema(as = QueueItem)]
#[allow(dead_code)] // describes the JSON of `QueueItem` for the OpenAPI document
pub struct QueueItemDoc {
    queue: Queue,
    queue_label: String,
    /// The deadline rule's code or the step's.
    code: String,
    /// What must be done.
    task: String,
    application_id: Option<i64>,
    case_id: Option<i64>,
    number: String,
    status_label: String,
    unit_name: String,
    due: NaiveDate,
    /// For hour periods: the exact moment, local time without an offset.
    #[schema(value_type = Option<String>)]
    due_at: Option<String>,
    /// The period runs into a year whose holidays are not entered yet.
    provisional: bool,
    /// A statutory period; otherwise `due` is the day the step became due.
    statutory: bool,
    /// `overdue`, `due_today`, `due_soon`, `running` or `waiting`.
    state: String,
    state_label: String,
    /// The page where it is done.
    href: String,
}

/// A page of work-queue items with the counts the filters show
/// (`legalaid_app::queues::QueuePage`).
#[derive(utoipa::ToSchema)]
#[schema(as = QueuePage)]
#[allow(dead_code)] // describes the JSON of `QueuePage` for the OpenAPI document
pub struct QueuePageDoc {
    items: Vec<QueueItemDoc>,
    total: i64,
    /// All items, whatever the filter.
    all: i64,
    overdue: i64,
    /// Due soon, overdue included.
    soon: i64,
}

// Rules and settings.

/// The settings (`legalaid_app::settings::Settings`).
#[derive(utoipa::ToSchema)]
#[schema(as = Settings)]
#[allow(dead_code)] // describes the JSON of `Settings` for the OpenAPI document
pub struct SettingsDoc {
    /// e.g. 叶法援申〔{year}〕{seq}号
    application_number_format: String,
    /// `one` (the approver decides directly) or `two` (a reviewer proposes first).
    review_steps: String,
    /// From this day of each year (`MM-DD`) the administrators are told when the
    /// next year's holiday arrangement is not entered yet.
    calendar_warning_from: String,
}

// Notification.

/// A message template (`legalaid_domain::notice::Template`).
#[derive(utoipa::ToSchema)]
#[schema(as = MessageTemplate)]
#[allow(dead_code)] // describes the JSON of `Template` for the OpenAPI document
pub struct TemplateDoc {
    kind: MessageKind,
    audience: Audience,
    channel: NoticeChannel,
    /// The title in the inbox and the e-mail subject; empty for SMS.
    subject: String,
    body: String,
}

/// How a person is contacted about their case
/// (`legalaid_app::persons::ContactInput`, as saved).
#[derive(utoipa::ToSchema)]
#[schema(as = Contact)]
#[allow(dead_code)] // describes the JSON of `ContactInput` for the OpenAPI document
pub struct ContactDoc {
    email: String,
    /// The person asked not to receive text messages.
    sms_opt_out: bool,
    /// The usual phone is not safe: only `safe_channel` with `safe_contact` is used.
    unsafe_usual_phone: bool,
    /// Set with `unsafe_usual_phone`.
    safe_channel: Option<NoticeChannel>,
    /// The phone number or e-mail address on the safe channel.
    safe_contact: String,
}

// Case file review (案卷评查).

/// One stored version of a scoring scheme (`legalaid_store::quality::StoredScheme`).
#[derive(utoipa::ToSchema)]
#[schema(as = StoredScheme)]
#[allow(dead_code)]
pub struct StoredSchemeDoc {
    id: legalaid_domain::SchemeId,
    version: i64,
    /// The version in force of its code.
    current: bool,
    /// Withdrawn: not bound to new reviews.
    retired: bool,
    created_at: DateTime<Utc>,
    scheme: legalaid_domain::quality::scheme::Scheme,
}

/// A member of the expert pool (`legalaid_store::quality::Expert`).
#[derive(utoipa::ToSchema)]
#[schema(as = Expert)]
#[allow(dead_code)]
pub struct ExpertDoc {
    id: i64,
    region_code: String,
    name: String,
    kind: legalaid_domain::quality::review::ExpertKind,
    unit_id: Option<i64>,
    staff_id: Option<i64>,
    user_id: Option<i64>,
    work_unit: String,
    phone: String,
    licence_no: String,
    practice_start_year: Option<i64>,
    specialty: String,
    honours: String,
    sanctioned: bool,
    active: bool,
    version: i64,
}

/// A review round (`legalaid_store::quality::Round`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReviewRound)]
#[allow(dead_code)]
pub struct RoundDoc {
    id: i64,
    name: String,
    unit_id: i64,
    region_code: String,
    closed_from: NaiveDate,
    closed_to: NaiveDate,
    method: legalaid_domain::quality::scheme::ScoringMethod,
    sample_method: legalaid_domain::quality::sampling::SampleMethod,
    percent: i64,
    per_unit: i64,
    /// Case type codes, comma-separated; empty for all.
    case_types: String,
    include_last_unqualified: bool,
    reviewers_per_case: i64,
    min_practice_years: i64,
    /// The draw's seed: the same seed over the same files gives the same sample.
    seed: String,
    due_on: NaiveDate,
    status: legalaid_domain::quality::review::RoundStatus,
    drawn_at: Option<DateTime<Utc>>,
    /// What the draw found (JSON text; `summary` of the round view parses it).
    draw_summary: String,
    closed_at: Option<DateTime<Utc>>,
    created_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
}

#[derive(utoipa::ToSchema)]
#[schema(as = DrawSummary)]
#[allow(dead_code)]
pub struct DrawSummaryDoc {
    /// Files archived in the period in the region.
    frame: u32,
    drawn: u32,
    units: Vec<legalaid_domain::quality::sampling::UnitDraw>,
    /// Files no scheme of the round's method scores, left out.
    uncovered: Vec<UncoveredDoc>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = Uncovered)]
#[allow(dead_code)]
pub struct UncoveredDoc {
    case_type: legalaid_domain::case::CaseType,
    files: u32,
}

#[derive(utoipa::ToSchema)]
#[schema(as = UnitDrawLine)]
#[allow(dead_code)]
pub struct UnitDrawLineDoc {
    unit_id: i64,
    unit_name: String,
    frame: u32,
    drawn: u32,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ReviewStatusCount)]
#[allow(dead_code)]
pub struct StatusCountDoc {
    status: legalaid_domain::quality::review::ReviewStatus,
    files: i64,
}

/// A round's results grouped one way.
#[derive(utoipa::ToSchema)]
#[schema(as = ResultGroup)]
#[allow(dead_code)]
pub struct ResultGroupDoc {
    key: String,
    label: String,
    files: i64,
    graded: i64,
    excellent: i64,
    good: i64,
    qualified: i64,
    unqualified: i64,
    average: Option<f64>,
    /// 优良率 in percent.
    good_rate: Option<f64>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = RoundResults)]
#[allow(dead_code)]
pub struct ResultsDoc {
    total: ResultGroupDoc,
    by_unit: Vec<ResultGroupDoc>,
    by_handler: Vec<ResultGroupDoc>,
    by_case_type: Vec<ResultGroupDoc>,
}

/// A round with its rule, its draw and its results (`legalaid_app::quality::rounds::RoundView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReviewRoundView)]
#[allow(dead_code)]
pub struct RoundViewDoc {
    round: RoundDoc,
    unit_name: String,
    /// The rule in words.
    rule: String,
    summary: Option<DrawSummaryDoc>,
    draw_units: Vec<UnitDrawLineDoc>,
    by_status: Vec<StatusCountDoc>,
    results: ResultsDoc,
    can_draw: bool,
    can_close: bool,
}

/// The review of one file (`legalaid_store::quality::Review`).
#[derive(utoipa::ToSchema)]
#[schema(as = Review)]
#[allow(dead_code)]
pub struct ReviewDoc {
    id: i64,
    round_id: i64,
    case_id: i64,
    scheme_id: i64,
    reason: legalaid_domain::quality::sampling::DrawReason,
    unit_id: i64,
    handler_id: Option<i64>,
    case_type: legalaid_domain::case::CaseType,
    status: legalaid_domain::quality::review::ReviewStatus,
    archive_complete: Option<bool>,
    archive_missing: String,
    archive_note: String,
    archive_by: Option<i64>,
    archive_at: Option<DateTime<Utc>>,
    final_total: Option<i64>,
    final_grade: Option<Grade>,
    final_by: Option<i64>,
    final_at: Option<DateTime<Utc>>,
    version: i64,
}

/// A file of a round as its list shows it.
#[derive(utoipa::ToSchema)]
#[schema(as = ReviewLine)]
#[allow(dead_code)]
pub struct ReviewLineDoc {
    id: i64,
    round_id: i64,
    case_id: i64,
    scheme_id: i64,
    reason: legalaid_domain::quality::sampling::DrawReason,
    unit_id: i64,
    handler_id: Option<i64>,
    case_type: legalaid_domain::case::CaseType,
    status: legalaid_domain::quality::review::ReviewStatus,
    archive_complete: Option<bool>,
    archive_missing: String,
    archive_note: String,
    archive_by: Option<i64>,
    archive_at: Option<DateTime<Utc>>,
    final_total: Option<i64>,
    final_grade: Option<Grade>,
    final_by: Option<i64>,
    final_at: Option<DateTime<Utc>>,
    version: i64,
    case_number: String,
    unit_name: String,
    handler_name: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ReviewFile)]
#[allow(dead_code)]
pub struct FileSummaryDoc {
    case_id: i64,
    number: String,
    case_type: String,
    stage: String,
    matter: String,
    handling_unit: String,
    handler: String,
    assigned_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    outcome: String,
    closure_report: String,
    grade: Grade,
    subsidy_status: String,
}

#[derive(utoipa::ToSchema)]
#[schema(as = AssignedExpert)]
#[allow(dead_code)]
pub struct AssignedExpertDoc {
    expert_id: i64,
    name: String,
    kind: String,
    submitted: bool,
    has_account: bool,
}

/// A scored sheet (`legalaid_store::quality::Sheet`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReviewSheet)]
#[allow(dead_code)]
pub struct SheetDoc {
    id: i64,
    review_id: i64,
    tier: legalaid_domain::quality::review::Tier,
    expert_id: Option<i64>,
    user_id: i64,
    reviewer_name: String,
    scores: Vec<legalaid_domain::quality::scheme::ItemScore>,
    total: i64,
    grade: Grade,
    findings: String,
    submitted_at: DateTime<Utc>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ReviewAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ReviewActionDoc {
    ArchiveCheck,
    Score,
    Recheck,
    Regrade,
    OrderRectification,
}

/// A review with what its page shows (`legalaid_app::quality::reviews::ReviewView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReviewView)]
#[allow(dead_code)]
pub struct ReviewViewDoc {
    review: ReviewDoc,
    round: RoundDoc,
    file: FileSummaryDoc,
    scheme: StoredSchemeDoc,
    experts: Vec<AssignedExpertDoc>,
    sheets: Vec<SheetDoc>,
    combined: Option<u32>,
    prefill: Vec<legalaid_domain::quality::scheme::ItemScore>,
    may_score_for: Vec<i64>,
    subsidy_note: Option<String>,
    rectifications: Vec<RectificationDoc>,
    actions: Vec<ReviewActionDoc>,
}

/// A rectification order (`legalaid_store::rectifications::Rectification`).
#[derive(utoipa::ToSchema)]
#[schema(as = Rectification)]
#[allow(dead_code)]
pub struct RectificationDoc {
    id: i64,
    source: legalaid_domain::rectification::RectificationSource,
    /// The record the finding was made on (`review:12`…), or empty.
    source_key: String,
    review_id: Option<i64>,
    case_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    target_unit_id: i64,
    target_staff_id: Option<i64>,
    category: legalaid_domain::rectification::ProblemCategory,
    problem: String,
    requirement: String,
    issued_on: NaiveDate,
    deadline: NaiveDate,
    status: legalaid_domain::rectification::RectificationStatus,
    answer: String,
    answered_at: Option<DateTime<Utc>>,
    answered_by: Option<i64>,
    check_note: String,
    checked_at: Option<DateTime<Utc>>,
    checked_by: Option<i64>,
    escalation_note: String,
    escalated_at: Option<DateTime<Utc>>,
    issued_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
}

/// An order as its list shows it.
#[derive(utoipa::ToSchema)]
#[schema(as = RectificationLine)]
#[allow(dead_code)]
pub struct RectificationLineDoc {
    id: i64,
    source: legalaid_domain::rectification::RectificationSource,
    source_key: String,
    review_id: Option<i64>,
    case_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    target_unit_id: i64,
    target_staff_id: Option<i64>,
    category: legalaid_domain::rectification::ProblemCategory,
    problem: String,
    requirement: String,
    issued_on: NaiveDate,
    deadline: NaiveDate,
    status: legalaid_domain::rectification::RectificationStatus,
    answer: String,
    answered_at: Option<DateTime<Utc>>,
    answered_by: Option<i64>,
    check_note: String,
    checked_at: Option<DateTime<Utc>>,
    checked_by: Option<i64>,
    escalation_note: String,
    escalated_at: Option<DateTime<Utc>>,
    issued_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
    target_unit_name: String,
    target_staff_name: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = RectificationAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RectificationActionDoc {
    Answer,
    Verify,
    Escalate,
}

/// An order with what its page shows (`legalaid_app::quality::rectifications::RectificationView`).
#[derive(utoipa::ToSchema)]
#[schema(as = RectificationView)]
#[allow(dead_code)]
pub struct RectificationViewDoc {
    order: RectificationDoc,
    issuing_unit: String,
    target_unit: String,
    target_staff: Option<String>,
    case_number: Option<String>,
    overdue: bool,
    actions: Vec<RectificationActionDoc>,
}

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

// ------------------------------------------------------------------------
// Excellent-case selection (优秀案例评选): `api/excellent.rs`. Each mirror names
// the type of the app or the store whose JSON it describes.

/// A selection (`legalaid_store::excellent::Selection`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentSelection)]
#[allow(dead_code)]
pub struct ExcellentSelectionDoc {
    id: i64,
    title: String,
    year: i64,
    /// Cases archived from this day…
    closed_from: NaiveDate,
    /// …to this day (included) may be nominated.
    closed_to: NaiveDate,
    nomination_deadline: NaiveDate,
    /// How many ranks are honoured.
    places: i64,
    judges_per_case: i64,
    criteria: Vec<legalaid_domain::excellent::Criterion>,
    notes: String,
    status: legalaid_domain::excellent::SelectionStatus,
    /// The organising bureau or center.
    unit_id: i64,
    region_code: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    judging_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    published_by: Option<i64>,
    version: i64,
}

/// A selection as its list shows it (`legalaid_store::excellent::SelectionLine`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentSelectionLine)]
#[allow(dead_code)]
pub struct SelectionLineDoc {
    id: i64,
    title: String,
    year: i64,
    closed_from: NaiveDate,
    closed_to: NaiveDate,
    nomination_deadline: NaiveDate,
    places: i64,
    judges_per_case: i64,
    criteria: Vec<legalaid_domain::excellent::Criterion>,
    notes: String,
    status: legalaid_domain::excellent::SelectionStatus,
    unit_id: i64,
    region_code: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    judging_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    published_by: Option<i64>,
    version: i64,
    unit_name: String,
    /// Nominations not withdrawn.
    nominations: i64,
}

/// A judge of the panel (`legalaid_app::quality::excellent::Judge`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentJudge)]
#[allow(dead_code)]
pub struct ExcellentJudgeDoc {
    /// The expert pool's id.
    expert_id: i64,
    name: String,
    work_unit: String,
    has_account: bool,
}

/// A place in the ranking (`legalaid_app::quality::excellent::RankedLine`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentRankedLine)]
#[allow(dead_code)]
pub struct RankedLineDoc {
    nomination_id: i64,
    case_id: i64,
    case_number: String,
    handling_unit_name: Option<String>,
    handler_name: Option<String>,
    /// The average of the judges' totals, to two places.
    average: f64,
    /// Sheets in.
    judges: i64,
    /// Ties share a rank; null without enough sheets.
    rank: Option<i64>,
    honoured: bool,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentSelectionAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SelectionActionDoc {
    Nominate,
    StartJudging,
    Publish,
}

/// A selection with what its page shows (`legalaid_app::quality::excellent::SelectionView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentSelectionView)]
#[allow(dead_code)]
pub struct SelectionViewDoc {
    selection: ExcellentSelectionDoc,
    unit_name: String,
    panel_size: i64,
    /// The panel, for the organisers' side only.
    judges: Vec<ExcellentJudgeDoc>,
    nominations: i64,
    /// While judging, for the organisers' side: sheets not in yet.
    missing_sheets: Option<i64>,
    ranking: Vec<RankedLineDoc>,
    actions: Vec<SelectionActionDoc>,
}

/// A nomination (`legalaid_store::excellent::Nomination`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentNomination)]
#[allow(dead_code)]
pub struct ExcellentNominationDoc {
    id: i64,
    selection_id: i64,
    case_id: i64,
    nominating_unit_id: i64,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    /// 推荐理由
    recommendation: String,
    status: legalaid_domain::excellent::NominationStatus,
    withdraw_reason: String,
    /// Fixed at publication: the average of the judges' totals × 100.
    average_hundredths: Option<i64>,
    /// Fixed at publication.
    final_rank: Option<i64>,
    honoured: bool,
    nominated_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
}

/// A nomination as its list shows it (`legalaid_store::excellent::NominationLine`);
/// the names are empty for a judge.
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentNominationLine)]
#[allow(dead_code)]
pub struct NominationLineDoc {
    id: i64,
    selection_id: i64,
    case_id: i64,
    nominating_unit_id: i64,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    recommendation: String,
    status: legalaid_domain::excellent::NominationStatus,
    withdraw_reason: String,
    average_hundredths: Option<i64>,
    final_rank: Option<i64>,
    honoured: bool,
    nominated_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    case_number: String,
    nominating_unit_name: String,
    handling_unit_name: Option<String>,
    handler_name: Option<String>,
    /// Judges assigned.
    judges: i64,
    /// Sheets submitted.
    scored: i64,
}

/// A judge assigned to a nomination (`legalaid_app::quality::excellent::nominations::AssignedJudge`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentAssignedJudge)]
#[allow(dead_code)]
pub struct AssignedJudgeDoc {
    expert_id: i64,
    name: String,
    has_account: bool,
    scored: bool,
}

/// A judge's sheet (`legalaid_store::excellent::Score`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentScore)]
#[allow(dead_code)]
pub struct ExcellentScoreDoc {
    id: i64,
    nomination_id: i64,
    expert_id: i64,
    judge_name: String,
    scores: Vec<legalaid_domain::excellent::CriterionScore>,
    total: i64,
    comment: String,
    /// The judge's account, or the organiser who entered a paper sheet.
    entered_by: Option<i64>,
    submitted_at: DateTime<Utc>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentNominationAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum NominationActionDoc {
    Withdraw,
    Score,
}

/// A nomination with what its page shows
/// (`legalaid_app::quality::excellent::nominations::NominationView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentNominationView)]
#[allow(dead_code)]
pub struct NominationViewDoc {
    nomination: ExcellentNominationDoc,
    selection_title: String,
    selection_status: legalaid_domain::excellent::SelectionStatus,
    criteria: Vec<legalaid_domain::excellent::Criterion>,
    case_number: String,
    case_type: legalaid_domain::case::CaseType,
    stage: Stage,
    outcome: Option<legalaid_domain::case::CaseOutcome>,
    closure_report: String,
    closed_on: Option<NaiveDate>,
    /// Null for a judge (blind review).
    nominating_unit_name: Option<String>,
    handling_unit_name: Option<String>,
    handler_name: Option<String>,
    blind: bool,
    judges: Vec<AssignedJudgeDoc>,
    scores: Vec<ExcellentScoreDoc>,
    /// The caller's pool entry when they are an assigned judge yet to score.
    my_judge_id: Option<i64>,
    average: Option<f64>,
    /// e.g. 2026年度优秀法律援助案例 第3名, once published.
    honour: Option<String>,
    actions: Vec<NominationActionDoc>,
}

/// An archived case the caller may nominate (`legalaid_store::excellent::Candidate`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentCandidate)]
#[allow(dead_code)]
pub struct CandidateDoc {
    case_id: i64,
    case_number: String,
    handler_name: Option<String>,
}

/// A nomination waiting for a judge's sheet (`legalaid_store::excellent::Pending`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentPendingSheet)]
#[allow(dead_code)]
pub struct PendingSheetDoc {
    nomination_id: i64,
    selection_id: i64,
    selection_title: String,
    case_number: String,
    expert_id: i64,
}

/// A case's honour (`legalaid_app::quality::excellent::HonourView`).
#[derive(utoipa::ToSchema)]
#[schema(as = ExcellentHonour)]
#[allow(dead_code)]
pub struct HonourViewDoc {
    selection_id: i64,
    title: String,
    year: i64,
    rank: i64,
    /// e.g. 2026年度优秀法律援助案例 第3名
    label: String,
    /// The published list's page.
    href: String,
}
