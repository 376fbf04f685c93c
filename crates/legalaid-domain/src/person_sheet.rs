//! The persons spreadsheet (当事人信息表): the documented column mapping that
//! imports read and exports write (docs/IMPORT.md), one person per row, headed
//! by the Chinese column names.

use crate::id_number::IdType;
use crate::person::{Person, PersonInput, RecipientGroup};
use crate::staff::Sex;
use crate::validation::FieldError;

/// The columns, in the order exports write them: (field, header).
pub const COLUMNS: [(&str, &str); 12] = [
    ("name", "姓名"),
    ("id_type", "证件类型"),
    ("id_number", "证件号码"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("ethnicity", "民族"),
    ("phone", "联系电话"),
    ("address", "住址"),
    ("household_registration", "户籍所在地"),
    ("education", "文化程度"),
    ("occupation", "职业"),
    ("groups", "人群类别"),
];

pub(crate) fn err(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message,
    }
}

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 50_000;

/// Which field each column of a file is (by its header, Chinese or code).
pub fn header_map(headers: &[String]) -> Result<Vec<&'static str>, Vec<FieldError>> {
    header_map_of(&COLUMNS, &["name", "id_number"], headers)
}

/// Which of `columns` each header of a file names (Chinese or code); every
/// unknown or repeated header and every missing `required` column is named.
pub fn header_map_of(
    columns: &[(&'static str, &'static str)],
    required: &[&str],
    headers: &[String],
) -> Result<Vec<&'static str>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for h in headers {
        let h = h.trim().trim_start_matches('\u{feff}');
        match columns.iter().find(|(f, z)| *z == h || *f == h) {
            Some((f, _)) if out.contains(f) => {
                errors.push(err("file", format!("列“{h}”重复")));
            }
            Some((f, _)) => out.push(*f),
            None => errors.push(err(
                "file",
                format!(
                    "未知的列“{h}”：可用的列为 {}",
                    columns.iter().map(|c| c.1).collect::<Vec<_>>().join("、")
                ),
            )),
        }
    }
    for required in required {
        if !out.contains(required) {
            let z = columns
                .iter()
                .find(|c| c.0 == *required)
                .map_or("", |c| c.1);
            errors.push(err("file", format!("缺少必填的列“{z}”")));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub(crate) fn code_of<T: Copy>(
    v: &str,
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Option<&'static str> {
    let v = v.trim();
    all.iter()
        .find(|x| code(**x) == v || label(**x) == v)
        .map(|x| code(*x))
}

/// The person a row describes, as the registration form would have it; a value
/// that is neither a code nor a label stays as written (so the form's own check
/// names it).
pub fn row_input(map: &[&'static str], row: &[String]) -> Result<PersonInput, Vec<FieldError>> {
    let mut p = PersonInput {
        id_type: IdType::ResidentId.as_str().to_owned(),
        ..PersonInput::default()
    };
    let mut errors = Vec::new();
    for (i, field) in map.iter().enumerate() {
        let v = row.get(i).map_or("", |s| s.trim());
        match *field {
            "name" => p.name = v.to_owned(),
            "id_type" if !v.is_empty() => {
                p.id_type = code_of(v, IdType::ALL, IdType::as_str, IdType::label)
                    .map_or_else(|| v.to_owned(), str::to_owned)
            }
            "id_number" => p.id_number = v.to_owned(),
            "sex" if !v.is_empty() => {
                p.sex = Some(
                    code_of(v, Sex::ALL, Sex::as_str, Sex::label)
                        .map_or_else(|| v.to_owned(), str::to_owned),
                )
            }
            "birth_date" if !v.is_empty() => {
                let d = v.replace(['/', '.'], "-");
                match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                    Ok(d) => p.birth_date = Some(d),
                    Err(_) => errors.push(err(
                        "birth_date",
                        format!("出生日期“{v}”应为 年-月-日，如 1980-05-05"),
                    )),
                }
            }
            "ethnicity" => p.ethnicity = v.to_owned(),
            "phone" => p.phone = v.to_owned(),
            "address" => p.address = v.to_owned(),
            "household_registration" => p.household_registration = v.to_owned(),
            "education" => p.education = v.to_owned(),
            "occupation" => p.occupation = v.to_owned(),
            "groups" => {
                p.groups = v
                    .split(['、', ',', '，', ';', '；'])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(|g| {
                        code_of(
                            g,
                            RecipientGroup::ALL,
                            RecipientGroup::as_str,
                            RecipientGroup::label,
                        )
                        .map_or_else(|| g.to_owned(), str::to_owned)
                    })
                    .collect()
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// A person as a row of the sheet, with their full ID number.
pub fn to_row(p: &Person, id_number: &str) -> Vec<String> {
    vec![
        p.name.clone(),
        p.id_type.label().to_owned(),
        id_number.to_owned(),
        p.sex.map_or(String::new(), |s| s.label().to_owned()),
        p.birth_date.map_or(String::new(), |d| d.to_string()),
        p.ethnicity.clone(),
        p.phone.clone(),
        p.address.clone(),
        p.household_registration.clone(),
        p.education.clone(),
        p.occupation.clone(),
        p.groups
            .iter()
            .map(|g| g.label())
            .collect::<Vec<_>>()
            .join("、"),
    ]
}

/// The header row.
pub fn headers() -> Vec<&'static str> {
    COLUMNS.iter().map(|c| c.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn headers_are_read_by_their_chinese_names_or_codes() {
        let m = header_map(&s(&["\u{feff}姓名", "id_number", "联系电话"])).unwrap_or_default();
        assert_eq!(m, vec!["name", "id_number", "phone"]);
        let e = header_map(&s(&["姓名", "电话号码"]))
            .err()
            .unwrap_or_default();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].message.contains("电话号码"));
        assert!(e[1].message.contains("证件号码"));
        assert!(header_map(&s(&["姓名", "证件号码", "姓名"])).is_err());
    }

    #[test]
    fn a_row_reads_labels_codes_and_dates() {
        let m = header_map(&s(&[
            "姓名",
            "证件类型",
            "证件号码",
            "性别",
            "出生日期",
            "人群类别",
        ]))
        .unwrap_or_default();
        let p = row_input(
            &m,
            &s(&[
                "张三",
                "护照",
                "E12345678",
                "男",
                "1980/5/5",
                "老年人、残疾人",
            ]),
        )
        .unwrap_or_default();
        assert_eq!(p.id_type, "passport");
        assert_eq!(p.sex.as_deref(), Some("male"));
        assert_eq!(p.birth_date, chrono::NaiveDate::from_ymd_opt(1980, 5, 5));
        assert_eq!(p.groups.len(), 2);
        assert!(
            p.groups.iter().all(|g| RecipientGroup::parse(g).is_some()),
            "{:?}",
            p.groups
        );
        // The ID type defaults to the resident ID; a bad date is named.
        let m = header_map(&s(&["姓名", "证件号码", "出生日期"])).unwrap_or_default();
        let e = row_input(&m, &s(&["李四", "x", "五月"]))
            .err()
            .unwrap_or_default();
        assert_eq!(e[0].field, "birth_date");
        let p = row_input(&m, &s(&["李四", "x"])).unwrap_or_default();
        assert_eq!(p.id_type, "resident_id");
    }
}
