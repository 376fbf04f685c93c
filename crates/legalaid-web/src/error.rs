//! One application error, rendered two ways: `problem+json` for the API and an
//! HTML page for the pages, with one fixed status table.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use legalaid_app::AppError;
use legalaid_domain::FieldError;
use serde::Serialize;

pub(crate) fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) | AppError::Duplicate { .. } => StatusCode::CONFLICT,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::TooManyRequests { .. } | AppError::Limited { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        AppError::Unavailable(_) | AppError::NotAvailable(_) | AppError::Busy { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs what users must not see, once.
pub(crate) fn log_internal(e: &AppError) {
    match e {
        AppError::Internal(m) => tracing::error!(error = %m, "internal error"),
        AppError::Unavailable(m) => tracing::warn!(error = %m, "database unavailable"),
        _ => {}
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Response {
        problem(
            StatusCode::BAD_REQUEST,
            "about:blank",
            "请求格式错误",
            detail.into(),
            Vec::new(),
            None,
        )
    }
}

pub(crate) fn problem(
    status: StatusCode,
    type_: &str,
    title: &str,
    detail: String,
    errors: Vec<FieldError>,
    retry: Option<u64>,
) -> Response {
    let body = Problem {
        type_: type_.to_owned(),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(secs) = retry
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        log_internal(&e);
        let status = status_of(&e);
        let (type_, title) = match &e {
            AppError::Validation(_) => ("/problems/validation", "输入有误"),
            AppError::Conflict(_) => ("/problems/conflict", "操作冲突"),
            AppError::Duplicate { .. } => ("/problems/duplicate", "记录重复"),
            AppError::NotFound => ("/problems/not-found", "记录不存在"),
            AppError::Forbidden(_) => ("/problems/forbidden", "无权操作"),
            AppError::Unauthenticated(_) => ("/problems/unauthenticated", "未登录或登录已失效"),
            AppError::TooManyRequests { .. } | AppError::Limited { .. } => {
                ("/problems/too-many-requests", "请求过于频繁")
            }
            AppError::Unavailable(_) | AppError::NotAvailable(_) | AppError::Busy { .. } => {
                ("/problems/unavailable", "服务暂时不可用")
            }
            AppError::Internal(_) => ("/problems/internal", "系统内部错误"),
        };
        let retry = match &e {
            AppError::TooManyRequests { retry_after_secs }
            | AppError::Limited {
                retry_after_secs, ..
            }
            | AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let detail = match &e {
            AppError::Validation(errs) => errs
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            other => other.to_string(),
        };
        let errors = match e {
            AppError::Validation(errs) => errs,
            AppError::Duplicate { field, message } if !field.is_empty() => {
                vec![FieldError { field, message }]
            }
            _ => Vec::new(),
        };
        problem(status, type_, title, detail, errors, retry)
    }
}

/// An error answered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        log_internal(&e);
        if matches!(e, AppError::Unauthenticated(_)) {
            return axum::response::Redirect::to("/login").into_response();
        }
        crate::html::error_page(status_of(&e), &e.to_string())
    }
}
