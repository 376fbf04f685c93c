//! Case quality management (LAL art 59): scoring schemes (`schemes`), the expert
//! pool (`experts`), review rounds and their draw (`rounds`), and the review of
//! each file in three tiers whose final grade reaches the case and its subsidy
//! (`reviews`).
//!
//! Who does what: the center's quality staff (质量评查人员) and its director run
//! rounds, keep the pool and check the archive; experts score the files assigned
//! to them (or quality staff enter an expert's paper sheet); the director
//! re-checks and fixes the grade. Schemes are kept by administrators, bureau
//! supervisors and center directors. Everything is scoped to the caller's region.

pub mod excellent;
pub mod experts;
pub mod hearings;
pub mod of_case;
pub mod opinions;
pub mod rectifications;
pub mod reviews;
pub mod rounds;
pub mod schemes;
pub mod visits;

use crate::{AppError, AppResult, Ctx, policy};
use legalaid_domain::role::Role;
use legalaid_domain::unit::Unit;
pub use legalaid_store::quality::{Expert, Review, ReviewLine, Round, Sheet, StoredScheme};

/// Runs rounds, keeps the pool, checks the archive.
pub fn is_quality_staff(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::QualityReviewer, Role::CenterDirector])
}

/// Re-checks reviews and fixes grades (中心负责人复核).
pub fn can_recheck(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::CenterDirector])
}

/// Reads rounds and results: quality staff, directors, bureau supervisors.
pub fn can_read(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::QualityReviewer,
            Role::CenterDirector,
            Role::BureauSupervisor,
        ],
    )
}

/// The unit a round or a pool entry of the caller belongs to: a legal aid center
/// or a bureau, whose region it covers.
pub(crate) fn home_unit(ctx: &Ctx) -> AppResult<Unit> {
    let unit = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.clone())
        .ok_or_else(|| {
            AppError::Conflict("请使用法律援助中心或司法局的账号进行案卷评查工作".into())
        })?;
    if !unit.kind.sees_region() {
        return Err(AppError::Conflict(
            "案卷评查由法律援助中心或司法局组织，本单位不能新建评查批次或专家".into(),
        ));
    }
    Ok(unit)
}

/// Whether the caller sees the records of `region` (a round's, a pool's).
pub(crate) fn sees_region(ctx: &Ctx, region: &str) -> bool {
    match policy::scope(ctx) {
        legalaid_domain::visibility::Scope::All => true,
        legalaid_domain::visibility::Scope::Region(r) => region.starts_with(r.as_str()),
        _ => false,
    }
}
