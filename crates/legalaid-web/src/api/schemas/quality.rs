//! The API's mirrors: Case file review (案卷评查), rectification and ratings.

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::Grade;

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
