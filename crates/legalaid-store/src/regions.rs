//! Administrative regions (GB/T 2260).

use crate::{Result, StoreError, Tx};
use legalaid_domain::region::{RegionCode, RegionLevel};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<RegionCode>,
}

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    name: String,
    parent_code: Option<String>,
}

impl Row {
    fn into_region(self) -> Result<Region> {
        let code = RegionCode::parse(&self.code).map_err(StoreError::Corrupt)?;
        let parent_code = self
            .parent_code
            .map(|p| RegionCode::parse(&p))
            .transpose()
            .map_err(StoreError::Corrupt)?;
        Ok(Region {
            level: code.level(),
            code,
            name: self.name,
            parent_code,
        })
    }
}

/// Every region, ordered by code (so a parent comes before its children).
pub async fn list(tx: &mut Tx) -> Result<Vec<Region>> {
    const Q: &str = "SELECT code, name, parent_code FROM regions ORDER BY code";
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter().map(Row::into_region).collect()
}

/// The regions whose code starts with `prefix` (every one for ""), in code
/// order.
pub async fn under(tx: &mut Tx, prefix: &str) -> Result<Vec<Region>> {
    const Q: &str = "SELECT code, name, parent_code FROM regions WHERE code LIKE $1 ORDER BY code";
    let rows: Vec<Row> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(format!("{prefix}%")).fetch_all(c).await?);
    rows.into_iter().map(Row::into_region).collect()
}

pub async fn get(tx: &mut Tx, code: &RegionCode) -> Result<Option<Region>> {
    const Q: &str = "SELECT code, name, parent_code FROM regions WHERE code = $1";
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(code.as_str()).fetch_optional(c).await?);
    row.map(Row::into_region).transpose()
}

/// Adds a region; its parent must already exist.
pub async fn insert(tx: &mut Tx, code: &RegionCode, name: &str) -> Result<Region> {
    const Q: &str = "INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)";
    let parent = code.parent().map(|p| p.as_str().to_owned());
    on_tx!(tx, c => sqlx::query(Q).bind(code.as_str()).bind(name).bind(code.level().as_str()).bind(&parent).execute(c).await?.rows_affected());
    Ok(Region {
        code: code.clone(),
        name: name.to_owned(),
        level: code.level(),
        parent_code: code.parent(),
    })
}
