//! Units: list, show, create, update.

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::UnitId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::unit::{Unit, UnitInput};
use legalaid_store::units::{self as store, UnitFilter};
use legalaid_store::{Tx, regions};

pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &UnitFilter,
    page: Page,
) -> AppResult<(Vec<Unit>, i64)> {
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// Every active unit, whoever asks (the public portal's directory and choices,
/// the center of a region), read a thousand at a time.
pub async fn active_all(app: &App) -> AppResult<Vec<Unit>> {
    const BATCH: i64 = 1000;
    let mut tx = app.store.read().await?;
    let mut all = Vec::new();
    for page in 1.. {
        let (units, _) = store::list(
            &mut tx,
            &legalaid_domain::visibility::Scope::All,
            &UnitFilter::default(),
            Page {
                page,
                per_page: BATCH,
            },
        )
        .await?;
        let last = units.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        all.extend(units.into_iter().filter(|u| u.active));
        if last {
            break;
        }
    }
    Ok(all)
}

/// Every unit the caller can see (for choosers in forms and names in lists),
/// read a thousand at a time.
pub async fn all_visible(app: &App, ctx: &Ctx) -> AppResult<Vec<Unit>> {
    let mut tx = app.store.read().await?;
    all_visible_in(&mut tx, ctx).await
}

/// [`all_visible`] within the caller's transaction.
pub(crate) async fn all_visible_in(tx: &mut Tx, ctx: &Ctx) -> AppResult<Vec<Unit>> {
    const BATCH: i64 = 1000;
    let mut all = Vec::new();
    for page in 1.. {
        let (units, _) = store::list(
            tx,
            &policy::scope(ctx),
            &UnitFilter::default(),
            Page {
                page,
                per_page: BATCH,
            },
        )
        .await?;
        let last = units.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        all.extend(units);
        if last {
            break;
        }
    }
    Ok(all)
}

pub async fn get(app: &App, ctx: &Ctx, id: UnitId) -> AppResult<Unit> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await
}

/// Loads a unit the caller can see; NotFound otherwise.
pub(crate) async fn visible(tx: &mut Tx, ctx: &Ctx, id: UnitId) -> AppResult<Unit> {
    let unit = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    policy::ensure_visible(ctx, &unit)?;
    Ok(unit)
}

async fn check_region(
    tx: &mut Tx,
    ctx: &Ctx,
    input: &legalaid_domain::unit::UnitFields,
) -> AppResult<()> {
    if regions::get(tx, &input.region_code).await?.is_none() {
        return Err(AppError::field(
            "region_code",
            "行政区划不存在，请先在行政区划中添加",
        ));
    }
    // A supervisor may only place units inside their own region.
    if !policy::region_in_scope(ctx, &input.region_code) {
        return Err(AppError::field("region_code", "只能在本辖区内设置单位"));
    }
    Ok(())
}

pub async fn create(app: &App, ctx: &Ctx, input: &UnitInput) -> AppResult<Unit> {
    policy::ensure_manage_units(ctx)?;
    let fields = input.validate()?;
    let mut tx = app.store.write().await?;
    check_region(&mut tx, ctx, &fields).await?;
    let unit = store::insert(&mut tx, &fields, app.clock.now())
        .await
        .map_err(name_taken)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UnitCreate,
        unit.id,
        None::<&()>,
        Some(&unit),
    )
    .await?;
    tx.commit().await?;
    Ok(unit)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: UnitId,
    version: i64,
    input: &UnitInput,
) -> AppResult<Unit> {
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::ensure_manage_units(ctx)?;
    let fields = input.validate()?;
    check_region(&mut tx, ctx, &fields).await?;
    let after = store::update(&mut tx, id, version, &fields, app.clock.now())
        .await
        .map_err(name_taken)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UnitUpdate,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn name_taken(e: legalaid_store::StoreError) -> AppError {
    match e {
        legalaid_store::StoreError::Duplicate(_) => AppError::field("name", "已有同名单位"),
        e => e.into(),
    }
}

/// The unit that issues a document: the legal aid center (or, for objection
/// decisions, the justice bureau) of the receiving unit's county.
pub(crate) async fn issuer(
    app: &App,
    receiving_unit: i64,
    kind: legalaid_domain::unit::UnitKind,
) -> AppResult<String> {
    let mut tx = app.store.read().await?;
    let unit = legalaid_store::units::get(&mut tx, UnitId(receiving_unit))
        .await?
        .ok_or(AppError::NotFound)?;
    let county = unit
        .region_code
        .as_str()
        .get(..6)
        .unwrap_or(unit.region_code.as_str())
        .to_owned();
    let scope = legalaid_domain::visibility::Scope::Region(
        legalaid_domain::region::RegionCode::parse(&county).unwrap_or(unit.region_code.clone()),
    );
    let filter = legalaid_store::units::UnitFilter {
        kind: Some(kind),
        ..Default::default()
    };
    let (found, _) = legalaid_store::units::list(
        &mut tx,
        &scope,
        &filter,
        crate::Page {
            page: 1,
            per_page: 1,
        },
    )
    .await?;
    Ok(found.into_iter().next().map_or(unit.name, |u| u.name))
}
