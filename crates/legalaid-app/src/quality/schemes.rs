//! Scoring schemes: the versions in force, their history, a new version, and
//! withdrawal. A saved version never changes; reviews keep the version they were
//! bound to when their round drew them.

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::SchemeId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{CaseType, Stage};
use legalaid_domain::quality::scheme::{Scheme, SchemeItem, ScoringMethod, Thresholds};
use legalaid_domain::role::Role;
use legalaid_store::quality::{self as store, StoredScheme};
use serde::Deserialize;

/// Keeps the schemes: administrators, bureau supervisors, center directors.
pub fn can_edit(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::BureauSupervisor, Role::CenterDirector])
}

/// The versions in force, one per code (withdrawn ones marked).
pub async fn list(app: &App, ctx: &Ctx) -> AppResult<Vec<StoredScheme>> {
    policy::require(super::can_read(ctx) || can_edit(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::current_schemes(&mut tx).await?)
}

/// One version, and every version of its code (newest first).
pub async fn get(
    app: &App,
    ctx: &Ctx,
    id: SchemeId,
) -> AppResult<(StoredScheme, Vec<StoredScheme>)> {
    policy::require(super::can_read(ctx) || can_edit(ctx) || is_expert(ctx))?;
    let mut tx = app.store.read().await?;
    let s = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let versions = store::scheme_versions(&mut tx, &s.scheme.code).await?;
    Ok((s, versions))
}

fn is_expert(ctx: &Ctx) -> bool {
    ctx.actor.as_ref().is_some_and(|a| a.has(Role::Expert))
}

/// A scheme as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SchemeInput {
    pub code: String,
    pub name: String,
    pub case_type: String,
    /// Stage codes; empty for every stage of the case type.
    #[serde(default)]
    pub stages: Vec<String>,
    pub method: String,
    /// The default thresholds of the method when absent.
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
    pub items: Vec<SchemeItem>,
    #[serde(default)]
    pub source: String,
    /// The version the editor started from; absent for a new code.
    #[serde(default)]
    pub base_version: Option<i64>,
}

impl SchemeInput {
    fn into_scheme(self) -> AppResult<(Scheme, Option<i64>)> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, m: &str| {
            errors.push(legalaid_domain::FieldError {
                field: field.into(),
                message: m.into(),
            })
        };
        let case_type = CaseType::parse(self.case_type.trim());
        if case_type.is_none() {
            bad("case_type", "请选择案件类型");
        }
        let method = ScoringMethod::parse(self.method.trim());
        if method.is_none() {
            bad("method", "请选择评分方式（百分制或五分制）");
        }
        let mut stages = Vec::new();
        for s in &self.stages {
            match Stage::parse(s.trim()) {
                Some(st) if !stages.contains(&st) => stages.push(st),
                Some(_) => {}
                None => bad("stages", "办理阶段不正确"),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let (Some(case_type), Some(method)) = (case_type, method) else {
            return Err(AppError::field("method", "请选择评分方式"));
        };
        let scheme = Scheme {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            case_type,
            stages,
            method,
            thresholds: self
                .thresholds
                .unwrap_or_else(|| Thresholds::default_for(method)),
            items: self
                .items
                .into_iter()
                .map(|i| SchemeItem {
                    code: i.code.trim().to_owned(),
                    title: i.title.trim().to_owned(),
                    standard: i.standard.trim().to_owned(),
                    note: i.note.trim().to_owned(),
                    ..i
                })
                .collect(),
            // A scheme the bureau saves is its own, not an example.
            example: false,
            source: self.source.trim().to_owned(),
        };
        scheme.validate().map_err(AppError::Validation)?;
        Ok((scheme, self.base_version))
    }
}

/// Saves a scheme: a new code as version 1, an edit as the next version of its
/// code (the reviews bound to the earlier version keep it). Two editors of one
/// version: the second is refused (409) and must start from the new one.
pub async fn save(app: &App, ctx: &Ctx, input: SchemeInput) -> AppResult<StoredScheme> {
    policy::require(can_edit(ctx))?;
    let (scheme, base) = input.into_scheme()?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let versions = store::scheme_versions(&mut tx, &scheme.code).await?;
    let current = versions.iter().find(|v| v.current);
    let version = match (current, base) {
        (None, _) if !versions.is_empty() => {
            return Err(AppError::Internal(
                "scheme without a current version".into(),
            ));
        }
        (None, _) => 1,
        (Some(c), Some(b)) if b == c.version => c.version + 1,
        (Some(_), Some(_)) => {
            return Err(AppError::Conflict(
                "该评分标准已有更新的版本，请刷新后在最新版本上修改".into(),
            ));
        }
        (Some(_), None) => {
            return Err(AppError::Duplicate {
                field: "code".into(),
                message: "该标准代码已存在；修改请在该标准的页面上进行".into(),
            });
        }
    };
    let before = current.cloned();
    let id = store::insert_scheme_version(&mut tx, &scheme, version, ctx.user_id(), now).await?;
    let saved = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::QualitySchemeSave,
        id,
        before.as_ref().map(|b| &b.scheme),
        Some(&saved.scheme),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Withdraws the version in force of `code` from new reviews, or restores it.
pub async fn set_retired(app: &App, ctx: &Ctx, code: &str, retired: bool) -> AppResult<()> {
    policy::require(can_edit(ctx))?;
    let mut tx = app.store.write().await?;
    if !store::set_scheme_retired(&mut tx, code, retired).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::QualitySchemeRetire,
        code,
        None::<&()>,
        Some(&retired),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores the shipped example schemes whose code is not stored yet. Idempotent.
pub async fn seed(app: &App) -> AppResult<usize> {
    let shipped = legalaid_domain::quality::scheme::shipped().map_err(AppError::Internal)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let mut n = 0;
    for s in shipped {
        if store::scheme_versions(&mut tx, &s.code).await?.is_empty() {
            store::insert_scheme_version(&mut tx, &s, 1, None, now).await?;
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}
