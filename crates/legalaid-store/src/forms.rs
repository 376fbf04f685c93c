//! One-time keys of create forms (migration 0011): a form posted twice makes one
//! record.

use crate::{Result, Tx};
use chrono::{DateTime, Utc};

/// What a submission's key says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The first submission with this key: go on.
    New,
    /// Submitted before, and it made the record at this page.
    Done(String),
    /// Submitted before and not finished (still running, or by another user).
    Busy,
}

/// Claims `key` for `user`.
pub async fn claim(tx: &mut Tx, key: &str, user: i64, now: DateTime<Utc>) -> Result<Claim> {
    const INS: &str = "INSERT INTO form_submissions (key, user_id, created_at) VALUES ($1, $2, $3) \
        ON CONFLICT (key) DO NOTHING";
    const GET: &str = "SELECT user_id, href FROM form_submissions WHERE key = $1";
    let n = on_tx!(tx, c => sqlx::query(INS).bind(key).bind(user).bind(now).execute(c).await?.rows_affected());
    if n == 1 {
        return Ok(Claim::New);
    }
    let row: Option<(i64, Option<String>)> =
        on_tx!(tx, c => sqlx::query_as(GET).bind(key).fetch_optional(c).await?);
    Ok(match row {
        Some((u, Some(href))) if u == user => Claim::Done(href),
        _ => Claim::Busy,
    })
}

/// Records the page of what the submission made.
pub async fn done(tx: &mut Tx, key: &str, href: &str) -> Result<()> {
    const Q: &str = "UPDATE form_submissions SET href = $1 WHERE key = $2";
    on_tx!(tx, c => sqlx::query(Q).bind(href).bind(key).execute(c).await?.rows_affected());
    Ok(())
}

/// Frees the key of a submission that made nothing (refused input), so the
/// corrected form can be sent again.
pub async fn release(tx: &mut Tx, key: &str) -> Result<()> {
    const Q: &str = "DELETE FROM form_submissions WHERE key = $1 AND href IS NULL";
    on_tx!(tx, c => sqlx::query(Q).bind(key).execute(c).await?.rows_affected());
    Ok(())
}

/// Forgets keys older than `before`.
pub async fn purge(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    const Q: &str = "DELETE FROM form_submissions WHERE created_at < $1";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(before).execute(c).await?.rows_affected()))
}
