//! The audit trail's storage: appends in chain order, search, and reading back for
//! verification. The chain itself (hashing, checking) is in the domain.

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::audit::{AuditDraft, AuditEntry};

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    actor_username: String,
    request_id: String,
    ip: String,
    action: String,
    entity_type: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor_username: r.actor_username,
            request_id: r.request_id,
            ip: r.ip,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor_user_id, actor_username, request_id, ip, action, entity_type, entity_id, before_json, after_json, prev_hash, hash";

/// The chain's head: the last sequence number and its hash.
pub async fn head(tx: &mut Tx) -> Result<(i64, String)> {
    const Q: &str = "SELECT last_seq, last_hash FROM audit_head WHERE singleton = 1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).fetch_one(c).await?))
}

/// Appends an entry after the current head, inside the caller's transaction.
pub async fn append(tx: &mut Tx, draft: AuditDraft) -> Result<AuditEntry> {
    // PostgreSQL: lock the head row so that concurrent transactions append one after
    // another. SQLite has a single writer, so a plain read is already serialised
    // (and SQLite has no FOR UPDATE).
    const LOCK_PG: &str =
        "SELECT last_seq, last_hash FROM audit_head WHERE singleton = 1 FOR UPDATE";
    let (seq, prev): (i64, String) = match tx {
        Tx::Pg(t, _) => sqlx::query_as(LOCK_PG).fetch_one(&mut **t).await?,
        Tx::Sqlite(..) => head(tx).await?,
    };
    let e = draft.chain(seq, &prev);
    let insert = format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    );
    const HEAD: &str = "UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE singleton = 1";
    on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(insert))
        .bind(e.seq).bind(e.at).bind(e.actor_user_id).bind(&e.actor_username).bind(&e.request_id).bind(&e.ip)
        .bind(&e.action).bind(&e.entity_type).bind(&e.entity_id).bind(&e.before).bind(&e.after)
        .bind(&e.prev_hash).bind(&e.hash)
        .execute(c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query(HEAD).bind(e.seq).bind(&e.hash).execute(c).await?.rows_affected());
    Ok(e)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The search's conditions: `$1`–`$6` the filter, `$7` a keyset (below this `seq`).
const SEARCH_WHERE: &str = "WHERE ($1 IS NULL OR entity_type = $1) AND ($2 IS NULL OR entity_id = $2) \
    AND ($3 IS NULL OR actor_user_id = $3) AND ($4 IS NULL OR action = $4) \
    AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) AND ($7 IS NULL OR seq < $7)";

/// Newest first.
pub async fn search(tx: &mut Tx, f: &AuditFilter, page: Page) -> Result<(Vec<AuditEntry>, i64)> {
    let list_sql = format!(
        "SELECT {COLUMNS} FROM audit_log {SEARCH_WHERE} ORDER BY seq DESC LIMIT $8 OFFSET $9"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_log {SEARCH_WHERE}");
    let none: Option<i64> = None;
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(list_sql))
        .bind(&f.entity_type).bind(&f.entity_id).bind(f.actor_user_id).bind(&f.action).bind(f.from).bind(f.until)
        .bind(none).bind(page.per_page).bind(page.offset())
        .fetch_all(&mut *c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(&f.entity_type).bind(&f.entity_id).bind(f.actor_user_id).bind(&f.action).bind(f.from).bind(f.until)
        .bind(none)
        .fetch_one(c).await?);
    Ok((rows.into_iter().map(AuditEntry::from).collect(), total))
}

/// The next `limit` entries of the search below `before` (a `seq`), newest
/// first, without counting: for exports that go through every entry.
pub async fn search_before(
    tx: &mut Tx,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log {SEARCH_WHERE} ORDER BY seq DESC LIMIT $8");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&f.entity_type).bind(&f.entity_id).bind(f.actor_user_id).bind(&f.action).bind(f.from).bind(f.until)
        .bind(before).bind(limit)
        .fetch_all(c).await?);
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Entries with `seq > after`, oldest first, at most `limit`: for verifying in batches.
pub async fn batch_after(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(c).await?);
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

pub async fn get(tx: &mut Tx, seq: i64) -> Result<AuditEntry> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(seq).fetch_optional(c).await?);
    row.map(AuditEntry::from).ok_or(StoreError::NotFound)
}
