//! What part of the system a caller can see.

use crate::UnitId;
use crate::region::{RegionCode, RegionLevel};

/// The records a caller may see: everything, a region's subtree, or one unit's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Region(RegionCode),
    Unit(UnitId),
    /// A caller attached to no unit and holding no system-wide role.
    Nothing,
}

/// The part of the person register an intake unit searches: the county-level
/// district its unit lies in (a township's judicial office searches its district).
/// People move between a district's judicial offices, workstations and center, so
/// each of them must find who the others registered; beyond the district a person
/// registers anew. Units above a county search their own region.
pub fn register_region(unit_region: &RegionCode) -> RegionCode {
    match unit_region.level() {
        RegionLevel::Township => unit_region.parent().unwrap_or_else(|| unit_region.clone()),
        _ => unit_region.clone(),
    }
}

impl Scope {
    /// Whether a record belonging to `unit` in `region` is visible.
    pub fn covers(&self, unit: UnitId, region: &RegionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Region(r) => r.contains(region),
            Scope::Unit(u) => *u == unit,
            Scope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judicial_office_searches_its_district() {
        let c = |s: &str| RegionCode::parse(s).expect("code");
        assert_eq!(register_region(&c("341504001")), c("341504"));
        assert_eq!(register_region(&c("341504")), c("341504"));
        assert_eq!(register_region(&c("3415")), c("3415"));
        assert!(register_region(&c("341504001")).contains(&c("341504002")));
        assert!(!register_region(&c("341504001")).contains(&c("341502001")));
    }
}
