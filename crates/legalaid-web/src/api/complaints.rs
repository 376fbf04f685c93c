//! Complaints (投诉): registration, the bureau's steps (accept or refuse, extend,
//! conclude, reply, the complainant's remedy), the list, the figures, and the
//! notices. The use cases are `legalaid_app::complaints`; the bodies here are the
//! API's own types, described for the OpenAPI document.

use super::documents::{AvailableDoc, FormatQuery};
use super::records::id_from;
use super::schemas::{ComplaintFiguresDoc, ComplaintListItemDoc, ComplaintViewDoc};
use super::{List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use legalaid_app::complaints::{
    self as uc, ComplaintView, ConcludeInput, ExtendInput, FiguresView, ListQuery, ListRow,
    ReasonInput, RemedyInput, ReplyInput, VersionInput,
};
use legalaid_app::documents::Available;
use legalaid_app::records::Subject;
use legalaid_domain::ComplaintId;
use legalaid_domain::complaint::ComplaintInput;
use serde::Deserialize;

/// Registers a complaint (intake staff, center staff, bureau supervisors). An
/// anonymous complaint needs no name, contact or relation.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", security(("bearer" = [])), request_body = ComplaintInput,
    responses((status = 201, body = ComplaintViewDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ComplaintInput>,
) -> Result<(StatusCode, Json<ComplaintView>), ApiError> {
    let v = uc::register(&s.app, &ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    #[param(inline, value_type = Option<legalaid_domain::complaint::ComplaintStatus>)]
    pub status: Option<String>,
    #[param(inline, value_type = Option<legalaid_domain::complaint::ComplaintCategory>)]
    pub category: Option<String>,
    #[param(minimum = 1)]
    pub respondent_unit_id: Option<i64>,
    /// Received on or after this day.
    pub from: Option<NaiveDate>,
    /// Received on or before this day.
    pub to: Option<NaiveDate>,
}

/// The complaints the caller reads (never those about the caller's own unit or
/// about the caller), newest received first.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", security(("bearer" = [])), params(PageParams, ComplaintQuery),
    responses((status = 200, body = List<ComplaintListItemDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<ComplaintQuery>,
) -> Result<Json<List<ListRow>>, ApiError> {
    let query = ListQuery {
        status: q.status,
        category: q.category,
        respondent_unit_id: q.respondent_unit_id,
        from: q.from,
        to: q.to,
    };
    let (items, total) = uc::list(&s.app, &ctx, &query, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Received on or after this day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// Received on or before this day (default: today).
    pub to: Option<NaiveDate>,
}

/// The figures of a period (report form 十三): per respondent unit and handler,
/// per category, per outcome class, per remedy, and how many were upheld.
#[utoipa::path(get, path = "/api/v1/complaints/figures", tag = "complaints", security(("bearer" = [])), params(FiguresQuery),
    responses((status = 200, body = ComplaintFiguresDoc), (status = 403, body = crate::error::Problem)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<FiguresView>, ApiError> {
    Ok(Json(uc::figures(&s.app, &ctx, q.from, q.to).await?))
}

/// A complaint with its deadlines and the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<ComplaintView>, ApiError> {
    Ok(Json(uc::get(&s.app, &ctx, id_from(&id)?).await?))
}

/// The version of the complaint as read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionIn {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Accepts the complaint (bureau).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/accept", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn accept(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = VersionInput {
        version: Some(b.version),
    };
    Ok(Json(uc::accept(&s.app, &ctx, id_from(&id)?, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefuseIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Why it is not accepted (the refusal notice gives it).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
}

/// Refuses the complaint, with the reason (bureau).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/refuse", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RefuseIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn refuse(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RefuseIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = ReasonInput {
        version: Some(b.version),
        reason: b.reason,
    };
    Ok(Json(uc::refuse(&s.app, &ctx, id_from(&id)?, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExtendIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Calendar days; the rule `complaint_extension`'s length when absent.
    #[schema(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
}

/// Extends the period to conclude, once, with the reason (bureau).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/extend", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ExtendIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn extend(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ExtendIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = ExtendInput {
        version: Some(b.version),
        days: b.days,
        reason: b.reason,
    };
    Ok(Json(uc::extend(&s.app, &ctx, id_from(&id)?, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConcludeIn {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(default)]
    #[schema(required = true, inline, value_type = legalaid_domain::complaint::ComplaintOutcome)]
    pub outcome: String,
    /// The findings and the decision.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub conclusion: String,
    /// Follow-up actions; only with an upheld outcome. `replace_handler` on a
    /// complaint about a case asks the center for another handler on that case.
    #[serde(default)]
    #[schema(inline, value_type = Vec<legalaid_domain::complaint::FollowUpAction>)]
    pub follow_up: Vec<String>,
}

/// Decides the complaint (bureau).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/conclude", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ConcludeIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn conclude(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ConcludeIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = ConcludeInput {
        version: Some(b.version),
        outcome: b.outcome,
        conclusion: b.conclusion,
        follow_up: b.follow_up,
    };
    Ok(Json(
        uc::conclude(&s.app, &ctx, id_from(&id)?, &input).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReplyIn {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(default)]
    #[schema(required = true, inline, value_type = legalaid_domain::complaint::ReplyChannel)]
    pub channel: String,
    /// What the complainant was told.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub text: String,
}

/// Records that the complainant was told the result (bureau; LAL art 56).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/reply", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReplyIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn reply(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReplyIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = ReplyInput {
        version: Some(b.version),
        channel: b.channel,
        text: b.text,
    };
    Ok(Json(uc::reply(&s.app, &ctx, id_from(&id)?, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RemedyIn {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(default)]
    #[schema(required = true, inline, value_type = legalaid_domain::complaint::ComplainantRemedy)]
    pub remedy: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// Records that the complainant applied for administrative review or sued
/// (bureau; report form 十三, cols 9–10).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/remedy", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RemedyIn,
    responses((status = 200, body = ComplaintViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn remedy(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RemedyIn>,
) -> Result<Json<ComplaintView>, ApiError> {
    let input = RemedyInput {
        version: Some(b.version),
        remedy: b.remedy,
        note: b.note,
    };
    Ok(Json(
        uc::record_remedy(&s.app, &ctx, id_from(&id)?, &input).await?,
    ))
}

/// The notices that exist for the complaint in its current state.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/documents", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn documents(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    let id: ComplaintId = id_from(&id)?;
    super::documents::list_of(&s, &ctx, Subject::Complaint(id)).await
}

/// One notice of a complaint (acceptance, refusal, reply); the generation is audited.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/documents/{doc}", tag = "complaints", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "complaint_acceptance, complaint_refusal, complaint_reply"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn document(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let id: ComplaintId = id_from(&id)?;
    super::documents::render(&s, &ctx, Subject::Complaint(id), &doc, q).await
}
