//! Lists too long to count whole (ADR 0037): a page read in the list's order
//! from an index, whether another page follows, a keyset to ask for it, and a
//! count that stops at [`COUNT_CAP`].

use crate::args::Args;
use crate::{COUNT_CAP, Page, Result, Tx};

/// Where a page of a list starts.
#[derive(Debug, Clone, Copy)]
pub enum At<K> {
    /// A numbered page (an offset: cheap near the top, linear further down).
    Page(Page),
    /// The `per_page` rows after the row whose sort key is `key`.
    After { key: K, per_page: i64 },
}

impl<K> At<K> {
    pub fn per_page(&self) -> i64 {
        match self {
            At::Page(p) => p.per_page,
            At::After { per_page, .. } => *per_page,
        }
    }

    /// The rows to skip before the page (none after a keyset).
    pub fn offset(&self) -> i64 {
        match self {
            At::Page(p) => p.offset(),
            At::After { .. } => 0,
        }
    }

    pub fn key(&self) -> Option<&K> {
        match self {
            At::Page(_) => None,
            At::After { key, .. } => Some(key),
        }
    }

    /// Whether this is the first numbered page.
    pub(crate) fn is_first(&self) -> bool {
        matches!(self, At::Page(p) if p.page <= 1)
    }
}

/// A page of a list and how many rows the whole list has, counted up to
/// [`COUNT_CAP`].
#[derive(Debug, Clone)]
pub struct Capped<T> {
    pub items: Vec<T>,
    /// The rows of the list, or [`COUNT_CAP`] when there are more.
    pub total: i64,
    /// `Some(COUNT_CAP)` when the list has more rows than were counted.
    pub more_than: Option<i64>,
    /// Whether a row follows the page's last one.
    pub has_next: bool,
}

impl<T> Capped<T> {
    /// A list with nothing in it.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            total: 0,
            more_than: None,
            has_next: false,
        }
    }

    /// The items of a page and whether one follows, from `rows` read with one
    /// more than the page holds.
    pub(crate) fn page<K>(mut rows: Vec<T>, at: &At<K>) -> (Vec<T>, bool) {
        let per_page = at.per_page();
        let has_next = i64::try_from(rows.len()).is_ok_and(|n| n > per_page);
        rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        (rows, has_next)
    }

    /// The page with its count: a first page holding the whole list is its own
    /// count; otherwise the rows `from_where` selects (its values in `args`, no
    /// keyset) are counted up to the cap.
    pub(crate) async fn counted<K>(
        tx: &mut Tx,
        rows: Vec<T>,
        at: &At<K>,
        from_where: &str,
        args: &Args,
    ) -> Result<Self> {
        let (items, has_next) = Self::page(rows, at);
        let (total, more_than) = if at.is_first() && !has_next {
            (i64::try_from(items.len()).unwrap_or(0), None)
        } else {
            count(tx, from_where, args).await?
        };
        Ok(Self {
            items,
            total,
            more_than,
            has_next,
        })
    }
}

/// Counts the rows `from_where` (`FROM … WHERE …`, its values in `args`) selects,
/// stopping one past [`COUNT_CAP`]: `(COUNT_CAP, Some(COUNT_CAP))` when there are more.
pub(crate) async fn count(
    tx: &mut Tx,
    from_where: &str,
    args: &Args,
) -> Result<(i64, Option<i64>)> {
    let reach = COUNT_CAP + 1;
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 AS x {from_where} LIMIT {reach}) AS k");
    let n: i64 = on_tx!(tx, c => bind_args!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), args).fetch_one(c).await?);
    Ok(capped(n))
}

/// A count read with one past the cap, as `(total, more_than)`.
pub(crate) fn capped(n: i64) -> (i64, Option<i64>) {
    if n > COUNT_CAP {
        (COUNT_CAP, Some(COUNT_CAP))
    } else {
        (n, None)
    }
}
