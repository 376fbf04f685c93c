//! Settings administrators change: the application number pattern and whether
//! decisions take one step (the approver decides directly) or two (a reviewer
//! proposes, the approver decides).

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_store::applications as store;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// e.g. 叶法援申〔{year}〕{seq}号
    pub application_number_format: String,
    /// `one` or `two`.
    pub review_steps: String,
    /// From this day of each year (`MM-DD`), the administrators are told when the
    /// next year's holiday arrangement is not entered yet.
    #[serde(default = "default_calendar_warning_from")]
    pub calendar_warning_from: String,
    /// The statistical cut-off day of the report forms' months: empty for
    /// calendar months, 1–28 for months ending on that day (§4.1).
    #[serde(default)]
    pub report_cutoff_day: String,
    /// The month the report forms' statistical year ends in, 1–12 (12: the
    /// calendar year; Zhejiang counts December to November).
    #[serde(default = "default_year_end_month")]
    pub report_year_end_month: String,
}

fn default_year_end_month() -> String {
    "12".into()
}

/// The report forms' calendar these settings give (the default where a value
/// does not parse, which `update` never stores).
pub fn stat_calendar(s: &Settings) -> legalaid_domain::supervision::forms::StatCalendar {
    let d = legalaid_domain::supervision::forms::StatCalendar::default();
    let cal = legalaid_domain::supervision::forms::StatCalendar {
        cutoff_day: s.report_cutoff_day.trim().parse().ok(),
        year_end_month: s
            .report_year_end_month
            .trim()
            .parse()
            .unwrap_or(d.year_end_month),
    };
    if cal.valid() { cal } else { d }
}

fn default_calendar_warning_from() -> String {
    "11-01".into()
}

/// The day of `year` from which a missing next year is warned about.
pub fn warning_day(s: &Settings, year: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(
        &format!("{year}-{}", s.calendar_warning_from.trim()),
        "%Y-%m-%d",
    )
    .ok()
}

pub async fn get(app: &App) -> AppResult<Settings> {
    let mut tx = app.store.read().await?;
    Ok(Settings {
        application_number_format: store::setting(&mut tx, "application_number_format")
            .await?
            .unwrap_or_else(|| "法援申〔{year}〕{seq}号".into()),
        review_steps: store::setting(&mut tx, "review_steps")
            .await?
            .unwrap_or_else(|| "one".into()),
        calendar_warning_from: store::setting(&mut tx, "calendar_warning_from")
            .await?
            .unwrap_or_else(default_calendar_warning_from),
        report_cutoff_day: store::setting(&mut tx, "report_cutoff_day")
            .await?
            .unwrap_or_default(),
        report_year_end_month: store::setting(&mut tx, "report_year_end_month")
            .await?
            .unwrap_or_else(default_year_end_month),
    })
}

pub async fn update(app: &App, ctx: &Ctx, s: &Settings) -> AppResult<Settings> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = legalaid_domain::Validation::new();
    let format = v.text(
        "application_number_format",
        &s.application_number_format,
        "申请编号格式",
        50,
    );
    if !format.contains("{year}") || !format.contains("{seq}") {
        v.add(
            "application_number_format",
            "编号格式须包含 {year}（年份）和 {seq}（序号），如 叶法援申〔{year}〕{seq}号",
        );
    }
    if s.review_steps != "one" && s.review_steps != "two" {
        v.add("review_steps", "审批方式应为 one（一级）或 two（两级）");
    }
    // 02-29 is refused: it would not come every year.
    let warning_from = s.calendar_warning_from.trim().to_owned();
    if warning_day(s, 2027).is_none() {
        v.add("calendar_warning_from", "提醒日期应写作“月-日”，如 11-01");
    }
    let cutoff = s.report_cutoff_day.trim().to_owned();
    if !cutoff.is_empty() && !cutoff.parse::<u32>().is_ok_and(|d| (1..=28).contains(&d)) {
        v.add(
            "report_cutoff_day",
            "统计截止日应为1至28之间的整数；按自然月统计的留空",
        );
    }
    let year_end = s.report_year_end_month.trim().to_owned();
    if !year_end.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)) {
        v.add("report_year_end_month", "统计年度截止月份应为1至12");
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let before = get(app).await?;
    let after = Settings {
        application_number_format: format,
        review_steps: s.review_steps.clone(),
        calendar_warning_from: warning_from,
        report_cutoff_day: cutoff,
        report_year_end_month: year_end,
    };
    let mut tx = app.store.write().await?;
    store::set_setting(
        &mut tx,
        "application_number_format",
        &after.application_number_format,
    )
    .await?;
    store::set_setting(&mut tx, "review_steps", &after.review_steps).await?;
    store::set_setting(
        &mut tx,
        "calendar_warning_from",
        &after.calendar_warning_from,
    )
    .await?;
    store::set_setting(&mut tx, "report_cutoff_day", &after.report_cutoff_day).await?;
    store::set_setting(
        &mut tx,
        "report_year_end_month",
        &after.report_year_end_month,
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SettingsUpdate,
        "system",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
