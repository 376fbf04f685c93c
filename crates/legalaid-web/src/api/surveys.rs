//! Surveys (社情民意调查): `/api/v1/survey-instruments`, `/api/v1/surveys…`, and
//! the public answer through a code, `/api/v1/public/surveys/{code}` (no
//! sign-in; 404 for an unknown code, 409 for a second answer, 429 when one
//! address sends too much). Training (培训): `/api/v1/training…` and a staff
//! member's history, `/api/v1/staff/{id}/training`.
//!
//! These operations are described by their own OpenAPI part ([`OutreachDoc`]),
//! merged into the document.

use super::schemas::{
    AcceptedDoc, CampaignLineDoc, CampaignViewDoc, CodeLineDoc, InstrumentViewDoc, IssuedDoc,
    PersonHoursDoc, QuestionnaireDoc, ResultsViewDoc, SessionLineDoc, SessionViewDoc,
    StaffTrainingDoc,
};
use super::{BearerAuth, ErrorResponses, List, PageParams};
use crate::api::records::id_from;
use crate::extract::{ApiCtx, ApiJson, ApiQuery, Meta};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::surveys::{self as uc, public};
use legalaid_app::training as tr;
use legalaid_domain::survey::{CampaignInput, Instrument, Responses};
use legalaid_domain::training::{SessionInput, TrainingKind};
use serde::{Deserialize, Serialize};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_instruments, create_instrument, show_instrument,
        list_campaigns, create_campaign, show_campaign, issue_codes, list_codes, enter_answer, results,
        public_questionnaire, public_answer,
        list_sessions, create_session, show_session, enrol, confirm, hours, staff_training,
    ),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "surveys", description = "社情民意调查：调查问卷、调查活动、二维码、群众作答与电话录入、知晓率和满意度"), (name = "training", description = "培训：培训活动、参训人员、出勤与学时"))
)]
pub struct OutreachDoc;

// ---------------------------------------------------------------- instruments

/// Every instrument version (the shipped one is marked as an example).
#[utoipa::path(get, path = "/api/v1/survey-instruments", tag = "surveys", security(("bearer" = [])),
    responses((status = 200, body = List<InstrumentViewDoc>)))]
pub async fn list_instruments(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<uc::InstrumentView>>, ApiError> {
    let items = uc::instruments(&s.app, &ctx).await?;
    let total = items.len() as i64;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InstrumentIn {
    /// A new code starts at version 1; a known code gets its next version.
    #[schema(min_length = 1, max_length = 40, pattern = "^[A-Za-z0-9_-]+$")]
    pub code: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub source: String,
    pub instrument: Instrument,
}

/// Saves a new instrument version (versions never change); a bad instrument
/// is refused with each fault by field.
#[utoipa::path(post, path = "/api/v1/survey-instruments", tag = "surveys", security(("bearer" = [])), request_body = InstrumentIn,
    responses((status = 201, body = InstrumentViewDoc)))]
pub async fn create_instrument(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<InstrumentIn>,
) -> Result<(StatusCode, Json<uc::InstrumentView>), ApiError> {
    let input = uc::InstrumentInput {
        code: b.code,
        source: b.source,
        instrument: b.instrument,
    };
    Ok((
        StatusCode::CREATED,
        Json(uc::create_instrument(&s.app, &ctx, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/survey-instruments/{id}", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = InstrumentViewDoc)))]
pub async fn show_instrument(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<uc::InstrumentView>, ApiError> {
    Ok(Json(uc::instrument(&s.app, &ctx, id_from(&id)?).await?))
}

// ---------------------------------------------------------------- campaigns

/// The campaigns the caller sees, newest first.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = List<CampaignLineDoc>)))]
pub async fn list_campaigns(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<List<uc::CampaignLine>>, ApiError> {
    let (items, total) = uc::list(&s.app, &ctx, q.page()).await?;
    Ok(Json(List { items, total }))
}

/// Creates a campaign of the caller's bureau or center over its townships.
#[utoipa::path(post, path = "/api/v1/surveys", tag = "surveys", security(("bearer" = [])), request_body = CampaignInput,
    responses((status = 201, body = CampaignViewDoc)))]
pub async fn create_campaign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<uc::CampaignView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(uc::create(&s.app, &ctx, &b).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CampaignViewDoc)))]
pub async fn show_campaign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<uc::CampaignView>, ApiError> {
    Ok(Json(uc::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CodesIn {
    /// How many codes (1–500).
    #[schema(minimum = 1, maximum = 500)]
    pub count: u32,
    /// The unit handing them out (the organiser when absent).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub unit_id: Option<i64>,
}

/// Issues codes for the link and QR code: 128 random bits each.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/codes", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CodesIn,
    responses((status = 201, body = IssuedDoc)))]
pub async fn issue_codes(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CodesIn>,
) -> Result<(StatusCode, Json<uc::Issued>), ApiError> {
    let unit = b.unit_id.map(legalaid_domain::UnitId);
    Ok((
        StatusCode::CREATED,
        Json(uc::issue_codes(&s.app, &ctx, id_from(&id)?, b.count, unit).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodesQuery {
    /// One batch only.
    pub batch: Option<i64>,
    /// Only the codes not answered yet.
    pub unanswered: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A campaign's codes, whether answered (organisers).
#[utoipa::path(get, path = "/api/v1/surveys/{id}/codes", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path), CodesQuery),
    responses((status = 200, body = List<CodeLineDoc>)))]
pub async fn list_codes(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CodesQuery>,
) -> Result<Json<List<uc::CodeLine>>, ApiError> {
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = uc::codes(
        &s.app,
        &ctx,
        id_from(&id)?,
        q.batch,
        q.unanswered.unwrap_or(false),
        page,
    )
    .await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswersIn {
    /// Question code → the answer: option codes, one text, or one township code.
    #[schema(value_type = std::collections::BTreeMap<String, Vec<String>>)]
    pub answers: Responses,
}

/// Enters an answer from a phone call (recorded with the staff member).
#[utoipa::path(post, path = "/api/v1/surveys/{id}/answers", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AnswersIn,
    responses((status = 201, body = AcceptedDoc)))]
pub async fn enter_answer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AnswersIn>,
) -> Result<(StatusCode, Json<uc::Accepted>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(uc::enter(&s.app, &ctx, id_from(&id)?, &b.answers).await?),
    ))
}

/// Sample sizes, target progress, 知晓率 and 满意度 (with their definitions) by
/// township, unit and channel, and each question's distribution.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "surveys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ResultsViewDoc)))]
pub async fn results(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<uc::ResultsView>, ApiError> {
    Ok(Json(uc::results(&s.app, &ctx, id_from(&id)?).await?))
}

// ---------------------------------------------------------------- public

/// The questionnaire behind a code; no sign-in.
#[utoipa::path(get, path = "/api/v1/public/surveys/{code}", tag = "surveys", params(("code" = String, Path, description = "32 hex digits")),
    responses((status = 200, body = QuestionnaireDoc), (status = 404, body = crate::error::Problem, description = "no such code")))]
pub async fn public_questionnaire(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<public::Questionnaire>, ApiError> {
    Ok(Json(public::questionnaire(&s.app, &code).await?))
}

/// The answer was taken.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicAccepted {
    pub accepted: bool,
    pub message: String,
}

/// Answers through a code, anonymously and once (409 the second time).
#[utoipa::path(post, path = "/api/v1/public/surveys/{code}", tag = "surveys", params(("code" = String, Path, description = "32 hex digits")), request_body = AnswersIn,
    responses((status = 201, body = PublicAccepted), (status = 404, body = crate::error::Problem, description = "no such code"),
        (status = 409, body = crate::error::Problem, description = "already answered, or outside the campaign's period"),
        (status = 429, body = crate::error::Problem, description = "too many answers from this address this hour (the portal's limits)")))]
pub async fn public_answer(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<AnswersIn>,
) -> Result<(StatusCode, Json<PublicAccepted>), ApiError> {
    public::answer(&s.app, &meta, &code, &b.answers).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicAccepted {
            accepted: true,
            message: "问卷已提交，感谢您的参与！".into(),
        }),
    ))
}

// ---------------------------------------------------------------- training

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// The organising unit.
    pub unit_id: Option<i64>,
    /// business, special, case_guidance, pre_job, other.
    pub kind: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Training sessions in the caller's region, latest first.
#[utoipa::path(get, path = "/api/v1/training", tag = "training", security(("bearer" = [])), params(SessionQuery),
    responses((status = 200, body = List<SessionLineDoc>)))]
pub async fn list_sessions(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<SessionQuery>,
) -> Result<Json<List<tr::SessionLine>>, ApiError> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(
            TrainingKind::parse(k)
                .ok_or_else(|| ApiError(legalaid_app::AppError::field("kind", "未知的培训类别")))?,
        ),
    };
    let filter = tr::SessionFilter {
        from: q.from,
        to: q.to,
        unit_id: q.unit_id,
        kind,
    };
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = tr::list(&s.app, &ctx, &filter, page).await?;
    Ok(Json(List { items, total }))
}

/// Records a session of the caller's bureau or center.
#[utoipa::path(post, path = "/api/v1/training", tag = "training", security(("bearer" = [])), request_body = SessionInput,
    responses((status = 201, body = SessionViewDoc)))]
pub async fn create_session(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<(StatusCode, Json<tr::SessionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(tr::create(&s.app, &ctx, &b).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/training/{id}", tag = "training", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = SessionViewDoc)))]
pub async fn show_session(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<tr::SessionView>, ApiError> {
    Ok(Json(tr::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrolIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Staff records to enrol (each is told in-app and by SMS).
    pub staff_ids: Vec<i64>,
}

/// Enrols staff and lawyers; enrolling someone twice is once.
#[utoipa::path(post, path = "/api/v1/training/{id}/enrolments", tag = "training", security(("bearer" = [])), params(("id" = i64, Path)), request_body = EnrolIn,
    responses((status = 200, body = SessionViewDoc)))]
pub async fn enrol(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<EnrolIn>,
) -> Result<Json<tr::SessionView>, ApiError> {
    Ok(Json(
        tr::enrol(&s.app, &ctx, id_from(&id)?, b.version, &b.staff_ids).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AttendanceIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The enrolled who attended; the others are absent.
    pub attended: Vec<i64>,
}

/// Confirms attendance after the session: the hours count for those present.
#[utoipa::path(post, path = "/api/v1/training/{id}/attendance", tag = "training", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AttendanceIn,
    responses((status = 200, body = SessionViewDoc)))]
pub async fn confirm(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AttendanceIn>,
) -> Result<Json<tr::SessionView>, ApiError> {
    Ok(Json(
        tr::confirm(&s.app, &ctx, id_from(&id)?, b.version, &b.attended).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoursQuery {
    /// This year when absent.
    pub year: Option<i32>,
    /// One unit's staff.
    pub unit_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Hours attended per person in a year, by unit.
#[utoipa::path(get, path = "/api/v1/training/hours", tag = "training", security(("bearer" = [])), params(HoursQuery),
    responses((status = 200, body = List<PersonHoursDoc>)))]
pub async fn hours(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<HoursQuery>,
) -> Result<Json<List<tr::PersonHours>>, ApiError> {
    let year = q.year.unwrap_or_else(|| tr::this_year(&s.app));
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = tr::hours(&s.app, &ctx, year, q.unit_id, page).await?;
    Ok(Json(List { items, total }))
}

/// A staff member's training: sessions and hours by year.
#[utoipa::path(get, path = "/api/v1/staff/{id}/training", tag = "training", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = StaffTrainingDoc)))]
pub async fn staff_training(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<tr::StaffTraining>, ApiError> {
    Ok(Json(tr::history(&s.app, &ctx, id_from(&id)?).await?))
}

/// The routes of this part.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/survey-instruments",
            get(list_instruments).post(create_instrument),
        )
        .route("/survey-instruments/{id}", get(show_instrument))
        .route("/surveys", get(list_campaigns).post(create_campaign))
        .route("/surveys/{id}", get(show_campaign))
        .route("/surveys/{id}/codes", get(list_codes).post(issue_codes))
        .route("/surveys/{id}/answers", post(enter_answer))
        .route("/surveys/{id}/results", get(results))
        .route(
            "/public/surveys/{code}",
            get(public_questionnaire).post(public_answer),
        )
        .route("/training", get(list_sessions).post(create_session))
        .route("/training/hours", get(hours))
        .route("/training/{id}", get(show_session))
        .route("/training/{id}/enrolments", post(enrol))
        .route("/training/{id}/attendance", post(confirm))
        .route("/staff/{id}/training", get(staff_training))
}
