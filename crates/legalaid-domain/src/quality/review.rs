//! The review of a file in a round, in the three tiers of Anhui practice (Chizhou
//! 2025, quality-supervision-outreach §1.2): the archive check (归档审查) by the
//! center's quality staff, the case review (案件评审) by experts from the pool,
//! and the center head's re-check (中心负责人复核), whose grade is final. Experts
//! never review files of their own unit or their own cases (交叉评查); outside
//! lawyers need the years of practice the round asks for (Chuzhou 2021: five).

use crate::case::Grade;
use crate::quality::sampling::key;
use crate::{CaseId, ExpertId, StaffId, UnitId};

code_enum!(
    Tier {
        ArchiveCheck => ("archive_check", "归档审查"),
        CaseReview => ("case_review", "案件评审"),
        HeadRecheck => ("head_recheck", "中心负责人复核"),
    }
);

code_enum!(
    /// Where the review of one file stands.
    ReviewStatus {
        Pending => ("pending", "待归档审查"),
        Reviewing => ("reviewing", "专家评审中"),
        AwaitingRecheck => ("awaiting_recheck", "待中心负责人复核"),
        Final => ("final", "已复核定级"),
    }
);

code_enum!(
    RoundStatus {
        /// Rule set, sample not drawn yet.
        Draft => ("draft", "待抽取"),
        /// Files drawn and bound to their schemes, reviewers assigned.
        Open => ("open", "评查中"),
        /// Every file graded; results issued.
        Closed => ("closed", "已结束"),
    }
);

code_enum!(
    ExpertKind {
        CenterStaff => ("center_staff", "法律援助中心工作人员"),
        Lawyer => ("lawyer", "执业律师"),
        LegalWorker => ("legal_worker", "基层法律服务工作者"),
        Other => ("other", "其他人员"),
    }
);

/// Steps of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewEvent {
    /// The archive check is recorded.
    ArchiveChecked,
    /// An expert's sheet is in; `all_in` when it was the last one assigned.
    SheetSubmitted { all_in: bool },
    /// The center head re-checked and fixed the grade.
    Rechecked,
    /// The file is graded again after rectification (复评): back to the head.
    Regrade,
}

impl ReviewStatus {
    pub fn next(self, e: ReviewEvent) -> Result<ReviewStatus, String> {
        use ReviewEvent as E;
        use ReviewStatus as S;
        match (self, e) {
            (S::Pending, E::ArchiveChecked) => Ok(S::Reviewing),
            (S::Reviewing, E::SheetSubmitted { all_in: false }) => Ok(S::Reviewing),
            (S::Reviewing, E::SheetSubmitted { all_in: true }) => Ok(S::AwaitingRecheck),
            (S::AwaitingRecheck, E::Rechecked) => Ok(S::Final),
            (S::Final, E::Regrade) => Ok(S::AwaitingRecheck),
            (s, e) => Err(format!(
                "该案卷的评查状态为“{}”，不能{}",
                s.label(),
                match e {
                    E::ArchiveChecked => "进行归档审查",
                    E::SheetSubmitted { .. } => "提交专家评分",
                    E::Rechecked => "进行中心负责人复核",
                    E::Regrade => "整改后重新评定",
                }
            )),
        }
    }

    /// The tier whose work the review waits on.
    pub fn tier(self) -> Option<Tier> {
        match self {
            ReviewStatus::Pending => Some(Tier::ArchiveCheck),
            ReviewStatus::Reviewing => Some(Tier::CaseReview),
            ReviewStatus::AwaitingRecheck => Some(Tier::HeadRecheck),
            ReviewStatus::Final => None,
        }
    }
}

/// A member of the pool as the assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub expert_id: ExpertId,
    pub name: String,
    pub kind: ExpertKind,
    /// Where they work (the firm of an outside lawyer).
    pub unit_id: Option<UnitId>,
    /// Their staff record, if they have one (lawyers who handle legal aid cases).
    pub staff_id: Option<StaffId>,
    pub years_of_practice: u32,
    /// Administrative or disciplinary sanction on record (是否获得行政或纪律处分).
    pub sanctioned: bool,
    pub active: bool,
}

/// A file as the assignment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct File {
    pub case_id: CaseId,
    pub handling_unit_id: Option<UnitId>,
    pub handler_id: Option<StaffId>,
}

/// Why `r` may not be in the pool for a round at all, if so.
pub fn unfit(r: &Reviewer, min_years: u32) -> Option<String> {
    if !r.active {
        return Some(format!("{}已移出专家库", r.name));
    }
    if r.sanctioned {
        return Some(format!("{}受过行政或纪律处分，不能担任评查专家", r.name));
    }
    if matches!(r.kind, ExpertKind::Lawyer | ExpertKind::LegalWorker)
        && r.years_of_practice < min_years
    {
        return Some(format!(
            "{}执业{}年，本批次要求外聘专家执业{}年以上",
            r.name, r.years_of_practice, min_years
        ));
    }
    None
}

/// Why `r` may not review `f` (交叉评查), if so.
pub fn conflict(r: &Reviewer, f: &File) -> Option<String> {
    if r.staff_id.is_some() && r.staff_id == f.handler_id {
        return Some(format!("{}是本案承办人，不能评查本人承办的案件", r.name));
    }
    if r.unit_id.is_some() && r.unit_id == f.handling_unit_id {
        return Some(format!("{}与本案承办人同属一个单位，应当交叉评查", r.name));
    }
    None
}

/// A file no reviewer could be found for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub case_id: CaseId,
    pub needed: usize,
    pub available: usize,
}

/// Assigns `per_case` reviewers to each file: fit for the round, without a
/// conflict, the least loaded first (ties broken by the round's seed, so the
/// assignment is reproducible and nobody is always first); the files with the
/// fewest possible reviewers are served first. Fails with every file that cannot
/// get enough reviewers.
pub fn assign(
    files: &[File],
    pool: &[Reviewer],
    per_case: usize,
    min_years: u32,
    seed: &str,
) -> Result<Vec<(CaseId, Vec<ExpertId>)>, Vec<Shortfall>> {
    let fit: Vec<&Reviewer> = pool
        .iter()
        .filter(|r| unfit(r, min_years).is_none())
        .collect();
    let mut load: std::collections::HashMap<ExpertId, usize> = Default::default();
    let mut out = Vec::new();
    let mut short = Vec::new();
    // The files with the fewest possible reviewers choose first, so that the
    // others' choice does not use up the few they have and the load stays even.
    let mut files: Vec<(&File, Vec<&&Reviewer>)> = files
        .iter()
        .map(|f| (f, fit.iter().filter(|r| conflict(r, f).is_none()).collect()))
        .collect();
    files.sort_by_key(|(f, able)| (able.len(), f.case_id));
    for (f, mut able) in files {
        if able.len() < per_case {
            short.push(Shortfall {
                case_id: f.case_id,
                needed: per_case,
                available: able.len(),
            });
            continue;
        }
        able.sort_by_cached_key(|r| {
            (
                load.get(&r.expert_id).copied().unwrap_or(0),
                key(seed, f.case_id.0.wrapping_mul(1_000_003) ^ r.expert_id.0),
                r.expert_id,
            )
        });
        let chosen: Vec<ExpertId> = able.iter().take(per_case).map(|r| r.expert_id).collect();
        for e in &chosen {
            *load.entry(*e).or_default() += 1;
        }
        out.push((f.case_id, chosen));
    }
    if short.is_empty() {
        out.sort_by_key(|(case, _)| *case);
        Ok(out)
    } else {
        Err(short)
    }
}

/// The experts' totals combined for the head's re-check: their mean, rounded half
/// up. `None` before any sheet is in.
pub fn combined(totals: &[u32]) -> Option<u32> {
    if totals.is_empty() {
        return None;
    }
    let n = totals.len() as u32;
    let sum: u32 = totals.iter().sum();
    Some((2 * sum + n) / (2 * n))
}

/// Whether the grade keeps the subsidy back until the file is rectified and
/// graded again (不合格 pays nothing until then).
pub fn withholds_subsidy(grade: Grade) -> bool {
    grade == Grade::Unqualified
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviewer(id: i64, kind: ExpertKind, unit: i64, years: u32) -> Reviewer {
        Reviewer {
            expert_id: ExpertId(id),
            name: format!("专家{id}"),
            kind,
            unit_id: Some(UnitId(unit)),
            staff_id: Some(StaffId(id * 10)),
            years_of_practice: years,
            sanctioned: false,
            active: true,
        }
    }

    fn file(case: i64, unit: i64, handler: i64) -> File {
        File {
            case_id: CaseId(case),
            handling_unit_id: Some(UnitId(unit)),
            handler_id: Some(StaffId(handler)),
        }
    }

    #[test]
    fn the_tiers_go_in_order_and_a_failed_file_can_be_graded_again() {
        use ReviewEvent as E;
        use ReviewStatus as S;
        assert_eq!(S::Pending.next(E::ArchiveChecked), Ok(S::Reviewing));
        assert_eq!(
            S::Reviewing.next(E::SheetSubmitted { all_in: false }),
            Ok(S::Reviewing)
        );
        assert_eq!(
            S::Reviewing.next(E::SheetSubmitted { all_in: true }),
            Ok(S::AwaitingRecheck)
        );
        assert_eq!(S::AwaitingRecheck.next(E::Rechecked), Ok(S::Final));
        assert_eq!(S::Final.next(E::Regrade), Ok(S::AwaitingRecheck));
        let e = S::Pending.next(E::Rechecked).expect_err("refused");
        assert_eq!(e, "该案卷的评查状态为“待归档审查”，不能进行中心负责人复核");
        assert!(S::Final.next(E::SheetSubmitted { all_in: true }).is_err());
        assert_eq!(S::Reviewing.tier(), Some(Tier::CaseReview));
        assert_eq!(S::Final.tier(), None);
    }

    #[test]
    fn nobody_reviews_their_own_case_or_unit() {
        let r = reviewer(1, ExpertKind::Lawyer, 7, 10);
        assert!(conflict(&r, &file(1, 8, 99)).is_none());
        assert!(
            conflict(&r, &file(1, 7, 99))
                .expect("present")
                .contains("同属一个单位")
        );
        assert!(
            conflict(&r, &file(1, 8, 10))
                .expect("present")
                .contains("本人承办")
        );
    }

    #[test]
    fn the_pool_excludes_the_sanctioned_the_removed_and_the_inexperienced() {
        let mut r = reviewer(1, ExpertKind::Lawyer, 7, 4);
        assert!(unfit(&r, 5).expect("present").contains("执业4年"));
        assert!(unfit(&r, 3).is_none());
        // Center staff are not held to years of practice.
        assert!(unfit(&reviewer(2, ExpertKind::CenterStaff, 1, 0), 5).is_none());
        r.years_of_practice = 9;
        r.sanctioned = true;
        assert!(unfit(&r, 5).expect("present").contains("处分"));
        r.sanctioned = false;
        r.active = false;
        assert!(unfit(&r, 5).is_some());
    }

    #[test]
    fn assignment_crosses_units_and_spreads_the_load() {
        // Experts of firms 7, 8 and 9, and a center staff member (unit 1).
        let pool = vec![
            reviewer(1, ExpertKind::Lawyer, 7, 10),
            reviewer(2, ExpertKind::Lawyer, 8, 10),
            reviewer(3, ExpertKind::Lawyer, 9, 10),
            reviewer(4, ExpertKind::CenterStaff, 1, 0),
        ];
        let files: Vec<File> = (0..12).map(|i| file(i, 7 + i % 3, 500 + i)).collect();
        let got = assign(&files, &pool, 2, 5, "seed").expect("present");
        assert_eq!(got.len(), 12);
        let mut load = [0usize; 5];
        for (case, experts) in &got {
            let f = files.iter().find(|f| f.case_id == *case).expect("present");
            assert_eq!(experts.len(), 2);
            for e in experts {
                let r = pool.iter().find(|r| r.expert_id == *e).expect("present");
                assert!(conflict(r, f).is_none());
                load[e.0 as usize] += 1;
            }
        }
        // 24 places over 4 experts: nobody carries more than 7.
        assert!(load[1..].iter().all(|&n| (5..=7).contains(&n)), "{load:?}");
        // Reproducible.
        assert_eq!(assign(&files, &pool, 2, 5, "seed").expect("present"), got);
    }

    #[test]
    fn the_most_constrained_files_choose_first_so_the_load_stays_even() {
        // Two files of firm 7, one of firm 8; experts of firms 8 and 9 and the
        // center: the firm-8 file can only have 9 and the center.
        let pool = vec![
            reviewer(1, ExpertKind::Lawyer, 8, 10),
            reviewer(2, ExpertKind::Lawyer, 9, 10),
            reviewer(3, ExpertKind::CenterStaff, 1, 0),
        ];
        for seed in ["a", "b", "c", "d", "e"] {
            let files = [file(1, 7, 50), file(2, 7, 51), file(3, 8, 52)];
            let got = assign(&files, &pool, 2, 5, seed).expect("assigned");
            let mut load = [0; 4];
            for (_, experts) in &got {
                for e in experts {
                    load[e.0 as usize] += 1;
                }
            }
            assert_eq!(&load[1..], &[2, 2, 2], "seed {seed}: {got:?}");
        }
    }

    #[test]
    fn a_file_without_enough_independent_reviewers_is_named() {
        let pool = vec![
            reviewer(1, ExpertKind::Lawyer, 7, 10),
            reviewer(2, ExpertKind::Lawyer, 8, 2),
        ];
        let short = assign(&[file(5, 8, 1)], &pool, 2, 5, "s").expect_err("refused");
        assert_eq!(
            short,
            vec![Shortfall {
                case_id: CaseId(5),
                needed: 2,
                available: 1
            }]
        );
    }

    #[test]
    fn the_experts_totals_combine_to_their_rounded_mean() {
        assert_eq!(combined(&[]), None);
        assert_eq!(combined(&[87]), Some(87));
        assert_eq!(combined(&[87, 90]), Some(89)); // 88.5 rounds up
        assert_eq!(combined(&[58, 61]), Some(60));
        assert!(withholds_subsidy(Grade::Unqualified));
        assert!(!withholds_subsidy(Grade::Qualified));
    }
}
