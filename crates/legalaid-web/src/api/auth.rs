//! Sign-in and the caller's own account.

use crate::extract::{ApiCtx, ApiJson, Meta, bearer};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use legalaid_app::auth::{self, LoginKind};
use legalaid_domain::user::User;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn login(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let out = auth::login(
        &s.app,
        &meta,
        &body.username,
        &body.password,
        LoginKind::Api,
    )
    .await?;
    Ok(Json(LoginResponse {
        token: out.secret,
        expires_at: out.expires_at,
        user: out.user,
    }))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204), (status = 401, body = crate::error::Problem)))]
pub async fn logout(
    State(s): State<AppState>,
    ApiCtx(_ctx): ApiCtx,
    req: axum::extract::Request,
) -> Result<StatusCode, ApiError> {
    let (parts, _) = req.into_parts();
    if let Some(token) = bearer(&parts) {
        auth::revoke_token(&s.app, token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = User), (status = 401, body = crate::error::Problem)))]
pub async fn me(ApiCtx(ctx): ApiCtx) -> Result<Json<User>, ApiError> {
    let actor = ctx
        .actor
        .ok_or(ApiError(legalaid_app::AppError::NotFound))?;
    Ok(Json(actor.user))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// 10 to 128 characters of at least three classes, not containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Changes the caller's password. Every session and token of the user ends; the
/// response carries a new token.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 200, body = LoginResponse), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let out = auth::change_password(
        &s.app,
        &ctx,
        &body.current_password,
        &body.new_password,
        LoginKind::Api,
    )
    .await?;
    Ok(Json(LoginResponse {
        token: out.secret,
        expires_at: out.expires_at,
        user: out.user,
    }))
}
