//! Follow-up visits to recipients (回访) and the fee alert: record a visit, the
//! list, one visit, handle its alert, plan a period, the plans, the figures. The
//! use cases are `legalaid_app::quality::visits`; the answers' shapes are
//! described here for the OpenAPI document (the `…Doc` mirrors), beside the
//! handlers that give them.

use super::records::id_from;
use super::{List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use legalaid_app::quality::visits::{
    self as uc, FiguresView, Line, ListFilter, PlanInput, PlanItem, PlanOutcome, RecordInput,
    VisitView,
};
use legalaid_domain::followup::{
    CallOutcome, ItemRating, Satisfaction, VisitFigures, VisitInput, VisitMode, VisitPlanStatus,
    VisitTiming,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VisitIn {
    /// The case visited (after assignment).
    #[schema(minimum = 1)]
    pub case_id: i64,
    /// The plan carried out; found by the case and timing when not given.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub plan_id: Option<i64>,
    #[serde(flatten)]
    pub visit: VisitInput,
}

/// Records a visit. One that finds money asked or taken (LAL art 20) raises an
/// alert: the center's quality staff and director are told, and it waits in the
/// quality queue until handled.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])), request_body = VisitIn,
    responses((status = 201, body = VisitViewDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 404, body = crate::error::Problem, description = "the case (or review) named is absent or not visible to the caller")))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<VisitIn>,
) -> Result<(StatusCode, Json<VisitView>), ApiError> {
    let input = RecordInput {
        case_id: Some(b.case_id),
        plan_id: b.plan_id,
        visit: b.visit,
    };
    Ok((
        StatusCode::CREATED,
        Json(uc::record(&s.app, &ctx, &input).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// Visited on or after this day.
    pub from: Option<NaiveDate>,
    /// Visited on or before this day.
    pub to: Option<NaiveDate>,
    /// Only visits whose fee alert is not handled yet.
    pub open_alerts: Option<bool>,
    #[param(minimum = 1)]
    pub case_id: Option<i64>,
}

/// The visits of the caller's region, newest first (center staff and bureau
/// supervisors; 403 for others).
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])), params(PageParams, VisitQuery),
    responses((status = 200, body = List<VisitLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> Result<Json<List<Line>>, ApiError> {
    let f = ListFilter {
        from: q.from,
        to: q.to,
        open_alerts: q.open_alerts.unwrap_or(false),
        case_id: q.case_id,
    };
    let (items, total) = uc::list(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// One visit, with its alert and the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = VisitViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<VisitView>, ApiError> {
    Ok(Json(uc::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HandleAlertIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// How the center investigated and handled the clue.
    pub note: String,
}

/// Records how the center handled a visit's fee alert; it leaves the queue.
#[utoipa::path(post, path = "/api/v1/visits/{id}/handle-alert", tag = "visits", security(("bearer" = [])), params(("id" = i64, Path)), request_body = HandleAlertIn,
    responses((status = 200, body = VisitViewDoc), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn handle_alert(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<HandleAlertIn>,
) -> Result<Json<VisitView>, ApiError> {
    Ok(Json(
        uc::handle_alert(&s.app, &ctx, id_from(&id)?, b.version, &b.note).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Only plans not yet carried out.
    pub open: Option<bool>,
}

/// The visit plans of the caller's region, open ones first by due date.
#[utoipa::path(get, path = "/api/v1/visits/plans", tag = "visits", security(("bearer" = [])), params(PageParams, PlanQuery),
    responses((status = 200, body = List<PlanItemDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn plans(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<List<PlanItem>>, ApiError> {
    let (items, total) = uc::plans(&s.app, &ctx, q.open.unwrap_or(false), p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PlanIn {
    /// Cases closed on or after this day.
    pub from: NaiveDate,
    /// Cases closed on or before this day.
    pub to: NaiveDate,
    /// The share of the closed cases to visit.
    #[schema(minimum = 0, maximum = 100)]
    pub share_percent: u32,
    /// The draw's key; the same seed draws the same cases.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub seed: String,
}

/// Plans a visit for a reproducible share of the cases closed in the period
/// (idempotent: a case is planned once per timing).
#[utoipa::path(post, path = "/api/v1/visits/plans", tag = "visits", security(("bearer" = [])), request_body = PlanIn,
    responses((status = 200, body = PlanOutcomeDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn plan(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<PlanIn>,
) -> Result<Json<PlanOutcome>, ApiError> {
    let input = PlanInput {
        from: Some(b.from),
        to: Some(b.to),
        share_percent: Some(b.share_percent),
        seed: b.seed,
    };
    Ok(Json(uc::plan(&s.app, &ctx, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Visited on or after this day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// Visited on or before this day (default: today).
    pub to: Option<NaiveDate>,
}

/// The figures of the visits of a period: attempts, 接通率, 满意率 (满意 and
/// 基本满意 of the answered 总体评价), fee alerts; in all, per handling unit and
/// per handler.
#[utoipa::path(get, path = "/api/v1/visits/figures", tag = "visits", security(("bearer" = [])), params(FiguresQuery),
    responses((status = 200, body = VisitFiguresViewDoc), (status = 403, body = crate::error::Problem)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<FiguresView>, ApiError> {
    let today = legalaid_domain::local_date(s.app.clock.now());
    let to = q.to.unwrap_or(today);
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    Ok(Json(uc::figures(&s.app, &ctx, from, to).await?))
}

// ---------------------------------------------------------------- documented shapes

/// A visit as stored (`legalaid_store::visits::Visit`).
#[derive(utoipa::ToSchema)]
#[schema(as = Visit)]
#[allow(dead_code)] // describes the JSON of `Visit` for the OpenAPI document
pub struct VisitDoc {
    id: i64,
    case_id: i64,
    plan_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    mode: VisitMode,
    timing: VisitTiming,
    visited_on: NaiveDate,
    caller_id: i64,
    outcome: CallOutcome,
    service_attitude: Option<Satisfaction>,
    communication: Option<Satisfaction>,
    rights_protection: Option<Satisfaction>,
    case_result: Option<Satisfaction>,
    overall: Option<Satisfaction>,
    fee_asked: bool,
    fee_paid: bool,
    fee_detail: String,
    on_time: Option<bool>,
    notes: String,
    alert_raised: bool,
    alert_handled: bool,
    alert_handled_at: Option<DateTime<Utc>>,
    alert_handled_by: Option<i64>,
    alert_note: String,
    created_at: DateTime<Utc>,
    version: i64,
}

/// A visit as its list shows it (`legalaid_store::visits::Line`).
#[derive(utoipa::ToSchema)]
#[schema(as = VisitLine)]
#[allow(dead_code)]
pub struct VisitLineDoc {
    id: i64,
    case_id: i64,
    plan_id: Option<i64>,
    unit_id: i64,
    region_code: String,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    mode: VisitMode,
    timing: VisitTiming,
    visited_on: NaiveDate,
    caller_id: i64,
    outcome: CallOutcome,
    service_attitude: Option<Satisfaction>,
    communication: Option<Satisfaction>,
    rights_protection: Option<Satisfaction>,
    case_result: Option<Satisfaction>,
    overall: Option<Satisfaction>,
    fee_asked: bool,
    fee_paid: bool,
    fee_detail: String,
    on_time: Option<bool>,
    notes: String,
    alert_raised: bool,
    alert_handled: bool,
    alert_handled_at: Option<DateTime<Utc>>,
    alert_handled_by: Option<i64>,
    alert_note: String,
    created_at: DateTime<Utc>,
    version: i64,
    case_number: String,
    handler_name: Option<String>,
    caller_name: String,
}

#[derive(utoipa::ToSchema)]
#[schema(as = VisitAction)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum VisitActionDoc {
    HandleAlert,
}

/// A visit with what its page shows (`legalaid_app::quality::visits::VisitView`).
#[derive(utoipa::ToSchema)]
#[schema(as = VisitView)]
#[allow(dead_code)]
pub struct VisitViewDoc {
    visit: VisitDoc,
    case_number: String,
    handling_unit: Option<String>,
    handler: Option<String>,
    caller: String,
    evaluations: Vec<ItemRating>,
    alert_text: Option<String>,
    actions: Vec<VisitActionDoc>,
}

/// A plan as its list shows it (`legalaid_app::quality::visits::PlanItem`).
#[derive(utoipa::ToSchema)]
#[schema(as = VisitPlanItem)]
#[allow(dead_code)]
pub struct PlanItemDoc {
    id: i64,
    case_id: i64,
    timing: VisitTiming,
    due_on: NaiveDate,
    unit_id: i64,
    region_code: String,
    seed: String,
    share_percent: i64,
    status: VisitPlanStatus,
    planned_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
    case_number: String,
    handler_name: Option<String>,
    /// Planned and past its due date.
    overdue: bool,
}

/// What a planning run did (`legalaid_app::quality::visits::PlanOutcome`).
#[derive(utoipa::ToSchema)]
#[schema(as = VisitPlanOutcome)]
#[allow(dead_code)]
pub struct PlanOutcomeDoc {
    from: NaiveDate,
    to: NaiveDate,
    share_percent: u32,
    seed: String,
    closed: u32,
    selected: u32,
    planned: u32,
    already_planned: u32,
}

/// The figures of one handling unit or handler.
#[derive(utoipa::ToSchema)]
#[schema(as = VisitFigureLine)]
#[allow(dead_code)]
pub struct FigureLineDoc {
    id: Option<i64>,
    name: String,
    figures: VisitFigures,
}

/// The figures of a period (`legalaid_app::quality::visits::FiguresView`).
#[derive(utoipa::ToSchema)]
#[schema(as = VisitFiguresView)]
#[allow(dead_code)]
pub struct VisitFiguresViewDoc {
    from: NaiveDate,
    to: NaiveDate,
    total: VisitFigures,
    by_unit: Vec<FigureLineDoc>,
    by_handler: Vec<FigureLineDoc>,
}
