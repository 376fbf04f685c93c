//! Outreach records (migration 0023): consultations and their topics,
//! duty rosters, duty lawyers' legal help and its subsidy schedule, publicity
//! activities, media items and the 法律八进 venues. Each record belongs to a
//! unit (the answering unit, the workstation, the organising unit) and is
//! listed by the caller's scope over that unit and its region code.

pub mod consultations;
pub mod duty;
pub mod publicity;

/// `SUBSTR(CAST(day AS TEXT), 1, 7)`: the `YYYY-MM` of a date column, the same
/// on both backends (SQLite keeps dates as ISO text; PostgreSQL prints a date
/// as ISO text under the default DateStyle).
pub(crate) fn month_of(column: &str) -> String {
    format!("SUBSTR(CAST({column} AS TEXT), 1, 7)")
}
