//! Field-level validation errors, collected rather than returned one at a time,
//! so that a form or an API caller learns everything that is wrong at once.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The message for text that holds a character no record may keep.
pub const CONTROL_CHARACTER_MESSAGE: &str =
    "含有不可见的控制字符（如 NUL），无法保存；请删除后重新输入";

/// Whether a text may be stored: no NUL and no other control character (C0, DEL,
/// C1), except tab and line breaks. PostgreSQL refuses NUL in text outright and
/// SQLite keeps it, so the edge refuses them alike on both backends.
pub fn is_storable_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// An accumulator of field errors.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Checks that a trimmed text is present and at most `max` characters long.
    pub fn text(&mut self, field: &str, value: &str, label: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, format!("请填写{label}"));
        } else if v.chars().count() > max {
            self.add(field, format!("{label}不能超过{max}个字"));
        }
        v.to_owned()
    }

    /// Checks an optional text: empty is fine, but not longer than `max`.
    pub fn optional_text(&mut self, field: &str, value: &str, label: &str, max: usize) -> String {
        let v = value.trim();
        if v.chars().count() > max {
            self.add(field, format!("{label}不能超过{max}个字"));
        }
        v.to_owned()
    }

    /// Checks an optional telephone number: mainland mobile (11 digits starting 1[3-9])
    /// or a landline with optional area code and extension (digits and '-').
    pub fn optional_phone(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if !v.is_empty() && !is_phone(v) {
            self.add(
                field,
                "电话号码格式不正确，应为11位手机号或带区号的固定电话（如0564-1234567）",
            );
        }
        v.to_owned()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Ends validation: `Ok(value)` when nothing was wrong.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// Mainland mobile numbers or landlines such as `0564-6123456` / `05646123456-801`.
pub fn is_phone(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
    {
        return true;
    }
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    b.iter().all(|c| c.is_ascii_digit() || *c == b'-')
        && (7..=16).contains(&digits)
        && !v.starts_with('-')
        && !v.ends_with('-')
        && !v.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(is_phone("13912345678"));
        assert!(is_phone("0564-6123456"));
        assert!(is_phone("12348"[..].repeat(2).as_str()));
        assert!(!is_phone("12345678901a"));
        assert!(!is_phone("10912345678x"));
        assert!(!is_phone("-0564123456"));
        assert!(!is_phone("123"));
    }

    #[test]
    fn storable_text_keeps_tabs_and_line_breaks_and_refuses_control_characters() {
        assert!(is_storable_text("张三\t第一行\r\n第二行"));
        assert!(is_storable_text("全角１２３ and emoji 😀"));
        assert!(!is_storable_text("a\0b"));
        assert!(!is_storable_text("bell\u{7}"));
        assert!(!is_storable_text("del\u{7f}"));
        assert!(!is_storable_text("c1\u{85}"));
    }

    #[test]
    fn collects_all_errors() {
        let mut v = Validation::new();
        v.text("name", "  ", "名称", 10);
        v.text("address", &"长".repeat(11), "地址", 10);
        v.optional_phone("phone", "abc");
        assert_eq!(v.errors().len(), 3);
        assert_eq!(v.errors()[0].message, "请填写名称");
        assert!(v.finish(()).is_err());
    }
}
