//! A handler's quality rating: what the quality tools found about a handler over a
//! recent window, folded into one score from 0 to 100 that assignment can weigh.
//!
//! No law or published instrument sets this formula: every number of the rule
//! (window, points per grade, penalties, weights, neutral score) is a product
//! default, kept as data with an effective date so that the bureau can change it.

use crate::case::Grade;
use crate::followup::Satisfaction;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The points a case graded at each grade brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradePoints {
    pub excellent: u32,
    pub good: u32,
    pub qualified: u32,
    pub unqualified: u32,
}

impl GradePoints {
    pub fn of(&self, g: Grade) -> u32 {
        match g {
            Grade::Excellent => self.excellent,
            Grade::Good => self.good,
            Grade::Qualified => self.qualified,
            Grade::Unqualified => self.unqualified,
        }
    }
}

/// How ratings are computed from a date on (all values product defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRule {
    pub effective_from: NaiveDate,
    /// Evidence of the last this many months counts (default 24).
    pub window_months: u32,
    /// Default 100 / 85 / 70 / 40.
    pub grade_points: GradePoints,
    /// Deducted per upheld complaint in the window (default 10).
    pub complaint_penalty: u32,
    /// Deducted per 不满意 overall evaluation in the window (default 5).
    pub dissatisfied_penalty: u32,
    /// Graded cases needed before the grades count (default 1); below it the
    /// grades component is the neutral score.
    pub min_grades: u32,
    /// Weight of the grades component, percent (default 80).
    pub grades_weight: u32,
    /// Weight of the satisfaction component, percent (default 20).
    pub satisfaction_weight: u32,
    /// The score of a component without evidence (default 75).
    pub neutral: u32,
    /// How much the rating moves a candidate in the assignment ranking: this
    /// many ranking points per rating point above or below the neutral score
    /// (default 4: a rating 25 points below neutral weighs like 2.5 more open
    /// cases).
    #[serde(default = "default_ranking_weight")]
    pub ranking_weight: u32,
}

fn default_ranking_weight() -> u32 {
    4
}

impl RatingRule {
    /// The product defaults, in force from `effective_from`.
    pub fn defaults(effective_from: NaiveDate) -> RatingRule {
        RatingRule {
            effective_from,
            window_months: 24,
            grade_points: GradePoints {
                excellent: 100,
                good: 85,
                qualified: 70,
                unqualified: 40,
            },
            complaint_penalty: 10,
            dissatisfied_penalty: 5,
            min_grades: 1,
            grades_weight: 80,
            satisfaction_weight: 20,
            neutral: 75,
            ranking_weight: default_ranking_weight(),
        }
    }

    /// Checks a rule as an administrator enters it.
    pub fn validate(&self) -> Result<(), Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        if !(1..=120).contains(&self.window_months) {
            v.add("window_months", "统计期间应在1至120个月之间");
        }
        let p = self.grade_points;
        if [p.excellent, p.good, p.qualified, p.unqualified]
            .iter()
            .any(|x| *x > 100)
        {
            v.add("grade_points", "各评查等级的分值不能超过100分");
        }
        if self.ranking_weight > 100 {
            v.add("ranking_weight", "排序权重不能超过100");
        }
        if self.neutral > 100 {
            v.add("neutral", "中性分不能超过100分");
        }
        if self.complaint_penalty > 100 {
            v.add("complaint_penalty", "每件投诉扣分不能超过100分");
        }
        if self.dissatisfied_penalty > 100 {
            v.add("dissatisfied_penalty", "每次不满意扣分不能超过100分");
        }
        if self.grades_weight.saturating_add(self.satisfaction_weight) != 100 {
            v.add(
                "grades_weight",
                format!(
                    "评查等级与满意度的权重之和应为100%，现为{}%",
                    self.grades_weight.saturating_add(self.satisfaction_weight)
                ),
            );
        }
        v.finish(())
    }
}

/// The versions of the rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRules(pub Vec<RatingRule>);

impl RatingRules {
    /// The version in force on `on`: the latest effective on or before it.
    pub fn in_force(&self, on: NaiveDate) -> Option<&RatingRule> {
        self.0
            .iter()
            .filter(|r| r.effective_from <= on)
            .max_by_key(|r| r.effective_from)
    }
}

/// What is known about a handler, dated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Graded closed cases: the day graded and the grade.
    pub grades: Vec<(NaiveDate, Grade)>,
    /// Upheld complaints: the day decided.
    pub upheld_complaints: Vec<NaiveDate>,
    /// Overall evaluations (总体评价) from follow-up visits: the day and the rating.
    pub evaluations: Vec<(NaiveDate, Satisfaction)>,
}

code_enum!(
    /// How a rating was reached.
    RatingBasis {
        Rated => ("rated", "按评查等级评分"),
        TooFewGrades => ("too_few_grades", "评查案件不足，按中性分计"),
    }
);

/// A handler's rating, with how it was derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// 0 to 100.
    pub score: u32,
    pub basis: RatingBasis,
    /// The derivation, one line per step, in Chinese.
    pub lines: Vec<String>,
    /// The first day of the window (the last is the day rated).
    pub window_from: NaiveDate,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Rates a handler on `today`. Only evidence dated within [window_from, today]
/// counts. The score is (grades × grades_weight + satisfaction ×
/// satisfaction_weight) ÷ 100, rounded, less the penalties, held within 0..=100.
/// Penalties apply even when there are too few grades to rate on.
pub fn rate(e: &Evidence, rule: &RatingRule, today: NaiveDate) -> Rating {
    let window_from = today
        .checked_sub_months(Months::new(rule.window_months))
        .unwrap_or(NaiveDate::MIN);
    let inside = |d: &NaiveDate| window_from <= *d && *d <= today;
    let months = rule.window_months;
    let mut lines = Vec::new();

    let grades: Vec<Grade> = e
        .grades
        .iter()
        .filter(|(d, _)| inside(d))
        .map(|(_, g)| *g)
        .collect();
    let n = count(grades.len());
    let (grades_score, basis) = if n >= rule.min_grades.max(1) {
        let total: u32 = grades.iter().map(|g| rule.grade_points.of(*g)).sum();
        let avg = f64::from(total) / f64::from(n);
        let parts: Vec<String> = Grade::ALL
            .iter()
            .filter_map(|g| {
                let c = grades.iter().filter(|x| *x == g).count();
                (c > 0).then(|| format!("{}{c}", g.label()))
            })
            .collect();
        lines.push(format!(
            "近{months}个月评查等级 {n} 件：{}，平均 {avg:.1} 分",
            parts.join("、")
        ));
        (avg, RatingBasis::Rated)
    } else {
        lines.push(format!(
            "近{months}个月评查等级 {n} 件，少于 {} 件，按中性分 {} 分计",
            rule.min_grades.max(1),
            rule.neutral
        ));
        (f64::from(rule.neutral), RatingBasis::TooFewGrades)
    };

    let evaluations: Vec<Satisfaction> = e
        .evaluations
        .iter()
        .filter(|(d, _)| inside(d))
        .map(|(_, s)| *s)
        .collect();
    let of = |s: Satisfaction| count(evaluations.iter().filter(|x| **x == s).count());
    let dissatisfied = of(Satisfaction::Dissatisfied);
    let satisfaction_score = if evaluations.is_empty() {
        lines.push(format!(
            "近{months}个月无回访总体评价，按中性分 {} 分计",
            rule.neutral
        ));
        f64::from(rule.neutral)
    } else {
        let good = of(Satisfaction::Satisfied) + of(Satisfaction::BasicallySatisfied);
        let share = f64::from(good) * 100.0 / f64::from(count(evaluations.len()));
        lines.push(format!(
            "近{months}个月回访总体评价 {} 次：满意{}、基本满意{}、不满意{dissatisfied}，满意率 {share:.1}%",
            evaluations.len(),
            of(Satisfaction::Satisfied),
            of(Satisfaction::BasicallySatisfied),
        ));
        share
    };

    let weighted = ((grades_score * f64::from(rule.grades_weight)
        + satisfaction_score * f64::from(rule.satisfaction_weight))
        / 100.0)
        .round();
    lines.push(format!(
        "加权：{grades_score:.1} × {}% + {satisfaction_score:.1} × {}% = {weighted:.0} 分",
        rule.grades_weight, rule.satisfaction_weight
    ));
    let complaints = count(e.upheld_complaints.iter().filter(|d| inside(d)).count());
    let mut penalty = 0u32;
    if complaints > 0 {
        let p = complaints.saturating_mul(rule.complaint_penalty);
        penalty = penalty.saturating_add(p);
        lines.push(format!("投诉查证属实 {complaints} 件，扣 {p} 分"));
    }
    if dissatisfied > 0 && rule.dissatisfied_penalty > 0 {
        let p = dissatisfied.saturating_mul(rule.dissatisfied_penalty);
        penalty = penalty.saturating_add(p);
        lines.push(format!("回访总体评价不满意 {dissatisfied} 次，扣 {p} 分"));
    }
    let score = (weighted - f64::from(penalty)).clamp(0.0, 100.0) as u32;
    lines.push(format!("评分：{score} 分"));
    Rating {
        score,
        basis,
        lines,
        window_from,
    }
}

/// What a rating does to a candidate in the assignment ranking: the points
/// added (or taken) and the reason shown with the suggestion.
pub fn ranking_factor(r: &Rating, rule: &RatingRule) -> (i64, String) {
    let diff = i64::from(r.score) - i64::from(rule.neutral);
    let points = diff * i64::from(rule.ranking_weight);
    let reason = match diff.cmp(&0) {
        std::cmp::Ordering::Greater => format!(
            "质量评价{}分，高于基准{}分（排序+{points}）",
            r.score, rule.neutral
        ),
        std::cmp::Ordering::Less => format!(
            "质量评价{}分，低于基准{}分（排序{points}）",
            r.score, rule.neutral
        ),
        std::cmp::Ordering::Equal => format!("质量评价{}分，与基准持平", r.score),
    };
    (points, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn rule() -> RatingRule {
        RatingRule::defaults(d("2025-01-01"))
    }

    #[test]
    fn grades_and_satisfaction_are_weighted() {
        let e = Evidence {
            grades: vec![
                (d("2025-06-01"), Grade::Excellent),
                (d("2025-07-01"), Grade::Good),
                (d("2025-08-01"), Grade::Unqualified),
            ],
            upheld_complaints: vec![],
            evaluations: vec![
                (d("2025-06-10"), Satisfaction::Satisfied),
                (d("2025-07-10"), Satisfaction::BasicallySatisfied),
                (d("2025-07-11"), Satisfaction::Satisfied),
                (d("2025-07-12"), Satisfaction::Satisfied),
            ],
        };
        let r = rate(&e, &rule(), d("2026-01-15"));
        // (100 + 85 + 40) / 3 = 75.0; satisfaction 100; 75 × 0.8 + 100 × 0.2 = 80.
        assert_eq!(r.score, 80);
        assert_eq!(r.basis, RatingBasis::Rated);
        assert_eq!(r.window_from, d("2024-01-15"));
        assert_eq!(
            r.lines,
            [
                "近24个月评查等级 3 件：优秀1、良好1、不合格1，平均 75.0 分",
                "近24个月回访总体评价 4 次：满意3、基本满意1、不满意0，满意率 100.0%",
                "加权：75.0 × 80% + 100.0 × 20% = 80 分",
                "评分：80 分",
            ]
        );
    }

    #[test]
    fn a_rating_falls_after_an_upheld_complaint_and_a_low_grade() {
        let mut e = Evidence {
            grades: vec![(d("2025-06-01"), Grade::Good)],
            ..Evidence::default()
        };
        let before = rate(&e, &rule(), d("2025-12-01"));
        // 85 × 0.8 + 75 × 0.2 = 83.
        assert_eq!(before.score, 83);
        e.grades.push((d("2025-09-01"), Grade::Unqualified));
        e.upheld_complaints.push(d("2025-10-01"));
        e.evaluations
            .push((d("2025-10-02"), Satisfaction::Dissatisfied));
        let after = rate(&e, &rule(), d("2025-12-01"));
        // grades (85 + 40) / 2 = 62.5; satisfaction 0; 62.5 × 0.8 = 50; −10 −5 = 35.
        assert_eq!(after.score, 35);
        assert!(
            after
                .lines
                .contains(&"投诉查证属实 1 件，扣 10 分".to_owned())
        );
        assert!(
            after
                .lines
                .contains(&"回访总体评价不满意 1 次，扣 5 分".to_owned())
        );
    }

    #[test]
    fn evidence_outside_the_window_is_ignored() {
        let e = Evidence {
            grades: vec![
                (d("2023-12-31"), Grade::Unqualified),
                (d("2024-01-01"), Grade::Excellent),
                (d("2026-01-02"), Grade::Unqualified),
            ],
            upheld_complaints: vec![d("2023-06-01")],
            evaluations: vec![(d("2023-12-01"), Satisfaction::Dissatisfied)],
        };
        let r = rate(&e, &rule(), d("2026-01-01"));
        assert_eq!(r.window_from, d("2024-01-01"), "the first day counts");
        // Only the excellent grade: 100 × 0.8 + 75 × 0.2 = 95, no penalties.
        assert_eq!(r.score, 95);
        assert_eq!(r.lines.len(), 4);
    }

    #[test]
    fn too_few_grades_use_the_neutral_score_but_keep_penalties() {
        let mut rule = rule();
        rule.min_grades = 2;
        let e = Evidence {
            grades: vec![(d("2025-06-01"), Grade::Excellent)],
            upheld_complaints: vec![d("2025-07-01"), d("2025-08-01")],
            evaluations: vec![],
        };
        let r = rate(&e, &rule, d("2025-12-01"));
        assert_eq!(r.basis, RatingBasis::TooFewGrades);
        assert_eq!(r.score, 55, "75 − 2 × 10");
        assert_eq!(
            r.lines[0],
            "近24个月评查等级 1 件，少于 2 件，按中性分 75 分计"
        );
        let none = rate(&Evidence::default(), &rule, d("2025-12-01"));
        assert_eq!(none.score, 75);
    }

    #[test]
    fn the_score_never_leaves_0_to_100() {
        let e = Evidence {
            grades: vec![(d("2025-06-01"), Grade::Unqualified)],
            upheld_complaints: vec![d("2025-07-01"); 9],
            evaluations: vec![],
        };
        assert_eq!(rate(&e, &rule(), d("2025-12-01")).score, 0);
    }

    #[test]
    fn the_window_ends_at_month_end() {
        let mut rule = rule();
        rule.window_months = 1;
        let r = rate(&Evidence::default(), &rule, d("2026-03-31"));
        assert_eq!(r.window_from, d("2026-02-28"));
        let e = Evidence {
            grades: vec![
                (d("2026-02-27"), Grade::Unqualified),
                (d("2026-02-28"), Grade::Good),
            ],
            ..Evidence::default()
        };
        // Only the good grade: 85 × 0.8 + 75 × 0.2 = 83.
        assert_eq!(rate(&e, &rule, d("2026-03-31")).score, 83);
    }

    #[test]
    fn a_rule_is_checked() {
        assert_eq!(rule().validate(), Ok(()));
        let mut r = rule();
        r.grades_weight = 70;
        r.window_months = 0;
        r.grade_points.excellent = 120;
        let e = r.validate().expect_err("bad rule");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["window_months", "grade_points", "grades_weight"]);
        assert_eq!(e[2].message, "评查等级与满意度的权重之和应为100%，现为90%");
        r = rule();
        r.window_months = 121;
        assert!(r.validate().is_err());
    }

    #[test]
    fn the_rule_in_force_is_the_latest_started() {
        let mut later = rule();
        later.effective_from = d("2026-01-01");
        later.window_months = 12;
        let rules = RatingRules(vec![later, rule()]);
        assert_eq!(
            rules.in_force(d("2025-06-01")).map(|r| r.window_months),
            Some(24)
        );
        assert_eq!(
            rules.in_force(d("2026-01-01")).map(|r| r.window_months),
            Some(12)
        );
        assert!(rules.in_force(d("2024-12-31")).is_none());
    }
}
