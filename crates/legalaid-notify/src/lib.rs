//! Delivery of legalaid's notices (全流程告知).
//!
//! Use cases write messages into the outbox in the same transaction as the change
//! they report (`legalaid_domain::notice` renders them); a worker claims due rows
//! after the commit and hands each to the [`Sender`] of its channel:
//!
//! - SMS: [`SmsGateway`], an HTTP gateway configured by URL and key;
//! - e-mail: [`Smtp`];
//! - in-app: nothing to send, the outbox row is the message;
//! - neither gateway configured: [`FileSink`], one JSON line per message in the
//!   data directory, which tests and trial installations read.
//!
//! Every sender is idempotent by the outbox id it is given ([`Outgoing::id`]): the
//! SMS gateway receives it as `out_id`, e-mail as the Message-ID, so a retry after
//! an unclear failure does not double a message where the provider de-duplicates.
//!
//! Messages and addresses are personal data: nothing here logs them. Logs carry the
//! outbox id, the channel and the outcome; error texts are passed through
//! [`redact`] before they leave an adapter.

mod sink;
mod sms;
mod smtp;

pub use sink::FileSink;
pub use sms::SmsGateway;
pub use smtp::Smtp;

pub use legalaid_domain::notice::Channel;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

/// One message to deliver, taken from an outbox row.
#[derive(Clone)]
pub struct Outgoing {
    /// The outbox id: the idempotency key handed to providers.
    pub id: i64,
    pub channel: Channel,
    /// A phone number or an e-mail address.
    pub address: String,
    /// The e-mail subject; empty for SMS.
    pub subject: String,
    pub body: String,
}

/// Shows the id and channel only, so that a stray `{:?}` cannot log personal data.
impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// What the provider answered for an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The provider's id for the message (SMS `biz_id`, e-mail Message-ID), for
    /// tracing a complaint with the provider; may be empty.
    pub provider_id: String,
}

/// Why a message was not delivered. The text never contains the address or the
/// body and is safe to store on the outbox row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later (timeouts, provider faults, rate limits).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Retrying cannot help (an invalid number or address, content refused).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

/// The future a [`Sender`] returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Receipt, SendError>> + Send + 'a>>;

/// A delivery channel. Written without `async_trait` so that it stays object-safe
/// with no extra dependency; implementations return `Box::pin(async move { … })`.
pub trait Sender: Send + Sync {
    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a>;
}

/// The senders of the channels that need one.
#[derive(Clone)]
pub struct Channels {
    pub sms: Arc<dyn Sender>,
    pub email: Arc<dyn Sender>,
}

impl Channels {
    /// The sender for `channel`; `None` for in-app messages, which are delivered
    /// by being stored.
    pub fn for_channel(&self, channel: Channel) -> Option<&dyn Sender> {
        match channel {
            Channel::Sms => Some(self.sms.as_ref()),
            Channel::Email => Some(self.email.as_ref()),
            Channel::InApp => None,
        }
    }

    /// Builds the senders the configuration names; a channel without a gateway
    /// writes to a file sink in `sink_dir` (`sms-sink.jsonl`, `email-sink.jsonl`).
    /// Nothing is contacted here; a wrong key or host shows on the first send.
    pub fn from_config(c: &NotifyConfig) -> Result<Channels, String> {
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let sms: Arc<dyn Sender> = match (given(&c.sms_url), given(&c.sms_key)) {
            (Some(url), Some(key)) => {
                if c.sms_sign.trim().is_empty() {
                    return Err("the SMS gateway needs a signature name (sms_sign), such as 叶集区法律援助中心".into());
                }
                Arc::new(SmsGateway::new(&url, &key, c.sms_sign.trim())?)
            }
            (None, None) => Arc::new(FileSink::new(c.sink_dir.join("sms-sink.jsonl"))),
            (Some(_), None) => return Err("sms_url is set but sms_key is not".into()),
            (None, Some(_)) => return Err("sms_key is set but sms_url is not".into()),
        };
        let email: Arc<dyn Sender> = match given(&c.smtp_url) {
            Some(url) => Arc::new(Smtp::new(&url, &c.mail_from)?),
            None => Arc::new(FileSink::new(c.sink_dir.join("email-sink.jsonl"))),
        };
        tracing::info!(
            sms = if given(&c.sms_url).is_some() {
                "gateway"
            } else {
                "file sink"
            },
            email = if given(&c.smtp_url).is_some() {
                "smtp"
            } else {
                "file sink"
            },
            "notice delivery configured"
        );
        Ok(Channels { sms, email })
    }
}

/// How messages leave the system. Blank strings count as not set.
#[derive(Clone, Default)]
pub struct NotifyConfig {
    /// The SMS gateway endpoint (https://…); with `sms_key`.
    pub sms_url: Option<String>,
    pub sms_key: Option<String>,
    /// The signature name (签名) registered with the provider, shown as 【…】.
    pub sms_sign: String,
    /// `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, or
    /// `smtp://host:25` for a relay on a trusted network (no credentials).
    pub smtp_url: Option<String>,
    /// The sender, e.g. `叶集区法律援助中心 <notice@example.gov.cn>`.
    pub mail_from: String,
    /// Where the file sinks live: the data directory.
    pub sink_dir: PathBuf,
}

/// Shows which settings are present, never the key or the SMTP password.
impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("sms_url", &self.sms_url)
            .field("sms_key", &self.sms_key.as_ref().map(|_| "<set>"))
            .field("sms_sign", &self.sms_sign)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("sink_dir", &self.sink_dir)
            .finish()
    }
}

/// Masks what may identify a person in a provider's error text (runs of seven or
/// more digits, anything with an `@`) and keeps it short.
pub fn redact(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.contains('@') {
            out.push_str("***");
            continue;
        }
        let mut digits = String::new();
        for ch in word.chars() {
            if ch.is_ascii_digit() {
                digits.push(ch);
                continue;
            }
            flush_digits(&mut out, &mut digits);
            out.push(ch);
        }
        flush_digits(&mut out, &mut digits);
    }
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + "…";
    }
    out
}

fn flush_digits(out: &mut String, digits: &mut String) {
    if digits.len() >= 7 {
        out.push_str("***");
    } else {
        out.push_str(digits);
    }
    digits.clear();
}

/// Records the outcome of one send: outbox id, channel and outcome only.
fn log_outcome(m: &Outgoing, r: &Result<Receipt, SendError>) {
    let channel = m.channel.as_str();
    match r {
        Ok(_) => tracing::info!(outbox_id = m.id, channel, outcome = "sent", "notice sent"),
        Err(SendError::Temporary(_)) => {
            tracing::warn!(
                outbox_id = m.id,
                channel,
                outcome = "temporary_failure",
                "notice not sent"
            )
        }
        Err(SendError::Permanent(_)) => {
            tracing::warn!(
                outbox_id = m.id,
                channel,
                outcome = "permanent_failure",
                "notice not sent"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_masks_numbers_and_addresses() {
        assert_eq!(
            redact("550 5.1.1 <li@example.cn>: rejected; mobile 13800000000 invalid, code 40001"),
            "550 5.1.1 *** rejected; mobile *** invalid, code 40001"
        );
        assert_eq!(redact("手机号码13800000000格式错误"), "手机号码***格式错误");
        assert!(redact(&"x".repeat(500)).chars().count() <= 201);
    }

    #[test]
    fn debug_output_shows_no_personal_data_or_secrets() {
        let m = Outgoing {
            id: 7,
            channel: Channel::Sms,
            address: "13800000000".into(),
            subject: String::new(),
            body: "李秀英，您好".into(),
        };
        let d = format!("{m:?}");
        assert!(d.contains('7') && !d.contains("138") && !d.contains("李秀英"));
        let c = NotifyConfig {
            sms_key: Some("s3cret".into()),
            smtp_url: Some("smtps://u:pw@mail.example.cn".into()),
            ..NotifyConfig::default()
        };
        let d = format!("{c:?}");
        assert!(!d.contains("s3cret") && !d.contains("pw@"));
    }

    #[test]
    fn configuration_must_be_complete() {
        let dir = PathBuf::from("/nonexistent");
        let base = NotifyConfig {
            sink_dir: dir,
            ..NotifyConfig::default()
        };
        let err = |c: NotifyConfig| Channels::from_config(&c).err().unwrap_or_default();
        assert_eq!(
            err(NotifyConfig {
                sms_url: Some("https://sms.example.cn/send".into()),
                ..base.clone()
            }),
            "sms_url is set but sms_key is not"
        );
        assert!(
            err(NotifyConfig {
                sms_url: Some("https://sms.example.cn/send".into()),
                sms_key: Some("k".into()),
                ..base.clone()
            })
            .contains("sms_sign")
        );
        assert!(
            err(NotifyConfig {
                smtp_url: Some("smtps://mail.example.cn".into()),
                mail_from: "not an address".into(),
                ..base.clone()
            })
            .contains("mail_from")
        );
        let blank = NotifyConfig {
            sms_url: Some(" ".into()),
            smtp_url: Some(String::new()),
            ..base.clone()
        };
        let c = Channels::from_config(&blank).expect("blank means unset");
        assert!(c.for_channel(Channel::InApp).is_none());
        assert!(c.for_channel(Channel::Sms).is_some());
    }
}
