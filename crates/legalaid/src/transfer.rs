//! `legalaid export` and `legalaid import` (issue 13, ADR 0034): every table
//! of one snapshot as JSON lines with a manifest of counts and checksums, and
//! all of it written into an empty database of either backend in one
//! transaction — so a SQLite system moves to PostgreSQL.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use legalaid_store::Store;
use legalaid_store::transfer::{self as store, Table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

pub const MANIFEST: &str = "manifest.json";
/// Rows written per statement on import.
const BATCH: usize = 500;

/// One table of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// Relative to the export directory.
    pub file: String,
    pub sha256: String,
}

/// What an export holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The highest migration of the exported database.
    pub schema_version: i64,
    pub tables: Vec<TableEntry>,
}

impl Manifest {
    pub fn rows(&self) -> BTreeMap<String, u64> {
        self.tables
            .iter()
            .map(|t| (t.name.clone(), t.rows))
            .collect()
    }
}

/// Writes every table of `store` (one snapshot) into the new or empty
/// directory `to`.
pub async fn export(store: &Store, to: &Path, now: DateTime<Utc>) -> anyhow::Result<Manifest> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        bail!("the export directory {} is not empty", to.display());
    }
    std::fs::create_dir_all(to.join("tables"))
        .with_context(|| format!("cannot create {}", to.display()))?;
    let mut tx = store::snapshot(store).await?;
    let backend = match tx.backend() {
        legalaid_store::Backend::Sqlite => "sqlite",
        legalaid_store::Backend::Postgres => "postgres",
    };
    let schema_version = store::schema_version(&mut tx).await?;
    let mut tables = Vec::new();
    for t in store::tables(&mut tx).await? {
        let file = format!("tables/{}.jsonl", t.name);
        let path = to.join(&file);
        let f = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut w = BufWriter::new(f);
        let mut h = Sha256::new();
        let rows = store::export_rows(&mut tx, &t, |line| {
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
            h.update(line.as_bytes());
            h.update(b"\n");
            Ok(())
        })
        .await?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        tables.push(TableEntry {
            name: t.name,
            columns: t.columns,
            rows,
            file,
            sha256: hex::encode(h.finalize()),
        });
    }
    drop(tx);
    let m = Manifest {
        format: 1,
        created_at: now,
        backend: backend.to_owned(),
        schema_version,
        tables,
    };
    let mut f = std::fs::File::create(to.join(MANIFEST))?;
    f.write_all(&serde_json::to_vec_pretty(&m)?)?;
    f.sync_all()?;
    Ok(m)
}

/// A table file read a batch of lines at a time.
struct Batches(std::io::Lines<BufReader<std::fs::File>>);

impl Batches {
    fn open(from: &Path, t: &TableEntry) -> anyhow::Result<Self> {
        let path = from.join(&t.file);
        let f = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Batches(BufReader::new(f).lines()))
    }

    /// The next lines (none at the end).
    fn next_batch(&mut self) -> anyhow::Result<Vec<String>> {
        let mut b = Vec::with_capacity(BATCH);
        for line in self.0.by_ref() {
            b.push(line?);
            if b.len() == BATCH {
                break;
            }
        }
        Ok(b)
    }
}

/// The lines of an export's table file in batches.
fn batches(
    from: &Path,
    t: &TableEntry,
    mut each: impl FnMut(Vec<String>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let path = from.join(&t.file);
    let f =
        std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut batch = Vec::with_capacity(BATCH);
    for line in BufReader::new(f).lines() {
        batch.push(line?);
        if batch.len() == BATCH {
            each(std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        each(batch)?;
    }
    Ok(())
}

/// Checks every table file against its size in rows and its hash.
pub fn check(from: &Path) -> anyhow::Result<Manifest> {
    let raw = std::fs::read(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} holds no {MANIFEST}: not an export, or an unfinished one",
            from.display()
        )
    })?;
    let m: Manifest =
        serde_json::from_slice(&raw).context("the export's manifest is not readable")?;
    if m.format != 1 {
        bail!("export format {} is not known to this version", m.format);
    }
    for t in &m.tables {
        if t.file.contains("..") || t.file.starts_with('/') {
            bail!("the manifest names a file outside the export: {}", t.file);
        }
        let mut h = Sha256::new();
        let mut rows = 0u64;
        batches(from, t, |b| {
            for l in &b {
                h.update(l.as_bytes());
                h.update(b"\n");
            }
            rows += b.len() as u64;
            Ok(())
        })?;
        if rows != t.rows || hex::encode(h.finalize()) != t.sha256 {
            bail!(
                "{} does not match the manifest (damaged or changed)",
                t.file
            );
        }
    }
    Ok(m)
}

fn sorted(v: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct Imported {
    pub manifest: Manifest,
    /// Rows per table in the database afterwards.
    pub counts: BTreeMap<String, i64>,
}

/// Writes the export in `from` into `store`, which must be empty (migrated,
/// never served) and at the export's schema version: all or nothing.
pub async fn import(store: &Store, from: &Path) -> anyhow::Result<Imported> {
    let m = check(from)?;
    let mut tx = store::begin_import(store).await?;
    if !store::is_empty(&mut tx).await? {
        bail!("the target database is not empty: import goes into a new database");
    }
    let version = store::schema_version(&mut tx).await?;
    if version != m.schema_version {
        bail!(
            "the export is of schema version {} and this database is at {}: import with the same version of legalaid",
            m.schema_version,
            version
        );
    }
    let targets: Vec<Table> = store::tables(&mut tx).await?;
    let by_name: BTreeMap<&str, &TableEntry> =
        m.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &targets {
        match by_name.get(t.name.as_str()) {
            None => bail!("the export has no table {}", t.name),
            Some(e) if sorted(&e.columns) != sorted(&t.columns) => bail!(
                "the columns of {} differ between the export and this database",
                t.name
            ),
            Some(_) => {}
        }
    }
    let late = store::late_columns(&mut tx, &targets).await?;
    store::clear(&mut tx, &targets).await?;
    let none = Vec::new();
    for t in &targets {
        let e = by_name[t.name.as_str()];
        let cols = late.get(&t.name).unwrap_or(&none);
        let mut lines = Batches::open(from, e)?;
        loop {
            let b = lines.next_batch()?;
            if b.is_empty() {
                break;
            }
            store::import_rows(&mut tx, t, cols, &b)
                .await
                .with_context(|| format!("importing {}", t.name))?;
        }
    }
    // The references to tables written later (PostgreSQL checks each row).
    for t in &targets {
        if let Some(cols) = late.get(&t.name) {
            let mut lines = Batches::open(from, by_name[t.name.as_str()])?;
            loop {
                let b = lines.next_batch()?;
                if b.is_empty() {
                    break;
                }
                store::import_late(&mut tx, t, cols, &b)
                    .await
                    .with_context(|| format!("importing {}", t.name))?;
            }
        }
    }
    store::reset_sequences(&mut tx).await?;
    tx.commit().await.context("committing the import")?;
    let counts = store.table_counts().await?.into_iter().collect();
    Ok(Imported {
        manifest: m,
        counts,
    })
}
