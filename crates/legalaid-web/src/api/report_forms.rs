//! The MoJ statistical report forms (issue 12 §6, ADR 0028):
//! `GET /api/v1/supervision/report-forms` (the forms with their rows, totals and
//! checks as JSON) and `GET /api/v1/supervision/report-forms.xlsx` (the
//! workbook in the forms' layout). Described by their own OpenAPI part
//! ([`ReportFormsDoc`]), merged into the document.

use super::{BearerAuth, ErrorResponses};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use legalaid_app::AppError;
use legalaid_app::supervision::report_forms::{self as uc, ReportSet};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(report_forms, report_forms_xlsx, entries, enter),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "supervision", description = "督导：目标任务、序时进度、落后单位与统计口径"))
)]
pub struct ReportFormsDoc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormsQuery {
    /// `year` (default), `half` or `month`.
    #[param(pattern = "^(year|half|month)$")]
    pub period: Option<String>,
    /// The statistical year (the calendar year its last month falls in);
    /// absent with `period=year` (or nothing): the statistical year holding today.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// With `period=month`: 1–12.
    #[param(minimum = 1, maximum = 12)]
    pub month: Option<i64>,
    /// With `period=half`: 1 or 2.
    #[param(minimum = 1, maximum = 2)]
    pub half: Option<i64>,
    /// A region code (2, 4 or 6 digits); default the caller's own region.
    pub region: Option<String>,
}

impl FormsQuery {
    fn period(&self) -> Result<Option<legalaid_domain::supervision::forms::Period>, ApiError> {
        let s = |v: Option<i64>| v.map(|v| v.to_string());
        crate::report_forms::period_of(
            self.period.as_deref(),
            s(self.year).as_deref(),
            s(self.month).as_deref(),
            s(self.half).as_deref(),
        )
        .map_err(|e| ApiError(AppError::Validation(e)))
    }
}

/// A reporting line (`legalaid_app::supervision::report_forms::Line`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReportFormLine)]
#[allow(dead_code)]
pub struct LineDoc {
    /// The number the forms' rows carry.
    id: i64,
    name: String,
    /// A county's lines are its units; a city's or province's, its regions.
    unit_id: Option<i64>,
    region: Option<String>,
}

/// A set of report forms (`legalaid_app::supervision::report_forms::ReportSet`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReportFormSet)]
#[allow(dead_code)]
pub struct ReportSetDoc {
    /// `{kind: "year", year}`, `{kind: "half", year, half}` or `{kind: "month", year, month}`.
    period: serde_json::Value,
    /// e.g. `2026年度（截至2026-12-05）`.
    title: String,
    from: chrono::NaiveDate,
    /// The last day counted (today for a period not yet ended).
    to: chrono::NaiveDate,
    calendar: legalaid_domain::supervision::forms::StatCalendar,
    region: String,
    region_name: String,
    lines: Vec<LineDoc>,
    /// 月报 and 表一 … 表十三 (表一–四 only in a year's set): columns (with
    /// `entered` for the ones entered by hand), the total row, a row per line,
    /// checks (the cross-table ones on 表八). Money cells are fen (shown in 万元).
    forms: Vec<legalaid_domain::supervision::forms::Form>,
    /// Every check of every form holds.
    passed: bool,
    /// The statistical year whose entered figures 表一–四 hold.
    entry_year: i32,
}

/// The report forms for a statistical period (bureaus and centers, their
/// region), with the in-table and cross-table checks run and any failure named.
#[utoipa::path(get, path = "/api/v1/supervision/report-forms", tag = "supervision", security(("bearer" = [])), params(FormsQuery),
    responses((status = 200, body = ReportSetDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem, description = "a period that is not one or has not begun")))]
pub async fn report_forms(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<FormsQuery>,
) -> Result<Json<ReportSet>, ApiError> {
    let p = q.period()?;
    Ok(Json(
        uc::generate(&s.app, &ctx, q.region.as_deref(), p).await?,
    ))
}

/// The same forms as an `.xlsx` workbook in the forms' layout (a sheet per
/// form, then the checks).
#[utoipa::path(get, path = "/api/v1/supervision/report-forms.xlsx", tag = "supervision", security(("bearer" = [])), params(FormsQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem, description = "a period that is not one or has not begun")))]
pub async fn report_forms_xlsx(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<FormsQuery>,
) -> Result<axum::response::Response, ApiError> {
    let p = q.period()?;
    let set = uc::generate(&s.app, &ctx, q.region.as_deref(), p).await?;
    let bytes = crate::report_forms::workbook(&set)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    crate::report_forms::file_name(&set)
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[param(minimum = 1)]
    pub unit_id: i64,
}

/// An entered figure (`legalaid_store::report_forms::Entry`).
#[derive(utoipa::ToSchema)]
#[schema(as = ReportFormEntry)]
#[allow(dead_code)]
pub struct EntryDoc {
    year: i32,
    unit_id: i64,
    /// `t1` … `t4`.
    form: String,
    col: i32,
    /// A count, or fen for a money column.
    value: i64,
}

/// A unit's entered figures of 表一–表四 for a statistical year.
#[utoipa::path(get, path = "/api/v1/supervision/report-forms/entries", tag = "supervision", security(("bearer" = [])), params(EntriesQuery),
    responses((status = 200, body = Vec<EntryDoc>), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a unit outside the caller's region")))]
pub async fn entries(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<Vec<uc::Entry>>, ApiError> {
    Ok(Json(uc::entries_of(&s.app, &ctx, q.year, q.unit_id).await?))
}

/// Figures of one of 表一–表四 to enter.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ReportFormEntriesIn)]
pub struct EntriesIn {
    /// The statistical year (2000 to next year).
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(minimum = 1)]
    pub unit_id: i64,
    /// `t1`, `t2`, `t3` or `t4`.
    #[schema(pattern = "^t[1-4]$")]
    pub form: String,
    /// By column number (`"12"`): a count, or 万元 with at most four decimals
    /// for a money column; empty clears the column. A computed column is 422.
    pub values: std::collections::BTreeMap<String, String>,
}

/// Enters a unit's figures of one of 表一–表四 (bureau supervisors, units in
/// their region), all or nothing, audited.
#[utoipa::path(put, path = "/api/v1/supervision/report-forms/entries", tag = "supervision", security(("bearer" = [])), request_body = EntriesIn,
    responses((status = 204, description = "entered"), (status = 403, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn enter(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<EntriesIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    let mut values = Vec::with_capacity(b.values.len());
    for (k, v) in &b.values {
        let col = k
            .trim()
            .parse::<u32>()
            .map_err(|_| ApiError(AppError::field("values", format!("栏号应为整数：{k}"))))?;
        values.push((col, v.clone()));
    }
    uc::enter(&s.app, &ctx, b.year, b.unit_id, &b.form, &values).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/supervision/report-forms", get(report_forms))
        .route("/supervision/report-forms.xlsx", get(report_forms_xlsx))
        .route("/supervision/report-forms/entries", get(entries).put(enter))
}
