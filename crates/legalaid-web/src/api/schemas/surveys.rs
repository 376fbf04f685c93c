//! The API's mirrors: surveys (社情民意调查) and training (培训).

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::survey::{AnswerChannel, Instrument, QuestionCount, Target};
use legalaid_domain::training::{AttendanceStatus, TrainingKind};

/// An instrument version with its questions (`legalaid_app::surveys::InstrumentView`).
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyInstrumentVersion)]
#[allow(dead_code)]
pub struct InstrumentViewDoc {
    id: i64,
    code: String,
    version: i64,
    title: String,
    /// Shipped as an example (示例): to be checked before use.
    example: bool,
    source: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    instrument: Instrument,
}

/// A campaign as stored (`legalaid_store::surveys::Campaign`).
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyCampaign)]
#[allow(dead_code)]
pub struct CampaignDoc {
    id: i64,
    title: String,
    instrument_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    /// The organising unit (bureau or center) and its region.
    unit_id: i64,
    region_code: String,
    targets: Vec<Target>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
}

/// A township of a campaign's region.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyTownship)]
#[allow(dead_code)]
pub struct TownshipDoc {
    code: String,
    name: String,
}

/// A campaign with what its page shows.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyCampaignView)]
#[allow(dead_code)]
pub struct CampaignViewDoc {
    campaign: CampaignDoc,
    unit_name: String,
    instrument_title: String,
    instrument_version: i64,
    /// Takes answers today.
    open: bool,
    /// 未开始, 进行中 or 已结束.
    status: String,
    townships: Vec<TownshipDoc>,
    /// `issue_codes`, `enter_answer`: the steps open to the caller.
    actions: Vec<String>,
}

/// A campaign in a list.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyCampaignLine)]
#[allow(dead_code)]
pub struct CampaignLineDoc {
    id: i64,
    title: String,
    instrument_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    unit_id: i64,
    region_code: String,
    targets: Vec<Target>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    unit_name: String,
    instrument_title: String,
    instrument_version: i64,
    answers: i64,
}

/// Codes just issued (shown once here; listed again under `/codes`).
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyCodesIssued)]
#[allow(dead_code)]
pub struct IssuedDoc {
    batch: i64,
    unit_id: i64,
    /// 32 hex digits each; the public link is `/public/surveys/{code}`.
    codes: Vec<String>,
}

/// A code in the printable list.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyCodeLine)]
#[allow(dead_code)]
pub struct CodeLineDoc {
    id: i64,
    code: String,
    unit_id: i64,
    unit_name: String,
    batch: i64,
    issued_at: DateTime<Utc>,
    used: bool,
}

/// An answer taken.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyAnswerAccepted)]
#[allow(dead_code)]
pub struct AcceptedDoc {
    id: i64,
    campaign_id: i64,
    channel: AnswerChannel,
    township_code: String,
}

/// One row of the results (a township, a unit, a channel or the total).
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyResultRow)]
#[allow(dead_code)]
pub struct ResultRowDoc {
    key: String,
    name: String,
    target: u32,
    /// answers ÷ target.
    progress: Option<f64>,
    /// The sample size.
    answers: u32,
    awareness_base: u32,
    aware: u32,
    ratings: u32,
    satisfied: u32,
    /// 知晓率 (aware ÷ awareness_base).
    awareness: Option<f64>,
    /// 满意度 (satisfied ÷ ratings).
    satisfaction: Option<f64>,
    codes_issued: i64,
    codes_answered: i64,
}

/// A campaign's results with the definitions of its rates.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyResults)]
#[allow(dead_code)]
pub struct ResultsViewDoc {
    campaign: CampaignViewDoc,
    awareness_definition: String,
    satisfaction_definition: String,
    overall: ResultRowDoc,
    target: u32,
    by_township: Vec<ResultRowDoc>,
    by_unit: Vec<ResultRowDoc>,
    by_channel: Vec<ResultRowDoc>,
    questions: Vec<QuestionCount>,
}

/// What the public answer page shows for a code.
#[derive(utoipa::ToSchema)]
#[schema(as = SurveyQuestionnaire)]
#[allow(dead_code)]
pub struct QuestionnaireDoc {
    campaign_title: String,
    unit_name: String,
    unit_phone: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    instrument: Instrument,
    townships: Vec<TownshipDoc>,
    answered: bool,
    closed: Option<String>,
}

/// A training session as stored (`legalaid_store::training::Session`).
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingSession)]
#[allow(dead_code)]
pub struct SessionDoc {
    id: i64,
    topic: String,
    kind: TrainingKind,
    held_on: NaiveDate,
    /// Hours in tenths (3.5 学时 = 35).
    hours_tenths: i64,
    trainers: String,
    place: String,
    materials: String,
    unit_id: i64,
    region_code: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
}

/// An attendee of a session.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingAttendee)]
#[allow(dead_code)]
pub struct AttendeeDoc {
    staff_id: i64,
    name: String,
    unit_id: i64,
    unit_name: String,
    status: AttendanceStatus,
    hours_tenths: i64,
}

/// A session with its attendees and the steps open to the caller.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingSessionView)]
#[allow(dead_code)]
pub struct SessionViewDoc {
    session: SessionDoc,
    /// `3.5`.
    hours: String,
    unit_name: String,
    attendees: Vec<AttendeeDoc>,
    /// `enrol`, `confirm`.
    actions: Vec<String>,
}

/// A session in a list.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingSessionLine)]
#[allow(dead_code)]
pub struct SessionLineDoc {
    id: i64,
    topic: String,
    kind: TrainingKind,
    held_on: NaiveDate,
    hours_tenths: i64,
    trainers: String,
    place: String,
    materials: String,
    unit_id: i64,
    region_code: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    unit_name: String,
    enrolled: i64,
    attended: i64,
}

/// Hours attended by one person in a year.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingPersonHours)]
#[allow(dead_code)]
pub struct PersonHoursDoc {
    staff_id: i64,
    name: String,
    unit_id: i64,
    unit_name: String,
    sessions: i64,
    hours_tenths: i64,
}

/// One session of a person's history.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingHistoryLine)]
#[allow(dead_code)]
pub struct HistoryLineDoc {
    session_id: i64,
    topic: String,
    kind: TrainingKind,
    held_on: NaiveDate,
    unit_name: String,
    status: AttendanceStatus,
    hours_tenths: i64,
}

/// Hours attended in one year.
#[derive(utoipa::ToSchema)]
#[schema(as = TrainingYearHours)]
#[allow(dead_code)]
pub struct YearHoursDoc {
    year: i32,
    sessions: i64,
    hours_tenths: i64,
    hours: String,
}

/// A person's training history.
#[derive(utoipa::ToSchema)]
#[schema(as = StaffTraining)]
#[allow(dead_code)]
pub struct StaffTrainingDoc {
    staff_id: i64,
    sessions: Vec<HistoryLineDoc>,
    by_year: Vec<YearHoursDoc>,
}
