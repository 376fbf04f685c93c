//! Statistics of legal aid cases by a dimension (issue 12 §5): counts and sums
//! by case type, matter, service form, channel, recipient group, intake unit,
//! handling unit, handler, month or outcome, over the cases opened in a period.
//! Pure: a case's [`Facts`] go in, rows keyed by the dimension's value come out;
//! the names of units, handlers and matters are the caller's to resolve.

use crate::application::{Channel, ServiceForm};
use crate::case::{CaseOutcome, CaseStatus, CaseType, SubsidyStatus};
use crate::person::RecipientGroup;
use serde::Serialize;
use std::collections::BTreeMap;

code_enum!(
    /// What a statistics table is broken down by.
    Dimension {
        CaseType => ("case_type", "案件类型"),
        Matter => ("matter", "申请事项"),
        ServiceForm => ("service_form", "服务形式"),
        Channel => ("channel", "申请渠道"),
        RecipientGroup => ("recipient_group", "受援人群体"),
        IntakeUnit => ("intake_unit", "受理单位"),
        HandlingUnit => ("handling_unit", "承办单位"),
        Handler => ("handler", "承办人"),
        Month => ("month", "受理月份"),
        Outcome => ("outcome", "结案结果"),
    }
);

/// What one case contributes, read from the case, its application and its
/// recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub case_type: CaseType,
    pub matter_code: String,
    pub service_form: ServiceForm,
    pub channel: Channel,
    pub groups: Vec<RecipientGroup>,
    pub intake_unit_id: i64,
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    /// The China month the case was opened (1–12) and its year.
    pub year: i32,
    pub month: u32,
    pub status: CaseStatus,
    pub concluded: bool,
    pub outcome: Option<CaseOutcome>,
    pub subsidy_status: SubsidyStatus,
    pub subsidy_fen: i64,
    /// Money recovered or benefit obtained for the recipient (closure).
    pub amount_fen: i64,
}

/// A dimension's value a case falls under: a code (resolved to a name by the
/// caller where it is an id or a matter), or none (not yet assigned, not closed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Key {
    /// A code of an enumeration or a matter.
    Code(String),
    /// A unit's or a handler's id.
    Id(i64),
    /// A month of a year, `2026-03`.
    Month(String),
    /// Not applicable yet (未指派, 未结案, 无).
    None,
}

/// The counts and sums of a row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = StatisticsFigures))]
pub struct Figures {
    /// Cases opened (受理) in the period.
    pub cases: i64,
    /// Of them, closure submitted or aid terminated (已结案).
    pub concluded: i64,
    /// Of them, closure approved and filed (已归档).
    pub archived: i64,
    /// Subsidies paid, in fen, and how many cases.
    pub subsidy_paid_cases: i64,
    pub subsidy_paid_fen: i64,
    /// Money recovered or benefit obtained, in fen.
    pub amount_fen: i64,
}

impl Figures {
    fn add(&mut self, f: &Facts) {
        self.cases += 1;
        self.concluded += i64::from(f.concluded);
        self.archived += i64::from(f.status == CaseStatus::Archived);
        if f.subsidy_status == SubsidyStatus::Paid {
            self.subsidy_paid_cases += 1;
            self.subsidy_paid_fen += f.subsidy_fen;
        }
        self.amount_fen += f.amount_fen;
    }
}

/// The keys a case falls under for a dimension: one, except for recipient
/// groups, where a case counts once under each of its recipient's groups (or
/// under none), as the MoJ forms count them.
pub fn keys(f: &Facts, d: Dimension) -> Vec<Key> {
    let code = |s: &str| Key::Code(s.to_owned());
    match d {
        Dimension::CaseType => vec![code(f.case_type.as_str())],
        Dimension::Matter => vec![code(&f.matter_code)],
        Dimension::ServiceForm => vec![code(f.service_form.as_str())],
        Dimension::Channel => vec![code(f.channel.as_str())],
        Dimension::RecipientGroup if f.groups.is_empty() => vec![Key::None],
        Dimension::RecipientGroup => f.groups.iter().map(|g| code(g.as_str())).collect(),
        Dimension::IntakeUnit => vec![Key::Id(f.intake_unit_id)],
        Dimension::HandlingUnit => vec![f.handling_unit_id.map_or(Key::None, Key::Id)],
        Dimension::Handler => vec![f.handler_id.map_or(Key::None, Key::Id)],
        Dimension::Month => vec![Key::Month(format!("{}-{:02}", f.year, f.month))],
        Dimension::Outcome => vec![f.outcome.map_or(Key::None, |o| code(o.as_str()))],
    }
}

/// Rows by key and the total (each case once in the total, whatever the
/// dimension), built a batch of cases at a time.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub rows: BTreeMap<Key, Figures>,
    pub total: Figures,
}

impl Tally {
    pub fn add(&mut self, f: &Facts, d: Dimension) {
        for k in keys(f, d) {
            self.rows.entry(k).or_default().add(f);
        }
        self.total.add(f);
    }
}

/// The label of a code key of an enumeration dimension (matters, units and
/// handlers are named by the caller).
pub fn code_label(d: Dimension, code: &str) -> Option<&'static str> {
    match d {
        Dimension::CaseType => CaseType::parse(code).map(CaseType::label),
        Dimension::ServiceForm => ServiceForm::parse(code).map(ServiceForm::label),
        Dimension::Channel => Channel::parse(code).map(Channel::label),
        Dimension::RecipientGroup => RecipientGroup::parse(code).map(RecipientGroup::label),
        Dimension::Outcome => CaseOutcome::parse(code).map(CaseOutcome::label),
        _ => None,
    }
}

/// The label of the [`Key::None`] of a dimension.
pub fn none_label(d: Dimension) -> &'static str {
    match d {
        Dimension::RecipientGroup => "未标注群体",
        Dimension::HandlingUnit => "尚未指派",
        Dimension::Handler => "尚未确定承办人",
        Dimension::Outcome => "尚未结案",
        _ => "无",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(n: i64) -> Facts {
        Facts {
            case_type: CaseType::Civil,
            matter_code: "labor_remuneration".into(),
            service_form: ServiceForm::LitigationRepresentation,
            channel: Channel::WalkIn,
            groups: vec![RecipientGroup::MigrantWorker, RecipientGroup::Woman],
            intake_unit_id: 2,
            handling_unit_id: Some(9),
            handler_id: None,
            year: 2026,
            month: 3,
            status: CaseStatus::Archived,
            concluded: true,
            outcome: Some(CaseOutcome::Mediation),
            subsidy_status: SubsidyStatus::Paid,
            subsidy_fen: 150_000,
            amount_fen: n,
        }
    }

    #[test]
    fn a_case_counts_once_per_key_and_once_in_the_total() {
        let mut t = Tally::default();
        t.add(&facts(1_000), Dimension::RecipientGroup);
        let mut other = facts(2_000);
        other.groups.clear();
        other.status = CaseStatus::InProgress;
        other.concluded = false;
        other.subsidy_status = SubsidyStatus::NotDue;
        t.add(&other, Dimension::RecipientGroup);
        // Two groups and none: three rows, but two cases in the total.
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.total.cases, 2);
        assert_eq!(t.total.archived, 1);
        assert_eq!(t.total.subsidy_paid_fen, 150_000);
        assert_eq!(t.total.amount_fen, 3_000);
        assert_eq!(t.rows[&Key::None].cases, 1);
        assert_eq!(t.rows[&Key::Code("woman".into())].concluded, 1);
    }

    #[test]
    fn unset_values_fall_under_none_with_a_name() {
        let f = facts(0);
        assert_eq!(keys(&f, Dimension::Handler), vec![Key::None]);
        assert_eq!(keys(&f, Dimension::HandlingUnit), vec![Key::Id(9)]);
        assert_eq!(
            keys(&f, Dimension::Month),
            vec![Key::Month("2026-03".into())]
        );
        assert_eq!(none_label(Dimension::Handler), "尚未确定承办人");
        assert_eq!(
            code_label(Dimension::Outcome, "mediation"),
            Some("调解结案")
        );
        assert_eq!(code_label(Dimension::Channel, "walk_in"), Some("来访申请"));
        assert_eq!(code_label(Dimension::Matter, "x"), None);
    }
}
