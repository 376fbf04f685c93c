//! Extractors: who is calling (API token or web session), request metadata, and
//! bodies whose rejections become our own errors (never a bare 400/500 text).

use crate::AppState;
use crate::error::ApiError;
use crate::input;
use crate::middleware::RequestInfo;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use legalaid_app::{AppError, Ctx, RequestMeta, auth};
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "legalaid_session";

pub(crate) fn meta(parts: &Parts) -> RequestMeta {
    parts
        .extensions
        .get::<RequestInfo>()
        .map(|r| RequestMeta {
            request_id: r.request_id.clone(),
            ip: r.ip.clone(),
        })
        .unwrap_or_default()
}

pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

pub(crate) fn session_cookie(parts: &Parts) -> Option<String> {
    cookie(parts, SESSION_COOKIE)
}

/// The value of a request cookie.
pub(crate) fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
}

/// An API caller, authenticated by bearer token.
pub struct ApiCtx(pub Ctx);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let meta = meta(parts);
        let Some(token) = bearer(parts) else {
            return Err(ApiError(AppError::Unauthenticated(
                "缺少访问令牌（Authorization: Bearer …）".into(),
            )));
        };
        match auth::authenticate_token(&state.app, token).await? {
            Some(actor)
                if actor.user.must_change_password
                    && !API_BEFORE_PASSWORD_CHANGE.contains(&full_path(parts)) =>
            {
                Err(ApiError(AppError::Forbidden(
                    "请先修改初始密码（POST /api/v1/me/password）".into(),
                )))
            }
            Some(actor) => Ok(ApiCtx(Ctx::user(actor, meta))),
            None => Err(ApiError(AppError::Unauthenticated(
                "访问令牌无效或已过期，请重新登录".into(),
            ))),
        }
    }
}

/// The request path as sent (nested routers see it without their prefix).
fn full_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |u| u.0.path())
}

/// What an account whose password was set by an administrator may still use.
const API_BEFORE_PASSWORD_CHANGE: &[&str] =
    &["/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"];
const PAGES_BEFORE_PASSWORD_CHANGE: &[&str] = &["/account/password", "/logout"];

/// A signed-in web user, with the session's CSRF token. Unauthenticated callers
/// are sent to the sign-in page.
pub struct PageCtx {
    pub ctx: Ctx,
    pub csrf: String,
    pub session_id: String,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let meta = meta(parts);
        let Some(sid) = session_cookie(parts) else {
            return Err(axum::response::Redirect::to("/login").into_response());
        };
        match auth::authenticate_session(&state.app, &sid).await {
            // A password set by an administrator must be replaced before anything else.
            Ok(Some(s))
                if s.actor.user.must_change_password
                    && !PAGES_BEFORE_PASSWORD_CHANGE.contains(&full_path(parts)) =>
            {
                Err(axum::response::Redirect::to("/account/password").into_response())
            }
            Ok(Some(s)) => Ok(PageCtx {
                ctx: Ctx::user(s.actor, meta),
                csrf: s.csrf_token,
                session_id: sid,
            }),
            Ok(None) => Err(axum::response::Redirect::to("/login").into_response()),
            Err(e) => Err(crate::error::PageError(e).into_response()),
        }
    }
}

/// Request metadata for calls made before anyone is signed in.
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Meta(meta(parts)))
    }
}

/// Query parameters for the API. Text no record may keep, or a value of the wrong
/// form, is a 422 problem naming the parameter, never plain text.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default().as_bytes();
        if let Some(e) = input::refused_in_pairs(q) {
            return Err(invalid(e));
        }
        input::from_pairs(q).map(ApiQuery).map_err(invalid)
    }
}

fn invalid(e: legalaid_domain::FieldError) -> Response {
    ApiError(AppError::Validation(vec![e])).into_response()
}

/// Query parameters for pages; a malformed query shows the error page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default().as_bytes();
        if let Some(e) = input::refused_in_pairs(q) {
            return Err(crate::html::error_page(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &format!("查询条件“{}”{}", e.field, e.message),
            ));
        }
        input::from_pairs(q).map(PageQuery).map_err(|_| {
            crate::html::error_page(
                axum::http::StatusCode::BAD_REQUEST,
                "查询条件格式有误（页码应为数字），请检查地址后重试。",
            )
        })
    }
}

/// The largest JSON body the API reads (uploads are multipart, with their own limit).
pub const JSON_LIMIT: usize = 2 * 1024 * 1024;

/// Reads a JSON body: too large is 413, not JSON (or nested deeper than 128) is 400,
/// text no record may keep or JSON of the wrong shape is 422 naming the field, all
/// as problem+json. `None` for an empty body.
async fn json_body<T: DeserializeOwned>(req: Request) -> Result<Option<T>, Response> {
    let bytes = axum::body::to_bytes(req.into_body(), JSON_LIMIT)
        .await
        .map_err(|_| too_large())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!("JSON 格式错误：第{}行第{}列", e.line(), e.column()))
    })?;
    if let Some(e) = input::refused_in_json(&value) {
        return Err(invalid(e));
    }
    input::from_json(value).map(Some).map_err(invalid)
}

/// 413 as problem+json.
pub fn too_large() -> Response {
    crate::error::problem(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "/problems/too-large",
        "请求内容过大",
        format!("请求内容不能超过 {} MB", JSON_LIMIT / 1024 / 1024),
        Vec::new(),
        None,
    )
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .is_some_and(|m| {
            m.eq_ignore_ascii_case("application/json")
                || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

/// A JSON body: see [`json_body`] for what is refused, and how.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::bad_request(
                "请使用 Content-Type: application/json",
            ));
        }
        match json_body(req).await? {
            Some(v) => Ok(ApiJson(v)),
            None => Err(ApiError::bad_request("请求内容为空，应为 JSON 对象")),
        }
    }
}

/// A JSON body that may be left out: an empty body is `T::default()`; otherwise
/// as [`ApiJson`].
pub struct OptionalApiJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(OptionalApiJson(json_body(req).await?.unwrap_or_default()))
    }
}

/// A multipart body for the API; a body that is not multipart is a 400 problem.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "请使用 multipart/form-data 上传文件（{}）",
                    e.body_text()
                ))
            })
    }
}

/// A form posted from one of our pages: its CSRF token must match the session's.
/// Repeated keys (checkbox groups) become lists.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    _csrf: String,
}

impl<T: DeserializeOwned + Send> CsrfForm<T> {
    /// Parses the body and checks its token against the session's.
    pub async fn parse(req: Request, expected_csrf: &str) -> Result<T, Response> {
        let bytes = axum::body::to_bytes(req.into_body(), JSON_LIMIT)
            .await
            .map_err(|_| {
                crate::html::error_page(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大")
            })?;
        let token: CsrfField = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfField {
            _csrf: String::new(),
        });
        if !constant_time_eq(token._csrf.as_bytes(), expected_csrf.as_bytes()) {
            return Err(crate::html::error_page(
                axum::http::StatusCode::FORBIDDEN,
                "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
            ));
        }
        if let Some(e) = input::refused_in_pairs(&bytes) {
            return Err(crate::html::error_page(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &format!("表单项“{}”{}", e.field, e.message),
            ));
        }
        serde_html_form::from_bytes(&bytes).map_err(|e| {
            crate::html::error_page(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &format!("表单内容有误：{e}"),
            )
        })
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
