//! Duplicate registrations of one person (issue 13, ADR 0032): the candidate
//! pairs, a merge that keeps both records and moves every application, case,
//! consultation and duty-lawyer help to the survivor, undoing it by the record
//! it left, and pairs declared two people.

use super::{can_register, visible};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::PersonId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::duplicate::{DuplicateReason, MergeError, Moved, check_merge, names_similar};
use legalaid_store::StoreError;
use legalaid_store::person_merges::{self as store, PairKey};
pub use legalaid_store::person_merges::{Candidate, Merge};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who finds and merges duplicates: those who register persons, among the
/// persons of the units they see.
pub fn can_merge(ctx: &Ctx) -> bool {
    can_register(ctx)
}

fn ensure(ctx: &Ctx) -> AppResult<()> {
    policy::require(can_merge(ctx))
}

/// One side of a pair, with the registering unit's name.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    #[serde(flatten)]
    pub person: Candidate,
    pub unit_name: String,
}

/// Two records that may be one person, and why.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicatePair {
    pub a: Side,
    pub b: Side,
    pub reasons: Vec<DuplicateReason>,
}

/// The candidate pairs among the persons of the caller's units, newest pair
/// first, a page at a time.
pub async fn candidates(app: &App, ctx: &Ctx, page: Page) -> AppResult<(Vec<DuplicatePair>, i64)> {
    ensure(ctx)?;
    let scope = policy::scope(ctx);
    let mut tx = app.store.read().await?;
    let mut found: BTreeMap<(i64, i64), (Candidate, Candidate, Vec<DuplicateReason>)> =
        BTreeMap::new();
    for (key, reason) in [
        (PairKey::NameAndBirth, DuplicateReason::SameNameAndBirth),
        (PairKey::Phone, DuplicateReason::SamePhone),
        (
            PairKey::BirthDifferentName,
            DuplicateReason::SimilarNameSameBirth,
        ),
    ] {
        for (a, b) in store::pairs(&mut tx, &scope, key).await? {
            if key == PairKey::BirthDifferentName && !names_similar(&a.name, &b.name) {
                continue;
            }
            found
                .entry((a.id, b.id))
                .or_insert_with(|| (a, b, Vec::new()))
                .2
                .push(reason);
        }
    }
    let total = found.len() as i64;
    let mut units: BTreeMap<i64, String> = BTreeMap::new();
    let mut items = Vec::new();
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.per_page).unwrap_or(0);
    for (_, (a, b, reasons)) in found.into_iter().rev().skip(skip).take(take) {
        let mut side = async |p: Candidate| -> AppResult<Side> {
            let unit_name = match units.get(&p.unit_id) {
                Some(n) => n.clone(),
                None => {
                    let n = legalaid_store::units::get(&mut tx, legalaid_domain::UnitId(p.unit_id))
                        .await?
                        .map(|u| u.name)
                        .unwrap_or_default();
                    units.insert(p.unit_id, n.clone());
                    n
                }
            };
            Ok(Side {
                person: p,
                unit_name,
            })
        };
        let a = side(a).await?;
        let b = side(b).await?;
        items.push(DuplicatePair { a, b, reasons });
    }
    Ok((items, total))
}

/// A merge to make: `merged_id` into the person of the path (the survivor).
#[derive(Debug, Clone, Deserialize)]
pub struct MergeInput {
    pub merged_id: i64,
    /// The versions the caller read of both records.
    pub survivor_version: i64,
    pub merged_version: i64,
    pub reason: String,
}

fn merge_error(e: MergeError) -> AppError {
    match e {
        MergeError::Same => AppError::field("merged_id", e.to_string()),
        MergeError::NoReason => AppError::field("reason", e.to_string()),
        MergeError::AlreadyMerged | MergeError::SurvivorMerged => AppError::Conflict(e.to_string()),
    }
}

fn conflict(e: StoreError) -> AppError {
    match e {
        StoreError::VersionConflict | StoreError::Duplicate(_) => {
            AppError::Conflict("当事人记录已被他人修改或合并，请刷新后重试".to_owned())
        }
        e => e.into(),
    }
}

/// Merges `input.merged_id` into `survivor`: every row naming the merged
/// record now names the survivor; the merged record stays, pointing at the
/// survivor, and the merge lists what moved. Audited.
pub async fn merge(
    app: &App,
    ctx: &Ctx,
    survivor: PersonId,
    input: &MergeInput,
) -> AppResult<Merge> {
    ensure(ctx)?;
    let reason = input.reason.trim();
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "理由不能超过 500 个字"));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let s = visible(&mut tx, ctx, survivor).await?;
    let m = visible(&mut tx, ctx, PersonId(input.merged_id))
        .await
        .map_err(|_| AppError::field("merged_id", "要合并的当事人不存在"))?;
    check_merge(
        (s.id.0, s.merged_into.map(|p| p.0)),
        (m.id.0, m.merged_into.map(|p| p.0)),
        reason,
    )
    .map_err(merge_error)?;
    if s.version != input.survivor_version {
        return Err(conflict(StoreError::VersionConflict));
    }
    // A record others were merged into keeps them: merging it on would leave
    // those merges unable to be undone exactly.
    if store::open_into(&mut tx, m.id.0).await? > 0 {
        return Err(AppError::Conflict(
            "要并入的记录已有其他登记并入：请选择它作为保留的记录，或先撤销那次合并".to_owned(),
        ));
    }
    // The merged record first: its row lock makes an application being taken
    // for it meanwhile commit before the rows are read (or fail after).
    store::set_merged(
        &mut tx,
        m.id.0,
        Some(input.merged_version),
        Some(s.id.0),
        now,
    )
    .await
    .map_err(conflict)?;
    // The survivor held too: merging it elsewhere meanwhile loses (409).
    store::hold_survivor(&mut tx, s.id.0, input.survivor_version, now)
        .await
        .map_err(conflict)?;
    let moved = store::rows_of(&mut tx, m.id.0).await?;
    store::point(&mut tx, &moved, m.id.0, s.id.0).await?;
    let record = store::record(&mut tx, s.id.0, m.id.0, reason, &moved, ctx.user_id(), now)
        .await
        .map_err(conflict)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonMerge,
        s.id.0,
        Some(&m),
        Some(&record),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// Undoes a merge: the rows it moved that still name the survivor name the
/// merged record again, which is a person of its own once more. Audited.
pub async fn undo(app: &App, ctx: &Ctx, id: i64) -> AppResult<Merge> {
    ensure(ctx)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    visible(&mut tx, ctx, PersonId(before.survivor_id)).await?;
    visible(&mut tx, ctx, PersonId(before.merged_id)).await?;
    if before.undone_at.is_some() {
        return Err(AppError::Conflict("该次合并已撤销".to_owned()));
    }
    store::mark_undone(&mut tx, id, ctx.user_id(), now)
        .await
        .map_err(conflict)?;
    store::set_merged(&mut tx, before.merged_id, None, None, now)
        .await
        .map_err(conflict)?;
    store::point(&mut tx, &before.moved, before.survivor_id, before.merged_id).await?;
    let after = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonUnmerge,
        before.survivor_id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Records that two persons offered as duplicates are two people. Audited.
pub async fn declare_distinct(app: &App, ctx: &Ctx, a: PersonId, b: PersonId) -> AppResult<()> {
    ensure(ctx)?;
    if a == b {
        return Err(AppError::field("b", "请选择两个不同的当事人"));
    }
    let mut tx = app.store.write().await?;
    visible(&mut tx, ctx, a).await?;
    visible(&mut tx, ctx, b).await?;
    store::declare_distinct(&mut tx, a.0, b.0, ctx.user_id(), app.clock.now()).await?;
    #[derive(Serialize)]
    struct Pair {
        a: i64,
        b: i64,
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonDistinct,
        a.0,
        None::<&()>,
        Some(&Pair { a: a.0, b: b.0 }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The merges into or of a person the caller sees, newest first.
pub async fn of_person(app: &App, ctx: &Ctx, id: PersonId) -> AppResult<Vec<Merge>> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await?;
    Ok(store::of_person(&mut tx, id.0).await?)
}

/// What merging `merged` into `survivor` would move (for the confirmation page).
pub async fn preview(app: &App, ctx: &Ctx, merged: PersonId) -> AppResult<Moved> {
    ensure(ctx)?;
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, merged).await?;
    Ok(store::rows_of(&mut tx, merged.0).await?)
}

/// A merge of persons the caller sees (for its undo page), or NotFound.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<Merge> {
    ensure(ctx)?;
    let mut tx = app.store.read().await?;
    let m = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    visible(&mut tx, ctx, PersonId(m.survivor_id)).await?;
    visible(&mut tx, ctx, PersonId(m.merged_id)).await?;
    Ok(m)
}
