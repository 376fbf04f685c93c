//! Hearing observation (旁听庭审) and the judicial organs' opinions (征询意见):
//! `/api/v1/observations` and `/api/v1/opinions`.

use super::List;
use super::documents::{AvailableDoc, FormatQuery, list_of, render};
use super::schemas::{
    HearingFiguresDoc, ObservationLineDoc, ObservationViewDoc, OpinionLetterLineDoc, OpinionViewDoc,
};
use crate::api::records::id_from;
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use legalaid_app::documents::Available;
use legalaid_app::quality::hearings::{self as obs, ObservationFilter};
use legalaid_app::quality::opinions::{self as op, LetterFilter};
use legalaid_app::records::Subject;
use legalaid_domain::hearing::{DimensionInput, ObservationInput, ObservationStatus};
use legalaid_domain::opinion::{OpinionAnswerInput, OpinionStatus};
use serde::Deserialize;

fn bad(field: &str, msg: &str) -> ApiError {
    ApiError(legalaid_app::AppError::field(field, msg))
}

// ---------------------------------------------------------------- observations

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservationQuery {
    /// `planned`, `recorded` or `cancelled`.
    pub status: Option<String>,
    pub case_id: Option<i64>,
    /// Hearings on or after this day.
    pub from: Option<NaiveDate>,
    /// Hearings on or before this day.
    pub to: Option<NaiveDate>,
    /// Only observations flagged 需要整改.
    pub flagged: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The observations of the cases the caller sees, latest hearing first.
#[utoipa::path(get, path = "/api/v1/observations", tag = "quality", security(("bearer" = [])), params(ObservationQuery),
    responses((status = 200, body = List<ObservationLineDoc>)))]
pub async fn list_observations(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ObservationQuery>,
) -> Result<Json<List<obs::ObservationLine>>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(x) => Some(
            ObservationStatus::parse(x)
                .ok_or_else(|| bad("status", "status 应为 planned、recorded 或 cancelled"))?,
        ),
    };
    let filter = ObservationFilter {
        status,
        case_id: q.case_id,
        from: q.from,
        to: q.to,
        flagged: q.flagged.unwrap_or(false),
    };
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = obs::list(&s.app, &ctx, &filter, page).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObservationIn {
    #[schema(minimum = 1)]
    pub case_id: i64,
    /// The hearing on the case's calendar it is planned from, if any.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub hearing_id: Option<i64>,
    /// `HH:MM` when known.
    #[serde(default)]
    pub hearing_time: String,
    /// `planned`, or `recorded` for a hearing observed without a plan. The
    /// observer defaults to the caller's staff record.
    #[serde(flatten)]
    pub observation: ObservationInput,
}

/// Plans an observation of a hearing (or records one observed without a plan).
#[utoipa::path(post, path = "/api/v1/observations", tag = "quality", security(("bearer" = [])), request_body = ObservationIn,
    responses((status = 201, body = ObservationViewDoc), (status = 404, body = crate::error::Problem, description = "the case (or review) named is absent or not visible to the caller")))]
pub async fn plan_observation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ObservationIn>,
) -> Result<(StatusCode, Json<obs::ObservationView>), ApiError> {
    let input = obs::PlanInput {
        case_id: Some(b.case_id),
        hearing_id: b.hearing_id,
        hearing_time: b.hearing_time,
        observation: b.observation,
    };
    Ok((
        StatusCode::CREATED,
        Json(obs::plan(&s.app, &ctx, &input).await?),
    ))
}

/// One observation, with the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/observations/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ObservationViewDoc)))]
pub async fn show_observation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<obs::ObservationView>, ApiError> {
    Ok(Json(obs::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecordIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Every dimension once.
    pub ratings: Vec<DimensionInput>,
    /// Problems found (any text flags the observation 需要整改).
    #[serde(default)]
    pub issues: String,
    #[serde(default)]
    pub comment: String,
}

/// Records what was observed: every dimension rated.
#[utoipa::path(post, path = "/api/v1/observations/{id}/record", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RecordIn,
    responses((status = 200, body = ObservationViewDoc)))]
pub async fn record_observation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RecordIn>,
) -> Result<Json<obs::ObservationView>, ApiError> {
    let input = obs::RecordInput {
        version: b.version,
        ratings: b.ratings,
        issues: b.issues,
        comment: b.comment,
    };
    Ok(Json(
        obs::record(&s.app, &ctx, id_from(&id)?, &input).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CancelIn {
    #[schema(minimum = 1)]
    pub version: i64,
    pub reason: String,
}

/// Cancels a planned observation.
#[utoipa::path(post, path = "/api/v1/observations/{id}/cancel", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelIn,
    responses((status = 200, body = ObservationViewDoc)))]
pub async fn cancel_observation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CancelIn>,
) -> Result<Json<obs::ObservationView>, ApiError> {
    Ok(Json(
        obs::cancel(&s.app, &ctx, id_from(&id)?, b.version, &b.reason).await?,
    ))
}

/// The documents of an observation (none yet: the record is the observation).
#[utoipa::path(get, path = "/api/v1/observations/{id}/documents", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn observation_documents(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Observation(id_from(&id)?)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    pub to: Option<NaiveDate>,
}

/// The period's figures: the observation ratio, observations per unit and
/// handler, opinion letters answered and negative.
#[utoipa::path(get, path = "/api/v1/observations/figures", tag = "quality", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, body = HearingFiguresDoc)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<obs::Figures>, ApiError> {
    Ok(Json(obs::figures(&s.app, &ctx, q.from, q.to).await?))
}

// ---------------------------------------------------------------- opinion letters

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpinionQuery {
    /// `sent`, `answered` or `no_answer`.
    pub status: Option<String>,
    pub case_id: Option<i64>,
    /// Only answers with an item 不满意.
    pub negative: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The opinion letters about the cases the caller sees, newest first.
#[utoipa::path(get, path = "/api/v1/opinions", tag = "quality", security(("bearer" = [])), params(OpinionQuery),
    responses((status = 200, body = List<OpinionLetterLineDoc>)))]
pub async fn list_opinions(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<OpinionQuery>,
) -> Result<Json<List<op::LetterLine>>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(x) => Some(
            OpinionStatus::parse(x)
                .ok_or_else(|| bad("status", "status 应为 sent、answered 或 no_answer"))?,
        ),
    };
    let filter = LetterFilter {
        status,
        case_id: q.case_id,
        negative: q.negative.unwrap_or(false),
    };
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = op::list(&s.app, &ctx, &filter, page).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OpinionIn {
    #[schema(minimum = 1)]
    pub case_id: i64,
    #[schema(value_type = legalaid_domain::opinion::OpinionOrgan)]
    pub organ: String,
    /// The organ's name; the case's organ when empty.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub organ_name: String,
    /// Today when absent.
    #[serde(default)]
    pub sent_on: Option<NaiveDate>,
    /// Days before a reminder is due (30 when absent).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub reminder_after_days: Option<u32>,
}

/// Sends an opinion letter (征询意见函) for an archived case; one open letter
/// per case and organ kind (409 otherwise).
#[utoipa::path(post, path = "/api/v1/opinions", tag = "quality", security(("bearer" = [])), request_body = OpinionIn,
    responses((status = 201, body = OpinionViewDoc), (status = 409, body = crate::error::Problem), (status = 404, body = crate::error::Problem, description = "the case (or review) named is absent or not visible to the caller")))]
pub async fn send_opinion(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<OpinionIn>,
) -> Result<(StatusCode, Json<op::OpinionView>), ApiError> {
    let input = op::SendInput {
        case_id: Some(b.case_id),
        organ: b.organ,
        organ_name: b.organ_name,
        sent_on: b.sent_on,
        reminder_after_days: b.reminder_after_days,
    };
    Ok((
        StatusCode::CREATED,
        Json(op::send(&s.app, &ctx, &input).await?),
    ))
}

/// One letter, with the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/opinions/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = OpinionViewDoc)))]
pub async fn show_opinion(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<op::OpinionView>, ApiError> {
    Ok(Json(op::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RemindIn {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Records that the organ was reminded (催告), on or after the reminder day.
#[utoipa::path(post, path = "/api/v1/opinions/{id}/remind", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RemindIn,
    responses((status = 200, body = OpinionViewDoc)))]
pub async fn remind_opinion(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RemindIn>,
) -> Result<Json<op::OpinionView>, ApiError> {
    Ok(Json(
        op::remind(&s.app, &ctx, id_from(&id)?, b.version).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OpinionAnswerIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Today when absent.
    #[serde(default)]
    pub answered_on: Option<NaiveDate>,
    #[serde(flatten)]
    pub answer: OpinionAnswerInput,
}

/// Records the organ's answer: every item rated, and its opinion in words.
#[utoipa::path(post, path = "/api/v1/opinions/{id}/answer", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OpinionAnswerIn,
    responses((status = 200, body = OpinionViewDoc)))]
pub async fn answer_opinion(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<OpinionAnswerIn>,
) -> Result<Json<op::OpinionView>, ApiError> {
    let input = op::AnswerInput {
        version: b.version,
        answered_on: b.answered_on,
        answer: b.answer,
    };
    Ok(Json(op::answer(&s.app, &ctx, id_from(&id)?, &input).await?))
}

/// The documents of a letter (the letter itself).
#[utoipa::path(get, path = "/api/v1/opinions/{id}/documents", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn opinion_documents(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Opinion(id_from(&id)?)).await
}

/// The opinion letter (征询意见函) as PDF or DOCX; the generation is audited.
#[utoipa::path(get, path = "/api/v1/opinions/{id}/documents/{doc}", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "opinion_letter"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn opinion_document(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    render(&s, &ctx, Subject::Opinion(id_from(&id)?), &doc, q).await
}
