//! The `legalaid` program: reads configuration, opens the chosen backend, wires
//! the layers together and runs a subcommand. No business logic lives here.

pub mod backup;
pub mod config;
pub mod delivery;
pub mod transfer;

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};
use config::{DbArgs, FileConfig, Overrides, Settings};
use legalaid_app::{App, Clock, Ctx, SystemClock};
use legalaid_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "legalaid",
    version,
    about = "法律援助综合管理信息系统 (legal aid management information system)",
    after_help = "Commands that open the database take --data-dir DIR (default ./data; env \
LEGALAID_DATA_DIR) and --database-url URL (default sqlite://<data-dir>/legalaid.db, or \
postgres://USER@HOST:PORT/DB; env LEGALAID_DATABASE_URL). See `legalaid <command> --help`."
)]
pub struct Cli {
    /// A TOML configuration file (flags and environment variables take precedence).
    #[arg(long, global = true, env = "LEGALAID_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the whole system: web pages, JSON API and background jobs.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LEGALAID_BIND", value_name = "ADDR")]
        bind: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        /// On an empty database, load the Yeji District demo data set.
        #[arg(long)]
        demo: bool,
        /// Log format: text or json.
        #[arg(long, env = "LEGALAID_LOG_FORMAT", value_name = "FORMAT")]
        log_format: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage accounts from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Work with the case tallies the progress dashboards read (ADR 0023).
    Tallies {
        #[command(subcommand)]
        command: TalliesCommand,
    },
    /// Copy a running SQLite system (database as of its last commit, data key,
    /// uploaded files) into a new directory; on PostgreSQL the key and files
    /// (the database goes by pg_dump: docs/OPERATIONS.md).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The directory to write (created; must be empty).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Leave the data key out (restore then needs LEGALAID_DATA_KEY).
        #[arg(long)]
        without_key: bool,
    },
    /// Bring a backup back into an empty data directory (everything is checked
    /// against the backup's manifest first).
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup directory.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Write every table (one snapshot) as JSON lines with a manifest of counts
    /// and checksums; encrypted fields stay encrypted.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The directory to write (created; must be empty).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Write an export into an empty database of either backend (all or
    /// nothing): how a SQLite system moves to PostgreSQL.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The export directory.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Work with the full-text search index (ADR 0031).
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Rewrite the search entry of every person, application, case, consultation
    /// and complaint (a batch per transaction; the system may keep serving).
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum TalliesCommand {
    /// Recompute every tally from the cases (case writes wait meanwhile).
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Compare the tallies with those recomputed from the cases; exits non-zero
    /// naming the cells that differ.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user account (the password must be changed at first sign-in).
    CreateUser {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// The person's name as shown in the system.
        #[arg(long)]
        name: String,
        /// A role code (repeat for several): system_admin, bureau_supervisor, center_reviewer,
        /// center_director, intake_clerk, handler, quality_reviewer.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The unit the user belongs to (its id); only system administrators may have none.
        #[arg(long)]
        unit_id: Option<i64>,
        /// Initial password (or set LEGALAID_NEW_PASSWORD, which keeps it out of the shell history).
        #[arg(long, env = "LEGALAID_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Set a new password for a user (all their sessions end).
    ResetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// New password (or set LEGALAID_NEW_PASSWORD).
        #[arg(long, env = "LEGALAID_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit chain; exits non-zero naming the first broken entry.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// A failure to report to the operator as one sentence (exit status 1).
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

fn fatal(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Fatal(msg.into()))
}

fn settings(cli_config: Option<&PathBuf>, o: Overrides<'_>) -> anyhow::Result<Settings> {
    let file = match cli_config {
        Some(p) => FileConfig::load(p).map_err(fatal)?,
        None => FileConfig::default(),
    };
    config::resolve(&file, &o).map_err(|problems| fatal(problems.join("; ")))
}

/// Opens and migrates the database.
pub async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .map_err(|e| fatal(e.to_string()))?;
    store.migrate().await.map_err(|e| fatal(e.to_string()))?;
    Ok(store)
}

/// The key that protects sensitive fields: `LEGALAID_DATA_KEY` (64 hex characters),
/// else `<data-dir>/data.key`, created on first use (readable by its owner only).
/// Instances that share a PostgreSQL database must share the key: set the variable.
fn load_cipher(s: &Settings) -> anyhow::Result<legalaid_app::crypto::FieldCipher> {
    use legalaid_app::crypto::FieldCipher;
    let k = key_hex(s)?;
    FieldCipher::from_hex(&k).map_err(|e| fatal(format!("the data key is not usable: {e}")))
}

/// The data key in use, for a backup: never a new one, and it must decrypt the
/// database's ID numbers (a backup with the wrong key could not be read).
async fn existing_key(s: &Settings, store: &Store) -> anyhow::Result<String> {
    let from_env = std::env::var("LEGALAID_DATA_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let path = s.data_dir.join("data.key");
    let key = match from_env {
        Some(k) => k,
        None if path.exists() => std::fs::read_to_string(&path).map_err(|e| {
            fatal(format!(
                "cannot read the data key file {}: {e}",
                path.display()
            ))
        })?,
        None => {
            return Err(fatal(format!(
                "no data key: set LEGALAID_DATA_KEY as the server has it, or keep {} (or back up --without-key)",
                path.display()
            )));
        }
    };
    let cipher = legalaid_app::crypto::FieldCipher::from_hex(&key)
        .map_err(|e| fatal(format!("the data key is not usable: {e}")))?;
    let mut tx = store.read().await?;
    let sample = legalaid_store::persons::sample_encrypted(&mut tx).await?;
    drop(tx);
    if let Some(enc) = sample
        && cipher.decrypt(&enc).is_err()
    {
        return Err(fatal(
            "the data key does not decrypt this database's ID numbers: set the server's LEGALAID_DATA_KEY",
        ));
    }
    Ok(key)
}

/// The data key as hex: `LEGALAID_DATA_KEY`, else `<data-dir>/data.key`
/// (created on first use).
fn key_hex(s: &Settings) -> anyhow::Result<String> {
    use legalaid_app::crypto::FieldCipher;
    if let Ok(k) = std::env::var("LEGALAID_DATA_KEY")
        && !k.trim().is_empty()
    {
        FieldCipher::from_hex(&k)
            .map_err(|e| fatal(format!("LEGALAID_DATA_KEY is not usable: {e}")))?;
        return Ok(k);
    }
    let path = s.data_dir.join("data.key");
    if !path.exists() {
        write_private(&path, &FieldCipher::generate_hex()).map_err(|e| {
            fatal(format!(
                "cannot create the data key file {}: {e}",
                path.display()
            ))
        })?;
    }
    let hex_key = std::fs::read_to_string(&path).map_err(|e| {
        fatal(format!(
            "cannot read the data key file {}: {e}",
            path.display()
        ))
    })?;
    FieldCipher::from_hex(&hex_key).map_err(|e| {
        fatal(format!(
            "the data key file {} is not usable: {e}",
            path.display()
        ))
    })?;
    Ok(hex_key)
}

fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

fn app(store: Store, s: &Settings) -> anyhow::Result<App> {
    let cipher = load_cipher(s)?;
    Ok(App::new(
        store,
        Arc::new(SystemClock) as Arc<dyn Clock>,
        s.auth.clone(),
        Arc::new(cipher),
    )
    .with_files(s.data_dir.join("files")))
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEGALAID_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        b.json().try_init()
    } else {
        b.try_init()
    };
    // A panic's message can quote the value it choked on (a name, an ID number):
    // log where it happened, never what. The request still gets a 500 (see
    // legalaid_web::router) and the server carries on.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(location = %at, "panic (message withheld: it may hold personal data)");
    }));
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            bind,
            db,
            demo,
            log_format,
        } => {
            let s = settings(
                cli.config.as_ref(),
                Overrides {
                    db: &db,
                    bind: bind.as_deref(),
                    demo,
                    log_format: log_format.as_deref(),
                },
            )?;
            init_logs(s.json_logs);
            serve(s).await
        }
        Command::Migrate { db } => {
            let s = offline_settings(cli.config.as_ref(), &db)?;
            let store = open_store(&s.database_url).await?;
            store.close().await;
            println!("database schema is up to date");
            Ok(())
        }
        Command::Admin { command } => admin(cli.config.as_ref(), command).await,
        Command::Tallies { command } => tallies(cli.config.as_ref(), command).await,
        Command::Backup {
            db,
            to,
            without_key,
        } => {
            let s = offline_settings(cli.config.as_ref(), &db)?;
            let store = open_store(&s.database_url).await?;
            let key = if without_key {
                None
            } else {
                Some(existing_key(&s, &store).await?)
            };
            let m = backup::backup(&store, &s.data_dir, key.as_deref(), &to, Utc::now()).await;
            store.close().await;
            let m = m.map_err(|e| fatal(format!("backup failed: {e:#}")))?;
            let rows: i64 = m.counts.values().sum();
            println!(
                "backup written to {}: {} database, {} rows in {} tables, {} files{}",
                to.display(),
                m.backend,
                rows,
                m.counts.len(),
                m.files.len(),
                if m.key.is_some() {
                    ", the data key"
                } else {
                    ""
                }
            );
            if m.database.is_none() {
                println!(
                    "PostgreSQL: dump the database beside it, e.g. pg_dump -Fc -f {}/database.dump \"$DATABASE_URL\" (docs/OPERATIONS.md)",
                    to.display()
                );
            }
            Ok(())
        }
        Command::Export { db, to } => {
            // No key is needed (encrypted fields travel as stored), and none is made.
            let s = offline_settings(cli.config.as_ref(), &db)?;
            let store = open_store(&s.database_url).await?;
            let m = transfer::export(&store, &to, Utc::now()).await;
            store.close().await;
            let m = m.map_err(|e| fatal(format!("export failed: {e:#}")))?;
            println!(
                "exported {} rows of {} tables ({} database, schema {}) to {}",
                m.rows().values().sum::<u64>(),
                m.tables.len(),
                m.backend,
                m.schema_version,
                to.display()
            );
            Ok(())
        }
        Command::Import { db, from } => {
            let s = offline_settings(cli.config.as_ref(), &db)?;
            let store = open_store(&s.database_url).await?;
            let r = transfer::import(&store, &from).await;
            store.close().await;
            let r = r.map_err(|e| fatal(format!("import failed: {e:#}")))?;
            let differ: Vec<String> = r
                .manifest
                .rows()
                .iter()
                .filter(|(t, n)| r.counts.get(*t).copied() != i64::try_from(**n).ok())
                .map(|(t, n)| {
                    format!(
                        "{t}: exported {n}, now {}",
                        r.counts.get(t).copied().unwrap_or(0)
                    )
                })
                .collect();
            if !differ.is_empty() {
                return Err(fatal(format!(
                    "imported, but counts differ: {}",
                    differ.join("; ")
                )));
            }
            println!(
                "imported {} rows of {} tables from a {} export; counts agree",
                r.manifest.rows().values().sum::<u64>(),
                r.manifest.tables.len(),
                r.manifest.backend
            );
            Ok(())
        }
        Command::Restore { db, from } => {
            let s = offline_settings(cli.config.as_ref(), &db)?;
            let database = s
                .database_url
                .strip_prefix("sqlite://")
                .map(|p| PathBuf::from(p.split('?').next().unwrap_or(p)));
            let m = backup::restore(&from, &s.data_dir, database.as_deref())
                .map_err(|e| fatal(format!("restore failed: {e:#}")))?;
            println!(
                "restored into {}: {} files{}{}",
                s.data_dir.display(),
                m.files.len(),
                if m.key.is_some() {
                    ", the data key"
                } else {
                    ""
                },
                if m.database.is_some() {
                    ", the database"
                } else {
                    "; restore the database with pg_restore"
                }
            );
            Ok(())
        }
        Command::Search {
            command: SearchCommand::Rebuild { db },
        } => {
            let (store, a) = offline_app(cli.config.as_ref(), &db).await?;
            let r = legalaid_app::search::rebuild(&a).await;
            store.close().await;
            let r = r.map_err(|e| fatal(e.to_string()))?;
            println!(
                "search index rebuilt: {} persons, {} applications, {} cases, {} consultations, {} complaints",
                r.persons, r.applications, r.cases, r.consultations, r.complaints
            );
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let (store, a) = offline_app(cli.config.as_ref(), &db).await?;
            let report = legalaid_app::audit::verify(&a, &Ctx::system("cli"))
                .await
                .map_err(|e| fatal(e.to_string()))?;
            store.close().await;
            if report.ok {
                println!("audit chain intact: {} entries verified", report.entries);
                Ok(())
            } else {
                Err(fatal(format!(
                    "audit chain broken at entry {}: {}",
                    report.broken_seq.unwrap_or_default(),
                    report.problem.unwrap_or_default()
                )))
            }
        }
    }
}

/// The settings of a command run beside (or instead of) the server.
fn offline_settings(config: Option<&PathBuf>, db: &DbArgs) -> anyhow::Result<Settings> {
    settings(
        config,
        Overrides {
            db,
            bind: None,
            demo: false,
            log_format: None,
        },
    )
}

/// The store and the application for a command run beside (or instead of) the
/// server: the settings of the configuration and `db`, no demo.
async fn offline_app(config: Option<&PathBuf>, db: &DbArgs) -> anyhow::Result<(Store, App)> {
    let s = offline_settings(config, db)?;
    let store = open_store(&s.database_url).await?;
    let a = app(store.clone(), &s)?;
    Ok((store, a))
}

async fn tallies(config: Option<&PathBuf>, cmd: TalliesCommand) -> anyhow::Result<()> {
    let db = match &cmd {
        TalliesCommand::Rebuild { db } | TalliesCommand::Verify { db } => db,
    };
    let (store, a) = offline_app(config, db).await?;
    let outcome = match cmd {
        TalliesCommand::Rebuild { .. } => legalaid_app::supervision::rebuild(&a).await.map(|r| {
            format!(
                "tallies rebuilt: {} cases, {} monthly and {} daily cells",
                r.cases, r.cells, r.day_cells
            )
        }),
        TalliesCommand::Verify { .. } => match legalaid_app::supervision::verify(&a).await {
            Ok(diff) if diff.is_empty() => Ok("tallies agree with the cases".to_owned()),
            Ok(diff) => {
                store.close().await;
                let cell = |e: &Option<legalaid_domain::supervision::Entry>| {
                    e.as_ref().map_or_else(
                        || "none".to_owned(),
                        |e| format!("{} ({} fen)", e.count, e.amount_fen),
                    )
                };
                let lines: Vec<String> = diff
                    .iter()
                    .take(20)
                    .map(|(stored, computed)| {
                        let k = stored.as_ref().or(computed.as_ref()).map(|e| &e.key);
                        format!(
                            "{k:?}: stored {}, recomputed {}",
                            cell(stored),
                            cell(computed)
                        )
                    })
                    .collect();
                return Err(fatal(format!(
                    "{} tally cells differ from the cases (run `legalaid tallies rebuild`):\n{}{}",
                    diff.len(),
                    lines.join("\n"),
                    if diff.len() > 20 { "\n…" } else { "" }
                )));
            }
            Err(e) => Err(e),
        },
    };
    store.close().await;
    match outcome {
        Ok(msg) => {
            println!("{msg}");
            Ok(())
        }
        Err(e) => Err(fatal(e.to_string())),
    }
}

async fn admin(config: Option<&PathBuf>, cmd: AdminCommand) -> anyhow::Result<()> {
    let db = match &cmd {
        AdminCommand::CreateUser { db, .. } | AdminCommand::ResetPassword { db, .. } => db.clone(),
    };
    let s = settings(
        config,
        Overrides {
            db: &db,
            bind: None,
            demo: false,
            log_format: None,
        },
    )?;
    let store = open_store(&s.database_url).await?;
    let a = app(store.clone(), &s)?;
    let ctx = Ctx::system("cli");
    let result = match cmd {
        AdminCommand::CreateUser {
            username,
            name,
            roles,
            unit_id,
            password,
            ..
        } => {
            let input = legalaid_domain::user::UserInput {
                display_name: name,
                unit_id,
                staff_id: None,
                roles,
                active: true,
            };
            legalaid_app::users::create(&a, &ctx, &username, &input, &password)
                .await
                .map(|u| format!("created user {} (id {})", u.username, u.id))
        }
        AdminCommand::ResetPassword {
            username, password, ..
        } => {
            let found = {
                let (list, _) = legalaid_app::users::list(
                    &a,
                    &ctx,
                    &legalaid_app::filters::UserFilter {
                        q: Some(username.clone()),
                        ..Default::default()
                    },
                    legalaid_app::Page::new(None, Some(200)),
                )
                .await
                .map_err(|e| fatal(e.to_string()))?;
                list.into_iter()
                    .find(|u| u.username.eq_ignore_ascii_case(username.trim()))
            };
            match found {
                Some(u) => legalaid_app::users::reset_password(&a, &ctx, u.id, &password)
                    .await
                    .map(|u| {
                        format!(
                            "password reset for {}; it must be changed at next sign-in",
                            u.username
                        )
                    }),
                None => Err(legalaid_app::AppError::NotFound),
            }
        }
    };
    store.close().await;
    match result {
        Ok(msg) => {
            println!("{msg}");
            Ok(())
        }
        Err(legalaid_app::AppError::Validation(errs)) => Err(fatal(
            errs.iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(legalaid_app::AppError::NotFound) => Err(fatal("no such user or unit")),
        Err(e) => Err(fatal(e.to_string())),
    }
}

async fn serve(s: Settings) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let store = open_store(&s.database_url).await?;
    let a = app(store.clone(), &s)?;
    // The segmenter's dictionary, before the first write needs it.
    tokio::task::spawn_blocking(legalaid_domain::search::warm_up);
    // Before the demo is loaded: its closures text evaluation links with it.
    legalaid_app::evaluations::set_base_url(&a, &s.public_url)
        .await
        .map_err(|e| fatal(format!("cannot record the public address: {e}")))?;
    let given = std::env::var("LEGALAID_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    let channels = legalaid_notify::Channels::from_config(&s.notify)
        .map_err(|e| fatal(format!("message delivery is misconfigured: {e}")))?;
    let demo = if s.demo {
        legalaid_app::bootstrap::DemoData::Living
    } else {
        legalaid_app::bootstrap::DemoData::None
    };
    // The same preparation as the test harness: seeds and demo under the start-up
    // lock, so instances started together on one empty database take turns.
    let prepared = match legalaid_app::bootstrap::prepare(&a, given.as_deref(), demo).await {
        Ok(p) => p,
        Err(legalaid_app::bootstrap::PrepareError {
            error: legalaid_app::AppError::Validation(e),
            ..
        }) => {
            return Err(fatal(format!(
                "LEGALAID_ADMIN_PASSWORD does not meet the password policy: {}",
                e.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        Err(e) => return Err(fatal(format!("cannot prepare the database: {e}"))),
    };
    match prepared.admin {
        legalaid_app::bootstrap::AdminBootstrap::CreatedWithRandomPassword(p) => {
            println!("created the system administrator: admin password: {p}");
        }
        legalaid_app::bootstrap::AdminBootstrap::CreatedWithGivenPassword => {
            println!(
                "created the system administrator: admin password: (from LEGALAID_ADMIN_PASSWORD)"
            );
        }
        legalaid_app::bootstrap::AdminBootstrap::Existing => {}
    }
    if prepared.demo_loaded {
        println!("loaded the demo data set (accounts and password are listed in README.md)");
    }
    if prepared.activity_loaded {
        println!("loaded the demo's activity: last year and this year up to today");
    }
    let state = legalaid_web::AppState {
        app: a.clone(),
        settings: Arc::new(legalaid_web::WebSettings {
            secure_cookies: s.secure_cookies,
            metrics_token: s.metrics_token.clone(),
            sms_report_token: s.sms_report_token.clone(),
        }),
        metrics: legalaid_web::install_metrics(),
    };
    let listener = tokio::net::TcpListener::bind(s.bind)
        .await
        .map_err(|e| fatal(format!("cannot listen on {}: {e}", s.bind)))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = {
        let mut rx = stop_rx.clone();
        tokio::spawn(legalaid_app::jobs::run(
            a.clone(),
            std::time::Duration::from_secs(300),
            async move {
                let _ = rx.changed().await;
            },
        ))
    };
    let worker = {
        let mut rx = stop_rx.clone();
        tokio::spawn(delivery::run(
            a.clone(),
            channels,
            s.delivery_interval,
            async move {
                let _ = rx.changed().await;
            },
        ))
    };
    println!(
        "legalaid is listening on http://{} (ready in {} ms)",
        s.bind,
        started.elapsed().as_millis()
    );
    tracing::info!(bind = %s.bind, backend = ?store.backend(), "serving");
    let router = legalaid_web::router(state);
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop_tx.send(true);
    });
    server.await.context("serving HTTP")?;
    let _ = jobs.await;
    let _ = worker.await;
    // Every acknowledged write was committed before its response was sent; closing
    // the pools checkpoints SQLite's WAL cleanly.
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
