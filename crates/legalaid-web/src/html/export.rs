//! CSV downloads that go through every row: the file is sent in parts as batches
//! are read, so an export of a million rows needs the memory of one batch and
//! is never cut short at a cap.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use legalaid_app::{AppError, AppResult};
use std::future::Future;
use std::sync::Arc;

/// Rows read per batch.
pub const BATCH: i64 = 500;

/// Sends a CSV file `filename` with `header`, its rows read by `next` a batch at
/// a time from a cursor (`None` for the first batch), each batch answering its
/// rows and the cursor after them (`None` when it was the last).
///
/// The first batch is read before anything is sent, so a refusal (403) or a
/// failure is an error page; a failure after that ends the download early
/// (the client sees an incomplete transfer, and the log says why).
pub async fn stream_csv<C, F, Fut>(filename: &str, header: &[&str], next: F) -> AppResult<Response>
where
    C: Send + 'static,
    F: Fn(Option<C>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<(Vec<Vec<String>>, Option<C>)>> + Send + 'static,
{
    let csv_error = |e: legalaid_docs::ExportError| AppError::Internal(e.to_string());
    let (rows, cursor) = next(None).await?;
    let mut first = legalaid_docs::csv_header(header).map_err(csv_error)?;
    first.extend(legalaid_docs::csv_rows(rows).map_err(csv_error)?);
    let next = Arc::new(next);
    let rest = futures_util::stream::unfold(cursor, move |cursor| {
        let next = next.clone();
        async move {
            let cursor = cursor?;
            match next(Some(cursor)).await {
                Ok((rows, cursor)) => match legalaid_docs::csv_rows(rows) {
                    Ok(bytes) => Some((Ok(bytes), cursor)),
                    Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
                },
                Err(e) => {
                    tracing::error!(event = "export_failed", error = %e, "a CSV export ended early");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) });
    let body = Body::from_stream(futures_util::StreamExt::chain(body, rest));
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
