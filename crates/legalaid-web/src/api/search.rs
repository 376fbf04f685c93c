//! Full-text search over the API (ADR 0031): `GET /api/v1/search`, the same
//! search as the search box of every staff page. Described by its own OpenAPI
//! part ([`SearchDoc`]), merged into the document.

use super::{BearerAuth, ErrorResponses, PageParams};
use crate::extract::{ApiCtx, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use legalaid_app::search::{self as uc, SearchResults};
use legalaid_domain::search::{Piece, SearchKind};
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(search),
    components(schemas(Piece, SearchKind)),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "search", description = "全文检索：当事人、申请、案件、咨询与投诉"))
)]
pub struct SearchDoc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for: words, a name, a number, the last four digits of a
    /// phone (at most 100 characters; every word must occur in a hit).
    pub q: String,
    /// Only records of this kind.
    #[param(inline, value_type = Option<SearchKind>)]
    pub kind: Option<String>,
}

/// A hit (`legalaid_app::search::SearchHit`).
#[derive(utoipa::ToSchema)]
#[schema(as = SearchHit)]
#[allow(dead_code)] // describes JSON for the OpenAPI document
pub struct HitDoc {
    kind: SearchKind,
    kind_label: String,
    id: i64,
    /// The record's page.
    href: String,
    /// The title, matching words marked.
    title: Vec<Piece>,
    /// Text around the first match, matching words marked.
    snippet: Vec<Piece>,
}

/// A page of hits.
#[derive(utoipa::ToSchema)]
#[schema(as = SearchResults)]
#[allow(dead_code)]
pub struct ResultsDoc {
    q: String,
    /// The words searched for, as the query was segmented.
    terms: Vec<String>,
    items: Vec<HitDoc>,
    /// Hits counted (up to `more_than`).
    total: i64,
    /// Set when there are more hits than were counted.
    more_than: Option<i64>,
    page: i64,
    per_page: i64,
}

/// Finds persons, applications, cases, consultations and complaints by any of
/// their words (Chinese segmented with jieba), among the records the caller may
/// read: best first, the matching words marked.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", security(("bearer" = [])), params(SearchQuery, PageParams),
    responses((status = 200, body = ResultsDoc),
        (status = 422, body = crate::error::Problem, description = "an empty or too long query, too many words, or an unknown kind")))]
pub async fn search(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<SearchQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => Some(SearchKind::parse(k).ok_or_else(|| {
            ApiError(legalaid_app::AppError::field(
                "kind",
                "kind 应为 person、application、case、consultation 或 complaint",
            ))
        })?),
    };
    Ok(Json(uc::search(&s.app, &ctx, &q.q, kind, p.page()).await?))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/search", get(search))
}
