//! Opening the database chosen by URL, with each backend set up for durability.

use crate::{Access, SqliteConn, StoreError, Tx};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why the database could not be opened; each message is one sentence for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "the database URL {0:?} is not supported: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
    )]
    UnsupportedUrl(String),
    #[error("the database URL is malformed: {0}")]
    BadUrl(String),
    #[error("cannot open the SQLite database at {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error(
        "cannot reach the PostgreSQL database at {target}: {reason}; check that the server runs and the URL is right"
    )]
    Postgres { target: String, reason: String },
    #[error("cannot migrate the database schema: {0}")]
    Migrate(String),
}

/// The storage handle: connection pools for one backend.
#[derive(Clone, Debug)]
pub struct Store {
    inner: Pools,
}

#[derive(Clone, Debug)]
enum Pools {
    /// SQLite allows one writer at a time. Writes go through a pool of exactly one
    /// connection, so writers queue in-process instead of failing with SQLITE_BUSY,
    /// and begin with `BEGIN IMMEDIATE` so that another process's writer waits on
    /// the busy timeout rather than failing at the first write. Reads use a separate
    /// pool and, thanks to WAL, never block the writer.
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Pg(PgPool),
}

impl Store {
    /// Opens the database named by `url`.
    pub async fn connect(url: &str) -> Result<Store, ConnectError> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_pg(url).await
        } else {
            Err(ConnectError::UnsupportedUrl(redact(url)))
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Store, ConnectError> {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .to_owned();
        let fail = |reason: String| ConnectError::Sqlite {
            path: path.clone(),
            reason,
        };
        if let Some(parent) = Path::new(&path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && !p.is_dir())
        {
            return Err(fail(format!(
                "the folder {} does not exist",
                parent.display()
            )));
        }
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| ConnectError::BadUrl(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before it is acknowledged, even across power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // No ping before a connection is lent (`test_before_acquire`): a SQLite
        // connection is a file opened in this process, with nothing between that can
        // hang up, and the ping is one more round trip to the connection's thread for
        // every transaction (ADR 0040).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts.clone())
            .await
            .map_err(|e| fail(e.to_string()))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts.read_only(true))
            .await
            .map_err(|e| fail(e.to_string()))?;
        Ok(Store {
            inner: Pools::Sqlite { writer, reader },
        })
    }

    async fn connect_pg(url: &str) -> Result<Store, ConnectError> {
        let opts =
            PgConnectOptions::from_str(url).map_err(|e| ConnectError::BadUrl(e.to_string()))?;
        // One direct connection first: a pool would retry until its timeout and then
        // report only "timed out", hiding the real reason (refused, unknown database…).
        let fail = |e: sqlx::Error| ConnectError::Postgres {
            target: redact(url),
            reason: e.to_string(),
        };
        let probe = within_10s(PgConnection::connect_with(&opts))
            .await
            .map_err(fail)?;
        probe.close().await.map_err(fail)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(fail)?;
        Ok(Store {
            inner: Pools::Pg(pool),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations kept in `migrations/<backend>/`.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        let r = match &self.inner {
            Pools::Sqlite { writer, .. } => sqlx::migrate!("migrations/sqlite").run(writer).await,
            Pools::Pg(p) => sqlx::migrate!("migrations/postgres").run(p).await,
        };
        r.map_err(|e| ConnectError::Migrate(e.to_string()))
    }

    /// Serialises start-up work (seeding the shipped data, the demo) across instances
    /// that share one database: on PostgreSQL a session-level advisory lock held on a
    /// connection of its own until [`StartupLock::release`] (or until that connection
    /// closes, so a killed instance never leaves it held). On SQLite every writer
    /// already queues behind `BEGIN IMMEDIATE`, and the seeds re-check inside their
    /// write transaction, so no lock is needed.
    pub async fn startup_lock(&self) -> Result<StartupLock, StoreError> {
        match &self.inner {
            Pools::Sqlite { .. } => Ok(StartupLock(None)),
            Pools::Pg(p) => {
                let mut conn = p.acquire().await?.detach();
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(STARTUP_LOCK_KEY)
                    .execute(&mut conn)
                    .await?;
                Ok(StartupLock(Some(conn)))
            }
        }
    }

    /// A transaction for reads only.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        Ok(match &self.inner {
            Pools::Sqlite { reader, .. } => {
                Tx::Sqlite(SqliteConn::Tx(reader.begin().await?), Access::Read)
            }
            Pools::Pg(p) => Tx::Pg(p.begin().await?, Access::Read),
        })
    }

    /// Reads without a transaction on SQLite: each statement sees the last commit
    /// when it runs, so the statements of one lookup may see different ones. For
    /// reads that need no single snapshot (resolving a session to its user), since
    /// a transaction's `BEGIN` and `ROLLBACK` are two more round trips to the
    /// connection's thread (ADR 0040). A transaction for reads on PostgreSQL.
    pub async fn lookup(&self) -> Result<Tx, StoreError> {
        Ok(match &self.inner {
            Pools::Sqlite { reader, .. } => {
                Tx::Sqlite(SqliteConn::Plain(reader.acquire().await?), Access::Read)
            }
            Pools::Pg(p) => Tx::Pg(p.begin().await?, Access::Read),
        })
    }

    /// A transaction that may write.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        Ok(match &self.inner {
            Pools::Sqlite { writer, .. } => {
                let mut t = writer.begin_with("BEGIN IMMEDIATE").await?;
                let from: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM search_queue")
                    .fetch_one(&mut *t)
                    .await?;
                Tx::Sqlite(SqliteConn::Tx(t), Access::Write(from))
            }
            Pools::Pg(p) => Tx::Pg(p.begin().await?, Access::Write(0)),
        })
    }

    /// Writes a consistent copy of a SQLite database to `path` while it serves
    /// (`VACUUM INTO` on a reader connection: a snapshot of the last commit; the
    /// writer goes on meanwhile). False on PostgreSQL, whose route is `pg_dump`.
    pub async fn backup_sqlite(&self, path: &Path) -> Result<bool, StoreError> {
        match &self.inner {
            Pools::Sqlite { reader, .. } => {
                let target = path.to_str().ok_or_else(|| {
                    StoreError::Db(format!("backup path is not UTF-8: {}", path.display()))
                })?;
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(reader)
                    .await?;
                Ok(true)
            }
            Pools::Pg(_) => Ok(false),
        }
    }

    /// The number of rows of every table of the application's schema (not the
    /// migrations' bookkeeping, not SQLite's full-text shadow tables), by name.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let (list, mut tx) = match &self.inner {
            Pools::Sqlite { .. } => (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'search_fts%' ORDER BY name",
                self.read().await?,
            ),
            Pools::Pg(_) => (
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1",
                self.read().await?,
            ),
        };
        let names: Vec<String> = on_tx!(&mut tx, c => sqlx::query_scalar(list).fetch_all(c).await?);
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            let sql = format!("SELECT COUNT(*) FROM \"{n}\"");
            let count: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(c).await?);
            out.push((n, count));
        }
        Ok(out)
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        let q = "SELECT 1";
        match &self.inner {
            Pools::Sqlite { reader, .. } => sqlx::query(q).execute(reader).await.is_ok(),
            Pools::Pg(p) => sqlx::query(q).execute(p).await.is_ok(),
        }
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        match &self.inner {
            Pools::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Pools::Pg(p) => p.close().await,
        }
    }
}

/// The advisory lock key of start-up work ("legalaid" in ASCII, as a number); sqlx's
/// migrator takes its own key, derived from the database name.
const STARTUP_LOCK_KEY: i64 = 0x6c65_6761_6c61_6964;

/// Held while one instance does its start-up work; see [`Store::startup_lock`].
pub struct StartupLock(Option<PgConnection>);

impl StartupLock {
    /// Releases the lock (closing its connection releases it too).
    pub async fn release(self) {
        if let Some(mut conn) = self.0 {
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK_KEY)
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }
}

/// Gives up on a connection attempt after 10 seconds (an unreachable host may not answer).
async fn within_10s<T>(
    f: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    match tokio::time::timeout(Duration::from_secs(10), f).await {
        Ok(r) => r,
        Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "no answer within 10 seconds",
        ))),
    }
}

/// Drops any password from a URL before it is shown.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
