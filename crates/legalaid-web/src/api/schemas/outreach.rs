//! The API's mirrors: consultations, duty lawyers' legal help, publicity
//! (`legalaid_app::outreach`).
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::outreach::consultation::{
    ConsultChannel, ConsultGroup, ConsultOutcome, Quarter, ReportCheck, ReportColumn,
};
use legalaid_domain::outreach::duty::{HelpKind, HelpedRole};
use legalaid_domain::outreach::publicity::{ActivityForm, MediaKind};
use legalaid_domain::unit::WorkstationHost;

// ---------------------------------------------------------------- consultations

/// A consultation (`legalaid_store::outreach::consultations::Consultation`).
#[derive(utoipa::ToSchema)]
#[schema(as = Consultation)]
pub struct ConsultationDoc {
    id: i64,
    /// The unit that answered.
    unit_id: i64,
    region_code: String,
    channel: ConsultChannel,
    consulted_at: DateTime<Utc>,
    /// The local date of `consulted_at`.
    consulted_on: NaiveDate,
    staff_id: Option<i64>,
    answered_by: String,
    person_id: Option<i64>,
    /// Empty when anonymous.
    name: String,
    phone: String,
    topic_code: String,
    question: String,
    answer: String,
    duration_minutes: i32,
    outcome: ConsultOutcome,
    referred_to: String,
    application_id: Option<i64>,
    activity_id: Option<i64>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
}

/// A consultation as its list shows it.
#[derive(utoipa::ToSchema)]
#[schema(as = ConsultationLine)]
pub struct ConsultationLineDoc {
    id: i64,
    unit_id: i64,
    region_code: String,
    channel: ConsultChannel,
    consulted_at: DateTime<Utc>,
    consulted_on: NaiveDate,
    staff_id: Option<i64>,
    answered_by: String,
    person_id: Option<i64>,
    name: String,
    phone: String,
    topic_code: String,
    question: String,
    answer: String,
    duration_minutes: i32,
    outcome: ConsultOutcome,
    referred_to: String,
    application_id: Option<i64>,
    activity_id: Option<i64>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    unit_name: String,
    topic_label: String,
    application_number: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = ConsultationAction)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationActionDoc {
    /// Turn it into a prefilled application.
    ToApplication,
}

/// A consultation with what its page shows.
#[derive(utoipa::ToSchema)]
#[schema(as = ConsultationView)]
pub struct ConsultationViewDoc {
    consultation: ConsultationDoc,
    groups: Vec<ConsultGroup>,
    unit_name: String,
    topic_label: String,
    application_number: Option<String>,
    activity_title: Option<String>,
    actions: Vec<ConsultationActionDoc>,
}

/// A consultation and the application it became.
#[derive(utoipa::ToSchema)]
#[schema(as = ConvertedConsultation)]
pub struct ConvertedDoc {
    consultation: ConsultationViewDoc,
    application_id: i64,
    application_number: String,
}

/// The quarterly consultation report (季报, §4.3): its columns and rules.
#[derive(utoipa::ToSchema)]
#[schema(as = ConsultationReport)]
pub struct ConsultationReportDoc {
    quarter: Quarter,
    from: NaiveDate,
    to: NaiveDate,
    /// The region counted; empty for the caller's whole scope.
    region_code: String,
    /// The statistical period's cut-off day, none for calendar quarters.
    cutoff_day: Option<u32>,
    total: i64,
    columns: Vec<ReportColumn>,
    checks: Vec<ReportCheck>,
}

// ---------------------------------------------------------------- duty lawyers

/// A lawyer on duty at a workstation on a day, with names.
#[derive(utoipa::ToSchema)]
#[schema(as = RosterLine)]
pub struct RosterLineDoc {
    id: i64,
    workstation_id: i64,
    region_code: String,
    duty_date: NaiveDate,
    staff_id: i64,
    note: String,
    /// When the lawyer was told of the duty day.
    reminded_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    workstation_name: String,
    host: Option<WorkstationHost>,
    staff_name: String,
}

/// Legal help given by a duty lawyer, with names.
#[derive(utoipa::ToSchema)]
#[schema(as = DutyHelpLine)]
pub struct HelpLineDoc {
    id: i64,
    roster_id: i64,
    workstation_id: i64,
    region_code: String,
    helped_on: NaiveDate,
    staff_id: i64,
    kind: HelpKind,
    person_id: Option<i64>,
    person_name: String,
    person_role: HelpedRole,
    organ_name: String,
    organ_case_number: String,
    summary: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    workstation_name: String,
    host: Option<WorkstationHost>,
    staff_name: String,
}

/// A lawyer's duty subsidy in a month.
#[derive(utoipa::ToSchema)]
#[schema(as = DutyLawyerMonth)]
pub struct LawyerMonthDoc {
    staff_id: i64,
    staff_name: String,
    /// `YYYY-MM`.
    month: String,
    days: i64,
    matters: i64,
    days_fen: i64,
    matters_fen: i64,
    total_fen: i64,
    /// Days or matters no rate applied to.
    unpriced: Vec<String>,
}

/// The duty subsidies of a period.
#[derive(utoipa::ToSchema)]
#[schema(as = DutySubsidies)]
pub struct SubsidiesDoc {
    from: NaiveDate,
    to: NaiveDate,
    lines: Vec<LawyerMonthDoc>,
    total_fen: i64,
}

// ---------------------------------------------------------------- publicity

/// A publicity activity with names and its on-site consultations' count.
#[derive(utoipa::ToSchema)]
#[schema(as = ActivityLine)]
pub struct ActivityLineDoc {
    id: i64,
    unit_id: i64,
    region_code: String,
    held_on: NaiveDate,
    title: String,
    form: ActivityForm,
    venue_code: String,
    place: String,
    staff: String,
    people_reached: i32,
    materials: i32,
    note: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    unit_name: String,
    venue_label: String,
    consultations: i64,
}

/// A media item with its unit's name.
#[derive(utoipa::ToSchema)]
#[schema(as = MediaLine)]
pub struct MediaLineDoc {
    id: i64,
    unit_id: i64,
    region_code: String,
    kind: MediaKind,
    published_on: NaiveDate,
    outlet: String,
    title: String,
    url: String,
    activity_id: Option<i64>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    unit_name: String,
}

/// An activity with its on-site consultations and media items.
#[derive(utoipa::ToSchema)]
#[schema(as = ActivityView)]
pub struct ActivityViewDoc {
    id: i64,
    unit_id: i64,
    region_code: String,
    held_on: NaiveDate,
    title: String,
    form: ActivityForm,
    venue_code: String,
    place: String,
    staff: String,
    people_reached: i32,
    materials: i32,
    note: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    version: i64,
    unit_name: String,
    venue_label: String,
    consultations: i64,
    consultation_list: Vec<ConsultationLineDoc>,
    /// Whether the caller sees more consultations than the 200 newest listed.
    consultations_more: bool,
    media: Vec<MediaLineDoc>,
    /// The media items the caller sees (`media` lists the newest 200).
    media_total: i64,
    photos: Vec<PhotoDoc>,
    can_add: bool,
}

/// A photo of an activity; its content at `/api/v1/publicity/photos/{id}`.
#[derive(utoipa::ToSchema)]
#[schema(as = PublicityPhoto)]
pub struct PhotoDoc {
    id: i64,
    activity_id: i64,
    filename: String,
    /// `image/jpeg` or `image/png`.
    content_type: String,
    size_bytes: i64,
    sha256: String,
    description: String,
    uploaded_by: Option<i64>,
    created_at: DateTime<Utc>,
}

/// A unit's activities at a venue in a month.
#[derive(utoipa::ToSchema)]
#[schema(as = PublicityFigureLine)]
pub struct FigureLineDoc {
    unit_id: i64,
    unit_name: String,
    venue_code: String,
    venue_label: String,
    month: String,
    activities: i64,
    people_reached: i64,
    materials: i64,
    consultations: i64,
}

/// A unit's media items of a kind in a month.
#[derive(utoipa::ToSchema)]
#[schema(as = MediaFigure)]
pub struct MediaFigureDoc {
    unit_id: i64,
    unit_name: String,
    month: String,
    kind: MediaKind,
    items: i64,
}

#[derive(utoipa::ToSchema)]
#[schema(as = MediaTotal)]
pub struct MediaTotalDoc {
    kind: MediaKind,
    items: i64,
}

/// The publicity figures of a period.
#[derive(utoipa::ToSchema)]
#[schema(as = PublicityFigures)]
pub struct PublicityFiguresDoc {
    from: NaiveDate,
    to: NaiveDate,
    lines: Vec<FigureLineDoc>,
    activities: i64,
    people_reached: i64,
    materials: i64,
    consultations: i64,
    media: Vec<MediaFigureDoc>,
    media_totals: Vec<MediaTotalDoc>,
}
