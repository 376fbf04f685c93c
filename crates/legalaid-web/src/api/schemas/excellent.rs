//! The API's mirrors: Excellent-case selection (优秀案例评选).

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::Stage;

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
