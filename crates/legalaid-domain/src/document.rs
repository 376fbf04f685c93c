//! Documents issued to applicants (材料接收凭证, 补充材料通知书, 决定书…): their
//! kinds, the editable templates they are filled from, and the filled content that
//! the document renderers (DOCX, PDF) lay out.

use crate::placeholder::Placeholder;
use serde::{Deserialize, Serialize};

code_enum!(
    DocKind {
        Receipt => ("receipt", "法律援助申请材料接收凭证"),
        SupplementNotice => ("supplement_notice", "补充材料通知书"),
        GrantDecision => ("grant_decision", "给予法律援助决定书"),
        DenialDecision => ("denial_decision", "不予法律援助决定书"),
        ObjectionDecision => ("objection_decision", "法律援助异议审查决定书"),
        AssignmentNotice => ("assignment_notice", "指派通知书"),
        OfficialLetter => ("official_letter", "法律援助公函"),
        TerminationDecision => ("termination_decision", "终止法律援助决定书"),
        ClosureReport => ("closure_report", "法律援助案件结案报告"),
        SubsidyVoucher => ("subsidy_voucher", "法律援助办案补贴领款凭单"),
        ReviewResultNotice => ("review_result_notice", "法律援助案件评查结果通知书"),
        RectificationNotice => ("rectification_notice", "法律援助整改通知书"),
        SupervisionNotice => ("supervision_notice", "法律援助工作督办通知书"),
        Bulletin => ("bulletin", "法律援助工作通报"),
        ComplaintAcceptance => ("complaint_acceptance", "投诉受理通知书"),
        ComplaintRefusal => ("complaint_refusal", "不予受理投诉通知书"),
        ComplaintReply => ("complaint_reply", "投诉处理答复书"),
        OpinionLetter => ("opinion_letter", "征询意见函"),
    }
);

/// A template as an administrator edits it: a title, who it is addressed to, and
/// paragraphs (separated by blank lines) with `{占位符}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTemplate {
    pub kind: DocKind,
    pub title: String,
    pub addressee: String,
    pub body: String,
    /// The document's own number series, e.g. `叶法援给〔{year}〕{seq}号`: each kind
    /// is numbered apart, from 1 each year, when first issued. Empty: the document
    /// carries its record's number (the receipt the application's, the closure
    /// report the case's).
    #[serde(default)]
    pub number_format: String,
    pub version: i64,
}

/// The shipped number series of each kind (`data/documents/numbers.csv`), for
/// templates stored before series existed and for new databases.
pub fn shipped_number_format(kind: DocKind) -> String {
    include_str!("../data/documents/numbers.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .find(|(k, _)| *k == kind.as_str())
        .map(|(_, f)| f.trim().to_owned())
        .unwrap_or_default()
}

/// Checks a number series: empty, or a pattern with `{seq}` (and optionally
/// `{year}`) and no other placeholder.
pub fn check_number_format(f: &str) -> Result<(), String> {
    if f.is_empty() {
        return Ok(());
    }
    if !f.contains("{seq}") {
        return Err("文号格式须含 {seq}（序号），如 叶法援给〔{year}〕{seq}号".into());
    }
    let rest = f.replace("{seq}", "").replace("{year}", "");
    if rest.contains('{') || rest.contains('}') {
        return Err("文号格式只能使用 {year}（年度）和 {seq}（序号）".into());
    }
    if f.chars().count() > 40 {
        return Err("文号格式不能超过40字".into());
    }
    Ok(())
}

/// The subject a document is numbered for: one number per kind and subject.
pub fn number_subject(
    kind: DocKind,
    application_id: crate::ApplicationId,
    objection_id: Option<crate::ObjectionId>,
) -> String {
    match (kind, objection_id) {
        (DocKind::ObjectionDecision, Some(o)) => format!("objection:{o}"),
        _ => crate::record::Subject::Application(application_id).key(),
    }
}

/// A filled document, ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The issuing body, printed at the top (e.g. 六安市叶集区法律援助中心).
    pub issuer: String,
    pub title: String,
    /// e.g. 叶法援申〔2024〕15号
    pub number: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    /// Signature block: the issuer and the date, right-aligned.
    pub signature: Vec<String>,
}

/// The templates shipped with the system (`data/documents/<kind>.txt`: the title on
/// the first line, the addressee on the second, then the body).
pub fn shipped_templates() -> Vec<DocTemplate> {
    let files = [
        (
            DocKind::Receipt,
            include_str!("../data/documents/receipt.txt"),
        ),
        (
            DocKind::SupplementNotice,
            include_str!("../data/documents/supplement_notice.txt"),
        ),
        (
            DocKind::GrantDecision,
            include_str!("../data/documents/grant_decision.txt"),
        ),
        (
            DocKind::DenialDecision,
            include_str!("../data/documents/denial_decision.txt"),
        ),
        (
            DocKind::ObjectionDecision,
            include_str!("../data/documents/objection_decision.txt"),
        ),
        (
            DocKind::AssignmentNotice,
            include_str!("../data/documents/assignment_notice.txt"),
        ),
        (
            DocKind::OfficialLetter,
            include_str!("../data/documents/official_letter.txt"),
        ),
        (
            DocKind::TerminationDecision,
            include_str!("../data/documents/termination_decision.txt"),
        ),
        (
            DocKind::ClosureReport,
            include_str!("../data/documents/closure_report.txt"),
        ),
        (
            DocKind::SubsidyVoucher,
            include_str!("../data/documents/subsidy_voucher.txt"),
        ),
        (
            DocKind::ReviewResultNotice,
            include_str!("../data/documents/review_result_notice.txt"),
        ),
        (
            DocKind::RectificationNotice,
            include_str!("../data/documents/rectification_notice.txt"),
        ),
        (
            DocKind::SupervisionNotice,
            include_str!("../data/documents/supervision_notice.txt"),
        ),
        (
            DocKind::Bulletin,
            include_str!("../data/documents/bulletin.txt"),
        ),
        (
            DocKind::ComplaintAcceptance,
            include_str!("../data/documents/complaint_acceptance.txt"),
        ),
        (
            DocKind::ComplaintRefusal,
            include_str!("../data/documents/complaint_refusal.txt"),
        ),
        (
            DocKind::ComplaintReply,
            include_str!("../data/documents/complaint_reply.txt"),
        ),
        (
            DocKind::OpinionLetter,
            include_str!("../data/documents/opinion_letter.txt"),
        ),
    ];
    files
        .into_iter()
        .map(|(kind, text)| {
            let mut lines = text.splitn(3, '\n');
            DocTemplate {
                kind,
                title: lines.next().unwrap_or_default().trim().to_owned(),
                addressee: lines.next().unwrap_or_default().trim().to_owned(),
                body: lines.next().unwrap_or_default().trim().to_owned(),
                number_format: shipped_number_format(kind),
                version: 1,
            }
        })
        .collect()
}

/// A date as documents and messages write it: 2024年6月1日.
pub fn date_cn(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// What the official letter (法律援助公函) tells the case-handling organ: the
/// handler's capacity (辩护人 for a suspect or defendant, 诉讼代理人 in other
/// proceedings, 代理人 in non-litigation matters) and the article the assignment
/// rests on (LAL art 36 for a notified defence, art 43 after a grant on application).
pub fn letter_capacity(
    case_type: crate::case::CaseType,
    role: Option<crate::application::ProceduralRole>,
    notified: bool,
) -> (&'static str, &'static str) {
    use crate::application::ProceduralRole as R;
    use crate::case::CaseType as T;
    let capacity = match (case_type, role) {
        (T::Criminal, Some(R::Suspect | R::CriminalDefendant) | None) => "辩护人",
        (T::NonLitigation, _) => "代理人",
        _ => "诉讼代理人",
    };
    let basis = if notified {
        "第三十六条"
    } else {
        "第四十三条第一款"
    };
    (capacity, basis)
}

/// An amount in Chinese capital numerals, as vouchers and financial papers write
/// it (人民币大写): 80000 fen → 捌佰元整, 123456 → 壹仟贰佰叁拾肆元伍角陆分,
/// 1000510 → 壹万零伍元壹角整.
pub fn amount_in_capitals(fen: i64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    const SECTIONS: [&str; 4] = ["", "万", "亿", "万亿"];
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let (jiao, cents) = ((fen / 10 % 10) as usize, (fen % 10) as usize);
    // One group of four digits, without leading zeros; zeros inside read as one 零.
    let group = |n: u64| {
        let mut out = String::new();
        let (mut started, mut zero) = (false, false);
        for (i, d) in [n / 1000, n / 100 % 10, n / 10 % 10, n % 10]
            .into_iter()
            .enumerate()
        {
            if d == 0 {
                zero |= started;
            } else {
                if zero {
                    out.push('零');
                    zero = false;
                }
                out.push(DIGITS[d as usize]);
                out.push_str(UNITS[i]);
                started = true;
            }
        }
        out
    };
    let mut groups = Vec::new();
    let mut rest = yuan;
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut gap = false;
    for (idx, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            gap |= !out.is_empty();
            continue;
        }
        if !out.is_empty() && (gap || *g < 1000) {
            out.push('零');
        }
        out.push_str(&group(*g));
        out.push_str(SECTIONS.get(idx).copied().unwrap_or_default());
        gap = false;
    }
    if yuan > 0 || (jiao == 0 && cents == 0) {
        if out.is_empty() {
            out.push('零');
        }
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (j, c) => {
            if j > 0 {
                out.push(DIGITS[j]);
                out.push('角');
            } else if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[c]);
            out.push('分');
        }
    }
    out
}

/// Paragraphs of a template body: blank lines separate them; lines within a
/// paragraph are joined.
pub fn paragraphs(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(""))
        .filter(|p| !p.is_empty())
        .collect()
}

/// What is wrong with the placeholders of a document template (empty: fine).
pub fn placeholder_problems(text: &str) -> Vec<String> {
    crate::placeholder::problems(text, Placeholder::in_documents, "（文书中不可用）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_series_or_the_record_number() {
        assert_eq!(
            shipped_number_format(DocKind::GrantDecision),
            "叶法援给〔{year}〕{seq}号"
        );
        assert_eq!(shipped_number_format(DocKind::Receipt), "");
        // Every decision and letter the center or the bureau issues is numbered apart.
        let series: Vec<String> = DocKind::ALL
            .iter()
            .map(|k| shipped_number_format(*k))
            .filter(|f| !f.is_empty())
            .collect();
        // All but the receipt, the closure report and the subsidy voucher, which
        // carry their record's number.
        assert_eq!(series.len(), DocKind::ALL.len() - 3);
        assert!(series.iter().all(|f| check_number_format(f).is_ok()));
        let mut unique = series.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), series.len(), "no two kinds share a series");
        assert!(check_number_format("叶法援〔{year}〕号").is_err());
        assert!(check_number_format("{name}{seq}").is_err());
        assert!(check_number_format("").is_ok());
    }

    #[test]
    fn the_official_letter_fits_the_case() {
        use crate::application::ProceduralRole as R;
        use crate::case::CaseType as T;
        assert_eq!(
            letter_capacity(T::Criminal, Some(R::CriminalDefendant), true),
            ("辩护人", "第三十六条")
        );
        assert_eq!(
            letter_capacity(T::Criminal, Some(R::Suspect), false),
            ("辩护人", "第四十三条第一款")
        );
        assert_eq!(
            letter_capacity(T::Criminal, Some(R::Victim), false),
            ("诉讼代理人", "第四十三条第一款")
        );
        assert_eq!(
            letter_capacity(T::Civil, Some(R::Plaintiff), false),
            ("诉讼代理人", "第四十三条第一款")
        );
        assert_eq!(
            letter_capacity(T::NonLitigation, Some(R::Applicant), false).0,
            "代理人"
        );
    }

    #[test]
    fn amounts_read_in_capitals_as_on_financial_papers() {
        for (fen, words) in [
            (80_000, "捌佰元整"),
            (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
            (1_000_510, "壹万零伍元壹角整"),
            (50, "伍角整"),
            (56, "伍角陆分"),
            (0, "零元整"),
            (105, "壹元零伍分"),
            (10_000_000, "壹拾万元整"),
            (100_010_000, "壹佰万零壹佰元整"),
            (10_101_000, "壹拾万壹仟零壹拾元整"),
            (1_200_000_000, "壹仟贰佰万元整"),
            (10_000_000_000, "壹亿元整"),
            (10_000_010_000, "壹亿零壹佰元整"),
        ] {
            assert_eq!(amount_in_capitals(fen), words, "{fen}");
        }
    }

    #[test]
    fn placeholder_problems_name_unknown_and_message_only_names() {
        assert_eq!(
            placeholder_problems("{申请人}{申请人x}{理由}{期限}"),
            vec![
                "未知的占位符 {申请人x}".to_owned(),
                "不能使用占位符 {期限}（文书中不可用）".to_owned()
            ]
        );
    }

    #[test]
    fn shipped_templates_use_only_known_placeholders() {
        let t = shipped_templates();
        assert_eq!(t.len(), DocKind::ALL.len());
        for tpl in &t {
            assert!(
                !tpl.title.is_empty() && !tpl.body.is_empty(),
                "{:?}",
                tpl.kind
            );
            assert_eq!(
                placeholder_problems(&format!("{}{}{}", tpl.title, tpl.addressee, tpl.body)),
                Vec::<String>::new(),
                "{:?}",
                tpl.kind
            );
        }
        assert!(
            t.iter().any(|x| x.body.contains("第四十九条")),
            "the denial names the objection route"
        );
    }

    #[test]
    fn paragraphs_are_split_on_blank_lines() {
        assert_eq!(
            paragraphs("第一段\n续行\n\n第二段\n\n\n"),
            vec!["第一段续行".to_owned(), "第二段".to_owned()]
        );
    }
}
