//! Recording changes in the audit trail, searching it, and verifying its chain.

use crate::{App, AppError, AppResult, Ctx, Page, policy};
use legalaid_domain::audit::{AuditAction, AuditDraft, AuditEntry, ChainBreak, ChainVerifier};
use legalaid_store::Tx;
use legalaid_store::audit::{self as store, AuditFilter};
use serde::Serialize;

/// Appends an audit entry for a change, inside the caller's transaction.
/// `action`'s code is `<entity type>.<verb>`, e.g. `unit.update`. `before` and
/// `after` are serialised as JSON: record types must not carry secrets.
pub async fn record<B: Serialize, A: Serialize>(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    action: AuditAction,
    entity_id: impl ToString,
    before: Option<&B>,
    after: Option<&A>,
) -> AppResult<AuditEntry> {
    let draft = AuditDraft {
        at: app.clock.now(),
        actor_user_id: ctx.user_id(),
        actor_username: ctx.username().to_owned(),
        request_id: ctx.meta.request_id.clone(),
        ip: ctx.meta.ip.clone(),
        action: action.as_str().to_owned(),
        entity_type: action
            .as_str()
            .split('.')
            .next()
            .unwrap_or_default()
            .to_owned(),
        entity_id: entity_id.to_string(),
        before: before.map(to_json).transpose()?,
        after: after.map(to_json).transpose()?,
    };
    Ok(store::append(tx, draft).await?)
}

fn to_json<T: Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// A page of the audit search, newest first: numbered, or the page after the
/// entry `after` (the `seq` of the previous page's last), counted up to a cap.
pub async fn search(
    app: &App,
    ctx: &Ctx,
    filter: &AuditFilter,
    page: Page,
    after: Option<i64>,
) -> AppResult<store::AuditPage> {
    policy::ensure_view_audit(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(store::search(&mut tx, filter, page, after).await?)
}

/// The next `limit` entries of a search below `before` (a `seq`), newest first:
/// an export goes through every entry this way, a batch at a time.
pub async fn search_batch(
    app: &App,
    ctx: &Ctx,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditEntry>> {
    policy::ensure_view_audit(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(store::search_before(&mut tx, filter, before, limit).await?)
}

pub async fn get(app: &App, ctx: &Ctx, seq: i64) -> AppResult<AuditEntry> {
    policy::ensure_view_audit(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(store::get(&mut tx, seq).await?)
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub entries: i64,
    pub ok: bool,
    /// The first broken entry, if any.
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

/// Recomputes every hash in order, in batches, and names the first broken entry.
pub async fn verify(app: &App, ctx: &Ctx) -> AppResult<VerifyReport> {
    policy::ensure_view_audit(ctx)?;
    const BATCH: i64 = 1000;
    // One read transaction: a consistent snapshot even while others append.
    let mut tx = app.store.read().await?;
    let (head_seq, head_hash) = store::head(&mut tx).await?;
    let mut v = ChainVerifier::default();
    let mut after = 0;
    let broken = |b: ChainBreak| {
        let seq = match b {
            ChainBreak::ContentChanged { seq } | ChainBreak::LinkBroken { seq } => seq,
            ChainBreak::Gap { expected, .. } => expected,
            ChainBreak::HeadMismatch { last_seq, .. } => last_seq + 1,
        };
        VerifyReport {
            entries: head_seq,
            ok: false,
            broken_seq: Some(seq),
            problem: Some(b.to_string()),
        }
    };
    loop {
        let batch = store::batch_after(&mut tx, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            if e.seq > head_seq {
                // Appended after our head was read cannot happen in one snapshot;
                // an entry beyond the head was inserted around the chain.
                return Ok(broken(ChainBreak::HeadMismatch {
                    head_seq,
                    last_seq: e.seq - 1,
                }));
            }
            if let Err(b) = v.check(e) {
                return Ok(broken(b));
            }
        }
    }
    match v.finish(head_seq, &head_hash) {
        Ok(n) => Ok(VerifyReport {
            entries: n,
            ok: true,
            broken_seq: None,
            problem: None,
        }),
        Err(b) => Ok(broken(b)),
    }
}
