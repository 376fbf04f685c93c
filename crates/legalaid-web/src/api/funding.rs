//! Funding: the annual funding estimate (经费测算) and each unit's target, the
//! subsidy schedule in force, and subsidy totals.

use super::List;
use super::schemas::SubsidyTotalDoc;
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use legalaid_app::AppError;
use legalaid_app::cases as uc;
use legalaid_domain::subsidy::ScheduleEntry;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EstimateQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// The unit whose target is estimated; default the caller's own.
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
}

/// The funding estimate (经费测算) with its derivation.
#[utoipa::path(get, path = "/api/v1/funding/estimate", tag = "cases", security(("bearer" = [])), params(EstimateQuery),
    responses((status = 200, body = legalaid_domain::funding::Estimate, description = "`year`, `target_cases`, `lines` (expected cases × mean rate by type and stage), `estimated_fen`, `committed_fen`, `paid_fen`, `remaining_fen`, `notes`"),
        (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn estimate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EstimateQuery>,
) -> Result<Json<legalaid_domain::funding::Estimate>, ApiError> {
    let year = q
        .year
        .ok_or_else(|| ApiError(AppError::field("year", "请指定年份")))?;
    Ok(Json(
        legalaid_app::funding::estimate(&s.app, &ctx, year, q.unit_id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TargetIn {
    #[schema(minimum = 1)]
    pub unit_id: i64,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The number of cases the unit is to handle in the year.
    #[schema(minimum = 0, maximum = 1000000)]
    pub cases: i64,
}

/// Sets a unit's annual target (目标任务).
#[utoipa::path(put, path = "/api/v1/targets", tag = "cases", security(("bearer" = [])), request_body = TargetIn,
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_target(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<TargetIn>,
) -> Result<StatusCode, ApiError> {
    legalaid_app::funding::set_target(&s.app, &ctx, b.unit_id, b.year, b.cases).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TotalsQuery {
    #[param(required = true, minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    // By handling unit (default), handler, or month of payment.
    #[param(inline, value_type = Option<TotalsBy>)]
    pub by: Option<String>,
}

/// Subsidy totals (payable and paid) by handler, handling unit or month of payment.
#[utoipa::path(get, path = "/api/v1/subsidies/totals", tag = "cases", security(("bearer" = [])), params(TotalsQuery),
    responses((status = 200, body = List<SubsidyTotalDoc>, description = "`{items: [{key, label, cases, payable_fen, paid_fen}], total}`"), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn subsidy_totals(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<TotalsQuery>,
) -> Result<Json<List<Value>>, ApiError> {
    let year = q
        .year
        .ok_or_else(|| ApiError(AppError::field("year", "请指定年份")))?;
    // As the schema says: a year PostgreSQL's dates cannot hold (-103723, found
    // by the fuzz run) was a 500 there.
    if !(2000..=2100).contains(&year) {
        return Err(ApiError(AppError::field(
            "year",
            "年份应在 2000 至 2100 之间",
        )));
    }
    let by = q.by.unwrap_or_else(|| "unit".into());
    if !["handler", "unit", "month"].contains(&by.as_str()) {
        return Err(ApiError(AppError::field(
            "by",
            "by 应为 handler、unit 或 month",
        )));
    }
    let items: Vec<Value> = uc::subsidy_totals(&s.app, &ctx, year, &by)
        .await?
        .into_iter()
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

/// The subsidy schedule: every row with its region and effective dates.
#[utoipa::path(get, path = "/api/v1/subsidy-schedule", tag = "cases", security(("bearer" = [])),
    responses((status = 200, body = List<ScheduleEntry>, description = "`{items: [{tariff: {kind, …}, region, effective_from, effective_to, label, source}], total}`"), (status = 403, body = crate::error::Problem)))]
pub async fn schedule(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<Value>>, ApiError> {
    let items: Vec<Value> = uc::schedule(&s.app, &ctx)
        .await?
        .entries
        .into_iter()
        .map(|e| serde_json::to_value(e).unwrap_or_default())
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScheduleRowIn {
    // A graded rate, a flat amount for a way of ending, a share for an early
    // end, or a travel allowance.
    #[serde(default)]
    #[schema(required = true, inline, value_type = ScheduleKind)]
    pub kind: String,
    // For rates (and optionally flat rows).
    #[serde(default)]
    #[schema(inline, value_type = legalaid_domain::case::CaseType)]
    pub case_type: String,
    // For rates.
    #[serde(default)]
    #[schema(inline, value_type = legalaid_domain::case::Stage)]
    pub stage: String,
    // For rates.
    #[serde(default)]
    #[schema(inline, value_type = legalaid_domain::case::Grade)]
    pub grade: String,
    /// The flat item or the early-end code.
    #[serde(default)]
    pub item: String,
    #[schema(minimum = 0)]
    pub amount_fen: Option<i64>,
    #[schema(maximum = 100)]
    pub percent: Option<u32>,
    pub min_km: Option<u32>,
    /// A region code prefix (e.g. `34` for Anhui, `341504` for Yeji).
    #[serde(default)]
    #[schema(required = true, pattern = "^[0-9]{2,12}$")]
    pub region: String,
    pub effective_from: Option<chrono::NaiveDate>,
    pub effective_to: Option<chrono::NaiveDate>,
    /// No ASCII commas or line breaks (rows are kept as CSV).
    #[serde(default)]
    #[schema(pattern = "^[^,\\n]*$")]
    pub label: String,
    /// The document and its number; no ASCII commas or line breaks.
    #[serde(default)]
    #[schema(
        required = true,
        min_length = 1,
        pattern = "^[^,\\n]*[^,\\n\\s][^,\\n]*$"
    )]
    pub source: String,
}

/// The kinds of subsidy schedule row (schema only: the row is parsed as CSV).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ScheduleKind {
    Rate,
    Flat,
    Partial,
    Travel,
}

/// How subsidy totals are grouped (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum TotalsBy {
    Unit,
    Handler,
    Month,
}

/// Adds a row (a new rate or a new version from a later date; rows are never edited).
#[utoipa::path(post, path = "/api/v1/subsidy-schedule", tag = "cases", security(("bearer" = [])), request_body = ScheduleRowIn,
    responses((status = 201, body = ScheduleEntry), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_schedule_row(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ScheduleRowIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let row = uc::ScheduleRow {
        kind: b.kind,
        case_type: b.case_type,
        stage: b.stage,
        grade: b.grade,
        item: b.item,
        amount_fen: opt(b.amount_fen.map(|v| v.to_string())),
        percent: opt(b.percent.map(|v| v.to_string())),
        min_km: opt(b.min_km.map(|v| v.to_string())),
        region: b.region,
        effective_from: opt(b.effective_from.map(|d| d.to_string())),
        effective_to: opt(b.effective_to.map(|d| d.to_string())),
        label: b.label,
        source: b.source,
    };
    let e = uc::add_schedule_row(&s.app, &ctx, &row).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(e).unwrap_or_default()),
    ))
}
