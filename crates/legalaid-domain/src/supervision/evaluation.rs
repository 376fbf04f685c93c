//! Performance evaluation (考评, quality-supervision-outreach §5.4): an
//! indicator scheme per year as data — a tree of parts and indicators with
//! weights, the better direction, the source of the value (computed from the
//! records, entered by the bureau, imported), and the scoring rule (linear to a
//! target, thresholds, deductions per event, a capped bonus) — and the scoring
//! of a unit's values with the evidence of each indicator. Pure; the schemes
//! shipped are `data/evaluation/schemes.json`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where an indicator's value comes from.
    Source {
        Computed => ("computed", "系统计算"),
        Entered => ("entered", "人工录入"),
        Imported => ("imported", "外部导入"),
    }
);

code_enum!(
    /// Which way is better.
    Direction {
        Higher => ("higher", "越高越好"),
        Lower => ("lower", "越低越好"),
    }
);

code_enum!(
    /// The values the system computes for a unit (the dashboard's line, the queues).
    Metric {
        /// 完成率, percent of the year's target.
        Completion => ("completion", "目标任务完成率"),
        /// 完成率 − 序时进度, points.
        Pace => ("pace", "超（落后）序时进度"),
        ConclusionRate => ("conclusion_rate", "结案率"),
        ArchiveRate => ("archive_rate", "归档率"),
        SubsidyRate => ("subsidy_rate", "补贴发放率"),
        /// Work in the queues past its due day, items.
        Overdue => ("overdue", "超期未办事项"),
        /// Supervision orders to the unit in the year, items.
        Orders => ("orders", "被督办次数"),
    }
);

/// How a value becomes points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Full points at the target (or better), in proportion below it (higher
    /// is better), or full points at or below the target and none at twice it
    /// (lower is better).
    Linear { target: f64 },
    /// Steps `[at least, points]`, best first (higher is better) — the first
    /// step the value reaches gives its points; none reached, none.
    Thresholds { steps: Vec<(f64, f64)> },
    /// The weight less `points` for each event, never below zero.
    Deduction { points: f64 },
    /// `points` for each event, at most `cap` (a bonus beyond the weight).
    Bonus { points: f64, cap: f64 },
}

/// An indicator (a leaf) or a part of the scheme (with children).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub label: String,
    /// The points at stake (a part: the sum of its children's).
    pub weight: f64,
    #[serde(default)]
    pub children: Vec<Indicator>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub metric: Option<Metric>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub rule: Option<Rule>,
    /// What is counted or how it is judged, for the evidence.
    #[serde(default)]
    pub standard: String,
}

/// A scheme in force from a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    pub code: String,
    pub name: String,
    pub effective_from: NaiveDate,
    /// Where it comes from (a 考核办法, a plan).
    pub source: String,
    pub indicators: Vec<Indicator>,
}

impl Indicator {
    fn leaves<'a>(&'a self, out: &mut Vec<&'a Indicator>) {
        if self.children.is_empty() {
            out.push(self);
        }
        for c in &self.children {
            c.leaves(out);
        }
    }

    /// A bonus (beyond the full score): a bonus rule, or a part of bonuses only.
    fn is_bonus(&self) -> bool {
        if self.children.is_empty() {
            matches!(self.rule, Some(Rule::Bonus { .. }))
        } else {
            self.children.iter().all(Indicator::is_bonus)
        }
    }
}

impl Scheme {
    /// Every indicator that is scored, in order.
    pub fn leaves(&self) -> Vec<&Indicator> {
        let mut out = Vec::new();
        for i in &self.indicators {
            i.leaves(&mut out);
        }
        out
    }

    /// The full score: the weights of the indicators that are not bonuses.
    pub fn full(&self) -> f64 {
        self.leaves()
            .iter()
            .filter(|l| !l.is_bonus())
            .map(|l| l.weight)
            .sum()
    }

    /// What is wrong with the scheme: codes unique, every leaf with a source and
    /// a rule, a computed leaf with a metric, parts weighing what their children
    /// do, positive weights.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        fn walk(
            i: &Indicator,
            seen: &mut std::collections::HashSet<String>,
            out: &mut Vec<String>,
        ) {
            if !seen.insert(i.code.clone()) {
                out.push(format!("指标代码重复：{}", i.code));
            }
            if i.weight <= 0.0 && !i.is_bonus() {
                out.push(format!("{}：分值应大于0", i.label));
            }
            if i.children.is_empty() {
                match (&i.source, &i.rule) {
                    (None, _) => out.push(format!("{}：缺少数据来源", i.label)),
                    (_, None) => out.push(format!("{}：缺少计分规则", i.label)),
                    (Some(Source::Computed), _) if i.metric.is_none() => {
                        out.push(format!("{}：系统计算的指标缺少计算口径", i.label));
                    }
                    _ => {}
                }
            } else {
                let sum: f64 = i
                    .children
                    .iter()
                    .filter(|c| !c.is_bonus())
                    .map(|c| c.weight)
                    .sum();
                if (sum - i.weight).abs() > 1e-9 && !i.children.iter().all(Indicator::is_bonus) {
                    out.push(format!(
                        "{}：分值{}与下级指标之和{}不符",
                        i.label, i.weight, sum
                    ));
                }
                for c in &i.children {
                    walk(c, seen, out);
                }
            }
        }
        for i in &self.indicators {
            walk(i, &mut seen, &mut out);
        }
        out
    }
}

/// The scheme in force on `day`: the latest that started by then.
pub fn scheme_on(schemes: &[Scheme], day: NaiveDate) -> Option<&Scheme> {
    schemes
        .iter()
        .filter(|s| s.effective_from <= day)
        .max_by_key(|s| s.effective_from)
}

/// The shipped schemes.
pub fn shipped() -> Result<Vec<Scheme>, String> {
    let s: Vec<Scheme> = serde_json::from_str(include_str!("../../data/evaluation/schemes.json"))
        .map_err(|e| format!("evaluation schemes: {e}"))?;
    for scheme in &s {
        let p = scheme.problems();
        if !p.is_empty() {
            return Err(format!("{}: {}", scheme.name, p.join("；")));
        }
    }
    Ok(s)
}

/// A unit's value of an indicator, with what it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EvaluationValue))]
pub struct Value {
    pub value: f64,
    /// The value in words with its counts, e.g. "16 / 20 件（80.0%）".
    pub evidence: String,
}

/// An indicator's points with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EvaluationScore))]
pub struct Score {
    pub code: String,
    pub label: String,
    pub weight: f64,
    /// None: no value (not entered, or nothing to compute it from): no points,
    /// said so.
    pub value: Option<f64>,
    pub points: f64,
    pub evidence: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: Source,
    pub bonus: bool,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The points of `value` under `rule` with `weight` at stake.
pub fn points(rule: &Rule, direction: Direction, weight: f64, value: f64) -> f64 {
    let p = match rule {
        Rule::Linear { target } if *target <= 0.0 => weight,
        Rule::Linear { target } => match direction {
            Direction::Higher => weight * (value / target).clamp(0.0, 1.0),
            Direction::Lower => weight * (2.0 - value / target).clamp(0.0, 1.0),
        },
        Rule::Thresholds { steps } => steps
            .iter()
            .find(|(at, _)| match direction {
                Direction::Higher => value >= *at,
                Direction::Lower => value <= *at,
            })
            .map_or(0.0, |(_, p)| p.min(weight)),
        Rule::Deduction { points } => (weight - points * value).max(0.0),
        Rule::Bonus { points, cap } => (points * value).clamp(0.0, *cap),
    };
    round2(p)
}

/// Scores a unit: each indicator's points from its value (`value_of` gives the
/// computed, entered or imported value), the total, and the bonus apart.
pub fn score(scheme: &Scheme, value_of: &dyn Fn(&Indicator) -> Option<Value>) -> Vec<Score> {
    scheme
        .leaves()
        .into_iter()
        .map(|i| {
            let source = i.source.unwrap_or(Source::Entered);
            let direction = i.direction.unwrap_or(Direction::Higher);
            let v = value_of(i);
            let (points, evidence) = match (&i.rule, &v) {
                (Some(rule), Some(v)) => (
                    points(rule, direction, i.weight, v.value),
                    v.evidence.clone(),
                ),
                (_, None) => (
                    0.0,
                    match source {
                        Source::Computed => "无可计算的数据（如未下达目标任务）".to_owned(),
                        _ => "尚未录入".to_owned(),
                    },
                ),
                (None, Some(v)) => (0.0, v.evidence.clone()),
            };
            Score {
                code: i.code.clone(),
                label: i.label.clone(),
                weight: i.weight,
                value: v.map(|v| v.value),
                points,
                evidence,
                source,
                bonus: i.is_bonus(),
            }
        })
        .collect()
}

/// The total of scores (bonuses included).
pub fn total(scores: &[Score]) -> f64 {
    round2(scores.iter().map(|s| s.points).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    #[test]
    fn the_rules_give_points_as_their_words_say() {
        let linear = Rule::Linear { target: 100.0 };
        assert_eq!(points(&linear, Direction::Higher, 20.0, 80.0), 16.0);
        assert_eq!(
            points(&linear, Direction::Higher, 20.0, 130.0),
            20.0,
            "capped at the weight"
        );
        assert_eq!(
            points(&Rule::Linear { target: 5.0 }, Direction::Lower, 10.0, 5.0),
            10.0
        );
        assert_eq!(
            points(&Rule::Linear { target: 5.0 }, Direction::Lower, 10.0, 7.5),
            5.0
        );
        let steps = Rule::Thresholds {
            steps: vec![(0.0, 10.0), (-5.0, 7.0), (-10.0, 4.0)],
        };
        assert_eq!(points(&steps, Direction::Higher, 10.0, 2.0), 10.0);
        assert_eq!(points(&steps, Direction::Higher, 10.0, -7.5), 4.0);
        assert_eq!(points(&steps, Direction::Higher, 10.0, -20.0), 0.0);
        let deduct = Rule::Deduction { points: 2.0 };
        assert_eq!(points(&deduct, Direction::Lower, 10.0, 3.0), 4.0);
        assert_eq!(
            points(&deduct, Direction::Lower, 10.0, 9.0),
            0.0,
            "never below zero"
        );
        let bonus = Rule::Bonus {
            points: 3.0,
            cap: 5.0,
        };
        assert_eq!(points(&bonus, Direction::Higher, 0.0, 1.0), 3.0);
        assert_eq!(points(&bonus, Direction::Higher, 0.0, 4.0), 5.0, "capped");
    }

    #[test]
    fn the_shipped_schemes_add_up_and_score_with_evidence() {
        let schemes = shipped().expect("the shipped schemes are sound");
        let s = scheme_on(&schemes, d("2026-06-30")).expect("a scheme in force");
        assert_eq!(s.full(), 100.0);
        let scores = score(s, &|i| match i.metric {
            Some(Metric::Completion) => Some(Value {
                value: 80.0,
                evidence: "8 / 10 件（80.0%）".into(),
            }),
            _ => None,
        });
        let completion = scores
            .iter()
            .find(|x| x.code == "completion")
            .expect("completion");
        assert!(completion.points > 0.0);
        assert_eq!(completion.evidence, "8 / 10 件（80.0%）");
        let missing = scores
            .iter()
            .find(|x| x.source == Source::Entered)
            .expect("an entered one");
        assert_eq!(missing.points, 0.0);
        assert_eq!(missing.evidence, "尚未录入");
        assert!(total(&scores) < 100.0);
        assert!(scheme_on(&schemes, d("1999-01-01")).is_none());
    }

    #[test]
    fn a_scheme_that_does_not_add_up_is_refused() {
        let mut s = shipped().expect("shipped").remove(0);
        s.indicators[0].weight += 1.0;
        let dup = s.indicators[1].code.clone();
        s.indicators[0].code = dup;
        let p = s.problems();
        assert!(p.iter().any(|x| x.contains("与下级指标之和")), "{p:?}");
        assert!(p.iter().any(|x| x.contains("指标代码重复")), "{p:?}");
    }
}
