//! A unit's annual target and its optional split by case type (issue 12):
//! what one line of a target sheet may hold. The sheet itself (a node's
//! target split over its lines, [`super::split`]) may leave part of the
//! node's target unassigned or assign more than it: both are shown, not
//! refused, since a bureau splits its target over several sittings.

use crate::case::CaseType;
use crate::validation::{FieldError, Validation};
use serde::{Deserialize, Serialize};

/// The largest target a unit may hold (a province's year is about 90,000).
pub const MAX_CASES: i64 = 1_000_000;

/// One unit's target for a year: none to have no target, and the parts of it
/// by case type (each type at most once; the types not named have none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SupervisionUnitTarget))]
pub struct UnitTarget {
    pub cases: Option<i64>,
    #[serde(default)]
    pub by_type: Vec<TypeTarget>,
}

/// The part of a target for one case type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SupervisionTypeTarget))]
pub struct TypeTarget {
    pub case_type: CaseType,
    pub cases: i64,
}

impl UnitTarget {
    /// The faults of this target, the total named `field` and a type's part
    /// `{field}_{type}` (e.g. `t12`, `t12_civil`), all at once.
    pub fn check(&self, field: &str) -> Vec<FieldError> {
        let mut v = Validation::new();
        if let Some(n) = self.cases
            && !(0..=MAX_CASES).contains(&n)
        {
            v.add(field, format!("目标任务数应在0至{MAX_CASES}件之间"));
        }
        let mut seen = Vec::new();
        for t in &self.by_type {
            let name = format!("{field}_{}", t.case_type.as_str());
            if seen.contains(&t.case_type) {
                v.add(
                    &name,
                    format!("{}案件的目标只能填写一次", t.case_type.label()),
                );
            } else if !(0..=MAX_CASES).contains(&t.cases) {
                v.add(
                    &name,
                    format!("{}案件的目标应在0至{MAX_CASES}件之间", t.case_type.label()),
                );
            }
            seen.push(t.case_type);
        }
        let typed: i64 = self
            .by_type
            .iter()
            .map(|t| t.cases.clamp(0, MAX_CASES))
            .sum();
        match self.cases {
            None if !self.by_type.is_empty() => {
                v.add(field, "按案件类型分解前，请先填写目标任务数");
            }
            Some(n) if typed > n && (0..=MAX_CASES).contains(&n) => v.add(
                field,
                format!("按案件类型分解的合计{typed}件超过目标任务数{n}件"),
            ),
            _ => {}
        }
        v.errors().to_vec()
    }

    /// The part for `t`, when set.
    pub fn of(&self, t: CaseType) -> Option<i64> {
        self.by_type
            .iter()
            .find(|x| x.case_type == t)
            .map(|x| x.cases)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(cases: Option<i64>, by: &[(CaseType, i64)]) -> UnitTarget {
        UnitTarget {
            cases,
            by_type: by
                .iter()
                .map(|(case_type, cases)| TypeTarget {
                    case_type: *case_type,
                    cases: *cases,
                })
                .collect(),
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect()
    }

    #[test]
    fn a_target_may_be_split_by_type_up_to_itself() {
        assert!(t(None, &[]).check("t1").is_empty());
        assert!(t(Some(0), &[]).check("t1").is_empty());
        let ok = t(
            Some(260),
            &[(CaseType::Criminal, 100), (CaseType::Civil, 160)],
        );
        assert!(ok.check("t1").is_empty());
        assert_eq!(ok.of(CaseType::Civil), Some(160));
        assert_eq!(ok.of(CaseType::Administrative), None);
        assert_eq!(
            fields(
                t(
                    Some(100),
                    &[(CaseType::Criminal, 60), (CaseType::Civil, 50)]
                )
                .check("t1")
            ),
            ["t1: 按案件类型分解的合计110件超过目标任务数100件"]
        );
    }

    #[test]
    fn every_fault_is_named_at_once() {
        assert_eq!(
            fields(
                t(
                    Some(-1),
                    &[
                        (CaseType::Civil, 5),
                        (CaseType::Civil, 6),
                        (CaseType::NonLitigation, 2_000_000)
                    ]
                )
                .check("t7")
            ),
            [
                "t7: 目标任务数应在0至1000000件之间",
                "t7_civil: 民事案件的目标只能填写一次",
                "t7_non_litigation: 非诉讼案件的目标应在0至1000000件之间",
            ]
        );
        assert_eq!(
            fields(t(None, &[(CaseType::Criminal, 1)]).check("t2")),
            ["t2: 按案件类型分解前，请先填写目标任务数"]
        );
    }
}
