//! The documents of applications and cases, as PDF or DOCX: one listing and one
//! rendering for any record, routed under each record's path.

use super::List;
use super::records::id_from;
use crate::extract::{ApiCtx, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};

use axum::response::Response;
use legalaid_app::documents::Available;
use legalaid_app::records::Subject;
use legalaid_app::{AppError, Ctx, documents};
use legalaid_domain::document::DocKind;
use serde::Deserialize;

/// A document that exists for a record (`legalaid_app::documents::Available`,
/// described for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[schema(as = AvailableDocument)]
#[allow(dead_code)] // describes the JSON of `Available` for the OpenAPI document
pub struct AvailableDoc {
    kind: DocKind,
    /// The document's name (受理通知书…).
    title: String,
    /// `pdf` and `docx`.
    formats: Vec<String>,
    /// Where it is served.
    href: String,
}

pub(super) async fn list_of(
    s: &AppState,
    ctx: &Ctx,
    subject: Subject,
) -> Result<Json<List<Available>>, ApiError> {
    let items = documents::of_record(&s.app, ctx, subject).await?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(List { items, total }))
}

pub(super) async fn render(
    s: &AppState,
    ctx: &Ctx,
    subject: Subject,
    doc: &str,
    q: FormatQuery,
) -> Result<Response, ApiError> {
    let kind = DocKind::parse(doc).ok_or(ApiError(AppError::NotFound))?;
    let format = format_of(q)?;
    let (document, name) = documents::build(&s.app, ctx, subject, kind).await?;
    Ok(crate::documents::respond(document, &name, &format).await?)
}

/// The documents that exist for the application in its current state.
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Application(id_from(&id)?)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    // PDF (default) or Word.
    #[param(inline, value_type = Option<DocFormat>)]
    pub format: Option<String>,
}

/// The formats a document is rendered in (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum DocFormat {
    Pdf,
    Docx,
}

/// The requested format: `pdf` (default) or `docx`.
pub(super) fn format_of(q: FormatQuery) -> Result<String, ApiError> {
    let format = q.format.unwrap_or_else(|| "pdf".into());
    if format != "pdf" && format != "docx" {
        return Err(ApiError(AppError::field(
            "format",
            "format 应为 pdf 或 docx",
        )));
    }
    Ok(format)
}

/// One document, generated from the current template and record (the generation is audited).
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{doc}", tag = "applications", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "receipt, supplement_notice, grant_decision, denial_decision, objection_decision"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    render(&s, &ctx, Subject::Application(id_from(&id)?), &doc, q).await
}

/// The documents that exist for the case in its current state.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn case_list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Case(id_from(&id)?)).await
}

/// One document of a case (assignment notice, official letter, termination
/// decision, closure report, subsidy voucher); the generation is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents/{doc}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "assignment_notice, official_letter, termination_decision, closure_report, subsidy_voucher"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn case_download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    render(&s, &ctx, Subject::Case(id_from(&id)?), &doc, q).await
}

/// The documents of a file review (the result notice once it is final).
#[utoipa::path(get, path = "/api/v1/reviews/{id}/documents", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn review_list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Review(id_from(&id)?)).await
}

/// The review result notice (评查结果通知书) of a file; the generation is audited.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/documents/{doc}", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "review_result_notice"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn review_download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    render(&s, &ctx, Subject::Review(id_from(&id)?), &doc, q).await
}

/// The documents of a rectification order (the notice).
#[utoipa::path(get, path = "/api/v1/rectifications/{id}/documents", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn rectification_list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Available>>, ApiError> {
    list_of(&s, &ctx, Subject::Rectification(id_from(&id)?)).await
}

/// The rectification notice (整改通知书); the generation is audited.
#[utoipa::path(get, path = "/api/v1/rectifications/{id}/documents/{doc}", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "rectification_notice"), FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn rectification_download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    render(&s, &ctx, Subject::Rectification(id_from(&id)?), &doc, q).await
}
