//! The rules in force, the working-day calendar and the public deadline check.

use super::schemas::SettingsDoc;
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use legalaid_app::rules;
use legalaid_domain::deadline::PeriodUnit;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// The day of the triggering event (not counted), YYYY-MM-DD.
    #[param(required = true)]
    pub start: Option<NaiveDate>,
    /// Length of the period in days.
    #[param(required = true, minimum = 1, maximum = 366)]
    pub days: Option<u32>,
    // Calendar days (default) or working days.
    #[param(inline, value_type = Option<DayUnit>)]
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlineOut {
    pub start: NaiveDate,
    pub days: u32,
    pub unit: String,
    /// The last day on which the act is in time.
    pub due: NaiveDate,
    pub rolled_over: bool,
    /// The period runs into a year whose holidays are not entered yet: `due` is
    /// provisional (暂定), counted with weekends only.
    pub provisional: bool,
    pub explanation: String,
}

/// Computes when a period ends, with the working-day calendar in force (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "rules", params(DeadlineQuery),
    responses((status = 200, body = DeadlineOut), (status = 422, body = crate::error::Problem)))]
pub async fn deadline(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> Result<Json<DeadlineOut>, ApiError> {
    let mut errors = Vec::new();
    if q.start.is_none() {
        errors.push(legalaid_domain::FieldError {
            field: "start".into(),
            message: "请提供起算日期 start（YYYY-MM-DD）".into(),
        });
    }
    if q.days.is_none() {
        errors.push(legalaid_domain::FieldError {
            field: "days".into(),
            message: "请提供天数 days".into(),
        });
    }
    let unit = match q.unit.as_deref().unwrap_or("calendar") {
        "calendar" | "calendar_days" => Some(PeriodUnit::CalendarDays),
        "working" | "working_days" => Some(PeriodUnit::WorkingDays),
        _ => {
            errors.push(legalaid_domain::FieldError {
                field: "unit".into(),
                message: "unit 应为 calendar 或 working".into(),
            });
            None
        }
    };
    let (Some(start), Some(days), Some(unit), true) = (q.start, q.days, unit, errors.is_empty())
    else {
        return Err(ApiError(legalaid_app::AppError::Validation(errors)));
    };
    let c = rules::check_deadline(&s.app, start, days, unit).await?;
    Ok(Json(DeadlineOut {
        start: c.start,
        days: c.length,
        unit: if c.unit == PeriodUnit::WorkingDays {
            "working"
        } else {
            "calendar"
        }
        .into(),
        due: c.due,
        rolled_over: c.rolled_over,
        provisional: c.provisional.is_some(),
        explanation: c.explanation,
    }))
}

/// Every rule with its dates and source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RulesOut {
    pub matters: Vec<legalaid_domain::rules::MatterRule>,
    pub exemptions: Vec<legalaid_domain::rules::ExemptionRule>,
    #[schema(value_type = Vec<legalaid_domain::rules::HardshipStandard>)]
    pub hardship_standards: Vec<legalaid_domain::rules::HardshipStandard>,
    #[schema(value_type = Vec<legalaid_domain::deadline::DeadlineRule>)]
    pub deadline_rules: Vec<legalaid_domain::deadline::DeadlineRule>,
}

/// All rules: matters, exemptions, hardship standards, deadline rules (each with its dates and source).
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", security(("bearer" = [])),
    responses((status = 200, body = RulesOut), (status = 401, body = crate::error::Problem)))]
pub async fn list_rules(
    State(s): State<AppState>,
    ApiCtx(_ctx): ApiCtx,
) -> Result<Json<RulesOut>, ApiError> {
    let b = rules::rulebook(&s.app).await?;
    Ok(Json(RulesOut {
        matters: b.matters,
        exemptions: b.exemptions,
        hardship_standards: b.standards,
        deadline_rules: b.deadlines,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StandardIn {
    /// 4-digit code of the prefecture-level city, e.g. 3415.
    #[schema(pattern = "^[0-9]{4}$")]
    pub city_code: String,
    #[schema(min_length = 1, max_length = 20)]
    pub city: String,
    #[schema(required = true, value_type = NaiveDate)]
    pub effective_from: Option<NaiveDate>,
    /// The city's 低保 amount, fen per person per month.
    #[schema(required = true, value_type = i64, minimum = 1)]
    pub dibao_monthly_fen: Option<i64>,
    /// The standard is this many times the 低保 amount.
    #[schema(required = true, value_type = i64, minimum = 1, maximum = 10)]
    pub multiplier: Option<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub source: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// Adds a hardship standard from a date on (system administrators).
#[utoipa::path(post, path = "/api/v1/rules/hardship-standards", tag = "rules", security(("bearer" = [])), request_body = StandardIn,
    responses((status = 201, body = legalaid_domain::rules::HardshipStandard), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_standard(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<StandardIn>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let input = rules::StandardInput {
        city_code: b.city_code,
        city: b.city,
        effective_from: b.effective_from,
        dibao_monthly_fen: b.dibao_monthly_fen,
        multiplier: b.multiplier,
        source: b.source,
        note: b.note,
    };
    let saved = rules::add_standard(&s.app, &ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(saved).unwrap_or_default()),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CalendarDayIn {
    /// A day of `year`.
    pub date: NaiveDate,
    // A public holiday or an adjusted working day (调休).
    #[schema(inline, value_type = legalaid_domain::calendar::DayKind)]
    pub kind: String,
    /// e.g. 春节.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CalendarYearIn {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// e.g. the State Council notice's document number.
    #[schema(min_length = 1, max_length = 200)]
    pub source: String,
    pub days: Vec<CalendarDayIn>,
}

/// A year's holiday arrangement as entered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarYearOut {
    pub year: i32,
    /// The number of days entered (holidays and adjusted working days).
    pub days: usize,
}

/// Enters a year's holiday arrangement (system administrators).
#[utoipa::path(post, path = "/api/v1/calendar/years", tag = "rules", security(("bearer" = [])), request_body = CalendarYearIn,
    responses((status = 201, body = CalendarYearOut), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_year(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<CalendarYearIn>,
) -> Result<(StatusCode, Json<CalendarYearOut>), ApiError> {
    // One day per line, as the page accepts them.
    let mut text = String::new();
    for d in &b.days {
        text.push_str(&format!(
            "{} {} {}\n",
            d.date,
            d.kind.split_whitespace().collect::<String>(),
            d.name.split_whitespace().collect::<String>()
        ));
    }
    let n = rules::add_calendar_year(&s.app, &ctx, b.year, &b.source, &text).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarYearOut {
            year: b.year,
            days: n,
        }),
    ))
}

/// The settings: the application number pattern and one- or two-step review.
#[utoipa::path(get, path = "/api/v1/settings", tag = "rules", security(("bearer" = [])), responses((status = 200, body = SettingsDoc)))]
pub async fn settings(
    State(s): State<AppState>,
    ApiCtx(_ctx): ApiCtx,
) -> Result<Json<legalaid_app::settings::Settings>, ApiError> {
    Ok(Json(legalaid_app::settings::get(&s.app).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SettingsIn {
    /// Must contain `{year}` and `{seq}`, e.g. 叶法援申〔{year}〕{seq}号.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = "\\{year\\}.*\\{seq\\}|\\{seq\\}.*\\{year\\}"
    )]
    pub application_number_format: String,
    // `one` (the approver decides directly) or `two` (a reviewer proposes first).
    #[schema(inline, value_type = ReviewSteps)]
    pub review_steps: String,
    /// From this day of each year (`MM-DD`, default 11-01) the administrators are told
    /// when the next year's holiday arrangement is not entered yet.
    #[serde(default)]
    #[schema(pattern = "^[01][0-9]-[0-3][0-9]$")]
    pub calendar_warning_from: Option<String>,
    /// The report forms' monthly cut-off day: empty for calendar months, 1–28
    /// for months ending on that day. Kept when absent.
    #[serde(default)]
    #[schema(pattern = "^([1-9]|1[0-9]|2[0-8])?$")]
    pub report_cutoff_day: Option<String>,
    /// The month the report forms' statistical year ends in, 1–12. Kept when absent.
    #[serde(default)]
    #[schema(pattern = "^([1-9]|1[0-2])$")]
    pub report_year_end_month: Option<String>,
}

/// Changes the settings (system administrators).
#[utoipa::path(put, path = "/api/v1/settings", tag = "rules", security(("bearer" = [])), request_body = SettingsIn,
    responses((status = 200, body = SettingsDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_settings(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<SettingsIn>,
) -> Result<Json<legalaid_app::settings::Settings>, ApiError> {
    let kept = legalaid_app::settings::get(&s.app).await?;
    let input = legalaid_app::settings::Settings {
        application_number_format: b.application_number_format,
        review_steps: b.review_steps,
        calendar_warning_from: b
            .calendar_warning_from
            .unwrap_or(kept.calendar_warning_from),
        report_cutoff_day: b.report_cutoff_day.unwrap_or(kept.report_cutoff_day),
        report_year_end_month: b
            .report_year_end_month
            .unwrap_or(kept.report_year_end_month),
    };
    Ok(Json(
        legalaid_app::settings::update(&s.app, &ctx, &input).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeadlineRuleIn {
    #[schema(min_length = 1, max_length = 100)]
    pub label: String,
    #[schema(minimum = 1, maximum = 366)]
    pub length: u32,
    #[schema(inline, value_type = legalaid_domain::deadline::PeriodUnit)]
    pub unit: String,
    pub roll_over_rest_days: bool,
    #[schema(min_length = 1, max_length = 200)]
    pub source: String,
    /// The new version governs the periods that start on or after this day
    /// (tomorrow or later; default tomorrow); running periods keep theirs.
    #[serde(default)]
    pub effective_from: Option<chrono::NaiveDate>,
}

/// Changes a deadline rule (system administrators): a new version from its effective date.
#[utoipa::path(put, path = "/api/v1/rules/deadlines/{code}", tag = "rules", security(("bearer" = [])), params(("code" = String, Path)), request_body = DeadlineRuleIn,
    responses((status = 200, body = legalaid_domain::deadline::DeadlineRule), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_deadline(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    axum::extract::Path(code): axum::extract::Path<String>,
    ApiJson(b): ApiJson<DeadlineRuleIn>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let unit = PeriodUnit::parse(b.unit.trim()).ok_or_else(|| {
        ApiError(legalaid_app::AppError::field(
            "unit",
            "unit 应为 hours、calendar_days 或 working_days",
        ))
    })?;
    let rule = legalaid_domain::deadline::DeadlineRule {
        code,
        label: b.label,
        length: b.length,
        unit,
        roll_over_rest_days: b.roll_over_rest_days,
        source: b.source,
        effective_from: b.effective_from.unwrap_or_else(|| rules::tomorrow(&s.app)),
    };
    let saved = rules::update_deadline(&s.app, &ctx, &rule).await?;
    Ok(Json(serde_json::to_value(saved).unwrap_or_default()))
}

/// Adds a matter to the scope from its effective date (system administrators).
#[utoipa::path(post, path = "/api/v1/rules/matters", tag = "rules", security(("bearer" = [])), request_body = legalaid_domain::rules::MatterRule,
    responses((status = 201, body = legalaid_domain::rules::MatterRule), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_matter(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<legalaid_domain::rules::MatterRule>,
) -> Result<(StatusCode, Json<legalaid_domain::rules::MatterRule>), ApiError> {
    let saved = rules::add_matter(&s.app, &ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Adds a ground for exemption from hardship verification (system administrators).
#[utoipa::path(post, path = "/api/v1/rules/exemptions", tag = "rules", security(("bearer" = [])), request_body = legalaid_domain::rules::ExemptionRule,
    responses((status = 201, body = legalaid_domain::rules::ExemptionRule), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_exemption(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<legalaid_domain::rules::ExemptionRule>,
) -> Result<(StatusCode, Json<legalaid_domain::rules::ExemptionRule>), ApiError> {
    let saved = rules::add_exemption(&s.app, &ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EndRuleIn {
    /// The province of a provincial rule; omit for national rules.
    #[schema(pattern = "^[0-9]{2}$")]
    pub province: Option<String>,
    /// The last day the rule applies.
    pub effective_to: NaiveDate,
}

/// `matters` or `exemptions` (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum RuleKind {
    Matters,
    Exemptions,
}

/// How a period is counted (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum DayUnit {
    Calendar,
    Working,
}

/// One- or two-step review of applications (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ReviewSteps {
    One,
    Two,
}

/// How many rules an end date was set on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EndRuleOut {
    /// The open versions of the rule that now end on `effective_to` (at least one:
    /// none answers 404).
    pub ended: u64,
}

/// Ends a matter or an exemption (`kind` = `matters` | `exemptions`) after a date.
#[utoipa::path(post, path = "/api/v1/rules/{kind}/{code}/end", tag = "rules", security(("bearer" = [])),
    params(("kind" = inline(RuleKind), Path), ("code" = String, Path, description = "The rule's code, e.g. `labor_remuneration`.")), request_body = EndRuleIn,
    responses((status = 200, body = EndRuleOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn end_rule(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    axum::extract::Path((kind, code)): axum::extract::Path<(String, String)>,
    ApiJson(b): ApiJson<EndRuleIn>,
) -> Result<Json<EndRuleOut>, ApiError> {
    let kind = match kind.as_str() {
        "matters" => "matter",
        "exemptions" => "exemption",
        _ => return Err(ApiError(legalaid_app::AppError::NotFound)),
    };
    let n = rules::end_rule(
        &s.app,
        &ctx,
        kind,
        &code,
        b.province.as_deref().filter(|p| !p.is_empty()),
        b.effective_to,
    )
    .await?;
    Ok(Json(EndRuleOut { ended: n }))
}
