//! Supervision (督导, ADR 0023): `/api/v1/supervision` — progress against
//! targets and against time for a region or a unit on any day, with the lines
//! one level down and the monthly trend — and `/api/v1/supervision/rules`, the
//! counting rules with their effective dates (409 for a second rule on a day).
//!
//! Described by their own OpenAPI part ([`SupervisionDoc`]), merged into the
//! document.

use super::{BearerAuth, ErrorResponses, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use legalaid_app::AppError;
use legalaid_app::supervision::{self as uc, Dashboard};
use legalaid_domain::supervision::{Progress, Ratio, Share, Split, SupervisionRule};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(dashboard, rules, add_rule),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "supervision", description = "督导：目标任务、序时进度、落后单位与统计口径"))
)]
pub struct SupervisionDoc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// A region code (2, 4 or 6 digits); default the caller's own region.
    pub region: Option<String>,
    /// A unit instead of a region.
    #[param(minimum = 1)]
    pub unit: Option<i64>,
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// The day the figures are as of (default today; never after today or the year's end).
    pub as_of: Option<NaiveDate>,
}

/// What a line is about: `{kind: "region", code}` or `{kind: "unit", id}`.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionNode)]
#[allow(dead_code)] // describes JSON for the OpenAPI document
pub struct NodeDoc {
    /// `region` or `unit`.
    kind: String,
    code: Option<String>,
    id: Option<i64>,
}

/// One region or unit with its figures (`legalaid_app::supervision::Line`).
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionLine)]
#[allow(dead_code)]
pub struct LineDoc {
    node: NodeDoc,
    name: String,
    progress: Progress,
    accepted: i64,
    assigned: i64,
    concluded: i64,
    archived: i64,
    /// 结案 ÷ 受理.
    conclusion_rate: Ratio,
    /// 归档 ÷ 结案.
    archive_rate: Ratio,
    /// Subsidies paid ÷ due (cases).
    subsidy_rate: Ratio,
    subsidy_due_fen: i64,
    subsidy_paid_fen: i64,
}

/// One month of the trend.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionMonth)]
#[allow(dead_code)]
pub struct MonthDoc {
    month: u32,
    counted: i64,
    cumulative: i64,
    time_percent: f64,
    completion: Option<f64>,
}

/// A dashboard (`legalaid_app::supervision::Dashboard`).
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionDashboard)]
#[allow(dead_code)]
pub struct DashboardDoc {
    year: i32,
    as_of: NaiveDate,
    /// The counting rule in force on `as_of`.
    rule: SupervisionRule,
    /// No rule was in force: the system default was used.
    rule_is_fallback: bool,
    /// 序时进度 as a fraction.
    time: Share,
    total: LineDoc,
    /// The node above, when the caller may go there.
    up: Option<NodeDoc>,
    lines: Vec<LineDoc>,
    split: Option<Split>,
    months: Vec<MonthDoc>,
}

/// Progress against targets and time of a region (default the caller's) or a unit.
#[utoipa::path(get, path = "/api/v1/supervision", tag = "supervision", security(("bearer" = [])), params(DashboardQuery),
    responses((status = 200, body = DashboardDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region or unit outside the caller's"),
        (status = 422, body = crate::error::Problem)))]
pub async fn dashboard(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(
        uc::dashboard(&s.app, &ctx, q.region.as_deref(), q.unit, q.year, q.as_of).await?,
    ))
}

/// The counting rules, oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/supervision/rules", tag = "supervision", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = List<SupervisionRule>), (status = 403, body = crate::error::Problem)))]
pub async fn rules(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<List<SupervisionRule>>, ApiError> {
    let all = uc::rules(&s.app, &ctx).await?;
    let total = all.len() as i64;
    let page = q.page();
    let items = all
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(0))
        .take(usize::try_from(page.per_page).unwrap_or(20))
        .collect();
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RuleIn {
    pub effective_from: NaiveDate,
    /// `accepted`, `assigned` or `concluded`.
    pub event: String,
    /// Case type codes; empty for all.
    #[serde(default)]
    pub case_types: Vec<String>,
    pub later_stages: bool,
    /// `month` or `day`.
    pub basis: String,
    #[schema(minimum = -100, maximum = 100)]
    pub lag_margin_points: i32,
    #[schema(min_length = 1, max_length = 500)]
    pub source: String,
}

/// Adds a rule from a day on (bureau supervisors); the open rule ends the day before.
#[utoipa::path(post, path = "/api/v1/supervision/rules", tag = "supervision", security(("bearer" = [])), request_body = RuleIn,
    responses((status = 201, body = SupervisionRule), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "a rule already starts that day"),
        (status = 422, body = crate::error::Problem)))]
pub async fn add_rule(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RuleIn>,
) -> Result<(StatusCode, Json<SupervisionRule>), ApiError> {
    use legalaid_domain::case::CaseType;
    use legalaid_domain::supervision::{Measure, PaceBasis};
    let mut errs = Vec::new();
    let event = Measure::parse(&b.event);
    if event.is_none() {
        errs.push(("event", "计件环节应为 accepted、assigned 或 concluded"));
    }
    let basis = PaceBasis::parse(&b.basis);
    if basis.is_none() {
        errs.push(("basis", "序时进度算法应为 month 或 day"));
    }
    let types: Vec<CaseType> = b
        .case_types
        .iter()
        .filter_map(|t| CaseType::parse(t))
        .collect();
    if types.len() != b.case_types.len() {
        errs.push(("case_types", "案件类型代码不正确"));
    }
    let (Some(event), Some(basis), true) = (event, basis, errs.is_empty()) else {
        return Err(ApiError(AppError::Validation(
            errs.into_iter()
                .map(|(f, m)| legalaid_domain::FieldError {
                    field: f.into(),
                    message: m.into(),
                })
                .collect(),
        )));
    };
    let rule = SupervisionRule {
        effective_from: b.effective_from,
        effective_to: None,
        event,
        case_types: types,
        later_stages: b.later_stages,
        basis,
        lag_margin_points: b.lag_margin_points,
        source: b.source.trim().to_owned(),
    };
    uc::add_rule(&s.app, &ctx, &rule).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/supervision", get(dashboard))
        .route("/supervision/rules", get(rules).post(add_rule))
}
