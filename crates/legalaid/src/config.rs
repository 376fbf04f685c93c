//! Configuration: command-line flags, then environment variables, then an optional
//! TOML file, then defaults. Everything is checked at start and every problem is
//! reported at once.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The keys a configuration file may hold (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub demo: Option<bool>,
    pub log_format: Option<String>,
    pub secure_cookies: Option<bool>,
    pub metrics_token: Option<String>,
    /// The token the SMS gateway's delivery reports bear; see docs/CONFIGURATION.md.
    pub sms_report_token: Option<String>,
    pub session_idle_minutes: Option<u64>,
    pub session_absolute_hours: Option<u64>,
    pub token_ttl_hours: Option<u64>,
    /// Message delivery (full-process notification); see docs/CONFIGURATION.md.
    pub sms_url: Option<String>,
    pub sms_key: Option<String>,
    pub sms_sign: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// How often (milliseconds) the delivery worker looks for due messages when idle.
    pub delivery_interval_ms: Option<u64>,
    /// The address the public reaches the portal at (for links in text messages).
    pub public_url: Option<String>,
}

impl FileConfig {
    pub fn load(path: &Path) -> Result<FileConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let msg = e.message().replace('\n', " ");
            format!(
                "the configuration file {} is not valid TOML: {msg}",
                path.display()
            )
        })
    }
}

/// Options common to every command that opens the database.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Where the embedded database, uploads and generated documents live (created if missing).
    #[arg(long, env = "LEGALAID_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH (default: <data-dir>/legalaid.db) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "LEGALAID_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo: bool,
    pub json_logs: bool,
    pub secure_cookies: bool,
    /// The bearer token `/metrics` asks for; without one it answers loopback clients only.
    pub metrics_token: Option<String>,
    /// The bearer token of the SMS gateway's delivery reports; without one they are off.
    pub sms_report_token: Option<String>,
    pub auth: legalaid_app::AuthSettings,
    pub notify: legalaid_notify::NotifyConfig,
    /// How often the delivery worker looks for due messages when idle.
    pub delivery_interval: std::time::Duration,
    /// The portal's address as the public reaches it (`http(s)://host[:port]`),
    /// for the links texted to recipients; `http://<bind>` when not set.
    pub public_url: String,
}

pub struct Overrides<'a> {
    pub db: &'a DbArgs,
    pub bind: Option<&'a str>,
    pub demo: bool,
    pub log_format: Option<&'a str>,
}

/// An environment variable (non-empty) over a file setting.
fn env_or(var: &str, file: &Option<String>) -> Option<String> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| file.clone())
}

/// Merges flags/environment over the file over defaults, and checks the result.
pub fn resolve(file: &FileConfig, o: &Overrides<'_>) -> Result<Settings, Vec<String>> {
    let mut problems = Vec::new();
    let bind_text = o
        .bind
        .map(str::to_owned)
        .or_else(|| file.bind.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let bind = bind_text.parse::<SocketAddr>().map_err(|_| problems.push(format!("the bind address {bind_text:?} is not an IP address with a port, such as 127.0.0.1:8080"))).ok();
    let data_dir =
        o.db.data_dir
            .clone()
            .or_else(|| file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("./data"));
    let data_dir = match prepare_data_dir(&data_dir) {
        Ok(d) => Some(d),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let database_url =
        o.db.database_url
            .clone()
            .or_else(|| file.database_url.clone())
            .filter(|u| !u.trim().is_empty());
    let database_url = match (database_url, &data_dir) {
        (Some(u), _) => {
            if !(u.starts_with("sqlite:")
                || u.starts_with("postgres://")
                || u.starts_with("postgresql://"))
            {
                problems.push(format!("the database URL {:?} is not supported: use sqlite://PATH or postgres://USER@HOST:PORT/DB", legalaid_store::connect_redact(&u)));
            }
            Some(u)
        }
        (None, Some(d)) => Some(format!("sqlite://{}", d.join("legalaid.db").display())),
        (None, None) => None,
    };
    let log_format = o
        .log_format
        .map(str::to_owned)
        .or_else(|| file.log_format.clone())
        .unwrap_or_else(|| "text".into());
    if log_format != "text" && log_format != "json" {
        problems.push(format!(
            "the log format {log_format:?} is not known: use text or json"
        ));
    }
    let mut auth = legalaid_app::AuthSettings::default();
    let minutes = |m: u64| std::time::Duration::from_secs(m * 60);
    if let Some(m) = file.session_idle_minutes {
        if m == 0 {
            problems.push("session_idle_minutes must be at least 1".into())
        } else {
            auth.session_idle = minutes(m)
        }
    }
    if let Some(h) = file.session_absolute_hours {
        if h == 0 {
            problems.push("session_absolute_hours must be at least 1".into())
        } else {
            auth.session_absolute = minutes(h * 60)
        }
    }
    if let Some(h) = file.token_ttl_hours {
        if h == 0 {
            problems.push("token_ttl_hours must be at least 1".into())
        } else {
            auth.token_ttl = minutes(h * 60)
        }
    }
    let public_url = env_or("LEGALAID_PUBLIC_URL", &file.public_url)
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty());
    if let Some(u) = &public_url
        && !((u.starts_with("https://") || u.starts_with("http://"))
            && u.len() > "https://".len()
            && !u.contains(char::is_whitespace))
    {
        problems.push(format!(
            "public_url {u:?} must be an http:// or https:// address, such as https://fayuan.example.gov.cn"
        ));
    }
    match (bind, data_dir, database_url) {
        (Some(bind), Some(data_dir), Some(database_url)) if problems.is_empty() => Ok(Settings {
            public_url: public_url.unwrap_or_else(|| format!("http://{bind}")),
            bind,
            data_dir: data_dir.clone(),
            database_url,
            demo: o.demo || file.demo.unwrap_or(false),
            json_logs: log_format == "json",
            // Secure cookies unless serving plain HTTP on loopback (local use, tests);
            // behind a TLS proxy on another address they are on by default.
            secure_cookies: std::env::var("LEGALAID_SECURE_COOKIES")
                .ok()
                .and_then(|v| match v.trim() {
                    "1" | "true" | "yes" => Some(true),
                    "0" | "false" | "no" => Some(false),
                    _ => None,
                })
                .or(file.secure_cookies)
                .unwrap_or(!bind.ip().is_loopback()),
            metrics_token: env_or("LEGALAID_METRICS_TOKEN", &file.metrics_token)
                .filter(|t| !t.trim().is_empty()),
            sms_report_token: env_or("LEGALAID_SMS_REPORT_TOKEN", &file.sms_report_token)
                .filter(|t| !t.trim().is_empty()),
            auth,
            notify: legalaid_notify::NotifyConfig {
                sms_url: env_or("LEGALAID_SMS_URL", &file.sms_url),
                sms_key: env_or("LEGALAID_SMS_KEY", &file.sms_key),
                sms_sign: env_or("LEGALAID_SMS_SIGN", &file.sms_sign).unwrap_or_default(),
                smtp_url: env_or("LEGALAID_SMTP_URL", &file.smtp_url),
                mail_from: env_or("LEGALAID_MAIL_FROM", &file.mail_from)
                    .unwrap_or_else(|| "legalaid <noreply@localhost>".into()),
                sink_dir: data_dir.clone(),
            },
            delivery_interval: std::time::Duration::from_millis(
                env_or("LEGALAID_DELIVERY_INTERVAL_MS", &None)
                    .and_then(|v| v.trim().parse().ok())
                    .or(file.delivery_interval_ms)
                    .unwrap_or(500)
                    .clamp(50, 3_600_000),
            ),
        }),
        _ => Err(problems),
    }
}

/// Creates the data directory if needed and checks that it is writable.
fn prepare_data_dir(dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .map_err(|e| format!("the data directory {} is not writable: {e}", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    dir.canonicalize()
        .map_err(|e| format!("cannot resolve the data directory {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(dir: &Path) -> DbArgs {
        DbArgs {
            data_dir: Some(dir.to_path_buf()),
            database_url: None,
        }
    }

    #[test]
    fn the_public_address_defaults_to_the_bind_address_and_must_be_http() {
        let t = tempfile::tempdir().expect("tempdir");
        let d = db(t.path());
        let o = Overrides {
            db: &d,
            bind: None,
            demo: false,
            log_format: None,
        };
        let s = resolve(&FileConfig::default(), &o).expect("valid");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        let file = FileConfig {
            public_url: Some("https://fayuan.example.gov.cn/".into()),
            ..Default::default()
        };
        assert_eq!(
            resolve(&file, &o).expect("valid").public_url,
            "https://fayuan.example.gov.cn"
        );
        let file = FileConfig {
            public_url: Some("fayuan.example.gov.cn".into()),
            ..Default::default()
        };
        let problems = resolve(&file, &o).expect_err("invalid");
        assert!(
            problems.iter().any(|p| p.contains("public_url")),
            "{problems:?}"
        );
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_dir() {
        let t = tempfile::tempdir().expect("tempdir");
        let d = db(t.path());
        let s = resolve(
            &FileConfig::default(),
            &Overrides {
                db: &d,
                bind: None,
                demo: false,
                log_format: None,
            },
        )
        .expect("valid");
        assert!(s.database_url.starts_with("sqlite://"));
        assert!(s.database_url.ends_with("legalaid.db"));
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn flags_override_file_and_all_problems_are_listed() {
        let t = tempfile::tempdir().expect("tempdir");
        let d = DbArgs {
            data_dir: Some(t.path().to_path_buf()),
            database_url: Some("mysql://x".into()),
        };
        let file = FileConfig {
            bind: Some("127.0.0.1:9".into()),
            log_format: Some("xml".into()),
            ..Default::default()
        };
        let e = resolve(
            &file,
            &Overrides {
                db: &d,
                bind: Some("nonsense"),
                demo: false,
                log_format: None,
            },
        )
        .expect_err("invalid");
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn cookies_are_secure_unless_serving_on_loopback() {
        if std::env::var_os("LEGALAID_SECURE_COOKIES").is_some() {
            eprintln!("LEGALAID_SECURE_COOKIES is set: the default cannot be observed");
            return;
        }
        let t = tempfile::tempdir().expect("tempdir");
        let d = db(t.path());
        let secure = |file: &FileConfig, bind: &str| {
            resolve(
                file,
                &Overrides {
                    db: &d,
                    bind: Some(bind),
                    demo: false,
                    log_format: None,
                },
            )
            .expect("valid")
            .secure_cookies
        };
        let plain = FileConfig::default();
        assert!(!secure(&plain, "127.0.0.1:8080"), "plain HTTP on loopback");
        assert!(!secure(&plain, "[::1]:8080"), "plain HTTP on IPv6 loopback");
        assert!(secure(&plain, "0.0.0.0:8080"), "every address: behind TLS");
        assert!(secure(&plain, "10.1.2.3:8080"), "a LAN address");
        let off = FileConfig {
            secure_cookies: Some(false),
            ..Default::default()
        };
        assert!(!secure(&off, "0.0.0.0:8080"), "the file can turn it off");
        let on = FileConfig {
            secure_cookies: Some(true),
            ..Default::default()
        };
        assert!(secure(&on, "127.0.0.1:8080"), "the file can turn it on");
    }

    #[test]
    fn malformed_file_is_one_sentence() {
        let t = tempfile::tempdir().expect("tempdir");
        let p = t.path().join("c.toml");
        std::fs::write(&p, "bind = [").expect("write");
        let e = FileConfig::load(&p).expect_err("bad toml");
        assert!(e.starts_with("the configuration file"), "{e}");
        std::fs::write(&p, "colour = 1").expect("write");
        assert!(FileConfig::load(&p).is_err(), "unknown keys are refused");
    }
}
