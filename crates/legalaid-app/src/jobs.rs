//! Background jobs that run inside `legalaid serve`.

use crate::App;
use std::time::Duration;

/// Removes expired sessions, tokens and old sign-in failures. Idempotent: running
/// it twice, or on two instances at once, deletes nothing twice.
pub async fn purge_expired(app: &App) -> crate::AppResult<u64> {
    let now = app.clock.now();
    let idle = chrono::Duration::from_std(app.auth.session_idle).unwrap_or(chrono::Duration::MAX);
    let window =
        chrono::Duration::from_std(app.auth.lockout_window).unwrap_or(chrono::Duration::MAX);
    let mut tx = app.store.write().await?;
    let n =
        legalaid_store::sessions::purge_expired(&mut tx, now, now - idle, now - window * 4).await?;
    // One-time form keys are kept for a day (long enough for Back and submit).
    legalaid_store::forms::purge(&mut tx, now - chrono::Duration::days(1)).await?;
    tx.commit().await?;
    Ok(n)
}

/// Runs the periodic jobs until `shutdown` resolves.
pub async fn run(app: App, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tick.tick() => {
                match crate::queues::track_pending(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "deadlines tracked for records written without them"),
                    Err(e) => tracing::warn!(error = %e, "deadline tracking job failed"),
                }
                // 20 batches a tick: a large bulk load is indexed over several ticks.
                match crate::search::drain(&app, Some(20)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "search entries written for records changed outside the application"),
                    Err(e) => tracing::warn!(error = %e, "search indexing job failed"),
                }
                match purge_expired(&app).await {
                    Ok(n) => tracing::debug!(removed = n, "purged expired sessions"),
                    Err(e) => tracing::warn!(error = %e, "session purge failed"),
                }
                match crate::outreach::duty::remind_tomorrow(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "duty lawyers reminded of tomorrow's duty"),
                    Err(e) => tracing::warn!(error = %e, "duty reminder job failed"),
                }
                match crate::applications::deem_withdrawn_overdue(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "applications deemed withdrawn after the supplement period"),
                    Err(e) => tracing::warn!(error = %e, "deemed-withdrawal job failed"),
                }
            }
        }
    }
}
