//! Work queues over the API: what waits on the caller, and (for supervisors)
//! every queue of their region.

use super::PageParams;
use super::schemas::QueuePageDoc;
use crate::extract::{ApiCtx, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use legalaid_app::queues::{self, DueFilter, QueuePage};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// `overdue` (past their due date), `soon` (due within 3 days, or overdue) or
    /// `all` (default).
    #[param(inline, value_type = Option<QueueDue>)]
    pub due: Option<String>,
}

/// Which items of a queue to list.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "snake_case")]
pub enum QueueDue {
    All,
    Overdue,
    Soon,
}

fn due_of(q: &QueueQuery) -> Result<DueFilter, ApiError> {
    match q.due.as_deref().map(str::trim) {
        None | Some("" | "all") => Ok(DueFilter::All),
        Some("overdue") => Ok(DueFilter::Overdue),
        Some("soon") => Ok(DueFilter::Soon),
        Some(_) => Err(ApiError(legalaid_app::AppError::field(
            "due",
            "due 应为 all、overdue 或 soon",
        ))),
    }
}

/// What waits on the caller: their roles' queues in their units and their own
/// cases as handler, earliest due first, each with its deadline and the page where
/// it is done.
#[utoipa::path(get, path = "/api/v1/work-queue", tag = "queues", security(("bearer" = [])), params(QueueQuery, PageParams),
    responses((status = 200, body = QueuePageDoc, description = "`{items, total, all, overdue, soon}`: each item has `task`, `number`, `due`, `provisional`, `state` (overdue/due_today/due_soon/running/waiting), `href`"),
        (status = 422, body = crate::error::Problem)))]
pub async fn mine(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<QueueQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<QueuePage>, ApiError> {
    Ok(Json(
        queues::queue(&s.app, &ctx, due_of(&q)?, p.page()).await?,
    ))
}

/// Every queue of the caller's region (justice bureau, legal aid center,
/// administrators), earliest due first.
#[utoipa::path(get, path = "/api/v1/work-queue/region", tag = "queues", security(("bearer" = [])), params(QueueQuery, PageParams),
    responses((status = 200, body = QueuePageDoc, description = "as `/work-queue`, over every unit and role of the region"),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn region(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<QueueQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<QueuePage>, ApiError> {
    Ok(Json(
        queues::supervision(&s.app, &ctx, due_of(&q)?, p.page()).await?,
    ))
}
