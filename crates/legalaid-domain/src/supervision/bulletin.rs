//! Bulletins (通报, quality-supervision-outreach §5.2): a frozen snapshot of a
//! region's figures for a period — the units ranked by completion with the gap
//! to 序时进度 colour-coded, the rates, quality results, timeliness,
//! consultations and amounts recovered — with the free-text sections staff
//! edit before issuing (做法, 问题, 要求). Once issued the bulletin carries a
//! number and never changes; its figures are the snapshot's, so it reads the
//! same whenever it is opened.

use crate::supervision::Ratio;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a bulletin stands.
    BulletinStatus {
        Draft => ("draft", "草稿"),
        Issued => ("issued", "已印发"),
    }
);

/// One unit (or region) of the ranked table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = BulletinLine))]
pub struct Line {
    pub name: String,
    pub counted: i64,
    pub target: Option<i64>,
    /// 完成率 in percent.
    pub completion: Option<f64>,
    /// 完成率 − 序时进度 in points.
    pub gap_points: Option<f64>,
    pub lagging: Option<bool>,
    pub conclusion_rate: Ratio,
    pub archive_rate: Ratio,
    pub subsidy_rate: Ratio,
}

/// How a line's gap is coloured: ahead of 序时进度 (green), behind within the
/// margin (amber), lagging (red), or no target (grey).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    Ahead,
    Behind,
    Lagging,
    NoTarget,
}

impl Line {
    pub fn pace(&self) -> Pace {
        match (self.gap_points, self.lagging) {
            (_, Some(true)) => Pace::Lagging,
            (Some(g), _) if g < 0.0 => Pace::Behind,
            (Some(_), _) => Pace::Ahead,
            (None, _) => Pace::NoTarget,
        }
    }
}

/// A count by a label (grades, units with overdue work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = BulletinCount))]
pub struct Count {
    pub label: String,
    pub n: i64,
}

/// The frozen figures of a bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = BulletinSnapshot))]
pub struct Snapshot {
    pub year: i32,
    /// The period: cases opened, consultations and reviews from `from` to `as_of`.
    pub from: NaiveDate,
    pub as_of: NaiveDate,
    pub region_name: String,
    /// 序时进度 on `as_of`, in percent, and how it is reckoned.
    pub time_percent: f64,
    pub rule: String,
    pub margin_points: i32,
    pub total: Line,
    /// Ranked: completion high to low, lines without a target last.
    pub lines: Vec<Line>,
    /// Cases opened in the period and the money recovered for their recipients.
    pub cases_in_period: i64,
    pub amount_recovered_fen: i64,
    pub consultations: i64,
    /// File reviews graded in the period, by grade.
    pub grades: Vec<Count>,
    /// Work past its deadline on `as_of`, by unit (most first).
    pub overdue: Vec<Count>,
    /// Supervision orders open on `as_of`.
    pub open_orders: i64,
}

/// Ranks the lines: completion high to low, then those without a target, by name.
pub fn rank(lines: &mut [Line]) {
    lines.sort_by(|a, b| match (a.completion, b.completion) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
}

/// The editable sections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = BulletinSections))]
pub struct Sections {
    /// 主要做法 (what went well).
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub practice: String,
    /// 存在问题.
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub problems: String,
    /// 下一步要求.
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub requirements: String,
}

/// The longest section, in characters.
pub const MAX_SECTION: usize = 5000;

impl Sections {
    /// Trimmed, each within [`MAX_SECTION`], the requirements not empty.
    pub fn validate(&self) -> Result<Sections, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let practice = v.optional_text("practice", &self.practice, "主要做法", MAX_SECTION);
        let problems = v.optional_text("problems", &self.problems, "存在问题", MAX_SECTION);
        let requirements = v.text(
            "requirements",
            &self.requirements,
            "下一步要求",
            MAX_SECTION,
        );
        v.finish(Sections {
            practice,
            problems,
            requirements,
        })
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

fn gap(g: Option<f64>) -> String {
    match g {
        Some(g) if g < 0.0 => format!("落后序时进度{:.1}个百分点", -g),
        Some(g) if g > 0.0 => format!("超序时进度{g:.1}个百分点"),
        Some(_) => "与序时进度持平".to_owned(),
        None => "未下达目标任务".to_owned(),
    }
}

/// The suggested sections of a new bulletin, from its figures (staff edit them).
pub fn suggested(s: &Snapshot) -> Sections {
    let lagging: Vec<&str> = s
        .lines
        .iter()
        .filter(|l| l.lagging == Some(true))
        .map(|l| l.name.as_str())
        .collect();
    let ahead: Vec<&str> = s
        .lines
        .iter()
        .filter(|l| l.pace() == Pace::Ahead)
        .map(|l| l.name.as_str())
        .collect();
    let mut problems = Vec::new();
    if !lagging.is_empty() {
        problems.push(format!("{}办案进度落后于序时进度。", lagging.join("、")));
    }
    let overdue: i64 = s.overdue.iter().map(|c| c.n).sum();
    if overdue > 0 {
        problems.push(format!("截至通报日，仍有{overdue}项工作超过办理期限。"));
    }
    Sections {
        practice: if ahead.is_empty() {
            String::new()
        } else {
            format!("{}按序时进度推进，工作成效较好。", ahead.join("、"))
        },
        problems: problems.join(""),
        requirements: "各单位要对照通报情况，分析原因、倒排工期，确保按序时进度完成年度目标任务；对超期未办结的事项逐件清理，按期办结。".into(),
    }
}

/// The body of the bulletin as paragraphs: the overview, the ranked units,
/// quality and timeliness, then the sections.
pub fn paragraphs(s: &Snapshot, sections: &Sections) -> Vec<String> {
    let day = crate::document::date_cn(s.as_of);
    let t = &s.total;
    let target = t.target.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let mut out = vec![format!(
        "截至{day}，{}{}年计入目标任务的法律援助案件 {} / {target} 件，完成年度目标任务的{}，序时进度{:.1}%，{}。{}至{day}共受理案件{}件，为受援人挽回损失或获得利益{}，解答法律咨询{}人次。",
        s.region_name,
        s.year,
        t.counted,
        pct(t.completion),
        s.time_percent,
        gap(t.gap_points),
        crate::document::date_cn(s.from),
        s.cases_in_period,
        crate::assessment::yuan(s.amount_recovered_fen),
        s.consultations,
    )];
    out.push("一、各单位办案进度（按完成率排序）".into());
    for (i, l) in s.lines.iter().enumerate() {
        let target = l.target.map_or_else(|| "—".to_owned(), |n| n.to_string());
        out.push(format!(
            "{}. {}：{} / {target} 件，完成{}，{}{}；结案率{}，归档率{}。",
            i + 1,
            l.name,
            l.counted,
            pct(l.completion),
            gap(l.gap_points),
            if l.lagging == Some(true) {
                "（落后）"
            } else {
                ""
            },
            pct(l.conclusion_rate.percent()),
            pct(l.archive_rate.percent()),
        ));
    }
    out.push("二、办案质量和时效".into());
    let grades: Vec<String> = s
        .grades
        .iter()
        .map(|c| format!("{}{}件", c.label, c.n))
        .collect();
    out.push(if grades.is_empty() {
        "本期没有评定等级的案卷。".into()
    } else {
        format!("本期案卷评查定级{}。", grades.join("，"))
    });
    let overdue: Vec<String> = s
        .overdue
        .iter()
        .map(|c| format!("{}{}项", c.label, c.n))
        .collect();
    out.push(if overdue.is_empty() {
        "截至通报日，没有超过办理期限的工作。".into()
    } else {
        format!("截至通报日，超过办理期限的工作：{}。", overdue.join("，"))
    });
    if s.open_orders > 0 {
        out.push(format!("正在督办的事项{}项。", s.open_orders));
    }
    let mut n = 3;
    for (title, text) in [
        ("主要做法", &sections.practice),
        ("存在问题", &sections.problems),
        ("下一步要求", &sections.requirements),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        let numeral = ["三", "四", "五"].get(n - 3).copied().unwrap_or("");
        out.push(format!("{numeral}、{title}"));
        out.extend(crate::document::paragraphs(text));
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn line(
        name: &str,
        counted: i64,
        target: Option<i64>,
        gap: Option<f64>,
        lag: Option<bool>,
    ) -> Line {
        Line {
            name: name.into(),
            counted,
            target,
            completion: target.map(|t| (counted as f64 * 1000.0 / t as f64).round() / 10.0),
            gap_points: gap,
            lagging: lag,
            conclusion_rate: Ratio { part: 1, whole: 2 },
            archive_rate: Ratio { part: 0, whole: 0 },
            subsidy_rate: Ratio { part: 0, whole: 0 },
        }
    }

    fn snapshot() -> Snapshot {
        let mut lines = vec![
            line("乙司法所", 2, Some(10), Some(-71.7), Some(true)),
            line("工作站", 3, None, None, None),
            line("甲司法所", 7, Some(3), Some(141.7), Some(false)),
            line("丙司法所", 9, Some(10), Some(-1.7), Some(false)),
        ];
        rank(&mut lines);
        Snapshot {
            year: 2026,
            from: d("2026-11-01"),
            as_of: d("2026-11-30"),
            region_name: "叶集区".into(),
            time_percent: 91.7,
            rule: "以受理计件".into(),
            margin_points: -5,
            total: line("叶集区", 21, Some(23), Some(-0.4), Some(false)),
            lines,
            cases_in_period: 12,
            amount_recovered_fen: 1_234_500,
            consultations: 40,
            grades: vec![Count {
                label: "优秀".into(),
                n: 2,
            }],
            overdue: vec![Count {
                label: "乙司法所".into(),
                n: 3,
            }],
            open_orders: 1,
        }
    }

    #[test]
    fn units_are_ranked_by_completion_and_coloured_by_pace() {
        let s = snapshot();
        let names: Vec<&str> = s.lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["甲司法所", "丙司法所", "乙司法所", "工作站"]);
        let paces: Vec<Pace> = s.lines.iter().map(Line::pace).collect();
        assert_eq!(
            paces,
            [Pace::Ahead, Pace::Behind, Pace::Lagging, Pace::NoTarget]
        );
    }

    #[test]
    fn the_suggested_sections_name_the_lagging_and_the_overdue() {
        let s = suggested(&snapshot());
        assert_eq!(s.practice, "甲司法所按序时进度推进，工作成效较好。");
        assert_eq!(
            s.problems,
            "乙司法所办案进度落后于序时进度。截至通报日，仍有3项工作超过办理期限。"
        );
        assert!(s.validate().is_ok());
        let empty = Sections::default()
            .validate()
            .expect_err("requirements needed");
        assert_eq!(empty[0].field, "requirements");
    }

    #[test]
    fn the_body_reads_the_figures_with_counts_beside_percentages() {
        let s = snapshot();
        let p = paragraphs(&s, &suggested(&s));
        assert!(
            p[0].starts_with(
                "截至2026年11月30日，叶集区2026年计入目标任务的法律援助案件 21 / 23 件"
            ),
            "{}",
            p[0]
        );
        assert!(p[0].contains("挽回损失或获得利益12345.00元"), "{}", p[0]);
        assert_eq!(p[1], "一、各单位办案进度（按完成率排序）");
        assert!(
            p[4].starts_with("3. 乙司法所：2 / 10 件，完成20.0%，落后序时进度71.7个百分点（落后）"),
            "{}",
            p[4]
        );
        assert!(p.iter().any(|x| x == "本期案卷评查定级优秀2件。"));
        assert!(p.iter().any(|x| x == "三、主要做法"));
        assert!(p.iter().any(|x| x == "五、下一步要求"));
    }
}
