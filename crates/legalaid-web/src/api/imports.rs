//! Importing spreadsheets over the API (issue 13, ADRs 0035, 0036, 0051):
//! `POST /api/v1/persons/import`, `POST /api/v1/applications/import` and
//! `POST /api/v1/cases/import` with a
//! multipart `file` (CSV in UTF-8 or `.xlsx`, the columns of docs/IMPORT.md);
//! `?dry_run=true` checks every row and writes nothing. Described by their own
//! OpenAPI part.

use super::{BearerAuth, ErrorResponses};
use crate::extract::{ApiCtx, ApiMultipart, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use legalaid_app::AppError;
use legalaid_app::applications::import as apps;
use legalaid_app::persons::import::{self as uc, ImportReport};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(import, import_applications, import_cases),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "persons", description = "当事人（申请人、受援人）"),
        (name = "applications", description = "法律援助申请"),
        (name = "cases", description = "法律援助案件"))
)]
pub struct ImportsDoc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check every row and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The multipart body of an import.
#[derive(utoipa::ToSchema)]
#[schema(as = PersonImportForm)]
#[allow(dead_code)] // describes the form for the OpenAPI document
pub struct FormDoc {
    /// The file: `.csv` (UTF-8) or `.xlsx`, the first row the column names.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// One row's outcome.
#[derive(utoipa::ToSchema)]
#[schema(as = PersonImportRow)]
#[allow(dead_code)]
pub struct RowDoc {
    /// The row's number in the file (the header is row 1).
    row: i64,
    name: String,
    /// `create`, `update`, `unchanged` or `error`.
    action: String,
    errors: Vec<legalaid_domain::FieldError>,
}

/// A file's outcome.
#[derive(utoipa::ToSchema)]
#[schema(as = PersonImportReport)]
#[allow(dead_code)]
pub struct ReportDoc {
    /// Whether the file was written (false for a dry run).
    committed: bool,
    created: i64,
    updated: i64,
    unchanged: i64,
    failed: i64,
    rows: Vec<RowDoc>,
}

/// Imports persons (intake and review staff, into their own unit): every row
/// is checked first; with `dry_run` the outcome of each row is answered and
/// nothing written, otherwise all rows are written in one transaction (each
/// audited) or, if any row is bad, none (422 naming every bad row). A row whose
/// ID number the caller's units registered updates that person, or changes
/// nothing when it says the same: importing a file twice changes nothing.
#[utoipa::path(post, path = "/api/v1/persons/import", tag = "persons", security(("bearer" = [])), params(ImportQuery),
    request_body(content_type = "multipart/form-data", content = FormDoc),
    responses((status = 200, body = ReportDoc), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "a row registered or changed meanwhile"),
        (status = 422, body = crate::error::Problem, description = "not a CSV or .xlsx, unknown or missing columns, or bad rows (each named `rows[N].field`)")))]
pub async fn import(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiMultipart(m): ApiMultipart,
) -> Result<Json<ImportReport>, ApiError> {
    let (name, _, bytes, _) = super::attachments::read_upload(m).await?;
    let rows = legalaid_docs::sheet::read(&name, &bytes)
        .map_err(|e| ApiError(AppError::field("file", e.to_string())))?;
    Ok(Json(uc::import(&s.app, &ctx, &rows, !q.dry_run).await?))
}

/// An applications file's outcome.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationImportReport)]
#[allow(dead_code)]
pub struct ApplicationReportDoc {
    /// Whether the file was written (false for a dry run).
    committed: bool,
    /// Applications created.
    created: i64,
    /// Applications already in the system (imported before, or ours by number).
    unchanged: i64,
    failed: i64,
    persons_created: i64,
    persons_updated: i64,
    /// Per row: `action` is the application's (`create`, `unchanged`, `error`).
    rows: Vec<RowDoc>,
}

/// Imports applications with their applicants (intake staff, received by
/// their own unit): one application per row, its applicant in the persons
/// columns beside it. Every row is checked first; with `dry_run` the outcome
/// of each row is answered and nothing written, otherwise everything is
/// written in one transaction (each record audited, each application's review
/// deadlines started) or, if any row is bad, nothing (422 naming every bad
/// row). An application is known by the file's 申请编号, or else by its
/// applicant, time received and matter: importing a file twice changes nothing.
#[utoipa::path(post, path = "/api/v1/applications/import", tag = "applications", security(("bearer" = [])), params(ImportQuery),
    request_body(content_type = "multipart/form-data", content = FormDoc),
    responses((status = 200, body = ApplicationReportDoc), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "a row imported, registered or changed meanwhile"),
        (status = 422, body = crate::error::Problem, description = "not a CSV or .xlsx, unknown or missing columns, or bad rows (each named `rows[N].field`)")))]
pub async fn import_applications(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiMultipart(m): ApiMultipart,
) -> Result<Json<apps::ImportReport>, ApiError> {
    let (name, _, bytes, _) = super::attachments::read_upload(m).await?;
    let rows = legalaid_docs::sheet::read(&name, &bytes)
        .map_err(|e| ApiError(AppError::field("file", e.to_string())))?;
    Ok(Json(apps::import(&s.app, &ctx, &rows, !q.dry_run).await?))
}

/// A cases file's outcome.
#[derive(utoipa::ToSchema)]
#[schema(as = CaseImportReport)]
#[allow(dead_code)]
pub struct CaseReportDoc {
    /// Whether the file was written (false for a dry run).
    committed: bool,
    /// Cases created (each with its application, granted).
    created: i64,
    /// Cases already in the system (imported before, or ours by number).
    unchanged: i64,
    failed: i64,
    persons_created: i64,
    persons_updated: i64,
    /// Per row: `action` is the case's (`create`, `unchanged`, `error`).
    rows: Vec<RowDoc>,
}

/// Imports cases in progress with their applications and recipients (the
/// center's director, received by their own unit): one case per row, assigned
/// to a unit and a handler named by name (and licence number among namesakes)
/// and under agreement, the application granted in the other system. Every row
/// is checked first (the intake form's checks, the days in the law's order,
/// the law's constraints on who may handle the case); with `dry_run` the
/// outcome of each row is answered and nothing written, otherwise everything
/// is written in one transaction, dated as the row says and audited, with no
/// message sent, or, if any row is bad, nothing (422 naming every bad row). A
/// case is known by the file's 案件编号 with its recipient: importing a file
/// twice changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/import", tag = "cases", security(("bearer" = [])), params(ImportQuery),
    request_body(content_type = "multipart/form-data", content = FormDoc),
    responses((status = 200, body = CaseReportDoc), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "a row imported, registered or changed meanwhile"),
        (status = 422, body = crate::error::Problem, description = "not a CSV or .xlsx, unknown or missing columns, or bad rows (each named `rows[N].field`)")))]
pub async fn import_cases(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiMultipart(m): ApiMultipart,
) -> Result<Json<apps::ImportReport>, ApiError> {
    let (name, _, bytes, _) = super::attachments::read_upload(m).await?;
    let rows = legalaid_docs::sheet::read(&name, &bytes)
        .map_err(|e| ApiError(AppError::field("file", e.to_string())))?;
    Ok(Json(
        legalaid_app::cases::import::import(&s.app, &ctx, &rows, !q.dry_run).await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    let limit =
        || axum::extract::DefaultBodyLimit::max(legalaid_app::attachments::MAX_BYTES + 64 * 1024);
    axum::Router::new()
        .route("/persons/import", post(import).layer(limit()))
        .route(
            "/applications/import",
            post(import_applications).layer(limit()),
        )
        .route("/cases/import", post(import_cases).layer(limit()))
}
