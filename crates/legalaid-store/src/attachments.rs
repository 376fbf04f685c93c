//! What is known about attached files (their content is stored by the caller).

use crate::{Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub application_id: i64,
    /// Set for the materials of a case (progress evidence, closure documents).
    pub case_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub description: String,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, application_id, case_id, filename, content_type, size_bytes, sha256, description, uploaded_by, created_at";

pub struct NewAttachment<'a> {
    pub application_id: i64,
    pub case_id: Option<i64>,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub description: &'a str,
    pub uploaded_by: Option<i64>,
}

pub async fn insert(tx: &mut Tx, a: &NewAttachment<'_>, now: DateTime<Utc>) -> Result<Attachment> {
    const Q: &str = "INSERT INTO attachments (application_id, filename, content_type, size_bytes, sha256, description, uploaded_by, created_at, case_id) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(a.application_id).bind(a.filename).bind(a.content_type)
        .bind(a.size_bytes).bind(a.sha256).bind(a.description).bind(a.uploaded_by).bind(now).bind(a.case_id).fetch_one(c).await?);
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Attachment>> {
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?))
}

/// The files of a case.
pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Attachment>> {
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(c).await?))
}

/// The files of an application (a case's materials are listed with the case).
pub async fn of_application(tx: &mut Tx, application_id: i64) -> Result<Vec<Attachment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE application_id = $1 AND case_id IS NULL ORDER BY id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(application_id).fetch_all(c).await?),
    )
}
