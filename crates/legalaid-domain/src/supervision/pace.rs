//! Progress against time (序时进度, quality-supervision-outreach §5.1): the
//! share of the year gone by, the share of the target done, the gap between
//! them in percentage points, and whether a unit lags.
//!
//! Anhui's computation, month-based: at the end of month m the time share is
//! m ÷ 12, and 超(落后)序时进度 = 完成率 − m ÷ 12 in points (Anhui 2016: 27.4%
//! done at the end of March = 2.4 points ahead of 25.0). A day-based share
//! (days gone ÷ days in the year) is the option. A unit lags when its gap is
//! below the rule's margin (0 by default; −5 would tolerate five points).
//!
//! What counts toward a target is a rule with effective dates (data): the event
//! (受理, 指派 or 结案), the case types, and whether each later stage of a
//! criminal matter counts as a case of its own (one case, one file per stage).

use super::tally::{Key, Measure};
use crate::case::CaseType;
use crate::validation::{FieldError, Validation};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// How the time share is computed.
    PaceBasis {
        Month => ("month", "按月（已过完整月数÷12）"),
        Day => ("day", "按日（已过天数÷全年天数）"),
    }
);

/// The supervision rule of a period (data with effective dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionRule {
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// The event a case counts at: accepted, assigned or concluded.
    pub event: Measure,
    /// The case types that count; empty for all.
    pub case_types: Vec<CaseType>,
    /// Whether a later stage of a criminal matter counts as a case.
    pub later_stages: bool,
    pub basis: PaceBasis,
    /// A unit lags when its gap, in points, is below this (e.g. 0 or −5).
    pub lag_margin_points: i32,
    /// Where the rule comes from (a document, or "系统默认").
    pub source: String,
}

impl SupervisionRule {
    /// The rule used where none is configured, and said to be so: cases
    /// counted when opened, every type, every stage, month-based, lagging
    /// below zero; in force from 2000, the first year the system takes.
    pub fn fallback() -> Self {
        SupervisionRule {
            effective_from: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
            effective_to: None,
            event: Measure::Accepted,
            case_types: Vec::new(),
            later_stages: true,
            basis: PaceBasis::Month,
            lag_margin_points: 0,
            source: "系统默认口径（未配置统计口径）".into(),
        }
    }

    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        if !matches!(
            self.event,
            Measure::Accepted | Measure::Assigned | Measure::Concluded
        ) {
            v.add("event", "计入目标的环节应为受理、指派或结案");
        }
        if !(-100..=100).contains(&self.lag_margin_points) {
            v.add(
                "lag_margin_points",
                "落后判定的容差应在−100至100个百分点之间",
            );
        }
        if !(2000..=2100).contains(&self.effective_from.year()) {
            v.add("effective_from", "生效日期应在2000年至2100年之间");
        }
        if self
            .effective_to
            .is_some_and(|to| to <= self.effective_from)
        {
            v.add("effective_to", "失效日期应晚于生效日期");
        }
        if self.source.trim().is_empty() {
            v.add("source", "请填写依据");
        }
        v.finish(())
    }

    /// Whether a tally cell counts toward the target.
    pub fn counts(&self, key: &Key) -> bool {
        key.measure == self.event
            && (self.case_types.is_empty() || self.case_types.contains(&key.case_type))
            && (self.later_stages || !key.later_stage)
    }

    /// What it counts, in words.
    pub fn describe(&self) -> String {
        let types = if self.case_types.is_empty() {
            "各类案件".to_owned()
        } else {
            self.case_types
                .iter()
                .map(|t| format!("{}案件", t.label()))
                .collect::<Vec<_>>()
                .join("、")
        };
        let stages = if self.later_stages {
            "刑事案件各诉讼阶段分别计件"
        } else {
            "刑事案件后续诉讼阶段不另计件"
        };
        format!(
            "{types}以{}计件，{stages}；序时进度{}",
            self.event.label(),
            self.basis.label()
        )
    }
}

/// The rule in force on `day`: the latest that has begun and not ended.
pub fn rule_on(rules: &[SupervisionRule], day: NaiveDate) -> Option<&SupervisionRule> {
    rules
        .iter()
        .filter(|r| r.effective_from <= day && r.effective_to.is_none_or(|to| day < to))
        .max_by_key(|r| r.effective_from)
}

/// A share as an exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PaceShare))]
pub struct Share {
    pub num: i64,
    pub den: i64,
}

impl Share {
    /// In percent, to one decimal.
    pub fn percent(self) -> Option<f64> {
        (self.den > 0).then(|| round1(self.num as f64 * 100.0 / self.den as f64))
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The share of `year` gone by at the end of `as_of`.
pub fn time_share(year: i32, as_of: NaiveDate, basis: PaceBasis) -> Share {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    match basis {
        PaceBasis::Month => {
            let months = if as_of < first {
                0
            } else if as_of >= last {
                12
            } else {
                let month_ends = as_of.succ_opt().is_some_and(|d| d.month() != as_of.month());
                i64::from(as_of.month()) - i64::from(!month_ends)
            };
            Share {
                num: months,
                den: 12,
            }
        }
        PaceBasis::Day => {
            let len = (last - first).num_days() + 1;
            let gone = if as_of < first {
                0
            } else if as_of >= last {
                len
            } else {
                (as_of - first).num_days() + 1
            };
            Share {
                num: gone,
                den: len,
            }
        }
    }
}

/// A unit's progress against its target at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PaceProgress))]
pub struct Progress {
    /// The year's target; none when not set.
    pub target: Option<i64>,
    pub counted: i64,
    /// 完成率 in percent (one decimal), with a target.
    pub completion: Option<f64>,
    /// 序时进度 in percent (one decimal).
    pub time_percent: f64,
    /// 完成率 − 序时进度 in points (one decimal), with a target; negative behind.
    pub gap_points: Option<f64>,
    /// Behind by more than the margin; none without a target.
    pub lagging: Option<bool>,
}

/// The progress of `counted` against `target` with `time` gone and the margin.
/// The lag is decided on exact integers, so a gap shown as −0.0 is not a lag.
pub fn progress(counted: i64, target: Option<i64>, time: Share, margin_points: i32) -> Progress {
    let time_percent = time.percent().unwrap_or(0.0);
    let target = target.filter(|t| *t > 0);
    match target {
        None => Progress {
            target: None,
            counted,
            completion: None,
            time_percent,
            gap_points: None,
            lagging: None,
        },
        Some(t) => {
            let completion = round1(counted as f64 * 100.0 / t as f64);
            let exact_gap =
                (counted as f64 / t as f64 - time.num as f64 / time.den.max(1) as f64) * 100.0;
            // gap < margin  ⇔  100·(counted·den − num·t) < margin·t·den
            let left = 100
                * (i128::from(counted) * i128::from(time.den)
                    - i128::from(time.num) * i128::from(t));
            let right = i128::from(margin_points) * i128::from(t) * i128::from(time.den);
            Progress {
                target: Some(t),
                counted,
                completion: Some(completion),
                time_percent,
                gap_points: Some(round1(exact_gap)),
                lagging: Some(left < right),
            }
        }
    }
}

/// A rate shown as "part / whole" beside its percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PaceRatio))]
pub struct Ratio {
    pub part: i64,
    pub whole: i64,
}

impl Ratio {
    pub fn percent(self) -> Option<f64> {
        Share {
            num: self.part,
            den: self.whole,
        }
        .percent()
    }
}

/// How a split of a target over the units below compares with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TargetSplit))]
pub struct Split {
    pub parent: i64,
    pub assigned: i64,
    /// parent − assigned: positive when not all of it is split down.
    pub unassigned: i64,
}

pub fn split(parent: i64, children: &[i64]) -> Split {
    let assigned: i64 = children.iter().sum();
    Split {
        parent,
        assigned,
        unassigned: parent - assigned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_month_share_counts_completed_months() {
        let m = |day| time_share(2024, day, PaceBasis::Month);
        assert_eq!(m(d(2024, 3, 31)), Share { num: 3, den: 12 });
        assert_eq!(m(d(2024, 4, 1)), Share { num: 3, den: 12 });
        assert_eq!(m(d(2024, 4, 29)), Share { num: 3, den: 12 });
        assert_eq!(
            m(d(2024, 2, 29)),
            Share { num: 2, den: 12 },
            "leap February ends"
        );
        assert_eq!(m(d(2024, 1, 15)), Share { num: 0, den: 12 });
        assert_eq!(m(d(2023, 12, 31)), Share { num: 0, den: 12 });
        assert_eq!(m(d(2024, 12, 30)), Share { num: 11, den: 12 });
        assert_eq!(m(d(2024, 12, 31)), Share { num: 12, den: 12 });
        assert_eq!(m(d(2025, 6, 1)), Share { num: 12, den: 12 });
    }

    #[test]
    fn the_day_share_counts_days_in_a_leap_year() {
        let s = time_share(2024, d(2024, 7, 1), PaceBasis::Day);
        assert_eq!(s, Share { num: 183, den: 366 });
        assert_eq!(s.percent(), Some(50.0));
        assert_eq!(time_share(2025, d(2025, 12, 31), PaceBasis::Day).num, 365);
    }

    #[test]
    fn anhui_2016_figures_come_out() {
        // Target 80,000; at the end of March 27.4% done, 2.4 points ahead.
        let t = 80_000;
        let march = time_share(2016, d(2016, 3, 31), PaceBasis::Month);
        let p = progress(21_920, Some(t), march, 0);
        assert_eq!(
            (p.completion, p.time_percent, p.gap_points),
            (Some(27.4), 25.0, Some(2.4))
        );
        assert_eq!(p.lagging, Some(false));
        // July: 71.3% done, 13 points ahead of 58.3.
        let july = time_share(2016, d(2016, 7, 31), PaceBasis::Month);
        let p = progress(57_040, Some(t), july, 0);
        assert_eq!((p.completion, p.time_percent), (Some(71.3), 58.3));
        assert_eq!(p.gap_points, Some(13.0));
    }

    #[test]
    fn lagging_is_decided_exactly_against_the_margin() {
        let half = Share { num: 6, den: 12 };
        // Exactly on time is not lagging.
        assert_eq!(progress(130, Some(260), half, 0).lagging, Some(false));
        // One case short is.
        let p = progress(129, Some(260), half, 0);
        assert_eq!(p.lagging, Some(true));
        assert_eq!(p.gap_points, Some(-0.4));
        // Five points tolerated: 45% done at half time is not lagging, 44.6% is.
        assert_eq!(progress(117, Some(260), half, -5).lagging, Some(false));
        assert_eq!(progress(116, Some(260), half, -5).lagging, Some(true));
        // No target: no completion, no verdict, but the count and the time share.
        let p = progress(12, None, half, 0);
        assert_eq!(
            (p.completion, p.lagging, p.time_percent),
            (None, None, 50.0)
        );
        assert_eq!(progress(12, Some(0), half, 0).target, None);
    }

    #[test]
    fn the_rule_in_force_and_what_it_counts() {
        let mut a = SupervisionRule::fallback();
        a.effective_from = d(2024, 1, 1);
        a.source = "2024年方案".into();
        let mut b = a.clone();
        b.effective_from = d(2025, 1, 1);
        b.event = Measure::Concluded;
        b.later_stages = false;
        b.case_types = vec![CaseType::Civil];
        let rules = vec![a.clone(), b.clone()];
        assert_eq!(rule_on(&rules, d(2024, 6, 1)), Some(&a));
        assert_eq!(rule_on(&rules, d(2025, 6, 1)), Some(&b));
        assert_eq!(rule_on(&rules, d(2023, 6, 1)), None);
        let key = |measure, case_type, later_stage| Key {
            unit_id: 1,
            year: 2025,
            month: 1,
            case_type,
            later_stage,
            measure,
            day: 0,
        };
        assert!(b.counts(&key(Measure::Concluded, CaseType::Civil, false)));
        assert!(!b.counts(&key(Measure::Accepted, CaseType::Civil, false)));
        assert!(!b.counts(&key(Measure::Concluded, CaseType::Criminal, false)));
        assert!(a.counts(&key(Measure::Accepted, CaseType::Criminal, true)));
        assert!(b.describe().contains("民事案件以结案计件"));
        let mut bad = b.clone();
        bad.event = Measure::SubsidyPaid;
        bad.lag_margin_points = -101;
        let fields: Vec<String> = bad
            .check()
            .expect_err("refused")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["event", "lag_margin_points"]);
        let mut early = b.clone();
        early.effective_from = d(1999, 12, 31);
        assert!(
            early.check().is_err(),
            "dates the databases cannot all hold are refused"
        );
    }

    #[test]
    fn a_split_says_what_is_left() {
        assert_eq!(
            split(260, &[60, 50, 40]),
            Split {
                parent: 260,
                assigned: 150,
                unassigned: 110
            }
        );
    }
}
