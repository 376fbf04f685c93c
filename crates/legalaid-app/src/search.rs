//! Full-text search across persons, applications, cases, consultations and
//! complaints (ADR 0031): only what the caller may read, best first, the
//! matching words marked.

use crate::{App, AppError, AppResult, Ctx, Page, policy};
use legalaid_domain::search::{self as rule, Piece, QueryError, SearchKind};
use legalaid_domain::visibility::Scope;
use legalaid_store::search as store;
use serde::Serialize;

/// Characters of the body shown around the first match.
const SNIPPET_CHARS: usize = 90;
/// Queued records rewritten per transaction by the background job and the rebuild.
const BATCH: i64 = 500;

/// The kinds of record `ctx` may find: those it may read at all.
pub fn kinds(ctx: &Ctx) -> Vec<SearchKind> {
    if matches!(policy::scope(ctx), Scope::Nothing) {
        return Vec::new();
    }
    let mut k = vec![
        SearchKind::Case,
        SearchKind::Application,
        SearchKind::Person,
    ];
    if crate::outreach::consultations::can_read(ctx) {
        k.push(SearchKind::Consultation);
    }
    if crate::complaints::can_read(ctx) {
        k.push(SearchKind::Complaint);
    }
    k
}

/// One hit: what it is, where it is, and its title and text with the matching
/// words marked.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub kind_label: &'static str,
    pub id: i64,
    /// The page of the record.
    pub href: String,
    pub title: Vec<Piece>,
    pub snippet: Vec<Piece>,
}

/// A page of hits.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub q: String,
    /// The words searched for, as the query was segmented.
    pub terms: Vec<String>,
    pub items: Vec<SearchHit>,
    /// How many hits there are, counted up to `more_than`.
    pub total: i64,
    /// Set when there are more hits than were counted (the count says "more than").
    pub more_than: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

fn href(kind: SearchKind, id: i64) -> String {
    match kind {
        SearchKind::Person => format!("/persons/{id}"),
        SearchKind::Application => format!("/applications/{id}"),
        SearchKind::Case => format!("/cases/{id}"),
        SearchKind::Consultation => format!("/consultations/{id}"),
        SearchKind::Complaint => format!("/complaints/{id}"),
    }
}

/// Searches for `q` among the records `ctx` may read, of `only` kind if given.
pub async fn search(
    app: &App,
    ctx: &Ctx,
    q: &str,
    only: Option<SearchKind>,
    page: Page,
) -> AppResult<SearchResults> {
    let terms =
        rule::query_terms(q).map_err(|e: QueryError| AppError::field("q", e.to_string()))?;
    let mut kinds = kinds(ctx);
    if let Some(k) = only {
        kinds.retain(|x| *x == k);
    }
    let scope = policy::scope(ctx);
    let reach = crate::complaints::reach(ctx);
    let searcher = store::Searcher {
        scope: &scope,
        not_unit: reach.not_about_unit,
        not_staff: reach.not_about_staff,
        kinds: &kinds,
    };
    let (hits, counted) = if kinds.is_empty() {
        (Vec::new(), 0)
    } else {
        let mut tx = app.store.read().await?;
        store::search(&mut tx, &searcher, &terms, page).await?
    };
    let mut items = Vec::with_capacity(hits.len());
    for h in hits {
        let kind = SearchKind::parse(&h.kind)
            .ok_or_else(|| AppError::Internal(format!("search entry of kind {:?}", h.kind)))?;
        items.push(SearchHit {
            kind,
            kind_label: kind.label(),
            id: h.record_id,
            href: href(kind, h.record_id),
            title: rule::highlight(&h.title, &terms),
            snippet: rule::snippet(&h.body, &terms, SNIPPET_CHARS),
        });
    }
    let more = counted > store::COUNT_CAP;
    Ok(SearchResults {
        q: q.trim().to_owned(),
        terms,
        items,
        total: counted.min(store::COUNT_CAP),
        more_than: more.then_some(store::COUNT_CAP),
        page: page.page,
        per_page: page.per_page,
    })
}

/// Rewrites the entries of records queued outside the application's
/// transactions (a migration, a bulk load), a batch per transaction, until the
/// queue is empty or `rounds` batches are done (the job comes back for the
/// rest); returns how many queue rows were done.
pub async fn drain(app: &App, rounds: Option<u32>) -> AppResult<u64> {
    let mut done = 0u64;
    for _ in 0..rounds.unwrap_or(u32::MAX) {
        let mut tx = app.store.write().await?;
        let n = store::drain_queued(&mut tx, BATCH).await?;
        tx.commit().await?;
        if n == 0 {
            return Ok(done);
        }
        done += n as u64;
    }
    Ok(done)
}

/// What a rebuild went through.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rebuilt {
    pub persons: u64,
    pub applications: u64,
    pub cases: u64,
    pub consultations: u64,
    pub complaints: u64,
}

/// Rewrites the entry of every searchable record, a batch per transaction,
/// then empties the queue.
pub async fn rebuild(app: &App) -> AppResult<Rebuilt> {
    let mut r = Rebuilt::default();
    for kind in SearchKind::ALL {
        let mut after = 0;
        loop {
            let mut tx = app.store.write().await?;
            let ids = store::ids_after(&mut tx, *kind, after, BATCH).await?;
            let Some(last) = ids.last().copied() else {
                break;
            };
            store::rebuild_batch(&mut tx, *kind, &ids).await?;
            tx.commit().await?;
            after = last;
            let n = ids.len() as u64;
            match kind {
                SearchKind::Person => r.persons += n,
                SearchKind::Application => r.applications += n,
                SearchKind::Case => r.cases += n,
                SearchKind::Consultation => r.consultations += n,
                SearchKind::Complaint => r.complaints += n,
            }
        }
    }
    // Bounded: a record another transaction holds goes to the job.
    drain(app, Some(1000)).await?;
    Ok(r)
}
