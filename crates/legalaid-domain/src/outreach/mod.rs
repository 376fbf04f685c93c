//! Outreach (issue 11 items 2–4): consultations answered by the units
//! (法律咨询) and the quarterly consultation report, legal help by duty lawyers
//! at the workstations in courts, procuratorates and detention houses
//! (值班律师法律帮助) with its subsidy, and publicity (宣传) with its figures.
//!
//! Sources: quality-supervision-outreach.md §4.3 (the MoJ quarterly
//! consultation report as implemented in Zhejiang, 2018), §4.4 table 一 (media
//! items), §6.1 (法律八进); LAL arts 14 (duty lawyers), 30 (their legal help).

pub mod consultation;
pub mod duty;
pub mod publicity;
