//! Supervision (督导, ADR 0023): `/api/v1/supervision` — progress against
//! targets and against time for a region or a unit on any day, with the lines
//! one level down and the monthly trend — and `/api/v1/supervision/rules`, the
//! counting rules with their effective dates (409 for a second rule on a day).
//!
//! `/api/v1/supervision/orders` are the supervision orders (督办): issued on a
//! unit that lags (409 while one is open on the same unit, year and
//! indicator), answered by the unit, closed, returned or escalated by the
//! bureau, with the 督办通知书 as a document.
//!
//! Described by their own OpenAPI part ([`SupervisionDoc`]), merged into the
//! document.

use super::{BearerAuth, ErrorResponses, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use legalaid_app::AppError;
use legalaid_app::supervision::bulletins;
use legalaid_app::supervision::orders::{self as orders, Decision, OrderView};
use legalaid_app::supervision::{self as uc, Dashboard};
use legalaid_domain::supervision::order::{
    Escalation, Figures, Indicator, OrderInput, OrderStatus,
};
use legalaid_domain::supervision::{Progress, Ratio, Share, Split, SupervisionRule};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(dashboard, rules, add_rule, list_orders, issue_order, show_order, answer_order,
        close_order, return_order, escalate_order, order_documents, order_document, statistics,
        list_bulletins, create_bulletin, show_bulletin, edit_bulletin, issue_bulletin, bulletin_document,
        evaluation, enter_evaluation),
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
    /// The open supervision orders on the node and its lines.
    open_orders: Vec<OpenOrderDoc>,
    /// The node's progress per case type, against its target's part for the
    /// type where the target is split so.
    by_type: Vec<TypeLineDoc>,
}

/// The node's progress in one case type.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionTypeLine)]
#[allow(dead_code)]
pub struct TypeLineDoc {
    case_type: legalaid_domain::case::CaseType,
    progress: Progress,
}

/// An open supervision order beside a dashboard line.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionOpenOrder)]
#[allow(dead_code)]
pub struct OpenOrderDoc {
    id: i64,
    node: NodeDoc,
    indicator: Indicator,
    escalation: Escalation,
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

// ---------------------------------------------------------------- orders

/// A supervision order as stored (`legalaid_store::supervision_orders::SupervisionOrder`).
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionOrder)]
#[allow(dead_code)]
pub struct OrderDoc {
    id: i64,
    /// The issuing bureau and its region.
    unit_id: i64,
    region_code: String,
    target_unit_id: i64,
    year: i32,
    indicator: Indicator,
    /// The indicator's data on the day of issue.
    figures: Figures,
    requirement: String,
    issued_on: NaiveDate,
    /// The deadline of the unit's answer now running.
    deadline: NaiveDate,
    status: OrderStatus,
    escalation: Escalation,
    issued_by: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    version: i64,
}

/// An order in a list, with its unit's name.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionOrderLine)]
#[allow(dead_code)]
pub struct OrderLineDoc {
    id: i64,
    unit_id: i64,
    region_code: String,
    target_unit_id: i64,
    target_unit_name: String,
    year: i32,
    indicator: Indicator,
    figures: Figures,
    requirement: String,
    issued_on: NaiveDate,
    deadline: NaiveDate,
    status: OrderStatus,
    escalation: Escalation,
    issued_by: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    version: i64,
}

/// One step of an order's history.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionOrderStep)]
#[allow(dead_code)]
pub struct StepDoc {
    id: i64,
    order_id: i64,
    /// `issue`, `answer`, `close`, `return` or `escalate`.
    action: String,
    /// The step's name in Chinese.
    label: String,
    /// The ladder step after it.
    escalation: Escalation,
    /// The deadline it set, if any.
    deadline: Option<NaiveDate>,
    note: String,
    created_by: i64,
    /// The name of who took it.
    by: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// An order with its history and what the caller may do (`answer`, `close`,
/// `return`, `escalate`).
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionOrderView)]
#[allow(dead_code)]
pub struct OrderViewDoc {
    order: OrderDoc,
    issuing_unit: String,
    target_unit: String,
    /// The figures the order stands on now (of the last escalation, or of the issue).
    figures: Figures,
    steps: Vec<StepDoc>,
    overdue: bool,
    actions: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// Only orders not closed.
    pub open: Option<bool>,
    /// Only the orders to one unit.
    #[param(minimum = 1)]
    pub unit: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The orders the caller deals with, newest first: to units in their region, or to their own unit.
#[utoipa::path(get, path = "/api/v1/supervision/orders", tag = "supervision", security(("bearer" = [])), params(OrdersQuery),
    responses((status = 200, body = List<OrderLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn list_orders(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<OrdersQuery>,
) -> Result<Json<List<orders::Line>>, ApiError> {
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = orders::list(&s.app, &ctx, q.open.unwrap_or(false), q.unit, page).await?;
    Ok(Json(List { items, total }))
}

/// Issues an order (督办) on a unit that lags on the indicator today (bureau
/// supervisors); the figures are computed by the server; the unit is told.
#[utoipa::path(post, path = "/api/v1/supervision/orders", tag = "supervision", security(("bearer" = [])), request_body = OrderInput,
    responses((status = 201, body = OrderViewDoc), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "an order on the same unit, year and indicator is still open"),
        (status = 422, body = crate::error::Problem, description = "invalid input, or the unit does not lag on the indicator")))]
pub async fn issue_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<OrderInput>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(orders::issue(&s.app, &ctx, &b).await?),
    ))
}

/// One order with its history.
#[utoipa::path(get, path = "/api/v1/supervision/orders/{id}", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = OrderViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(
        orders::get(&s.app, &ctx, super::records::id_from(&id)?).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = SupervisionAnswerIn)]
pub struct AnswerIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// What the unit did (落实情况和措施).
    #[schema(min_length = 1, max_length = 2000)]
    pub measures: String,
}

/// The unit answers with its measures.
#[utoipa::path(post, path = "/api/v1/supervision/orders/{id}/answer", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AnswerIn,
    responses((status = 200, body = OrderViewDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "not awaiting an answer, or changed since read"), (status = 422, body = crate::error::Problem)))]
pub async fn answer_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AnswerIn>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(
        orders::answer(
            &s.app,
            &ctx,
            super::records::id_from(&id)?,
            b.version,
            &b.measures,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = SupervisionDecisionIn)]
pub struct DecisionIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The bureau's note: optional to close; what is missing to return; the
    /// arrangements to escalate.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
    /// The new deadline (return and escalate): after today, within 90 days.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

async fn decide(
    s: &AppState,
    ctx: &legalaid_app::Ctx,
    id: &str,
    b: &DecisionIn,
    d: Decision,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(
        orders::decide(
            &s.app,
            ctx,
            super::records::id_from(id)?,
            b.version,
            d,
            &b.note,
            b.deadline,
        )
        .await?,
    ))
}

/// The bureau accepts the answer and closes the order (办结).
#[utoipa::path(post, path = "/api/v1/supervision/orders/{id}/close", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = OrderViewDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "not answered, or changed since read"), (status = 422, body = crate::error::Problem)))]
pub async fn close_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> Result<Json<OrderView>, ApiError> {
    decide(&s, &ctx, &id, &b, Decision::Close).await
}

/// The bureau returns the answer with what is missing and a new deadline.
#[utoipa::path(post, path = "/api/v1/supervision/orders/{id}/return", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = OrderViewDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "not answered, or changed since read"), (status = 422, body = crate::error::Problem)))]
pub async fn return_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> Result<Json<OrderView>, ApiError> {
    decide(&s, &ctx, &id, &b, Decision::Return).await
}

/// The bureau escalates the order (督办 → 专项督查 → 约谈) with a new deadline;
/// the figures are taken again as of today and the unit is told.
#[utoipa::path(post, path = "/api/v1/supervision/orders/{id}/escalate", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = OrderViewDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "closed, already at 约谈, or changed since read"), (status = 422, body = crate::error::Problem)))]
pub async fn escalate_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> Result<Json<OrderView>, ApiError> {
    decide(&s, &ctx, &id, &b, Decision::Escalate).await
}

/// The documents of an order (the 督办通知书).
#[utoipa::path(get, path = "/api/v1/supervision/orders/{id}/documents", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<super::documents::AvailableDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn order_documents(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<legalaid_app::documents::Available>>, ApiError> {
    super::documents::list_of(
        &s,
        &ctx,
        legalaid_app::records::Subject::SupervisionOrder(super::records::id_from(&id)?),
    )
    .await
}

/// The 督办通知书 (PDF or DOCX); the generation is audited.
#[utoipa::path(get, path = "/api/v1/supervision/orders/{id}/documents/{doc}", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path), ("doc" = String, Path, description = "supervision_notice"), super::documents::FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn order_document(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, doc)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<super::documents::FormatQuery>,
) -> Result<axum::response::Response, ApiError> {
    super::documents::render(
        &s,
        &ctx,
        legalaid_app::records::Subject::SupervisionOrder(super::records::id_from(&id)?),
        &doc,
        q,
    )
    .await
}

// ---------------------------------------------------------------- statistics

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The dimension (default `case_type`).
    #[param(inline, value_type = Option<legalaid_domain::supervision::stats::Dimension>)]
    pub by: Option<String>,
    /// A region code (2, 4 or 6 digits); default the caller's own region.
    pub region: Option<String>,
    /// The first day of the period (cases opened that day count); default 1 January of `to`'s year.
    pub from: Option<NaiveDate>,
    /// The last day (default today); at most five years after `from`.
    pub to: Option<NaiveDate>,
}

/// One row (`legalaid_app::supervision::statistics::Row`).
#[derive(utoipa::ToSchema)]
#[schema(as = StatisticsRow)]
#[allow(dead_code)]
pub struct StatRowDoc {
    /// `{kind: "code"|"id"|"month"|"none", value}`: the dimension's value.
    key: serde_json::Value,
    label: String,
    figures: legalaid_domain::supervision::stats::Figures,
}

/// A statistics table.
#[derive(utoipa::ToSchema)]
#[schema(as = Statistics)]
#[allow(dead_code)]
pub struct StatisticsDoc {
    dimension: legalaid_domain::supervision::stats::Dimension,
    from: NaiveDate,
    to: NaiveDate,
    region: String,
    region_name: String,
    rows: Vec<StatRowDoc>,
    /// Each case once.
    total: legalaid_domain::supervision::stats::Figures,
    /// A case may stand in several rows (recipient groups).
    overlapping: bool,
}

/// The cases opened in a period in a region, broken down by one dimension, with
/// counts and sums per row and the total (bureaus and centers in their region).
#[utoipa::path(get, path = "/api/v1/supervision/statistics", tag = "supervision", security(("bearer" = [])), params(StatisticsQuery),
    responses((status = 200, body = StatisticsDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem)))]
pub async fn statistics(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<StatisticsQuery>,
) -> Result<Json<legalaid_app::supervision::statistics::Statistics>, ApiError> {
    use legalaid_domain::supervision::stats::Dimension;
    let by = match q.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => Dimension::CaseType,
        Some(b) => {
            Dimension::parse(b).ok_or_else(|| ApiError(AppError::field("by", "统计维度不正确")))?
        }
    };
    Ok(Json(
        legalaid_app::supervision::statistics::statistics(
            &s.app,
            &ctx,
            by,
            q.region.as_deref(),
            q.from,
            q.to,
        )
        .await?,
    ))
}

// ---------------------------------------------------------------- bulletins

/// A bulletin (`legalaid_store::bulletins::Bulletin`).
#[derive(utoipa::ToSchema)]
#[schema(as = Bulletin)]
#[allow(dead_code)]
pub struct BulletinDoc {
    id: i64,
    /// The issuing bureau and the region covered.
    unit_id: i64,
    region_code: String,
    title: String,
    period_from: NaiveDate,
    as_of: NaiveDate,
    /// The frozen figures.
    snapshot: legalaid_domain::supervision::bulletin::Snapshot,
    sections: legalaid_domain::supervision::bulletin::Sections,
    status: legalaid_domain::supervision::bulletin::BulletinStatus,
    /// Empty until issued.
    number: String,
    issued_on: Option<NaiveDate>,
    issued_by: Option<i64>,
    created_by: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    version: i64,
}

/// A bulletin in a list.
#[derive(utoipa::ToSchema)]
#[schema(as = BulletinListLine)]
#[allow(dead_code)]
pub struct BulletinLineDoc {
    id: i64,
    region_code: String,
    title: String,
    period_from: NaiveDate,
    as_of: NaiveDate,
    status: legalaid_domain::supervision::bulletin::BulletinStatus,
    number: String,
    issued_on: Option<NaiveDate>,
}

/// What a new bulletin is asked for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = BulletinIn)]
pub struct BulletinIn {
    /// A region code; default the caller's.
    #[serde(default)]
    pub region: Option<String>,
    /// Default the first day of `as_of`'s month; in the same year as `as_of`.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Default the last day of last month; not after today.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: Option<String>,
}

/// The bulletins the caller reads, newest first: drafts and issued ones of their
/// region (supervising side), issued ones addressed to their unit.
#[utoipa::path(get, path = "/api/v1/supervision/bulletins", tag = "supervision", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = List<BulletinLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn list_bulletins(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<List<bulletins::Line>>, ApiError> {
    let (items, total) = bulletins::list(&s.app, &ctx, q.page()).await?;
    Ok(Json(List { items, total }))
}

/// Generates a draft (bureau supervisors): the figures frozen now, the sections suggested.
#[utoipa::path(post, path = "/api/v1/supervision/bulletins", tag = "supervision", security(("bearer" = [])), request_body = BulletinIn,
    responses((status = 201, body = BulletinDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 409, body = crate::error::Problem, description = "not a bureau's account"),
        (status = 422, body = crate::error::Problem)))]
pub async fn create_bulletin(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<BulletinIn>,
) -> Result<(StatusCode, Json<bulletins::Bulletin>), ApiError> {
    let input = bulletins::NewBulletin {
        region: b.region,
        from: b.from,
        as_of: b.as_of,
        title: b.title,
    };
    Ok((
        StatusCode::CREATED,
        Json(bulletins::create(&s.app, &ctx, &input).await?),
    ))
}

/// One bulletin.
#[utoipa::path(get, path = "/api/v1/supervision/bulletins/{id}", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = BulletinDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show_bulletin(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<bulletins::Bulletin>, ApiError> {
    Ok(Json(
        bulletins::get(&s.app, &ctx, super::records::id_from(&id)?).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = BulletinEditIn)]
pub struct BulletinEditIn {
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    pub sections: legalaid_domain::supervision::bulletin::Sections,
}

/// Edits a draft's title and sections (409 once issued).
#[utoipa::path(post, path = "/api/v1/supervision/bulletins/{id}/edit", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = BulletinEditIn,
    responses((status = 200, body = BulletinDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "issued, or changed since read"), (status = 422, body = crate::error::Problem)))]
pub async fn edit_bulletin(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<BulletinEditIn>,
) -> Result<Json<bulletins::Bulletin>, ApiError> {
    Ok(Json(
        bulletins::edit(
            &s.app,
            &ctx,
            super::records::id_from(&id)?,
            b.version,
            &b.title,
            &b.sections,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = BulletinIssueIn)]
pub struct IssueIn {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Issues a draft: it takes its number and the units of the region are told.
#[utoipa::path(post, path = "/api/v1/supervision/bulletins/{id}/issue", tag = "supervision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = IssueIn,
    responses((status = 200, body = BulletinDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "already issued, or changed since read")))]
pub async fn issue_bulletin(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<IssueIn>,
) -> Result<Json<bulletins::Bulletin>, ApiError> {
    Ok(Json(
        bulletins::issue(&s.app, &ctx, super::records::id_from(&id)?, b.version).await?,
    ))
}

/// The bulletin as a document (PDF or DOCX); a draft says so in its number line.
#[utoipa::path(get, path = "/api/v1/supervision/bulletins/{id}/document", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path), super::documents::FormatQuery),
    responses((status = 200, description = "the document"), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem)))]
pub async fn bulletin_document(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<super::documents::FormatQuery>,
) -> Result<axum::response::Response, ApiError> {
    let format = super::documents::format_of(q)?;
    let (doc, name) = bulletins::document(&s.app, &ctx, super::records::id_from(&id)?).await?;
    Ok(crate::documents::respond(doc, &name, &format).await?)
}

// ---------------------------------------------------------------- evaluation

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// A region code; default the caller's.
    pub region: Option<String>,
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// A unit's result.
#[derive(utoipa::ToSchema)]
#[schema(as = EvaluationResult)]
#[allow(dead_code)]
pub struct ResultDoc {
    unit_id: Option<i64>,
    name: String,
    total: f64,
    rank: usize,
    scores: Vec<legalaid_domain::supervision::evaluation::Score>,
}

/// The evaluation of a region's units.
#[derive(utoipa::ToSchema)]
#[schema(as = Evaluation)]
#[allow(dead_code)]
pub struct EvaluationDoc {
    year: i32,
    as_of: NaiveDate,
    region_name: String,
    scheme_name: String,
    scheme_source: String,
    full: f64,
    /// The indicators a value is entered for: `[code, label, standard]`.
    entered: Vec<Vec<String>>,
    results: Vec<ResultDoc>,
}

/// The units one level below a region that were given a target, scored by the
/// year's scheme, ranked, each indicator with its points and evidence.
#[utoipa::path(get, path = "/api/v1/supervision/evaluation", tag = "supervision", security(("bearer" = [])), params(EvaluationQuery),
    responses((status = 200, body = EvaluationDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem)))]
pub async fn evaluation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EvaluationQuery>,
) -> Result<Json<legalaid_app::supervision::evaluation::Evaluation>, ApiError> {
    Ok(Json(
        legalaid_app::supervision::evaluation::evaluate(&s.app, &ctx, q.region.as_deref(), q.year)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = EvaluationEntryIn)]
pub struct EntryIn {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(minimum = 1)]
    pub unit_id: i64,
    /// An indicator of the year's scheme whose source is not computed.
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[schema(minimum = 0, maximum = 1000000)]
    pub value: f64,
    #[schema(min_length = 1, max_length = 2000)]
    pub evidence: String,
}

/// Enters the value of an entered indicator for a unit (bureau supervisors).
#[utoipa::path(post, path = "/api/v1/supervision/evaluation/entries", tag = "supervision", security(("bearer" = [])), request_body = EntryIn,
    responses((status = 204, description = "kept"), (status = 403, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn enter_evaluation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<EntryIn>,
) -> Result<StatusCode, ApiError> {
    legalaid_app::supervision::evaluation::enter(
        &s.app,
        &ctx,
        b.year,
        b.unit_id,
        &b.code,
        b.value,
        &b.evidence,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/supervision", get(dashboard))
        .route("/supervision/rules", get(rules).post(add_rule))
        .route("/supervision/statistics", get(statistics))
        .route("/supervision/evaluation", get(evaluation))
        .route("/supervision/evaluation/entries", post(enter_evaluation))
        .route(
            "/supervision/bulletins",
            get(list_bulletins).post(create_bulletin),
        )
        .route("/supervision/bulletins/{id}", get(show_bulletin))
        .route("/supervision/bulletins/{id}/edit", post(edit_bulletin))
        .route("/supervision/bulletins/{id}/issue", post(issue_bulletin))
        .route(
            "/supervision/bulletins/{id}/document",
            get(bulletin_document),
        )
        .route("/supervision/orders", get(list_orders).post(issue_order))
        .route("/supervision/orders/{id}", get(show_order))
        .route("/supervision/orders/{id}/answer", post(answer_order))
        .route("/supervision/orders/{id}/close", post(close_order))
        .route("/supervision/orders/{id}/return", post(return_order))
        .route("/supervision/orders/{id}/escalate", post(escalate_order))
        .route("/supervision/orders/{id}/documents", get(order_documents))
        .route(
            "/supervision/orders/{id}/documents/{doc}",
            get(order_document),
        )
}
