//! The funding estimate (经费测算): the year's expected subsidy cost from the
//! unit's target, last year's case mix and grades, and the schedule in force,
//! next to the money committed and paid so far.

use crate::{App, AppError, AppResult, Ctx, policy, units};
use chrono::NaiveDate;
use legalaid_domain::UnitId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{CaseType, Grade, Stage};
use legalaid_domain::funding::{Estimate, EstimateInput, estimate as compute};
use legalaid_domain::role::Role;
use legalaid_store::subsidies as store;

fn allowed(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::BureauSupervisor,
            Role::CenterDirector,
            Role::CenterReviewer,
        ],
    )
}

/// The estimate for `year` and a unit (its target); without a unit, the caller's own.
pub async fn estimate(app: &App, ctx: &Ctx, year: i32, unit: Option<i64>) -> AppResult<Estimate> {
    if !allowed(ctx) {
        return Err(AppError::forbidden());
    }
    if !(2000..=2100).contains(&year) {
        return Err(AppError::field("year", "年份应在2000至2100之间"));
    }
    let unit_id = match (unit, ctx.actor.as_ref().and_then(|a| a.user.unit_id)) {
        (Some(u), _) => u,
        (None, Some(u)) => u.0,
        (None, None) => return Err(AppError::field("unit_id", "请指定单位")),
    };
    let mut tx = app.store.read().await?;
    let u = units::visible(&mut tx, ctx, UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "单位不存在"))?;
    let target = store::target(&mut tx, unit_id, year)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("{}尚未设定{year}年的目标任务数", u.name)))?;
    // The unit's own work is counted in its region: a bureau's target covers the
    // cases taken in by every unit of its district.
    let scope = policy::scope(ctx);
    let by_region = u.kind.sees_region();
    let unit_filter = (!by_region).then_some(unit_id);
    let region_scope = if by_region {
        legalaid_domain::visibility::Scope::Region(u.region_code.clone())
    } else {
        scope
    };
    let mix_rows = store::mix(&mut tx, &region_scope, unit_filter, year - 1).await?;
    let mut mix: Vec<(CaseType, Stage, u32)> = Vec::new();
    let mut grades: Vec<(Grade, u32)> = Vec::new();
    for (t, s, g, n) in mix_rows {
        let (Some(t), Some(s), Some(g)) = (CaseType::parse(&t), Stage::parse(&s), Grade::parse(&g))
        else {
            continue;
        };
        let n = u32::try_from(n).unwrap_or(0);
        match mix.iter_mut().find(|(mt, ms, _)| *mt == t && *ms == s) {
            Some(e) => e.2 += n,
            None => mix.push((t, s, n)),
        }
        match grades.iter_mut().find(|(mg, _)| *mg == g) {
            Some(e) => e.1 += n,
            None => grades.push((g, n)),
        }
    }
    let (committed, paid) = store::money(&mut tx, &region_scope, unit_filter, year).await?;
    let schedule = store::schedule(&mut tx).await?;
    let on = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    compute(
        &schedule,
        &EstimateInput {
            year,
            target_cases: u32::try_from(target).unwrap_or(0),
            mix,
            grades,
            committed_fen: committed,
            paid_fen: paid,
        },
        u.region_code.as_str(),
        on,
    )
    .map_err(|e| AppError::Conflict(e.to_string()))
}

/// Sets a unit's annual target (bureau supervisors and administrators).
pub async fn set_target(app: &App, ctx: &Ctx, unit: i64, year: i32, cases: i64) -> AppResult<()> {
    policy::ensure_manage_units(ctx)?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::field("year", "年份应在2000至2100之间"));
    }
    if !(0..=1_000_000).contains(&cases) {
        return Err(AppError::field("cases", "目标任务数应在0至1000000之间"));
    }
    let mut tx = app.store.write().await?;
    units::visible(&mut tx, ctx, UnitId(unit))
        .await
        .map_err(|_| AppError::field("unit_id", "单位不存在"))?;
    let typed = legalaid_store::supervision::type_target_sum(&mut tx, unit, year).await?;
    if typed > cases {
        return Err(AppError::field(
            "cases",
            format!(
                "该单位的目标已按案件类型分解，合计{typed}件，目标任务数不能少于它（请在目标任务分解表中修改）"
            ),
        ));
    }
    let before = store::target(&mut tx, unit, year).await?;
    store::set_target(&mut tx, unit, year, cases).await?;
    crate::audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::TargetSet,
        unit,
        Some(&(year, before)),
        Some(&(year, cases)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
