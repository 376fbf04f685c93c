//! The expert pool (评查专家库): center staff and outside lawyers who review
//! files, with what the assignment needs (work unit, staff record, years of
//! practice, sanctions) and the account they sign in with. Kept by the quality
//! staff of a center or bureau for its region; entries are withdrawn and
//! restored, never deleted (their sheets name them).

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::Datelike;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::quality::review::{ExpertKind, Reviewer};
use legalaid_domain::validation::Validation;
use legalaid_domain::{ExpertId, StaffId, UnitId, UserId, local_date};
use legalaid_store::quality::{self as store, Expert, ExpertFields};
use serde::Deserialize;

/// An expert as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExpertInput {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub staff_id: Option<i64>,
    #[serde(default)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub work_unit: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub licence_no: String,
    #[serde(default)]
    pub practice_start_year: Option<i64>,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub honours: String,
    #[serde(default)]
    pub sanctioned: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// For an update: the version edited.
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

async fn validate(
    tx: &mut legalaid_store::Tx,
    input: &ExpertInput,
    this_year: i32,
) -> AppResult<ExpertFields> {
    let mut v = Validation::new();
    let name = v.text("name", &input.name, "姓名", 50);
    let kind = ExpertKind::parse(input.kind.trim());
    if kind.is_none() {
        v.add("kind", "请选择人员类别");
    }
    let phone = v.optional_phone("phone", &input.phone);
    let work_unit = v.optional_text("work_unit", &input.work_unit, "工作单位", 100);
    let licence_no = v.optional_text("licence_no", &input.licence_no, "执业证号", 50);
    let specialty = v.optional_text("specialty", &input.specialty, "擅长领域", 200);
    let honours = v.optional_text("honours", &input.honours, "所获荣誉", 500);
    if let Some(y) = input.practice_start_year
        && !(1950..=i64::from(this_year)).contains(&y)
    {
        v.add("practice_start_year", "执业起始年份不正确");
    }
    if matches!(kind, Some(ExpertKind::Lawyer | ExpertKind::LegalWorker))
        && input.practice_start_year.is_none()
    {
        v.add(
            "practice_start_year",
            "外聘律师和基层法律服务工作者须填写执业起始年份（评查要求执业年限）",
        );
    }
    if let Some(u) = input.unit_id
        && legalaid_store::units::get(tx, UnitId(u)).await?.is_none()
    {
        v.add("unit_id", "所选单位不存在");
    }
    if let Some(s) = input.staff_id
        && legalaid_store::staff::get(tx, StaffId(s)).await?.is_none()
    {
        v.add("staff_id", "所选人员不存在");
    }
    if let Some(u) = input.user_id {
        match legalaid_store::users::get(tx, UserId(u)).await? {
            None => v.add("user_id", "所选账号不存在"),
            Some(user)
                if !user.has(legalaid_domain::role::Role::Expert)
                    && !user.has(legalaid_domain::role::Role::QualityReviewer)
                    && !user.has(legalaid_domain::role::Role::CenterDirector) =>
            {
                v.add("user_id", "该账号没有“评查专家”角色，请先由系统管理员授予")
            }
            Some(_) => {}
        }
    }
    let fields = v
        .finish(())
        .map_err(AppError::Validation)
        .map(|()| ExpertFields {
            name,
            kind: kind.unwrap_or(ExpertKind::Other),
            unit_id: input.unit_id,
            staff_id: input.staff_id,
            user_id: input.user_id,
            work_unit,
            phone,
            licence_no,
            practice_start_year: input.practice_start_year,
            specialty,
            honours,
            sanctioned: input.sanctioned,
            active: input.active,
        })?;
    Ok(fields)
}

/// The pool of the caller's region (and the regions above it that serve it are
/// listed with their own region), a page at a time.
pub async fn list(app: &App, ctx: &Ctx, page: Page) -> AppResult<(Vec<Expert>, i64)> {
    policy::require(super::can_read(ctx))?;
    let region = match policy::scope(ctx) {
        legalaid_domain::visibility::Scope::All => String::new(),
        legalaid_domain::visibility::Scope::Region(r) => r.to_string(),
        _ => return Err(AppError::forbidden()),
    };
    let mut tx = app.store.read().await?;
    Ok(store::experts(&mut tx, &region, page).await?)
}

pub async fn get(app: &App, ctx: &Ctx, id: ExpertId) -> AppResult<Expert> {
    policy::require(super::can_read(ctx))?;
    let mut tx = app.store.read().await?;
    let e = store::expert(&mut tx, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if !super::sees_region(ctx, &e.region_code) {
        return Err(AppError::NotFound);
    }
    Ok(e)
}

/// Adds an expert to the pool of the caller's region.
pub async fn create(app: &App, ctx: &Ctx, input: &ExpertInput) -> AppResult<Expert> {
    policy::require(super::is_quality_staff(ctx))?;
    let home = super::home_unit(ctx)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let f = validate(&mut tx, input, local_date(now).year()).await?;
    let id = store::insert_expert(&mut tx, home.region_code.as_str(), &f, now).await?;
    let saved = store::expert(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExpertCreate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Changes an expert's entry (withdrawing them: `active` false).
pub async fn update(app: &App, ctx: &Ctx, id: ExpertId, input: &ExpertInput) -> AppResult<Expert> {
    policy::require(super::is_quality_staff(ctx))?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = store::expert(&mut tx, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if !super::sees_region(ctx, &before.region_code) {
        return Err(AppError::NotFound);
    }
    let f = validate(&mut tx, input, local_date(now).year()).await?;
    store::update_expert(&mut tx, id.0, version, &f, now).await?;
    let saved = store::expert(&mut tx, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExpertUpdate,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The pool entry as the assignment sees it.
pub(crate) fn reviewer(e: &Expert, year: i32) -> Reviewer {
    let start = e.practice_start_year.and_then(|y| i32::try_from(y).ok());
    Reviewer {
        expert_id: ExpertId(e.id),
        name: e.name.clone(),
        kind: e.kind,
        unit_id: e.unit_id.map(UnitId),
        staff_id: e.staff_id.map(StaffId),
        years_of_practice: u32::try_from(legalaid_domain::staff::years_of_practice(start, year))
            .unwrap_or(0),
        sanctioned: e.sanctioned,
        active: e.active,
    }
}
