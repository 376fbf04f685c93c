//! 办案补贴: the subsidy a handler is paid for a closed case, as a pure function of
//! the case's facts and the schedule in force in its region on a date.
//!
//! Anhui leaves the amounts to each locality, differentiated by case type, stage and
//! quality grade (rules-research §4.4, source S26); the shape of the schedule follows
//! Tianchang (S27: graded rates, flat items for withdrawals, mediation and
//! enforcement) and Huaining (S28: staged payment when a case ends early, a distance
//! surcharge). 不合格 pays nothing until rectified (product decision; the 2019 civil
//! and administrative service standard allows withholding, S17). The schedule is
//! data with effective dates; the shipped one is an example, and every row says so.

use crate::case::{CaseType, Grade, Stage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The example schedule shipped with the system (Tianchang's rates, not Yeji's).
pub const SHIPPED_CSV: &str = include_str!("../data/rules/subsidies.csv");

const HEADER: &str = "kind,case_type,stage,grade,item,amount_fen,percent,min_km,region,effective_from,effective_to,label,source";

code_enum!(
    /// How a case ended when that ending is paid a flat amount instead of the graded rate.
    FlatItem {
        WithdrawnBeforeHearing => ("withdrawn_before_hearing", "庭前撤诉"),
        WithdrawnDuringHearing => ("withdrawn_during_hearing", "庭中撤诉"),
        Mediation => ("mediation", "非诉调解（调解结案）"),
        EnforcementAchieved => ("enforcement_achieved", "执行到位"),
    }
);

code_enum!(
    /// How far the work had gone when a case ended early (终止): a percentage of the rate.
    EarlyEnd {
        FileRead => ("file_read", "已阅卷"),
        Met => ("met", "已会见（约见）受援人"),
        FileReadAndMet => ("file_read_and_met", "已阅卷并会见"),
        EvidenceCollected => ("evidence_collected", "已调查取证"),
        InLitigation => ("in_litigation", "已进入诉讼或仲裁程序"),
    }
);

/// What one row of the schedule prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tariff {
    /// The graded rate of a case type and stage. 不合格 has no rate: it pays nothing.
    Rate {
        case_type: CaseType,
        stage: Stage,
        grade: Grade,
        amount_fen: i64,
    },
    /// A flat, ungraded amount; `case_type` None applies to every type.
    Flat {
        case_type: Option<CaseType>,
        item: FlatItem,
        amount_fen: i64,
    },
    /// The percentage of the graded rate paid when a case ends early.
    Partial {
        case_type: Option<CaseType>,
        early_end: EarlyEnd,
        percent: u32,
    },
    /// A travel surcharge band: `amount_fen` from `min_km` kilometres on.
    Travel { min_km: u32, amount_fen: i64 },
}

/// One row of the schedule, in force in a region (code prefix; "" everywhere) for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleEntry {
    pub tariff: Tariff,
    pub region: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub label: String,
    pub source: String,
}

impl ScheduleEntry {
    fn applies(&self, region_code: &str, on: NaiveDate) -> bool {
        region_code.starts_with(&self.region)
            && self.effective_from <= on
            && self.effective_to.is_none_or(|t| on <= t)
    }

    /// Precedence among entries for the same thing: the more specific region wins,
    /// then the newer version.
    fn rank(&self) -> (usize, NaiveDate) {
        (self.region.len(), self.effective_from)
    }

    /// The row as users see it beside an amount: its label, its legal basis (the
    /// notes kept for maintainers left out, `rules::basis_for_users`) and its date.
    fn basis(&self) -> String {
        let basis = crate::rules::basis_for_users(&self.source);
        let label = crate::rules::basis_for_users(&self.label);
        if basis.is_empty() {
            format!("{label}（自{}起施行）", self.effective_from)
        } else {
            format!("{label}；{basis}（自{}起施行）", self.effective_from)
        }
    }
}

/// The subsidy schedule loaded from storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubsidySchedule {
    pub entries: Vec<ScheduleEntry>,
}

/// The facts of a closed case that decide its subsidy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyFacts {
    pub case_type: CaseType,
    pub stage: Stage,
    pub grade: Grade,
    pub flat_item: Option<FlatItem>,
    pub early_end: Option<EarlyEnd>,
    /// Distance travelled to handle the case away from home, if it was.
    pub travel_km: Option<u32>,
}

/// One step of the derivation, in words a payer can check. The last line, 合计, is the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DerivationLine {
    pub label: String,
    pub amount_fen: i64,
    /// The schedule row and its source.
    pub basis: String,
}

impl std::fmt::Display for DerivationLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}元", self.label, yuan(self.amount_fen))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyComputation {
    pub total_fen: i64,
    pub lines: Vec<DerivationLine>,
    /// The source of the schedule row that set the base amount.
    pub schedule_source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubsidyError {
    #[error("{}案件没有{}", .case_type.label(), .stage.label())]
    StageNotAllowed { case_type: CaseType, stage: Stage },
    #[error("按固定标准计发的结案方式（{}）不再适用提前终止比例（{}）", .item.label(), .early_end.label())]
    FlatAndEarlyEnd { item: FlatItem, early_end: EarlyEnd },
    /// The schedule in force lacks a row the case needs; `what` names it in Chinese.
    #[error("缺少{what}（地区 {region}，{on}）")]
    Missing {
        what: String,
        region: String,
        on: NaiveDate,
    },
}

impl SubsidyError {
    fn missing(what: String, region: &str, on: NaiveDate) -> SubsidyError {
        SubsidyError::Missing {
            what,
            region: region.to_owned(),
            on,
        }
    }
}

/// "刑事·审判阶段（一审）·良好"; a case handled as a whole omits the stage.
pub(crate) fn heading(case_type: CaseType, stage: Stage, grade: Option<Grade>) -> String {
    let mut h = case_type.label().to_owned();
    for part in [
        (stage != Stage::Whole).then(|| stage.label()),
        grade.map(Grade::label),
    ]
    .into_iter()
    .flatten()
    {
        h = format!("{h}·{part}");
    }
    h
}

/// 150000 fen → "1,500.00" (thousands grouped; the caller adds 元). Unlike
/// `assessment::yuan`, which prints "1500.00元" inside sentences of decisions, this
/// is the figure style of payment vouchers and budgets.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// `num / den` rounded half up (half away from zero) to an integer; `den` > 0.
pub(crate) fn div_round(num: i128, den: i128) -> i64 {
    let q = (num.abs() * 2 + den) / (den * 2);
    i64::try_from(if num < 0 { -q } else { q }).unwrap_or(i64::MAX)
}

impl SubsidySchedule {
    /// Reads `data/rules/subsidies.csv`: simple CSV without quoting (texts use
    /// Chinese punctuation), a fixed header, blank cells where a column does not
    /// apply to the row's kind. Errors name the line.
    pub fn from_csv(text: &str) -> Result<SubsidySchedule, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == HEADER => {}
            _ => return Err(format!("subsidies.csv 第1行：表头应为 {HEADER}")),
        }
        let entries = lines
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| entry(l).map_err(|e| format!("subsidies.csv 第{}行：{e}", i + 1)))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(SubsidySchedule { entries })
    }

    /// One row in the CSV's column order (what an administrator adds), checked
    /// like the shipped file's rows.
    pub fn parse_row(line: &str) -> Result<ScheduleEntry, String> {
        entry(line)
    }

    /// The example schedule shipped with the system.
    pub fn shipped() -> Result<SubsidySchedule, String> {
        SubsidySchedule::from_csv(SHIPPED_CSV)
    }

    fn in_force<'s>(
        &'s self,
        region_code: &str,
        on: NaiveDate,
    ) -> impl Iterator<Item = &'s ScheduleEntry> {
        self.entries
            .iter()
            .filter(move |e| e.applies(region_code, on))
    }

    /// The entry that wins among those in force whose tariff `pick` accepts:
    /// the more local region, then the newer version, then (for rows with an
    /// optional case type) the row for this case type over a row for every type.
    fn best<T>(
        &self,
        region_code: &str,
        on: NaiveDate,
        pick: impl Fn(&Tariff) -> Option<(T, bool)>,
    ) -> Option<(T, &ScheduleEntry)> {
        self.in_force(region_code, on)
            .filter_map(|e| pick(&e.tariff).map(|(v, specific)| (v, specific, e)))
            .max_by_key(|(_, specific, e)| (e.rank(), *specific))
            .map(|(v, _, e)| (v, e))
    }

    /// The graded rate in force, in fen, with its row.
    pub fn rate(
        &self,
        case_type: CaseType,
        stage: Stage,
        grade: Grade,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<(i64, &ScheduleEntry)> {
        self.best(region_code, on, |t| match *t {
            Tariff::Rate {
                case_type: c,
                stage: s,
                grade: g,
                amount_fen,
            } if (c, s, g) == (case_type, stage, grade) => Some((amount_fen, true)),
            _ => None,
        })
    }

    /// The rate in fen. 不合格 counts 0 (nothing is paid until rectified) wherever
    /// the type and stage have a 合格 rate.
    pub fn rate_for(
        &self,
        case_type: CaseType,
        stage: Stage,
        grade: Grade,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<i64> {
        match grade {
            Grade::Unqualified => self
                .rate(case_type, stage, Grade::Qualified, region_code, on)
                .map(|_| 0),
            _ => self
                .rate(case_type, stage, grade, region_code, on)
                .map(|(fen, _)| fen),
        }
    }

    /// The flat amount in force for a way of ending, in fen, with its row.
    pub fn flat(
        &self,
        item: FlatItem,
        case_type: CaseType,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<(i64, &ScheduleEntry)> {
        self.best(region_code, on, |t| match *t {
            Tariff::Flat {
                case_type: c,
                item: i,
                amount_fen,
            } if i == item && c.is_none_or(|c| c == case_type) => Some((amount_fen, c.is_some())),
            _ => None,
        })
    }

    /// The percentage in force for a case that ended early, with its row.
    pub fn partial(
        &self,
        early_end: EarlyEnd,
        case_type: CaseType,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<(u32, &ScheduleEntry)> {
        self.best(region_code, on, |t| match *t {
            Tariff::Partial {
                case_type: c,
                early_end: x,
                percent,
            } if x == early_end && c.is_none_or(|c| c == case_type) => Some((percent, c.is_some())),
            _ => None,
        })
    }

    /// The travel band for a distance, in fen, with its row. The bands of one region
    /// and start date form a table that a newer or more local table replaces as a
    /// whole, so bands of two versions never mix. None when no table is in force;
    /// Some(None) when the distance is below the lowest band.
    pub fn travel_band(
        &self,
        km: u32,
        region_code: &str,
        on: NaiveDate,
    ) -> Option<Option<(i64, &ScheduleEntry)>> {
        let bands = || {
            self.in_force(region_code, on)
                .filter_map(|e| match e.tariff {
                    Tariff::Travel { min_km, amount_fen } => Some((min_km, amount_fen, e)),
                    _ => None,
                })
        };
        let version = bands().map(|(_, _, e)| e.rank()).max()?;
        Some(
            bands()
                .filter(|&(min_km, _, e)| e.rank() == version && min_km <= km)
                .max_by_key(|&(min_km, _, _)| min_km)
                .map(|(_, fen, e)| (fen, e)),
        )
    }
}

const UNQUALIFIED_BASIS: &str = "《全国民事行政法律援助服务规范》（2019）：评查不合格的，可不发或减发补贴；本系统规则：整改合格前不予发放";

/// The subsidy of a closed case: the graded rate (or a flat item instead), scaled by
/// the early-end percentage, plus the travel band; 不合格 pays nothing, travel included.
pub fn compute(
    schedule: &SubsidySchedule,
    facts: &SubsidyFacts,
    region_code: &str,
    on: NaiveDate,
) -> Result<SubsidyComputation, SubsidyError> {
    let (case_type, stage, grade) = (facts.case_type, facts.stage, facts.grade);
    if !case_type.allows(stage) {
        return Err(SubsidyError::StageNotAllowed { case_type, stage });
    }
    if let (Some(item), Some(early_end)) = (facts.flat_item, facts.early_end) {
        return Err(SubsidyError::FlatAndEarlyEnd { item, early_end });
    }
    let missing = |what: String| SubsidyError::missing(what, region_code, on);
    let line = |label: String, amount_fen: i64, basis: String| DerivationLine {
        label,
        amount_fen,
        basis,
    };
    let title = heading(case_type, stage, Some(grade));
    let mut lines = Vec::new();

    if grade == Grade::Unqualified {
        let in_force = schedule
            .in_force(region_code, on)
            .max_by_key(|e| e.rank())
            .ok_or_else(|| missing("补贴标准".into()))?;
        let basis = UNQUALIFIED_BASIS.to_owned();
        lines.push(line(format!("{title}：整改前不予发放"), 0, basis.clone()));
        if let Some(km) = facts.travel_km {
            lines.push(line(
                format!("差旅补助（{km}公里）：不合格案件一并不予发放"),
                0,
                basis,
            ));
        }
        lines.push(line("合计".into(), 0, "以上各项计得".into()));
        return Ok(SubsidyComputation {
            total_fen: 0,
            lines,
            schedule_source: crate::rules::basis_for_users(&in_force.source),
        });
    }

    let (mut amount, base) = match facts.flat_item {
        Some(item) => {
            let (fen, e) = schedule
                .flat(item, case_type, region_code, on)
                .ok_or_else(|| missing(format!("固定补贴标准：{}", item.label())))?;
            lines.push(line(
                format!("{}（固定补贴，不分等级）", item.label()),
                fen,
                e.basis(),
            ));
            (fen, e)
        }
        None => {
            let (fen, e) = schedule
                .rate(case_type, stage, grade, region_code, on)
                .ok_or_else(|| missing(format!("补贴标准：{title}")))?;
            lines.push(line(format!("{title} 基准"), fen, e.basis()));
            (fen, e)
        }
    };

    if let Some(end) = facts.early_end {
        let (percent, e) = schedule
            .partial(end, case_type, region_code, on)
            .ok_or_else(|| missing(format!("提前终止支付比例：{}", end.label())))?;
        // Round half up to the fen: 30% of 1,005 fen is 301.5, paid as 302.
        amount = div_round(i128::from(amount) * i128::from(percent), 100);
        let label = format!("提前终止（{}）按{percent}%计", end.label());
        lines.push(line(label, amount, e.basis()));
    }

    if let Some(km) = facts.travel_km {
        let band = schedule
            .travel_band(km, region_code, on)
            .ok_or_else(|| missing("差旅补助标准".into()))?;
        let travel = match band {
            Some((fen, e)) => line(format!("差旅补助（{km}公里，{}）", e.label), fen, e.basis()),
            None => line(
                format!("差旅补助（{km}公里，未达最低档）"),
                0,
                "距离低于差旅补助最低档".into(),
            ),
        };
        amount = amount.saturating_add(travel.amount_fen);
        lines.push(travel);
    }

    lines.push(line("合计".into(), amount, "以上各项计得".into()));
    Ok(SubsidyComputation {
        total_fen: amount,
        lines,
        schedule_source: crate::rules::basis_for_users(&base.source),
    })
}

/// The columns between `kind` and `region`, and for each kind whether a cell is
/// required (R), optional (O) or must be blank (-).
const COLUMNS: [&str; 7] = [
    "case_type",
    "stage",
    "grade",
    "item",
    "amount_fen",
    "percent",
    "min_km",
];
const SHAPES: [(&str, &str); 4] = [
    ("rate", "RRR-R--"),
    ("flat", "O--RR--"),
    ("partial", "O--R-R-"),
    ("travel", "----R-R"),
];

fn code<T>(col: &str, v: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
    parse(v).ok_or_else(|| format!("{col} 列的值 {v:?} 无法识别"))
}

fn number<T: FromStr + PartialOrd + Default>(
    col: &str,
    v: &str,
    max: T,
    what: &str,
) -> Result<T, String> {
    v.parse()
        .ok()
        .filter(|n| *n >= T::default() && *n <= max)
        .ok_or_else(|| format!("{col} 列应为{what}，实为 {v:?}"))
}

fn date(col: &str, v: &str) -> Result<NaiveDate, String> {
    code(col, v, |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn entry(line: &str) -> Result<ScheduleEntry, String> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    if f.len() != 13 {
        return Err(format!("应有13列，实有{}列", f.len()));
    }
    let kind = f[0];
    let shape = SHAPES
        .iter()
        .find(|(k, _)| *k == kind)
        .ok_or_else(|| {
            format!("kind 列的值 {kind:?} 无法识别（应为 rate、flat、partial 或 travel）")
        })?
        .1;
    for ((col, v), rule) in COLUMNS.iter().zip(&f[1..8]).zip(shape.chars()) {
        match (rule, v.is_empty()) {
            ('R', true) => return Err(format!("{col} 列不能为空")),
            ('-', false) => return Err(format!("{kind} 行的 {col} 列应为空，实为 {v:?}")),
            _ => {}
        }
    }
    for (col, i) in [("effective_from", 9), ("label", 11), ("source", 12)] {
        if f[i].is_empty() {
            return Err(format!("{col} 列不能为空"));
        }
    }
    let case_type = || code("case_type", f[1], CaseType::parse);
    let any_case_type = || (!f[1].is_empty()).then(case_type).transpose();
    let amount_fen = || number("amount_fen", f[5], i64::MAX, "不小于0的整数（单位：分）");
    let tariff = match kind {
        "rate" => {
            let (case_type, stage) = (case_type()?, code("stage", f[2], Stage::parse)?);
            let grade = code("grade", f[3], Grade::parse)?;
            if !case_type.allows(stage) {
                return Err(format!("{}案件没有{}", case_type.label(), stage.label()));
            }
            if grade == Grade::Unqualified {
                return Err("不合格不设补贴标准（整改前不予发放）".to_owned());
            }
            let amount_fen = amount_fen()?;
            Tariff::Rate {
                case_type,
                stage,
                grade,
                amount_fen,
            }
        }
        "flat" => Tariff::Flat {
            case_type: any_case_type()?,
            item: code("item", f[4], FlatItem::parse)?,
            amount_fen: amount_fen()?,
        },
        "partial" => Tariff::Partial {
            case_type: any_case_type()?,
            early_end: code("item", f[4], EarlyEnd::parse)?,
            percent: number("percent", f[6], 100, "0到100的整数")?,
        },
        _ => Tariff::Travel {
            min_km: number("min_km", f[7], u32::MAX, "不小于0的整数（公里）")?,
            amount_fen: amount_fen()?,
        },
    };
    let region = f[8];
    if !region.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "region 列应为行政区划代码前缀（数字），实为 {region:?}"
        ));
    }
    let effective_from = date("effective_from", f[9])?;
    let effective_to = (!f[10].is_empty())
        .then(|| date("effective_to", f[10]))
        .transpose()?;
    if effective_to.is_some_and(|t| t < effective_from) {
        return Err(format!(
            "effective_to {} 早于 effective_from {}",
            f[10], f[9]
        ));
    }
    Ok(ScheduleEntry {
        tariff,
        region: region.to_owned(),
        effective_from,
        effective_to,
        label: f[11].to_owned(),
        source: f[12].to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseType::*;
    use Grade::*;
    use Stage::*;

    const YEJI: &str = "341504";

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn shipped() -> SubsidySchedule {
        SubsidySchedule::shipped().expect("the shipped schedule parses")
    }

    fn with_rows(rows: &str) -> SubsidySchedule {
        SubsidySchedule::from_csv(&format!("{HEADER}\n{rows}")).expect("parses")
    }

    fn case(case_type: CaseType, stage: Stage, grade: Grade) -> SubsidyFacts {
        SubsidyFacts {
            case_type,
            stage,
            grade,
            flat_item: None,
            early_end: None,
            travel_km: None,
        }
    }

    impl SubsidyFacts {
        fn flat(self, item: FlatItem) -> Self {
            SubsidyFacts {
                flat_item: Some(item),
                ..self
            }
        }
        fn ended(self, end: EarlyEnd) -> Self {
            SubsidyFacts {
                early_end: Some(end),
                ..self
            }
        }
        fn km(self, km: u32) -> Self {
            SubsidyFacts {
                travel_km: Some(km),
                ..self
            }
        }
    }

    fn run(s: &SubsidySchedule, f: &SubsidyFacts, region: &str, on: &str) -> SubsidyComputation {
        compute(s, f, region, d(on)).expect("computes")
    }

    fn total(s: &SubsidySchedule, f: &SubsidyFacts, region: &str, on: &str) -> i64 {
        run(s, f, region, on).total_fen
    }

    fn texts(c: &SubsidyComputation) -> Vec<String> {
        c.lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn yuan_groups_thousands() {
        assert_eq!(yuan(150_000), "1,500.00");
        assert_eq!(yuan(32_363_500), "323,635.00");
        assert_eq!(yuan(10_000_000_000), "100,000,000.00");
        assert_eq!((yuan(5), yuan(0)), ("0.05".into(), "0.00".into()));
        assert_eq!(yuan(-123_456), "-1,234.56");
    }

    #[test]
    fn the_shipped_schedule_prices_every_stage_a_case_type_allows() {
        let (s, on) = (shipped(), d("2024-06-01"));
        for &ct in CaseType::ALL {
            for &st in Stage::ALL.iter().filter(|&&st| ct.allows(st)) {
                for g in [Qualified, Good, Excellent] {
                    assert!(s.rate_for(ct, st, g, YEJI, on).is_some(), "{ct} {st} {g}");
                }
                assert_eq!(s.rate_for(ct, st, Unqualified, YEJI, on), Some(0));
            }
        }
        assert!(
            FlatItem::ALL
                .iter()
                .all(|&i| s.flat(i, Civil, YEJI, on).is_some())
        );
        assert!(
            EarlyEnd::ALL
                .iter()
                .all(|&e| s.partial(e, Civil, YEJI, on).is_some())
        );
        assert!(
            s.entries
                .iter()
                .all(|e| e.source.starts_with("示例") && e.source.contains("待核实")),
            "the shipped rates are an example and must say so"
        );
        assert!(
            s.rate_for(Civil, Whole, Qualified, "320102", on).is_none(),
            "Jiangsu"
        );
        assert!(
            s.rate_for(Civil, Whole, Qualified, YEJI, d("2019-12-31"))
                .is_none()
        );
    }

    /// Tianchang's table: civil 1,200/1,400; criminal 800/1,000, 1,200/1,400 and
    /// 1,300/1,500; the example adds 优秀 = 良好 + 200 and the stages it lacks.
    #[test]
    fn the_graded_rate_follows_type_stage_and_grade() {
        let s = shipped();
        let cases = [
            (Civil, Whole, Qualified, 120_000),
            (Civil, Whole, Good, 140_000),
            (Civil, Whole, Excellent, 160_000),
            (Administrative, Whole, Good, 140_000),
            (NonLitigation, Whole, Qualified, 80_000),
            (Criminal, Investigation, Qualified, 80_000),
            (Criminal, Investigation, Good, 100_000),
            (Criminal, ProsecutionReview, Qualified, 120_000),
            (Criminal, ProsecutionReview, Good, 140_000),
            (Criminal, Trial, Qualified, 130_000),
            (Criminal, Trial, Good, 150_000),
            (Criminal, Trial, Excellent, 170_000),
            (Criminal, SecondInstance, Good, 150_000),
            (Criminal, DeathPenaltyReview, Excellent, 190_000),
        ];
        for (ct, st, g, fen) in cases {
            assert_eq!(
                total(&s, &case(ct, st, g), YEJI, "2024-06-01"),
                fen,
                "{ct} {st} {g}"
            );
        }
        let c = run(&s, &case(Criminal, Trial, Good), YEJI, "2024-06-01");
        assert_eq!(
            texts(&c),
            [
                "刑事·审判阶段（一审）·良好 基准 1,500.00元",
                "合计 1,500.00元"
            ]
        );
        // The shipped schedule is an example: users see its label and date, and the
        // maintainers' note ("示例…非叶集区标准，待核实") only on the schedule page.
        assert_eq!(c.schedule_source, "");
        assert_eq!(c.lines[0].basis, "刑事审判阶段（自2020-01-01起施行）");
    }

    #[test]
    fn a_flat_item_replaces_the_graded_rate_whatever_the_grade() {
        let s = shipped();
        let cases = [
            (FlatItem::WithdrawnBeforeHearing, 60_000),
            (FlatItem::WithdrawnDuringHearing, 100_000),
            (FlatItem::Mediation, 80_000),
            (FlatItem::EnforcementAchieved, 100_000),
        ];
        for (item, fen) in cases {
            for g in [Qualified, Good, Excellent] {
                let f = case(Civil, Whole, g).flat(item);
                assert_eq!(total(&s, &f, YEJI, "2024-06-01"), fen, "{item} {g}");
            }
        }
        let f = case(Civil, Whole, Good).flat(FlatItem::WithdrawnBeforeHearing);
        let c = run(&s, &f, YEJI, "2024-06-01");
        assert_eq!(
            c.lines[0].to_string(),
            "庭前撤诉（固定补贴，不分等级） 600.00元"
        );
    }

    /// Civil 合格 1,200: 30% 360, 30% 360, 50% 600, 70% 840, 80% 960.
    #[test]
    fn an_early_end_pays_its_percentage_of_the_rate() {
        let s = shipped();
        let cases = [
            (EarlyEnd::FileRead, 36_000),
            (EarlyEnd::Met, 36_000),
            (EarlyEnd::FileReadAndMet, 60_000),
            (EarlyEnd::EvidenceCollected, 84_000),
            (EarlyEnd::InLitigation, 96_000),
        ];
        for (end, fen) in cases {
            let f = case(Civil, Whole, Qualified).ended(end);
            assert_eq!(total(&s, &f, YEJI, "2024-06-01"), fen, "{end}");
        }
        // Criminal trial 良好 1,500 × 50% = 750.
        let f = case(Criminal, Trial, Good).ended(EarlyEnd::FileReadAndMet);
        assert_eq!(
            texts(&run(&s, &f, YEJI, "2024-06-01")),
            [
                "刑事·审判阶段（一审）·良好 基准 1,500.00元",
                "提前终止（已阅卷并会见）按50%计 750.00元",
                "合计 750.00元",
            ]
        );
    }

    #[test]
    fn a_percentage_rounds_half_up_to_the_fen() {
        let s = with_rows(
            "rate,civil,whole,qualified,,1005,,,34,2020-01-01,,测试,测试来源\n\
             partial,,,,file_read,,30,,34,2020-01-01,,测试,测试来源\n\
             partial,,,,met,,33,,34,2020-01-01,,测试,测试来源\n",
        );
        // 1,005 fen × 30% = 301.5 → 302; × 33% = 331.65 → 332.
        let f = |end| case(Civil, Whole, Qualified).ended(end);
        assert_eq!(total(&s, &f(EarlyEnd::FileRead), YEJI, "2024-06-01"), 302);
        assert_eq!(total(&s, &f(EarlyEnd::Met), YEJI, "2024-06-01"), 332);
    }

    #[test]
    fn travel_adds_the_band_the_distance_reaches() {
        let s = shipped();
        // Civil 合格 1,200 plus: <50 km 0, ≥50 km 100, ≥100 km 200.
        let bands = [
            (0, 0),
            (49, 0),
            (50, 10_000),
            (99, 10_000),
            (100, 20_000),
            (300, 20_000),
        ];
        for (km, extra) in bands {
            let f = case(Civil, Whole, Qualified).km(km);
            assert_eq!(
                total(&s, &f, YEJI, "2024-06-01"),
                120_000 + extra,
                "{km} km"
            );
        }
        // 侦查 良好 1,000 × 30% = 300, plus 100 for 68 km.
        let f = case(Criminal, Investigation, Good)
            .ended(EarlyEnd::FileRead)
            .km(68);
        assert_eq!(
            texts(&run(&s, &f, YEJI, "2024-06-01")),
            [
                "刑事·侦查阶段·良好 基准 1,000.00元",
                "提前终止（已阅卷）按30%计 300.00元",
                "差旅补助（68公里，≥50公里） 100.00元",
                "合计 400.00元",
            ]
        );
    }

    #[test]
    fn a_newer_travel_table_replaces_the_old_one_whole() {
        let rate = "rate,civil,whole,qualified,,100000,,,34,2020-01-01,,测试,测试来源\n";
        let s = with_rows(&format!(
            "{rate}travel,,,,,10000,,50,34,2020-01-01,,≥50公里,旧表\n\
             travel,,,,,20000,,100,34,2020-01-01,,≥100公里,旧表\n\
             travel,,,,,15000,,80,34,2025-01-01,,≥80公里,新表\n"
        ));
        let f = |km| case(Civil, Whole, Qualified).km(km);
        assert_eq!(total(&s, &f(120), YEJI, "2024-12-31"), 120_000);
        assert_eq!(
            total(&s, &f(120), YEJI, "2025-01-01"),
            115_000,
            "the 100 km band is gone"
        );
        let c = run(&s, &f(60), YEJI, "2025-01-01");
        assert_eq!(
            c.lines[1].to_string(),
            "差旅补助（60公里，未达最低档） 0.00元"
        );
        let err = compute(&with_rows(rate), &f(60), YEJI, d("2024-06-01")).expect_err("no table");
        assert_eq!(
            err.to_string(),
            "缺少差旅补助标准（地区 341504，2024-06-01）"
        );
    }

    #[test]
    fn unqualified_pays_nothing_until_rectified_travel_included() {
        let s = shipped();
        let f = case(Criminal, Trial, Unqualified)
            .ended(EarlyEnd::InLitigation)
            .km(120);
        let c = run(&s, &f, YEJI, "2024-06-01");
        assert_eq!(c.total_fen, 0);
        assert_eq!(
            texts(&c),
            [
                "刑事·审判阶段（一审）·不合格：整改前不予发放 0.00元",
                "差旅补助（120公里）：不合格案件一并不予发放 0.00元",
                "合计 0.00元",
            ]
        );
        let f = case(Civil, Whole, Unqualified).flat(FlatItem::Mediation);
        assert_eq!(total(&s, &f, YEJI, "2024-06-01"), 0, "flat items too");
        let err = compute(&s, &f, "320102", d("2024-06-01")).expect_err("nothing in Jiangsu");
        assert_eq!(err.to_string(), "缺少补贴标准（地区 320102，2024-06-01）");
    }

    #[test]
    fn the_most_local_region_wins_then_the_newest_version() {
        let s = with_rows(
            "rate,civil,whole,qualified,,120000,,,34,2020-01-01,,安徽,省\n\
             rate,civil,whole,qualified,,130000,,,3415,2020-01-01,,六安,市\n\
             rate,civil,whole,qualified,,150000,,,34,2025-01-01,,安徽新版,省2025\n\
             rate,civil,whole,qualified,,90000,,,3401,2020-01-01,2021-12-31,合肥旧版,已废止\n\
             flat,,,,mediation,80000,,,34,2020-01-01,,通用,省\n\
             flat,civil,,,mediation,70000,,,34,2020-01-01,,民事专用,省\n",
        );
        let q = case(Civil, Whole, Qualified);
        assert_eq!(
            total(&s, &q, YEJI, "2024-06-01"),
            130_000,
            "Lu'an over Anhui"
        );
        assert_eq!(
            total(&s, &q, YEJI, "2025-06-01"),
            130_000,
            "more local beats newer"
        );
        assert_eq!(
            total(&s, &q, "340102", "2021-12-31"),
            90_000,
            "effective_to is inclusive"
        );
        assert_eq!(
            total(&s, &q, "340102", "2022-01-01"),
            120_000,
            "Hefei's rate expired"
        );
        assert_eq!(
            total(&s, &q, "340102", "2025-01-01"),
            150_000,
            "the 2025 version"
        );
        let med = |ct| case(ct, Whole, Good).flat(FlatItem::Mediation);
        assert_eq!(
            total(&s, &med(Civil), YEJI, "2024-06-01"),
            70_000,
            "type-specific row"
        );
        assert_eq!(total(&s, &med(NonLitigation), YEJI, "2024-06-01"), 80_000);
    }

    #[test]
    fn a_2025_version_does_not_reach_back_to_2024() {
        let csv =
            format!("{SHIPPED_CSV}rate,criminal,trial,good,,160000,,,34,2025-01-01,,审判,2025版\n");
        let s = SubsidySchedule::from_csv(&csv).expect("parses");
        let f = case(Criminal, Trial, Good);
        assert_eq!(total(&s, &f, YEJI, "2024-12-31"), 150_000);
        let c = run(&s, &f, YEJI, "2025-01-01");
        assert_eq!(
            (c.total_fen, c.schedule_source.as_str()),
            (160_000, "2025版")
        );
    }

    #[test]
    fn missing_rates_and_impossible_facts_are_errors_in_words() {
        let s = with_rows("rate,civil,whole,qualified,,120000,,,34,2020-01-01,,民事,来源\n");
        let err = |f: SubsidyFacts| {
            compute(&s, &f, YEJI, d("2024-06-01"))
                .expect_err("")
                .to_string()
        };
        // One case per line: the table reads as the list of messages users see.
        #[rustfmt::skip]
        let cases = [
            (case(Criminal, Trial, Good), "缺少补贴标准：刑事·审判阶段（一审）·良好（地区 341504，2024-06-01）"),
            (case(Civil, Whole, Good), "缺少补贴标准：民事·良好（地区 341504，2024-06-01）"),
            (case(Civil, Whole, Good).flat(FlatItem::EnforcementAchieved), "缺少固定补贴标准：执行到位（地区 341504，2024-06-01）"),
            (case(Civil, Whole, Qualified).ended(EarlyEnd::Met), "缺少提前终止支付比例：已会见（约见）受援人（地区 341504，2024-06-01）"),
            (case(Civil, Trial, Good), "民事案件没有审判阶段（一审）"),
            (case(Civil, Whole, Good).flat(FlatItem::WithdrawnBeforeHearing).ended(EarlyEnd::FileRead), "按固定标准计发的结案方式（庭前撤诉）不再适用提前终止比例（已阅卷）"),
        ];
        for (f, message) in cases {
            assert_eq!(err(f), message);
        }
    }

    #[test]
    fn csv_errors_name_the_line_and_the_column() {
        let ok = "rate,civil,whole,qualified,,120000,,,34,2020-01-01,,民事,来源";
        #[rustfmt::skip]
        let cases = [
            ("rate,civil,whole".to_owned(), "应有13列，实有3列"),
            (ok.replace("rate", "bonus"), "kind 列的值 \"bonus\" 无法识别（应为 rate、flat、partial 或 travel）"),
            (ok.replace("120000", "12.5"), "amount_fen 列应为不小于0的整数（单位：分），实为 \"12.5\""),
            (ok.replace("120000", "-1"), "amount_fen 列应为不小于0的整数（单位：分），实为 \"-1\""),
            (ok.replace("qualified", ""), "grade 列不能为空"),
            (ok.replace("qualified", "unqualified"), "不合格不设补贴标准（整改前不予发放）"),
            (ok.replace("whole", "trial"), "民事案件没有审判阶段（一审）"),
            (ok.replace("whole", "entire"), "stage 列的值 \"entire\" 无法识别"),
            ("partial,,,,met,,130,,34,2020-01-01,,x,来源".into(), "percent 列应为0到100的整数，实为 \"130\""),
            ("travel,civil,,,,10000,,50,34,2020-01-01,,x,来源".into(), "travel 行的 case_type 列应为空，实为 \"civil\""),
            (ok.replace("01,,", "01,2019-12-31,"), "effective_to 2019-12-31 早于 effective_from 2020-01-01"),
            (ok.replace("2020-01-01", "2020/01/01"), "effective_from 列的值 \"2020/01/01\" 无法识别"),
            (ok.replace(",34,", ",皖,"), "region 列应为行政区划代码前缀（数字），实为 \"皖\""),
            (ok.replace("来源", ""), "source 列不能为空"),
        ];
        for (bad, message) in cases {
            let err =
                SubsidySchedule::from_csv(&format!("{HEADER}\n{ok}\n\n{bad}\n")).expect_err(&bad);
            assert_eq!(err, format!("subsidies.csv 第4行：{message}"));
        }
        let err = SubsidySchedule::from_csv("kind,amount\n").expect_err("header");
        assert!(err.starts_with("subsidies.csv 第1行：表头应为 kind,case_type"));
    }
}
