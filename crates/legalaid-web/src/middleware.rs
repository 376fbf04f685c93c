//! Request id, client address, structured request logs, metrics, security headers,
//! and reading what a refused upload still sends.

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

/// Answers a request with a body only after reading the body to its end, when the
/// route refused it before reading it (an expired session, a wrong CSRF token, a
/// role that may not upload): a connection closed under an upload in progress
/// shows the browser a reset connection instead of the page that says why.
/// Bodies are read as they come and dropped, never kept, up to the body limit and
/// for at most 30 seconds. Requests without a body pass as they are.
pub async fn read_refused_bodies(req: Request, next: Next) -> Response {
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A client that waits for `100 Continue` sends nothing unless asked to: reading
    // its body would ask for an upload only to drop it.
    let waits = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let carries_body = !waits
        && match length {
            // Past the limit the answer is 413 whatever is sent; reading it would only
            // keep the connection busy.
            Some(n) => n > 0 && n <= crate::BODY_LIMIT as u64,
            None => req.headers().contains_key(header::TRANSFER_ENCODING),
        };
    if !carries_body {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let (back, mut returned) = tokio::sync::oneshot::channel();
    let body = axum::body::Body::from_stream(Returned {
        stream: Some(body.into_data_stream()),
        back: Some(back),
    });
    let res = next.run(Request::from_parts(parts, body)).await;
    // The handler has returned, so the body was dropped unless something kept it
    // (then it is left to whatever kept it).
    // A body past the limit (sent chunked) is not read further: the answer is 413
    // and the connection closes.
    if res.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && let Ok(rest) = returned.try_recv()
    {
        discard(rest).await;
    }
    res
}

/// A request body that, when dropped, gives back what was not read of it.
struct Returned {
    stream: Option<axum::body::BodyDataStream>,
    back: Option<tokio::sync::oneshot::Sender<axum::body::BodyDataStream>>,
}

impl futures_util::Stream for Returned {
    type Item = Result<axum::body::Bytes, axum::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        match self.stream.as_mut() {
            Some(s) => std::pin::Pin::new(s).poll_next(cx),
            None => std::task::Poll::Ready(None),
        }
    }
}

impl Drop for Returned {
    fn drop(&mut self) {
        if let (Some(stream), Some(back)) = (self.stream.take(), self.back.take()) {
            let _ = back.send(stream);
        }
    }
}

/// Reads and drops the rest of a request body, keeping none of it: up to the body
/// limit and for at most 30 seconds, so a slow or endless sender holds neither
/// memory nor the task.
async fn discard(mut stream: axum::body::BodyDataStream) {
    use futures_util::StreamExt;
    let mut read = 0usize;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > crate::BODY_LIMIT {
                break;
            }
        }
    })
    .await;
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
