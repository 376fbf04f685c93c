//! Settings administrators change: the application number pattern and whether
//! decisions take one step (the approver decides directly) or two (a reviewer
//! proposes, the approver decides).

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_store::applications as store;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// e.g. 叶法援申〔{year}〕{seq}号
    pub application_number_format: String,
    /// `one` or `two`.
    pub review_steps: String,
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
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let before = get(app).await?;
    let after = Settings {
        application_number_format: format,
        review_steps: s.review_steps.clone(),
    };
    let mut tx = app.store.write().await?;
    store::set_setting(
        &mut tx,
        "application_number_format",
        &after.application_number_format,
    )
    .await?;
    store::set_setting(&mut tx, "review_steps", &after.review_steps).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        "settings.update",
        "system",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
