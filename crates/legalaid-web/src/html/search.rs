//! The search page (`/search`) behind the search box of every staff page.

use crate::AppState;
use crate::extract::{PageCtx, PageQuery};
use crate::html::{PageResult, Pager, Shell, page_error, query_string, render};
use askama::Template;
use axum::extract::State;
use legalaid_app::search::{self as uc, SearchHit};
use legalaid_app::{AppError, Page};
use legalaid_domain::search::SearchKind;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    can_more: bool,
    error: Option<String>,
    terms: String,
    hits: Vec<SearchHit>,
    more_than: Option<i64>,
    pager: Pager,
}

pub async fn show(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let allowed = uc::kinds(&page.ctx);
    let q = p.q.trim().to_owned();
    let kind = SearchKind::parse(p.kind.trim()).filter(|k| allowed.contains(k));
    let at = Page::new(p.page, Some(20));
    let mut out = SearchPage {
        shell: Shell::new(&page, "全文检索", "/search"),
        q: q.clone(),
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        kinds: allowed.iter().map(|k| (k.as_str(), k.label())).collect(),
        can_more: allowed.contains(&SearchKind::Complaint),
        error: None,
        terms: String::new(),
        hits: Vec::new(),
        more_than: None,
        pager: Pager::new("/search", "", at, 0),
    };
    if !q.is_empty() {
        match uc::search(&s.app, &page.ctx, &q, kind, at).await {
            Ok(r) => {
                let qs = query_string(&[("q", Some(q.clone())), ("kind", Some(out.kind.clone()))]);
                out.pager = Pager::new("/search", &qs, at, r.total);
                out.terms = r.terms.join(" ");
                out.hits = r.items;
                out.more_than = r.more_than;
            }
            Err(AppError::Validation(errs)) => {
                out.error = Some(
                    errs.into_iter()
                        .map(|e| e.message)
                        .collect::<Vec<_>>()
                        .join("；"),
                );
            }
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(render(&out))
}
