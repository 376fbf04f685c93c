//! Staff records: list, show, create, update.

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, units};
use chrono::Datelike;
use legalaid_domain::StaffId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::staff::{Staff, StaffInput};
use legalaid_store::Tx;
use legalaid_store::staff::{self as store, StaffFilter};

pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &StaffFilter,
    page: Page,
) -> AppResult<(Vec<Staff>, i64)> {
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// Every staff member the caller can see that `filter` keeps (for choosers).
pub async fn all(app: &App, ctx: &Ctx, filter: &StaffFilter) -> AppResult<Vec<Staff>> {
    let mut tx = app.store.read().await?;
    Ok(store::all(&mut tx, &policy::scope(ctx), filter).await?)
}

pub async fn get(app: &App, ctx: &Ctx, id: StaffId) -> AppResult<Staff> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await
}

pub(crate) async fn visible(tx: &mut Tx, ctx: &Ctx, id: StaffId) -> AppResult<Staff> {
    let staff = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    units::visible(tx, ctx, staff.unit_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(staff)
}

fn current_year(app: &App) -> i32 {
    crate::clock::china_time(app.clock.now()).year()
}

pub async fn create(app: &App, ctx: &Ctx, input: &StaffInput) -> AppResult<Staff> {
    policy::ensure_manage_units(ctx)?;
    let fields = input.validate(current_year(app))?;
    let mut tx = app.store.write().await?;
    units::visible(&mut tx, ctx, fields.unit_id)
        .await
        .map_err(|_| AppError::field("unit_id", "所属单位不存在"))?;
    let staff = store::insert(&mut tx, &fields, app.clock.now()).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::StaffCreate,
        staff.id,
        None::<&()>,
        Some(&staff),
    )
    .await?;
    tx.commit().await?;
    Ok(staff)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: StaffId,
    version: i64,
    input: &StaffInput,
) -> AppResult<Staff> {
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::ensure_manage_units(ctx)?;
    let fields = input.validate(current_year(app))?;
    units::visible(&mut tx, ctx, fields.unit_id)
        .await
        .map_err(|_| AppError::field("unit_id", "所属单位不存在"))?;
    let after = store::update(&mut tx, id, version, &fields, app.clock.now()).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::StaffUpdate,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
