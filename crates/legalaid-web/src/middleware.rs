//! Request id, client address, structured request logs, metrics, security headers.

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;

/// Where a request came from, for the audit trail and logs.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub request_id: String,
    pub ip: String,
}

fn new_request_id() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}

/// Assigns a request id, logs one line per request, and counts it.
///
/// The log line carries the method, the matched route pattern (never the query
/// string, which may hold ID numbers), the status and the latency: no personal data.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map_or_else(new_request_id, str::to_owned);
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
    req.extensions_mut().insert(RequestInfo {
        request_id: request_id.clone(),
        ip,
    });
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(
            || {
                if req.uri().path().starts_with("/static/") {
                    "/static".to_owned()
                } else {
                    "unmatched".to_owned()
                }
            },
            |m| m.as_str().to_owned(),
        );
    let mut res = next.run(req).await;
    let status = res.status().as_u16();
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(request_id = %request_id, method = %method, route = %route, status, latency_ms = secs * 1000.0, "request");
    metrics::counter!("http_requests_total", "method" => method.to_string(), "status" => status.to_string()).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.to_string())
        .record(secs);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// A strict Content-Security-Policy (nothing from outside the server, no inline
/// script or style) and the other headers a page handling personal data needs.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A body over the server-wide limit is refused by the limit layer with a bare 413;
/// this answers it as the rest of the surface does (problem+json for the API, the
/// error page for pages).
pub async fn explain_limits(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json") || v.starts_with("text/html"));
    if res.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE || ours {
        return res;
    }
    if api {
        crate::extract::too_large()
    } else {
        crate::html::error_page(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过大（上传文件不能超过 10 MB）",
        )
    }
}

/// The answer to a request whose handler panicked: a 500 problem that says
/// nothing of the cause (logged by the panic hook, without its message).
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    crate::error::problem(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "/problems/internal",
        "系统内部错误",
        "系统内部错误，请稍后重试；如果问题持续，请联系系统管理员".into(),
        Vec::new(),
        None,
    )
}
