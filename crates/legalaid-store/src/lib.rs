//! Persistence for legalaid.
//!
//! One storage API over two backends: embedded SQLite (the default) and PostgreSQL
//! (production). Each query is written once with `$n` placeholders, which both
//! dialects accept, and run through [`on_tx!`], which expands it for each backend's
//! typed connection. Where the dialects differ the difference is named beside it.
//!
//! Every operation runs inside a [`Tx`]: use cases open one, do their reads and
//! writes (including the audit entry), and commit once.

#[macro_use]
mod macros;
pub mod applications;
mod args;
pub mod attachments;
pub mod audit;
pub mod bulletins;
pub mod capped;
pub mod case_records;
pub mod cases;
pub mod complaints;
mod connect;
pub mod deadlines;
pub mod documents;
pub mod evaluation;
pub mod excellent;
pub mod forms;
pub mod hearings;
pub mod messages;
pub mod outreach;
pub mod person_merges;
pub mod persons;
pub mod portal;
pub mod quality;
pub mod ratings;
pub mod rectifications;
pub mod regions;
pub mod report_forms;
pub mod rules;
pub mod search;
pub mod sessions;
pub mod staff;
pub mod subsidies;
pub mod supervision;
pub mod supervision_orders;
// Surveys and training (issue 11).
pub mod surveys;
pub mod training;
pub mod transfer;
pub mod units;
pub mod users;
pub mod visits;

pub use connect::{Backend, ConnectError, StartupLock, Store, redact as connect_redact};

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite, SqliteConnection, Transaction};

/// A database transaction on either backend.
pub enum Tx {
    Sqlite(SqliteConn, Access),
    Pg(Transaction<'static, Postgres>, Access),
}

/// A SQLite connection lent for a transaction, or without one for a lookup whose
/// statements need not see one snapshot ([`Store::lookup`]).
pub enum SqliteConn {
    Tx(Transaction<'static, Sqlite>),
    Plain(PoolConnection<Sqlite>),
}

impl std::ops::Deref for SqliteConn {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        match self {
            SqliteConn::Tx(t) => t,
            SqliteConn::Plain(c) => c,
        }
    }
}

impl std::ops::DerefMut for SqliteConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            SqliteConn::Tx(t) => t,
            SqliteConn::Plain(c) => c,
        }
    }
}

/// Whether a transaction was opened to write, and what its commit owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    /// A write transaction; on SQLite, the search queue's last id when it began
    /// (the rows after it are this transaction's own: SQLite has one writer).
    Write(i64),
}

impl Tx {
    /// Commits; a write transaction first rewrites the search entries of the
    /// records it changed (ADR 0031), so the index never lags a commit.
    pub async fn commit(mut self) -> Result<()> {
        if let Tx::Sqlite(_, Access::Write(from)) | Tx::Pg(_, Access::Write(from)) = self {
            search::drain_own(&mut self, from).await?;
        }
        match self {
            Tx::Sqlite(SqliteConn::Tx(t), _) => t.commit().await?,
            Tx::Sqlite(SqliteConn::Plain(_), _) => {}
            Tx::Pg(t, _) => t.commit().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Pg(..) => Backend::Postgres,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. a duplicate username).
    #[error("duplicate value for {0}")]
    Duplicate(String),
    /// A foreign key refused the write: a referenced record does not exist
    /// (`missing`), or a record to delete is still referenced. `column` is the
    /// referencing column where the backend names it (PostgreSQL), else empty.
    #[error("referenced record missing or still in use ({column})")]
    Reference { column: String, missing: bool },
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("the record was changed by someone else")]
    VersionConflict,
    #[error("record not found")]
    NotFound,
    /// Another transaction won a conflict over the same rows (a deadlock
    /// victim); nothing was written.
    #[error("conflict with a concurrent transaction")]
    Contention,
    /// Stored data that cannot be turned back into a domain value.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Db(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(
                d.constraint()
                    .map_or_else(|| d.message().to_owned(), str::to_owned),
            ),
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                // PostgreSQL names the constraint `<table>_<column>_fkey`.
                let column = match (d.table(), d.constraint()) {
                    (Some(t), Some(c)) => c
                        .strip_prefix(t)
                        .and_then(|c| c.strip_prefix('_'))
                        .and_then(|c| c.strip_suffix("_fkey"))
                        .unwrap_or_default()
                        .to_owned(),
                    _ => String::new(),
                };
                StoreError::Reference {
                    column,
                    missing: d.message().starts_with("insert or update"),
                }
            }
            // PostgreSQL chose this transaction as the loser of a deadlock or
            // a serialization conflict: nothing was written, the caller may retry.
            sqlx::Error::Database(d)
                if matches!(d.code().as_deref(), Some("40P01") | Some("40001")) =>
            {
                StoreError::Contention
            }
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Db(e.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The most rows a list or a search counts; beyond it they say "more than"
/// (a count that stops instead of scanning, ADR 0037).
pub const COUNT_CAP: i64 = 1000;

/// A page request: `page` from 1, `per_page` at most 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    pub const MAX_PER_PAGE: i64 = 200;

    /// Pages beyond this are meaningless; the cap keeps the offset arithmetic safe.
    pub const MAX_PAGE: i64 = 1_000_000;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// The SQL-side form of a visibility scope: an optional region-code prefix and an
/// optional unit id. `Nothing` becomes a unit id that cannot exist.
pub(crate) fn scope_params(
    scope: &legalaid_domain::visibility::Scope,
) -> (Option<String>, Option<i64>) {
    use legalaid_domain::visibility::Scope;
    match scope {
        Scope::All => (None, None),
        Scope::Region(r) => (Some(format!("{}%", r.as_str())), None),
        Scope::Unit(u) => (None, Some(u.0)),
        Scope::Nothing => (None, Some(-1)),
    }
}

/// `%text%` for a LIKE filter, with the LIKE wildcards in the text escaped.
pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn pages_are_clamped() {
        let far = Page::new(Some(i64::MAX), Some(i64::MAX));
        assert_eq!(far.offset(), (Page::MAX_PAGE - 1) * 200);
        assert_eq!(
            Page::new(Some(-3), Some(0)),
            Page {
                page: 1,
                per_page: 1
            }
        );
        assert_eq!(
            Page::new(None, None),
            Page {
                page: 1,
                per_page: 20
            }
        );
    }
}
