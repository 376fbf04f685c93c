//! Excellent-case selection (优秀案例评选): nominated closed cases are scored by a
//! panel of judges on a list of criteria, ranked by their average, and published.
//!
//! The procedure is the one bureaus describe (quality-supervision-outreach §2.4):
//! units nominate archived cases they handled (Liyang 2019: cases closed in the
//! year, none with a complaint or money taken); nominations close and each case
//! goes to several judges of the panel who score it on the criteria (Hubei 2024:
//! each case by two judges in turn, cross-review, so nobody scores a case of
//! their own unit); the cases are ranked by the average of their judges' totals
//! and the first places are published as the year's excellent cases (Hainan 2023
//! 十佳: ten places).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a selection round stands.
    SelectionStatus {
        Nominating => ("nominating", "推荐中"),
        Judging => ("judging", "评审中"),
        Published => ("published", "已公布"),
    }
);

impl SelectionStatus {
    /// Closing the nominations: the judges' scoring starts.
    pub fn start_judging(self) -> Result<SelectionStatus, String> {
        match self {
            SelectionStatus::Nominating => Ok(SelectionStatus::Judging),
            SelectionStatus::Judging => Err("评审已经开始".into()),
            SelectionStatus::Published => Err("评选结果已公布".into()),
        }
    }

    /// Fixing the ranking and the honours.
    pub fn publish(self) -> Result<SelectionStatus, String> {
        match self {
            SelectionStatus::Nominating => Err("尚未开始评审，不能公布结果".into()),
            SelectionStatus::Judging => Ok(SelectionStatus::Published),
            SelectionStatus::Published => Err("评选结果已公布".into()),
        }
    }

    /// Whether a case may be nominated (or a nomination withdrawn) on `today`:
    /// only while nominating, up to the deadline included.
    pub fn nominate(self, deadline: NaiveDate, today: NaiveDate) -> Result<(), String> {
        match self {
            SelectionStatus::Nominating if today <= deadline => Ok(()),
            SelectionStatus::Nominating => {
                Err(format!("推荐截止日期（{deadline}）已过，不能再推荐或撤回"))
            }
            SelectionStatus::Judging => Err("推荐已截止，评审已经开始".into()),
            SelectionStatus::Published => Err("评选结果已公布".into()),
        }
    }

    /// Whether judges may score now.
    pub fn score(self) -> Result<(), String> {
        match self {
            SelectionStatus::Judging => Ok(()),
            SelectionStatus::Nominating => Err("评审尚未开始，推荐截止后才能评分".into()),
            SelectionStatus::Published => Err("评选结果已公布，不能再评分".into()),
        }
    }
}

code_enum!(
    /// Where a nomination stands. Its rank and honour are fixed at publication.
    NominationStatus {
        Nominated => ("nominated", "已推荐"),
        Withdrawn => ("withdrawn", "已撤回"),
    }
);

impl NominationStatus {
    /// Withdrawing a nomination: by its unit, while nominations are open.
    pub fn withdraw(
        self,
        selection: SelectionStatus,
        deadline: NaiveDate,
        today: NaiveDate,
    ) -> Result<NominationStatus, String> {
        if self == NominationStatus::Withdrawn {
            return Err("该推荐已撤回".into());
        }
        selection.nominate(deadline, today)?;
        Ok(NominationStatus::Withdrawn)
    }
}

/// The most places a selection may honour.
pub const MAX_PLACES: u32 = 100;
/// The most judges that score one case.
pub const MAX_JUDGES_PER_CASE: u32 = 5;
/// The places of a selection unless it sets its own (十佳).
pub const DEFAULT_PLACES: u32 = 10;
/// The judges per case unless a selection sets its own (Hubei 2024: two).
pub const DEFAULT_JUDGES_PER_CASE: u32 = 2;

/// A selection as a form or the API gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectionInput {
    /// e.g. 2026年度优秀法律援助案例评选
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 2100))]
    pub year: Option<i32>,
    /// Cases archived from this day may be nominated (default: 1 January of the year).
    #[serde(default)]
    pub closed_from: Option<NaiveDate>,
    /// …up to this day included (default: 31 December of the year).
    #[serde(default)]
    pub closed_to: Option<NaiveDate>,
    /// The last day units may nominate.
    #[serde(default)]
    pub nomination_deadline: Option<NaiveDate>,
    /// How many cases are honoured (default 10, 十佳).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub places: Option<u32>,
    /// How many judges score each case (default 2).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub judges_per_case: Option<u32>,
    /// The criteria (default: [`default_criteria`]); points add up to 100.
    #[serde(default)]
    pub criteria: Option<Vec<Criterion>>,
    /// The panel: ids of the expert pool.
    #[serde(default)]
    pub judges: Vec<i64>,
    /// What the selection is about, how units write their recommendations.
    #[serde(default)]
    pub notes: String,
}

/// A selection's settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub title: String,
    pub year: i32,
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    pub nomination_deadline: NaiveDate,
    pub places: u32,
    pub judges_per_case: u32,
    pub criteria: Vec<Criterion>,
    pub judges: Vec<i64>,
    pub notes: String,
}

impl SelectionInput {
    /// Checks the settings: named, a year, a period of closure, a deadline not
    /// already past, places and judges within bounds, criteria adding up to 100,
    /// a panel large enough for each case's judges.
    pub fn validate(&self, today: NaiveDate) -> Result<Selection, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let title = v.text("title", &self.title, "评选名称", 100);
        let notes = v.optional_text("notes", &self.notes, "评选说明", 2000);
        let year = match self.year {
            None => {
                v.add("year", "请填写评选年度");
                today.year()
            }
            Some(y) if !(2000..=2100).contains(&y) => {
                v.add("year", "评选年度应在2000至2100年之间");
                today.year()
            }
            Some(y) => y,
        };
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
        let closed_from = self.closed_from.unwrap_or(first);
        let closed_to = self.closed_to.unwrap_or(last);
        if closed_to < closed_from {
            v.add("closed_to", "结案期间的结束日期不能早于开始日期");
        }
        let nomination_deadline = match self.nomination_deadline {
            None => {
                v.add("nomination_deadline", "请填写推荐截止日期");
                today
            }
            Some(d) if d < today => {
                v.add("nomination_deadline", "推荐截止日期不能早于今天");
                d
            }
            Some(d) => d,
        };
        let places = self.places.unwrap_or(DEFAULT_PLACES);
        if !(1..=MAX_PLACES).contains(&places) {
            v.add("places", format!("评选名额应在1至{MAX_PLACES}件之间"));
        }
        let per_case = self.judges_per_case.unwrap_or(DEFAULT_JUDGES_PER_CASE);
        if !(1..=MAX_JUDGES_PER_CASE).contains(&per_case) {
            v.add(
                "judges_per_case",
                format!("每件案件的评委人数应在1至{MAX_JUDGES_PER_CASE}名之间"),
            );
        }
        let criteria: Vec<Criterion> = self
            .criteria
            .clone()
            .unwrap_or_else(default_criteria)
            .into_iter()
            .map(|c| Criterion {
                code: c.code.trim().to_owned(),
                name: c.name.trim().to_owned(),
                max_points: c.max_points,
            })
            .collect();
        if let Err(e) = validate_criteria(&criteria) {
            for x in e {
                v.add(&x.field, x.message);
            }
        }
        let mut judges = Vec::new();
        for j in &self.judges {
            if *j <= 0 {
                v.add("judges", "所选评委不存在");
            } else if judges.contains(j) {
                v.add("judges", "评委重复");
            } else {
                judges.push(*j);
            }
        }
        if judges.len() > 50 {
            v.add("judges", "评委不能超过50名");
        }
        if (judges.len() as u32) < per_case {
            v.add(
                "judges",
                format!("每件案件由{per_case}名评委评分，评委至少需要{per_case}名"),
            );
        }
        v.finish(Selection {
            title,
            year,
            closed_from,
            closed_to,
            nomination_deadline,
            places,
            judges_per_case: per_case,
            criteria,
            judges,
            notes,
        })
    }
}

/// One criterion's points, as a judge gives them and as they are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    /// A criterion's code.
    pub criterion: String,
    pub points: u32,
}

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
    if criteria.len() > 20 {
        v.add("criteria", "评分项不能超过20项");
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
        } else if c.name.trim().chars().count() > 50 {
            v.add("criteria", format!("第{}项的名称不能超过50个字", i + 1));
        }
        if c.max_points == 0 {
            v.add("criteria", format!("“{}”的分值应大于0", c.name.trim()));
        }
    }
    // Summed wide: points come from the caller and may be any u32.
    let total: u64 = criteria.iter().map(|c| u64::from(c.max_points)).sum();
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
    /// A judge's sheet from the points given per criterion.
    pub fn of(judge_id: i64, scores: &[CriterionScore]) -> JudgeScore {
        JudgeScore {
            judge_id,
            scores: scores
                .iter()
                .map(|s| (s.criterion.clone(), s.points))
                .collect(),
        }
    }

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

    /// The sum of the points given (saturating: points come from the caller and
    /// may be any u32; a valid sheet sums to at most 100).
    pub fn total(&self) -> u32 {
        self.scores
            .iter()
            .fold(0u32, |sum, (_, p)| sum.saturating_add(*p))
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

/// Whether a rank earns the honour: the first `places` ranks. Ties share a rank,
/// so a tie for the last place honours every case that shares it (and the list
/// is longer than the places).
pub fn honoured(rank: Option<usize>, places: u32) -> bool {
    rank.is_some_and(|r| r <= places as usize)
}

/// The honour as the case page shows it.
pub fn honour_label(year: i32, rank: usize) -> String {
    format!("{year}年度优秀法律援助案例 第{rank}名")
}

/// Whether the results may be published: every judge assigned has scored.
pub fn publishable(missing_sheets: usize) -> Result<(), String> {
    if missing_sheets == 0 {
        Ok(())
    } else {
        Err(format!(
            "尚有{missing_sheets}份评分未提交，全部评委评分后才能公布结果"
        ))
    }
}

/// Why a case could not get enough judges of the panel (cross-review leaves
/// out the judges of its handling unit and its handler).
pub fn shortfall_text(case_number: &str, needed: usize, available: usize) -> String {
    format!(
        "案件{case_number}回避本单位评委后只有{available}名评委可以评分，每件案件需要{needed}名；请增加评委或减少每件案件的评委人数"
    )
}

/// Whether the case was archived within the selection's period of closure.
pub fn in_period(
    closed_on: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), String> {
    match closed_on {
        Some(d) if (from..=to).contains(&d) => Ok(()),
        Some(d) => Err(format!(
            "该案件于{d}结案归档，不在本次评选的结案期间（{from}至{to}）内"
        )),
        None => Err("只能推荐已结案归档的案件".into()),
    }
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
    fn points_out_of_any_range_are_refused_not_overflowed() {
        let huge = vec![
            Criterion {
                code: "a".into(),
                name: "甲".into(),
                max_points: u32::MAX,
            },
            Criterion {
                code: "b".into(),
                name: "乙".into(),
                max_points: u32::MAX,
            },
        ];
        let e = validate_criteria(&huge).expect_err("not 100");
        assert!(e[0].message.contains("8589934590"), "{e:?}");
        let s = JudgeScore {
            judge_id: 1,
            scores: vec![
                ("procedure".into(), u32::MAX),
                ("law_application".into(), 5),
            ],
        };
        assert_eq!(s.total(), u32::MAX);
        assert!(s.validate(&default_criteria()).is_err());
        let long = vec![Criterion {
            code: "all".into(),
            name: "很".repeat(51),
            max_points: 100,
        }];
        assert!(
            validate_criteria(&long).expect_err("long")[0]
                .message
                .contains("不能超过50个字")
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

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        e.iter().map(|x| x.field.as_str()).collect()
    }

    fn input() -> SelectionInput {
        SelectionInput {
            title: "2026年度优秀法律援助案例评选".into(),
            year: Some(2026),
            nomination_deadline: Some(d("2026-11-30")),
            judges: vec![1, 2, 3],
            ..SelectionInput::default()
        }
    }

    #[test]
    fn a_selection_defaults_to_ten_places_two_judges_and_the_year() {
        let s = input().validate(d("2026-11-01")).expect("valid");
        assert_eq!((s.places, s.judges_per_case), (10, 2));
        assert_eq!(
            (s.closed_from, s.closed_to),
            (d("2026-01-01"), d("2026-12-31"))
        );
        assert_eq!(s.criteria, default_criteria());
        let mut i = input();
        i.title = " ".into();
        i.year = Some(1999);
        i.closed_from = Some(d("2026-06-01"));
        i.closed_to = Some(d("2026-05-01"));
        i.nomination_deadline = Some(d("2026-10-31"));
        i.places = Some(0);
        i.judges_per_case = Some(6);
        i.judges = vec![1, 1];
        let e = i.validate(d("2026-11-01")).expect_err("everything wrong");
        assert_eq!(
            fields(&e),
            [
                "title",
                "year",
                "closed_to",
                "nomination_deadline",
                "places",
                "judges_per_case",
                "judges",
                "judges"
            ]
        );
        let mut i = input();
        i.judges = vec![7];
        let e = i.validate(d("2026-11-01")).expect_err("too few judges");
        assert_eq!(e[0].message, "每件案件由2名评委评分，评委至少需要2名");
        let mut i = input();
        i.criteria = Some(vec![Criterion {
            code: "all".into(),
            name: "综合".into(),
            max_points: 90,
        }]);
        assert_eq!(
            fields(&i.validate(d("2026-11-01")).expect_err("90")),
            ["criteria"]
        );
    }

    #[test]
    fn nominations_close_at_the_deadline_and_judging_follows() {
        use SelectionStatus as S;
        let deadline = d("2026-11-30");
        assert_eq!(S::Nominating.nominate(deadline, deadline), Ok(()));
        assert!(
            S::Nominating
                .nominate(deadline, d("2026-12-01"))
                .expect_err("late")
                .contains("已过")
        );
        assert!(S::Judging.nominate(deadline, d("2026-11-01")).is_err());
        assert_eq!(S::Nominating.start_judging(), Ok(S::Judging));
        assert!(S::Judging.start_judging().is_err());
        assert!(S::Nominating.publish().is_err());
        assert_eq!(S::Judging.publish(), Ok(S::Published));
        assert_eq!(S::Judging.score(), Ok(()));
        assert!(S::Nominating.score().is_err() && S::Published.score().is_err());
        let n = NominationStatus::Nominated;
        assert_eq!(
            n.withdraw(S::Nominating, deadline, d("2026-11-02")),
            Ok(NominationStatus::Withdrawn)
        );
        assert!(n.withdraw(S::Judging, deadline, d("2026-11-02")).is_err());
        assert!(
            NominationStatus::Withdrawn
                .withdraw(S::Nominating, deadline, d("2026-11-02"))
                .is_err()
        );
    }

    #[test]
    fn the_first_places_are_honoured_ties_included() {
        assert!(honoured(Some(10), 10));
        assert!(!honoured(Some(11), 10));
        assert!(!honoured(None, 10));
        assert_eq!(honour_label(2026, 3), "2026年度优秀法律援助案例 第3名");
        assert_eq!(publishable(0), Ok(()));
        assert_eq!(
            publishable(2),
            Err("尚有2份评分未提交，全部评委评分后才能公布结果".into())
        );
        assert_eq!(
            in_period(Some(d("2026-03-01")), d("2026-01-01"), d("2026-12-31")),
            Ok(())
        );
        assert!(in_period(Some(d("2025-12-31")), d("2026-01-01"), d("2026-12-31")).is_err());
        assert!(in_period(None, d("2026-01-01"), d("2026-12-31")).is_err());
        let s = JudgeScore::of(
            4,
            &[CriterionScore {
                criterion: "procedure".into(),
                points: 18,
            }],
        );
        assert_eq!((s.judge_id, s.total()), (4, 18));
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
