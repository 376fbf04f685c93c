//! Drawing the files of a review round (quality-supervision-outreach §1.5): all
//! of them (普查), a share of each unit's with a minimum per unit, or a fixed
//! number per unit; limited to case types if asked; the files graded 不合格 in the
//! last round added if asked.
//!
//! The draw is random and reproducible: each file's place in the draw is the
//! SHA-256 of the round's stored seed and the case id, so the same seed over the
//! same files gives the same sample whatever order they are read in, and anyone
//! holding the seed can check it.

use crate::case::CaseType;
use crate::validation::{FieldError, Validation};
use crate::{CaseId, UnitId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

code_enum!(
    SampleMethod {
        All => ("all", "全部评查（普查）"),
        Share => ("share", "按比例抽查"),
        PerUnit => ("per_unit", "每单位抽取固定件数"),
    }
);

code_enum!(
    /// Why a file is in the sample.
    DrawReason {
        Census => ("census", "普查"),
        Random => ("random", "随机抽取"),
        LastRound => ("last_round", "上一批次评为不合格"),
    }
);

/// How a round draws its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleRule {
    pub method: SampleMethod,
    /// For `share`: the percentage of each unit's files (1–100).
    #[serde(default)]
    pub percent: u32,
    /// For `share`: at least this many of each unit's files (or all it has);
    /// for `per_unit`: this many of each unit's files (or all it has).
    #[serde(default)]
    pub per_unit: u32,
    /// Only these case types; empty for all.
    #[serde(default)]
    pub case_types: Vec<CaseType>,
    /// Add every file graded 不合格 in the last round.
    #[serde(default)]
    pub include_last_unqualified: bool,
}

impl SampleRule {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        match self.method {
            SampleMethod::All => {}
            SampleMethod::Share => {
                if !(1..=100).contains(&self.percent) {
                    v.add("percent", "抽查比例应为1%至100%");
                }
                if self.per_unit > 1000 {
                    v.add("per_unit", "每单位最少件数不能超过1000");
                }
            }
            SampleMethod::PerUnit => {
                if !(1..=1000).contains(&self.per_unit) {
                    v.add("per_unit", "每单位抽取件数应为1至1000");
                }
            }
        }
        v.finish(())
    }

    /// The rule in words, for the round's page and notice.
    pub fn describe(&self) -> String {
        let mut s = match self.method {
            SampleMethod::All => "全部评查（普查）".to_owned(),
            SampleMethod::Share if self.per_unit > 0 => format!(
                "每个承办单位按{}%随机抽取，每单位不少于{}件（不足的全部抽取）",
                self.percent, self.per_unit
            ),
            SampleMethod::Share => format!("每个承办单位按{}%随机抽取", self.percent),
            SampleMethod::PerUnit => {
                format!("每个承办单位随机抽取{}件（不足的全部抽取）", self.per_unit)
            }
        };
        if !self.case_types.is_empty() {
            let types: Vec<&str> = self.case_types.iter().map(|t| t.label()).collect();
            s.push_str(&format!("；限{}案件", types.join("、")));
        }
        if self.include_last_unqualified {
            s.push_str("；另加上一批次评为不合格的案件");
        }
        s
    }
}

/// A closed or archived file that may be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub case_id: CaseId,
    /// The unit that handled it (the sample is drawn per unit).
    pub unit_id: UnitId,
    pub case_type: CaseType,
    /// Graded 不合格 in the last round.
    pub last_unqualified: bool,
}

/// One file of the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub case_id: CaseId,
    pub unit_id: UnitId,
    pub reason: DrawReason,
}

/// What was drawn from one unit's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitDraw {
    pub unit_id: UnitId,
    /// Its files the rule draws from (after the case-type limit).
    pub frame: u32,
    pub drawn: u32,
}

/// The sample, in case id order, and the count per unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    pub files: Vec<Drawn>,
    pub units: Vec<UnitDraw>,
}

/// A file's place in the draw of `seed`: the first 8 bytes of SHA-256 of
/// `seed:id`, big-endian.
pub fn key(seed: &str, id: i64) -> u64 {
    let digest = Sha256::digest(format!("{seed}:{id}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b)
}

/// Draws the sample of `candidates` by `rule` with `seed`.
pub fn draw(seed: &str, rule: &SampleRule, candidates: &[Candidate]) -> Draw {
    use std::collections::BTreeMap;
    let mut by_unit: BTreeMap<UnitId, Vec<&Candidate>> = BTreeMap::new();
    let mut files = Vec::new();
    for c in candidates {
        let typed = rule.case_types.is_empty() || rule.case_types.contains(&c.case_type);
        if rule.include_last_unqualified && c.last_unqualified {
            files.push(Drawn {
                case_id: c.case_id,
                unit_id: c.unit_id,
                reason: DrawReason::LastRound,
            });
        } else if typed {
            by_unit.entry(c.unit_id).or_default().push(c);
        }
    }
    let mut units = Vec::new();
    for (unit_id, mut pool) in by_unit {
        let frame = pool.len() as u32;
        let take = match rule.method {
            SampleMethod::All => frame,
            // A share, rounded up, and at least the minimum.
            SampleMethod::Share => (frame * rule.percent).div_ceil(100).max(rule.per_unit),
            SampleMethod::PerUnit => rule.per_unit,
        }
        .min(frame);
        pool.sort_by_cached_key(|c| (key(seed, c.case_id.0), c.case_id));
        let reason = if rule.method == SampleMethod::All {
            DrawReason::Census
        } else {
            DrawReason::Random
        };
        files.extend(pool.iter().take(take as usize).map(|c| Drawn {
            case_id: c.case_id,
            unit_id,
            reason,
        }));
        units.push(UnitDraw {
            unit_id,
            frame,
            drawn: take,
        });
    }
    // Files added from the last round count in their unit's figures too.
    for f in files.iter().filter(|f| f.reason == DrawReason::LastRound) {
        match units.iter_mut().find(|u| u.unit_id == f.unit_id) {
            Some(u) => {
                u.frame += 1;
                u.drawn += 1;
            }
            None => units.push(UnitDraw {
                unit_id: f.unit_id,
                frame: 1,
                drawn: 1,
            }),
        }
    }
    units.sort_by_key(|u| u.unit_id);
    files.sort_by_key(|f| f.case_id);
    Draw { files, units }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Vec<Candidate> {
        // Unit 1: 40 civil files; unit 2: 3 criminal files; unit 3: 10 civil.
        let mut out = Vec::new();
        for i in 0..40 {
            out.push(Candidate {
                case_id: CaseId(100 + i),
                unit_id: UnitId(1),
                case_type: CaseType::Civil,
                last_unqualified: false,
            });
        }
        for i in 0..3 {
            out.push(Candidate {
                case_id: CaseId(200 + i),
                unit_id: UnitId(2),
                case_type: CaseType::Criminal,
                last_unqualified: false,
            });
        }
        for i in 0..10 {
            out.push(Candidate {
                case_id: CaseId(300 + i),
                unit_id: UnitId(3),
                case_type: CaseType::Civil,
                last_unqualified: i == 9,
            });
        }
        out
    }

    fn share(percent: u32, per_unit: u32) -> SampleRule {
        SampleRule {
            method: SampleMethod::Share,
            percent,
            per_unit,
            case_types: vec![],
            include_last_unqualified: false,
        }
    }

    #[test]
    fn a_share_per_unit_rounds_up_and_keeps_the_minimum() {
        let d = draw("seed", &share(10, 2), &frame());
        let per = |u| d.units.iter().find(|x| x.unit_id == UnitId(u)).copied();
        // 10% of 40 = 4; 10% of 3 rounds up to 1 but the minimum is 2; 10% of 10 = 1 → 2.
        assert_eq!(per(1).map(|u| (u.frame, u.drawn)), Some((40, 4)));
        assert_eq!(per(2).map(|u| (u.frame, u.drawn)), Some((3, 2)));
        assert_eq!(per(3).map(|u| (u.frame, u.drawn)), Some((10, 2)));
        assert_eq!(d.files.len(), 8);
        assert!(d.files.windows(2).all(|w| w[0].case_id < w[1].case_id));
        // A minimum above what a unit has takes all it has.
        let d = draw("seed", &share(10, 5), &frame());
        assert_eq!(
            d.units
                .iter()
                .find(|u| u.unit_id == UnitId(2))
                .map(|u| u.drawn),
            Some(3)
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_files_in_any_order_and_another_seed_others() {
        let mut f = frame();
        let a = draw("2026H2-7f3a", &share(25, 0), &f);
        f.reverse();
        let b = draw("2026H2-7f3a", &share(25, 0), &f);
        assert_eq!(a, b);
        let c = draw("another", &share(25, 0), &f);
        assert_ne!(a.files, c.files);
        assert_eq!(a.files.len(), c.files.len());
    }

    #[test]
    fn a_census_takes_everything_and_limits_take_types() {
        let all = SampleRule {
            method: SampleMethod::All,
            percent: 0,
            per_unit: 0,
            case_types: vec![CaseType::Criminal],
            include_last_unqualified: false,
        };
        let d = draw("s", &all, &frame());
        assert_eq!(d.files.len(), 3);
        assert!(d.files.iter().all(|f| f.reason == DrawReason::Census));
    }

    #[test]
    fn last_rounds_unqualified_files_are_added() {
        let mut rule = share(10, 0);
        rule.include_last_unqualified = true;
        let d = draw("s", &rule, &frame());
        let last: Vec<_> = d
            .files
            .iter()
            .filter(|f| f.reason == DrawReason::LastRound)
            .collect();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].case_id, CaseId(309));
        // Unit 3: 9 files in the random frame (1 drawn) plus the one added.
        let u3 = d.units.iter().find(|u| u.unit_id == UnitId(3));
        assert_eq!(u3.map(|u| (u.frame, u.drawn)), Some((10, 2)));
    }

    #[test]
    fn a_share_of_a_large_frame_comes_close_to_the_share() {
        let f: Vec<Candidate> = (0..10_000)
            .map(|i| Candidate {
                case_id: CaseId(i),
                unit_id: UnitId(1),
                case_type: CaseType::Civil,
                last_unqualified: false,
            })
            .collect();
        let d = draw("s", &share(13, 0), &f);
        assert_eq!(d.files.len(), 1300);
        // Spread over the whole range, not the first ids.
        assert!(d.files.iter().any(|x| x.case_id.0 > 9000));
        assert!(d.files.iter().any(|x| x.case_id.0 < 1000));
    }

    #[test]
    fn rules_are_checked_and_described() {
        assert!(share(0, 0).validate().is_err());
        assert!(share(13, 2).validate().is_ok());
        let mut r = share(13, 2);
        r.case_types = vec![CaseType::Civil, CaseType::Criminal];
        r.include_last_unqualified = true;
        assert_eq!(
            r.describe(),
            "每个承办单位按13%随机抽取，每单位不少于2件（不足的全部抽取）；限民事、刑事案件；另加上一批次评为不合格的案件"
        );
        let per = SampleRule {
            method: SampleMethod::PerUnit,
            percent: 0,
            per_unit: 0,
            case_types: vec![],
            include_last_unqualified: false,
        };
        assert!(per.validate().is_err());
    }
}
