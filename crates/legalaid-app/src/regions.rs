//! Administrative regions: the tree that units hang in.

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::Validation;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::region::RegionCode;
use legalaid_store::regions::{self as store, Region};

pub async fn list(app: &App) -> AppResult<Vec<Region>> {
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx).await?)
}

/// Adds a region below an existing parent (a province needs none).
pub async fn create(app: &App, ctx: &Ctx, code: &str, name: &str) -> AppResult<Region> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = Validation::new();
    let name = v.text("name", name, "名称", 50);
    let code = RegionCode::parse(code).map_err(|m| v.add("code", m)).ok();
    let Some(code) = code.filter(|_| v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let mut tx = app.store.write().await?;
    if store::get(&mut tx, &code).await?.is_some() {
        return Err(AppError::field("code", "该行政区划代码已存在"));
    }
    if let Some(parent) = code.parent()
        && store::get(&mut tx, &parent).await?.is_none()
    {
        return Err(AppError::field(
            "code",
            format!("上级行政区划 {parent} 不存在，请先添加"),
        ));
    }
    let region = store::insert(&mut tx, &code, &name).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RegionCreate,
        region.code.as_str(),
        None::<&()>,
        Some(&region),
    )
    .await?;
    tx.commit().await?;
    Ok(region)
}
