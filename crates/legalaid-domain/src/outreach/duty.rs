//! Legal help by duty lawyers (值班律师法律帮助, LAL arts 14 and 30): lawyers
//! take turns at the workstations in courts, procuratorates and detention
//! houses, and give suspects and defendants without a defender legal
//! consultation, advice on procedure and the choice of procedure, presence at
//! the signing of a plea agreement (认罪认罚具结书, CPL art 174), meetings,
//! reading files, and opinions on the charges and the sentence.
//!
//! Their subsidy is paid by a schedule that is data with dates (per day on duty
//! or per matter, by the kind of host; `duty_subsidy_rates`), computed here.

use crate::unit::WorkstationHost;
use crate::validation::Validation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// The kinds of legal help a duty lawyer gives (LAL art 30; the 2020
    /// 《法律援助值班律师工作办法》 art 6).
    HelpKind {
        Consultation => ("consultation", "法律咨询"),
        ProcedureAdvice => ("procedure_advice", "程序选择建议"),
        PleaSigning => ("plea_signing", "认罪认罚具结书签署在场"),
        Meeting => ("meeting", "会见"),
        FileReading => ("file_reading", "阅卷"),
        ChargeOpinion => ("charge_opinion", "对罪名、量刑提出意见"),
    }
);

code_enum!(
    /// Who was helped.
    HelpedRole {
        Suspect => ("suspect", "犯罪嫌疑人"),
        Defendant => ("defendant", "被告人"),
    }
);

code_enum!(
    /// How a duty subsidy is counted.
    RateBasis {
        PerDay => ("per_day", "按值班日"),
        PerMatter => ("per_matter", "按件"),
    }
);

/// Whether duty lawyers serve at a workstation of this host (courts,
/// procuratorates and detention houses: LAL art 14).
pub fn hosts_duty_lawyers(host: Option<WorkstationHost>) -> bool {
    matches!(
        host,
        Some(
            WorkstationHost::Court
                | WorkstationHost::Procuratorate
                | WorkstationHost::DetentionHouse
        )
    )
}

/// A help record as a form or the API gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub workstation_id: Option<i64>,
    /// The day of the help; the lawyer must be on the roster that day.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub helped_on: Option<NaiveDate>,
    /// The duty lawyer; the caller's own staff record when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub staff_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = HelpKind))]
    pub kind: String,
    /// A registered person, when the person is in the register.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub person_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50, pattern = r"\S")
    )]
    pub person_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = HelpedRole))]
    pub person_role: String,
    /// The organ handling the case (court, procuratorate, police).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub organ_name: String,
    /// The organ's case number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub organ_case_number: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub summary: String,
}

/// A validated help record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Help {
    pub workstation_id: i64,
    pub helped_on: NaiveDate,
    pub staff_id: Option<i64>,
    pub kind: HelpKind,
    pub person_id: Option<i64>,
    pub person_name: String,
    pub person_role: HelpedRole,
    pub organ_name: String,
    pub organ_case_number: String,
    pub summary: String,
}

impl HelpInput {
    /// Checks the input; `today` is the local date (help is recorded once given).
    pub fn validate(&self, today: NaiveDate) -> Result<Help, Vec<crate::FieldError>> {
        let mut v = Validation::new();
        if self.workstation_id.is_none_or(|w| w < 1) {
            v.add("workstation_id", "请选择工作站");
        }
        match self.helped_on {
            None => v.add("helped_on", "请填写提供法律帮助的日期"),
            Some(d) if d > today => v.add("helped_on", "法律帮助尚未提供，不能登记"),
            _ => {}
        }
        if self.staff_id.is_some_and(|s| s < 1) {
            v.add("staff_id", "值班律师编号不正确");
        }
        let kind = HelpKind::parse(self.kind.trim());
        if kind.is_none() {
            v.add("kind", "请选择法律帮助的类型");
        }
        if self.person_id.is_some_and(|p| p < 1) {
            v.add("person_id", "当事人编号不正确");
        }
        let person_name = v.text("person_name", &self.person_name, "受帮助人姓名", 50);
        let role = HelpedRole::parse(self.person_role.trim());
        if role.is_none() {
            v.add("person_role", "请选择犯罪嫌疑人或被告人");
        }
        let organ_name = v.optional_text("organ_name", &self.organ_name, "办案机关", 100);
        let organ_case_number = v.optional_text(
            "organ_case_number",
            &self.organ_case_number,
            "办案机关案号",
            100,
        );
        let summary = v.optional_text("summary", &self.summary, "帮助情况", 2000);
        match (self.workstation_id, self.helped_on, kind, role) {
            (Some(w), Some(d), Some(kind), Some(role)) => v.finish(Help {
                workstation_id: w,
                helped_on: d,
                staff_id: self.staff_id,
                kind,
                person_id: self.person_id,
                person_name,
                person_role: role,
                organ_name,
                organ_case_number,
                summary,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// One row of the duty subsidy schedule (data with dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyRate {
    pub host: WorkstationHost,
    pub basis: RateBasis,
    /// For `per_matter`: the help kind it pays, or none for any kind without a
    /// row of its own.
    pub help_kind: Option<HelpKind>,
    pub amount_fen: i64,
    pub effective_from: NaiveDate,
    /// The first day it no longer applies.
    pub effective_to: Option<NaiveDate>,
    pub source: String,
}

impl DutyRate {
    fn applies(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|t| day < t)
    }
}

/// The rate for a day on duty, or a matter of `kind`, at a workstation of
/// `host` on `day`: a row for the kind before a row for any kind, the latest
/// in force first.
pub fn rate_for(
    rates: &[DutyRate],
    host: WorkstationHost,
    basis: RateBasis,
    kind: Option<HelpKind>,
    day: NaiveDate,
) -> Option<&DutyRate> {
    let in_force = |k: Option<HelpKind>| {
        rates
            .iter()
            .filter(|r| r.host == host && r.basis == basis && r.help_kind == k && r.applies(day))
            .max_by_key(|r| r.effective_from)
    };
    match kind {
        Some(k) if basis == RateBasis::PerMatter => in_force(Some(k)).or_else(|| in_force(None)),
        _ => in_force(None),
    }
}

/// A day on duty of a lawyer (from the roster).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyDay {
    pub day: NaiveDate,
    pub host: WorkstationHost,
}

/// A matter of legal help (from the help records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyMatter {
    pub day: NaiveDate,
    pub host: WorkstationHost,
    pub kind: HelpKind,
}

/// A lawyer's duty subsidy for a set of days and matters, with how it was
/// counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutySubsidy {
    pub days: i64,
    pub matters: i64,
    pub days_fen: i64,
    pub matters_fen: i64,
    pub total_fen: i64,
    /// The days or matters no rate applied to (named, so that a gap in the
    /// schedule is seen, not paid as zero in silence).
    pub unpriced: Vec<String>,
}

/// Computes the subsidy: each day on duty at its host's day rate on that day,
/// and each matter at the matter rate of its kind (or of any kind) on its day.
pub fn compute(days: &[DutyDay], matters: &[DutyMatter], rates: &[DutyRate]) -> DutySubsidy {
    let mut s = DutySubsidy::default();
    for d in days {
        s.days += 1;
        match rate_for(rates, d.host, RateBasis::PerDay, None, d.day) {
            Some(r) => s.days_fen += r.amount_fen,
            None => s
                .unpriced
                .push(format!("{} {}值班日", d.day, d.host.label())),
        }
    }
    for m in matters {
        s.matters += 1;
        match rate_for(rates, m.host, RateBasis::PerMatter, Some(m.kind), m.day) {
            Some(r) => s.matters_fen += r.amount_fen,
            None => s
                .unpriced
                .push(format!("{} {}{}", m.day, m.host.label(), m.kind.label())),
        }
    }
    s.total_fen = s.days_fen + s.matters_fen;
    s
}

/// A schedule row as an administrator gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyRateInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = WorkstationHost))]
    pub host: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = RateBasis))]
    pub basis: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<HelpKind>))]
    pub help_kind: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 0, maximum = 100000000)
    )]
    pub amount_fen: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub effective_from: Option<NaiveDate>,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub source: String,
}

impl DutyRateInput {
    pub fn validate(&self) -> Result<DutyRate, Vec<crate::FieldError>> {
        let mut v = Validation::new();
        let host =
            WorkstationHost::parse(self.host.trim()).filter(|h| hosts_duty_lawyers(Some(*h)));
        if host.is_none() {
            v.add("host", "值班律师工作站设在人民法院、人民检察院或看守所");
        }
        let basis = RateBasis::parse(self.basis.trim());
        if basis.is_none() {
            v.add("basis", "请选择按值班日或按件");
        }
        let help_kind = match self.help_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(k) => {
                let parsed = HelpKind::parse(k);
                if parsed.is_none() {
                    v.add("help_kind", "法律帮助类型不正确");
                }
                parsed
            }
        };
        if basis == Some(RateBasis::PerDay) && help_kind.is_some() {
            v.add("help_kind", "按值班日的标准不分帮助类型");
        }
        match self.amount_fen {
            None => v.add("amount_fen", "请填写补贴金额"),
            Some(a) if !(0..=100_000_000).contains(&a) => {
                v.add("amount_fen", "补贴金额应在0至100万元之间")
            }
            _ => {}
        }
        match (self.effective_from, self.effective_to) {
            (None, _) => v.add("effective_from", "请填写生效日期"),
            (Some(f), Some(t)) if t <= f => v.add("effective_to", "失效日期应晚于生效日期"),
            _ => {}
        }
        let source = v.text("source", &self.source, "依据", 200);
        match (host, basis, self.amount_fen, self.effective_from) {
            (Some(host), Some(basis), Some(amount_fen), Some(effective_from)) => {
                v.finish(DutyRate {
                    host,
                    basis,
                    help_kind,
                    amount_fen,
                    effective_from,
                    effective_to: self.effective_to,
                    source,
                })
            }
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn rate(
        host: WorkstationHost,
        basis: RateBasis,
        kind: Option<HelpKind>,
        fen: i64,
        from: &str,
    ) -> DutyRate {
        DutyRate {
            host,
            basis,
            help_kind: kind,
            amount_fen: fen,
            effective_from: d(from),
            effective_to: None,
            source: "示例".into(),
        }
    }

    fn schedule() -> Vec<DutyRate> {
        use WorkstationHost::DetentionHouse as K;
        let mut old = rate(K, RateBasis::PerDay, None, 15_000, "2020-01-01");
        old.effective_to = Some(d("2026-01-01"));
        vec![
            old,
            rate(K, RateBasis::PerDay, None, 20_000, "2026-01-01"),
            rate(K, RateBasis::PerMatter, None, 5_000, "2020-01-01"),
            rate(
                K,
                RateBasis::PerMatter,
                Some(HelpKind::PleaSigning),
                10_000,
                "2020-01-01",
            ),
        ]
    }

    #[test]
    fn days_and_matters_are_paid_by_the_rate_of_their_day() {
        use WorkstationHost::DetentionHouse as K;
        let days = [
            DutyDay {
                day: d("2025-12-31"),
                host: K,
            },
            DutyDay {
                day: d("2026-01-05"),
                host: K,
            },
        ];
        let matters = [
            DutyMatter {
                day: d("2026-01-05"),
                host: K,
                kind: HelpKind::PleaSigning,
            },
            DutyMatter {
                day: d("2026-01-05"),
                host: K,
                kind: HelpKind::Meeting,
            },
        ];
        let s = compute(&days, &matters, &schedule());
        assert_eq!((s.days, s.days_fen), (2, 35_000));
        assert_eq!((s.matters, s.matters_fen), (2, 15_000));
        assert_eq!(s.total_fen, 50_000);
        assert!(s.unpriced.is_empty());
    }

    #[test]
    fn a_gap_in_the_schedule_is_named() {
        let s = compute(
            &[DutyDay {
                day: d("2026-03-02"),
                host: WorkstationHost::Court,
            }],
            &[],
            &schedule(),
        );
        assert_eq!(s.total_fen, 0);
        assert_eq!(s.unpriced, ["2026-03-02 人民法院值班日"]);
    }

    #[test]
    fn help_needs_a_station_a_day_a_kind_and_a_person() {
        let e = HelpInput::default()
            .validate(d("2026-03-02"))
            .expect_err("empty");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "workstation_id",
                "helped_on",
                "kind",
                "person_name",
                "person_role"
            ]
        );
        let h = HelpInput {
            workstation_id: Some(3),
            helped_on: Some(d("2026-03-02")),
            kind: "plea_signing".into(),
            person_name: "张某".into(),
            person_role: "suspect".into(),
            organ_case_number: "叶检刑诉〔2026〕12号".into(),
            ..HelpInput::default()
        };
        assert_eq!(
            h.validate(d("2026-03-02")).expect("valid").kind,
            HelpKind::PleaSigning
        );
        assert_eq!(
            h.validate(d("2026-03-01")).expect_err("future")[0].field,
            "helped_on"
        );
    }

    #[test]
    fn schedule_rows_are_checked() {
        let e = DutyRateInput {
            host: "trade_union".into(),
            basis: "per_day".into(),
            help_kind: Some("meeting".into()),
            amount_fen: Some(-1),
            effective_from: Some(d("2026-01-01")),
            effective_to: Some(d("2025-01-01")),
            source: String::new(),
        }
        .validate()
        .expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["host", "help_kind", "amount_fen", "effective_to", "source"]
        );
        assert!(hosts_duty_lawyers(Some(WorkstationHost::DetentionHouse)));
        assert!(!hosts_duty_lawyers(Some(WorkstationHost::WomensFederation)));
        assert!(!hosts_duty_lawyers(None));
    }
}
