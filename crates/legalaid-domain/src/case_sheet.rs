//! The cases spreadsheet (法律援助案件登记表): one case per row, with its
//! application and recipient in the applications sheet's columns before it
//! (docs/IMPORT.md, ADR 0051), so that a bureau moving from another system brings
//! in its cases in progress and its closed cases with the people and decisions
//! they came from. A row says what another system's case list holds (the number,
//! the days it was decided, opened, assigned and closed, the unit and handler,
//! the result); what it cannot hold (progress notes, hearings, replacements) is
//! not a column.

use crate::application_sheet::{self, ApplicationRow, parse_bool, parse_day};
use crate::case::{Adoption, CaseOutcome, CaseStatus, CaseType, ClosureInput, Stage};
use crate::person_sheet::{code_of, err};
use crate::rules::RuleBook;
use crate::validation::FieldError;
use chrono::NaiveDate;

/// The case's own columns, after the application's: (field, header).
pub const CASE_COLUMNS: [(&str, &str); 20] = [
    ("case_no", "案件编号"),
    ("status", "案件状态"),
    ("decided_on", "给予法律援助决定日期"),
    ("opened_on", "立案日期"),
    ("case_type", "案件类型"),
    ("stage", "诉讼阶段"),
    ("possible_life_or_death", "可能判处无期徒刑、死刑"),
    ("juvenile", "涉及未成年人"),
    ("handling_unit", "承办单位"),
    ("handler", "承办人"),
    ("handler_licence", "承办人执业证号"),
    ("assigned_on", "指派日期"),
    ("agreement_signed_on", "委托协议签订日期"),
    ("ended_on", "事项办结日期"),
    ("outcome", "办理结果"),
    ("amount", "挽回损失或获得利益（元）"),
    ("adoption", "意见采纳情况"),
    ("closure_report", "结案报告"),
    ("closure_submitted_on", "提交结案材料日期"),
    ("closed_on", "结案日期"),
];

/// The case columns a file must have besides the application's.
pub const CASE_REQUIRED: [&str; 7] = [
    "case_no",
    "status",
    "opened_on",
    "handling_unit",
    "handler",
    "assigned_on",
    "agreement_signed_on",
];

/// Every column: the person's, the application's, the case's.
pub fn columns() -> Vec<(&'static str, &'static str)> {
    let mut c = application_sheet::columns();
    c.extend(CASE_COLUMNS);
    c
}

/// The header row.
pub fn headers() -> Vec<&'static str> {
    columns().into_iter().map(|c| c.1).collect()
}

/// Which field each column of a file is (by its header, Chinese or code).
pub fn header_map(headers: &[String]) -> Result<Vec<&'static str>, Vec<FieldError>> {
    let required: Vec<&str> = application_sheet::REQUIRED
        .iter()
        .chain(CASE_REQUIRED.iter())
        .copied()
        .collect();
    crate::person_sheet::header_map_of(&columns(), &required, headers)
}

/// The states a case may be imported in: being handled, or closed and archived.
/// A case of another system that waits for assignment is imported as its
/// application (the applications sheet) and assigned here.
pub const IMPORTABLE: [CaseStatus; 2] = [CaseStatus::InProgress, CaseStatus::Archived];

/// What a row says of its case, read but not yet checked against the register
/// (the unit, the handler, the rules of assignment).
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub application: ApplicationRow,
    /// The case's number in the file (ours, or the other system's): its key.
    pub case_no: String,
    pub status: CaseStatus,
    /// The day legal aid was granted; none for a case an organ notified.
    pub decided_on: Option<NaiveDate>,
    pub opened_on: NaiveDate,
    /// None: from the matter and the form of aid, as when a case opens here.
    pub case_type: Option<CaseType>,
    /// None: the type's first stage, as when a case opens here.
    pub stage: Option<Stage>,
    pub possible_life_or_death: bool,
    /// None: whether the recipient was a minor when applying.
    pub juvenile: Option<bool>,
    pub handling_unit: String,
    pub handler: String,
    pub handler_licence: Option<String>,
    pub assigned_on: NaiveDate,
    pub agreement_signed_on: NaiveDate,
    /// For a closed case: the report as the handler would submit it.
    pub closure: Option<ClosureInput>,
    /// For a closed case: the day its papers were handed in (the closing day
    /// when the file does not say) and the day the closure was approved.
    pub closure_submitted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// The case a row describes; every value that cannot be read is named. The
/// application's columns are read by the applications sheet, with its messages.
pub fn row_input(
    map: &[&'static str],
    row: &[String],
    rules: &RuleBook,
) -> Result<CaseRow, Vec<FieldError>> {
    let application = application_sheet::row_input(map, row, rules);
    let mut errors = application.as_ref().err().cloned().unwrap_or_default();
    let cell = |field: &str| {
        map.iter()
            .position(|f| *f == field)
            .and_then(|i| row.get(i))
            .map_or("", |v| v.trim())
    };
    let mut day = |field: &str, header: &str, required: bool| -> Option<NaiveDate> {
        let v = cell(field);
        if v.is_empty() {
            if required {
                errors.push(err(field, format!("请填写{header}")));
            }
            return None;
        }
        let d = parse_day(v);
        if d.is_none() {
            errors.push(err(
                field,
                format!("{header}“{v}”应为 年-月-日，如 2026-03-05"),
            ));
        }
        d
    };
    let opened_on = day("opened_on", "立案日期", true);
    let decided_on = day("decided_on", "给予法律援助决定日期", false);
    let assigned_on = day("assigned_on", "指派日期", true);
    let agreement_signed_on = day("agreement_signed_on", "委托协议签订日期", true);
    let ended_on = day("ended_on", "事项办结日期", false);
    let closure_submitted_on = day("closure_submitted_on", "提交结案材料日期", false);
    let closed_on = day("closed_on", "结案日期", false);

    let case_no = cell("case_no").to_owned();
    if case_no.is_empty() {
        errors.push(err("case_no", "请填写案件编号".into()));
    } else if case_no.chars().count() > 64 {
        errors.push(err("case_no", "案件编号至多64个字符".into()));
    }
    let status = match cell("status") {
        "承办中" | "in_progress" => Some(CaseStatus::InProgress),
        "已结案" | "已结案归档" | "archived" => Some(CaseStatus::Archived),
        v => {
            errors.push(err(
                "status",
                format!(
                    "案件状态“{v}”应为 承办中 或 已结案（待指派的案件请以申请导入，在本系统指派）"
                ),
            ));
            None
        }
    };
    let mut parsed_code = |field: &str, header: &str, parse: &dyn Fn(&str) -> bool| {
        let v = cell(field);
        if v.is_empty() {
            return None;
        }
        if !parse(v) {
            errors.push(err(field, format!("{header}“{v}”不正确")));
        }
        Some(v.to_owned())
    };
    let case_type = parsed_code("case_type", "案件类型", &|v| {
        code_of(v, CaseType::ALL, CaseType::as_str, CaseType::label).is_some()
    })
    .and_then(|v| code_of(&v, CaseType::ALL, CaseType::as_str, CaseType::label))
    .and_then(CaseType::parse);
    let stage = parsed_code("stage", "诉讼阶段", &|v| {
        code_of(v, Stage::ALL, Stage::as_str, Stage::label).is_some()
    })
    .and_then(|v| code_of(&v, Stage::ALL, Stage::as_str, Stage::label))
    .and_then(Stage::parse);
    let mut flag = |field: &str, header: &str| -> Option<bool> {
        let v = cell(field);
        if v.is_empty() {
            return None;
        }
        let b = parse_bool(v);
        if b.is_none() {
            errors.push(err(field, format!("{header}应填“是”或“否”")));
        }
        b
    };
    let possible_life_or_death = flag("possible_life_or_death", "可能判处无期徒刑、死刑");
    let juvenile = flag("juvenile", "涉及未成年人");
    let handling_unit = cell("handling_unit").to_owned();
    if handling_unit.is_empty() {
        errors.push(err("handling_unit", "请填写承办单位".into()));
    }
    let handler = cell("handler").to_owned();
    if handler.is_empty() {
        errors.push(err("handler", "请填写承办人".into()));
    }
    let handler_licence = Some(cell("handler_licence").to_owned()).filter(|l| !l.is_empty());

    let outcome = cell("outcome");
    let amount = cell("amount");
    let adoption = cell("adoption");
    let report = cell("closure_report");
    let amount_fen = if amount.is_empty() {
        Some(0)
    } else {
        let f = crate::portal::yuan_to_fen(amount);
        if f.is_none() {
            errors.push(err(
                "amount",
                format!("挽回损失或获得利益“{amount}”应为元，至多两位小数"),
            ));
        }
        f
    };
    let closure = match status {
        Some(CaseStatus::Archived) => {
            for (field, header, missing) in [
                ("ended_on", "事项办结日期", ended_on.is_none()),
                ("outcome", "办理结果", outcome.is_empty()),
                ("closed_on", "结案日期", closed_on.is_none()),
            ] {
                let unreadable = errors.iter().any(|e| e.field == field);
                if missing && !unreadable {
                    errors.push(err(field, format!("已结案的案件须填写{header}")));
                }
            }
            Some(ClosureInput {
                outcome: code_of(outcome, CaseOutcome::ALL, CaseOutcome::as_str, |o| {
                    o.label()
                })
                .map_or_else(|| outcome.to_owned(), str::to_owned),
                ended_on,
                amount_fen: amount_fen.unwrap_or(0),
                adoption: code_of(adoption, Adoption::ALL, Adoption::as_str, Adoption::label)
                    .map_or_else(|| adoption.to_owned(), str::to_owned),
                report: report.to_owned(),
                ..ClosureInput::default()
            })
        }
        Some(_) => {
            let closing = [
                ("ended_on", !cell("ended_on").is_empty()),
                ("outcome", !outcome.is_empty()),
                ("amount", !amount.is_empty()),
                ("adoption", !adoption.is_empty()),
                ("closure_report", !report.is_empty()),
                (
                    "closure_submitted_on",
                    !cell("closure_submitted_on").is_empty(),
                ),
                ("closed_on", !cell("closed_on").is_empty()),
            ];
            for (field, given) in closing {
                if given && errors.iter().all(|e| e.field != field) {
                    errors.push(err(field, "承办中的案件不填写结案的内容".into()));
                }
            }
            None
        }
        None => None,
    };
    match (
        application,
        status,
        opened_on,
        assigned_on,
        agreement_signed_on,
    ) {
        (Ok(application), Some(status), Some(opened_on), Some(assigned_on), Some(signed))
            if errors.is_empty() =>
        {
            Ok(CaseRow {
                application,
                case_no,
                status,
                decided_on,
                opened_on,
                case_type,
                stage,
                possible_life_or_death: possible_life_or_death.unwrap_or(false),
                juvenile,
                handling_unit,
                handler,
                handler_licence,
                assigned_on,
                agreement_signed_on: signed,
                closure,
                closure_submitted_on: closure_submitted_on
                    .or(closed_on)
                    .filter(|_| status == CaseStatus::Archived),
                closed_on,
            })
        }
        _ => Err(errors),
    }
}

/// The key a case is known by across imports: the file's case number with its
/// recipient (the keyed hash of the ID number: two offices that number alike do
/// not collide).
pub fn source_ref(case_no: &str, id_hash: &str) -> String {
    let person = id_hash.get(..16).unwrap_or(id_hash);
    format!("{case_no}|{person}")
}

impl CaseRow {
    /// The days of the row in the order the law gives them: received, granted
    /// (not for a notified case, which its opening grants), opened, assigned,
    /// agreement signed, ended, papers handed in, closed; none after `today`.
    /// `received_on` is the application's day received (China time).
    pub fn check_days(
        &self,
        received_on: NaiveDate,
        notified: bool,
        today: NaiveDate,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        match (notified, self.decided_on) {
            (false, None) => errors.push(err(
                "decided_on",
                "请填写给予法律援助决定日期（办案机关通知的案件除外）".into(),
            )),
            (true, Some(d)) if d != self.opened_on => errors.push(err(
                "decided_on",
                "办案机关通知的案件无需决定：给予法律援助决定日期应留空或与立案日期相同".into(),
            )),
            _ => {}
        }
        let mut chain: Vec<(&str, &str, NaiveDate)> =
            vec![("received_at", "收到申请", received_on)];
        if let Some(d) = self.decided_on.filter(|_| !notified) {
            chain.push(("decided_on", "决定给予法律援助", d));
        }
        chain.push(("opened_on", "立案", self.opened_on));
        chain.push(("assigned_on", "指派", self.assigned_on));
        chain.push((
            "agreement_signed_on",
            "签订委托协议",
            self.agreement_signed_on,
        ));
        if let Some(d) = self.closure.as_ref().and_then(|c| c.ended_on) {
            chain.push(("ended_on", "事项办结", d));
        }
        if let Some(d) = self.closure_submitted_on {
            chain.push(("closure_submitted_on", "提交结案材料", d));
        }
        if let Some(d) = self.closed_on {
            chain.push(("closed_on", "结案", d));
        }
        for pair in chain.windows(2) {
            let ((_, before_name, before), (field, name, day)) = (pair[0], pair[1]);
            if day < before {
                errors.push(err(
                    field,
                    format!("{name}日期（{day}）不能早于{before_name}日期（{before}）"),
                ));
            }
        }
        for (field, name, day) in chain {
            if day > today {
                errors.push(err(field, format!("{name}日期（{day}）不能晚于今天")));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn rules() -> RuleBook {
        RuleBook::shipped().unwrap_or_default()
    }

    const HEADERS: [&str; 17] = [
        "姓名",
        "证件号码",
        "申请渠道",
        "收到申请时间",
        "申请事项",
        "法律援助形式",
        "案情摘要",
        "案件编号",
        "案件状态",
        "给予法律援助决定日期",
        "立案日期",
        "承办单位",
        "承办人",
        "指派日期",
        "委托协议签订日期",
        "办理结果",
        "结案日期",
    ];

    fn row(status: &str, outcome: &str, closed: &str, matter: &str) -> Vec<String> {
        s(&[
            "张三",
            "x",
            "来访申请",
            "2026-03-05 09:30",
            matter,
            "litigation_representation",
            "拖欠工资",
            "皖援2026-17",
            status,
            "2026-03-10",
            "2026-03-11",
            "某律师事务所",
            "李律师",
            "2026/3/12",
            "2026.3.13",
            outcome,
            closed,
        ])
    }

    fn matter() -> String {
        rules()
            .matters
            .first()
            .map(|m| m.label.clone())
            .unwrap_or_default()
    }

    #[test]
    fn headers_need_the_application_and_the_case() {
        let all: Vec<String> = headers().into_iter().map(str::to_owned).collect();
        assert_eq!(header_map(&all).map(|m| m.len()).unwrap_or(0), 54);
        let e = header_map(&s(&HEADERS[..7])).err().unwrap_or_default();
        let missing: Vec<&str> = e.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(missing.len(), CASE_REQUIRED.len(), "{missing:?}");
        assert!(missing.iter().any(|m| m.contains("委托协议签订日期")));
        assert!(header_map(&s(&HEADERS)).is_ok());
    }

    #[test]
    fn a_case_in_progress_reads_its_days_unit_and_handler() {
        let m = header_map(&s(&HEADERS)).unwrap_or_default();
        let r = row_input(&m, &row("承办中", "", "", &matter()), &rules())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.status, CaseStatus::InProgress);
        assert_eq!(r.case_no, "皖援2026-17");
        assert_eq!(
            r.application.input.service_form,
            "litigation_representation"
        );
        assert_eq!(r.decided_on, NaiveDate::from_ymd_opt(2026, 3, 10));
        assert_eq!(
            r.assigned_on,
            NaiveDate::from_ymd_opt(2026, 3, 12).unwrap_or_default()
        );
        assert_eq!(
            r.agreement_signed_on,
            NaiveDate::from_ymd_opt(2026, 3, 13).unwrap_or_default()
        );
        assert_eq!(
            (r.handling_unit.as_str(), r.handler.as_str()),
            ("某律师事务所", "李律师")
        );
        assert!(r.closure.is_none() && r.closed_on.is_none());
        assert!(r.case_type.is_none() && r.stage.is_none() && r.juvenile.is_none());
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        let received = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert!(r.check_days(received, false, today).is_empty());
    }

    #[test]
    fn a_case_in_progress_says_nothing_of_its_closure() {
        let m = header_map(&s(&HEADERS)).unwrap_or_default();
        let e = row_input(
            &m,
            &row("承办中", "调解结案", "2026-04-01", &matter()),
            &rules(),
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["outcome", "closed_on"]);
        assert!(e[0].message.contains("承办中"));
    }

    #[test]
    fn a_closed_case_carries_its_closure_by_label() {
        let m = header_map(&s(&HEADERS)).unwrap_or_default();
        let r = row_input(
            &m,
            &row("已结案", "调解结案", "2026-05-20", &matter()),
            &rules(),
        );
        // 事项办结日期 is not a column of this file: named as missing.
        let e = r.err().unwrap_or_default();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "ended_on");
        let mut headers = HEADERS.to_vec();
        headers.push("事项办结日期");
        let m = header_map(&s(&headers)).unwrap_or_default();
        let mut cells = row("已结案", "调解结案", "2026-05-20", &matter());
        cells.push("2026-05-18".into());
        let r = row_input(&m, &cells, &rules()).unwrap_or_else(|e| panic!("{e:?}"));
        let c = r.closure.clone().unwrap_or_default();
        assert_eq!(c.outcome, "mediation");
        assert_eq!(c.ended_on, NaiveDate::from_ymd_opt(2026, 5, 18));
        assert_eq!(c.amount_fen, 0);
        // Papers handed in on the closing day when the file does not say.
        assert_eq!(r.closure_submitted_on, NaiveDate::from_ymd_opt(2026, 5, 20));
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        let received = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert!(r.check_days(received, false, today).is_empty());
    }

    #[test]
    fn bad_values_are_each_named() {
        let m = header_map(&s(&HEADERS)).unwrap_or_default();
        let mut cells = row("待指派", "", "", &matter());
        cells[10] = "三月".into(); // 立案日期
        cells[11] = String::new(); // 承办单位
        let e = row_input(&m, &cells, &rules()).err().unwrap_or_default();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["opened_on", "status", "handling_unit"]);
        assert!(e[1].message.contains("以申请导入"));
    }

    #[test]
    fn the_days_follow_the_law_and_none_is_after_today() {
        let m = header_map(&s(&HEADERS)).unwrap_or_default();
        let r = row_input(&m, &row("承办中", "", "", &matter()), &rules())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        // Received after the decision: the decision is named.
        let e = r.check_days(d(3, 11), false, d(12, 4));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "decided_on");
        // The agreement signed in the future.
        let e = r.check_days(d(3, 5), false, d(3, 12));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "agreement_signed_on");
        // A notified case needs no decision; one given must be its opening day.
        let e = r.check_days(d(3, 5), true, d(12, 4));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].message.contains("办案机关通知"));
        let mut notified = r.clone();
        notified.decided_on = None;
        assert!(notified.check_days(d(3, 5), true, d(12, 4)).is_empty());
        assert_eq!(notified.check_days(d(3, 5), false, d(12, 4)).len(), 1);
    }
}
