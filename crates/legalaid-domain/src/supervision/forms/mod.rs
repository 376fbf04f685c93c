//! The MoJ statistical report forms (法律援助统计报表, issue 12 §6,
//! quality-supervision-outreach.md §4): the monthly report (月报) and the case
//! tables 五 (刑事), 六 (民事), 七 (行政), 八 (各类案件及受援人合计), 九 (受援人)
//! and 十 (已结案件中各类人员办理情况), with their in-table and cross-table
//! check rules (表内关系 / 表间关系) run declaratively and any failure named.
//!
//! Pure: the cases and denials of a statistical period go in (as [`CaseFacts`]
//! and [`Denial`]), forms come out, one row per reporting line (a unit or a
//! region, the caller's to name) and a total row. Counting rules (ADR 0028):
//! - a case is counted once per recipient (the MoJ rule: one applicant, one
//!   matter = 1; several applicants with divisible claims = one each — our
//!   cases are per recipient already);
//! - 批准 counts the cases opened in the period; 已结 those of them concluded
//!   (closure submitted or aid terminated) by the period's last day; 未结 the
//!   rest, so that 批准 = 已结 + 未结 holds by construction of the cohort;
//! - 未批准 counts the applications denied in the period by their reason code;
//!   a denial counts in 表七 when its matter is a state-compensation matter,
//!   otherwise in 表六 (a denied application has no case type);
//! - amounts are in 万元 with four decimals (yuan ÷ 10,000), kept as fen.

use crate::application::{Channel, DenialReason, NotifyingOrgan, ProceduralRole};
use crate::case::{Adoption, CaseOutcome, CaseType, Stage};
use crate::complaint::{ComplainantRemedy, ComplaintCategory, ComplaintOutcome};
use crate::outreach::consultation::{ConsultChannel, ConsultGroup, ConsultOutcome, TopicCategory};
use crate::person::RecipientGroup;
use crate::staff::StaffKind;
use crate::unit::WorkstationHost;
use serde::Serialize;
use std::collections::BTreeMap;

mod count;
mod layout;
mod period;

use count::{
    Hits, case_hits, complaint_hits, consultation_hits, denial_hits, subsidy_hits, workstation_hits,
};
use layout::computed;
use layout::layout;
pub use layout::{CROSS_RULES, columns, entered};
pub use period::{Period, StatCalendar};

code_enum!(
    /// The forms the system generates.
    FormCode {
        Monthly => ("monthly", "月报：法律援助业务数据统计表"),
        T1 => ("t1", "统计报表一：法律援助机构情况"),
        T2 => ("t2", "统计报表二：法律援助人员情况"),
        T3 => ("t3", "统计报表三：法律援助经费投入情况"),
        T4 => ("t4", "统计报表四：法律援助经费支出情况"),
        T5 => ("t5", "统计报表五：刑事法律援助案件情况"),
        T6 => ("t6", "统计报表六：民事法律援助案件情况"),
        T7 => ("t7", "统计报表七：行政法律援助案件情况"),
        T8 => ("t8", "统计报表八：各类案件及受援人合计"),
        T9 => ("t9", "统计报表九：受援人情况"),
        T10 => ("t10", "统计报表十：已结案件中各类人员办理情况"),
        T11 => ("t11", "统计报表十一：法律咨询情况"),
        T12 => ("t12", "统计报表十二：法律援助工作站情况"),
        T13 => ("t13", "统计报表十三：投诉处理情况"),
    }
);

impl FormCode {
    /// The short name the cross-table rules use (`五`, `六`, …; `月` for the monthly).
    pub fn short(self) -> &'static str {
        match self {
            FormCode::Monthly => "月",
            FormCode::T1 => "一",
            FormCode::T2 => "二",
            FormCode::T3 => "三",
            FormCode::T4 => "四",
            FormCode::T5 => "五",
            FormCode::T6 => "六",
            FormCode::T7 => "七",
            FormCode::T8 => "八",
            FormCode::T9 => "九",
            FormCode::T10 => "十",
            FormCode::T11 => "十一",
            FormCode::T12 => "十二",
            FormCode::T13 => "十三",
        }
    }
}

/// The kind of person who handled a closed case (表十, 表四 cols 6–10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerClass {
    /// 机构人员: the legal aid center's or a judicial office's own staff.
    Institution,
    /// 社会律师
    Lawyer,
    /// 基层法律服务工作者
    LegalWorker,
    /// 社会组织人员
    SocialOrganization,
}

impl HandlerClass {
    pub fn of(kind: StaffKind) -> HandlerClass {
        match kind {
            StaffKind::CenterStaff | StaffKind::JudicialOfficer => HandlerClass::Institution,
            StaffKind::Lawyer => HandlerClass::Lawyer,
            StaffKind::LegalWorker => HandlerClass::LegalWorker,
            StaffKind::Other => HandlerClass::SocialOrganization,
        }
    }
}

/// One case of the period's cohort (opened in the period), as the forms count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// The reporting line (unit or region) the case is counted under.
    pub line: i64,
    pub case_type: CaseType,
    pub stage: Stage,
    pub matter_code: String,
    pub channel: Channel,
    pub notifying_organ: Option<NotifyingOrgan>,
    pub procedural_role: Option<ProceduralRole>,
    pub groups: Vec<RecipientGroup>,
    /// Concluded by the period's last day; terminated (终止提供) or closed with
    /// an outcome.
    pub concluded: bool,
    pub terminated: bool,
    pub outcome: Option<CaseOutcome>,
    pub adoption: Option<Adoption>,
    pub amount_fen: i64,
    pub handler: Option<HandlerClass>,
}

/// An application denied in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub line: i64,
    pub matter_code: String,
    pub criminal: bool,
    pub reason: DenialReason,
}

/// Matters a denial of which counts in 表七 (行政) rather than 表六.
/// A consultation answered in the period (表十一, 月报 col 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub line: i64,
    pub channel: ConsultChannel,
    /// The person's groups (counted for visits).
    pub groups: Vec<ConsultGroup>,
    pub topic_code: String,
    pub topic_category: TopicCategory,
    pub outcome: ConsultOutcome,
    /// Applied in the consultation and the application granted by the period's end.
    pub granted: bool,
}

/// A workstation standing when the forms are generated (表十二).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workstation {
    pub line: i64,
    pub host: Option<WorkstationHost>,
    /// It has staff of its own (有专门工作人员).
    pub staffed: bool,
}

/// A complaint whose handling concluded in the period (表十三).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub line: i64,
    pub category: ComplaintCategory,
    pub outcome: ComplaintOutcome,
    pub remedy: Option<ComplainantRemedy>,
}

/// A case subsidy paid in the period (表四 cols 5–15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subsidy {
    pub line: i64,
    pub case_type: CaseType,
    pub handler: Option<HandlerClass>,
    pub fen: i64,
}

/// A column of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportFormColumn))]
pub struct Column {
    pub number: u32,
    /// The header group above it (e.g. `通知辩护`), empty for none.
    pub group: String,
    pub label: String,
    /// Money in 万元 (a fen amount shown with four decimals), not a count.
    pub money: bool,
    /// Entered each year by hand (表一–表四), not counted from the records.
    pub entered: bool,
}

/// A row: a reporting line (none for the total) and its cells by column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportFormRow))]
pub struct Row {
    pub line: Option<i64>,
    /// Counts, or fen for a money column; index = column number − 1.
    pub cells: Vec<i64>,
}

/// A check rule and whether it holds, with the failing lines named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportFormCheck))]
pub struct Check {
    /// As printed, e.g. `13 = 3+4+5+6+7` or `八1 = 五1+六2+七2`.
    pub rule: String,
    /// 表内关系 or 表间关系.
    pub cross: bool,
    pub holds: bool,
    /// The rows that break it: the line (none for the total) and both sides.
    pub failures: Vec<Failure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportFormFailure))]
pub struct Failure {
    pub line: Option<i64>,
    pub left: i64,
    pub right: i64,
}

/// A generated form: its columns, the total row first, then a row per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportForm))]
pub struct Form {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: FormCode,
    pub title: String,
    pub columns: Vec<Column>,
    pub total: Row,
    pub rows: Vec<Row>,
    pub checks: Vec<Check>,
}

impl Form {
    /// A cell of the total row (column numbers from 1).
    pub fn total_cell(&self, column: u32) -> i64 {
        cell(&self.total, column)
    }
}

fn cell(r: &Row, column: u32) -> i64 {
    r.cells
        .get(column.saturating_sub(1) as usize)
        .copied()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------
// Building.

/// A form's sums while it is built: the total row and the rows by line.
type Sums = (Vec<i64>, BTreeMap<i64, Vec<i64>>);

/// The forms being built, a batch of cases at a time.
#[derive(Debug, Clone)]
pub struct Builder {
    codes: Vec<FormCode>,
    /// Per form: the total row and the rows by line.
    sums: Vec<Sums>,
}

impl Builder {
    pub fn new(codes: &[FormCode]) -> Builder {
        Builder {
            codes: codes.to_vec(),
            sums: codes
                .iter()
                .map(|c| (vec![0; layout(*c).0.len()], BTreeMap::new()))
                .collect(),
        }
    }

    fn add_hits(&mut self, i: usize, line: i64, hits: Hits) {
        if hits.is_empty() {
            return;
        }
        let width = layout(self.codes[i]).0.len();
        let (total, rows) = &mut self.sums[i];
        let row = rows.entry(line).or_insert_with(|| vec![0; width]);
        for (c, v) in hits {
            let k = c as usize - 1;
            total[k] += v;
            row[k] += v;
        }
    }

    pub fn add_case(&mut self, f: &CaseFacts) {
        for i in 0..self.codes.len() {
            let hits = case_hits(self.codes[i], f);
            self.add_hits(i, f.line, hits);
        }
    }

    pub fn add_denial(&mut self, d: &Denial) {
        for i in 0..self.codes.len() {
            let hits = denial_hits(self.codes[i], d);
            self.add_hits(i, d.line, hits);
        }
    }

    /// A consultation: 表十一, and 月报 col 1.
    pub fn add_consultation(&mut self, c: &Consultation) {
        for i in 0..self.codes.len() {
            let hits = consultation_hits(self.codes[i], c);
            self.add_hits(i, c.line, hits);
        }
    }

    pub fn add_subsidy(&mut self, x: &Subsidy) {
        for i in 0..self.codes.len() {
            let hits = subsidy_hits(self.codes[i], x);
            self.add_hits(i, x.line, hits);
        }
    }

    /// Media items published in the period by kind (表一 cols 24–26:
    /// broadcast, print, internet) and training sessions held with their
    /// attendances (cols 27–28).
    pub fn add_outreach(&mut self, line: i64, column: u32, n: i64) {
        for i in 0..self.codes.len() {
            if self.codes[i] == FormCode::T1 && (24..=28).contains(&column) {
                self.add_hits(i, line, vec![(column, n)]);
            }
        }
    }

    /// An entered value of 表一–表四 (a count, or fen for a money column);
    /// false when the form has no such column to enter (computed or out of range).
    pub fn add_entry(&mut self, line: i64, code: FormCode, column: u32, value: i64) -> bool {
        if !enterable(code, column) {
            return false;
        }
        for i in 0..self.codes.len() {
            if self.codes[i] == code {
                self.add_hits(i, line, vec![(column, value)]);
            }
        }
        true
    }

    pub fn add_workstation(&mut self, w: &Workstation) {
        for i in 0..self.codes.len() {
            let hits = workstation_hits(self.codes[i], w);
            self.add_hits(i, w.line, hits);
        }
    }

    pub fn add_complaint(&mut self, c: &Complaint) {
        for i in 0..self.codes.len() {
            let hits = complaint_hits(self.codes[i], c);
            self.add_hits(i, c.line, hits);
        }
    }

    /// The forms, a row for each of `lines` (in that order, zero rows kept so
    /// the form lists every reporting line), in-table and cross-table checks run.
    pub fn finish(self, lines: &[i64]) -> Vec<Form> {
        let mut forms: Vec<Form> = self
            .codes
            .iter()
            .zip(self.sums)
            .map(|(code, (total, mut rows))| {
                let (l, _, rules) = layout(*code);
                let rows: Vec<Row> = lines
                    .iter()
                    .map(|line| Row {
                        line: Some(*line),
                        cells: rows.remove(line).unwrap_or_else(|| vec![0; l.len()]),
                    })
                    .collect();
                let total = Row {
                    line: None,
                    cells: total,
                };
                let checks = rules.iter().map(|r| in_table(r, &total, &rows)).collect();
                Form {
                    code: *code,
                    title: code.label().to_owned(),
                    columns: columns(*code),
                    total,
                    rows,
                    checks,
                }
            })
            .collect();
        let cross: Vec<Check> = CROSS_RULES
            .iter()
            .filter_map(|r| cross_table(r, &forms))
            .collect();
        if let Some(f) = forms.iter_mut().find(|f| f.code == FormCode::T8) {
            f.checks.extend(cross);
        }
        forms
    }
}

/// Whether a column of a form is entered by hand.
pub fn enterable(code: FormCode, column: u32) -> bool {
    entered(code)
        && column >= 1
        && (column as usize) <= layout(code).0.len()
        && !computed(code).contains(&column)
}

/// Runs a form's in-table checks again after its rows changed (regrouped into
/// other lines); the cross-table checks, on the totals, are kept.
pub fn recheck(f: &mut Form) {
    let cross: Vec<Check> = f.checks.iter().filter(|c| c.cross).cloned().collect();
    let rules = layout(f.code).2;
    f.checks = rules
        .iter()
        .map(|r| in_table(r, &f.total, &f.rows))
        .collect();
    f.checks.extend(cross);
}

// ---------------------------------------------------------------------------
// Check rules: `a+b = c+d`, `a ≥ b`; a term is a column number, or in a
// cross-table rule a table's short name and a column (`五44`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Equal,
    AtLeast,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    left: Vec<(Option<String>, u32)>,
    relation: Relation,
    right: Vec<(Option<String>, u32)>,
}

fn parse_side(s: &str) -> Option<Vec<(Option<String>, u32)>> {
    s.split('+')
        .map(|t| {
            let t = t.trim();
            let digits = t.find(|c: char| c.is_ascii_digit())?;
            let (table, n) = t.split_at(digits);
            let n: u32 = n.parse().ok()?;
            Some(((!table.is_empty()).then(|| table.to_owned()), n))
        })
        .collect()
}

fn parse_rule(s: &str) -> Option<Rule> {
    let (relation, (l, r)) = if let Some(p) = s.split_once('≥') {
        (Relation::AtLeast, p)
    } else {
        (Relation::Equal, s.split_once('=')?)
    };
    Some(Rule {
        left: parse_side(l)?,
        relation,
        right: parse_side(r)?,
    })
}

fn holds(rel: Relation, l: i64, r: i64) -> bool {
    match rel {
        Relation::Equal => l == r,
        Relation::AtLeast => l >= r,
    }
}

/// An in-table rule over the total row and every line's row.
fn in_table(rule: &str, total: &Row, rows: &[Row]) -> Check {
    let Some(p) = parse_rule(rule) else {
        return Check {
            rule: format!("{rule}（规则无法解析）"),
            cross: false,
            holds: false,
            failures: Vec::new(),
        };
    };
    let side = |r: &Row, s: &[(Option<String>, u32)]| s.iter().map(|(_, n)| cell(r, *n)).sum();
    let failures: Vec<Failure> = std::iter::once(total)
        .chain(rows)
        .filter_map(|r| {
            let (l, rt) = (side(r, &p.left), side(r, &p.right));
            (!holds(p.relation, l, rt)).then_some(Failure {
                line: r.line,
                left: l,
                right: rt,
            })
        })
        .collect();
    Check {
        rule: rule.to_owned(),
        cross: false,
        holds: failures.is_empty(),
        failures,
    }
}

/// A cross-table rule over the totals, when every table it names was built.
fn cross_table(rule: &str, forms: &[Form]) -> Option<Check> {
    let p = parse_rule(rule)?;
    let value = |s: &[(Option<String>, u32)]| -> Option<i64> {
        s.iter()
            .map(|(t, n)| {
                let t = t.as_deref()?;
                forms
                    .iter()
                    .find(|f| f.code.short() == t)
                    .map(|f| f.total_cell(*n))
            })
            .sum()
    };
    let (l, r) = (value(&p.left)?, value(&p.right)?);
    let ok = holds(p.relation, l, r);
    Some(Check {
        rule: rule.to_owned(),
        cross: true,
        holds: ok,
        failures: if ok {
            Vec::new()
        } else {
            vec![Failure {
                line: None,
                left: l,
                right: r,
            }]
        },
    })
}

/// 万元 as typed (`12`, `3.5`, `0.0125`: at most four decimals, not negative,
/// at most 1,000,000 万元) → fen.
pub fn parse_wan_yuan(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 4
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    if whole > 1_000_000 {
        return None;
    }
    let frac: i64 = format!("{frac:0<4}").parse().ok()?;
    Some(whole * 1_000_000 + frac * 100)
}

/// fen → 万元 with four decimals (to the nearest yuan), as the forms print money.
pub fn wan_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let yuan = (fen.abs() + 50) / 100;
    format!("{sign}{}.{:04}", yuan / 10_000, yuan % 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::{ComplainantRemedy, ComplaintCategory, ComplaintOutcome};
    use crate::outreach::consultation::{
        ConsultChannel, ConsultGroup, ConsultOutcome, TopicCategory,
    };
    use crate::unit::WorkstationHost;
    use chrono::NaiveDate;

    fn case(t: CaseType) -> CaseFacts {
        CaseFacts {
            line: 1,
            case_type: t,
            stage: Stage::Whole,
            matter_code: "labor_remuneration".into(),
            channel: Channel::WalkIn,
            notifying_organ: None,
            procedural_role: None,
            groups: vec![RecipientGroup::MigrantWorker, RecipientGroup::Farmer],
            concluded: true,
            terminated: false,
            outcome: Some(CaseOutcome::JudgmentWon),
            adoption: None,
            amount_fen: 1_234_500,
            handler: Some(HandlerClass::Lawyer),
        }
    }

    fn notified(stage: Stage, groups: Vec<RecipientGroup>) -> CaseFacts {
        CaseFacts {
            case_type: CaseType::Criminal,
            stage,
            matter_code: "criminal_defense_notified".into(),
            channel: Channel::Notified,
            notifying_organ: Some(NotifyingOrgan::Court),
            groups,
            outcome: Some(CaseOutcome::LighterSentence),
            adoption: Some(Adoption::PartlyAdopted),
            amount_fen: 0,
            ..case(CaseType::Criminal)
        }
    }

    /// Seven consultations: visits by a woman farmer, calls (two on 12348),
    /// a letter; one applied for aid and was granted.
    fn consultation(i: u32) -> Consultation {
        let (channel, topic, category) = match i {
            0 | 1 => (ConsultChannel::Visit, "wages", TopicCategory::Civil),
            2 | 3 => (
                ConsultChannel::Hotline12348,
                "theft",
                TopicCategory::Criminal,
            ),
            4 => (ConsultChannel::Phone, "child_support", TopicCategory::Civil),
            5 => (
                ConsultChannel::Letter,
                "private_lending",
                TopicCategory::Economic,
            ),
            _ => (
                ConsultChannel::Online,
                "minimum_living",
                TopicCategory::Administrative,
            ),
        };
        Consultation {
            line: 1,
            channel,
            groups: if i == 0 {
                vec![ConsultGroup::Woman, ConsultGroup::Farmer]
            } else {
                Vec::new()
            },
            topic_code: topic.into(),
            topic_category: category,
            outcome: if i == 1 {
                ConsultOutcome::Applied
            } else {
                ConsultOutcome::Answered
            },
            granted: i == 1,
        }
    }

    fn build(cases: &[CaseFacts], denials: &[Denial]) -> Vec<Form> {
        let mut b = Builder::new(FormCode::ALL);
        for c in cases {
            b.add_case(c);
        }
        for d in denials {
            b.add_denial(d);
        }
        for i in 0..7 {
            b.add_consultation(&consultation(i));
        }
        b.add_workstation(&Workstation {
            line: 2,
            host: Some(WorkstationHost::Court),
            staffed: true,
        });
        b.add_workstation(&Workstation {
            line: 2,
            host: Some(WorkstationHost::Procuratorate),
            staffed: false,
        });
        b.add_complaint(&Complaint {
            line: 1,
            category: ComplaintCategory::Neglect,
            outcome: ComplaintOutcome::Corrected,
            remedy: Some(ComplainantRemedy::Lawsuit),
        });
        b.finish(&[1, 2])
    }

    fn form(forms: &[Form], c: FormCode) -> &Form {
        forms.iter().find(|f| f.code == c).expect("the form")
    }

    fn failing(forms: &[Form]) -> Vec<String> {
        forms
            .iter()
            .flat_map(|f| f.checks.iter().filter(|c| !c.holds))
            .map(|c| c.rule.clone())
            .collect()
    }

    fn sample() -> (Vec<CaseFacts>, Vec<Denial>) {
        let mut open = case(CaseType::Civil);
        open.concluded = false;
        open.line = 2;
        let mut admin = case(CaseType::Administrative);
        admin.matter_code = "state_compensation".into();
        admin.outcome = Some(CaseOutcome::Withdrawal);
        admin.handler = Some(HandlerClass::Institution);
        let mut nonlit = case(CaseType::NonLitigation);
        nonlit.outcome = Some(CaseOutcome::ArbitrationAward);
        nonlit.handler = Some(HandlerClass::LegalWorker);
        let mut applied = notified(Stage::Trial, vec![RecipientGroup::Woman]);
        applied.channel = Channel::WalkIn;
        applied.matter_code = "criminal_defense_applied".into();
        applied.procedural_role = Some(ProceduralRole::Victim);
        let mut ended = notified(Stage::Investigation, vec![]);
        ended.terminated = true;
        let mut forwarded = applied.clone();
        forwarded.channel = Channel::CustodyForwarded;
        forwarded.procedural_role = Some(ProceduralRole::Suspect);
        forwarded.concluded = false;
        let cases = vec![
            case(CaseType::Civil),
            open,
            admin,
            nonlit,
            notified(Stage::Trial, vec![RecipientGroup::Minor]),
            notified(
                Stage::SecondInstance,
                vec![RecipientGroup::BlindDeafMute, RecipientGroup::Disabled],
            ),
            applied,
            ended,
            forwarded,
        ];
        let denials = vec![
            Denial {
                line: 1,
                matter_code: "labor_remuneration".into(),
                criminal: false,
                reason: DenialReason::NotHardship,
            },
            Denial {
                line: 2,
                matter_code: "state_compensation".into(),
                criminal: false,
                reason: DenialReason::OutOfScope,
            },
        ];
        (cases, denials)
    }

    #[test]
    fn every_rule_parses_and_a_consistent_set_passes_them_all() {
        for c in FormCode::ALL {
            for r in layout(*c).2 {
                assert!(parse_rule(r).is_some(), "{r}");
            }
        }
        for r in CROSS_RULES {
            assert!(parse_rule(r).is_some(), "{r}");
        }
        let (cases, denials) = sample();
        let forms = build(&cases, &denials);
        assert_eq!(failing(&forms), Vec::<String>::new());
        let t8 = form(&forms, FormCode::T8);
        assert_eq!(
            t8.checks.iter().filter(|c| c.cross).count(),
            CROSS_RULES.len()
        );
    }

    #[test]
    fn cases_land_in_the_forms_columns() {
        let (cases, denials) = sample();
        let forms = build(&cases, &denials);
        let t5 = form(&forms, FormCode::T5);
        // 5 criminal: 3 notified (trial, second instance, investigation), 2 applied.
        assert_eq!(t5.total_cell(1), 5);
        assert_eq!(t5.total_cell(13), 3);
        assert_eq!(
            (t5.total_cell(3), t5.total_cell(5), t5.total_cell(6)),
            (1, 1, 1)
        );
        assert_eq!(
            (t5.total_cell(8), t5.total_cell(9), t5.total_cell(12)),
            (1, 1, 1)
        );
        assert_eq!(
            (t5.total_cell(15), t5.total_cell(22), t5.total_cell(29)),
            (1, 1, 2)
        );
        assert_eq!(
            (t5.total_cell(41), t5.total_cell(43), t5.total_cell(46)),
            (3, 1, 1)
        );
        let t6 = form(&forms, FormCode::T6);
        assert_eq!(
            (t6.total_cell(1), t6.total_cell(2), t6.total_cell(23)),
            (4, 3, 1)
        );
        assert_eq!((t6.total_cell(9), t6.total_cell(10)), (3, 3));
        assert_eq!(
            (t6.total_cell(34), t6.total_cell(42), t6.total_cell(47)),
            (1, 1, 1)
        );
        assert_eq!(t6.total_cell(46), 2 * 1_234_500);
        let t7 = form(&forms, FormCode::T7);
        assert_eq!(
            (t7.total_cell(3), t7.total_cell(14), t7.total_cell(28)),
            (1, 1, 1)
        );
        // Rows: line 2 has the open civil case and the administrative denial.
        let row2 = |f: &Form, c: u32| cell(&f.rows[1], c);
        assert_eq!((row2(t6, 2), row2(t6, 47), row2(t7, 13)), (1, 1, 1));
        let m = form(&forms, FormCode::Monthly);
        assert_eq!(
            (m.total_cell(1), m.total_cell(2), m.total_cell(7)),
            (7, 9, 5)
        );
        let t11 = form(&forms, FormCode::T11);
        assert_eq!(
            [1, 2, 3, 5, 11, 12, 13, 14, 16, 17, 20, 22, 23, 25, 27, 28].map(|c| t11.total_cell(c)),
            [7, 2, 1, 1, 1, 3, 2, 1, 7, 2, 1, 2, 1, 1, 1, 1]
        );
        let t12 = form(&forms, FormCode::T12);
        assert_eq!(
            [1, 22, 23, 26, 27].map(|c| t12.total_cell(c)),
            [2, 1, 1, 1, 0]
        );
        let t13 = form(&forms, FormCode::T13);
        assert_eq!(
            [1, 3, 7, 10, 11].map(|c| t13.total_cell(c)),
            [1, 1, 1, 1, 1]
        );
        let t10 = form(&forms, FormCode::T10);
        assert_eq!(
            (t10.total_cell(6), t10.total_cell(12), t10.total_cell(14)),
            (1, 5, 1)
        );
        assert_eq!(wan_yuan(1_234_500), "1.2345");
        assert_eq!(wan_yuan(1_234_550), "1.2346", "to the nearest yuan");
        assert_eq!(parse_wan_yuan("1.2345"), Some(1_234_500));
        assert_eq!(parse_wan_yuan("12"), Some(12_000_000));
        assert_eq!(parse_wan_yuan(".5"), Some(500_000));
        for bad in ["", ".", "-1", "1.23456", "1e3", "2000000", "一"] {
            assert_eq!(parse_wan_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn arbitration_is_non_litigation_and_state_compensation_is_administrative() {
        let mut award = case(CaseType::Civil);
        award.outcome = Some(CaseOutcome::ArbitrationAward);
        let mut compensation = case(CaseType::Civil);
        compensation.matter_code = "state_compensation".into();
        compensation.case_type = CaseType::NonLitigation;
        compensation.outcome = Some(CaseOutcome::Settlement);
        let forms = build(&[award, compensation], &[]);
        assert_eq!(failing(&forms), Vec::<String>::new());
        let t6 = form(&forms, FormCode::T6);
        assert_eq!(
            (t6.total_cell(2), t6.total_cell(42), t6.total_cell(44)),
            (1, 1, 1)
        );
        let t7 = form(&forms, FormCode::T7);
        assert_eq!(
            (t7.total_cell(3), t7.total_cell(30), t7.total_cell(32)),
            (1, 1, 1)
        );
        let t10 = form(&forms, FormCode::T10);
        // The lawyer's two: 民事非诉讼 (9) and 行政非诉讼 (11).
        assert_eq!((t10.total_cell(9), t10.total_cell(11)), (1, 1));
        let t9 = form(&forms, FormCode::T9);
        assert_eq!((t9.total_cell(3), t9.total_cell(4)), (1, 1));
    }

    #[test]
    fn a_broken_figure_is_named_with_its_line() {
        let (mut cases, denials) = sample();
        // A criminal case closed without saying whether the opinions were adopted.
        let mut silent = notified(Stage::Trial, vec![]);
        silent.adoption = Some(Adoption::NotApplicable);
        silent.line = 2;
        cases.push(silent);
        // A legal worker's criminal case: 表十 has no column for it.
        let mut worker = notified(Stage::Trial, vec![]);
        worker.handler = Some(HandlerClass::LegalWorker);
        cases.push(worker);
        let forms = build(&cases, &denials);
        let broken = failing(&forms);
        assert_eq!(broken, ["44 = 40+41+42+43", "17 = 13+14+15+16"]);
        let t5 = form(&forms, FormCode::T5);
        let c = t5
            .checks
            .iter()
            .find(|c| c.rule == "44 = 40+41+42+43")
            .expect("the rule");
        // The total and line 2 break it (line 1's row holds), one short each.
        let lines: Vec<Option<i64>> = c.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, [None, Some(2)]);
        assert!(c.failures.iter().all(|f| f.left == f.right + 1));
    }

    #[test]
    fn periods_by_calendar_and_by_cut_off() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("a date");
        let cal = StatCalendar::default();
        assert_eq!(
            cal.days(Period::Month {
                year: 2026,
                month: 2
            }),
            Some((d(2026, 2, 1), d(2026, 2, 28)))
        );
        assert_eq!(
            cal.days(Period::Month {
                year: 2026,
                month: 12
            }),
            Some((d(2026, 12, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            cal.days(Period::Year { year: 2026 }),
            Some((d(2026, 1, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            cal.days(Period::Half {
                year: 2026,
                half: 2
            }),
            Some((d(2026, 7, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            cal.days(Period::Month {
                year: 2026,
                month: 13
            }),
            None
        );
        // Zhejiang: months end on the 20th, the year in November.
        let zj = StatCalendar {
            cutoff_day: Some(20),
            year_end_month: 11,
        };
        assert_eq!(
            zj.days(Period::Month {
                year: 2026,
                month: 1
            }),
            Some((d(2025, 12, 21), d(2026, 1, 20)))
        );
        assert_eq!(
            zj.days(Period::Year { year: 2026 }),
            Some((d(2025, 11, 21), d(2026, 11, 20)))
        );
        assert_eq!(
            zj.days(Period::Half {
                year: 2026,
                half: 1
            }),
            Some((d(2025, 11, 21), d(2026, 5, 20)))
        );
        assert_eq!(
            zj.month_of(d(2026, 12, 5)),
            Period::Month {
                year: 2026,
                month: 12
            }
        );
        assert_eq!(
            zj.month_of(d(2026, 12, 21)),
            Period::Month {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(zj.year_of(d(2026, 12, 5)), Period::Year { year: 2027 });
        assert_eq!(cal.year_of(d(2026, 12, 31)), Period::Year { year: 2026 });
        assert!(
            !StatCalendar {
                cutoff_day: Some(30),
                year_end_month: 12
            }
            .valid()
        );
    }
}
