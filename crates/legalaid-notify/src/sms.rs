//! SMS through an HTTP gateway.

use crate::{Outgoing, Receipt, SendError, SendFuture, Sender, log_outcome, redact};
use std::time::Duration;

/// Sends text messages through an HTTP gateway.
///
/// The request is the shape Chinese SMS services share once their vendor SDKs are
/// set aside (Aliyun, Tencent Cloud and the carriers' enterprise gateways all take
/// a phone number, the text or a template, a registered signature name and an
/// out-id): a provider-agnostic JSON body, so that a small relay or the
/// provider's generic HTTP API can sit behind one adapter.
///
/// ```text
/// POST {url}
/// Authorization: Bearer {key}
/// {"phone": "139…", "content": "…", "sign": "叶集区法律援助中心", "out_id": "42"}
///
/// 200 {"code": "OK", "message": "…", "biz_id": "…"}
/// ```
///
/// `out_id` is the outbox id, so a provider that de-duplicates by it sends a
/// retried message once. The answer is classified:
/// - 2xx with code `OK`: sent; `biz_id` is the receipt;
/// - 2xx with another code: the provider refused. Codes that name a rate limit or
///   a provider fault (containing `LIMIT`, `BUSY`, `SYSTEM`, `TIMEOUT`, `RETRY`,
///   `AMOUNT` or `BALANCE`, case-insensitive) are temporary; any other code (bad
///   number, blacklisted, content or signature rejected) is permanent;
/// - 5xx, timeouts (10 s), connection failures, an unreadable answer: temporary;
/// - 408 and 429, and 401/403 (a wrong or expired key that an operator can fix
///   within the retry window): temporary;
/// - any other 4xx: permanent.
pub struct SmsGateway {
    url: reqwest::Url,
    key: String,
    sign_name: String,
    client: reqwest::Client,
}

const TEMPORARY_CODES: &[&str] = &[
    "LIMIT", "BUSY", "SYSTEM", "TIMEOUT", "RETRY", "AMOUNT", "BALANCE",
];

impl SmsGateway {
    /// A gateway with the standard 10 s timeout.
    pub fn new(url: &str, key: &str, sign_name: &str) -> Result<SmsGateway, String> {
        SmsGateway::with_timeout(url, key, sign_name, Duration::from_secs(10))
    }

    pub fn with_timeout(
        url: &str,
        key: &str,
        sign_name: &str,
        timeout: Duration,
    ) -> Result<SmsGateway, String> {
        let url = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
            .ok_or("sms_url is not an http(s) URL such as https://sms.example.cn/send")?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A gateway that redirects a POST is misconfigured; following would
            // turn it into a GET or resend the key elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot set up the HTTPS client: {e}"))?;
        Ok(SmsGateway {
            url,
            key: key.to_owned(),
            sign_name: sign_name.to_owned(),
            client,
        })
    }

    async fn post(&self, m: &Outgoing) -> Result<Receipt, SendError> {
        let request = serde_json::json!({
            "phone": m.address,
            "content": m.body,
            "sign": self.sign_name,
            "out_id": m.id.to_string(),
        });
        let response = self
            .client
            .post(self.url.clone())
            .bearer_auth(&self.key)
            .json(&request)
            .send()
            .await
            .map_err(|e| {
                SendError::Temporary(if e.is_timeout() {
                    "the SMS gateway did not answer in time".to_owned()
                } else if e.is_connect() {
                    "cannot connect to the SMS gateway".to_owned()
                } else {
                    redact(&e.without_url().to_string())
                })
            })?;
        let status = response.status();
        let reply: Option<Reply> = response.json().await.ok();
        let said = || {
            reply
                .as_ref()
                .and_then(|r| r.message.as_deref())
                .map(|s| format!(": {}", redact(s)))
                .unwrap_or_default()
        };
        if status.is_success() {
            let Some(reply) = &reply else {
                return Err(SendError::Temporary(format!(
                    "HTTP {}, but the answer is not the expected JSON",
                    status.as_u16()
                )));
            };
            if reply.code == "OK" {
                return Ok(Receipt {
                    provider_id: reply.biz_id.clone().unwrap_or_default(),
                });
            }
            let code = redact(&reply.code);
            let upper = reply.code.to_ascii_uppercase();
            let text = format!("the gateway refused with code {code}{}", said());
            return Err(if TEMPORARY_CODES.iter().any(|c| upper.contains(c)) {
                SendError::Temporary(text)
            } else {
                SendError::Permanent(text)
            });
        }
        let text = format!("HTTP {}{}", status.as_u16(), said());
        match status.as_u16() {
            401 | 403 | 408 | 429 => Err(SendError::Temporary(text)),
            400..=499 => Err(SendError::Permanent(text)),
            _ => Err(SendError::Temporary(text)),
        }
    }
}

#[derive(serde::Deserialize)]
struct Reply {
    code: String,
    message: Option<String>,
    biz_id: Option<String>,
}

/// Shows the endpoint and signature, never the key.
impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &self.url.as_str())
            .field("sign_name", &self.sign_name)
            .finish_non_exhaustive()
    }
}

impl Sender for SmsGateway {
    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let r = self.post(m).await;
            log_outcome(m, &r);
            r
        })
    }
}
