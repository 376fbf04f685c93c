//! Full-process notification (全流程告知) over the API: the messages about an
//! application or a case, how a person is contacted, and the message templates.

use super::List;
use super::records::id_from;
use crate::extract::{ApiCtx, ApiJson};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use legalaid_app::cases as uc;
use serde::Deserialize;
use serde_json::Value;

/// Every message about the case, with channel, recipient and delivery status.
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Object, description = "`{items, total}`: `channel` (sms/email/in_app), `audience`, `recipient_name`, `address`, `status` (pending/sent/failed/dead/skipped), `attempts`, `sent_at`"), (status = 404, body = crate::error::Problem)))]
pub async fn messages(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Value>>, ApiError> {
    let items: Vec<Value> = uc::messages(&s.app, &ctx, id_from(&id)?)
        .await?
        .into_iter()
        .map(|m| serde_json::to_value(m).unwrap_or_default())
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ContactIn {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub sms_opt_out: bool,
    /// The usual phone is not safe: only `safe_channel` with `safe_contact` is used.
    #[serde(default)]
    pub unsafe_usual_phone: bool,
    // The one channel used when the usual phone is not safe.
    #[serde(default)]
    #[schema(inline, value_type = Option<legalaid_domain::notice::Channel>)]
    pub safe_channel: Option<String>,
    #[serde(default)]
    pub safe_contact: String,
}

/// How a person is contacted about their case: SMS opt-out, a safe channel.
#[utoipa::path(put, path = "/api/v1/persons/{id}/contact", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ContactIn,
    responses((status = 200, body = Object), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_contact(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ContactIn>,
) -> Result<Json<Value>, ApiError> {
    let input = legalaid_app::persons::ContactInput {
        email: b.email,
        sms_opt_out: b.sms_opt_out,
        unsafe_usual_phone: b.unsafe_usual_phone,
        safe_channel: b.safe_channel,
        safe_contact: b.safe_contact,
    };
    let c = legalaid_app::persons::set_contact(&s.app, &ctx, id_from(&id)?, &input).await?;
    Ok(Json(serde_json::to_value(c).unwrap_or_default()))
}

/// The message templates of full-process notification (system administrators).
#[utoipa::path(get, path = "/api/v1/message-templates", tag = "cases", security(("bearer" = [])),
    responses((status = 200, body = Object, description = "`{items: [{kind, audience, channel, subject, body}], total}`"), (status = 403, body = crate::error::Problem)))]
pub async fn message_templates(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<Value>>, ApiError> {
    let items: Vec<Value> = legalaid_app::outbox::templates(&s.app, &ctx)
        .await?
        .into_iter()
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TemplateIn {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
}

/// Replaces a message template (placeholders checked; SMS texts carry no case facts).
#[utoipa::path(put, path = "/api/v1/message-templates/{kind}/{audience}/{channel}", tag = "cases", security(("bearer" = [])),
    params(("kind" = String, Path), ("audience" = String, Path), ("channel" = String, Path)), request_body = TemplateIn,
    responses((status = 200, body = Object), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_message_template(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((kind, audience, channel)): Path<(String, String, String)>,
    ApiJson(b): ApiJson<TemplateIn>,
) -> Result<Json<Value>, ApiError> {
    let t = legalaid_app::outbox::update_template(
        &s.app, &ctx, &kind, &audience, &channel, &b.subject, &b.body,
    )
    .await?;
    Ok(Json(serde_json::to_value(t).unwrap_or_default()))
}

/// Every message about an application (accepted, supplement needed, decided, and the case's).
#[utoipa::path(get, path = "/api/v1/applications/{id}/messages", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Object, description = "`{items, total}` as for a case's messages"), (status = 404, body = crate::error::Problem)))]
pub async fn application_messages(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Value>>, ApiError> {
    let items: Vec<Value> = uc::application_messages(&s.app, &ctx, id_from(&id)?)
        .await?
        .into_iter()
        .map(|m| serde_json::to_value(m).unwrap_or_default())
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}
