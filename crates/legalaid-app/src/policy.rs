//! The authorisation policy: who may see and do what. Pages and the API both go
//! through these functions (via the use cases), so there is one policy.
//!
//! Visibility: a system administrator sees everything; a justice bureau or legal
//! aid center sees its region's subtree; every other unit (judicial office,
//! workstation, law firm, legal service office) sees only its own records.
//! Records outside a caller's visibility are reported as absent (404), so their
//! existence is not revealed; visible records the caller may not change are 403.

use crate::{AppError, AppResult, Ctx};
use legalaid_domain::role::Role;
use legalaid_domain::unit::Unit;
use legalaid_domain::visibility::Scope;

/// What the caller can see.
pub fn scope(ctx: &Ctx) -> Scope {
    let Some(actor) = &ctx.actor else {
        return Scope::All;
    };
    if actor.has(Role::SystemAdmin) {
        return Scope::All;
    }
    match &actor.unit {
        Some(u) if u.kind.sees_region() => Scope::Region(u.region_code.clone()),
        Some(u) => Scope::Unit(u.id),
        None => Scope::Nothing,
    }
}

/// Whether the caller can see records of `unit`.
pub fn sees(ctx: &Ctx, unit: &Unit) -> bool {
    scope(ctx).covers(unit.id, &unit.region_code)
}

/// Whether the caller may place records in `region` (administrators anywhere,
/// bureaus and centers inside their region).
pub fn region_in_scope(ctx: &Ctx, region: &legalaid_domain::region::RegionCode) -> bool {
    match scope(ctx) {
        Scope::All => true,
        Scope::Region(r) => r.contains(region),
        Scope::Unit(_) | Scope::Nothing => false,
    }
}

/// Fails with NotFound unless the caller can see records of `unit`.
pub fn ensure_visible(ctx: &Ctx, unit: &Unit) -> AppResult<()> {
    if sees(ctx, unit) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn has_any(ctx: &Ctx, roles: &[Role]) -> bool {
    match &ctx.actor {
        None => true,
        Some(a) => roles.iter().any(|r| a.has(*r)),
    }
}

/// Whether the caller holds one of `roles`; a system administrator may act in
/// every role (the command line and jobs act with full rights).
pub(crate) fn acts_as(ctx: &Ctx, roles: &[Role]) -> bool {
    has_any(ctx, roles) || has_any(ctx, &[Role::SystemAdmin])
}

/// Forbidden (403) unless `ok`.
pub(crate) fn require(ok: bool) -> AppResult<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Units and staff are maintained by administrators, and by bureau supervisors
/// within their region.
pub fn can_manage_units(ctx: &Ctx) -> bool {
    has_any(ctx, &[Role::SystemAdmin, Role::BureauSupervisor])
}

pub fn ensure_manage_units(ctx: &Ctx) -> AppResult<()> {
    require(can_manage_units(ctx))
}

/// Accounts and roles are granted only by system administrators.
pub fn can_manage_users(ctx: &Ctx) -> bool {
    has_any(ctx, &[Role::SystemAdmin])
}

pub fn ensure_manage_users(ctx: &Ctx) -> AppResult<()> {
    require(can_manage_users(ctx))
}

/// User lists are for administrators and supervisors.
pub fn can_view_users(ctx: &Ctx) -> bool {
    has_any(ctx, &[Role::SystemAdmin, Role::BureauSupervisor])
}

/// The center runs cases: opens them from granted applications, assigns them,
/// reviews closures.
pub fn can_manage_cases(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::CenterReviewer, Role::CenterDirector])
}

/// The audit trail is for administrators and supervisors.
pub fn can_view_audit(ctx: &Ctx) -> bool {
    has_any(ctx, &[Role::SystemAdmin, Role::BureauSupervisor])
}

pub fn ensure_view_audit(ctx: &Ctx) -> AppResult<()> {
    require(can_view_audit(ctx))
}

/// Regions are reference data maintained by administrators.
pub fn ensure_manage_regions(ctx: &Ctx) -> AppResult<()> {
    require(has_any(ctx, &[Role::SystemAdmin]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Actor, RequestMeta};
    use legalaid_domain::region::RegionCode;
    use legalaid_domain::unit::UnitKind;
    use legalaid_domain::user::User;
    use legalaid_domain::{UnitId, UserId};

    fn unit(id: i64, kind: UnitKind, region: &str) -> Unit {
        Unit {
            id: UnitId(id),
            name: format!("单位{id}"),
            kind,
            workstation_host: None,
            region_code: RegionCode::parse(region).expect("valid"),
            address: String::new(),
            contact_person: String::new(),
            phone: String::new(),
            office_hours: String::new(),
            active: true,
            version: 1,
        }
    }

    fn ctx(roles: &[Role], u: Option<Unit>) -> Ctx {
        let user = User {
            id: UserId(1),
            username: "u".into(),
            display_name: "用户".into(),
            unit_id: u.as_ref().map(|u| u.id),
            staff_id: None,
            roles: roles.to_vec(),
            active: true,
            must_change_password: false,
            version: 1,
        };
        Ctx::user(Actor { user, unit: u }, RequestMeta::default())
    }

    #[test]
    fn bureau_sees_its_subtree_only() {
        let c = ctx(
            &[Role::BureauSupervisor],
            Some(unit(1, UnitKind::JusticeBureau, "341504")),
        );
        assert!(sees(&c, &unit(2, UnitKind::JudicialOffice, "341504100")));
        assert!(sees(&c, &unit(3, UnitKind::LawFirm, "341504")));
        assert!(!sees(&c, &unit(4, UnitKind::LawFirm, "341502")));
    }

    #[test]
    fn law_firm_sees_only_itself() {
        let c = ctx(&[Role::Handler], Some(unit(5, UnitKind::LawFirm, "341504")));
        assert!(sees(&c, &unit(5, UnitKind::LawFirm, "341504")));
        assert!(!sees(&c, &unit(6, UnitKind::LawFirm, "341504")));
        assert!(!can_manage_units(&c));
        assert!(!can_view_audit(&c));
    }

    #[test]
    fn admin_and_system_see_everything() {
        let c = ctx(&[Role::SystemAdmin], None);
        assert_eq!(scope(&c), Scope::All);
        assert_eq!(scope(&Ctx::system("test")), Scope::All);
        assert!(can_manage_users(&c));
    }

    #[test]
    fn no_unit_no_visibility() {
        let c = ctx(&[Role::Handler], None);
        assert_eq!(scope(&c), Scope::Nothing);
    }
}
