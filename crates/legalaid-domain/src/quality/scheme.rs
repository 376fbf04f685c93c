//! Scoring schemes (评分标准) for case file review: items with points, grouped by
//! phase, the grade thresholds, and the check that the points add up. A scheme is
//! data; each edit makes a new version and a review keeps the version it was
//! assigned with (the Zhejiang MIS: "已指派的案件沿用原标准").
//!
//! Two scoring methods are in use (quality-supervision-outreach §1.1, §1.6):
//! - 百分制: enabled items add up to exactly 100; the total is the sum of the item
//!   scores; Guangdong's thresholds 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60.
//! - 五分制: every item is scored out of 5; the total (总评估得分) is the mean of the
//!   item scores rounded half up to a whole point [DERIVED: the Zhejiang form keeps
//!   the total as its own item]; thresholds 5 优秀, 4 良好, 3 合格, below 3 不合格.

use crate::case::{CaseType, Grade, Stage};
use crate::validation::{FieldError, Validation};
use serde::{Deserialize, Serialize};

code_enum!(
    ScoringMethod {
        Hundred => ("hundred", "百分制"),
        Five => ("five", "五分制"),
    }
);

code_enum!(
    /// The phases a file's items are grouped by.
    Phase {
        Acceptance => ("acceptance", "受理审查"),
        Handling => ("handling", "办理"),
        Closing => ("closing", "结案归档"),
    }
);

/// One item of a scheme: what is checked, its points and how points are deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemeItem {
    /// The item's number in the table, e.g. `1.2`; unique in the scheme.
    pub code: String,
    pub phase: Phase,
    pub title: String,
    pub points: u32,
    /// The deduction rule (评分标准), e.g. 缺少会见笔录的扣5分.
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub note: String,
}

/// The lowest total of each grade; below `qualified` is 不合格.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thresholds {
    pub excellent: u32,
    pub good: u32,
    pub qualified: u32,
}

impl Thresholds {
    /// The sourced defaults of each method.
    pub fn default_for(method: ScoringMethod) -> Thresholds {
        match method {
            ScoringMethod::Hundred => Thresholds {
                excellent: 90,
                good: 80,
                qualified: 60,
            },
            ScoringMethod::Five => Thresholds {
                excellent: 5,
                good: 4,
                qualified: 3,
            },
        }
    }

    pub fn grade(&self, total: u32) -> Grade {
        if total >= self.excellent {
            Grade::Excellent
        } else if total >= self.good {
            Grade::Good
        } else if total >= self.qualified {
            Grade::Qualified
        } else {
            Grade::Unqualified
        }
    }
}

/// A scheme as stored: one version of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scheme {
    /// Stable code shared by the versions, e.g. `criminal_100`.
    pub code: String,
    pub name: String,
    pub case_type: CaseType,
    /// The stages it scores; empty for every stage of the case type.
    #[serde(default)]
    pub stages: Vec<Stage>,
    pub method: ScoringMethod,
    pub thresholds: Thresholds,
    pub items: Vec<SchemeItem>,
    /// A published table shipped as an example until the bureau supplies its own.
    #[serde(default)]
    pub example: bool,
    /// Where the table comes from.
    #[serde(default)]
    pub source: String,
}

/// The score given to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemScore {
    pub item: String,
    pub score: u32,
    /// What was found (扣分理由), required when points are deducted.
    #[serde(default)]
    pub note: String,
}

/// A scored sheet: the total, the grade it earns and the subtotal of each phase
/// (points earned, points possible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scored {
    pub total: u32,
    pub grade: Grade,
    pub phases: Vec<PhaseTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhaseTotal {
    pub phase: Phase,
    pub earned: u32,
    pub possible: u32,
}

impl Scheme {
    /// The highest total: 100 or 5.
    pub fn max_total(&self) -> u32 {
        match self.method {
            ScoringMethod::Hundred => 100,
            ScoringMethod::Five => 5,
        }
    }

    /// Whether it scores files of this case type and stage.
    pub fn applies_to(&self, case_type: CaseType, stage: Stage) -> bool {
        self.case_type == case_type && (self.stages.is_empty() || self.stages.contains(&stage))
    }

    /// Checks the scheme before it is saved: names, unique item codes, points
    /// that add up to exactly 100 (百分制) or 5 per item (五分制), thresholds in
    /// order and within the scale.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        v.text("code", &self.code, "标准代码", 40);
        if !self
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            v.add("code", "标准代码只能使用小写字母、数字和下划线");
        }
        v.text("name", &self.name, "标准名称", 100);
        v.optional_text("source", &self.source, "来源", 500);
        if self.items.is_empty() {
            v.add("items", "评分标准至少要有一个评分项目");
        }
        let mut codes: Vec<&str> = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let f = |name: &str| format!("items[{i}].{name}");
            let code = item.code.trim();
            if code.is_empty() {
                v.add(&f("code"), format!("第{}项缺少序号", i + 1));
            } else if codes.contains(&code) {
                v.add(&f("code"), format!("序号“{code}”重复"));
            } else {
                codes.push(code);
            }
            v.text(
                &f("title"),
                &item.title,
                &format!("第{}项的评查内容", i + 1),
                200,
            );
            v.optional_text(&f("standard"), &item.standard, "评分标准", 1000);
            v.optional_text(&f("note"), &item.note, "说明", 500);
            if item.points == 0 {
                v.add(&f("points"), format!("第{}项的分值必须大于0", i + 1));
            }
            if self.method == ScoringMethod::Five && item.points != 5 {
                v.add(
                    &f("points"),
                    format!("五分制每项满分为5分，第{}项为{}分", i + 1, item.points),
                );
            }
        }
        if self.method == ScoringMethod::Hundred && !self.items.is_empty() {
            let sum: u32 = self.items.iter().map(|i| i.points).sum();
            if sum != 100 {
                v.add("items", format!("百分制各项分值合计应为100分，现为{sum}分"));
            }
        }
        let t = self.thresholds;
        if !(t.excellent > t.good && t.good > t.qualified && t.qualified > 0) {
            v.add("thresholds", "等级分数线应为 优秀 > 良好 > 合格 > 0");
        }
        if t.excellent > self.max_total() {
            v.add(
                "thresholds",
                format!("优秀分数线不能高于满分{}分", self.max_total()),
            );
        }
        v.finish(())
    }

    /// Scores a sheet: every item once, within its points, with the reason for
    /// each deduction.
    pub fn score(&self, scores: &[ItemScore]) -> Result<Scored, Vec<FieldError>> {
        let mut v = Validation::new();
        for s in scores {
            if !self.items.iter().any(|i| i.code == s.item) {
                v.add("scores", format!("评分标准中没有序号为“{}”的项目", s.item));
            }
        }
        let mut phases: Vec<PhaseTotal> = Vec::new();
        let mut sum = 0u32;
        for (i, item) in self.items.iter().enumerate() {
            let given: Vec<&ItemScore> = scores.iter().filter(|s| s.item == item.code).collect();
            let field = format!("scores[{i}]");
            let earned = match given.as_slice() {
                [] => {
                    v.add(&field, format!("第{}项“{}”尚未评分", item.code, item.title));
                    0
                }
                [s] if s.score > item.points => {
                    v.add(
                        &field,
                        format!(
                            "第{}项满分{}分，不能评{}分",
                            item.code, item.points, s.score
                        ),
                    );
                    0
                }
                [s] => {
                    if s.score < item.points && s.note.trim().is_empty() {
                        v.add(&field, format!("第{}项扣分须写明扣分理由", item.code));
                    }
                    if s.note.chars().count() > 1000 {
                        v.add(&field, format!("第{}项的理由不能超过1000个字", item.code));
                    }
                    s.score
                }
                _ => {
                    v.add(&field, format!("第{}项重复评分", item.code));
                    0
                }
            };
            sum += earned;
            match phases.iter_mut().find(|p| p.phase == item.phase) {
                Some(p) => {
                    p.earned += earned;
                    p.possible += item.points;
                }
                None => phases.push(PhaseTotal {
                    phase: item.phase,
                    earned,
                    possible: item.points,
                }),
            }
        }
        v.finish(())?;
        phases.sort_by_key(|p| p.phase);
        let total = self.total_of(sum);
        Ok(Scored {
            total,
            grade: self.thresholds.grade(total),
            phases,
        })
    }

    /// The total from the sum of the item scores.
    fn total_of(&self, sum: u32) -> u32 {
        match self.method {
            ScoringMethod::Hundred => sum,
            ScoringMethod::Five => {
                let n = self.items.len().max(1) as u32;
                // Mean rounded half up: (2·sum + n) / (2n).
                (2 * sum + n) / (2 * n)
            }
        }
    }
}

/// Chooses the scheme for a file among those in force: the one for its case type
/// and stage, a stage-specific scheme before one for every stage, the method
/// the round uses; `None` when none applies.
pub fn choose(
    schemes: &[(crate::SchemeId, Scheme)],
    case_type: CaseType,
    stage: Stage,
    method: ScoringMethod,
) -> Option<&(crate::SchemeId, Scheme)> {
    schemes
        .iter()
        .filter(|(_, s)| s.method == method && s.applies_to(case_type, stage))
        .min_by_key(|(id, s)| (s.stages.is_empty(), s.example, std::cmp::Reverse(*id)))
}

/// The schemes shipped as examples (`data/quality/schemes.json`): the published
/// tables of the research note, marked as examples, until the bureau supplies
/// Anhui's own. Each is checked as an administrator's scheme would be.
pub fn shipped() -> Result<Vec<Scheme>, String> {
    let list: Vec<Scheme> = serde_json::from_str(include_str!("../../data/quality/schemes.json"))
        .map_err(|e| format!("schemes.json: {e}"))?;
    for s in &list {
        s.validate().map_err(|e| {
            let msgs: Vec<String> = e.into_iter().map(|e| e.message).collect();
            format!("schemes.json {}: {}", s.code, msgs.join("；"))
        })?;
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, phase: Phase, points: u32) -> SchemeItem {
        SchemeItem {
            code: code.into(),
            phase,
            title: format!("项目{code}"),
            points,
            standard: String::new(),
            note: String::new(),
        }
    }

    fn hundred() -> Scheme {
        Scheme {
            code: "civil_100".into(),
            name: "民事案件评分标准".into(),
            case_type: CaseType::Civil,
            stages: vec![],
            method: ScoringMethod::Hundred,
            thresholds: Thresholds::default_for(ScoringMethod::Hundred),
            items: vec![
                item("1", Phase::Acceptance, 20),
                item("2", Phase::Handling, 50),
                item("3", Phase::Closing, 30),
            ],
            example: false,
            source: String::new(),
        }
    }

    fn score(item: &str, score: u32, note: &str) -> ItemScore {
        ItemScore {
            item: item.into(),
            score,
            note: note.into(),
        }
    }

    #[test]
    fn the_shipped_examples_are_valid_and_marked_as_examples() {
        let list = shipped().expect("present");
        assert_eq!(list.len(), 4);
        assert!(list.iter().all(|s| s.example && !s.source.is_empty()));
        let anhui = &list[0];
        assert_eq!(anhui.items.iter().map(|i| i.points).sum::<u32>(), 100);
        for t in [
            CaseType::Criminal,
            CaseType::Civil,
            CaseType::Administrative,
        ] {
            assert!(
                list.iter()
                    .any(|s| s.method == ScoringMethod::Five && s.case_type == t)
            );
        }
    }

    #[test]
    fn a_hundred_point_scheme_must_add_up_to_100() {
        assert!(hundred().validate().is_ok());
        let mut s = hundred();
        s.items[1].points = 45;
        let e = s.validate().expect_err("refused");
        assert!(
            e.iter()
                .any(|e| e.field == "items" && e.message.contains("现为95分"))
        );
        s.items[1].code = "1".into();
        let e = s.validate().expect_err("refused");
        assert!(e.iter().any(|e| e.message.contains("重复")));
    }

    #[test]
    fn thresholds_must_be_in_order_and_on_the_scale() {
        let mut s = hundred();
        s.thresholds.good = 95;
        assert!(s.validate().is_err());
        let mut s = hundred();
        s.method = ScoringMethod::Five;
        s.thresholds = Thresholds::default_for(ScoringMethod::Five);
        // Five-point items are worth 5 each.
        let e = s.validate().expect_err("refused");
        assert_eq!(e.iter().filter(|e| e.field.ends_with("points")).count(), 3);
    }

    #[test]
    fn grades_follow_the_thresholds() {
        let t = Thresholds::default_for(ScoringMethod::Hundred);
        assert_eq!(t.grade(100), Grade::Excellent);
        assert_eq!(t.grade(90), Grade::Excellent);
        assert_eq!(t.grade(89), Grade::Good);
        assert_eq!(t.grade(80), Grade::Good);
        assert_eq!(t.grade(79), Grade::Qualified);
        assert_eq!(t.grade(60), Grade::Qualified);
        assert_eq!(t.grade(59), Grade::Unqualified);
        let f = Thresholds::default_for(ScoringMethod::Five);
        assert_eq!(f.grade(5), Grade::Excellent);
        assert_eq!(f.grade(3), Grade::Qualified);
        assert_eq!(f.grade(2), Grade::Unqualified);
    }

    #[test]
    fn a_sheet_scores_every_item_once_with_reasons_for_deductions() {
        let s = hundred();
        let ok = s
            .score(&[
                score("1", 20, ""),
                score("2", 42, "未附会见笔录"),
                score("3", 25, "装订顺序不符"),
            ])
            .expect("present");
        assert_eq!(ok.total, 87);
        assert_eq!(ok.grade, Grade::Good);
        assert_eq!(
            ok.phases,
            vec![
                PhaseTotal {
                    phase: Phase::Acceptance,
                    earned: 20,
                    possible: 20
                },
                PhaseTotal {
                    phase: Phase::Handling,
                    earned: 42,
                    possible: 50
                },
                PhaseTotal {
                    phase: Phase::Closing,
                    earned: 25,
                    possible: 30
                },
            ]
        );
        let e = s
            .score(&[score("1", 21, ""), score("2", 40, ""), score("9", 1, "")])
            .expect_err("refused");
        let text: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert!(text.iter().any(|m| m.contains("没有序号为“9”")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("满分20分，不能评21分")));
        assert!(text.iter().any(|m| m.contains("第2项扣分须写明扣分理由")));
        assert!(text.iter().any(|m| m.contains("第3项“项目3”尚未评分")));
        let e = s
            .score(&[
                score("1", 20, ""),
                score("1", 20, ""),
                score("2", 50, ""),
                score("3", 30, ""),
            ])
            .expect_err("refused");
        assert!(e[0].message.contains("重复评分"));
    }

    #[test]
    fn a_five_point_total_is_the_rounded_mean() {
        let s = Scheme {
            code: "five".into(),
            name: "五分制".into(),
            case_type: CaseType::Criminal,
            stages: vec![],
            method: ScoringMethod::Five,
            thresholds: Thresholds::default_for(ScoringMethod::Five),
            items: vec![
                item("1", Phase::Acceptance, 5),
                item("2", Phase::Handling, 5),
            ],
            example: true,
            source: String::new(),
        };
        assert!(s.validate().is_ok());
        let r = s
            .score(&[score("1", 5, ""), score("2", 4, "略")])
            .expect("present");
        assert_eq!((r.total, r.grade), (5, Grade::Excellent)); // 4.5 rounds up
        let r = s
            .score(&[score("1", 3, "a"), score("2", 2, "b")])
            .expect("present");
        assert_eq!((r.total, r.grade), (3, Grade::Qualified)); // 2.5 rounds up
        let r = s
            .score(&[score("1", 2, "a"), score("2", 2, "b")])
            .expect("present");
        assert_eq!((r.total, r.grade), (2, Grade::Unqualified));
    }

    #[test]
    fn the_most_specific_scheme_of_the_method_is_chosen() {
        let all = hundred();
        let mut trial = hundred();
        trial.code = "civil_trial".into();
        trial.stages = vec![Stage::Whole];
        let mut criminal = hundred();
        criminal.case_type = CaseType::Criminal;
        let list = vec![
            (crate::SchemeId(1), all),
            (crate::SchemeId(2), trial),
            (crate::SchemeId(3), criminal),
        ];
        let pick = |t, s, m| choose(&list, t, s, m).map(|(id, _)| id.0);
        assert_eq!(
            pick(CaseType::Civil, Stage::Whole, ScoringMethod::Hundred),
            Some(2)
        );
        assert_eq!(
            pick(CaseType::Criminal, Stage::Trial, ScoringMethod::Hundred),
            Some(3)
        );
        assert_eq!(
            pick(
                CaseType::Administrative,
                Stage::Whole,
                ScoringMethod::Hundred
            ),
            None
        );
        assert_eq!(
            pick(CaseType::Civil, Stage::Whole, ScoringMethod::Five),
            None
        );
    }
}
