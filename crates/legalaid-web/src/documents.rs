//! Rendering documents for both pages and API: the PDF engine (fonts loaded once,
//! on first use) and DOCX, off the async threads.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use legalaid_app::AppError;
use legalaid_docs::pdf::PdfEngine;
use legalaid_domain::document::Document;
use std::sync::{Arc, OnceLock};

fn engine() -> Result<Arc<PdfEngine>, AppError> {
    static ENGINE: OnceLock<Result<Arc<PdfEngine>, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let engine = PdfEngine::load().map_err(|e| e.to_string())?;
            if !engine.has_letter_subsets() {
                tracing::warn!(
                    "the letter fonts are not installed (scripts/install-fonts.sh): each PDF \
                     reads the full CJK fonts, about 50 MB, and is slower"
                );
            }
            Ok(Arc::new(engine))
        })
        .clone()
        .map_err(AppError::NotAvailable)
}

/// Lays out the document in `format` (`pdf` or `docx`) and answers it as a download.
pub async fn respond(doc: Document, name: &str, format: &str) -> Result<Response, AppError> {
    let pdf = format == "pdf";
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        if pdf {
            let rendered = engine()?
                .render(&doc)
                .map_err(|e| AppError::Internal(e.to_string()));
            // Laying out a letter frees tens of megabytes on this thread (ADR 0045).
            legalaid_alloc::release_free_memory();
            rendered
        } else {
            legalaid_docs::docx::render(&doc).map_err(AppError::Internal)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    let (mime, ext) = if pdf {
        ("application/pdf", "pdf")
    } else {
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    };
    Ok(download(
        mime,
        &format!("{name}.{ext}"),
        &format!("document.{ext}"),
        bytes,
    ))
}

/// A download: the type, and the file name encoded per RFC 6266/5987 (with an
/// ASCII `fallback` for old clients).
pub fn download(mime: &str, filename: &str, fallback: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
