//! The yardstick of `bench/run.sh`: a bare axum handler served the way
//! `legalaid serve` serves (tokio's multi-threaded runtime, `axum::serve`, the
//! peer address as connect info), answering a fixed page. The benchmark prints
//! the signed-in pages' requests per second as a share of this one's.
//!
//! Usage: `cargo run --release -p legalaid --example bare_axum -- 127.0.0.1:18932`

use axum::{Router, response::Html, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18932".to_owned());
    let router = Router::new().route("/", get(|| async { Html("<h1>工作台</h1>") }));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("bare axum handler listening on http://{bind}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}
