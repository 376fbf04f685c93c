//! Web sessions, API tokens and failed sign-in records. Only hashes of session ids
//! and tokens are stored, so a copy of the database does not let anyone sign in.

use crate::{Result, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::UserId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    user: UserId,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)";
    on_tx!(tx, c => sqlx::query(Q).bind(id_hash).bind(user.0).bind(csrf_token).bind(now).bind(expires_at).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn touch_session(tx: &mut Tx, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "UPDATE web_sessions SET last_seen_at = $1 WHERE id_hash = $2";
    on_tx!(tx, c => sqlx::query(Q).bind(now).bind(id_hash).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<()> {
    const Q: &str = "DELETE FROM web_sessions WHERE id_hash = $1";
    on_tx!(tx, c => sqlx::query(Q).bind(id_hash).execute(c).await?.rows_affected());
    Ok(())
}

/// Signs a user out everywhere (password change or reset, deactivation).
pub async fn delete_user_sessions(tx: &mut Tx, user: UserId) -> Result<u64> {
    const S: &str = "DELETE FROM web_sessions WHERE user_id = $1";
    const T: &str = "DELETE FROM api_tokens WHERE user_id = $1";
    let a = on_tx!(tx, c => sqlx::query(S).bind(user.0).execute(c).await?.rows_affected());
    let b = on_tx!(tx, c => sqlx::query(T).bind(user.0).execute(c).await?.rows_affected());
    Ok(a + b)
}

pub async fn insert_token(
    tx: &mut Tx,
    token_hash: &str,
    user: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    on_tx!(tx, c => sqlx::query(Q).bind(token_hash).bind(user.0).bind(now).bind(expires_at).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn delete_token(tx: &mut Tx, token_hash: &str) -> Result<()> {
    const Q: &str = "DELETE FROM api_tokens WHERE token_hash = $1";
    on_tx!(tx, c => sqlx::query(Q).bind(token_hash).execute(c).await?.rows_affected());
    Ok(())
}

/// Deletes expired sessions and tokens and old sign-in failures; returns how many rows went.
pub async fn purge_expired(
    tx: &mut Tx,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
    failures_before: DateTime<Utc>,
) -> Result<u64> {
    const S: &str = "DELETE FROM web_sessions WHERE expires_at <= $1 OR last_seen_at <= $2";
    const T: &str = "DELETE FROM api_tokens WHERE expires_at <= $1";
    const F: &str = "DELETE FROM login_failures WHERE at <= $1";
    let a = on_tx!(tx, c => sqlx::query(S).bind(now).bind(idle_cutoff).execute(c).await?.rows_affected());
    let b = on_tx!(tx, c => sqlx::query(T).bind(now).execute(c).await?.rows_affected());
    let f = on_tx!(tx, c => sqlx::query(F).bind(failures_before).execute(c).await?.rows_affected());
    Ok(a + b + f)
}

pub async fn record_failure(
    tx: &mut Tx,
    username_key: &str,
    ip: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO login_failures (username_key, ip, at) VALUES ($1, $2, $3)";
    on_tx!(tx, c => sqlx::query(Q).bind(username_key).bind(ip).bind(at).execute(c).await?.rows_affected());
    Ok(())
}

/// The failures since `since` that bear on a sign-in with this name from this
/// address (see `legalaid_domain::throttle`); `familiar_address` is left false.
pub async fn failures_since(
    tx: &mut Tx,
    username_key: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<legalaid_domain::throttle::Failures> {
    const PAIR: &str = "SELECT COUNT(*), MAX(at) FROM login_failures \
                        WHERE username_key = $1 AND ip = $2 AND at > $3";
    const ELSEWHERE: &str = "SELECT COUNT(*), MAX(at) FROM login_failures \
                             WHERE username_key = $1 AND ip <> $2 AND at > $3";
    const ADDRESS: &str = "SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2";
    let (pair, pair_last): (i64, Option<DateTime<Utc>>) = on_tx!(tx, c => sqlx::query_as(PAIR)
        .bind(username_key).bind(ip).bind(since).fetch_one(c).await?);
    let (name_elsewhere, name_elsewhere_last): (i64, Option<DateTime<Utc>>) = on_tx!(tx, c => sqlx::query_as(ELSEWHERE)
            .bind(username_key).bind(ip).bind(since).fetch_one(c).await?);
    let address: i64 =
        on_tx!(tx, c => sqlx::query_scalar(ADDRESS).bind(ip).bind(since).fetch_one(c).await?);
    Ok(legalaid_domain::throttle::Failures {
        pair,
        pair_last,
        name_elsewhere,
        name_elsewhere_last,
        address,
        familiar_address: false,
    })
}

/// Forgets the failures of this name from this address (after a sign-in there);
/// failures from other addresses still count against the name.
pub async fn clear_failures(tx: &mut Tx, username_key: &str, ip: &str) -> Result<()> {
    const Q: &str = "DELETE FROM login_failures WHERE username_key = $1 AND ip = $2";
    on_tx!(tx, c => sqlx::query(Q).bind(username_key).bind(ip).execute(c).await?.rows_affected());
    Ok(())
}

/// Whether the user signed in from this address since `since`.
pub async fn is_familiar_address(
    tx: &mut Tx,
    user: UserId,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM login_addresses \
                     WHERE user_id = $1 AND ip = $2 AND last_success_at > $3";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(user.0).bind(ip).bind(since).fetch_one(c).await?);
    Ok(n > 0)
}

/// Remembers a successful sign-in from this address.
pub async fn remember_address(
    tx: &mut Tx,
    user: UserId,
    ip: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO login_addresses (user_id, ip, last_success_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id, ip) DO UPDATE SET last_success_at = excluded.last_success_at";
    on_tx!(tx, c => sqlx::query(Q).bind(user.0).bind(ip).bind(at).execute(c).await?.rows_affected());
    Ok(())
}
