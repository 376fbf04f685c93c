//! Outreach pages (ADR 0021): consultations and the quarterly consultation
//! report (`/consultations…`), duty lawyers' roster, legal help and subsidies
//! (`/duty…`), publicity activities, media items and figures (`/publicity…`).

pub mod consultations;
pub mod duty;
pub mod publicity;

use crate::html::panels::field_error;
use chrono::NaiveDate;
use legalaid_domain::FieldError;

/// Whether the caller works with consultations (the nav link).
pub fn sees_consultations(ctx: &legalaid_app::Ctx) -> bool {
    legalaid_app::outreach::consultations::can_read(ctx)
}

/// Whether the caller works with duty lawyers (the nav link).
pub fn sees_duty(ctx: &legalaid_app::Ctx) -> bool {
    legalaid_app::outreach::duty::can_read(ctx)
}

/// Whether the caller works with publicity (the nav link).
pub fn sees_publicity(ctx: &legalaid_app::Ctx) -> bool {
    legalaid_app::outreach::publicity::can_read(ctx)
}

/// An optional date field.
pub(crate) fn date(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(field_error(field, "日期格式应为 YYYY-MM-DD"));
            None
        }
    }
}

/// An optional whole number field.
pub(crate) fn number(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(field_error(field, "请填写整数"));
            None
        }
    }
}

/// Yuan with two decimals, for tables and CSV (no thousands separator).
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}
