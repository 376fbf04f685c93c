//! Assigning a handler: the hard constraints of the law, a conflict check, and a
//! suggestion list ranked by workload, specialty and rotation fairness.
//!
//! The law: assignment goes to a law firm or grassroots legal service office,
//! which names its lawyer or worker, or to center staff with a lawyer's or legal
//! professional qualification (Procedural Rules 2023 art 24), chosen by headcount,
//! specialty and experience (art 25). Possible life or death sentences and death
//! penalty review need a lawyer with 3+ years of relevant practice (LAL art 26);
//! juvenile cases a lawyer familiar with minors (art 26 of the rules). Criminal
//! defense is a lawyer's work (LAL arts 24–26 "指派律师").

use crate::case::{CaseType, Stage};
use crate::staff::{Specialty, StaffKind, years_of_practice};
use crate::unit::UnitKind;
use serde::Serialize;

/// Years of relevant practice for the gravest criminal cases (LAL art 26).
pub const GRAVE_CASE_YEARS: i32 = 3;

/// What a case asks of its handler.
#[derive(Debug, Clone)]
pub struct Needs<'a> {
    pub case_type: CaseType,
    pub stage: Stage,
    pub possible_life_or_death: bool,
    pub juvenile: bool,
    /// The specialty the matter calls for, if one does.
    pub specialty: Option<Specialty>,
    pub recipient_name: &'a str,
    pub opposing_party: &'a str,
    pub year: i32,
}

/// Another legal aid matter the candidate handles (for the conflict check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherMatter {
    pub case_number: String,
    pub recipient_name: String,
    pub opposing_party: String,
}

/// A possible handler with what the ranking needs to know.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub staff_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub kind: StaffKind,
    pub licence_no: String,
    pub practice_start_year: Option<i32>,
    pub specialties: Vec<Specialty>,
    pub active: bool,
    /// Open legal aid cases now.
    pub open_cases: u32,
    /// Cases assigned this year (rotation).
    pub assigned_this_year: u32,
    pub last_assigned_on: Option<chrono::NaiveDate>,
    pub other_matters: Vec<OtherMatter>,
    /// The quality rating's weight in the ranking and its reason
    /// (`rating::ranking_factor`), when the handler is rated.
    pub quality: Option<(i64, String)>,
}

/// Why the law does not allow a candidate on this case (each one refuses it).
pub fn refusals(c: &Candidate, n: &Needs<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if !c.active {
        out.push("该人员已停用".to_owned());
    }
    let unit_ok = matches!(
        c.unit_kind,
        UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
    );
    if !unit_ok {
        out.push(format!(
            "只能指派律师事务所、基层法律服务所或法律援助中心的人员，该人员属于{}",
            c.unit_kind.label()
        ));
    }
    match c.kind {
        StaffKind::Lawyer | StaffKind::LegalWorker => {}
        StaffKind::CenterStaff if !c.licence_no.trim().is_empty() => {}
        StaffKind::CenterStaff => {
            out.push("法律援助中心工作人员须具有律师资格或者法律职业资格才能承办案件".to_owned())
        }
        other => out.push(format!("{}不能担任法律援助人员", other.label())),
    }
    if n.case_type == CaseType::Criminal && c.kind != StaffKind::Lawyer {
        out.push("刑事辩护和代理须指派律师（《法律援助法》第二十四条至第二十六条）".to_owned());
    }
    let grave = n.possible_life_or_death || n.stage == Stage::DeathPenaltyReview;
    if grave && n.case_type == CaseType::Criminal {
        let years = years_of_practice(c.practice_start_year, n.year);
        let criminal = c.specialties.contains(&Specialty::CriminalDefense);
        if !criminal || years < GRAVE_CASE_YEARS {
            out.push(format!(
                "可能被判处无期徒刑、死刑的案件和死刑复核案件，须指派具有三年以上刑事辩护执业经历的律师（《法律援助法》第二十六条）；该律师{}",
                if criminal {
                    format!("执业{years}年")
                } else {
                    "未登记刑事辩护专业".to_owned()
                }
            ));
        }
    }
    if n.juvenile && !c.specialties.contains(&Specialty::Juvenile) {
        out.push(
            "未成年人案件须指派熟悉未成年人身心特点的律师（《办理法律援助案件程序规定》第二十六条）；该人员未登记未成年人案件专业"
                .to_owned(),
        );
    }
    out
}

fn normalise(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Conflicts of interest with the candidate's other legal aid matters: this
/// recipient is the other side in one of them, or this case's other side is one of
/// the candidate's recipients.
pub fn conflicts(c: &Candidate, n: &Needs<'_>) -> Vec<String> {
    let recipient = normalise(n.recipient_name);
    let opposing = normalise(n.opposing_party);
    let mut out = Vec::new();
    for m in &c.other_matters {
        if !recipient.is_empty() && normalise(&m.opposing_party) == recipient {
            out.push(format!(
                "本案受援人是该人员承办的{}的对方当事人",
                m.case_number
            ));
        }
        if !opposing.is_empty() && normalise(&m.recipient_name) == opposing {
            out.push(format!(
                "本案对方当事人是该人员承办的{}的受援人",
                m.case_number
            ));
        }
    }
    out
}

/// A candidate with the ranking's verdict.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub staff_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub open_cases: u32,
    pub assigned_this_year: u32,
    pub years_of_practice: i32,
    /// Higher is better; only meaningful among eligible candidates.
    pub score: i64,
    /// Why it ranks where it does, in words.
    pub reasons: Vec<String>,
    /// Why the law does not allow it (empty when eligible).
    pub refusals: Vec<String>,
    /// Conflicts to resolve before assigning (flagged, not refused).
    pub conflicts: Vec<String>,
    pub eligible: bool,
}

/// Ranks candidates: the eligible first, then by fewer open cases (workload),
/// matching specialty, fewer cases this year and longest wait since the last
/// assignment (rotation). Ties keep a stable order by staff id.
pub fn rank(candidates: &[Candidate], n: &Needs<'_>, today: chrono::NaiveDate) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .map(|c| {
            let refusals = refusals(c, n);
            let conflicts = conflicts(c, n);
            let mut reasons = Vec::new();
            let mut score: i64 = 1000;
            score -= 40 * i64::from(c.open_cases);
            reasons.push(format!("在办案件{}件", c.open_cases));
            if let Some(sp) = n.specialty
                && c.specialties.contains(&sp)
            {
                score += 60;
                reasons.push(format!("专业领域相符（{}）", sp.label()));
            }
            score -= 10 * i64::from(c.assigned_this_year);
            reasons.push(format!("本年度已指派{}件", c.assigned_this_year));
            match c.last_assigned_on {
                Some(d) => {
                    let days = (today - d).num_days().clamp(0, 365);
                    score += days / 7;
                    reasons.push(format!("距上次指派{days}日"));
                }
                None => {
                    score += 60;
                    reasons.push("尚未被指派过".to_owned());
                }
            }
            if let Some((points, reason)) = &c.quality {
                score += points;
                reasons.push(reason.clone());
            }
            if !conflicts.is_empty() {
                score -= 500;
            }
            Suggestion {
                staff_id: c.staff_id,
                name: c.name.clone(),
                unit_id: c.unit_id,
                unit_name: c.unit_name.clone(),
                open_cases: c.open_cases,
                assigned_this_year: c.assigned_this_year,
                years_of_practice: years_of_practice(c.practice_start_year, n.year),
                score,
                reasons,
                eligible: refusals.is_empty(),
                refusals,
                conflicts,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.eligible
            .cmp(&a.eligible)
            .then(b.score.cmp(&a.score))
            .then(a.staff_id.cmp(&b.staff_id))
    });
    out
}

/// The specialty a matter calls for, if an obvious one.
pub fn specialty_for(matter_code: &str, t: CaseType) -> Option<Specialty> {
    Some(match matter_code {
        "labor_remuneration" | "labor_dispute_compensation" | "injury_work" => Specialty::Labor,
        "support_payment" | "abuse_violence_victim" => Specialty::MarriageFamily,
        "injury_traffic" => Specialty::Traffic,
        "injury_medical" => Specialty::Medical,
        "injury_food_drug"
        | "product_quality_damage"
        | "ultra_hazardous_damage"
        | "environment_damage" => Specialty::PersonalInjury,
        "state_compensation" | "retrial_acquittal_compensation" => Specialty::StateCompensation,
        "rural_land_contract" => Specialty::LandContract,
        _ if t == CaseType::Criminal => Specialty::CriminalDefense,
        _ if t == CaseType::Administrative => Specialty::Administrative,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn lawyer(id: i64, start: i32, specialties: &[Specialty]) -> Candidate {
        Candidate {
            staff_id: id,
            name: format!("律师{id}"),
            unit_id: 10,
            unit_name: "安徽某律师事务所".into(),
            unit_kind: UnitKind::LawFirm,
            kind: StaffKind::Lawyer,
            licence_no: "13415201511012345".into(),
            practice_start_year: Some(start),
            specialties: specialties.to_vec(),
            active: true,
            open_cases: 0,
            assigned_this_year: 0,
            last_assigned_on: None,
            other_matters: Vec::new(),
            quality: None,
        }
    }

    fn needs(t: CaseType, stage: Stage) -> Needs<'static> {
        Needs {
            case_type: t,
            stage,
            possible_life_or_death: false,
            juvenile: false,
            specialty: None,
            recipient_name: "张三",
            opposing_party: "某建筑公司",
            year: 2024,
        }
    }

    #[test]
    fn grave_cases_need_three_years_of_criminal_defense() {
        let mut n = needs(CaseType::Criminal, Stage::Trial);
        n.possible_life_or_death = true;
        let junior = lawyer(1, 2022, &[Specialty::CriminalDefense]);
        let r = refusals(&junior, &n);
        assert_eq!(r.len(), 1);
        assert!(
            r[0].contains("第二十六条") && r[0].contains("执业2年"),
            "{r:?}"
        );
        let senior = lawyer(2, 2021, &[Specialty::CriminalDefense]);
        assert!(refusals(&senior, &n).is_empty(), "2021 → 3 years by 2024");
        let civil = lawyer(3, 2001, &[Specialty::Labor]);
        assert!(refusals(&civil, &n)[0].contains("未登记刑事辩护专业"));
        // Death penalty review is grave whatever the flag says.
        let mut n = needs(CaseType::Criminal, Stage::DeathPenaltyReview);
        n.possible_life_or_death = false;
        assert!(!refusals(&junior, &n).is_empty());
        // An ordinary criminal case does not need the years.
        assert!(refusals(&junior, &needs(CaseType::Criminal, Stage::Trial)).is_empty());
    }

    #[test]
    fn criminal_defense_is_a_lawyers_work_and_juveniles_need_suited_lawyers() {
        let mut worker = lawyer(1, 2010, &[]);
        worker.kind = StaffKind::LegalWorker;
        worker.unit_kind = UnitKind::LegalServiceOffice;
        assert!(refusals(&worker, &needs(CaseType::Civil, Stage::Whole)).is_empty());
        assert!(!refusals(&worker, &needs(CaseType::Criminal, Stage::Trial)).is_empty());
        let mut n = needs(CaseType::Criminal, Stage::Trial);
        n.juvenile = true;
        assert!(!refusals(&lawyer(2, 2010, &[Specialty::CriminalDefense]), &n).is_empty());
        assert!(
            refusals(
                &lawyer(3, 2010, &[Specialty::CriminalDefense, Specialty::Juvenile]),
                &n
            )
            .is_empty()
        );
        let mut clerk = lawyer(4, 2010, &[]);
        clerk.kind = StaffKind::CenterStaff;
        clerk.unit_kind = UnitKind::LegalAidCenter;
        clerk.licence_no.clear();
        assert!(!refusals(&clerk, &needs(CaseType::Civil, Stage::Whole)).is_empty());
        clerk.licence_no = "A20143401000123".into();
        assert!(refusals(&clerk, &needs(CaseType::Civil, Stage::Whole)).is_empty());
        let mut office = lawyer(5, 2010, &[]);
        office.unit_kind = UnitKind::JudicialOffice;
        assert!(!refusals(&office, &needs(CaseType::Civil, Stage::Whole)).is_empty());
    }

    #[test]
    fn conflicts_with_other_matters_are_flagged() {
        let mut c = lawyer(1, 2010, &[]);
        c.other_matters = vec![
            OtherMatter {
                case_number: "叶法援〔2024〕第3号".into(),
                recipient_name: "某建筑公司".into(),
                opposing_party: "李四".into(),
            },
            OtherMatter {
                case_number: "叶法援〔2024〕第9号".into(),
                recipient_name: "王五".into(),
                opposing_party: "张 三".into(),
            },
        ];
        let found = conflicts(&c, &needs(CaseType::Civil, Stage::Whole));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("第3号") && found[0].contains("对方当事人是"));
        assert!(found[1].contains("第9号") && found[1].contains("受援人是"));
        let mut n = needs(CaseType::Civil, Stage::Whole);
        n.opposing_party = "";
        n.recipient_name = "赵六";
        assert!(conflicts(&c, &n).is_empty());
    }

    #[test]
    fn a_low_quality_rating_moves_a_candidate_down_and_says_why() {
        use crate::rating::{Evidence, RatingRule, ranking_factor, rate};
        let today = d("2026-12-05");
        let rule = RatingRule::defaults(d("2022-01-01"));
        let poor = rate(
            &Evidence {
                grades: vec![(d("2026-10-01"), crate::case::Grade::Unqualified)],
                upheld_complaints: vec![d("2026-11-01")],
                evaluations: vec![],
            },
            &rule,
            today,
        );
        let mut a = lawyer(1, 2010, &[]);
        let mut b = lawyer(2, 2010, &[]);
        a.quality = Some(ranking_factor(&poor, &rule));
        b.quality = None;
        let n = needs(CaseType::Civil, Stage::Whole);
        let ranked = rank(&[a, b], &n, today);
        assert_eq!(
            ranked[0].staff_id, 2,
            "the poorly rated handler ranks lower"
        );
        let reason = ranked[1]
            .reasons
            .iter()
            .find(|r| r.starts_with("质量评价"))
            .expect("the rating is a reason");
        assert!(reason.contains("低于基准75分"), "{reason}");
        assert!(poor.score < 75, "{poor:?}");
    }

    #[test]
    fn ranking_prefers_the_eligible_the_less_busy_and_the_long_waiting() {
        let mut busy = lawyer(1, 2010, &[Specialty::Labor]);
        busy.open_cases = 6;
        busy.assigned_this_year = 12;
        busy.last_assigned_on = Some(d("2024-06-01"));
        let mut idle = lawyer(2, 2010, &[]);
        idle.open_cases = 1;
        idle.assigned_this_year = 3;
        idle.last_assigned_on = Some(d("2024-03-01"));
        let mut matching = lawyer(3, 2010, &[Specialty::Labor]);
        matching.open_cases = 1;
        matching.assigned_this_year = 3;
        matching.last_assigned_on = Some(d("2024-03-01"));
        let mut inactive = lawyer(4, 2010, &[Specialty::Labor]);
        inactive.active = false;
        let mut n = needs(CaseType::Civil, Stage::Whole);
        n.specialty = Some(Specialty::Labor);
        let ranked = rank(&[busy, idle, matching, inactive], &n, d("2024-06-10"));
        let order: Vec<i64> = ranked.iter().map(|s| s.staff_id).collect();
        assert_eq!(order, [3, 2, 1, 4]);
        assert!(!ranked[3].eligible);
        assert!(ranked[0].reasons.iter().any(|r| r.contains("专业领域相符")));
    }

    #[test]
    fn matters_suggest_specialties() {
        assert_eq!(
            specialty_for("labor_remuneration", CaseType::Civil),
            Some(Specialty::Labor)
        );
        assert_eq!(
            specialty_for("criminal_defense_notified", CaseType::Criminal),
            Some(Specialty::CriminalDefense)
        );
        assert_eq!(specialty_for("other_by_law", CaseType::Civil), None);
    }
}
