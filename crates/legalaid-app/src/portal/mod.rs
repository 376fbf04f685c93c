//! The public portal (ADR 0020): what a member of the public may read and do
//! without an account. Applicants are not staff: a person proves a mobile number
//! by a code sent through the outbox, which opens a short portal session for one
//! purpose; nothing of staff or of other applicants is ever answered.
//!
//! Every limit is counted in the database ([`count`]), so several instances
//! share them, in a transaction of its own committed at once: a refused or
//! failed request still counts.

mod apply;
mod complaint;
mod info;
mod progress;
mod report;

pub use apply::{Applied, MAX_PHOTO_BYTES, MAX_PHOTOS, Photo, apply};
pub use complaint::{Complained, ComplaintForm, complain, respondents};
pub use info::{Directory, Info, SelfCheck, SelfCheckInput, directory, info, self_check};
pub use progress::verify as verify_query;
pub use progress::{CaseProgress, Progress, find as find_application, letter, progress};
pub use report::{AnnualReport, report};

use crate::{App, AppError, AppResult, Ctx, RequestMeta, outbox};
use chrono::{DateTime, Duration, Utc};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::portal::{CodeVerdict, Counter, Limits, Purpose, StoredCode};
use legalaid_domain::portal::{judge_code, mask_phone, mobile, window_start};
use legalaid_store::portal as store;

/// The settings key of the limits (JSON of [`Limits`]).
pub const LIMITS_KEY: &str = "portal_limits";

/// The limits in force: the stored ones, or the defaults when none are stored
/// or they do not parse (a broken setting must not open the gates wider).
pub async fn limits(app: &App) -> AppResult<Limits> {
    let mut tx = app.store.read().await?;
    let raw = legalaid_store::applications::setting(&mut tx, LIMITS_KEY).await?;
    Ok(raw
        .and_then(|r| serde_json::from_str::<Limits>(&r).ok())
        .filter(|l| l.check().is_ok())
        .unwrap_or_default())
}

/// Counts one request against `counter` for `subject` (an address or a phone,
/// kept only as a keyed hash), committed at once; refuses past the limit.
pub(crate) async fn count(
    app: &App,
    limits: &Limits,
    counter: Counter,
    subject: &str,
) -> AppResult<()> {
    let now = app.clock.now();
    let (max, window) = limits.of(counter);
    let start = window_start(now, window);
    let bucket = counter.bucket(&app.cipher.index(subject));
    let mut tx = app.store.write().await?;
    let n = store::hit(&mut tx, &bucket, start).await?;
    tx.commit().await?;
    if n > max {
        let wait = (start + window - now).num_seconds().max(1);
        return Err(AppError::Limited {
            message: counter.refusal().into(),
            retry_after_secs: u64::try_from(wait).unwrap_or(60),
        });
    }
    Ok(())
}

/// A new six-digit code.
fn new_code() -> String {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).expect("operating system random source is available");
    format!("{:06}", u32::from_le_bytes(b) % 1_000_000)
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn digest(secret: &str) -> String {
    crate::auth::digest(secret)
}

/// The keyed hash a code is kept as: bound to its purpose and phone, useless
/// without the field key.
fn code_hash(app: &App, purpose: Purpose, phone: &str, code: &str) -> String {
    app.cipher
        .index(&format!("portal-code:{}:{phone}:{code}", purpose.as_str()))
}

/// Where a code went, masked, for the page to say.
#[derive(Debug, Clone)]
pub struct CodeSent {
    pub masked_phone: String,
    pub valid_minutes: i64,
}

/// Sends a code to `phone_raw` for `purpose` (a progress query's code is bound
/// to its application). Counted per address and per phone; a new code only
/// after the resend interval.
pub async fn send_code(
    app: &App,
    meta: &RequestMeta,
    purpose: Purpose,
    phone_raw: &str,
    application_id: Option<i64>,
) -> AppResult<CodeSent> {
    let phone = mobile(phone_raw).map_err(|m| AppError::field("phone", m))?;
    let l = limits(app).await?;
    count(app, &l, Counter::CodesPerAddress, &meta.ip).await?;
    count(app, &l, Counter::CodesPerPhone, &phone).await?;
    let now = app.clock.now();
    let phone_hash = app.cipher.index(&phone);
    let mut tx = app.store.write().await?;
    if let Some(last) = store::latest_code(&mut tx, purpose, &phone_hash, application_id).await? {
        let ready = last.created_at + Duration::seconds(l.resend_seconds);
        if now < ready {
            let wait = (ready - now).num_seconds().max(1);
            return Err(AppError::Limited {
                message: format!("验证码已发送，请{wait}秒后再重新获取"),
                retry_after_secs: u64::try_from(wait).unwrap_or(60),
            });
        }
    }
    let code = new_code();
    store::insert_code(
        &mut tx,
        &store::NewCode {
            purpose,
            phone_hash: &phone_hash,
            phone_enc: &app.cipher.encrypt(&phone),
            application_id,
            code_hash: &code_hash(app, purpose, &phone, &code),
            expires_at: now + Duration::minutes(l.code_minutes),
        },
        now,
    )
    .await?;
    let mut values = outbox::Values::new();
    values.insert(P::Code, code);
    values.insert(P::CodeValidity, format!("{}分钟", l.code_minutes));
    outbox::to_phone(&mut tx, MessageKind::PortalCode, &phone, values, now).await?;
    tx.commit().await?;
    Ok(CodeSent {
        masked_phone: mask_phone(&phone),
        valid_minutes: l.code_minutes,
    })
}

/// A proven phone: the secret for the cookie, and when it lapses.
#[derive(Debug, Clone)]
pub struct Opened {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Checks an entered code and opens a portal session for its purpose. A wrong
/// entry counts against the code (in the database, so every instance sees it).
pub async fn verify(
    app: &App,
    purpose: Purpose,
    phone_raw: &str,
    code: &str,
    application_id: Option<i64>,
) -> AppResult<Opened> {
    let phone = mobile(phone_raw).map_err(|m| AppError::field("phone", m))?;
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::field("code", "请输入短信中的6位验证码"));
    }
    let l = limits(app).await?;
    let now = app.clock.now();
    let phone_hash = app.cipher.index(&phone);
    let mut tx = app.store.write().await?;
    let Some(row) = store::latest_code(&mut tx, purpose, &phone_hash, application_id).await? else {
        return Err(AppError::field("code", CodeVerdict::Spent.message()));
    };
    let stored = StoredCode {
        expires_at: row.expires_at,
        attempts: row.attempts,
        used: row.used_at.is_some(),
    };
    let matches = same(
        code_hash(app, purpose, &phone, code).as_bytes(),
        row.code_hash.as_bytes(),
    );
    match judge_code(&stored, matches, now, &l) {
        CodeVerdict::Accepted => {}
        other => {
            if !matches {
                store::count_attempt(&mut tx, row.id, l.code_attempts).await?;
                tx.commit().await?;
            }
            return Err(AppError::field("code", other.message()));
        }
    }
    if !store::use_code(&mut tx, row.id, now).await? {
        return Err(AppError::field("code", CodeVerdict::Spent.message()));
    }
    let secret = crate::auth::random_secret();
    let expires_at = now + Duration::minutes(l.session_minutes);
    store::insert_session(
        &mut tx,
        &digest(&secret),
        &store::SessionRow {
            purpose,
            phone_hash,
            phone_enc: row.phone_enc,
            application_id,
            expires_at,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Opened { secret, expires_at })
}

/// A portal session in force for `purpose`, with the proven phone.
#[derive(Debug, Clone)]
pub struct Proven {
    pub phone: String,
    pub phone_hash: String,
    pub application_id: Option<i64>,
    pub(crate) token_hash: String,
}

impl Proven {
    pub fn masked_phone(&self) -> String {
        mask_phone(&self.phone)
    }
}

/// The session of `secret` if it is in force for `purpose`.
pub async fn proven(
    app: &App,
    secret: Option<&str>,
    purpose: Purpose,
) -> AppResult<Option<Proven>> {
    let Some(secret) = secret.filter(|s| s.len() == 64) else {
        return Ok(None);
    };
    let token_hash = digest(secret);
    let mut tx = app.store.read().await?;
    let Some(s) = store::session(&mut tx, &token_hash).await? else {
        return Ok(None);
    };
    if s.purpose != purpose || s.expires_at <= app.clock.now() {
        return Ok(None);
    }
    let phone = app
        .cipher
        .decrypt(&s.phone_enc)
        .map_err(|e| AppError::Internal(format!("portal session phone: {e}")))?;
    Ok(Some(Proven {
        phone,
        phone_hash: s.phone_hash,
        application_id: s.application_id,
        token_hash,
    }))
}

/// Forgets lapsed codes, sessions and counters (a day after the longest window).
pub async fn prune(app: &App) -> AppResult<u64> {
    let mut tx = app.store.write().await?;
    let n = store::prune(&mut tx, app.clock.now() - Duration::days(2)).await?;
    tx.commit().await?;
    Ok(n)
}

/// The context a portal request acts in.
pub fn ctx(meta: &RequestMeta) -> Ctx {
    Ctx::public(meta.clone())
}
