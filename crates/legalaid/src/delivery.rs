//! The delivery worker: sends the outbox through the configured channels.
//!
//! Every instance runs one. Messages are claimed with a lease, so instances on
//! one database never send the same message twice; a message claimed by an
//! instance that dies is sent by another (or after restart) once the lease ends.

use legalaid_app::App;
use legalaid_app::outbox::{Deliver, Outgoing, SendError};
use legalaid_notify::Channels;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The channel adapters behind the use cases' interface.
pub struct Adapter(Channels);

impl Adapter {
    pub fn new(channels: Channels) -> Adapter {
        Adapter(channels)
    }
}

impl Deliver for Adapter {
    fn send<'a>(
        &'a self,
        m: &'a Outgoing,
    ) -> Pin<Box<dyn Future<Output = Result<String, SendError>> + Send + 'a>> {
        Box::pin(async move {
            let Some(sender) = self.0.for_channel(m.channel) else {
                // In-app messages are delivered by being stored.
                return Ok(String::new());
            };
            let out = legalaid_notify::Outgoing {
                id: m.id,
                channel: m.channel,
                address: m.address.clone(),
                subject: m.subject.clone(),
                body: m.body.clone(),
            };
            match sender.send(&out).await {
                Ok(r) => Ok(r.provider_id),
                Err(legalaid_notify::SendError::Temporary(e)) => Err(SendError::Temporary(e)),
                Err(legalaid_notify::SendError::Permanent(e)) => Err(SendError::Permanent(e)),
            }
        })
    }
}

const BATCH: i64 = 100;

/// Runs until `shutdown` resolves; a batch in flight is finished first.
pub async fn run(app: App, channels: Channels, idle: Duration, shutdown: impl Future<Output = ()>) {
    let worker = format!(
        "{}-{}-{:08x}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "legalaid".into()),
        std::process::id(),
        rand_u32()
    );
    let adapter = Adapter(channels);
    let mut reminders = tokio::time::interval(Duration::from_secs(300));
    tokio::pin!(shutdown);
    loop {
        let busy = match legalaid_app::outbox::deliver_due(&app, &adapter, &worker, BATCH).await {
            Ok(n) => n > 0,
            Err(e) => {
                tracing::warn!(error = %e, "message delivery failed");
                false
            }
        };
        tokio::select! {
            () = &mut shutdown => break,
            _ = reminders.tick() => {
                match legalaid_app::cases::remind_hearings(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "hearing reminders written"),
                    Err(e) => tracing::warn!(error = %e, "hearing reminders failed"),
                }
                match legalaid_app::cases::remind_agreements(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "agreement reminders written"),
                    Err(e) => tracing::warn!(error = %e, "agreement reminders failed"),
                }
                // The portal's spent codes, sessions and counters (ADR 0020).
                if let Err(e) = legalaid_app::portal::prune(&app).await {
                    tracing::warn!(error = %e, "portal pruning failed");
                }
            }
            () = tokio::time::sleep(if busy { Duration::ZERO } else { idle }) => {}
        }
    }
}

fn rand_u32() -> u32 {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    u32::from_le_bytes(b)
}
