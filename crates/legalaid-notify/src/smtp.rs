//! E-mail through SMTP.

use crate::{Outgoing, Receipt, SendError, SendFuture, Sender, log_outcome, redact};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Sends e-mail through an SMTP server (lettre, rustls). One connection per
/// message: notices are few, and no idle connection is held open.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `url`: `smtps://user:pass@host:465` (TLS from the start),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS, refused if the server
    /// does not offer it), or `smtp://host:25` (no TLS: only for a relay on a
    /// trusted network, and therefore without credentials). Percent-encode special
    /// characters in the user and password. `from`: `名称 <address>` or an address.
    pub fn new(url: &str, from: &str) -> Result<Smtp, String> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| "smtp_url is not a URL such as smtps://user:pass@mail.example.cn:465")?;
        let plain = parsed.scheme() == "smtp"
            && !parsed
                .query_pairs()
                .any(|(k, v)| k == "tls" && (v == "required" || v == "opportunistic"));
        if plain && (parsed.password().is_some() || !parsed.username().is_empty()) {
            return Err(
                "smtp_url sends credentials without TLS: use smtps://… or add ?tls=required".into(),
            );
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // lettre's message names the scheme or TLS option; the URL itself (with
            // the password) is never repeated.
            .map_err(|e| format!("smtp_url is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let from = from.trim().parse::<Mailbox>().map_err(
            |_| "mail_from is not an e-mail address such as 法律援助中心 <notice@example.gov.cn>",
        )?;
        Ok(Smtp { transport, from })
    }

    async fn deliver(&self, m: &Outgoing) -> Result<Receipt, SendError> {
        let to = m
            .address
            .trim()
            .parse::<Mailbox>()
            .map_err(|_| SendError::Permanent("not a valid e-mail address".into()))?;
        // A Message-ID derived from the outbox id: a retried message carries the
        // same id, which mail systems use to recognise a duplicate.
        let message_id = format!("<notice-{}@{}>", m.id, self.from.email.domain());
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.as_str())
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| {
                SendError::Permanent(format!(
                    "cannot build the e-mail: {}",
                    redact(&e.to_string())
                ))
            })?;
        match self.transport.send(message).await {
            Ok(_) => Ok(Receipt {
                provider_id: message_id,
            }),
            // 5xx replies: the server refuses this message for good.
            Err(e) if e.is_permanent() => Err(SendError::Permanent(redact(&e.to_string()))),
            Err(e) => Err(SendError::Temporary(redact(&e.to_string()))),
        }
    }
}

/// Shows the sender only: the transport holds the password.
impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Sender for Smtp {
    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let r = self.deliver(m).await;
            log_outcome(m, &r);
            r
        })
    }
}
