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
            version: self.version,
        })
    }
}

pub async fn list(tx: &mut Tx) -> Result<Vec<DocTemplate>> {
    const Q: &str =
        "SELECT kind, title, addressee, body, version FROM document_templates ORDER BY kind";
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter().map(Row::into_template).collect()
}

pub async fn get(tx: &mut Tx, kind: DocKind) -> Result<Option<DocTemplate>> {
    const Q: &str =
        "SELECT kind, title, addressee, body, version FROM document_templates WHERE kind = $1";
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(kind.as_str()).fetch_optional(c).await?);
    row.map(Row::into_template).transpose()
}

pub async fn insert(tx: &mut Tx, t: &DocTemplate, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "INSERT INTO document_templates (kind, title, addressee, body, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)";
    on_tx!(tx, c => sqlx::query(Q).bind(t.kind.as_str()).bind(&t.title).bind(&t.addressee).bind(&t.body).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn update(
    tx: &mut Tx,
    t: &DocTemplate,
    version: i64,
    now: DateTime<Utc>,
) -> Result<DocTemplate> {
    const Q: &str = "UPDATE document_templates SET title = $1, addressee = $2, body = $3, version = version + 1, updated_at = $4 \
        WHERE kind = $5 AND version = $6";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(&t.title).bind(&t.addressee).bind(&t.body).bind(now).bind(t.kind.as_str())
        .bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, t.kind).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, t.kind).await?.ok_or(StoreError::NotFound)
}
