//! The HTTP layer: server-rendered pages (`html`) and the JSON API (`api`), both
//! thin over the use cases in `legalaid-app`. Handlers extract, call one use case,
//! and render; they never touch SQL.

// Handler steps return `Result<_, Response>` so that `?`-like early returns carry a
// ready response; axum's `Response` is large, and boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

mod api;
mod documents;
mod error;
mod extract;
mod html;
mod input;
mod middleware;
mod report_forms;

pub use error::{ApiError, PageError};

use axum::Router;
use axum::routing::get;
use legalaid_app::App;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

/// Web settings.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// Mark cookies `Secure` (serve behind HTTPS). Off for plain-HTTP local use.
    pub secure_cookies: bool,
    /// `/metrics` asks for this bearer token; without one it answers loopback
    /// clients only (a Prometheus on the same host), everyone else 404.
    pub metrics_token: Option<String>,
    /// The SMS gateway's delivery reports (`POST /api/v1/sms/delivery-reports`)
    /// must bear this token; without one the callback is off (404).
    pub sms_report_token: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub settings: Arc<WebSettings>,
    pub metrics: Option<PrometheusHandle>,
}

/// The whole HTTP surface: pages, API, health, metrics and static files.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .fallback(html::not_found)
        // A bug that panics answers 500 to its request; the connection and the
        // server carry on.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panicked,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::observe))
        // Uploads (10 MB) are the largest bodies; every other extractor keeps axum's 2 MB default.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(middleware::explain_limits))
        .layer(axum::middleware::from_fn(middleware::read_refused_bodies))
        .with_state(state)
}

/// The largest request body any route reads: uploads of 10 MB and their form.
pub(crate) const BODY_LIMIT: usize = 11 * 1024 * 1024;

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

async fn ready(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if s.app.store.ping().await {
        axum::Json(serde_json::json!({ "status": "ok" })).into_response()
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "status": "database unavailable" })),
        )
            .into_response()
    }
}

async fn metrics(
    axum::extract::State(s): axum::extract::State<AppState>,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, _) = req.into_parts();
    let allowed = match &s.settings.metrics_token {
        Some(t) => extract::bearer(&parts)
            .is_some_and(|b| extract::constant_time_eq(b.as_bytes(), t.as_bytes())),
        None => parts
            .extensions
            .get::<middleware::RequestInfo>()
            .and_then(|r| r.ip.parse::<std::net::IpAddr>().ok())
            .is_some_and(|ip| ip.is_loopback()),
    };
    if !allowed {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    match &s.metrics {
        Some(h) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4",
            )],
            h.render(),
        )
            .into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// Installs the Prometheus recorder once per process (later calls reuse it).
pub fn install_metrics() -> Option<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<Option<PrometheusHandle>> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            metrics_exporter_prometheus::PrometheusBuilder::new()
                .install_recorder()
                .ok()
        })
        .clone()
}
