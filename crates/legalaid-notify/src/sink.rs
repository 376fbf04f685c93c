//! The file sink: where SMS and e-mail go when no gateway is configured.

use crate::{Outgoing, Receipt, SendError, SendFuture, Sender, log_outcome};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Appends one JSON line per message to a file:
/// `{"id","channel","address","subject","body","at"}` (`at`: when the line was
/// written, RFC 3339 UTC).
///
/// The file lives in the data directory and holds the full message text and
/// address, so it is personal data like the database: it is created with mode
/// 0600, belongs in backups' protection and retention rules, and should be removed
/// once a real gateway is configured. Each line is written with one `write` on a
/// file opened with `O_APPEND` and then `fsync`ed, so a crash leaves whole lines
/// and a line that was reported sent is on disk.
#[derive(Debug, Clone)]
pub struct FileSink {
    path: PathBuf,
    // Serialises writers in this process; O_APPEND keeps lines whole across processes.
    lock: Arc<Mutex<()>>,
}

impl FileSink {
    pub fn new(path: impl Into<PathBuf>) -> FileSink {
        FileSink {
            path: path.into(),
            lock: Arc::new(Mutex::new(())),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Sender for FileSink {
    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let mut line = serde_json::to_string(&serde_json::json!({
                "id": m.id,
                "channel": m.channel.as_str(),
                "address": m.address,
                "subject": m.subject,
                "body": m.body,
                "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            }))
            .map_err(|e| SendError::Permanent(format!("cannot encode the message: {e}")))?;
            line.push('\n');
            let (path, lock) = (self.path.clone(), self.lock.clone());
            let written = tokio::task::spawn_blocking(move || {
                let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                append(&path, line.as_bytes())
            })
            .await;
            let r = match written {
                Ok(Ok(())) => Ok(Receipt {
                    provider_id: format!("sink:{}", m.id),
                }),
                // Disk full or permissions: an operator can fix it, so retry.
                Ok(Err(e)) => Err(SendError::Temporary(format!(
                    "cannot write the sink file: {}",
                    e.kind()
                ))),
                Err(e) => Err(SendError::Temporary(format!("sink task failed: {e}"))),
            };
            log_outcome(m, &r);
            r
        })
    }
}

fn append(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}
