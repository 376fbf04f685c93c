//! 经费测算: the funding a year's target of cases will need, from the subsidy
//! schedule in force, last year's case mix and last year's grade distribution.
//!
//! rules-research §4.4 [DERIVED]: budget = Σ_{type,stage} expected_cases(type, stage)
//! × Σ_grade p(grade) × rate(type, stage, grade), where expected_cases = target ×
//! the share of (type, stage) in last year's mix. The other terms of that formula
//! (duty lawyers, review panels, publicity and training) are budgeted elsewhere, and
//! the notes say so.
//!
//! Money stays in integer fen: each line is computed as one exact fraction
//! target × n(type,stage) × Σ n(grade) × rate ÷ (N × G) and rounded half up to the
//! fen once; the total is the sum of the rounded lines.

use crate::case::{CaseType, Grade, Stage};
use crate::subsidy::{SubsidyError, SubsidySchedule, div_round, heading, yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The mix assumed when last year's is unknown (counts read as percentages):
/// civil 70%, criminal trial 20%, criminal prosecution review 10%. A product
/// default, not a statistic; the estimate says when it is used.
pub const DEFAULT_MIX: [(CaseType, Stage, u32); 3] = [
    (CaseType::Civil, Stage::Whole, 70),
    (CaseType::Criminal, Stage::Trial, 20),
    (CaseType::Criminal, Stage::ProsecutionReview, 10),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstimateInput {
    pub year: i32,
    /// The year's target number of cases (目标任务), e.g. Yeji 2024: 260.
    pub target_cases: u32,
    /// Last year's closed cases by type and stage.
    pub mix: Vec<(CaseType, Stage, u32)>,
    /// Last year's graded cases by grade.
    pub grades: Vec<(Grade, u32)>,
    /// Subsidies already committed (assigned cases) this year.
    pub committed_fen: i64,
    /// Subsidies already paid this year.
    pub paid_fen: i64,
}

/// The estimate for one case type and stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EstimateLine {
    pub case_type: CaseType,
    pub stage: Stage,
    /// "刑事·审判阶段（一审）".
    pub label: String,
    /// Expected cases, rounded to 2 decimals for display; the amount uses the exact share.
    pub expected_cases: f64,
    /// The rate weighted by the grade distribution, rounded to the fen for display.
    pub mean_rate_fen: i64,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Estimate {
    pub year: i32,
    pub target_cases: u32,
    pub lines: Vec<EstimateLine>,
    pub estimated_fen: i64,
    pub committed_fen: i64,
    pub paid_fen: i64,
    /// estimated − committed; negative when commitments exceed the estimate.
    pub remaining_fen: i64,
    /// The assumptions, in Chinese, for the people who approve the budget.
    pub notes: Vec<String>,
}

/// Sums counts per key in first-seen order and drops zero counts.
fn merged<K: PartialEq + Copy>(counts: impl IntoIterator<Item = (K, u32)>) -> Vec<(K, u64)> {
    let mut out: Vec<(K, u64)> = Vec::new();
    for (k, n) in counts.into_iter().filter(|&(_, n)| n > 0) {
        match out.iter_mut().find(|(j, _)| *j == k) {
            Some((_, m)) => *m += u64::from(n),
            None => out.push((k, u64::from(n))),
        }
    }
    out
}

fn percent(n: u64, of: u64) -> String {
    format!("{:.1}%", n as f64 * 100.0 / of as f64)
}

/// The funding estimate for `input.year` in `region_code`, at the rates in force on `on`.
pub fn estimate(
    schedule: &SubsidySchedule,
    input: &EstimateInput,
    region_code: &str,
    on: NaiveDate,
) -> Result<Estimate, SubsidyError> {
    let mut notes = Vec::new();
    let mut mix = merged(input.mix.iter().map(|&(c, s, n)| ((c, s), n)));
    let from_history = !mix.is_empty();
    if !from_history {
        mix = merged(DEFAULT_MIX.iter().map(|&(c, s, n)| ((c, s), n)));
        notes.push(
            "去年案件结构为空，按默认结构测算：民事70%、刑事审判阶段20%、刑事审查起诉阶段10%。"
                .to_owned(),
        );
    }
    let n_total: u64 = mix.iter().map(|(_, n)| n).sum();
    let mut grades = merged(input.grades.iter().copied());
    if grades.is_empty() {
        grades = vec![(Grade::Qualified, 1)];
        notes.push("去年评查等级分布为空，按全部合格测算。".to_owned());
    } else {
        let g_total: u64 = grades.iter().map(|(_, n)| n).sum();
        let shares: Vec<String> = grades
            .iter()
            .map(|&(g, n)| format!("{}{}件（{}）", g.label(), n, percent(n, g_total)))
            .collect();
        notes.push(format!("按去年评查等级分布测算：{}。", shares.join("、")));
    }
    let g_total: u64 = grades.iter().map(|(_, n)| n).sum();

    let mut lines = Vec::new();
    for &((case_type, stage), n) in &mix {
        if !case_type.allows(stage) {
            return Err(SubsidyError::StageNotAllowed { case_type, stage });
        }
        // Σ_grade n(grade) × rate(grade), in fen: the grade-weighted rate × G.
        let mut weighted: i128 = 0;
        for &(grade, count) in &grades {
            let rate = schedule
                .rate_for(case_type, stage, grade, region_code, on)
                .ok_or_else(|| SubsidyError::Missing {
                    what: format!("补贴标准：{}", heading(case_type, stage, Some(grade))),
                    region: region_code.to_owned(),
                    on,
                })?;
            weighted += i128::from(count) * i128::from(rate);
        }
        let share = i128::from(input.target_cases) * i128::from(n);
        let den = i128::from(n_total) * i128::from(g_total);
        let expected = f64::from(input.target_cases) * n as f64 / n_total as f64;
        lines.push(EstimateLine {
            case_type,
            stage,
            label: heading(case_type, stage, None),
            expected_cases: (expected * 100.0).round() / 100.0,
            mean_rate_fen: div_round(weighted, i128::from(g_total)),
            amount_fen: div_round(share * weighted, den),
        });
    }
    let estimated_fen = lines.iter().map(|l| l.amount_fen).sum::<i64>();
    let remaining_fen = estimated_fen - input.committed_fen;

    if from_history {
        let shares: Vec<String> = lines
            .iter()
            .zip(&mix)
            .map(|(l, (_, n))| format!("{}{}", l.label, percent(*n, n_total)))
            .collect();
        notes.push(format!(
            "按去年案件结构（共{n_total}件）分配目标{}件：{}。",
            input.target_cases,
            shares.join("、")
        ));
    }
    if grades.iter().any(|&(g, _)| g == Grade::Unqualified) {
        notes.push("不合格案件整改前不予发放补贴，测算中按0元计。".to_owned());
    }
    notes.push("各项金额按分四舍五入，测算总额为各项之和。".to_owned());
    notes.push("测算仅含按案件类型、阶段和质量等级计发的办案补贴；撤诉、调解、执行到位等固定补贴，提前终止，差旅补助，以及值班律师、评查、宣传培训等经费未计入。".to_owned());
    notes.push("剩余额度 = 测算总额 − 已承诺金额。".to_owned());
    if remaining_fen < 0 {
        notes.push(format!(
            "已承诺金额超出测算总额{}元。",
            yuan(-remaining_fen)
        ));
    }
    Ok(Estimate {
        year: input.year,
        target_cases: input.target_cases,
        lines,
        estimated_fen,
        committed_fen: input.committed_fen,
        paid_fen: input.paid_fen,
        remaining_fen,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseType::*;
    use Grade::*;
    use Stage::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn shipped() -> SubsidySchedule {
        SubsidySchedule::shipped().expect("the shipped schedule parses")
    }

    fn input(
        target: u32,
        mix: &[(CaseType, Stage, u32)],
        grades: &[(Grade, u32)],
    ) -> EstimateInput {
        EstimateInput {
            year: 2024,
            target_cases: target,
            mix: mix.to_vec(),
            grades: grades.to_vec(),
            committed_fen: 0,
            paid_fen: 0,
        }
    }

    fn rows(e: &Estimate) -> Vec<(&str, f64, i64, i64)> {
        e.lines
            .iter()
            .map(|l| {
                (
                    l.label.as_str(),
                    l.expected_cases,
                    l.mean_rate_fen,
                    l.amount_fen,
                )
            })
            .collect()
    }

    /// Yeji 2024: target 260. Last year's mix (100 cases): civil 60, criminal trial
    /// 25, prosecution review 10, investigation 5. Grades (100 cases): 优秀 10,
    /// 良好 30, 合格 55, 不合格 5. Example rates (优秀/良好/合格, yuan):
    ///   civil 1,600/1,400/1,200: mean = (10×1,600 + 30×1,400 + 55×1,200 + 5×0) ÷ 100
    ///     = (16,000 + 42,000 + 66,000) ÷ 100 = 1,240; 260 × 60% = 156 cases → 193,440
    ///   trial 1,700/1,500/1,300: (17,000 + 45,000 + 71,500) ÷ 100 = 1,335; 65 → 86,775
    ///   prosecution review 1,600/1,400/1,200: mean 1,240; 26 cases → 32,240
    ///   investigation 1,200/1,000/800: (12,000 + 30,000 + 44,000) ÷ 100 = 860; 13 → 11,180
    ///   total 193,440 + 86,775 + 32,240 + 11,180 = 323,635 yuan.
    /// Committed 150,000, paid 90,000: remaining 323,635 − 150,000 = 173,635.
    #[test]
    fn yeji_2024_target_of_260_cases() {
        let mix = [
            (Civil, Whole, 60),
            (Criminal, Trial, 25),
            (Criminal, ProsecutionReview, 10),
            (Criminal, Investigation, 5),
        ];
        let grades = [
            (Excellent, 10),
            (Good, 30),
            (Qualified, 55),
            (Unqualified, 5),
        ];
        let i = EstimateInput {
            committed_fen: 15_000_000,
            paid_fen: 9_000_000,
            ..input(260, &mix, &grades)
        };
        let e = estimate(&shipped(), &i, "341504", d("2024-06-01")).expect("estimates");
        assert_eq!(
            rows(&e),
            [
                ("民事", 156.0, 124_000, 19_344_000),
                ("刑事·审判阶段（一审）", 65.0, 133_500, 8_677_500),
                ("刑事·审查起诉阶段", 26.0, 124_000, 3_224_000),
                ("刑事·侦查阶段", 13.0, 86_000, 1_118_000),
            ]
        );
        assert_eq!(
            (
                e.estimated_fen,
                e.committed_fen,
                e.paid_fen,
                e.remaining_fen
            ),
            (32_363_500, 15_000_000, 9_000_000, 17_363_500)
        );
        assert_eq!((e.year, e.target_cases), (2024, 260));
        let notes = e.notes.join("\n");
        assert!(notes.contains(
            "优秀10件（10.0%）、良好30件（30.0%）、合格55件（55.0%）、不合格5件（5.0%）"
        ));
        assert!(notes.contains("按去年案件结构（共100件）分配目标260件：民事60.0%"));
        assert!(notes.contains("不合格案件整改前不予发放补贴，测算中按0元计"));
        assert!(!notes.contains("默认结构") && !notes.contains("全部合格"));
    }

    /// No history: the default mix 70/20/10 of 260 = 182, 52, 26 cases, all 合格:
    /// 182 × 1,200 = 218,400; 52 × 1,300 = 67,600; 26 × 1,200 = 31,200; total 317,200.
    #[test]
    fn without_history_the_default_mix_and_all_qualified_are_assumed_and_said() {
        let i = EstimateInput {
            committed_fen: 33_000_000,
            ..input(260, &[], &[])
        };
        let e = estimate(&shipped(), &i, "341504", d("2024-06-01")).expect("estimates");
        assert_eq!(
            rows(&e),
            [
                ("民事", 182.0, 120_000, 21_840_000),
                ("刑事·审判阶段（一审）", 52.0, 130_000, 6_760_000),
                ("刑事·审查起诉阶段", 26.0, 120_000, 3_120_000),
            ]
        );
        assert_eq!((e.estimated_fen, e.remaining_fen), (31_720_000, -1_280_000));
        let notes = e.notes.join("\n");
        assert!(notes.contains("去年案件结构为空，按默认结构测算"));
        assert!(notes.contains("去年评查等级分布为空，按全部合格测算"));
        assert!(notes.contains("已承诺金额超出测算总额12,800.00元"));
        let zeros = input(260, &[(Civil, Whole, 0)], &[(Good, 0)]);
        let z = estimate(&shipped(), &zeros, "341504", d("2024-06-01")).expect("estimates");
        assert_eq!(
            z.estimated_fen, 31_720_000,
            "all-zero counts are no history"
        );
        assert!(!z.notes.join("\n").contains("按去年案件结构"));
    }

    /// Target 1; mix civil 1, trial 1; all 合格; rates 333 and 101 fen:
    /// civil 1 × 1 × 333 ÷ 2 = 166.5 → 167; trial 101 ÷ 2 = 50.5 → 51; total 218.
    /// Duplicated mix rows add up: civil 1 + 1 and trial 2 is the same 50/50 split.
    #[test]
    fn each_line_rounds_half_up_to_the_fen_and_duplicates_merge() {
        let header = crate::subsidy::SHIPPED_CSV
            .lines()
            .next()
            .unwrap_or_default();
        let csv = format!(
            "{header}\nrate,civil,whole,qualified,,333,,,34,2020-01-01,,民事,测试\n\
             rate,criminal,trial,qualified,,101,,,34,2020-01-01,,审判,测试\n"
        );
        let s = SubsidySchedule::from_csv(&csv).expect("parses");
        let e = estimate(
            &s,
            &input(1, &[(Civil, Whole, 1), (Criminal, Trial, 1)], &[]),
            "34",
            d("2024-06-01"),
        )
        .expect("estimates");
        assert_eq!(
            rows(&e),
            [
                ("民事", 0.5, 333, 167),
                ("刑事·审判阶段（一审）", 0.5, 101, 51)
            ]
        );
        assert_eq!(e.estimated_fen, 218);
        let dup = [(Civil, Whole, 1), (Criminal, Trial, 2), (Civil, Whole, 1)];
        let e = estimate(&s, &input(1, &dup, &[]), "34", d("2024-06-01")).expect("estimates");
        assert_eq!(e.estimated_fen, 218);
        // 3 cases at 2/3 civil: 3 × 2 × 333 ÷ 3 = 666 exactly; 3 × 1 × 101 ÷ 3 = 101.
        let thirds = [(Civil, Whole, 2), (Criminal, Trial, 1)];
        let e = estimate(&s, &input(3, &thirds, &[]), "34", d("2024-06-01")).expect("estimates");
        assert_eq!((e.lines[0].expected_cases, e.estimated_fen), (2.0, 767));
        let e = estimate(&s, &input(1, &thirds, &[]), "34", d("2024-06-01")).expect("estimates");
        assert_eq!(
            e.lines[0].expected_cases, 0.67,
            "display rounds to 2 decimals"
        );
    }

    #[test]
    fn a_missing_rate_or_an_impossible_stage_is_an_error_in_words() {
        let s = shipped();
        let on = d("2024-06-01");
        let err = estimate(&s, &input(10, &[(Civil, Trial, 3)], &[]), "341504", on)
            .expect_err("civil cases have no trial stage");
        assert_eq!(err.to_string(), "民事案件没有审判阶段（一审）");
        let err = estimate(
            &s,
            &input(10, &[(Civil, Whole, 3)], &[(Good, 1)]),
            "320102",
            on,
        )
        .expect_err("no rates in Jiangsu");
        assert_eq!(
            err.to_string(),
            "缺少补贴标准：民事·良好（地区 320102，2024-06-01）"
        );
    }
}
