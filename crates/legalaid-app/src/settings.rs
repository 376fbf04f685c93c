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
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let before = get(app).await?;
    let after = Settings {
        application_number_format: format,
        review_steps: s.review_steps.clone(),
        calendar_warning_from: warning_from,
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
