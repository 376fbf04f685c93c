//! The outbox of messages (full-process notification) and the message templates.
//!
//! A message is written in the same transaction as the change it reports. The
//! delivery worker claims due messages with a lease (so that several server
//! instances on one database never send one message twice), sends them, and
//! records the outcome; failures are retried with backoff.

use crate::{Page, Result, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::notice::{Audience, Channel, DeliveryStatus, MessageKind, Template};
use serde::Serialize;

/// A message as stored and shown on the case.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: MessageKind,
    #[sqlx(try_from = "String")]
    pub audience: Audience,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub recipient_name: String,
    /// Phone or e-mail address (empty for in-app messages).
    pub address: String,
    pub subject: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the gateway reported the delivery (or its failure).
    pub reported_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, kind, audience, channel, case_id, application_id, user_id, recipient_name, address, subject, \
    body, status, attempts, next_attempt_at, sent_at, last_error, read_at, created_at, reported_at";

/// A message to write into the outbox.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub kind: MessageKind,
    pub audience: Audience,
    pub channel: Channel,
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub recipient_name: &'a str,
    pub address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// `pending` for SMS and e-mail; in-app messages are delivered by being
    /// written (`sent`); `skipped` when there is no way to reach the person.
    pub status: DeliveryStatus,
}

pub async fn insert(tx: &mut Tx, m: &NewMessage<'_>, now: DateTime<Utc>) -> Result<i64> {
    const Q: &str = "INSERT INTO messages (kind, audience, channel, case_id, application_id, user_id, recipient_name, address, \
        subject, body, status, next_attempt_at, sent_at, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12) RETURNING id";
    let sent_at = (m.status == DeliveryStatus::Sent).then_some(now);
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(m.kind.as_str()).bind(m.audience.as_str()).bind(m.channel.as_str()).bind(m.case_id).bind(m.application_id)
        .bind(m.user_id).bind(m.recipient_name).bind(m.address).bind(m.subject).bind(m.body).bind(m.status.as_str()).bind(now)
        .bind(sent_at)
        .fetch_one(c).await?))
}

/// Every message about a case, oldest first.
pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Message>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE case_id = $1 ORDER BY id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(c).await?))
}

/// Every message about an application (before and after it became a case).
pub async fn of_application(tx: &mut Tx, application_id: i64) -> Result<Vec<Message>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE application_id = $1 ORDER BY id");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(application_id).fetch_all(c).await?),
    )
}

/// A page of a user's in-app messages, newest first, with how many there are.
pub async fn inbox(tx: &mut Tx, user_id: i64, page: Page) -> Result<(Vec<Message>, i64)> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE user_id = $1 AND channel = 'in_app' ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    const COUNT: &str = "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND channel = 'in_app'";
    let items = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total = on_tx!(tx, c => sqlx::query_scalar(COUNT).bind(user_id).fetch_one(c).await?);
    Ok((items, total))
}

pub async fn unread(tx: &mut Tx, user_id: i64) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND channel = 'in_app' AND read_at IS NULL";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(user_id).fetch_one(c).await?))
}

pub async fn mark_read(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
    const Q: &str = "UPDATE messages SET read_at = $1 WHERE user_id = $2 AND channel = 'in_app' AND read_at IS NULL";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(now).bind(user_id).execute(c).await?.rows_affected()))
}

/// A message claimed for delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Claims up to `limit` due messages for `worker` until `lease_until`. A message
/// is due when pending or failed, its next attempt has come, and no live lease
/// holds it. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances claim
/// different messages at once; SQLite has one writer, so the claim is serial.
pub async fn claim(
    tx: &mut Tx,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>> {
    const PICK: &str = "SELECT id FROM messages WHERE status IN ('pending', 'failed') AND next_attempt_at <= $3 \
        AND (lease_until IS NULL OR lease_until < $3) ORDER BY id LIMIT $4";
    const SET: &str =
        "UPDATE messages SET leased_by = $1, lease_until = $2, attempts = attempts + 1 WHERE id IN";
    const RET: &str = "RETURNING id, channel, address, subject, body, attempts";
    Ok(match tx {
        Tx::Sqlite(t, _) => {
            let sql = format!("{SET} ({PICK}) {RET}");
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Pg(t, _) => {
            let sql = format!("{SET} ({PICK} FOR UPDATE SKIP LOCKED) {RET}");
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut **t)
                .await?
        }
    })
}

/// Records a delivery, if `worker` still holds the lease.
pub async fn mark_sent(
    tx: &mut Tx,
    id: i64,
    worker: &str,
    provider_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "UPDATE messages SET status = 'sent', sent_at = $1, provider_id = $2, lease_until = NULL, last_error = '' \
        WHERE id = $3 AND leased_by = $4 AND status IN ('pending', 'failed')";
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(now).bind(provider_id).bind(id).bind(worker).execute(c).await?.rows_affected())
            == 1,
    )
}

/// Records a failed attempt: `failed` with the next attempt time, or `dead`.
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    worker: &str,
    error: &str,
    next: Option<DateTime<Utc>>,
) -> Result<bool> {
    const Q: &str = "UPDATE messages SET status = $1, last_error = $2, next_attempt_at = COALESCE($3, next_attempt_at), \
        lease_until = NULL WHERE id = $4 AND leased_by = $5 AND status IN ('pending', 'failed')";
    let status = if next.is_some() { "failed" } else { "dead" };
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(status).bind(error).bind(next).bind(id).bind(worker).execute(c).await?.rows_affected())
            == 1,
    )
}

/// Counts by status (for the metrics and the benchmark).
pub async fn counts(tx: &mut Tx) -> Result<Vec<(String, i64)>> {
    const Q: &str = "SELECT status, COUNT(*) FROM messages GROUP BY status ORDER BY status";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?))
}

#[derive(sqlx::FromRow)]
struct TemplateRow {
    kind: String,
    audience: String,
    channel: String,
    subject: String,
    body: String,
}

/// The templates in force (administrators' copies of the shipped ones).
pub async fn templates(tx: &mut Tx) -> Result<Vec<Template>> {
    const Q: &str = "SELECT kind, audience, channel, subject, body FROM message_templates ORDER BY kind, audience, channel";
    let rows: Vec<TemplateRow> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Template {
                kind: MessageKind::parse(&r.kind)?,
                audience: Audience::parse(&r.audience)?,
                channel: Channel::parse(&r.channel)?,
                subject: r.subject,
                body: r.body,
            })
        })
        .collect())
}

/// Adds the templates that are missing (first start, or new kinds in an upgrade);
/// edited ones are kept.
pub async fn seed_templates(tx: &mut Tx, ts: &[Template], now: DateTime<Utc>) -> Result<u64> {
    const Q: &str = "INSERT INTO message_templates (kind, audience, channel, subject, body, version, updated_at) \
        VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (kind, audience, channel) DO NOTHING";
    let mut n = 0;
    for t in ts {
        n += on_tx!(tx, c => sqlx::query(Q).bind(t.kind.as_str()).bind(t.audience.as_str()).bind(t.channel.as_str())
            .bind(&t.subject).bind(&t.body).bind(now).execute(c).await?.rows_affected());
    }
    Ok(n)
}

/// Replaces one template's text.
pub async fn set_template(tx: &mut Tx, t: &Template, now: DateTime<Utc>) -> Result<()> {
    const Q: &str = "INSERT INTO message_templates (kind, audience, channel, subject, body, version, updated_at) \
        VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (kind, audience, channel) \
        DO UPDATE SET subject = excluded.subject, body = excluded.body, version = message_templates.version + 1, \
        updated_at = excluded.updated_at";
    on_tx!(tx, c => sqlx::query(Q).bind(t.kind.as_str()).bind(t.audience.as_str()).bind(t.channel.as_str())
        .bind(&t.subject).bind(&t.body).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

/// How a person may be contacted.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ContactRow {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub sms_opt_out: bool,
    pub unsafe_usual_phone: bool,
    pub safe_channel: Option<String>,
    pub safe_contact: String,
}

pub async fn person_contact(tx: &mut Tx, person_id: i64) -> Result<Option<ContactRow>> {
    const Q: &str = "SELECT name, phone, email, sms_opt_out, unsafe_usual_phone, safe_channel, safe_contact FROM persons WHERE id = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(person_id).fetch_optional(c).await?))
}

/// Updates how a person may be contacted.
pub async fn set_person_contact(tx: &mut Tx, person_id: i64, r: &ContactRow) -> Result<bool> {
    const Q: &str = "UPDATE persons SET email = $1, sms_opt_out = $2, unsafe_usual_phone = $3, safe_channel = $4, \
        safe_contact = $5, version = version + 1 WHERE id = $6";
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(&r.email).bind(r.sms_opt_out).bind(r.unsafe_usual_phone)
        .bind(&r.safe_channel).bind(&r.safe_contact).bind(person_id).execute(c).await?.rows_affected())
            == 1,
    )
}

/// The accounts linked to a staff record (in-app messages go there).
pub async fn staff_users(tx: &mut Tx, staff_id: i64) -> Result<Vec<i64>> {
    const Q: &str = "SELECT id FROM users WHERE staff_id = $1 AND active = TRUE ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(staff_id).fetch_all(c).await?))
}

/// The active accounts of a unit (in-app messages to the unit go there).
pub async fn unit_users(tx: &mut Tx, unit_id: i64) -> Result<Vec<i64>> {
    const Q: &str = "SELECT id FROM users WHERE unit_id = $1 AND active = TRUE ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(unit_id).fetch_all(c).await?))
}

/// Marks every pending message as sent at its creation time (demo history).
pub async fn mark_history_sent(tx: &mut Tx, provider: &str) -> Result<u64> {
    const Q: &str = "UPDATE messages SET status = 'sent', sent_at = created_at, attempts = 1, provider_id = $1 \
        WHERE status = 'pending'";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(provider).execute(c).await?.rows_affected()))
}

/// Whether the same text went (or is going) to `address` on `channel` since `since`.
pub async fn sent_recently(
    tx: &mut Tx,
    channel: &str,
    address: &str,
    body: &str,
    since: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "SELECT COUNT(*) FROM messages WHERE address = $1 AND channel = $2 AND body = $3 \
        AND created_at >= $4 AND status <> 'skipped'";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(address).bind(channel).bind(body).bind(since).fetch_one(c).await?);
    Ok(n > 0)
}

/// Records the gateway's delivery report for SMS message `id`: it reached the
/// phone (`delivered`) or not (`undelivered`, with the gateway's reason). Only a
/// message the gateway took (`sent`, or reported before: a later report wins);
/// false for any other.
pub async fn record_report(
    tx: &mut Tx,
    id: i64,
    delivered: bool,
    error: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "UPDATE messages SET status = $1, last_error = $2, reported_at = $3 \
        WHERE id = $4 AND channel = 'sms' AND status IN ('sent', 'delivered', 'undelivered')";
    let status = if delivered {
        "delivered"
    } else {
        "undelivered"
    };
    let n = on_tx!(tx, c => sqlx::query(Q).bind(status).bind(error).bind(at).bind(id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// The active accounts of a unit that hold one of `roles` (role codes): in-app
/// messages meant for some of a unit's staff only (a fee alert to the center's
/// quality staff and director).
pub async fn unit_users_with_roles(tx: &mut Tx, unit_id: i64, roles: &[&str]) -> Result<Vec<i64>> {
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..roles.len()).map(|i| format!("${}", i + 2)).collect();
    let q = format!(
        "SELECT u.id FROM users u WHERE u.unit_id = $1 AND u.active = TRUE AND EXISTS \
         (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({})) ORDER BY u.id",
        list.join(", ")
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(q.clone())).bind(unit_id);
        for r in roles {
            q = q.bind(*r);
        }
        q.fetch_all(c).await?
    }))
}
