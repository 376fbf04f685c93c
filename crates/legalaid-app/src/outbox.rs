//! Full-process notification (全流程告知): every step that matters to a recipient
//! or a handler writes its messages into the outbox in the same transaction as the
//! step; [`deliver_due`] sends them through the configured channels with retries.
//!
//! The channels themselves (SMS gateway, SMTP, the file sink) live outside this
//! crate, behind [`Deliver`]; the binary plugs them in.

use crate::{AppResult, Ctx};
use chrono::{DateTime, Utc};
use legalaid_domain::PersonId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::notice::{
    Audience, Channel, ContactPrefs, DeliveryStatus, MessageKind, Template, Templates, route,
};
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_store::Tx;
use legalaid_store::messages::{self as store, NewMessage};
use std::future::Future;
use std::pin::Pin;

/// The values a template fills in (one vocabulary with documents).
pub use legalaid_domain::placeholder::Values;

/// What a message is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct About {
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
}

async fn load_templates(tx: &mut Tx) -> AppResult<Templates> {
    let stored = store::templates(tx).await?;
    Ok(if stored.is_empty() {
        Templates::shipped()
    } else {
        Templates::from_list(stored)
    })
}

/// One message to one addressee, before the channels are chosen.
struct Slot<'a> {
    kind: MessageKind,
    audience: Audience,
    about: About,
    name: &'a str,
}

/// Identical messages to one address within this window are sent once.
pub const DUPLICATE_WINDOW: chrono::Duration = chrono::Duration::minutes(10);

/// Writes one message per usable channel; a `skipped` record when there is none,
/// so that staff see that the person was not reached.
async fn write(
    tx: &mut Tx,
    ts: &Templates,
    slot: &Slot<'_>,
    routes: &[(Channel, String, Option<i64>)],
    values: &Values,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let Slot {
        kind,
        audience,
        about,
        name,
    } = *slot;
    let mut written = 0;
    for (channel, address, user) in routes {
        let Some(r) = ts.render(kind, audience, *channel, values) else {
            continue;
        };
        // The same text to the same address within the window is not sent again
        // (a step saved twice, two jobs at once); it is recorded as not sent.
        let duplicate = *channel != Channel::InApp
            && !address.is_empty()
            && store::sent_recently(
                tx,
                channel.as_str(),
                address,
                &r.body,
                now - DUPLICATE_WINDOW,
            )
            .await?;
        let status = if duplicate {
            DeliveryStatus::Skipped
        } else if *channel == Channel::InApp {
            DeliveryStatus::Sent
        } else {
            DeliveryStatus::Pending
        };
        store::insert(
            tx,
            &NewMessage {
                kind,
                audience,
                channel: *channel,
                case_id: about.case_id,
                application_id: about.application_id,
                user_id: *user,
                recipient_name: name,
                address,
                subject: &r.subject,
                body: &r.body,
                status,
            },
            now,
        )
        .await?;
        written += 1;
    }
    if written == 0 {
        let text = ts
            .render(kind, audience, Channel::InApp, values)
            .or_else(|| ts.render(kind, audience, Channel::Sms, values));
        if let Some(r) = text {
            store::insert(
                tx,
                &NewMessage {
                    kind,
                    audience,
                    channel: Channel::Sms,
                    case_id: about.case_id,
                    application_id: about.application_id,
                    user_id: None,
                    recipient_name: name,
                    address: "",
                    subject: &r.subject,
                    body: &r.body,
                    status: DeliveryStatus::Skipped,
                },
                now,
            )
            .await?;
        }
    }
    Ok(written)
}

/// Messages to an applicant or recipient, by the channels they allow.
pub(crate) async fn to_person(
    tx: &mut Tx,
    kind: MessageKind,
    person_id: PersonId,
    about: About,
    mut values: Values,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(c) = store::person_contact(tx, person_id.0).await? else {
        return Ok(());
    };
    let prefs = ContactPrefs {
        phone: Some(c.phone.clone()),
        email: Some(c.email.clone()),
        sms_opt_out: c.sms_opt_out,
        unsafe_usual_phone: c.unsafe_usual_phone,
        safe_channel: c.safe_channel.as_deref().and_then(Channel::parse),
        safe_contact: Some(c.safe_contact.clone()),
    };
    values.entry(P::Name).or_insert_with(|| c.name.clone());
    let routes: Vec<_> = route(&prefs, false)
        .into_iter()
        .map(|(ch, a)| (ch, a, None))
        .collect();
    let ts = load_templates(tx).await?;
    write(
        tx,
        &ts,
        &Slot {
            kind,
            audience: Audience::Recipient,
            about,
            name: &c.name,
        },
        &routes,
        &values,
        now,
    )
    .await?;
    Ok(())
}

/// A text message to a phone number that belongs to no record yet (the public
/// portal's code, ADR 0020).
pub(crate) async fn to_phone(
    tx: &mut Tx,
    kind: MessageKind,
    phone: &str,
    values: Values,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let ts = load_templates(tx).await?;
    write(
        tx,
        &ts,
        &Slot {
            kind,
            audience: Audience::Recipient,
            about: About::default(),
            name: "",
        },
        &[(Channel::Sms, phone.to_owned(), None)],
        &values,
        now,
    )
    .await?;
    Ok(())
}

/// Messages to a handler: in-app to their accounts, SMS to their work phone.
pub(crate) async fn to_staff(
    tx: &mut Tx,
    kind: MessageKind,
    staff_id: i64,
    about: About,
    mut values: Values,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(s) = legalaid_store::staff::get(tx, legalaid_domain::StaffId(staff_id)).await? else {
        return Ok(());
    };
    values.insert(P::Name, s.name.clone());
    let users = store::staff_users(tx, staff_id).await?;
    let mut routes: Vec<(Channel, String, Option<i64>)> = users
        .iter()
        .map(|u| (Channel::InApp, String::new(), Some(*u)))
        .collect();
    if !s.phone.trim().is_empty() {
        routes.push((Channel::Sms, s.phone.clone(), None));
    }
    let ts = load_templates(tx).await?;
    write(
        tx,
        &ts,
        &Slot {
            kind,
            audience: Audience::Handler,
            about,
            name: &s.name,
        },
        &routes,
        &values,
        now,
    )
    .await?;
    Ok(())
}

/// In-app messages to the accounts of a handling unit (a law firm or office).
pub(crate) async fn to_unit(
    tx: &mut Tx,
    kind: MessageKind,
    unit_id: i64,
    about: About,
    values: Values,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let users = store::unit_users(tx, unit_id).await?;
    let name = values.get(&P::Unit).cloned().unwrap_or_default();
    let routes: Vec<_> = users
        .iter()
        .map(|u| (Channel::InApp, String::new(), Some(*u)))
        .collect();
    if routes.is_empty() {
        return Ok(());
    }
    let ts = load_templates(tx).await?;
    write(
        tx,
        &ts,
        &Slot {
            kind,
            audience: Audience::Unit,
            about,
            name: &name,
        },
        &routes,
        &values,
        now,
    )
    .await?;
    Ok(())
}

/// In-app messages to the accounts of a unit that hold one of `roles` (the
/// center's quality staff and director, for a fee alert). Addressed as the unit.
pub(crate) async fn to_unit_roles(
    tx: &mut Tx,
    kind: MessageKind,
    unit_id: i64,
    roles: &[legalaid_domain::role::Role],
    about: About,
    values: Values,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let codes: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let users = store::unit_users_with_roles(tx, unit_id, &codes).await?;
    let name = values.get(&P::Unit).cloned().unwrap_or_default();
    let routes: Vec<_> = users
        .iter()
        .map(|u| (Channel::InApp, String::new(), Some(*u)))
        .collect();
    if routes.is_empty() {
        return Ok(());
    }
    let ts = load_templates(tx).await?;
    write(
        tx,
        &ts,
        &Slot {
            kind,
            audience: Audience::Unit,
            about,
            name: &name,
        },
        &routes,
        &values,
        now,
    )
    .await?;
    Ok(())
}

/// A message on its way out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub channel: Channel,
    pub address: String,
    pub subject: String,
    pub body: String,
}

/// Why a send failed.
#[derive(Debug, Clone)]
pub enum SendError {
    /// Worth another try later (timeouts, 5xx).
    Temporary(String),
    /// Never worth retrying (an invalid number, a refused message).
    Permanent(String),
}

/// The channels, as the binary configures them.
pub trait Deliver: Send + Sync {
    /// Sends one message; the provider's id on success.
    fn send<'a>(
        &'a self,
        m: &'a Outgoing,
    ) -> Pin<Box<dyn Future<Output = Result<String, SendError>> + Send + 'a>>;
}

/// How long a claimed message is reserved for one worker.
pub const LEASE_SECS: i64 = 120;

/// Claims due messages and sends them; returns how many were sent. Safe to run
/// in several processes on one database: a message is claimed by one worker at a
/// time and marked sent only by the worker holding it.
pub async fn deliver_due(
    app: &crate::App,
    deliver: &dyn Deliver,
    worker: &str,
    limit: i64,
) -> AppResult<usize> {
    let now = app.clock.now();
    let claimed = {
        let mut tx = app.store.write().await?;
        let c = store::claim(
            &mut tx,
            worker,
            now,
            now + chrono::Duration::seconds(LEASE_SECS),
            limit,
        )
        .await?;
        tx.commit().await?;
        c
    };
    let mut sent = 0;
    for m in claimed {
        let Some(channel) = Channel::parse(&m.channel) else {
            continue;
        };
        let out = Outgoing {
            id: m.id,
            channel,
            address: m.address,
            subject: m.subject,
            body: m.body,
        };
        let result = deliver.send(&out).await;
        let at = app.clock.now();
        let mut tx = app.store.write().await?;
        match result {
            Ok(provider_id) => {
                if store::mark_sent(&mut tx, m.id, worker, &provider_id, at).await? {
                    sent += 1;
                }
                tracing::info!(message_id = m.id, channel = %channel, "message sent");
            }
            Err(e) => {
                let attempts = u32::try_from(m.attempts).unwrap_or(u32::MAX);
                let (error, next) = match e {
                    SendError::Temporary(e) if attempts < legalaid_domain::notice::MAX_ATTEMPTS => {
                        (
                            e,
                            Some(at + legalaid_domain::notice::backoff(attempts.saturating_sub(1))),
                        )
                    }
                    SendError::Temporary(e) | SendError::Permanent(e) => (e, None),
                };
                store::mark_failed(&mut tx, m.id, worker, &error, next).await?;
                tracing::warn!(message_id = m.id, channel = %channel, retry = next.is_some(), "message not sent");
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// One delivery report from the SMS gateway, for the message it took as `out_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub message_id: i64,
    pub delivered: bool,
    /// The gateway's reason when it could not deliver (at most 500 characters).
    pub error: String,
}

/// What a batch of delivery reports changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportOutcome {
    /// Reports that moved a sent message to delivered or undelivered.
    pub recorded: usize,
    /// Reports for no SMS message the gateway took (unknown ids, others' messages).
    pub ignored: usize,
}

/// Records the SMS gateway's delivery reports (its callback, authenticated by
/// the web layer): each moves its message from sent to delivered or undelivered.
/// Not audited: it changes no record of an application or a case, only how one of
/// its messages fared, which the case page shows.
pub async fn record_reports(
    app: &crate::App,
    reports: &[DeliveryReport],
) -> AppResult<ReportOutcome> {
    let errors: Vec<legalaid_domain::FieldError> = reports
        .iter()
        .enumerate()
        .filter(|(_, r)| r.error.chars().count() > 500)
        .map(|(i, _)| legalaid_domain::FieldError {
            field: format!("reports[{i}].error"),
            message: "原因不能超过500字".into(),
        })
        .collect();
    if !errors.is_empty() {
        return Err(crate::AppError::Validation(errors));
    }
    let now = app.clock.now();
    let mut out = ReportOutcome::default();
    let mut tx = app.store.write().await?;
    for r in reports {
        if store::record_report(&mut tx, r.message_id, r.delivered, r.error.trim(), now).await? {
            out.recorded += 1;
        } else {
            out.ignored += 1;
        }
    }
    tx.commit().await?;
    if out.recorded > 0 {
        tracing::info!(
            event = "delivery_reports",
            recorded = out.recorded,
            ignored = out.ignored,
            "SMS delivery reports recorded"
        );
    }
    Ok(out)
}

/// A signed-in user's in-app messages.
pub async fn inbox(app: &crate::App, ctx: &Ctx, page: crate::Page) -> AppResult<Inbox> {
    let Some(user) = ctx.user_id() else {
        return Ok(Inbox::default());
    };
    let mut tx = app.store.read().await?;
    let (items, total) = store::inbox(&mut tx, user, page).await?;
    let unread = store::unread(&mut tx, user).await?;
    Ok(Inbox {
        items,
        total,
        unread,
    })
}

/// A page of a user's in-app messages.
#[derive(Debug, Clone, Default)]
pub struct Inbox {
    pub items: Vec<store::Message>,
    /// All of the user's in-app messages.
    pub total: i64,
    pub unread: i64,
}

/// Marks the user's in-app messages read (not audited: it changes no record of
/// the case, only the reader's own inbox).
pub async fn mark_read(app: &crate::App, ctx: &Ctx) -> AppResult<u64> {
    let Some(user) = ctx.user_id() else {
        return Ok(0);
    };
    let mut tx = app.store.write().await?;
    let n = store::mark_read(&mut tx, user, app.clock.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// Seeds the shipped message templates (missing ones only).
pub async fn seed(app: &crate::App) -> AppResult<u64> {
    let mut tx = app.store.write().await?;
    let ts: Vec<_> = Templates::shipped().iter().cloned().collect();
    let n = store::seed_templates(&mut tx, &ts, app.clock.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// The message templates in force (system administrators edit them).
pub async fn templates(app: &crate::App, ctx: &Ctx) -> AppResult<Vec<Template>> {
    crate::policy::ensure_manage_regions(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(load_templates(&mut tx).await?.iter().cloned().collect())
}

/// Replaces one template's text; problems (unknown placeholders, case facts in an
/// SMS, a text too long for two SMS segments) are refused with the reasons.
pub async fn update_template(
    app: &crate::App,
    ctx: &Ctx,
    kind: &str,
    audience: &str,
    channel: &str,
    subject: &str,
    body: &str,
) -> AppResult<Template> {
    crate::policy::ensure_manage_regions(ctx)?;
    let (Some(kind), Some(audience), Some(channel)) = (
        MessageKind::parse(kind.trim()),
        Audience::parse(audience.trim()),
        Channel::parse(channel.trim()),
    ) else {
        return Err(crate::AppError::NotFound);
    };
    let t = Template {
        kind,
        audience,
        channel,
        subject: subject.trim().to_owned(),
        body: body.trim().to_owned(),
    };
    let problems = t.problems();
    if !problems.is_empty() {
        return Err(crate::AppError::field("body", problems.join("；")));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = load_templates(&mut tx)
        .await?
        .get(kind, audience, channel)
        .cloned();
    store::set_template(&mut tx, &t, now).await?;
    crate::audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::MessageTemplateUpdate,
        format!("{kind}/{audience}/{channel}"),
        before.as_ref(),
        Some(&t),
    )
    .await?;
    tx.commit().await?;
    Ok(t)
}
