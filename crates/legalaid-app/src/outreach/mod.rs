//! Outreach (issue 11 items 2–4; ADR 0021): consultations answered by the
//! units and the quarterly consultation report (`consultations`), the duty
//! lawyers' roster, legal help and subsidy at the workstations (`duty`), and
//! publicity activities, media items and their figures (`publicity`).
//!
//! Who: intake clerks (judicial offices, workstations) and center staff record
//! consultations and publicity for their own unit; bureau supervisors read.
//! Center staff and a workstation's own clerks keep its duty roster; duty
//! lawyers (handlers) see their own roster and record the help they gave. A
//! bureau or center sees its region's records, every other unit its own (404
//! beyond), as for every other record.

pub mod consultations;
pub mod duty;
pub mod publicity;

use crate::{AppError, AppResult, Ctx};
use legalaid_domain::unit::Unit;

/// The unit the caller records for.
pub(crate) fn home_unit(ctx: &Ctx) -> AppResult<Unit> {
    ctx.actor
        .as_ref()
        .and_then(|a| a.unit.clone())
        .ok_or_else(|| AppError::Conflict("请使用所属单位的账号登记".into()))
}

/// The caller's own staff record, if any.
pub(crate) fn own_staff(ctx: &Ctx) -> Option<i64> {
    ctx.actor
        .as_ref()
        .and_then(|a| a.user.staff_id)
        .map(|s| s.0)
}

/// The caller's display name.
pub(crate) fn own_name(ctx: &Ctx) -> String {
    ctx.actor
        .as_ref()
        .map(|a| a.user.display_name.clone())
        .unwrap_or_else(|| ctx.username().to_owned())
}

/// A `[from, to]` period, this year to date by default; 422 when reversed.
pub(crate) fn period(
    today: chrono::NaiveDate,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> AppResult<(chrono::NaiveDate, chrono::NaiveDate)> {
    use chrono::Datelike;
    let from = from.unwrap_or_else(|| today.with_ordinal(1).unwrap_or(today));
    let to = to.unwrap_or(today);
    if to < from {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    Ok((from, to))
}
