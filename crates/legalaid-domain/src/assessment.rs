//! The assessment of an application: a pure function of the facts and the rules
//! in force on the day it was received. It says whether the matter is in scope
//! and under which article, whether the hardship condition applies, whether
//! verification is exempt, whether the declared means meet the standard, and
//! whether pre-emptive aid is warranted, in sentences a reviewer can read and a
//! decision document can reuse. Missing facts give "needs information", never a
//! false "no".

use crate::rules::{HardshipCondition, RuleBook};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How the applicant's economic situation is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Means {
    /// Household members (the applicant included) and their total monthly income.
    Household {
        members: u32,
        monthly_income_fen: i64,
    },
    /// A ground for exemption from verification, and whether its proof was provided.
    Exemption {
        code: String,
        proof_provided: bool,
    },
    /// A personal honesty declaration (个人诚信承诺) of the same figures, verified later.
    Declaration {
        members: u32,
        monthly_income_fen: i64,
    },
    NotGiven,
}

/// The facts the assessment needs.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub matter_code: &'a str,
    /// The region of the accepting center: its city's standard governs.
    pub region_code: &'a str,
    pub received_on: NaiveDate,
    pub means: &'a Means,
    /// The last day to sue, apply for arbitration or reconsideration, if known.
    pub limitation_date: Option<NaiveDate>,
    /// Property or evidence preservation or advance execution must be applied for at once.
    pub preservation_urgent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    Ineligible,
    NeedsInformation,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Eligible => "符合法律援助条件",
            Verdict::Ineligible => "不符合法律援助条件",
            Verdict::NeedsInformation => "需要补充材料",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub verdict: Verdict,
    pub in_scope: bool,
    /// The article that brings the matter into scope.
    pub basis: Option<String>,
    pub hardship: Option<HardshipCondition>,
    /// The exemption ground and its basis, when verification is exempt.
    pub exemption: Option<String>,
    pub per_capita_income_fen: Option<i64>,
    pub threshold_fen: Option<i64>,
    /// A declaration was accepted and must be verified later.
    pub needs_verification: bool,
    /// LAL art 44: aid may be given before the procedure is complete.
    pub pre_emptive: bool,
    /// What is missing, when the verdict is NeedsInformation.
    pub missing: Vec<String>,
    /// The reasoning, one sentence each, citing the articles.
    pub reasons: Vec<String>,
}

/// 1234567 fen → "12345.67元"
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}元", fen.abs() / 100, fen.abs() % 100)
}

pub fn assess(f: &Facts<'_>, rules: &RuleBook) -> Assessment {
    let mut a = Assessment {
        verdict: Verdict::Eligible,
        in_scope: false,
        basis: None,
        hardship: None,
        exemption: None,
        per_capita_income_fen: None,
        threshold_fen: None,
        needs_verification: false,
        pre_emptive: false,
        missing: Vec::new(),
        reasons: Vec::new(),
    };
    let Some(matter) = rules.matter(f.matter_code, f.region_code, f.received_on) else {
        a.verdict = Verdict::Ineligible;
        a.reasons.push(
            "所申请事项不属于《法律援助法》第二十四条至第三十三条以及法律、法规、规章规定的法律援助事项范围。".into(),
        );
        return a;
    };
    a.in_scope = true;
    a.basis = Some(matter.basis.clone());
    a.hardship = Some(matter.hardship);
    a.reasons.push(format!(
        "所申请事项属于{}规定的法律援助事项（{}）。",
        matter.basis, matter.label
    ));

    match matter.hardship {
        HardshipCondition::Notified => {
            a.reasons.push(
                "该案件由人民法院、人民检察院或者公安机关通知指派，无需审查经济困难状况。".into(),
            );
        }
        HardshipCondition::NotRequired => {
            a.reasons.push(format!(
                "依照{}，该事项不受经济困难条件的限制。",
                matter.basis
            ));
        }
        HardshipCondition::Required => assess_means(f, rules, &mut a),
    }

    if let Some(limit) = f.limitation_date {
        let left = (limit - f.received_on).num_days();
        if (0..7).contains(&left) {
            a.pre_emptive = true;
            a.reasons.push(format!(
                "距诉讼时效或者法定期限届满（{limit}）不足七日，需要及时提起诉讼或者申请仲裁、行政复议，依照《法律援助法》第四十四条第一项可以先行提供法律援助。"
            ));
        }
    }
    if f.preservation_urgent {
        a.pre_emptive = true;
        a.reasons.push("需要立即申请财产保全、证据保全或者先予执行，依照《法律援助法》第四十四条第二项可以先行提供法律援助。".into());
    }
    a
}

fn assess_means(f: &Facts<'_>, rules: &RuleBook, a: &mut Assessment) {
    let (members, income, declared) = match f.means {
        Means::Exemption {
            code,
            proof_provided,
        } => {
            let Some(ex) = rules.exemption(code, f.region_code, f.received_on) else {
                a.verdict = Verdict::NeedsInformation;
                a.missing
                    .push("免予核查经济困难状况的情形（所选情形不在现行规定之列）".into());
                return;
            };
            if !proof_provided {
                a.verdict = Verdict::NeedsInformation;
                a.missing
                    .push(format!("证明申请人属于“{}”的材料", ex.label));
                a.reasons.push(format!(
                    "申请人主张属于“{}”，但尚未提交证明材料。",
                    ex.label
                ));
                return;
            }
            a.exemption = Some(format!("{}（{}）", ex.label, ex.basis));
            a.reasons.push(format!(
                "申请人属于“{}”，依照{}免予核查经济困难状况。",
                ex.label, ex.basis
            ));
            return;
        }
        Means::Household {
            members,
            monthly_income_fen,
        } => (*members, *monthly_income_fen, false),
        Means::Declaration {
            members,
            monthly_income_fen,
        } => (*members, *monthly_income_fen, true),
        Means::NotGiven => {
            a.verdict = Verdict::NeedsInformation;
            a.missing.push(
                "家庭经济状况（家庭人口数和月收入）、免予核查的证明材料或者个人诚信承诺".into(),
            );
            a.reasons
                .push("该事项须符合经济困难条件，申请人尚未说明经济状况。".into());
            return;
        }
    };
    if members == 0 {
        a.verdict = Verdict::NeedsInformation;
        a.missing.push("共同生活的家庭人口数".into());
        return;
    }
    if income < 0 {
        a.verdict = Verdict::NeedsInformation;
        a.missing.push("家庭月收入（不能为负数）".into());
        return;
    }
    let Some(std) = rules.standard(f.region_code, f.received_on) else {
        a.verdict = Verdict::NeedsInformation;
        a.missing
            .push("本市在受理之日适用的经济困难标准（请管理员录入）".into());
        return;
    };
    let per_capita = income / i64::from(members);
    let threshold = std.threshold_fen();
    a.per_capita_income_fen = Some(per_capita);
    a.threshold_fen = Some(threshold);
    if declared {
        a.needs_verification = true;
        a.reasons.push("申请人以个人诚信承诺的方式说明经济困难状况（《法律援助法》第四十一条），须在事后核查。".into());
    }
    let standard = format!(
        "{}经济困难标准{}（最低生活保障标准{}的{}倍，{}）",
        std.city,
        yuan(threshold),
        yuan(std.dibao_monthly_fen),
        std.multiplier,
        std.source
    );
    if per_capita <= threshold {
        a.reasons.push(format!(
            "申请人家庭{members}人，人均月收入{}，不高于{standard}，符合经济困难条件。",
            yuan(per_capita)
        ));
    } else {
        a.verdict = Verdict::Ineligible;
        a.reasons.push(format!(
            "申请人家庭{members}人，人均月收入{}，高于{standard}，不符合经济困难条件。",
            yuan(per_capita)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn rules() -> RuleBook {
        RuleBook::shipped().expect("valid data")
    }

    fn facts<'a>(matter: &'a str, means: &'a Means) -> Facts<'a> {
        Facts {
            matter_code: matter,
            region_code: "341504",
            received_on: d("2024-08-05"),
            means,
            limitation_date: None,
            preservation_urgent: false,
        }
    }

    #[test]
    fn a_migrant_worker_claiming_wages_is_exempt_from_verification() {
        let m = Means::Exemption {
            code: "migrant_worker_wage_or_injury".into(),
            proof_provided: true,
        };
        let a = assess(&facts("labor_remuneration", &m), &rules());
        assert_eq!(a.verdict, Verdict::Eligible);
        assert!(
            a.reasons[0].contains("属于《法律援助法》第三十一条第五项"),
            "{:?}",
            a.reasons
        );
        assert!(a.reasons[1].contains("免予核查"), "{:?}", a.reasons);
    }

    #[test]
    fn household_income_against_twice_the_dibao() {
        // Lu'an example standard: 790 元 × 2 = 1580 元 per person per month.
        let poor = Means::Household {
            members: 3,
            monthly_income_fen: 3 * 158_000,
        };
        let a = assess(&facts("injury_traffic", &poor), &rules());
        assert_eq!(
            a.verdict,
            Verdict::Eligible,
            "exactly at the standard qualifies"
        );
        assert_eq!(
            (a.per_capita_income_fen, a.threshold_fen),
            (Some(158_000), Some(158_000))
        );
        assert!(
            a.reasons[1].contains("不高于六安市经济困难标准1580.00元"),
            "{:?}",
            a.reasons
        );
        let richer = Means::Household {
            members: 3,
            monthly_income_fen: 3 * 158_000 + 3,
        };
        let a = assess(&facts("injury_traffic", &richer), &rules());
        assert_eq!(a.verdict, Verdict::Ineligible);
        assert!(a.reasons[1].contains("高于"), "{:?}", a.reasons);
    }

    #[test]
    fn article_32_matters_have_no_hardship_condition() {
        let a = assess(&facts("abuse_violence_victim", &Means::NotGiven), &rules());
        assert_eq!(a.verdict, Verdict::Eligible);
        assert!(a.reasons[1].contains("不受经济困难条件的限制"));
    }

    #[test]
    fn notified_criminal_cases_skip_the_means_review() {
        let a = assess(
            &facts("criminal_defense_notified", &Means::NotGiven),
            &rules(),
        );
        assert_eq!(a.verdict, Verdict::Eligible);
        assert_eq!(a.hardship, Some(HardshipCondition::Notified));
    }

    #[test]
    fn a_contract_dispute_is_out_of_scope() {
        let m = Means::Household {
            members: 1,
            monthly_income_fen: 0,
        };
        let a = assess(&facts("not_listed", &m), &rules());
        assert_eq!(a.verdict, Verdict::Ineligible);
        assert!(!a.in_scope);
    }

    #[test]
    fn missing_facts_are_named_not_refused() {
        let a = assess(&facts("support_payment", &Means::NotGiven), &rules());
        assert_eq!(a.verdict, Verdict::NeedsInformation);
        assert!(a.missing[0].contains("家庭经济状况"));
        let m = Means::Exemption {
            code: "dibao_recipient".into(),
            proof_provided: false,
        };
        let a = assess(&facts("support_payment", &m), &rules());
        assert_eq!(a.verdict, Verdict::NeedsInformation);
        assert!(
            a.missing[0].contains("领取最低生活保障待遇"),
            "{:?}",
            a.missing
        );
        let mut f = facts(
            "support_payment",
            &Means::Household {
                members: 2,
                monthly_income_fen: 1,
            },
        );
        f.received_on = d("2023-06-01");
        let a = assess(&f, &rules());
        assert_eq!(
            a.verdict,
            Verdict::NeedsInformation,
            "no standard configured for that date"
        );
    }

    #[test]
    fn a_declaration_is_accepted_and_marked_for_verification() {
        let m = Means::Declaration {
            members: 2,
            monthly_income_fen: 100_000,
        };
        let a = assess(&facts("labor_remuneration", &m), &rules());
        assert_eq!(a.verdict, Verdict::Eligible);
        assert!(a.needs_verification);
    }

    #[test]
    fn fewer_than_seven_days_to_the_limitation_date_allows_pre_emptive_aid() {
        let m = Means::Household {
            members: 1,
            monthly_income_fen: 0,
        };
        let mut f = facts("injury_work", &m);
        f.limitation_date = Some(d("2024-08-11"));
        assert!(assess(&f, &rules()).pre_emptive, "6 days left");
        f.limitation_date = Some(d("2024-08-12"));
        assert!(!assess(&f, &rules()).pre_emptive, "7 days left");
        f.limitation_date = None;
        f.preservation_urgent = true;
        assert!(assess(&f, &rules()).pre_emptive);
    }

    #[test]
    fn yuan_formatting() {
        assert_eq!(yuan(158_000), "1580.00元");
        assert_eq!(yuan(5), "0.05元");
        assert_eq!(yuan(-120), "-1.20元");
    }

    /// The scenario table: every matter code with the condition the law attaches
    /// to it, assessed for a poor household, a household above the standard, and
    /// an applicant who has not yet shown their means.
    #[test]
    fn scenario_table_for_every_matter() {
        use crate::rules::HardshipCondition::*;
        let table: &[(&str, crate::rules::HardshipCondition, &str)] = &[
            ("state_compensation", Required, "第三十一条第一项"),
            ("social_insurance_assistance", Required, "第三十一条第二项"),
            ("pension_bereavement", Required, "第三十一条第三项"),
            ("support_payment", Required, "第三十一条第四项"),
            ("labor_remuneration", Required, "第三十一条第五项"),
            ("civil_capacity", Required, "第三十一条第六项"),
            ("injury_work", Required, "第三十一条第七项"),
            ("injury_traffic", Required, "第三十一条第七项"),
            ("injury_food_drug", Required, "第三十一条第七项"),
            ("injury_medical", Required, "第三十一条第七项"),
            ("environment_damage", Required, "第三十一条第八项"),
            ("martyr_personality", NotRequired, "第三十二条第一项"),
            ("heroic_act", NotRequired, "第三十二条第二项"),
            (
                "retrial_acquittal_compensation",
                NotRequired,
                "第三十二条第三项",
            ),
            ("abuse_violence_victim", NotRequired, "第三十二条第四项"),
            ("labor_dispute_compensation", Required, "第十三条第五项"),
            ("product_quality_damage", Required, "第十三条第六项"),
            ("ultra_hazardous_damage", Required, "第十三条第七项"),
            ("agri_input_loss", Required, "第十三条第八项"),
            ("rural_land_contract", Required, "第十三条第十一项"),
            ("retrial_petition", Required, "第三十三条"),
            ("criminal_defense_applied", Required, "第二十四条"),
            ("criminal_defense_notified", Notified, "第二十五条第一款"),
            (
                "criminal_defense_full_coverage",
                Notified,
                "第二十五条第二款",
            ),
            ("death_penalty_review", Notified, "第二十五条第一款第五项"),
            ("compulsory_medical", Notified, "第二十八条"),
            ("criminal_victim_agent", Required, "第二十九条"),
            ("other_by_law", Required, "第三十一条第九项"),
        ];
        let r = rules();
        assert_eq!(
            table.len(),
            r.matters.len(),
            "every shipped matter is in the table"
        );
        let poor = Means::Household {
            members: 4,
            monthly_income_fen: 4 * 100_000,
        };
        let richer = Means::Household {
            members: 1,
            monthly_income_fen: 500_000,
        };
        for (code, condition, article) in table {
            let a = assess(&facts(code, &poor), &r);
            assert_eq!(a.hardship, Some(*condition), "{code}");
            assert!(
                a.basis.as_deref().unwrap_or_default().contains(article),
                "{code}: {:?}",
                a.basis
            );
            assert_eq!(a.verdict, Verdict::Eligible, "{code} for a poor household");
            let rich = assess(&facts(code, &richer), &r).verdict;
            let silent = assess(&facts(code, &Means::NotGiven), &r).verdict;
            match condition {
                Required => {
                    assert_eq!(rich, Verdict::Ineligible, "{code} above the standard");
                    assert_eq!(silent, Verdict::NeedsInformation, "{code} without means");
                }
                NotRequired | Notified => {
                    assert_eq!(rich, Verdict::Eligible, "{code}: no hardship condition");
                    assert_eq!(silent, Verdict::Eligible, "{code}: no hardship condition");
                }
            }
        }
    }

    /// Every ground for exemption (LAL art 42, Anhui art 23) spares the means
    /// test when its proof is provided, and asks for that proof when it is not.
    #[test]
    fn scenario_table_for_every_exemption() {
        let r = rules();
        assert_eq!(r.exemptions.len(), 14);
        for e in &r.exemptions {
            let with = Means::Exemption {
                code: e.code.clone(),
                proof_provided: true,
            };
            let a = assess(&facts("support_payment", &with), &r);
            assert_eq!(a.verdict, Verdict::Eligible, "{}", e.code);
            assert!(
                a.exemption
                    .as_deref()
                    .unwrap_or_default()
                    .contains(&e.label),
                "{}",
                e.code
            );
            let without = Means::Exemption {
                code: e.code.clone(),
                proof_provided: false,
            };
            let a = assess(&facts("support_payment", &without), &r);
            assert_eq!(a.verdict, Verdict::NeedsInformation, "{}", e.code);
            assert!(a.missing[0].contains(&e.label), "{}", e.code);
        }
    }
}
