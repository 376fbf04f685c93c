//! Full-process notification (全流程告知) over the API: the messages about an
//! application or a case, how a person is contacted, and the message templates.

use super::List;
use super::records::id_from;
use super::schemas::{ContactDoc, TemplateDoc};
use crate::extract::{ApiCtx, ApiJson};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use legalaid_app::Ctx;
use legalaid_app::filters::Message;
use legalaid_app::records::{self, Subject};
use legalaid_domain::notice::{Audience, Channel as NoticeChannel, DeliveryStatus, MessageKind};
use serde::Deserialize;
use serde_json::Value;

/// Every message about the case, with channel, recipient and delivery status.
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<MessageDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn messages(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Message>>, ApiError> {
    messages_of(&s, &ctx, Subject::Case(id_from(&id)?)).await
}

async fn messages_of(
    s: &AppState,
    ctx: &Ctx,
    subject: Subject,
) -> Result<Json<List<Message>>, ApiError> {
    let items = records::messages(&s.app, ctx, subject).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

/// A message as the API answers it (`legalaid_app::filters::Message`, described
/// for the OpenAPI document: the store knows nothing of OpenAPI).
#[derive(utoipa::ToSchema)]
#[schema(as = Message)]
#[allow(dead_code)] // describes the JSON of `Message` for the OpenAPI document
pub struct MessageDoc {
    id: i64,
    kind: MessageKind,
    audience: Audience,
    channel: NoticeChannel,
    case_id: Option<i64>,
    application_id: Option<i64>,
    /// The user addressed in the system (in-app messages).
    user_id: Option<i64>,
    recipient_name: String,
    /// Phone or e-mail address (empty for in-app messages).
    address: String,
    subject: String,
    body: String,
    status: DeliveryStatus,
    attempts: i64,
    next_attempt_at: chrono::DateTime<chrono::Utc>,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    last_error: String,
    read_at: Option<chrono::DateTime<chrono::Utc>>,
    created_at: chrono::DateTime<chrono::Utc>,
    /// When the gateway reported the delivery (or its failure).
    reported_at: Option<chrono::DateTime<chrono::Utc>>,
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
    responses((status = 200, body = ContactDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
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
    responses((status = 200, body = List<TemplateDoc>, description = "`{items: [{kind, audience, channel, subject, body}], total}`"), (status = 403, body = crate::error::Problem)))]
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
    responses((status = 200, body = TemplateDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
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
    responses((status = 200, body = List<MessageDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn application_messages(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Message>>, ApiError> {
    messages_of(&s, &ctx, Subject::Application(id_from(&id)?)).await
}

/// The SMS gateway's delivery reports.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportsIn {
    /// At most 1,000 reports a call.
    #[schema(max_items = 1000)]
    pub reports: Vec<ReportIn>,
}

/// One report: the message the gateway took as `out_id`, and how it fared.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportIn {
    /// The `out_id` the message was sent with (the outbox id).
    #[schema(pattern = "^[0-9]{1,18}$")]
    pub out_id: String,
    pub status: ReportStatus,
    /// The gateway's reason when it could not deliver.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub error: String,
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Delivered,
    Undelivered,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReportsOut {
    /// Reports that moved a sent message to delivered or undelivered.
    pub recorded: usize,
    /// Reports for no SMS message the gateway took.
    pub ignored: usize,
}

/// The SMS gateway's callback: delivery reports move each message from sent to
/// delivered or undelivered (shown with the case's messages). Authenticated by
/// the configured report token (`LEGALAID_SMS_REPORT_TOKEN`) as a bearer token;
/// without one configured, or with a wrong one, it answers 404.
#[utoipa::path(post, path = "/api/v1/sms/delivery-reports", tag = "cases", security(("bearer" = [])), request_body = ReportsIn,
    responses((status = 200, body = ReportsOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn delivery_reports(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<ReportsIn>,
) -> Result<Json<ReportsOut>, ApiError> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&s.settings.sms_report_token, bearer) {
        (Some(t), Some(b)) => crate::extract::constant_time_eq(b.as_bytes(), t.as_bytes()),
        _ => false,
    };
    if !allowed {
        return Err(ApiError(legalaid_app::AppError::NotFound));
    }
    if input.reports.len() > 1000 {
        return Err(ApiError(legalaid_app::AppError::field(
            "reports",
            "每次最多报告1000条",
        )));
    }
    let mut reports = Vec::with_capacity(input.reports.len());
    let mut errors = Vec::new();
    for (i, r) in input.reports.iter().enumerate() {
        match r.out_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => reports.push(legalaid_app::outbox::DeliveryReport {
                message_id: id,
                delivered: matches!(r.status, ReportStatus::Delivered),
                error: r.error.clone(),
            }),
            _ => errors.push(legalaid_domain::FieldError {
                field: format!("reports[{i}].out_id"),
                message: "out_id 应为发送时的消息编号".into(),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(legalaid_app::AppError::Validation(errors)));
    }
    let out = legalaid_app::outbox::record_reports(&s.app, &reports).await?;
    Ok(Json(ReportsOut {
        recorded: out.recorded,
        ignored: out.ignored,
    }))
}
