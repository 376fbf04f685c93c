//! Case file review (案卷评查): scoring schemes, the expert pool, review rounds
//! and their draw, and the review of each file in its three tiers.

use super::schemas::{
    ExpertDoc, RatingViewDoc, RectificationLineDoc, RectificationViewDoc, ReviewLineDoc,
    ReviewViewDoc, RoundDoc, RoundViewDoc, StoredSchemeDoc,
};
use super::{List, PageParams};
use crate::api::records::id_from;
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::AppError;
use legalaid_app::quality::{Expert, ReviewLine, Round, StoredScheme};
use legalaid_app::quality::{experts, rectifications, reviews, rounds, schemes};
use legalaid_domain::quality::review::ReviewStatus;
use legalaid_domain::quality::scheme::{ItemScore, SchemeItem, Thresholds};
use serde::Deserialize;

// ---------------------------------------------------------------- schemes

/// The scoring schemes in force, one version per code (withdrawn ones marked).
#[utoipa::path(get, path = "/api/v1/quality/schemes", tag = "quality", security(("bearer" = [])),
    responses((status = 200, body = List<StoredSchemeDoc>)))]
pub async fn list_schemes(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<StoredScheme>>, ApiError> {
    let items = schemes::list(&s.app, &ctx).await?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(List { items, total }))
}

/// One version of a scheme with its items.
#[utoipa::path(get, path = "/api/v1/quality/schemes/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = StoredSchemeDoc)))]
pub async fn show_scheme(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<StoredScheme>, ApiError> {
    Ok(Json(schemes::get(&s.app, &ctx, id_from(&id)?).await?.0))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SchemeIn {
    /// Stable code, lower-case letters, digits and `_`; shared by the versions.
    pub code: String,
    pub name: String,
    #[schema(inline, value_type = legalaid_domain::case::CaseType)]
    pub case_type: String,
    /// Stage codes; empty for every stage.
    #[serde(default)]
    #[schema(inline, value_type = Vec<legalaid_domain::case::Stage>)]
    pub stages: Vec<String>,
    #[schema(inline, value_type = legalaid_domain::quality::scheme::ScoringMethod)]
    pub method: String,
    /// The method's defaults (90/80/60 or 5/4/3) when absent.
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
    pub items: Vec<SchemeItem>,
    #[serde(default)]
    pub source: String,
    /// The version edited; absent for a new code. An edit saves the next version.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub base_version: Option<i64>,
}

/// Saves a scheme: a new code as version 1, an edit as the next version (the
/// reviews bound to an earlier version keep it). 百分制 items must add up to 100.
#[utoipa::path(post, path = "/api/v1/quality/schemes", tag = "quality", security(("bearer" = [])), request_body = SchemeIn,
    responses((status = 201, body = StoredSchemeDoc)))]
pub async fn save_scheme(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<SchemeIn>,
) -> Result<(StatusCode, Json<StoredScheme>), ApiError> {
    let input = schemes::SchemeInput {
        code: b.code,
        name: b.name,
        case_type: b.case_type,
        stages: b.stages,
        method: b.method,
        thresholds: b.thresholds,
        items: b.items,
        source: b.source,
        base_version: b.base_version,
    };
    Ok((
        StatusCode::CREATED,
        Json(schemes::save(&s.app, &ctx, input).await?),
    ))
}

// ---------------------------------------------------------------- experts

/// The expert pool of the caller's region.
#[utoipa::path(get, path = "/api/v1/quality/experts", tag = "quality", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = List<ExpertDoc>)))]
pub async fn list_experts(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<Expert>>, ApiError> {
    let (items, total) = experts::list(&s.app, &ctx, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExpertIn {
    pub name: String,
    #[schema(inline, value_type = legalaid_domain::quality::review::ExpertKind)]
    pub kind: String,
    /// The registered unit they work in (a firm, the center): nobody reviews
    /// their own unit's files.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub unit_id: Option<i64>,
    /// Their staff record, if any: nobody reviews their own cases.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub staff_id: Option<i64>,
    /// The account they sign in with (role `expert`).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub work_unit: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub licence_no: String,
    #[serde(default)]
    #[schema(minimum = 1950, maximum = 2100)]
    pub practice_start_year: Option<i64>,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub honours: String,
    /// Administrative or disciplinary sanction on record.
    #[serde(default)]
    pub sanctioned: bool,
    /// In the pool (false: withdrawn).
    #[serde(default = "yes")]
    pub active: bool,
    /// For an update: the version edited.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

impl From<ExpertIn> for experts::ExpertInput {
    fn from(b: ExpertIn) -> Self {
        experts::ExpertInput {
            name: b.name,
            kind: b.kind,
            unit_id: b.unit_id,
            staff_id: b.staff_id,
            user_id: b.user_id,
            work_unit: b.work_unit,
            phone: b.phone,
            licence_no: b.licence_no,
            practice_start_year: b.practice_start_year,
            specialty: b.specialty,
            honours: b.honours,
            sanctioned: b.sanctioned,
            active: b.active,
            version: b.version,
        }
    }
}

/// Adds an expert to the pool of the caller's region.
#[utoipa::path(post, path = "/api/v1/quality/experts", tag = "quality", security(("bearer" = [])), request_body = ExpertIn,
    responses((status = 201, body = ExpertDoc)))]
pub async fn create_expert(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ExpertIn>,
) -> Result<(StatusCode, Json<Expert>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(experts::create(&s.app, &ctx, &b.into()).await?),
    ))
}

/// One expert of the pool.
#[utoipa::path(get, path = "/api/v1/quality/experts/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ExpertDoc)))]
pub async fn show_expert(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Expert>, ApiError> {
    Ok(Json(experts::get(&s.app, &ctx, id_from(&id)?).await?))
}

/// Changes an expert's entry (withdraw with `active: false`).
#[utoipa::path(put, path = "/api/v1/quality/experts/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ExpertIn,
    responses((status = 200, body = ExpertDoc)))]
pub async fn update_expert(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ExpertIn>,
) -> Result<Json<Expert>, ApiError> {
    Ok(Json(
        experts::update(&s.app, &ctx, id_from(&id)?, &b.into()).await?,
    ))
}

// ---------------------------------------------------------------- rounds

/// The review rounds of the caller's region, newest first.
#[utoipa::path(get, path = "/api/v1/quality/rounds", tag = "quality", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = List<RoundDoc>)))]
pub async fn list_rounds(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<Round>>, ApiError> {
    let (items, total) = rounds::list(&s.app, &ctx, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RoundIn {
    /// e.g. 2026年下半年案卷评查
    pub name: String,
    /// Files archived from this day…
    pub closed_from: Option<chrono::NaiveDate>,
    /// …to this day (both included).
    pub closed_to: Option<chrono::NaiveDate>,
    /// When the reviews are due.
    pub due_on: Option<chrono::NaiveDate>,
    #[schema(inline, value_type = legalaid_domain::quality::scheme::ScoringMethod)]
    pub method: String,
    #[schema(inline, value_type = legalaid_domain::quality::sampling::SampleMethod)]
    pub sample_method: String,
    /// For `share`: the percentage of each unit's files.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100)]
    pub percent: Option<u32>,
    /// For `share`: the minimum per unit; for `per_unit`: the number per unit.
    #[serde(default)]
    #[schema(maximum = 1000)]
    pub per_unit: Option<u32>,
    #[serde(default)]
    #[schema(inline, value_type = Vec<legalaid_domain::case::CaseType>)]
    pub case_types: Vec<String>,
    /// Add every file graded 不合格 in the last round.
    #[serde(default)]
    pub include_last_unqualified: bool,
    /// Experts per file (default 2).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    pub reviewers_per_case: Option<u32>,
    /// Years of practice of outside experts (default 5).
    #[serde(default)]
    #[schema(maximum = 50)]
    pub min_practice_years: Option<u32>,
    /// To repeat a draw; random when absent.
    #[serde(default)]
    pub seed: Option<String>,
}

/// Creates a round of the caller's center or bureau.
#[utoipa::path(post, path = "/api/v1/quality/rounds", tag = "quality", security(("bearer" = [])), request_body = RoundIn,
    responses((status = 201, body = RoundDoc)))]
pub async fn create_round(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RoundIn>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    let input = rounds::RoundInput {
        name: b.name,
        closed_from: b.closed_from,
        closed_to: b.closed_to,
        due_on: b.due_on,
        method: b.method,
        sample_method: b.sample_method,
        percent: b.percent,
        per_unit: b.per_unit,
        case_types: b.case_types,
        include_last_unqualified: b.include_last_unqualified,
        reviewers_per_case: b.reviewers_per_case,
        min_practice_years: b.min_practice_years,
        seed: b.seed,
    };
    Ok((
        StatusCode::CREATED,
        Json(rounds::create(&s.app, &ctx, &input).await?),
    ))
}

/// A round with its rule, what its draw found and its results by unit, handler
/// and case type.
#[utoipa::path(get, path = "/api/v1/quality/rounds/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RoundViewDoc)))]
pub async fn show_round(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<rounds::RoundView>, ApiError> {
    Ok(Json(rounds::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionIn {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Draws the round's files, binds their schemes and assigns their reviewers, all
/// or nothing.
#[utoipa::path(post, path = "/api/v1/quality/rounds/{id}/draw", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = RoundViewDoc)))]
pub async fn draw(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<rounds::RoundView>, ApiError> {
    Ok(Json(
        rounds::draw(&s.app, &ctx, id_from(&id)?, b.version).await?,
    ))
}

/// Closes a round whose every file is final.
#[utoipa::path(post, path = "/api/v1/quality/rounds/{id}/close", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = RoundViewDoc)))]
pub async fn close(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<rounds::RoundView>, ApiError> {
    Ok(Json(
        rounds::close(&s.app, &ctx, id_from(&id)?, b.version).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilesQuery {
    /// Only files at this stage of review.
    #[param(inline, value_type = Option<ReviewStatus>)]
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The files of a round (an expert: only those assigned to them).
#[utoipa::path(get, path = "/api/v1/quality/rounds/{id}/reviews", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path), FilesQuery),
    responses((status = 200, body = List<ReviewLineDoc>)))]
pub async fn round_reviews(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FilesQuery>,
) -> Result<Json<List<ReviewLine>>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            ReviewStatus::parse(s)
                .ok_or_else(|| ApiError(AppError::field("status", "评查状态不正确")))?,
        ),
    };
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = rounds::files(&s.app, &ctx, id_from(&id)?, status, page).await?;
    Ok(Json(List { items, total }))
}

// ---------------------------------------------------------------- reviews

/// The review of one file: the file, its scheme, its experts, the sheets the
/// caller may read, and the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ReviewViewDoc)))]
pub async fn show_review(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<reviews::ReviewView>, ApiError> {
    Ok(Json(reviews::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ArchiveIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The file is complete and bound in order.
    pub complete: bool,
    /// What is missing or out of order (required when not complete).
    #[serde(default)]
    pub missing: String,
    #[serde(default)]
    pub note: String,
}

/// The archive check (归档审查) by the center's quality staff.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/archive-check", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ArchiveIn,
    responses((status = 200, body = ReviewViewDoc)))]
pub async fn archive_check(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ArchiveIn>,
) -> Result<Json<reviews::ReviewView>, ApiError> {
    let input = reviews::ArchiveInput {
        version: Some(b.version),
        complete: Some(b.complete),
        missing: b.missing,
        note: b.note,
    };
    Ok(Json(
        reviews::archive_check(&s.app, &ctx, id_from(&id)?, &input).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SheetIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Quality staff entering an expert's paper sheet name the expert; experts
    /// submitting their own leave it out.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub expert_id: Option<i64>,
    /// Every item of the scheme once, within its points; a deduction needs a note.
    pub scores: Vec<ItemScore>,
    pub findings: String,
}

fn sheet(b: SheetIn) -> reviews::SheetInput {
    reviews::SheetInput {
        version: Some(b.version),
        expert_id: b.expert_id,
        scores: b.scores,
        findings: b.findings,
    }
}

/// An expert's sheet (初评); once every assigned sheet is in, the file goes to
/// the director.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/score", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = SheetIn,
    responses((status = 200, body = ReviewViewDoc)))]
pub async fn score(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SheetIn>,
) -> Result<Json<reviews::ReviewView>, ApiError> {
    Ok(Json(
        reviews::score(&s.app, &ctx, id_from(&id)?, &sheet(b)).await?,
    ))
}

/// The director's re-check (复核): the final grade, which reaches the case and
/// its subsidy.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/recheck", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = SheetIn,
    responses((status = 200, body = ReviewViewDoc)))]
pub async fn recheck(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SheetIn>,
) -> Result<Json<reviews::ReviewView>, ApiError> {
    Ok(Json(
        reviews::recheck(&s.app, &ctx, id_from(&id)?, &sheet(b)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegradeIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// What was rectified.
    pub reason: String,
}

/// Sends a file graded 不合格 back to the director to be graded again after
/// rectification (复评).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/regrade", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RegradeIn,
    responses((status = 200, body = ReviewViewDoc)))]
pub async fn regrade(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RegradeIn>,
) -> Result<Json<reviews::ReviewView>, ApiError> {
    Ok(Json(
        reviews::regrade(&s.app, &ctx, id_from(&id)?, b.version, &b.reason).await?,
    ))
}

// ---------------------------------------------------------------- rectifications

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationQuery {
    /// Only open orders (待整改, 已反馈, 退回重新整改).
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The orders the caller deals with: issued in their region, or addressed to
/// their unit or to them.
#[utoipa::path(get, path = "/api/v1/rectifications", tag = "quality", security(("bearer" = [])), params(RectificationQuery),
    responses((status = 200, body = List<RectificationLineDoc>)))]
pub async fn list_rectifications(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<RectificationQuery>,
) -> Result<Json<List<legalaid_app::quality::rectifications::Line>>, ApiError> {
    let page = legalaid_app::Page::new(q.page, q.per_page);
    let (items, total) = rectifications::list(&s.app, &ctx, q.open.unwrap_or(false), page).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RectificationIn {
    /// The review whose findings are to be rectified (source `file_review`).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub review_id: Option<i64>,
    /// The case concerned, if any (a review names its own).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub case_id: Option<i64>,
    #[serde(flatten)]
    pub order: legalaid_domain::rectification::RectificationInput,
}

/// Issues a rectification order (整改通知) to a unit or a handler; they are told
/// and have it in their queue.
#[utoipa::path(post, path = "/api/v1/rectifications", tag = "quality", security(("bearer" = [])), request_body = RectificationIn,
    responses((status = 201, body = RectificationViewDoc), (status = 404, body = crate::error::Problem, description = "the case (or review) named is absent or not visible to the caller")))]
pub async fn issue_rectification(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RectificationIn>,
) -> Result<(StatusCode, Json<rectifications::RectificationView>), ApiError> {
    let input = rectifications::IssueInput {
        review_id: b.review_id,
        case_id: b.case_id,
        order: b.order,
    };
    Ok((
        StatusCode::CREATED,
        Json(rectifications::issue(&s.app, &ctx, &input).await?),
    ))
}

/// One order, with the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/rectifications/{id}", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RectificationViewDoc)))]
pub async fn show_rectification(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<rectifications::RectificationView>, ApiError> {
    Ok(Json(
        rectifications::get(&s.app, &ctx, id_from(&id)?).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// What was rectified.
    pub answer: String,
}

/// The target reports what was rectified (整改反馈).
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/answer", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AnswerIn,
    responses((status = 200, body = RectificationViewDoc)))]
pub async fn answer_rectification(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AnswerIn>,
) -> Result<Json<rectifications::RectificationView>, ApiError> {
    Ok(Json(
        rectifications::answer(&s.app, &ctx, id_from(&id)?, b.version, &b.answer).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VerifyIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Rectified (closed, 销号); false sends it back.
    pub ok: bool,
    /// What is still wrong (required when sent back).
    #[serde(default)]
    pub note: String,
}

/// The issuer checks the answer: closed, or sent back.
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/verify", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VerifyIn,
    responses((status = 200, body = RectificationViewDoc)))]
pub async fn verify_rectification(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VerifyIn>,
) -> Result<Json<rectifications::RectificationView>, ApiError> {
    Ok(Json(
        rectifications::verify(&s.app, &ctx, id_from(&id)?, b.version, b.ok, &b.note).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EscalateIn {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The formal talk (约谈): when, whom, why.
    pub note: String,
}

/// Escalates an open order to a formal talk (约谈).
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/escalate", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)), request_body = EscalateIn,
    responses((status = 200, body = RectificationViewDoc)))]
pub async fn escalate_rectification(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<EscalateIn>,
) -> Result<Json<rectifications::RectificationView>, ApiError> {
    Ok(Json(
        rectifications::escalate(&s.app, &ctx, id_from(&id)?, b.version, &b.note).await?,
    ))
}

// ---------------------------------------------------------------- ratings

/// A handler's quality rating with its derivation and its weight in the
/// assignment ranking.
#[utoipa::path(get, path = "/api/v1/staff/{id}/rating", tag = "quality", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RatingViewDoc)))]
pub async fn staff_rating(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<legalaid_app::ratings::RatingView>, ApiError> {
    Ok(Json(
        legalaid_app::ratings::of_staff(&s.app, &ctx, id_from(&id)?).await?,
    ))
}

/// The versions of the rating rule (product defaults until the bureau sets its own).
#[utoipa::path(get, path = "/api/v1/rating-rules", tag = "quality", security(("bearer" = [])),
    responses((status = 200, body = List<legalaid_domain::rating::RatingRule>)))]
pub async fn rating_rules(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<legalaid_domain::rating::RatingRule>>, ApiError> {
    let items = legalaid_app::ratings::list_rules(&s.app, &ctx).await?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(List { items, total }))
}

/// Adds a version of the rating rule, in force from its `effective_from`.
#[utoipa::path(post, path = "/api/v1/rating-rules", tag = "quality", security(("bearer" = [])), request_body = legalaid_domain::rating::RatingRule,
    responses((status = 201, body = List<legalaid_domain::rating::RatingRule>)))]
pub async fn add_rating_rule(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<legalaid_domain::rating::RatingRule>,
) -> Result<(StatusCode, Json<List<legalaid_domain::rating::RatingRule>>), ApiError> {
    let items = legalaid_app::ratings::add_rule(&s.app, &ctx, b).await?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok((StatusCode::CREATED, Json(List { items, total })))
}
