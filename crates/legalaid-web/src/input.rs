//! What comes in over the edge before a use case sees it: values no record may
//! keep (text with NUL or another control character, a date whose year has a sign
//! or five digits), found in one walk, and deserializer errors told in Chinese
//! against the field they concern.

use legalaid_domain::FieldError;
use legalaid_domain::validation::{CONTROL_CHARACTER_MESSAGE, is_storable_text};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a date with a signed or five-digit year is refused.
pub const UNHELD_DATE_MESSAGE: &str = "日期的年份应为四位数（0001 至 9999 年）";

/// Whether `s` is a date (or a date and time) whose year has a sign or more than
/// four digits: chrono reads `-99999-01-01` and `+12345-01-01`, SQLite would
/// keep them as text and PostgreSQL's dates cannot hold them (a 500 there).
fn is_unheld_date(s: &str) -> bool {
    let s = s.trim();
    let (signed, rest) = match s.strip_prefix(['+', '-']) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let year = rest.bytes().take_while(u8::is_ascii_digit).count();
    if year < 4 || !(signed || year > 4) {
        return false;
    }
    // Then -M(M)-D(D), and nothing or a time.
    let mut parts = rest[year..].splitn(3, '-');
    let (Some(""), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = day.bytes().take_while(u8::is_ascii_digit).count();
    let two = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    let time = &day[digits..];
    two(month)
        && two(&day[..digits])
        && (time.is_empty()
            || (time.starts_with(['T', 't', ' '])
                && time[1..].starts_with(|c: char| c.is_ascii_digit())))
}

/// Why a value no record may keep is refused: text with a control character,
/// or a date no calendar of four-digit years holds.
fn refusal(s: &str) -> Option<&'static str> {
    if !is_storable_text(s) {
        Some(CONTROL_CHARACTER_MESSAGE)
    } else if is_unheld_date(s) {
        Some(UNHELD_DATE_MESSAGE)
    } else {
        None
    }
}

fn refused(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// The first string (or object key) of a JSON document that no record may keep,
/// and why: named by its path (`field`, `items[2].note`), `body` for the root or
/// for a key that is itself refused.
pub fn refused_in_json(v: &Value) -> Option<FieldError> {
    fn walk(v: &Value, path: &str) -> Option<FieldError> {
        let named = |p: &str| if p.is_empty() { "body" } else { p }.to_owned();
        match v {
            Value::String(s) => refusal(s).map(|m| refused(&named(path), m)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            Value::Object(map) => map.iter().find_map(|(k, x)| {
                if !is_storable_text(k) {
                    Some(refused(&named(path), CONTROL_CHARACTER_MESSAGE))
                } else if path.is_empty() {
                    walk(x, k)
                } else {
                    walk(x, &format!("{path}.{k}"))
                }
            }),
            _ => None,
        }
    }
    walk(v, "")
}

/// The first key of `key=value&…` pairs (a query string or a form body) whose key
/// or value no record may keep, and why (`query` when the key itself is refused).
pub fn refused_in_pairs(bytes: &[u8]) -> Option<FieldError> {
    form_urlencoded::parse(bytes).find_map(|(k, v)| {
        if !is_storable_text(&k) {
            Some(refused("query", CONTROL_CHARACTER_MESSAGE))
        } else {
            refusal(&v).map(|m| refused(&k, m))
        }
    })
}

/// The field error for text no record may keep.
pub fn control_character(field: &str) -> FieldError {
    refused(field, CONTROL_CHARACTER_MESSAGE)
}

/// Deserializes a JSON value, naming the field that does not fit.
pub fn from_json<T: DeserializeOwned>(v: Value) -> Result<T, FieldError> {
    let probe = v.clone();
    serde_path_to_error::deserialize(v).map_err(|e| {
        let mut path = e.path().to_string();
        let message = e.into_inner().to_string();
        if (path.is_empty() || path == ".")
            && !message.starts_with("missing field")
            && !message.starts_with("unknown field")
            && let Some(key) = culprit::<T>(&probe, &message)
        {
            path = key;
        }
        field_error(&path, &message, "body")
    })
}

/// The top-level key an error is about, for types whose fields serde cannot trace
/// (`#[serde(flatten)]` hides them): the first key whose removal changes the error.
/// Runs only on the error path, over a body that is at most a few kilobytes of keys.
fn culprit<T: DeserializeOwned>(v: &Value, message: &str) -> Option<String> {
    let Value::Object(map) = v else {
        return None;
    };
    map.keys().find_map(|k| {
        let mut without = map.clone();
        without.remove(k);
        match serde_json::from_value::<T>(Value::Object(without)) {
            Err(e) if e.to_string() == message => None,
            _ => Some(k.clone()),
        }
    })
}

/// Deserializes `key=value&…` pairs (a query string), naming the field that does not fit.
pub fn from_pairs<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        field_error(&path, &e.into_inner().to_string(), "query")
    })
}

/// Turns a deserializer's English message into a Chinese one against its field.
/// `path` is serde_path_to_error's (`.` at the root); a missing or unknown field is
/// named in the message and becomes part of the path.
pub fn field_error(path: &str, message: &str, root: &str) -> FieldError {
    let base = if path == "." || path.is_empty() {
        String::new()
    } else {
        path.to_owned()
    };
    let join = |name: &str| {
        if base.is_empty() {
            name.to_owned()
        } else {
            format!("{base}.{name}")
        }
    };
    let (field, text) = if let Some(name) = between(message, "missing field `", "`") {
        (join(name), "缺少必填项".to_owned())
    } else if let Some(name) = between(message, "unknown field `", "`") {
        (join(name), "不认识的字段".to_owned())
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| {
                // "`a`", "`a` or `b`", "one of `a`, `b`, `c`": the quoted names.
                e.split('`')
                    .skip(1)
                    .step_by(2)
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default();
        (
            base.clone(),
            format!("取值不正确，应为以下之一：{expected}"),
        )
    } else if message.starts_with("invalid type") {
        let expected = message
            .split_once("expected ")
            .map(|(_, e)| e)
            .unwrap_or("");
        (
            base.clone(),
            format!("类型不正确，应为{}", kind_cn(expected)),
        )
    } else if message.starts_with("input is out of range") {
        (base.clone(), "日期或时间不存在（超出范围）".to_owned())
    } else if message.starts_with("input contains invalid characters")
        || message.starts_with("premature end of input")
        || message.starts_with("trailing input")
        || message.starts_with("input is not enough")
        || message.starts_with("bad or unsupported format")
    {
        (
            base.clone(),
            "格式不正确（日期应为 YYYY-MM-DD，时间应为带时区的 RFC 3339）".to_owned(),
        )
    } else if message.starts_with("invalid value") {
        let expected = message
            .split_once("expected ")
            .map(|(_, e)| e)
            .unwrap_or("");
        (
            base.clone(),
            format!("取值不正确，应为{}", kind_cn(expected)),
        )
    } else if message.starts_with("invalid length") {
        (base.clone(), "数量不正确".to_owned())
    } else if message.contains("invalid digit") || message.contains("number too large") {
        (base.clone(), "应为整数".to_owned())
    } else {
        (base.clone(), "格式不正确".to_owned())
    };
    FieldError {
        field: if field.is_empty() {
            root.to_owned()
        } else {
            field
        },
        message: text,
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(start)?;
    rest.split_once(end).map(|(x, _)| x)
}

/// Names what a deserializer expected, in Chinese.
fn kind_cn(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.contains("date") || e.contains("Date") {
        "日期（YYYY-MM-DD）"
    } else if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    ]
    .iter()
    .any(|t| e == *t || e.starts_with(&format!("{t} ")))
        || e.contains("integer")
    {
        "整数"
    } else if e.contains("f64") || e.contains("f32") || e.contains("float") {
        "数字"
    } else if e.contains("bool") {
        "true 或 false"
    } else if e.contains("string") || e.contains("char") {
        "文本"
    } else if e.contains("sequence") || e.starts_with("a Vec") {
        "数组"
    } else if e.starts_with("struct") || e.contains("map") {
        "对象"
    } else {
        "规定的格式"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Person {
        name: String,
        birth_date: Option<chrono::NaiveDate>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        kind: Kind,
        amount_fen: i64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Wage,
        Pension,
    }

    #[test]
    fn an_impossible_date_is_reported_against_its_field() {
        let e = from_json::<Person>(json!({"name": "张三", "birth_date": "2023-02-30"}))
            .expect_err("no 30 February");
        assert_eq!(e.field, "birth_date");
        assert!(e.message.contains("不存在"), "{e:?}");
        let e = from_json::<Person>(json!({"name": "张三", "birth_date": "2023/01/01"}))
            .expect_err("slashes");
        assert_eq!(e.field, "birth_date");
        assert!(e.message.contains("YYYY-MM-DD"), "{e:?}");
    }

    #[test]
    fn missing_fields_wrong_types_and_variants_name_the_field_in_chinese() {
        let e = from_json::<Person>(json!({"birth_date": null})).expect_err("no name");
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("name", "缺少必填项")
        );
        let e = from_json::<Person>(json!({"name": 5})).expect_err("number");
        assert_eq!(e.field, "name");
        assert_eq!(e.message, "类型不正确，应为文本");
        let e = from_json::<Person>(
            json!({"name": "a", "items": [{"kind": "wage", "amount_fen": 1}, {"kind": "gift", "amount_fen": 1}]}),
        )
        .expect_err("variant");
        assert_eq!(e.field, "items[1].kind");
        assert!(e.message.contains("wage、pension"), "{e:?}");
        let e = from_json::<Person>(json!({"name": "a", "items": [{"kind": "wage"}]}))
            .expect_err("amount");
        assert_eq!(e.field, "items[0].amount_fen");
        let e = from_json::<Person>(json!("text")).expect_err("not an object");
        assert_eq!(e.field, "body");
        assert_eq!(e.message, "类型不正确，应为对象");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        unit_id: Option<i64>,
        #[serde(flatten)]
        person: Person,
    }

    #[test]
    fn fields_behind_flatten_are_still_named() {
        let e = from_json::<Flattened>(
            json!({"unit_id": 1, "name": "张三", "birth_date": "2023-02-30"}),
        )
        .expect_err("no 30 February");
        assert_eq!(e.field, "birth_date");
        let e = from_json::<Flattened>(json!({"unit_id": "x", "name": "张三"})).expect_err("type");
        assert_eq!(e.field, "unit_id");
    }

    /// The field and the message of what is refused, if anything is.
    fn named(e: Option<FieldError>) -> Option<(String, String)> {
        e.map(|e| (e.field, e.message))
    }

    fn control(field: &str) -> Option<(String, String)> {
        Some((field.into(), CONTROL_CHARACTER_MESSAGE.into()))
    }

    fn unheld(field: &str) -> Option<(String, String)> {
        Some((field.into(), UNHELD_DATE_MESSAGE.into()))
    }

    #[test]
    fn control_characters_are_found_with_their_path() {
        assert_eq!(
            named(refused_in_json(&json!({"name": "ok\n", "n": 1}))),
            None
        );
        assert_eq!(
            named(refused_in_json(
                &json!({"items": [{"note": "ok"}, {"note": "a\u{0}b"}]})
            )),
            control("items[1].note")
        );
        assert_eq!(named(refused_in_json(&json!("\u{1}"))), control("body"));
        assert_eq!(
            named(refused_in_json(&json!({"a\u{0}": 1}))),
            control("body")
        );
        assert_eq!(
            named(refused_in_json(&json!({"items": [{"a\u{0}": 1}]}))),
            control("items[0]")
        );
        assert_eq!(named(refused_in_pairs(b"q=%E5%BC%A0&page=1")), None);
        assert_eq!(named(refused_in_pairs(b"page=1&q=a%00b")), control("q"));
        assert_eq!(named(refused_in_pairs(b"a%01=1")), control("query"));
    }

    #[test]
    fn dates_of_a_signed_or_five_digit_year_are_found() {
        for held in [
            "2024-01-31",
            "0001-01-01",
            "9999-12-31T23:59:59+08:00",
            "12345",
            "-1",
            "10086-1",
            "(2024)皖1504民初12345-1-1号",
            "张三",
            "-2024",
        ] {
            assert!(!is_unheld_date(held), "{held}");
        }
        for unheld in [
            "-99999-01-01",
            "+12345-01-01",
            "-2024-01-31",
            "99999-12-31",
            "+275760-1-1",
            "12345-01-01T00:00:00Z",
            " 12345-01-01 08:00",
        ] {
            assert!(is_unheld_date(unheld), "{unheld}");
        }
        assert_eq!(
            named(refused_in_json(
                &json!({"items": [{"on": "2024-01-01"}, {"on": "-0001-01-01"}]})
            )),
            unheld("items[1].on")
        );
        assert_eq!(
            named(refused_in_json(&json!({"facts": "12345-01-01 是门牌号吗"}))),
            None
        );
        assert_eq!(
            named(refused_in_json(&json!("99999-01-01"))),
            unheld("body")
        );
        assert_eq!(
            named(refused_in_pairs(b"year=2024&from=-99999-01-01")),
            unheld("from")
        );
        assert_eq!(
            named(refused_in_pairs(b"from=2024-01-01&to=2024-12-31")),
            None
        );
        assert_eq!(
            named(refused_in_pairs(b"from=%2B12345-01-01")),
            unheld("from")
        );
        // The first refused field is named, whichever the reason.
        assert_eq!(
            named(refused_in_pairs(b"from=-99999-01-01&q=a%00b")),
            unheld("from")
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Paging {
        page: Option<i64>,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let e = from_pairs::<Paging>(b"page=%EF%BC%91").expect_err("full-width digit");
        assert_eq!(e.field, "page");
        assert_eq!(e.message, "应为整数");
        let e = from_pairs::<Paging>(b"page=99999999999999999999").expect_err("too large");
        assert_eq!(e.field, "page");
    }
}
