//! The API's mirrors: Rules, settings and notification.

use legalaid_domain::notice::{Audience, Channel as NoticeChannel, MessageKind};

// Rules and settings.

/// The settings (`legalaid_app::settings::Settings`).
#[derive(utoipa::ToSchema)]
#[schema(as = Settings)]
#[allow(dead_code)] // describes the JSON of `Settings` for the OpenAPI document
pub struct SettingsDoc {
    /// e.g. 叶法援申〔{year}〕{seq}号
    application_number_format: String,
    /// `one` (the approver decides directly) or `two` (a reviewer proposes first).
    review_steps: String,
    /// From this day of each year (`MM-DD`) the administrators are told when the
    /// next year's holiday arrangement is not entered yet.
    calendar_warning_from: String,
    /// The report forms' monthly cut-off day (empty: calendar months).
    report_cutoff_day: String,
    /// The month the report forms' statistical year ends in.
    report_year_end_month: String,
}

// Notification.

/// A message template (`legalaid_domain::notice::Template`).
#[derive(utoipa::ToSchema)]
#[schema(as = MessageTemplate)]
#[allow(dead_code)] // describes the JSON of `Template` for the OpenAPI document
pub struct TemplateDoc {
    kind: MessageKind,
    audience: Audience,
    channel: NoticeChannel,
    /// The title in the inbox and the e-mail subject; empty for SMS.
    subject: String,
    body: String,
}

/// How a person is contacted about their case
/// (`legalaid_app::persons::ContactInput`, as saved).
#[derive(utoipa::ToSchema)]
#[schema(as = Contact)]
#[allow(dead_code)] // describes the JSON of `ContactInput` for the OpenAPI document
pub struct ContactDoc {
    email: String,
    /// The person asked not to receive text messages.
    sms_opt_out: bool,
    /// The usual phone is not safe: only `safe_channel` with `safe_contact` is used.
    unsafe_usual_phone: bool,
    /// Set with `unsafe_usual_phone`.
    safe_channel: Option<NoticeChannel>,
    /// The phone number or e-mail address on the safe channel.
    safe_contact: String,
}
