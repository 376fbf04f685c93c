//! Excellent-case selection (优秀案例评选): `/api/v1/excellent/…`: selections,
//! nominations, the judges' sheets, the published honours.

use super::List;
use super::schemas::{
    CandidateDoc, HonourViewDoc, NominationLineDoc, NominationViewDoc, PendingSheetDoc,
    SelectionLineDoc, SelectionViewDoc,
};
use crate::api::records::id_from;
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::quality::excellent::nominations::{
    self as nom, NominateInput, NominationView, ScoreInput,
};
use legalaid_app::quality::excellent::{
    self as uc, Candidate, NominationLine, Pending, SelectionFilter, SelectionLine,
};
use legalaid_app::quality::excellent::{HonourView, SelectionView};
use legalaid_domain::excellent::{CriterionScore, SelectionInput, SelectionStatus};
use serde::Deserialize;

fn bad(field: &str, msg: &str) -> ApiError {
    ApiError(legalaid_app::AppError::field(field, msg))
}

/// One page of a short list read whole (at most a few hundred items).
fn listed<T>(items: Vec<T>, p: &super::PageParams) -> Json<List<T>> {
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let page = p.page();
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.per_page).unwrap_or(20);
    let items = items.into_iter().skip(skip).take(take).collect();
    Json(List { items, total })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SelectionQuery {
    /// `nominating`, `judging` or `published`.
    pub status: Option<String>,
    pub year: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The selections the caller sees (their region's; for a unit, those covering
/// it), newest first.
#[utoipa::path(get, path = "/api/v1/excellent/selections", tag = "quality", security(("bearer" = [])), params(SelectionQuery),
    responses((status = 200, body = List<SelectionLineDoc>)))]
pub async fn list_selections(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<SelectionQuery>,
) -> Result<Json<List<SelectionLine>>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(x) => Some(
            SelectionStatus::parse(x)
                .ok_or_else(|| bad("status", "status 应为 nominating、judging 或 published"))?,
        ),
    };
    let filter = SelectionFilter {
        status,
        year: q.year,
    };
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &ctx, &filter, page).await?;
    Ok(Json(List { items, total }))
}

/// Creates a selection with its criteria (default: the five indicators, 20
/// points each), places, judges per case and panel (ids of the expert pool).
/// Bureau supervisors and center directors; one title per region (409).
#[utoipa::path(post, path = "/api/v1/excellent/selections", tag = "quality", security(("bearer" = [])), request_body = SelectionInput,
    responses((status = 201, body = SelectionViewDoc)))]
pub async fn create_selection(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<SelectionInput>,
) -> Result<(StatusCode, Json<SelectionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(uc::create(&s.app, &ctx, &b).await?),
    ))
}

/// One selection: its settings, panel (organisers), ranking (provisional for
/// the organisers while judging; the honoured cases once published) and the
/// steps open to the caller.
#[utoipa::path(get, path = "/api/v1/excellent/selections/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = SelectionViewDoc)))]
pub async fn show_selection(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<SelectionView>, ApiError> {
    Ok(Json(uc::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionIn {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Closes the nominations and gives each case its judges (none of its own
/// unit); 409 without nominations or when a case cannot get enough judges.
#[utoipa::path(post, path = "/api/v1/excellent/selections/{id}/start-judging", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = SelectionViewDoc)))]
pub async fn start_judging(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<SelectionView>, ApiError> {
    Ok(Json(
        uc::start_judging(&s.app, &ctx, id_from(&id)?, b.version).await?,
    ))
}

/// Publishes the results once every judge has scored (409 otherwise): ranks
/// and honours are fixed, the handlers and units of the honoured cases told.
#[utoipa::path(post, path = "/api/v1/excellent/selections/{id}/publish", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = SelectionViewDoc)))]
pub async fn publish(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<SelectionView>, ApiError> {
    Ok(Json(
        uc::publish(&s.app, &ctx, id_from(&id)?, b.version).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominationQuery {
    /// Include withdrawn nominations.
    pub withdrawn: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The nominations of a selection the caller reads: all for the organisers'
/// side, a unit's own, a judge's assigned ones (without unit and handler
/// names); ranked once published.
#[utoipa::path(get, path = "/api/v1/excellent/selections/{id}/nominations", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path), NominationQuery),
    responses((status = 200, body = List<NominationLineDoc>)))]
pub async fn list_nominations(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<NominationQuery>,
) -> Result<Json<List<NominationLine>>, ApiError> {
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = nom::list(
        &s.app,
        &ctx,
        id_from(&id)?,
        q.withdrawn.unwrap_or(false),
        page,
    )
    .await?;
    Ok(Json(List { items, total }))
}

/// The archived cases of the period the caller may nominate (their unit's, or
/// their region's for the organisers), at most 200.
#[utoipa::path(get, path = "/api/v1/excellent/selections/{id}/candidates", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path), super::PageParams),
    responses((status = 200, body = List<CandidateDoc>)))]
pub async fn candidates(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<super::PageParams>,
) -> Result<Json<List<Candidate>>, ApiError> {
    Ok(listed(
        nom::candidates(&s.app, &ctx, id_from(&id)?).await?,
        &p,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NominateIn {
    #[schema(minimum = 1)]
    pub case_id: i64,
    /// 推荐理由 (at most 4000 characters).
    #[schema(max_length = 4000)]
    pub recommendation: String,
}

/// Nominates an archived case of the caller's unit (the organisers: of their
/// region) closed in the period: 404 for a case not visible, 403 for another
/// unit's, 409 once closed or already nominated, 422 for a case not archived,
/// out of the period or with a substantiated complaint.
#[utoipa::path(post, path = "/api/v1/excellent/selections/{id}/nominations", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NominateIn,
    responses((status = 201, body = NominationViewDoc), (status = 404, body = crate::error::Problem, description = "the selection or the case is absent or not visible to the caller")))]
pub async fn nominate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NominateIn>,
) -> Result<(StatusCode, Json<NominationView>), ApiError> {
    let input = NominateInput {
        case_id: Some(b.case_id),
        recommendation: b.recommendation,
    };
    Ok((
        StatusCode::CREATED,
        Json(nom::nominate(&s.app, &ctx, id_from(&id)?, &input).await?),
    ))
}

/// One nomination, with the case's closure, the sheets the caller may read and
/// the steps open to them.
#[utoipa::path(get, path = "/api/v1/excellent/nominations/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = NominationViewDoc)))]
pub async fn show_nomination(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<NominationView>, ApiError> {
    Ok(Json(nom::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WithdrawIn {
    #[schema(minimum = 1)]
    pub version: i64,
    pub reason: String,
}

/// Withdraws a nomination while nominations are open (its unit, or the
/// organiser).
#[utoipa::path(post, path = "/api/v1/excellent/nominations/{id}/withdraw", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = WithdrawIn,
    responses((status = 200, body = NominationViewDoc)))]
pub async fn withdraw(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<WithdrawIn>,
) -> Result<Json<NominationView>, ApiError> {
    Ok(Json(
        nom::withdraw(&s.app, &ctx, id_from(&id)?, b.version, &b.reason).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScoreIn {
    /// The judge whose paper sheet the organiser enters; absent when a judge
    /// scores for themselves.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub judge_id: Option<i64>,
    /// Every criterion of the selection once, within its points.
    pub scores: Vec<CriterionScore>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub comment: String,
}

/// A judge's sheet: once per judge (409), only by a judge assigned to the case
/// (403: a judge of its own unit never is), every criterion within its points
/// (422), while judging (409).
#[utoipa::path(post, path = "/api/v1/excellent/nominations/{id}/scores", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ScoreIn,
    responses((status = 201, body = NominationViewDoc)))]
pub async fn score(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ScoreIn>,
) -> Result<(StatusCode, Json<NominationView>), ApiError> {
    let input = ScoreInput {
        judge_id: b.judge_id,
        scores: b.scores,
        comment: b.comment,
    };
    Ok((
        StatusCode::CREATED,
        Json(nom::score(&s.app, &ctx, id_from(&id)?, &input).await?),
    ))
}

/// The nominations waiting for the caller's sheet (a judge's work), at most 200.
#[utoipa::path(get, path = "/api/v1/excellent/pending", tag = "quality", security(("bearer" = [])), params(super::PageParams),
    responses((status = 200, body = List<PendingSheetDoc>)))]
pub async fn pending(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<super::PageParams>,
) -> Result<Json<List<Pending>>, ApiError> {
    Ok(listed(nom::pending(&s.app, &ctx).await?, &p))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HonourQuery {
    #[param(minimum = 1)]
    pub case_id: i64,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The honours of a case (优秀案例), latest first.
#[utoipa::path(get, path = "/api/v1/excellent/honours", tag = "quality", security(("bearer" = [])), params(HonourQuery),
    responses((status = 200, body = List<HonourViewDoc>), (status = 404, body = crate::error::Problem, description = "the case is absent or not visible to the caller")))]
pub async fn honours(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<HonourQuery>,
) -> Result<Json<List<HonourView>>, ApiError> {
    if q.case_id <= 0 {
        return Err(ApiError(legalaid_app::AppError::NotFound));
    }
    let p = super::PageParams {
        page: q.page,
        per_page: q.per_page,
    };
    Ok(listed(
        uc::honours(&s.app, &ctx, legalaid_domain::CaseId(q.case_id)).await?,
        &p,
    ))
}
