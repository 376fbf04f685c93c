//! Excellent-case selection (优秀案例评选): nominated closed cases are scored by a
//! panel of judges on a list of criteria, ranked by their average, and published.

use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a selection round stands.
    SelectionStatus {
        Nominating => ("nominating", "推荐中"),
        Judging => ("judging", "评审中"),
        Published => ("published", "已公布"),
    }
);

/// One scoring criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Lower-case letters, digits and underscores.
    pub code: String,
    pub name: String,
    pub max_points: u32,
}

/// The criteria a round uses unless it sets its own: the five indicators of Hainan's
/// 2023 十佳 selection. Hainan's points per indicator are not known; 20 each is a
/// product default.
pub fn default_criteria() -> Vec<Criterion> {
    [
        ("procedure", "办案程序规范性"),
        ("law_application", "法律适用正确性"),
        ("contribution", "律师贡献程度"),
        ("satisfaction", "办案机构和群众满意度"),
        ("typicality", "案例典型性和可宣传性"),
    ]
    .into_iter()
    .map(|(code, name)| Criterion {
        code: code.into(),
        name: name.into(),
        max_points: 20,
    })
    .collect()
}

/// Checks a round's criteria: named, unique codes, points adding up to 100.
pub fn validate_criteria(criteria: &[Criterion]) -> Result<(), Vec<crate::FieldError>> {
    let mut v = crate::Validation::new();
    if criteria.is_empty() {
        v.add("criteria", "请设置评分标准");
    }
    for (i, c) in criteria.iter().enumerate() {
        let code_ok = !c.code.is_empty()
            && c.code.len() <= 50
            && c.code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !code_ok {
            v.add(
                "criteria",
                format!("第{}项的代码应为小写字母、数字或下划线", i + 1),
            );
        }
        if criteria[..i].iter().any(|o| o.code == c.code) {
            v.add("criteria", format!("评分项代码“{}”重复", c.code));
        }
        if c.name.trim().is_empty() {
            v.add("criteria", format!("请填写第{}项的名称", i + 1));
        }
        if c.max_points == 0 {
            v.add("criteria", format!("“{}”的分值应大于0", c.name.trim()));
        }
    }
    let total: u32 = criteria.iter().map(|c| c.max_points).sum();
    if !criteria.is_empty() && total != 100 {
        v.add(
            "criteria",
            format!("各评分项分值之和应为100分，现为{total}分"),
        );
    }
    v.finish(())
}

/// One judge's scores of one nomination: (criterion code, points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeScore {
    pub judge_id: i64,
    pub scores: Vec<(String, u32)>,
}

impl JudgeScore {
    /// Checks the scores against the criteria (each criterion once, within its
    /// points) and gives the total.
    pub fn validate(&self, criteria: &[Criterion]) -> Result<u32, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        for (i, (code, points)) in self.scores.iter().enumerate() {
            match criteria.iter().find(|c| c.code == *code) {
                None => v.add("scores", format!("未知的评分项：{code}")),
                Some(c) => {
                    if *points > c.max_points {
                        v.add(
                            "scores",
                            format!("“{}”最高{}分，不能打{points}分", c.name, c.max_points),
                        );
                    }
                    if self.scores[..i].iter().any(|(o, _)| o == code) {
                        v.add("scores", format!("“{}”重复评分", c.name));
                    }
                }
            }
        }
        let missing: Vec<&str> = criteria
            .iter()
            .filter(|c| !self.scores.iter().any(|(code, _)| *code == c.code))
            .map(|c| c.name.as_str())
            .collect();
        if !missing.is_empty() {
            v.add("scores", format!("尚未评分：{}", missing.join("、")));
        }
        let total = self.total();
        v.finish(total)
    }

    /// The sum of the points given.
    pub fn total(&self) -> u32 {
        self.scores.iter().map(|(_, p)| *p).sum()
    }
}

/// A nomination's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub nomination_id: i64,
    /// The average of the judges' totals, to 2 decimal places (0 without judges).
    pub average: f64,
    /// How many judges scored it.
    pub judges: usize,
    /// 1-based; ties share a rank and the next rank skips (1, 1, 3). None when too
    /// few judges scored it: listed last.
    pub rank: Option<usize>,
}

/// Ranks nominations by the average of their judges' totals (scores are validated
/// beforehand). Nominations with fewer than `min_judges` judges (at least one) are
/// listed last, unranked, by id.
pub fn rank(nominations: &[(i64, Vec<JudgeScore>)], min_judges: usize) -> Vec<Ranked> {
    let min = min_judges.max(1);
    let mut all: Vec<Ranked> = nominations
        .iter()
        .map(|(id, scores)| {
            let judges = scores.len();
            let average = if judges == 0 {
                0.0
            } else {
                let sum: f64 = scores.iter().map(|s| f64::from(s.total())).sum();
                (sum / judges as f64 * 100.0).round() / 100.0
            };
            Ranked {
                nomination_id: *id,
                average,
                judges,
                rank: None,
            }
        })
        .collect();
    all.sort_by(|a, b| {
        (b.judges >= min)
            .cmp(&(a.judges >= min))
            .then(if a.judges >= min {
                b.average.total_cmp(&a.average)
            } else {
                std::cmp::Ordering::Equal
            })
            .then(a.nomination_id.cmp(&b.nomination_id))
    });
    let mut previous: Option<(f64, usize)> = None;
    for (i, r) in all.iter_mut().enumerate() {
        if r.judges < min {
            break;
        }
        let rank = match previous {
            Some((avg, rank)) if avg == r.average => rank,
            _ => i + 1,
        };
        r.rank = Some(rank);
        previous = Some((r.average, rank));
    }
    all
}

/// Whether a case may be nominated: Liyang's 2019 rules exclude cases with a
/// complaint (here: an upheld one) and cases where money or property was taken.
pub fn eligibility(upheld_complaint: bool, fee_finding: bool) -> Result<(), String> {
    let mut reasons = Vec::new();
    if upheld_complaint {
        reasons.push("该案件有查证属实的投诉");
    }
    if fee_finding {
        reasons.push("该案件查实存在收取受援人财物的情形");
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(format!("{}，不能参评优秀案例", reasons.join("；")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(judge_id: i64, points: [u32; 5]) -> JudgeScore {
        JudgeScore {
            judge_id,
            scores: default_criteria()
                .into_iter()
                .zip(points)
                .map(|(c, p)| (c.code, p))
                .collect(),
        }
    }

    #[test]
    fn the_default_criteria_add_up_to_100() {
        assert_eq!(validate_criteria(&default_criteria()), Ok(()));
        let mut c = default_criteria();
        c[0].max_points = 30;
        c[1].code = c[2].code.clone();
        let e = validate_criteria(&c).expect_err("bad");
        let messages: Vec<&str> = e.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "评分项代码“contribution”重复",
                "各评分项分值之和应为100分，现为110分"
            ]
        );
        assert!(validate_criteria(&[]).is_err());
    }

    #[test]
    fn a_judge_scores_every_criterion_within_its_points() {
        let c = default_criteria();
        assert_eq!(score(1, [20, 18, 15, 19, 10]).validate(&c), Ok(82));
        let e = score(1, [21, 18, 15, 19, 10])
            .validate(&c)
            .expect_err("over");
        assert_eq!(e[0].message, "“办案程序规范性”最高20分，不能打21分");
        let mut s = score(1, [20, 18, 15, 19, 10]);
        s.scores.pop();
        s.scores.push(("speed".into(), 5));
        let e = s.validate(&c).expect_err("unknown and missing");
        let messages: Vec<&str> = e.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(
            messages,
            ["未知的评分项：speed", "尚未评分：案例典型性和可宣传性"]
        );
        let mut s = score(1, [20, 18, 15, 19, 10]);
        s.scores.push(("procedure".into(), 1));
        assert!(
            s.validate(&c).expect_err("dup")[0]
                .message
                .contains("重复评分")
        );
    }

    #[test]
    fn ties_share_a_rank_and_too_few_judges_come_last() {
        let ranked = rank(
            &[
                (
                    10,
                    vec![
                        score(1, [20, 20, 20, 20, 10]),
                        score(2, [20, 20, 20, 20, 0]),
                    ],
                ),
                (
                    11,
                    vec![score(1, [20, 20, 20, 20, 5]), score(2, [20, 20, 20, 20, 5])],
                ),
                (12, vec![score(1, [20, 20, 20, 20, 20])]),
                (
                    13,
                    vec![
                        score(1, [20, 20, 20, 20, 20]),
                        score(2, [20, 20, 20, 20, 19]),
                    ],
                ),
                (
                    14,
                    vec![
                        score(1, [10, 10, 10, 10, 10]),
                        score(2, [10, 10, 10, 10, 11]),
                    ],
                ),
            ],
            2,
        );
        let got: Vec<(i64, f64, Option<usize>)> = ranked
            .iter()
            .map(|r| (r.nomination_id, r.average, r.rank))
            .collect();
        assert_eq!(
            got,
            [
                (13, 99.5, Some(1)),
                (10, 85.0, Some(2)),
                (11, 85.0, Some(2)),
                (14, 50.5, Some(4)),
                (12, 100.0, None),
            ]
        );
        assert_eq!(ranked[4].judges, 1);
    }

    #[test]
    fn averages_round_to_two_places() {
        let ranked = rank(
            &[(
                1,
                vec![
                    score(1, [20, 20, 20, 20, 20]),
                    score(2, [20, 20, 20, 20, 20]),
                    score(3, [20, 20, 20, 19, 20]),
                ],
            )],
            1,
        );
        assert_eq!(ranked[0].average, 99.67);
        assert_eq!(rank(&[(2, vec![])], 0)[0].rank, None, "no judge, no rank");
    }

    #[test]
    fn cases_with_complaints_or_fees_are_not_eligible() {
        assert_eq!(eligibility(false, false), Ok(()));
        assert_eq!(
            eligibility(true, false),
            Err("该案件有查证属实的投诉，不能参评优秀案例".into())
        );
        assert_eq!(
            eligibility(true, true),
            Err(
                "该案件有查证属实的投诉；该案件查实存在收取受援人财物的情形，不能参评优秀案例"
                    .into()
            )
        );
    }
}
