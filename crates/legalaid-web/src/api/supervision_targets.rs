//! Target sheets (目标任务分解, issue 12): `GET /api/v1/supervision/targets`
//! (a region's target and its split over the lines below, each optionally by
//! case type) and `PUT` (set some or all of them, all or nothing). Described
//! by their own OpenAPI part ([`TargetsDoc`]), merged into the document.

use super::{BearerAuth, ErrorResponses};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use legalaid_app::supervision::targets::{self as uc, TargetSheet};
use legalaid_domain::supervision::Split;
use legalaid_domain::supervision::targets::UnitTarget;
use serde::Deserialize;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(sheet, set),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "supervision", description = "督导：目标任务、序时进度、落后单位与统计口径"))
)]
pub struct TargetsDoc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// A region code (2, 4 or 6 digits); default the caller's own region.
    pub region: Option<String>,
    /// Default this year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// A line of the sheet (`legalaid_app::supervision::targets::TargetLine`).
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionTargetLine)]
#[allow(dead_code)] // describes JSON for the OpenAPI document
pub struct LineDoc {
    node: super::supervision::NodeDoc,
    name: String,
    /// The unit holding the target; null for a region without a justice bureau.
    unit_id: Option<i64>,
    target: UnitTarget,
}

/// The split of one case type's part.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionTypeSplit)]
#[allow(dead_code)]
pub struct TypeSplitDoc {
    case_type: legalaid_domain::case::CaseType,
    split: Split,
}

/// A region's target sheet.
#[derive(utoipa::ToSchema)]
#[schema(as = SupervisionTargetSheet)]
#[allow(dead_code)]
pub struct SheetDoc {
    year: i32,
    /// The region's code ("" for every province).
    region: String,
    own: LineDoc,
    lines: Vec<LineDoc>,
    split: Option<Split>,
    type_splits: Vec<TypeSplitDoc>,
    can_edit: bool,
}

fn this_year(s: &AppState) -> i32 {
    use chrono::Datelike;
    legalaid_domain::local_date(legalaid_app::Clock::now(s.app.clock.as_ref())).year()
}

/// A region's target and how it is split over the regions or units below.
#[utoipa::path(get, path = "/api/v1/supervision/targets", tag = "supervision", security(("bearer" = [])), params(SheetQuery),
    responses((status = 200, body = SheetDoc), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem)))]
pub async fn sheet(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<SheetQuery>,
) -> Result<Json<TargetSheet>, ApiError> {
    let year = q.year.unwrap_or_else(|| this_year(&s));
    Ok(Json(
        uc::sheet(&s.app, &ctx, q.region.as_deref(), year).await?,
    ))
}

/// One unit's target to set.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = SupervisionTargetIn)]
pub struct LineIn {
    #[schema(minimum = 1)]
    pub unit_id: i64,
    /// Null removes the unit's target (and its split by type).
    pub cases: Option<i64>,
    /// The parts by case type (each at most once; their sum at most `cases`).
    #[serde(default)]
    pub by_type: Vec<legalaid_domain::supervision::targets::TypeTarget>,
}

/// Targets to set on a region's sheet.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = SupervisionTargetsIn)]
pub struct SheetIn {
    /// Default the caller's own region.
    pub region: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The region's own unit (its justice bureau) or units below it.
    pub lines: Vec<LineIn>,
}

/// Sets targets on a region's sheet (bureau supervisors and administrators):
/// all are checked before any is written; each change is audited.
#[utoipa::path(put, path = "/api/v1/supervision/targets", tag = "supervision", security(("bearer" = [])), request_body = SheetIn,
    responses((status = 204, description = "set"), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "a region outside the caller's"),
        (status = 422, body = crate::error::Problem, description = "a bad number, a split over the target, or a unit not on the sheet")))]
pub async fn set(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<SheetIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    let inputs: Vec<(i64, UnitTarget)> = b
        .lines
        .into_iter()
        .map(|l| {
            (
                l.unit_id,
                UnitTarget {
                    cases: l.cases,
                    by_type: l.by_type,
                },
            )
        })
        .collect();
    uc::set(&s.app, &ctx, b.region.as_deref(), b.year, &inputs).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/supervision/targets", get(sheet).put(set))
}
