//! Units and staff.

use super::{List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::filters::StaffFilter;
use legalaid_app::filters::UnitFilter;
use legalaid_app::{staff, units};
use legalaid_domain::staff::{Staff, StaffInput, StaffKind};
use legalaid_domain::unit::{Unit, UnitInput, UnitKind};
use legalaid_domain::{StaffId, UnitId};
use serde::Deserialize;

/// A record id from the path; anything that is not a positive integer names no record.
pub(crate) fn id_from<T: From<i64>>(raw: &str) -> Result<T, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(T::from)
        .ok_or(ApiError(legalaid_app::AppError::NotFound))
}

fn bad_filter(field: &str, msg: &str) -> ApiError {
    ApiError(legalaid_app::AppError::field(field, msg))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Part of the unit name.
    pub q: Option<String>,
    #[param(inline, value_type = Option<legalaid_domain::unit::UnitKind>)]
    pub kind: Option<String>,
    /// Region code: units in this region's subtree.
    #[param(pattern = "^[1-9][0-9]([0-9]{2}){0,2}([0-9]{3})?$")]
    pub region: Option<String>,
}

/// Units the caller can see.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", security(("bearer" = [])), params(UnitQuery, PageParams),
    responses((status = 200, body = List<Unit>), (status = 401, body = crate::error::Problem)))]
pub async fn list_units(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<UnitQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<Unit>>, ApiError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(UnitKind::parse(k).ok_or_else(|| bad_filter("kind", "未知的单位类型"))?),
        None => None,
    };
    let region = match q.region.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(
            legalaid_domain::region::RegionCode::parse(r).map_err(|m| bad_filter("region", &m))?,
        ),
        None => None,
    };
    let f = UnitFilter {
        q: q.q,
        kind,
        region,
    };
    let (items, total) = units::list(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// Creates a unit (administrators; supervisors within their region).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", security(("bearer" = [])), request_body = UnitInput,
    responses((status = 201, body = Unit), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_unit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<Unit>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(units::create(&s.app, &ctx, &body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Unit), (status = 404, body = crate::error::Problem)))]
pub async fn show_unit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Unit>, ApiError> {
    Ok(Json(units::get(&s.app, &ctx, UnitId(id_from(&id)?)).await?))
}

/// An update: the fields and the `version` that was read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UnitUpdate {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub fields: UnitInput,
}

/// Updates a unit; 409 if it changed since `version` was read.
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UnitUpdate,
    responses((status = 200, body = Unit), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_unit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UnitUpdate>,
) -> Result<Json<Unit>, ApiError> {
    Ok(Json(
        units::update(
            &s.app,
            &ctx,
            UnitId(id_from(&id)?),
            body.version,
            &body.fields,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Part of the name or licence number.
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
    #[param(inline, value_type = Option<legalaid_domain::staff::StaffKind>)]
    pub kind: Option<String>,
}

/// Staff of the units the caller can see.
#[utoipa::path(get, path = "/api/v1/staff", tag = "units", security(("bearer" = [])), params(StaffQuery, PageParams),
    responses((status = 200, body = List<Staff>), (status = 401, body = crate::error::Problem)))]
pub async fn list_staff(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<StaffQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<Staff>>, ApiError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(StaffKind::parse(k).ok_or_else(|| bad_filter("kind", "未知的人员类别"))?),
        None => None,
    };
    let f = StaffFilter {
        q: q.q,
        unit_id: q.unit_id.map(UnitId),
        kind,
    };
    let (items, total) = staff::list(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "units", security(("bearer" = [])), request_body = StaffInput,
    responses((status = 201, body = Staff), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_staff(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<StaffInput>,
) -> Result<(StatusCode, Json<Staff>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(staff::create(&s.app, &ctx, &body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "units", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Staff), (status = 404, body = crate::error::Problem)))]
pub async fn show_staff(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(
        staff::get(&s.app, &ctx, StaffId(id_from(&id)?)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StaffUpdate {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub fields: StaffInput,
}

#[utoipa::path(put, path = "/api/v1/staff/{id}", tag = "units", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StaffUpdate,
    responses((status = 200, body = Staff), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_staff(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StaffUpdate>,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(
        staff::update(
            &s.app,
            &ctx,
            StaffId(id_from(&id)?),
            body.version,
            &body.fields,
        )
        .await?,
    ))
}
