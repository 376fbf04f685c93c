//! `legalaid backup` and `legalaid restore` (issue 13, ADR 0033): a consistent
//! copy of a running SQLite system — the database as of its last commit, the
//! data key and the uploaded files — and bringing it back into an empty data
//! directory. On PostgreSQL the database goes by `pg_dump` (docs/OPERATIONS.md);
//! the backup then holds the key and the files.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use legalaid_store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The manifest's name in a backup directory; written last, so a directory
/// without it is an unfinished backup.
pub const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "legalaid.db";
const KEY: &str = "data.key";
const FILES: &str = "files";

/// One file of a backup, with what it must hash to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the backup directory, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The SQLite database (none for PostgreSQL: see `pg_dump`).
    pub database: Option<Entry>,
    /// The data key (none when left out: restore then needs `LEGALAID_DATA_KEY`).
    pub key: Option<Entry>,
    pub files: Vec<Entry>,
    /// Rows per table in the copied database (in the live one for PostgreSQL).
    pub counts: BTreeMap<String, i64>,
}

fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((n, hex::encode(h.finalize())))
}

fn entry(root: &Path, rel: &str) -> anyhow::Result<Entry> {
    let (bytes, sha256) = sha256_of(&root.join(rel))?;
    Ok(Entry {
        path: rel.to_owned(),
        bytes,
        sha256,
    })
}

/// Copies `from` to `to` through a temporary file, synced, then renamed.
fn copy_durably(from: &Path, to: &Path) -> anyhow::Result<()> {
    let dir = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("copy")
    ));
    std::fs::copy(from, &tmp)
        .with_context(|| format!("cannot copy {} to {}", from.display(), tmp.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, to)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8], private: bool) -> anyhow::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// The files under `root` (relative, `/`-separated), leaving out temporary
/// files (names starting with a dot), in a stable order.
fn files_under(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(root.join(&rel))? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let child = rel.join(&name);
            if e.file_type()?.is_dir() {
                stack.push(child);
            } else {
                out.push(child.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Takes a backup of the system whose database `store` is and whose files lie
/// in `data_dir`, into the new (or empty) directory `to`. `key_hex`: the data
/// key to keep with it (none: left out).
pub async fn backup(
    store: &Store,
    data_dir: &Path,
    key_hex: Option<&str>,
    to: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<Manifest> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        bail!("the backup directory {} is not empty", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let copy = to.join(DATABASE);
    let (backend, database, counts) = if store.backup_sqlite(&copy).await? {
        // Counted in the copy itself: the figures of the snapshot taken.
        let url = format!("sqlite://{}", copy.display());
        let c = Store::connect(&url).await?;
        let counts = c.table_counts().await;
        c.close().await;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", copy.display()));
            if side.exists() {
                std::fs::remove_file(side)?;
            }
        }
        std::fs::File::open(&copy)?.sync_all()?;
        ("sqlite", Some(entry(to, DATABASE)?), counts?)
    } else {
        ("postgres", None, store.table_counts().await?)
    };
    let key = match key_hex {
        Some(k) => {
            write_synced(&to.join(KEY), k.trim().as_bytes(), true)?;
            Some(entry(to, KEY)?)
        }
        None => None,
    };
    // Files after the database: every file its rows name was written before the
    // row committed, so it is here; files of later rows are harmless extras.
    let src = data_dir.join(FILES);
    let mut files = Vec::new();
    for rel in files_under(&src)? {
        let target = to.join(FILES).join(&rel);
        copy_durably(&src.join(&rel), &target)?;
        files.push(entry(to, &format!("{FILES}/{rel}"))?);
    }
    let m = Manifest {
        format: 1,
        created_at: now,
        backend: backend.to_owned(),
        database,
        key,
        files,
        counts: counts.into_iter().collect(),
    };
    write_synced(&to.join(MANIFEST), &serde_json::to_vec_pretty(&m)?, false)?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(m)
}

/// Reads a backup's manifest and checks every file it lists against its size
/// and hash, before anything is restored.
pub fn check(from: &Path) -> anyhow::Result<Manifest> {
    let raw = std::fs::read(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} holds no {MANIFEST}: not a backup, or an unfinished one",
            from.display()
        )
    })?;
    let m: Manifest =
        serde_json::from_slice(&raw).context("the backup's manifest is not readable")?;
    if m.format != 1 {
        bail!("backup format {} is not known to this version", m.format);
    }
    for e in m.database.iter().chain(&m.key).chain(&m.files) {
        if e.path.contains("..") || e.path.starts_with('/') {
            bail!("the manifest names a file outside the backup: {}", e.path);
        }
        let (bytes, sha) = sha256_of(&from.join(&e.path))?;
        if bytes != e.bytes || sha != e.sha256 {
            bail!(
                "{} does not match the manifest (damaged or changed)",
                e.path
            );
        }
    }
    Ok(m)
}

/// Restores the backup in `from` into `data_dir`, whose SQLite database is
/// `database` and must not exist yet. Checks everything first.
pub fn restore(from: &Path, data_dir: &Path, database: Option<&Path>) -> anyhow::Result<Manifest> {
    let m = check(from)?;
    match (&m.database, database) {
        (Some(_), Some(db)) if db.exists() => bail!(
            "{} already exists: restore goes into an empty data directory",
            db.display()
        ),
        (Some(_), None) => bail!(
            "this backup holds a SQLite database; restore it with a SQLite --database-url (or none)"
        ),
        _ => {}
    }
    // A write-ahead log left beside the target by an earlier database would be
    // replayed into the restored one when it is opened, corrupting it.
    if let (Some(_), Some(db)) = (&m.database, database) {
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let leftover = PathBuf::from(name);
            if leftover.exists() {
                bail!(
                    "{} is left from an earlier database: move it away (with that database) before restoring",
                    leftover.display()
                );
            }
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    if let Some(k) = &m.key {
        let target = data_dir.join(KEY);
        let key = std::fs::read(from.join(&k.path))?;
        if target.exists() {
            if std::fs::read(&target)? != key {
                bail!(
                    "{} holds another data key: the backup's encrypted fields need its own",
                    target.display()
                );
            }
        } else {
            write_synced(&target, &key, true)?;
        }
    }
    for f in &m.files {
        let rel = f.path.strip_prefix(&format!("{FILES}/")).unwrap_or(&f.path);
        let target = data_dir.join(FILES).join(rel);
        if !target.exists() {
            copy_durably(&from.join(&f.path), &target)?;
        }
    }
    if let (Some(d), Some(db)) = (&m.database, database) {
        copy_durably(&from.join(&d.path), db)?;
    }
    Ok(m)
}
