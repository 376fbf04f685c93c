//! Regions, users and roles, and the audit trail.

use super::records::id_from;
use super::{KeysetList, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use legalaid_app::audit::VerifyReport;
use legalaid_app::filters::AuditFilter;
use legalaid_app::filters::UserFilter;
use legalaid_app::{AppError, audit, regions, users};
use legalaid_domain::audit::AuditEntry;
use legalaid_domain::role::Role;
use legalaid_domain::user::{User, UserInput};
use legalaid_domain::{UnitId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegionOut {
    pub code: String,
    pub name: String,
    pub level: legalaid_domain::region::RegionLevel,
    pub parent_code: Option<String>,
}

/// Every administrative region (GB/T 2260), parents before children.
#[utoipa::path(get, path = "/api/v1/regions", tag = "admin", security(("bearer" = [])), responses((status = 200, body = List<RegionOut>)))]
pub async fn list_regions(
    State(s): State<AppState>,
    ApiCtx(_ctx): ApiCtx,
) -> Result<Json<List<RegionOut>>, ApiError> {
    let items: Vec<RegionOut> = regions::list(&s.app)
        .await?
        .into_iter()
        .map(|r| RegionOut {
            code: r.code.to_string(),
            name: r.name,
            level: r.level,
            parent_code: r.parent_code.map(|p| p.to_string()),
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegionIn {
    /// GB/T 2260: 2 (province), 4 (city), 6 (county) or 9 (township) digits,
    /// under an existing parent.
    #[schema(pattern = "^[1-9][0-9]([0-9]{2}){0,2}([0-9]{3})?$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

/// Adds a region (system administrators).
#[utoipa::path(post, path = "/api/v1/regions", tag = "admin", security(("bearer" = [])), request_body = RegionIn,
    responses((status = 201, body = RegionOut), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_region(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RegionIn>,
) -> Result<(StatusCode, Json<RegionOut>), ApiError> {
    let r = regions::create(&s.app, &ctx, &b.code, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegionOut {
            code: r.code.to_string(),
            name: r.name,
            level: r.level,
            parent_code: r.parent_code.map(|p| p.to_string()),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the username or name.
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
    #[param(inline, value_type = Option<Role>)]
    pub role: Option<String>,
}

/// Accounts in the caller's scope (administrators and supervisors).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", security(("bearer" = [])), params(UserQuery, PageParams),
    responses((status = 200, body = List<User>), (status = 403, body = crate::error::Problem)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<UserQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<List<User>>, ApiError> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => {
            Some(Role::parse(r).ok_or_else(|| ApiError(AppError::field("role", "未知角色")))?)
        }
        None => None,
    };
    let f = UserFilter {
        q: q.q,
        unit_id: q.unit_id.map(UnitId),
        role,
    };
    let (items, total) = users::list(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UserCreate {
    /// 3 to 32 letters, digits, `.`, `_` or `-`, starting with a letter (kept in lower case).
    #[schema(pattern = "^\\s*[A-Za-z][A-Za-z0-9._-]{2,31}\\s*$")]
    pub username: String,
    /// Initial password; the user must change it at first sign-in. 10 to 128
    /// characters of at least three classes (upper, lower, digit, symbol), not
    /// containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[serde(flatten)]
    pub fields: UserInput,
}

/// Creates an account (system administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", security(("bearer" = [])), request_body = UserCreate,
    responses((status = 201, body = User), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<UserCreate>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(users::create(&s.app, &ctx, &b.username, &b.fields, &b.password).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::Problem)))]
pub async fn show_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(users::get(&s.app, &ctx, UserId(id_from(&id)?)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UserUpdate {
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub fields: UserInput,
}

/// Changes an account's name, unit, roles or status (system administrators).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = User), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<UserUpdate>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(
        users::update(&s.app, &ctx, UserId(id_from(&id)?), b.version, &b.fields).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordReset {
    /// 10 to 128 characters of at least three classes, not containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

/// Sets a new password for an account; its sessions and tokens end (system administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PasswordReset,
    responses((status = 200, body = User), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn reset_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PasswordReset>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(
        users::reset_password(&s.app, &ctx, UserId(id_from(&id)?), &b.password).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Record type, e.g. `unit`, `staff`, `user`.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Acting user's id.
    #[param(minimum = 1)]
    pub user_id: Option<i64>,
    /// Action, e.g. `unit.update`.
    pub action: Option<String>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive), RFC 3339.
    pub until: Option<DateTime<Utc>>,
    /// The page after this entry: the `next` of the previous page (instead of `page`).
    pub after: Option<String>,
}

impl AuditQuery {
    pub fn filter(self) -> AuditFilter {
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        AuditFilter {
            entity_type: nonempty(self.entity_type),
            entity_id: nonempty(self.entity_id),
            actor_user_id: self.user_id,
            action: nonempty(self.action),
            from: self.from,
            until: self.until,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: String,
    pub request_id: String,
    pub ip: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The record before the change, as JSON.
    #[schema(value_type = Option<serde_json::Value>)]
    pub before: Option<serde_json::Value>,
    /// The record after the change, as JSON.
    #[schema(value_type = Option<serde_json::Value>)]
    pub after: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        let parse = |s: Option<String>| {
            s.map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)))
        };
        AuditOut {
            seq: e.seq,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_username: e.actor_username,
            request_id: e.request_id,
            ip: e.ip,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            before: parse(e.before),
            after: parse(e.after),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// Searches the audit trail, newest first (administrators and supervisors).
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", security(("bearer" = [])), params(AuditQuery, PageParams),
    responses((status = 200, body = KeysetList<AuditOut>, description = "`{items, total, more_than, next}`: `total` counts up to 1,000 (`more_than` is then set); `next` asks for the following page as `after`"),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn search_audit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<AuditQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<KeysetList<AuditOut>>, ApiError> {
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            a.parse::<i64>()
                .ok()
                .filter(|a| *a > 0)
                .ok_or_else(|| AppError::field("after", "不是列表给出的 next 值"))?,
        ),
    };
    let found = audit::search(&s.app, &ctx, &q.filter(), p.page(), after).await?;
    let next = found
        .has_next
        .then(|| found.items.last().map(|e| e.seq.to_string()))
        .flatten();
    Ok(Json(KeysetList {
        items: found.items.into_iter().map(AuditOut::from).collect(),
        total: found.total,
        more_than: found.more_than,
        next,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyOut {
    pub entries: i64,
    pub ok: bool,
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

impl From<VerifyReport> for VerifyOut {
    fn from(r: VerifyReport) -> Self {
        VerifyOut {
            entries: r.entries,
            ok: r.ok,
            broken_seq: r.broken_seq,
            problem: r.problem,
        }
    }
}

/// Recomputes the audit chain and names the first broken entry.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = VerifyOut), (status = 403, body = crate::error::Problem)))]
pub async fn verify_audit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<VerifyOut>, ApiError> {
    Ok(Json(audit::verify(&s.app, &ctx).await?.into()))
}
