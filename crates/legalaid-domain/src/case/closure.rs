//! How a case ends: the outcomes by case type, whether the handler's opinions were
//! adopted, and the closure report the handler submits (LAL art 50), checked.

use super::CaseType;
use serde::{Deserialize, Serialize};

code_enum!(
    /// How a matter ended, by case type.
    CaseOutcome {
        Acquitted => ("acquitted", "判决无罪"),
        NotProsecuted => ("not_prosecuted", "不起诉"),
        CaseDropped => ("case_dropped", "撤销案件"),
        ExemptFromPunishment => ("exempt_from_punishment", "免予刑事处罚"),
        LighterSentence => ("lighter_sentence", "从轻、减轻处罚"),
        Convicted => ("convicted", "判决有罪"),
        DeathNotApproved => ("death_not_approved", "不核准死刑"),
        DeathApproved => ("death_approved", "核准死刑"),
        JudgmentWon => ("judgment_won", "判决胜诉"),
        JudgmentPartlyWon => ("judgment_partly_won", "判决部分胜诉"),
        JudgmentLost => ("judgment_lost", "判决败诉"),
        Mediation => ("mediation", "调解结案"),
        Settlement => ("settlement", "和解"),
        Withdrawal => ("withdrawal", "撤诉（撤回申请）"),
        ArbitrationAward => ("arbitration_award", "仲裁裁决"),
        DocumentDrafted => ("document_drafted", "代拟法律文书完成"),
        Other => ("other", "其他结果"),
    }
);

impl CaseOutcome {
    /// Whether this outcome can end a case of this type.
    pub fn applies_to(self, t: CaseType) -> bool {
        use CaseOutcome::*;
        match self {
            Acquitted | NotProsecuted | CaseDropped | ExemptFromPunishment | LighterSentence
            | Convicted | DeathNotApproved | DeathApproved => t == CaseType::Criminal,
            JudgmentWon | JudgmentPartlyWon | JudgmentLost | Withdrawal => {
                t != CaseType::NonLitigation
            }
            Mediation | Settlement => t != CaseType::Criminal,
            ArbitrationAward | DocumentDrafted => {
                t == CaseType::NonLitigation || t == CaseType::Civil
            }
            Other => true,
        }
    }

    /// Outcomes offered for a case type, in order.
    pub fn for_type(t: CaseType) -> Vec<CaseOutcome> {
        CaseOutcome::ALL
            .iter()
            .copied()
            .filter(|o| o.applies_to(t))
            .collect()
    }
}

code_enum!(
    /// Whether the court or other body adopted the handler's opinions.
    Adoption {
        Adopted => ("adopted", "全部采纳"),
        PartlyAdopted => ("partly_adopted", "部分采纳"),
        NotAdopted => ("not_adopted", "未采纳"),
        NotApplicable => ("not_applicable", "不适用"),
    }
);

/// How the matter ended, as the handler reports it at closure (LAL art 50).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closure {
    pub outcome: CaseOutcome,
    pub ended_on: chrono::NaiveDate,
    /// Money recovered or the value of the benefit obtained for the recipient.
    pub amount_fen: i64,
    pub adoption: Adoption,
    /// The closure report (结案报告): the work done and the result.
    pub report: String,
    /// Subsidy facts: a flat item instead of the graded rate, an early end, travel.
    pub flat_item: Option<crate::subsidy::FlatItem>,
    pub early_end: Option<crate::subsidy::EarlyEnd>,
    pub travel_km: Option<u32>,
}

/// What the handler submits at closure, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureInput {
    /// One that can end a case of this type: e.g. `acquitted` only a criminal case,
    /// `mediation` any other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = CaseOutcome))]
    pub outcome: String,
    /// Not after today nor before the case began.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub ended_on: Option<chrono::NaiveDate>,
    /// Money recovered or the value of the benefit obtained, in fen (at most
    /// 1 000 000 000 yuan).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 100_000_000_000_i64)
    )]
    pub amount_fen: i64,
    /// Empty means `not_applicable`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Adoption))]
    pub adoption: String,
    /// The closure report (结案报告): the work done and the result.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 8000, pattern = r"\S")
    )]
    pub report: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<crate::subsidy::FlatItem>)
    )]
    pub flat_item: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<crate::subsidy::EarlyEnd>)
    )]
    pub early_end: Option<String>,
    /// Distance travelled for a case handled away from the unit's place (异地办案), in km.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 5000))]
    pub travel_km: Option<u32>,
    /// The case's version as read.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub version: Option<i64>,
}

impl ClosureInput {
    /// Checks the report against the case type and `today` (the end is not in the
    /// future, nor before the case began).
    pub fn validate(
        &self,
        t: CaseType,
        began: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Result<Closure, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let outcome = CaseOutcome::parse(self.outcome.trim());
        match outcome {
            None => v.add("outcome", "请选择办理结果"),
            Some(o) if !o.applies_to(t) => v.add(
                "outcome",
                format!("{}案件不能以“{}”结案", t.label(), o.label()),
            ),
            Some(_) => {}
        }
        match self.ended_on {
            None => v.add("ended_on", "请填写事项办结日期"),
            Some(d) if d > today => v.add("ended_on", "办结日期不能晚于今天"),
            Some(d) if d < began => v.add("ended_on", "办结日期不能早于案件开始日期"),
            Some(_) => {}
        }
        if !(0..=100_000_000_000).contains(&self.amount_fen) {
            v.add("amount_fen", "挽回损失或获得利益的金额应在0至10亿元之间");
        }
        let adoption = if self.adoption.trim().is_empty() {
            Some(Adoption::NotApplicable)
        } else {
            Adoption::parse(self.adoption.trim())
        };
        if adoption.is_none() {
            v.add("adoption", "请选择意见采纳情况");
        }
        let report = v.text("report", &self.report, "结案报告", 8000);
        let opt = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let flat_item = match opt(&self.flat_item) {
            Some(c) => {
                let p = crate::subsidy::FlatItem::parse(&c);
                if p.is_none() {
                    v.add("flat_item", "补贴计发方式不正确");
                }
                p
            }
            None => None,
        };
        let early_end = match opt(&self.early_end) {
            Some(c) => {
                let p = crate::subsidy::EarlyEnd::parse(&c);
                if p.is_none() {
                    v.add("early_end", "提前终止时的办理程度不正确");
                }
                p
            }
            None => None,
        };
        if self.travel_km.is_some_and(|k| k > 5000) {
            v.add("travel_km", "异地办案距离应在0至5000公里之间");
        }
        match (outcome, self.ended_on, adoption) {
            (Some(outcome), Some(ended_on), Some(adoption)) if v.is_empty() => Ok(Closure {
                outcome,
                ended_on,
                amount_fen: self.amount_fen,
                adoption,
                report,
                flat_item,
                early_end,
                travel_km: self.travel_km,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    #[test]
    fn closure_reports_are_checked() {
        let ok = ClosureInput {
            outcome: "mediation".into(),
            ended_on: Some(d("2024-06-01")),
            amount_fen: 1_200_000,
            adoption: "adopted".into(),
            report: "经调解，对方当事人同意支付工资12000元。".into(),
            flat_item: Some("mediation".into()),
            ..Default::default()
        };
        let c = ok
            .validate(CaseType::Civil, d("2024-03-01"), d("2024-06-10"))
            .expect("valid");
        assert_eq!(c.outcome, CaseOutcome::Mediation);
        assert_eq!(c.flat_item, Some(crate::subsidy::FlatItem::Mediation));
        let e = ok
            .validate(CaseType::Criminal, d("2024-07-01"), d("2024-06-10"))
            .expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["outcome", "ended_on"]);
        let bad = ClosureInput {
            amount_fen: -1,
            report: String::new(),
            ..ok
        };
        let e = bad
            .validate(CaseType::Civil, d("2024-03-01"), d("2024-06-10"))
            .expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["amount_fen", "report"]);
    }
}
