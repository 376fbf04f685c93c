//! Duplicate persons over the API (issue 13, ADR 0032): candidate pairs, a
//! merge, undoing it, a pair declared two people. Described by its own
//! OpenAPI part ([`PersonMergesDoc`]), merged into the document.

use super::{BearerAuth, ErrorResponses, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_app::persons::merge::{self as uc, DuplicatePair, Merge, MergeInput};
use legalaid_domain::PersonId;
use legalaid_domain::duplicate::{DuplicateReason, Moved};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(duplicates, merge, undo, distinct, merges),
    components(schemas(DuplicateReason, Moved)),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "persons", description = "当事人（申请人、受援人）"))
)]
pub struct PersonMergesDoc;

/// One side of a candidate pair.
#[derive(utoipa::ToSchema)]
#[schema(as = DuplicateSide)]
#[allow(dead_code)] // describes JSON for the OpenAPI document
pub struct SideDoc {
    id: i64,
    name: String,
    birth_date: Option<NaiveDate>,
    phone: String,
    id_number_masked: String,
    unit_id: i64,
    unit_name: String,
}

/// Two registrations that may be one person, and why.
#[derive(utoipa::ToSchema)]
#[schema(as = DuplicatePair)]
#[allow(dead_code)]
pub struct PairDoc {
    a: SideDoc,
    b: SideDoc,
    reasons: Vec<DuplicateReason>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = DuplicatePairs)]
#[allow(dead_code)]
pub struct PairsDoc {
    items: Vec<PairDoc>,
    total: i64,
}

/// A merge as recorded: what moved, by whom, and whether it was undone.
#[derive(utoipa::ToSchema)]
#[schema(as = PersonMerge)]
#[allow(dead_code)]
pub struct MergeDoc {
    id: i64,
    survivor_id: i64,
    merged_id: i64,
    reason: String,
    moved: Moved,
    merged_by: Option<i64>,
    merged_at: DateTime<Utc>,
    undone_by: Option<i64>,
    undone_at: Option<DateTime<Utc>>,
}

#[derive(utoipa::ToSchema)]
#[schema(as = PersonMerges)]
#[allow(dead_code)]
pub struct MergesDoc {
    items: Vec<MergeDoc>,
    total: i64,
}

fn id_of(raw: &str) -> Result<PersonId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(PersonId)
        .ok_or(ApiError(legalaid_app::AppError::NotFound))
}

/// Pairs of persons among the caller's units that may be one person: the same
/// name and birth date, the same phone, or the same birth date and names one
/// character apart; pairs declared two people are left out.
#[utoipa::path(get, path = "/api/v1/persons/duplicates", tag = "persons", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PairsDoc), (status = 403, body = crate::error::Problem)))]
pub async fn duplicates(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<DuplicatePair>>, ApiError> {
    let (items, total) = uc::candidates(&s.app, &ctx, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// A merge to make: `merged_id` into the person of the path.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PersonMergeIn)]
pub struct MergeIn {
    #[schema(minimum = 1)]
    pub merged_id: i64,
    /// The version read of the person kept.
    pub survivor_version: i64,
    /// The version read of the person merged.
    pub merged_version: i64,
    /// Why they are one person (at most 500 characters).
    pub reason: String,
}

/// Merges a duplicate registration into this person: every application, case,
/// consultation and duty-lawyer help of it moves here; the merged record stays,
/// pointing here, and the merge lists what moved. Audited (`person.merge`).
#[utoipa::path(post, path = "/api/v1/persons/{id}/merge", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)), request_body = MergeIn,
    responses((status = 200, body = MergeDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "a stale version, a record already merged, or a concurrent merge"),
        (status = 422, body = crate::error::Problem, description = "the same person twice, no reason, or an unknown merged_id")))]
pub async fn merge(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MergeIn>,
) -> Result<Json<Merge>, ApiError> {
    let input = MergeInput {
        merged_id: b.merged_id,
        survivor_version: b.survivor_version,
        merged_version: b.merged_version,
        reason: b.reason,
    };
    Ok(Json(uc::merge(&s.app, &ctx, id_of(&id)?, &input).await?))
}

/// Undoes a merge: the rows it moved that still name the person kept name the
/// merged record again. Audited (`person.unmerge`).
#[utoipa::path(post, path = "/api/v1/person-merges/{id}/undo", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = MergeDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "already undone")))]
pub async fn undo(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Merge>, ApiError> {
    Ok(Json(uc::undo(&s.app, &ctx, id_of(&id)?.0).await?))
}

/// Two persons offered as duplicates who are two people.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = DistinctPersonsIn)]
pub struct DistinctIn {
    #[schema(minimum = 1)]
    pub a: i64,
    #[schema(minimum = 1)]
    pub b: i64,
}

/// Declares two persons two people: the pair is no longer offered. Audited.
#[utoipa::path(post, path = "/api/v1/persons/duplicates/distinct", tag = "persons", security(("bearer" = [])), request_body = DistinctIn,
    responses((status = 204, description = "recorded"), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn distinct(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<DistinctIn>,
) -> Result<StatusCode, ApiError> {
    uc::declare_distinct(&s.app, &ctx, PersonId(b.a), PersonId(b.b)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The merges into or of a person, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/merges", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = MergesDoc), (status = 404, body = crate::error::Problem)))]
pub async fn merges(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Merge>>, ApiError> {
    let items = uc::of_person(&s.app, &ctx, id_of(&id)?).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/persons/duplicates", get(duplicates))
        .route("/persons/duplicates/distinct", post(distinct))
        .route("/persons/{id}/merge", post(merge))
        .route("/persons/{id}/merges", get(merges))
        .route("/person-merges/{id}/undo", post(undo))
}
