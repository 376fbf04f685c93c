//! The audit trail's storage: appends in chain order, search, and reading back for
//! verification. The chain itself (hashing, checking) is in the domain.

use crate::args::{Arg, Args};
use crate::capped::{At, Capped};
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

/// The search's conditions, only those that are set (ADR 0037), and the keyset
/// (below this `seq`), binding their values into `args`.
fn conditions(args: &mut Args, f: &AuditFilter, before: Option<i64>) -> String {
    let mut w = Vec::new();
    let mut text = |w: &mut Vec<String>, column: &str, v: &Option<String>| {
        if let Some(v) = v {
            w.push(format!("{column} = {}", args.push(Arg::Text(v.clone()))));
        }
    };
    text(&mut w, "entity_type", &f.entity_type);
    text(&mut w, "entity_id", &f.entity_id);
    text(&mut w, "action", &f.action);
    if let Some(v) = f.actor_user_id {
        w.push(format!("actor_user_id = {}", args.push(Arg::Int(v))));
    }
    if let Some(v) = f.from {
        w.push(format!("at >= {}", args.push(Arg::Time(v))));
    }
    if let Some(v) = f.until {
        w.push(format!("at < {}", args.push(Arg::Time(v))));
    }
    if let Some(v) = before {
        w.push(format!("seq < {}", args.push(Arg::Int(v))));
    }
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

/// A page of the audit search.
pub type AuditPage = Capped<AuditEntry>;

/// Newest first, a page at a time: numbered, or the page below `before` (a
/// `seq`, the last of the previous page), with the count up to [`crate::COUNT_CAP`].
pub async fn search(
    tx: &mut Tx,
    f: &AuditFilter,
    page: Page,
    before: Option<i64>,
) -> Result<AuditPage> {
    let at = match before {
        Some(key) => At::After {
            key,
            per_page: page.per_page,
        },
        None => At::Page(page),
    };
    let mut args = Args::default();
    let w = conditions(&mut args, f, before);
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log {w} ORDER BY seq DESC LIMIT {} OFFSET {}",
        at.per_page().saturating_add(1),
        at.offset()
    );
    let rows: Vec<Row> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    let entries = rows.into_iter().map(AuditEntry::from).collect();
    let mut args = Args::default();
    let from = format!("FROM audit_log {}", conditions(&mut args, f, None));
    Capped::counted(tx, entries, &at, &from, &args).await
}

/// The next `limit` entries of the search below `before` (a `seq`), newest
/// first, without counting: for exports that go through every entry.
pub async fn search_before(
    tx: &mut Tx,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let mut args = Args::default();
    let w = conditions(&mut args, f, before);
    let limit = args.push(Arg::Int(limit));
    let sql = format!("SELECT {COLUMNS} FROM audit_log {w} ORDER BY seq DESC LIMIT {limit}");
    let rows: Vec<Row> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
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
