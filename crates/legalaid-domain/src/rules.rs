//! The rules in force, as data with effective dates: the matter scope, the
//! exemptions from hardship verification, and the hardship standard by city.
//! Defaults ship in `data/rules/*.csv`; administrators maintain them.

use crate::deadline::{DeadlineRule, PeriodUnit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Whether the economic hardship condition applies to a matter.
    HardshipCondition {
        Required => ("required", "须符合经济困难条件"),
        NotRequired => ("not_required", "不受经济困难条件的限制"),
        /// Notified by a court, procuratorate or police: no application review of means.
        Notified => ("notified", "通知辩护或代理，无需审查经济状况"),
    }
);

code_enum!(
    MatterCategory {
        Civil => ("civil", "民事、行政"),
        Criminal => ("criminal", "刑事"),
        Other => ("other", "其他"),
    }
);

/// One matter in the scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterRule {
    /// Lower-case letters, digits and underscores, e.g. `labor_remuneration`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9_]{1,50}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    pub category: MatterCategory,
    pub hardship: HardshipCondition,
    /// The article that brings the matter into scope.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub basis: String,
    /// Province code for provincial additions; None for national rules.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{2}$"))]
    pub province: Option<String>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// One ground for exemption from hardship verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExemptionRule {
    /// Lower-case letters, digits and underscores.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9_]{1,50}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub basis: String,
    /// Province code for provincial additions; None for national rules.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{2}$"))]
    pub province: Option<String>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// The hardship standard of a prefecture-level city from a date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HardshipStandard {
    pub city_code: String,
    pub city: String,
    pub effective_from: NaiveDate,
    /// The city's minimum living standard (低保), fen per person per month.
    pub dibao_monthly_fen: i64,
    /// The threshold is `multiplier` × 低保 (Anhui: 2).
    pub multiplier: i64,
    pub source: String,
    pub note: String,
}

impl HardshipStandard {
    /// Household monthly income per person at or below this meets the standard.
    pub fn threshold_fen(&self) -> i64 {
        self.dibao_monthly_fen.saturating_mul(self.multiplier)
    }
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on <= t)
}

fn applies_in(province: Option<&str>, region_code: &str) -> bool {
    province.is_none_or(|p| region_code.starts_with(p))
}

/// The rules loaded from storage, asked "what is in force here, on this date".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleBook {
    pub matters: Vec<MatterRule>,
    pub exemptions: Vec<ExemptionRule>,
    pub standards: Vec<HardshipStandard>,
    pub deadlines: Vec<DeadlineRule>,
}

impl RuleBook {
    /// The matter with this code in force on `on` in the region `region_code`.
    pub fn matter(&self, code: &str, region_code: &str, on: NaiveDate) -> Option<&MatterRule> {
        self.matters
            .iter()
            .filter(|m| {
                m.code == code
                    && applies_in(m.province.as_deref(), region_code)
                    && in_force(m.effective_from, m.effective_to, on)
            })
            .max_by_key(|m| m.effective_from)
    }

    pub fn exemption(
        &self,
        code: &str,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<&ExemptionRule> {
        self.exemptions
            .iter()
            .filter(|e| {
                e.code == code
                    && applies_in(e.province.as_deref(), region_code)
                    && in_force(e.effective_from, e.effective_to, on)
            })
            .max_by_key(|e| e.effective_from)
    }

    /// The latest version of the deadline rule with this code (for its label and
    /// for pages that show the rule as it now stands).
    pub fn deadline(&self, code: &str) -> Option<&DeadlineRule> {
        self.deadlines
            .iter()
            .filter(|d| d.code == code)
            .max_by_key(|d| d.effective_from)
    }

    /// The version of the deadline rule `code` that governs a period starting on
    /// `on`: the latest effective on or before that day; a period older than every
    /// version falls under the earliest.
    pub fn deadline_at(&self, code: &str, on: NaiveDate) -> Option<&DeadlineRule> {
        let versions = || self.deadlines.iter().filter(|d| d.code == code);
        versions()
            .filter(|d| d.effective_from <= on)
            .max_by_key(|d| d.effective_from)
            .or_else(|| versions().min_by_key(|d| d.effective_from))
    }

    /// The standard of the city that governs `region_code` (its first 4 digits), in force on `on`.
    pub fn standard(&self, region_code: &str, on: NaiveDate) -> Option<&HardshipStandard> {
        let city = region_code.get(..4)?;
        self.standards
            .iter()
            .filter(|s| s.city_code == city && s.effective_from <= on)
            .max_by_key(|s| s.effective_from)
    }
}

/// Splits simple CSV (no quoted fields; our data uses Chinese punctuation inside
/// texts) into rows of exactly `n` fields, skipping the header.
fn rows(text: &str, n: usize) -> Result<Vec<Vec<&str>>, String> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            if f.len() == n {
                Ok(f)
            } else {
                Err(format!(
                    "line {}: expected {n} fields, found {}",
                    i + 1,
                    f.len()
                ))
            }
        })
        .collect()
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("date {s:?}: {e}"))
}

fn opt_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.is_empty() {
        Ok(None)
    } else {
        date(s).map(Some)
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl RuleBook {
    /// Reads the CSV files of `data/rules/`.
    pub fn from_csv(
        matters: &str,
        exemptions: &str,
        standards: &str,
        deadlines: &str,
    ) -> Result<RuleBook, String> {
        let matters = rows(matters, 8)
            .map_err(|e| format!("matters.csv {e}"))?
            .into_iter()
            .map(|f| {
                Ok(MatterRule {
                    code: f[0].to_owned(),
                    label: f[1].to_owned(),
                    category: MatterCategory::parse(f[2])
                        .ok_or(format!("matters.csv: category {:?}", f[2]))?,
                    hardship: HardshipCondition::parse(f[3])
                        .ok_or(format!("matters.csv: hardship {:?}", f[3]))?,
                    basis: f[4].to_owned(),
                    province: opt(f[5]),
                    effective_from: date(f[6])?,
                    effective_to: opt_date(f[7])?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let exemptions = rows(exemptions, 6)
            .map_err(|e| format!("exemptions.csv {e}"))?
            .into_iter()
            .map(|f| {
                Ok(ExemptionRule {
                    code: f[0].to_owned(),
                    label: f[1].to_owned(),
                    basis: f[2].to_owned(),
                    province: opt(f[3]),
                    effective_from: date(f[4])?,
                    effective_to: opt_date(f[5])?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let standards = rows(standards, 7)
            .map_err(|e| format!("hardship-standards.csv {e}"))?
            .into_iter()
            .map(|f| {
                Ok(HardshipStandard {
                    city_code: f[0].to_owned(),
                    city: f[1].to_owned(),
                    effective_from: date(f[2])?,
                    dibao_monthly_fen: f[3]
                        .parse()
                        .map_err(|_| format!("hardship-standards.csv: amount {:?}", f[3]))?,
                    multiplier: f[4]
                        .parse()
                        .map_err(|_| format!("hardship-standards.csv: multiplier {:?}", f[4]))?,
                    source: f[5].to_owned(),
                    note: f[6].to_owned(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let deadlines = rows(deadlines, 6)
            .map_err(|e| format!("deadlines.csv {e}"))?
            .into_iter()
            .map(|f| {
                Ok(DeadlineRule {
                    code: f[0].to_owned(),
                    label: f[1].to_owned(),
                    length: f[2]
                        .parse()
                        .map_err(|_| format!("deadlines.csv: length {:?}", f[2]))?,
                    unit: PeriodUnit::parse(f[3])
                        .ok_or(format!("deadlines.csv: unit {:?}", f[3]))?,
                    roll_over_rest_days: f[4] == "true",
                    source: f[5].to_owned(),
                    effective_from: crate::deadline::legal_aid_law_in_force(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(RuleBook {
            matters,
            exemptions,
            standards,
            deadlines,
        })
    }

    /// The defaults shipped with the system.
    pub fn shipped() -> Result<RuleBook, String> {
        RuleBook::from_csv(
            include_str!("../data/rules/matters.csv"),
            include_str!("../data/rules/exemptions.csv"),
            include_str!("../data/rules/hardship-standards.csv"),
            include_str!("../data/rules/deadlines.csv"),
        )
    }
}

/// The part of a rule's recorded source that users see beside a deadline or an
/// amount: its legal basis. The notes kept with shipped data for whoever maintains
/// the rules ("示例…", "待核实…", "产品决定：") are shown only on the
/// administrators' rule pages, which show the source as recorded.
pub fn basis_for_users(source: &str) -> String {
    let mut parts = Vec::new();
    for part in source.split('；') {
        let part = part.trim();
        if part.is_empty() || part.starts_with("示例") || part.starts_with("待核实") {
            continue;
        }
        let part = part.strip_prefix("产品决定：").unwrap_or(part);
        // Remarks in brackets that are notes for maintainers.
        let mut kept = String::new();
        let mut rest = part;
        while let Some(open) = rest.find('（') {
            let Some(close) = rest[open..].find('）').map(|c| open + c) else {
                break;
            };
            let inner = &rest[open + '（'.len_utf8()..close];
            kept.push_str(&rest[..open]);
            if !(inner.contains("待核实") || inner.contains("示例") || inner.contains("非叶集区"))
            {
                kept.push_str(&rest[open..close + '）'.len_utf8()]);
            }
            rest = &rest[close + '）'.len_utf8()..];
        }
        kept.push_str(rest);
        if !kept.is_empty() {
            parts.push(kept);
        }
    }
    parts.join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_see_the_legal_basis_and_not_the_maintainers_notes() {
        assert_eq!(
            basis_for_users("《法律援助法》第四十三条第一款"),
            "《法律援助法》第四十三条第一款"
        );
        assert_eq!(
            basis_for_users("《办理法律援助案件程序规定》（2012）；待核实2023年规定"),
            "《办理法律援助案件程序规定》（2012）"
        );
        assert_eq!(
            basis_for_users("产品决定：补充材料通知书载明的期限（默认十五日）"),
            "补充材料通知书载明的期限（默认十五日）"
        );
        assert_eq!(
            basis_for_users("示例：天长市2020年法律援助经费管理办法（非叶集区标准，待核实）"),
            ""
        );
        assert_eq!(
            basis_for_users("刑事二审阶段（示例：同审判阶段）；《安徽省法律援助条例》第二十条"),
            "刑事二审阶段；《安徽省法律援助条例》第二十条"
        );
    }

    #[test]
    fn a_changed_deadline_rule_governs_only_the_periods_that_start_from_its_date() {
        let mut b = RuleBook::shipped().expect("shipped rules");
        let mut shorter = b.deadline("review_decision").cloned().expect("LAL art 43");
        shorter.length = 5;
        shorter.effective_from = d("2026-07-01");
        b.deadlines.push(shorter);
        let length = |on: &str| b.deadline_at("review_decision", d(on)).map(|r| r.length);
        assert_eq!(
            length("2026-06-30"),
            Some(7),
            "started before: the old version"
        );
        assert_eq!(length("2026-07-01"), Some(5));
        assert_eq!(
            length("2019-01-01"),
            Some(7),
            "older than every version: the first"
        );
        assert_eq!(b.deadline("review_decision").map(|r| r.length), Some(5));
        assert!(b.deadline_at("no_such_rule", d("2026-07-01")).is_none());
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_shipped_rules_load_and_hold_every_stable_code() {
        let b = RuleBook::shipped().expect("valid data");
        for code in [
            "state_compensation",
            "social_insurance_assistance",
            "pension_bereavement",
            "support_payment",
            "labor_remuneration",
            "civil_capacity",
            "injury_work",
            "injury_traffic",
            "injury_food_drug",
            "injury_medical",
            "environment_damage",
            "martyr_personality",
            "heroic_act",
            "retrial_acquittal_compensation",
            "abuse_violence_victim",
            "labor_dispute_compensation",
            "product_quality_damage",
            "ultra_hazardous_damage",
            "agri_input_loss",
            "rural_land_contract",
            "retrial_petition",
            "criminal_defense_applied",
            "criminal_defense_notified",
            "criminal_defense_full_coverage",
            "death_penalty_review",
            "compulsory_medical",
            "criminal_victim_agent",
            "other_by_law",
        ] {
            assert!(
                b.matter(code, "341504", d("2024-06-01")).is_some(),
                "{code}"
            );
        }
        assert_eq!(b.exemptions.len(), 14);
        let review = b.deadline("review_decision").expect("LAL art 43");
        assert_eq!(
            (review.length, review.unit, review.roll_over_rest_days),
            (7, PeriodUnit::CalendarDays, true)
        );
        assert_eq!(
            b.deadline("custody_forwarding").map(|d| d.unit),
            Some(PeriodUnit::Hours)
        );
        assert!(b.matter("not_listed", "341504", d("2024-06-01")).is_none());
    }

    #[test]
    fn provincial_additions_apply_only_in_their_province() {
        let b = RuleBook::shipped().expect("valid data");
        assert!(
            b.matter("agri_input_loss", "341504", d("2024-06-01"))
                .is_some(),
            "Anhui"
        );
        assert!(
            b.matter("agri_input_loss", "320102", d("2024-06-01"))
                .is_none(),
            "Jiangsu"
        );
        assert!(
            b.matter("labor_remuneration", "320102", d("2024-06-01"))
                .is_some(),
            "national"
        );
        assert!(
            b.matter("labor_remuneration", "341504", d("2021-06-01"))
                .is_none(),
            "before the Legal Aid Law"
        );
    }

    #[test]
    fn the_standard_in_force_is_the_latest_started() {
        let mut b = RuleBook::shipped().expect("valid data");
        let mut newer = b.standards[0].clone();
        newer.effective_from = d("2025-01-01");
        newer.dibao_monthly_fen = 85_000;
        b.standards.push(newer);
        assert_eq!(
            b.standard("341504001", d("2024-12-31"))
                .map(HardshipStandard::threshold_fen),
            Some(158_000)
        );
        assert_eq!(
            b.standard("341504", d("2025-01-01"))
                .map(HardshipStandard::threshold_fen),
            Some(170_000)
        );
        assert!(
            b.standard("341504", d("2023-12-31")).is_none(),
            "no standard before the first"
        );
        assert!(
            b.standard("3201", d("2024-06-01")).is_none(),
            "another city"
        );
    }
}
