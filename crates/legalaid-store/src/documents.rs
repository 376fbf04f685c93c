//! Document templates.

use crate::{Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::document::{DocKind, DocTemplate};

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    title: String,
    addressee: String,
    body: String,
    number_format: Option<String>,
    version: i64,
}

impl Row {
    fn into_template(self) -> Result<DocTemplate> {
        Ok(DocTemplate {
            kind: DocKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("document kind {:?}", self.kind)))?,
            title: self.title,
            addressee: self.addressee,
            body: self.body,
            number_format: self.number_format.unwrap_or_default(),
            version: self.version,
        })
    }
}

pub async fn list(tx: &mut Tx) -> Result<Vec<DocTemplate>> {
    const Q: &str = "SELECT kind, title, addressee, body, number_format, version FROM document_templates ORDER BY kind";
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter().map(Row::into_template).collect()
}

pub async fn get(tx: &mut Tx, kind: DocKind) -> Result<Option<DocTemplate>> {
    const Q: &str = "SELECT kind, title, addressee, body, number_format, version FROM document_templates WHERE kind = $1";
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(kind.as_str()).fetch_optional(c).await?);
    row.map(Row::into_template).transpose()
}

pub async fn insert(tx: &mut Tx, t: &DocTemplate, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "INSERT INTO document_templates (kind, title, addressee, body, number_format, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)";
    on_tx!(tx, c => sqlx::query(Q).bind(t.kind.as_str()).bind(&t.title).bind(&t.addressee).bind(&t.body).bind(&t.number_format).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn update(
    tx: &mut Tx,
    t: &DocTemplate,
    version: i64,
    now: DateTime<Utc>,
) -> Result<DocTemplate> {
    const Q: &str = "UPDATE document_templates SET title = $1, addressee = $2, body = $3, number_format = $4, \
        version = version + 1, updated_at = $5 WHERE kind = $6 AND version = $7";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(&t.title).bind(&t.addressee).bind(&t.body).bind(&t.number_format).bind(now)
        .bind(t.kind.as_str()).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, t.kind).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, t.kind).await?.ok_or(StoreError::NotFound)
}

/// Fills in the shipped number series of templates stored before series
/// existed (`number_format` NULL); an administrator's choice, even empty, stays.
pub async fn fill_number_formats(tx: &mut Tx, formats: &[(DocKind, String)]) -> Result<u64> {
    const Q: &str = "UPDATE document_templates SET number_format = $1 WHERE kind = $2 AND number_format IS NULL";
    let mut n = 0;
    for (kind, format) in formats {
        n += on_tx!(tx, c => sqlx::query(Q).bind(format).bind(kind.as_str()).execute(c).await?.rows_affected());
    }
    Ok(n)
}

/// The number a document of `kind` was issued under for `subject`, if it was.
pub async fn issued_number(tx: &mut Tx, kind: DocKind, subject: &str) -> Result<Option<String>> {
    const Q: &str = "SELECT number FROM issued_documents WHERE kind = $1 AND subject = $2";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(kind.as_str()).bind(subject).fetch_optional(c).await?),
    )
}

/// Records that a document of `kind` was issued for `subject` under `number`.
pub async fn record_issue(
    tx: &mut Tx,
    kind: DocKind,
    subject: &str,
    number: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    const Q: &str =
        "INSERT INTO issued_documents (kind, subject, number, issued_at) VALUES ($1, $2, $3, $4)";
    on_tx!(tx, c => sqlx::query(Q).bind(kind.as_str()).bind(subject).bind(number).bind(at).execute(c).await?.rows_affected());
    Ok(())
}
