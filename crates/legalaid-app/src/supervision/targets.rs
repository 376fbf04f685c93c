//! Target sheets (目标任务分解, issue 12): a region's annual target and how it
//! is split over the lines below it — the regions one level down (each
//! held by its justice bureau) or, for a county, its units — each optionally
//! by case type. Read by whoever sees the dashboards; set by bureau
//! supervisors and administrators, a whole sheet at a time (all or nothing,
//! every changed target audited).

use super::{Node, bureau_of, can_view, children, root};
use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::CaseType;
use legalaid_domain::supervision::targets::{TypeTarget, UnitTarget};
use legalaid_domain::supervision::{Split, split};
use legalaid_domain::validation::FieldError;
use legalaid_store::supervision as store;
use serde::Serialize;
use std::collections::HashMap;

/// One line of a sheet: the node itself or a line below it, with the unit
/// holding its target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetLine {
    pub node: Node,
    pub name: String,
    /// The unit whose target this is; none for a region without a justice
    /// bureau (no target can be set there until one is added).
    pub unit_id: Option<i64>,
    pub target: UnitTarget,
}

/// How the node's part for one case type is split over the lines.
#[derive(Debug, Clone, Serialize)]
pub struct TypeSplit {
    pub case_type: CaseType,
    pub split: Split,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetSheet {
    pub year: i32,
    /// The region's code ("" for every province).
    pub region: String,
    pub own: TargetLine,
    pub lines: Vec<TargetLine>,
    /// The node's target over the lines' (when the node has one).
    pub split: Option<Split>,
    /// The same for each case type the node's target is split by.
    pub type_splits: Vec<TypeSplit>,
    /// Whether the caller may set the targets.
    pub can_edit: bool,
}

fn year_ok(year: i32) -> AppResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(AppError::field("year", "年份应在2000至2100之间"))
    }
}

async fn read_sheet(
    tx: &mut legalaid_store::Tx,
    ctx: &Ctx,
    region: Option<&str>,
    year: i32,
) -> AppResult<TargetSheet> {
    let code = match root(tx, ctx, region, None).await?.0 {
        Node::Region { code } => code,
        Node::Unit { .. } => return Err(AppError::forbidden()),
    };
    let regions = legalaid_store::regions::under(tx, &code).await?;
    let name = if code.is_empty() {
        "全部地区".to_owned()
    } else {
        regions
            .iter()
            .find(|r| r.code.as_str() == code)
            .ok_or(AppError::NotFound)?
            .name
            .clone()
    };
    let units = legalaid_store::units::active_under(tx, &code).await?;
    let totals: HashMap<i64, i64> = store::targets(tx, year, &code).await?.into_iter().collect();
    let mut types: HashMap<i64, Vec<TypeTarget>> = HashMap::new();
    for (unit, case_type, cases) in store::type_targets(tx, year, &code).await? {
        types
            .entry(unit)
            .or_default()
            .push(TypeTarget { case_type, cases });
    }
    for parts in types.values_mut() {
        parts.sort_by_key(|t| t.case_type);
    }
    let target_of = |holder: Option<i64>| -> UnitTarget {
        holder.map_or_else(UnitTarget::default, |h| UnitTarget {
            cases: totals.get(&h).copied(),
            by_type: types.get(&h).cloned().unwrap_or_default(),
        })
    };
    let holder = bureau_of(&code, &units);
    let own = TargetLine {
        node: Node::Region { code: code.clone() },
        name,
        unit_id: holder,
        target: target_of(holder),
    };
    let lines: Vec<TargetLine> = children(&code, &regions, &units)
        .into_iter()
        .map(|c| TargetLine {
            target: target_of(c.holder),
            node: c.node,
            name: c.name,
            unit_id: c.holder,
        })
        .collect();
    let split_of = |part: &dyn Fn(&UnitTarget) -> Option<i64>| {
        part(&own.target).map(|parent| {
            let parts: Vec<i64> = lines.iter().filter_map(|l| part(&l.target)).collect();
            split(parent, &parts)
        })
    };
    let total_split = split_of(&|t: &UnitTarget| t.cases);
    let type_splits = CaseType::ALL
        .iter()
        .filter_map(|ct| {
            split_of(&|t: &UnitTarget| t.of(*ct)).map(|s| TypeSplit {
                case_type: *ct,
                split: s,
            })
        })
        .collect();
    Ok(TargetSheet {
        year,
        region: code,
        own,
        lines,
        split: total_split,
        type_splits,
        can_edit: policy::can_manage_units(ctx),
    })
}

/// The target sheet of a region (default the caller's own) for `year`.
pub async fn sheet(
    app: &App,
    ctx: &Ctx,
    region: Option<&str>,
    year: i32,
) -> AppResult<TargetSheet> {
    policy::require(can_view(ctx))?;
    year_ok(year)?;
    let mut tx = app.store.read().await?;
    read_sheet(&mut tx, ctx, region, year).await
}

/// Sets targets on a region's sheet: each `(unit, target)` must be the
/// node's own line or one below it. All are checked before any is written;
/// the ones that change are written and audited.
pub async fn set(
    app: &App,
    ctx: &Ctx,
    region: Option<&str>,
    year: i32,
    inputs: &[(i64, UnitTarget)],
) -> AppResult<()> {
    policy::ensure_manage_units(ctx)?;
    year_ok(year)?;
    if inputs.is_empty() {
        return Err(AppError::field("lines", "请至少填写一个单位的目标任务数"));
    }
    let mut tx = app.store.write().await?;
    let sheet = read_sheet(&mut tx, ctx, region, year).await?;
    let current: HashMap<i64, &UnitTarget> = std::iter::once(&sheet.own)
        .chain(&sheet.lines)
        .filter_map(|l| l.unit_id.map(|u| (u, &l.target)))
        .collect();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut seen = Vec::new();
    for (unit, target) in inputs {
        let field = format!("t{unit}");
        if !current.contains_key(unit) {
            errors.push(FieldError {
                field,
                message: "该单位不在本地区的目标分解表中".into(),
            });
            continue;
        }
        if seen.contains(unit) {
            errors.push(FieldError {
                field,
                message: "同一单位只能填写一次".into(),
            });
            continue;
        }
        seen.push(*unit);
        errors.extend(target.check(&field));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for (unit, target) in inputs {
        let before = current.get(unit).copied().cloned().unwrap_or_default();
        let mut after = target.clone();
        after.by_type.sort_by_key(|t| t.case_type);
        let mut was = before.clone();
        was.by_type.sort_by_key(|t| t.case_type);
        if was == after {
            continue;
        }
        let types: Vec<(CaseType, i64)> = after
            .by_type
            .iter()
            .map(|t| (t.case_type, t.cases))
            .collect();
        store::set_unit_target(
            &mut tx,
            *unit,
            year,
            after.cases.map(|n| (n, types.as_slice())),
        )
        .await?;
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::TargetSet,
            unit,
            Some(&(year, &was)),
            Some(&(year, &after)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
