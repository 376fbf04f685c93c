//! What the portal tells everyone: the matters in scope with their articles,
//! the hardship standards with their dates, the exemptions, what to bring and
//! where to go, all read from the rules and the units in force; and the
//! eligibility self-check, which stores nothing.

use super::count;
use crate::{App, AppResult, RequestMeta};
use chrono::NaiveDate;
use legalaid_domain::assessment::{Assessment, Facts, Means, assess};
use legalaid_domain::portal::{Counter, MeansChoice};
use legalaid_domain::rules::{ExemptionRule, HardshipStandard, MatterRule};
use legalaid_domain::unit::{Unit, UnitKind};
use legalaid_domain::{FieldError, Validation, local_date};
use legalaid_store::regions::Region;

/// What to bring (LAL art 41; 《法律援助法》 and the Procedural Rules on
/// applications): the same everywhere, so written here with its basis.
pub const MATERIALS: &[&str] = &[
    "申请人的身份证明（居民身份证等）；代为申请的，还需代理人的身份证明和代理权限证明",
    "经济困难状况的说明：可以书面承诺家庭成员和收入情况（个人诚信承诺），法律援助机构依法核查",
    "属于免予核查经济困难状况人员的，提供相应证明（如低保证、特困供养证明、残疾人证等）",
    "与所申请法律援助事项有关的材料（如劳动合同、工资条、欠条、病历、起诉状、法律文书等）",
];

/// The region the portal serves: the widest region of an active justice bureau
/// (a district's portal serves the district; a province's the province).
fn root(units: &[Unit]) -> Option<String> {
    units
        .iter()
        .filter(|u| u.active && u.kind == UnitKind::JusticeBureau)
        .map(|u| u.region_code.as_str().to_owned())
        .min_by_key(|c| (c.len(), c.clone()))
}

/// Every active unit (the portal's directory and choices).
async fn active_units(app: &App) -> AppResult<Vec<Unit>> {
    crate::units::active_all(app).await
}

/// The rules in force for the portal's region today.
#[derive(Debug, Clone)]
pub struct Info {
    pub today: NaiveDate,
    pub region_name: String,
    pub matters: Vec<MatterRule>,
    pub exemptions: Vec<ExemptionRule>,
    /// The standard of each city in the region, in force today; a city without
    /// one is named in `missing_standards` (shown, never hidden).
    pub standards: Vec<HardshipStandard>,
    pub missing_standards: Vec<String>,
    pub materials: &'static [&'static str],
    /// The townships (乡镇、街道) an applicant chooses from.
    pub townships: Vec<Region>,
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on <= t)
}

pub async fn info(app: &App) -> AppResult<Info> {
    let today = local_date(app.clock.now());
    let units = active_units(app).await?;
    let regions = crate::regions::list(app).await?;
    let root = root(&units).unwrap_or_default();
    let mut tx = app.store.read().await?;
    let rules = crate::in_force::in_force(app, &mut tx).await?.rules.clone();
    drop(tx);
    let within = |code: &str| code.starts_with(&root) || root.starts_with(code);
    let applies = |p: &Option<String>| p.as_deref().is_none_or(|p| root.starts_with(p));
    let mut matters: Vec<MatterRule> = rules
        .matters
        .iter()
        .filter(|m| applies(&m.province) && in_force(m.effective_from, m.effective_to, today))
        .cloned()
        .collect();
    matters.sort_by(|a, b| (a.category.as_str(), &a.code).cmp(&(b.category.as_str(), &b.code)));
    let exemptions = rules
        .exemptions
        .iter()
        .filter(|e| applies(&e.province) && in_force(e.effective_from, e.effective_to, today))
        .cloned()
        .collect();
    // The cities of the region: the region itself when it is a city or below.
    let cities: Vec<&Region> = regions
        .iter()
        .filter(|r| r.code.as_str().len() == 4 && within(r.code.as_str()))
        .collect();
    let mut standards = Vec::new();
    let mut missing_standards = Vec::new();
    for c in &cities {
        match rules.standard(c.code.as_str(), today) {
            Some(s) => standards.push(s.clone()),
            None => missing_standards.push(c.name.clone()),
        }
    }
    let region_name = regions
        .iter()
        .find(|r| r.code.as_str() == root)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let townships = regions
        .into_iter()
        .filter(|r| r.code.as_str().len() == 9 && r.code.as_str().starts_with(&root))
        .collect();
    Ok(Info {
        today,
        region_name,
        matters,
        exemptions,
        standards,
        missing_standards,
        materials: MATERIALS,
        townships,
    })
}

/// The units where the public is received, by kind.
#[derive(Debug, Clone)]
pub struct Directory {
    pub centers: Vec<Unit>,
    pub offices: Vec<Unit>,
    pub workstations: Vec<Unit>,
    pub bureaus: Vec<Unit>,
}

pub async fn directory(app: &App) -> AppResult<Directory> {
    let units = active_units(app).await?;
    let of = |k: UnitKind| -> Vec<Unit> { units.iter().filter(|u| u.kind == k).cloned().collect() };
    Ok(Directory {
        centers: of(UnitKind::LegalAidCenter),
        offices: of(UnitKind::JudicialOffice),
        workstations: of(UnitKind::Workstation),
        bureaus: of(UnitKind::JusticeBureau),
    })
}

/// The self-check's questions, as the form gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SelfCheckInput {
    #[serde(default)]
    pub matter_code: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub monthly_income_yuan: String,
    #[serde(default)]
    pub exemption_code: String,
}

/// The engine's answer to a self-check, with the articles, and the center that
/// would receive an application.
#[derive(Debug, Clone)]
pub struct SelfCheck {
    pub assessment: Assessment,
    pub center: Option<Unit>,
}

/// Runs the assessment engine on the answers; nothing is stored (only the
/// address's counter moves).
pub async fn self_check(
    app: &App,
    meta: &RequestMeta,
    input: &SelfCheckInput,
) -> Result<SelfCheck, crate::AppError> {
    let l = super::limits(app).await?;
    count(app, &l, Counter::ChecksPerAddress, &meta.ip).await?;
    let mut v = Validation::new();
    let township = input.township.trim();
    if township.len() != 9 || !township.chars().all(|c| c.is_ascii_digit()) {
        v.add("township", "请选择所在乡镇（街道）");
    }
    if input.matter_code.trim().is_empty() {
        v.add("matter_code", "请选择遇到的法律事项");
    }
    let (choice, household, exemption) = legalaid_domain::portal::means(
        &mut v,
        &input.means,
        &input.members,
        &input.monthly_income_yuan,
        &input.exemption_code,
    );
    let means = match (choice, household, exemption) {
        (Some(MeansChoice::Declaration), Some(h), _) => Means::Declaration {
            members: h.members,
            monthly_income_fen: h.monthly_income_fen,
        },
        (Some(MeansChoice::Exemption), _, Some(code)) => Means::Exemption {
            code,
            proof_provided: true,
        },
        _ => Means::NotGiven,
    };
    if !v.is_empty() {
        return Err(crate::AppError::Validation(v.errors().to_vec()));
    }
    let units = active_units(app).await?;
    let center = legalaid_domain::portal::receiving_center(township, &units).cloned();
    let Some(center) = center else {
        return Err(crate::AppError::Validation(vec![FieldError {
            field: "township".into(),
            message: "所选乡镇（街道）没有对应的法律援助中心".into(),
        }]));
    };
    let mut tx = app.store.read().await?;
    let rules = crate::in_force::in_force(app, &mut tx).await?.rules.clone();
    drop(tx);
    let assessment = assess(
        &Facts {
            matter_code: input.matter_code.trim(),
            region_code: center.region_code.as_str(),
            received_on: local_date(app.clock.now()),
            means: &means,
            limitation_date: None,
            preservation_urgent: false,
        },
        &rules,
    );
    Ok(SelfCheck {
        assessment,
        center: Some(center),
    })
}

pub(crate) async fn units_for_portal(app: &App) -> AppResult<Vec<Unit>> {
    active_units(app).await
}
