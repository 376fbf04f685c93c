//! Keysets of the lists too long to count whole (ADR 0037): where the next page
//! starts, written into links and the API's `next` and read back from `after`.

use chrono::{DateTime, Utc};

pub use legalaid_store::capped::{At, Capped};

/// Where a page of a list sorted by a time and an id starts: after the row with
/// this `at` and `id`. Written as `{seconds since 1970}.{nanoseconds}_{id}`, which
/// holds any time a record can carry (nanoseconds alone end in 2262).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

impl ListCursor {
    pub fn parse(s: &str) -> Option<Self> {
        let (t, id) = s.split_once('_')?;
        let (secs, nanos) = t.split_once('.')?;
        let (secs, nanos): (i64, u32) = (secs.parse().ok()?, nanos.parse().ok()?);
        let at = DateTime::from_timestamp(secs, nanos).filter(|_| nanos < 1_000_000_000)?;
        let id: i64 = id.parse().ok()?;
        (id > 0).then_some(Self { at, id })
    }

    pub fn key(self) -> (DateTime<Utc>, i64) {
        (self.at, self.id)
    }
}

impl std::fmt::Display for ListCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{:09}_{}",
            self.at.timestamp(),
            self.at.timestamp_subsec_nanos(),
            self.id
        )
    }
}

/// A page of a list as pages and the API show it: its items, the count up to
/// the cap (`more_than` set when there are more), and the `after` that asks for
/// the page after it, when one follows.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub more_than: Option<i64>,
    pub next: Option<String>,
}

impl<T> Listed<T> {
    /// The page as it was read, its `next` the key of its last item.
    pub fn of(page: Capped<T>, key: impl Fn(&T) -> String) -> Self {
        let next = next(&page, key);
        Self {
            items: page.items,
            total: page.total,
            more_than: page.more_than,
            next,
        }
    }

    /// The same page with each item turned into another.
    pub fn with<U>(self, items: Vec<U>) -> Listed<U> {
        Listed {
            items,
            total: self.total,
            more_than: self.more_than,
            next: self.next,
        }
    }
}

/// Where a page starts: the numbered `page`, or the one after `after`.
pub fn at<K>(page: crate::Page, after: Option<K>) -> At<K> {
    match after {
        Some(key) => At::After {
            key,
            per_page: page.per_page,
        },
        None => At::Page(page),
    }
}

/// Where the page after `page` starts, when one follows: the key of its last item.
pub fn next<T, K>(page: &Capped<T>, key: impl Fn(&T) -> K) -> Option<K> {
    page.items.last().filter(|_| page.has_next).map(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_writes() {
        let c = ListCursor {
            at: DateTime::from_timestamp_nanos(1_733_300_000_123_456_789),
            id: 42,
        };
        assert_eq!(c.to_string(), "1733300000.123456789_42");
        assert_eq!(ListCursor::parse(&c.to_string()), Some(c));
        // Times past 2262 or before 1677 (a mistyped year) keep their place too.
        for secs in [-30_000_000_000, 0, 40_000_000_000] {
            let c = ListCursor {
                at: DateTime::from_timestamp(secs, 7).expect("a time"),
                id: 3,
            };
            assert_eq!(ListCursor::parse(&c.to_string()), Some(c), "{c}");
        }
    }

    #[test]
    fn a_mangled_cursor_is_none() {
        for s in [
            "",
            "x",
            "1_",
            "_1",
            "1.0_0",
            "1.0_-3",
            "a.0_1",
            "1.0_1_1",
            "1_1",
            "1.1000000000_1",
            "99999999999999999.0_1",
        ] {
            assert_eq!(ListCursor::parse(s), None, "{s}");
        }
    }
}
