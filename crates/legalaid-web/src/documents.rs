//! Rendering documents for both pages and API: the PDF engine (fonts loaded once,
//! on first use) and DOCX, off the async threads, a few at a time (ADR 0049).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use legalaid_app::AppError;
use legalaid_docs::pdf::PdfEngine;
use legalaid_domain::document::Document;
use std::num::NonZero;
use std::sync::{Arc, LazyLock, OnceLock};
use tokio::sync::Semaphore;

/// The documents laid out at once. A letter holds tens of megabytes while it is
/// laid out and keeps a core busy, so more at once than there are cores (at most
/// four) only adds memory: the others wait their turn.
static LAYOUTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
    Arc::new(Semaphore::new(layout_slots(cores)))
});

/// How many documents a machine of `cores` lays out at once.
fn layout_slots(cores: usize) -> usize {
    cores.clamp(1, 4)
}

/// Runs `work` on the blocking threads once `gate` has a slot for it. The slot
/// goes with the work, not with the request: a request abandoned while its
/// letter is laid out keeps the slot until the layout ends, so the limit holds.
async fn limited<T, F>(gate: &Arc<Semaphore>, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    let slot = Arc::clone(gate)
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(slot);
        done
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

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
    let bytes = limited(&LAYOUTS, move || -> Result<Vec<u8>, AppError> {
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
    .await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_machine_lays_out_one_to_four_documents_at_once() {
        assert_eq!(layout_slots(0), 1);
        assert_eq!(layout_slots(1), 1);
        assert_eq!(layout_slots(2), 2);
        assert_eq!(layout_slots(64), 4);
    }

    /// Work that notes how many run beside it.
    fn counted(
        now: &Arc<AtomicUsize>,
        peak: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> Result<(), AppError> + Send + 'static {
        let (now, peak) = (Arc::clone(now), Arc::clone(peak));
        move || {
            let running = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(running, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(40));
            now.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_documents_are_laid_out_at_once_than_the_gate_has_slots() {
        let gate = Arc::new(Semaphore::new(2));
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (gate, work) = (Arc::clone(&gate), counted(&now, &peak));
                tokio::spawn(async move { limited(&gate, work).await })
            })
            .collect();
        for t in tasks {
            t.await.expect("joined").expect("laid out");
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(gate.available_permits(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_request_keeps_its_slot_until_its_layout_ends() {
        let gate = Arc::new(Semaphore::new(1));
        let (started, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (s, f) = (Arc::clone(&started), Arc::clone(&finished));
        let request = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move {
                limited(&gate, move || {
                    s.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(200));
                    f.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
                .await
            }
        });
        while started.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        request.abort();
        assert!(request.await.expect_err("aborted").is_cancelled());
        // The layout still runs: the next document waits for it.
        assert_eq!(gate.available_permits(), 0);
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        limited(&gate, counted(&now, &peak))
            .await
            .expect("laid out");
        assert_eq!(finished.load(Ordering::SeqCst), 1);
        assert_eq!(gate.available_permits(), 1);
    }
}
