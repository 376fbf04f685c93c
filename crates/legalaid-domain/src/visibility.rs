//! What part of the system a caller can see.

use crate::UnitId;
use crate::region::RegionCode;

/// The records a caller may see: everything, a region's subtree, or one unit's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Region(RegionCode),
    Unit(UnitId),
    /// A caller attached to no unit and holding no system-wide role.
    Nothing,
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
