//! The applications spreadsheet (法律援助申请登记表): one application per row,
//! its applicant in the persons sheet's columns beside it (docs/IMPORT.md), so
//! that one file registers the people and their applications in one step.
//! Imports read it and exports write it, headed by the Chinese column names.

use crate::PersonId;
use crate::application::{
    Application, ApplicationInput, Channel, HouseholdInput, NotifyingOrgan, ProceduralRole,
    ServiceForm,
};
use crate::assessment::Means;
use crate::person_sheet::{self, code_of, err};
use crate::rules::RuleBook;
use crate::validation::FieldError;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};

/// The application's own columns, after the person's: (field, header).
pub const APPLICATION_COLUMNS: [(&str, &str); 22] = [
    ("number", "申请编号"),
    ("channel", "申请渠道"),
    ("notifying_organ", "通知机关"),
    ("received_at", "收到申请时间"),
    ("custody_received_at", "羁押场所收到时间"),
    ("matter", "申请事项"),
    ("service_form", "法律援助形式"),
    ("procedural_role", "诉讼地位"),
    ("opposing_party", "对方当事人"),
    ("case_organ", "办案机关"),
    ("case_number", "案号"),
    ("summary", "案情摘要"),
    ("limitation_date", "时效届满日"),
    ("preservation_urgent", "需紧急保全"),
    ("representative_name", "代理申请人姓名"),
    ("representative_relation", "与申请人关系"),
    ("means", "经济状况"),
    ("household_members", "家庭人口"),
    ("monthly_income", "家庭月收入（元）"),
    ("exemption", "免予核查情形"),
    ("exemption_proof", "已提交免核证明"),
    ("assets", "家庭财产状况"),
];

/// The columns a file must have.
pub const REQUIRED: [&str; 7] = [
    "name",
    "id_number",
    "channel",
    "received_at",
    "matter",
    "service_form",
    "summary",
];

/// Every column, the person's first, in the order exports write them.
pub fn columns() -> Vec<(&'static str, &'static str)> {
    person_sheet::COLUMNS
        .iter()
        .chain(APPLICATION_COLUMNS.iter())
        .copied()
        .collect()
}

/// The header row.
pub fn headers() -> Vec<&'static str> {
    columns().into_iter().map(|c| c.1).collect()
}

/// Which field each column of a file is (by its header, Chinese or code).
pub fn header_map(headers: &[String]) -> Result<Vec<&'static str>, Vec<FieldError>> {
    person_sheet::header_map_of(&columns(), &REQUIRED, headers)
}

/// What a row says of its application.
#[derive(Debug, Clone, Default)]
pub struct ApplicationRow {
    /// The application as the intake form would give it; its applicant is
    /// set when the person is known.
    pub input: ApplicationInput,
    /// The number the file gives (ours, or the other system's), if any.
    pub number: Option<String>,
}

/// A time as a spreadsheet gives it, China time: `2026-03-05 09:30[:00]` or a
/// day alone (its start). `/` and `.` may separate the date's parts.
pub fn parse_time(v: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = v.trim().replace(['/', '.'], "-").replace('T', " ");
    let naive = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    chrono::FixedOffset::east_opt(8 * 3600)?
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub(crate) fn parse_day(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&v.trim().replace(['/', '.'], "-"), "%Y-%m-%d").ok()
}

pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "" | "否" | "无" | "false" | "FALSE" | "0" => Some(false),
        "是" | "有" | "true" | "TRUE" | "1" => Some(true),
        _ => None,
    }
}

/// A code by its code or its label among `all` (codes are the same in every
/// version of a rule, so any version's label names it).
fn rule_code<'a>(v: &str, all: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let v = v.trim();
    let mut all = all;
    all.find(|(code, label)| *code == v || *label == v)
        .map_or_else(|| v.to_owned(), |(code, _)| code.to_owned())
}

/// The application a row describes, as the intake form would have it; a value
/// that is neither a code nor a label stays as written, so the form's own
/// checks name it. The applicant is left unset.
pub fn row_input(
    map: &[&'static str],
    row: &[String],
    rules: &RuleBook,
) -> Result<ApplicationRow, Vec<FieldError>> {
    let mut out = ApplicationRow::default();
    let a = &mut out.input;
    let mut errors = Vec::new();
    let mut means = String::new();
    let mut members: Option<u32> = None;
    let mut income: Option<i64> = None;
    let mut exemption = String::new();
    for (i, field) in map.iter().enumerate() {
        let v = row.get(i).map_or("", |s| s.trim());
        match *field {
            "number" if !v.is_empty() => out.number = Some(v.to_owned()),
            "channel" => {
                a.channel = code_of(v, Channel::ALL, Channel::as_str, Channel::label)
                    .map_or_else(|| v.to_owned(), str::to_owned)
            }
            "notifying_organ" if !v.is_empty() => {
                a.notifying_organ = Some(
                    code_of(
                        v,
                        NotifyingOrgan::ALL,
                        NotifyingOrgan::as_str,
                        NotifyingOrgan::label,
                    )
                    .map_or_else(|| v.to_owned(), str::to_owned),
                )
            }
            "received_at" if !v.is_empty() => match parse_time(v) {
                Some(t) => a.received_at = Some(t),
                None => errors.push(err(
                    "received_at",
                    format!("收到申请时间“{v}”应为 年-月-日 时:分，如 2026-03-05 09:30"),
                )),
            },
            "custody_received_at" if !v.is_empty() => match parse_time(v) {
                Some(t) => a.custody_received_at = Some(t),
                None => errors.push(err(
                    "custody_received_at",
                    format!("羁押场所收到时间“{v}”应为 年-月-日 时:分"),
                )),
            },
            "matter" => {
                a.matter_code = if v == "其他" || v == "不在列举范围" {
                    "not_listed".to_owned()
                } else {
                    rule_code(
                        v,
                        rules
                            .matters
                            .iter()
                            .map(|m| (m.code.as_str(), m.label.as_str())),
                    )
                }
            }
            "service_form" => {
                a.service_form =
                    code_of(v, ServiceForm::ALL, ServiceForm::as_str, ServiceForm::label)
                        .map_or_else(|| v.to_owned(), str::to_owned)
            }
            "procedural_role" if !v.is_empty() => {
                a.procedural_role = Some(
                    code_of(
                        v,
                        ProceduralRole::ALL,
                        ProceduralRole::as_str,
                        ProceduralRole::label,
                    )
                    .map_or_else(|| v.to_owned(), str::to_owned),
                )
            }
            "opposing_party" => a.opposing_party = v.to_owned(),
            "case_organ" => a.case_organ = v.to_owned(),
            "case_number" => a.case_number = v.to_owned(),
            "summary" => a.summary = v.to_owned(),
            "limitation_date" if !v.is_empty() => match parse_day(v) {
                Some(d) => a.limitation_date = Some(d),
                None => errors.push(err(
                    "limitation_date",
                    format!("时效届满日“{v}”应为 年-月-日"),
                )),
            },
            "preservation_urgent" => match parse_bool(v) {
                Some(b) => a.preservation_urgent = b,
                None => errors.push(err(
                    "preservation_urgent",
                    "需紧急保全应填“是”或“否”".into(),
                )),
            },
            "representative_name" => a.representative_name = v.to_owned(),
            "representative_relation" => a.representative_relation = v.to_owned(),
            "means" => means = v.to_owned(),
            "household_members" if !v.is_empty() => match v.parse::<u32>() {
                Ok(n) => members = Some(n),
                Err(_) => errors.push(err("household_members", format!("家庭人口“{v}”应为整数"))),
            },
            "monthly_income" if !v.is_empty() => match crate::portal::yuan_to_fen(v) {
                Some(f) => income = Some(f),
                None => errors.push(err(
                    "monthly_income",
                    format!("家庭月收入“{v}”应为元，至多两位小数，如 1800 或 1800.50"),
                )),
            },
            "exemption" => exemption = v.to_owned(),
            "exemption_proof" => match parse_bool(v) {
                Some(b) => a.exemption_proof_provided = b,
                None => errors.push(err(
                    "exemption_proof",
                    "已提交免核证明应填“是”或“否”".into(),
                )),
            },
            "assets" => a.assets = v.to_owned(),
            _ => {}
        }
    }
    let household = match (members, income) {
        (Some(members), Some(monthly_income_fen)) => Some(HouseholdInput {
            members,
            monthly_income_fen,
        }),
        (None, None) => None,
        _ => {
            errors.push(err(
                "household_members",
                "家庭人口与家庭月收入应一并填写".into(),
            ));
            None
        }
    };
    if !exemption.is_empty() {
        a.exemption_code = Some(rule_code(
            &exemption,
            rules
                .exemptions
                .iter()
                .map(|e| (e.code.as_str(), e.label.as_str())),
        ));
    }
    match means.as_str() {
        "" | "家庭收入" | "household" => a.household = household,
        "个人诚信承诺" | "declaration" => {
            if household.is_none() && errors.iter().all(|e| e.field != "household_members") {
                errors.push(err(
                    "household_members",
                    "个人诚信承诺须填写家庭人口与家庭月收入".into(),
                ));
            }
            a.declaration = household;
        }
        "免予核查" | "exemption" => {
            if a.exemption_code.is_none() {
                errors.push(err("exemption", "免予核查须填写免予核查情形".into()));
            }
            a.household = household;
        }
        other => errors.push(err(
            "means",
            format!("经济状况“{other}”应为 家庭收入、个人诚信承诺 或 免予核查"),
        )),
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// An application as the application columns of a row (the person's columns
/// come before them), with the labels of the rules in force.
pub fn to_row(a: &Application, rules: &RuleBook) -> Vec<String> {
    let label = |code: &str| {
        rules
            .matters
            .iter()
            .filter(|m| m.code == code)
            .max_by_key(|m| m.effective_from)
            .map_or_else(|| code.to_owned(), |m| m.label.clone())
    };
    let time = |t: chrono::DateTime<chrono::Utc>| {
        crate::local_time(t).format("%Y-%m-%d %H:%M:%S").to_string()
    };
    let yes = |b: bool| if b { "是" } else { "否" }.to_owned();
    let (means, members, income, exemption, proof) = match &a.means {
        Means::Household {
            members,
            monthly_income_fen,
        } => (
            "家庭收入",
            members.to_string(),
            fen_to_yuan(*monthly_income_fen),
            String::new(),
            String::new(),
        ),
        Means::Declaration {
            members,
            monthly_income_fen,
        } => (
            "个人诚信承诺",
            members.to_string(),
            fen_to_yuan(*monthly_income_fen),
            String::new(),
            String::new(),
        ),
        Means::Exemption {
            code,
            proof_provided,
        } => (
            "免予核查",
            String::new(),
            String::new(),
            rules
                .exemptions
                .iter()
                .filter(|e| e.code == *code)
                .max_by_key(|e| e.effective_from)
                .map_or_else(|| code.clone(), |e| e.label.clone()),
            yes(*proof_provided),
        ),
        Means::NotGiven => (
            "",
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ),
    };
    vec![
        a.number.clone(),
        a.channel.label().to_owned(),
        a.notifying_organ
            .map_or(String::new(), |o| o.label().to_owned()),
        time(a.received_at),
        a.custody_received_at.map_or(String::new(), time),
        if a.matter_code == "not_listed" {
            "其他".to_owned()
        } else {
            label(&a.matter_code)
        },
        a.service_form.label().to_owned(),
        a.procedural_role
            .map_or(String::new(), |r| r.label().to_owned()),
        a.opposing_party.clone(),
        a.case_organ.clone(),
        a.case_number.clone(),
        a.summary.clone(),
        a.limitation_date.map_or(String::new(), |d| d.to_string()),
        yes(a.preservation_urgent),
        a.representative_name.clone(),
        a.representative_relation.clone(),
        means.to_owned(),
        members,
        income,
        exemption,
        proof,
        a.assets.clone(),
    ]
}

/// 180050 fen → "1800.50" (the sheet's yuan, without a unit).
fn fen_to_yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, (fen % 100).abs())
    }
}

/// The key an application is known by across imports: the number the file
/// gives with its applicant (the keyed hash of the ID number: two offices that
/// number alike do not collide), or else the applicant, the time received and
/// the matter, so that a file imported again finds its rows.
pub fn source_ref(
    number: Option<&str>,
    id_hash: &str,
    received_at: chrono::DateTime<chrono::Utc>,
    matter_code: &str,
) -> String {
    let person = id_hash.get(..16).unwrap_or(id_hash);
    match number {
        Some(n) => format!("{n}|{person}"),
        None => format!(
            "{person}|{}|{matter_code}",
            received_at.format("%Y-%m-%dT%H:%M:%SZ")
        ),
    }
}

/// A placeholder applicant for checking a row before its person exists.
pub const PENDING_APPLICANT: PersonId = PersonId(0);

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn rules() -> RuleBook {
        RuleBook::shipped().unwrap_or_default()
    }

    #[test]
    fn headers_need_the_person_and_the_application() {
        let e = header_map(&s(&["姓名", "证件号码", "申请渠道"]))
            .err()
            .unwrap_or_default();
        let missing: Vec<&str> = e.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(missing.len(), 4, "{missing:?}");
        assert!(missing.iter().any(|m| m.contains("收到申请时间")));
        let all: Vec<String> = headers().into_iter().map(str::to_owned).collect();
        assert_eq!(header_map(&all).unwrap_or_default().len(), 34);
    }

    #[test]
    fn a_row_reads_labels_times_and_means() {
        let rules = rules();
        let matter = rules
            .matters
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("matters"));
        let m = header_map(&s(&[
            "姓名",
            "证件号码",
            "申请渠道",
            "收到申请时间",
            "申请事项",
            "法律援助形式",
            "案情摘要",
            "经济状况",
            "家庭人口",
            "家庭月收入（元）",
        ]))
        .unwrap_or_default();
        let r = row_input(
            &m,
            &s(&[
                "张三",
                "x",
                "来访申请",
                "2026-03-05 09:30",
                matter.label.as_str(),
                "法律咨询",
                "拖欠工资",
                "个人诚信承诺",
                "3",
                "1800.5",
            ]),
            &rules,
        )
        .unwrap_or_default();
        assert_eq!(r.input.channel, "walk_in");
        assert_eq!(r.input.matter_code, matter.code);
        assert_eq!(r.input.service_form, "consultation");
        // 09:30 China time is 01:30 UTC.
        assert_eq!(
            r.input.received_at.map(|t| t.to_rfc3339()),
            Some("2026-03-05T01:30:00+00:00".to_owned())
        );
        assert_eq!(
            r.input.declaration,
            Some(HouseholdInput {
                members: 3,
                monthly_income_fen: 180_050
            })
        );
        assert!(r.input.household.is_none());
        // Members without income, a bad time and a bad means are each named.
        let e = row_input(
            &m,
            &s(&[
                "张三",
                "x",
                "来访申请",
                "三月五日",
                "x",
                "x",
                "x",
                "看情况",
                "3",
                "",
            ]),
            &rules,
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["received_at", "household_members", "means"]);
    }

    #[test]
    fn times_are_china_time_and_a_day_alone_is_its_start() {
        assert_eq!(
            parse_time("2026/1/1").map(|t| t.to_rfc3339()),
            Some("2025-12-31T16:00:00+00:00".to_owned())
        );
        assert!(parse_time("2026-13-01").is_none());
        assert_eq!(fen_to_yuan(180_050), "1800.50");
        assert_eq!(fen_to_yuan(200_000), "2000");
    }

    #[test]
    fn the_key_is_the_number_or_the_applicant_time_and_matter() {
        let t = parse_time("2026-03-05 09:30").unwrap_or_default();
        assert_eq!(
            source_ref(Some("皖法援申2026-1"), "abc", t, "m"),
            "皖法援申2026-1|abc"
        );
        assert_eq!(
            source_ref(None, "0123456789abcdef0123", t, "labor"),
            "0123456789abcdef|2026-03-05T01:30:00Z|labor"
        );
    }
}
