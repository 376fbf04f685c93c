//! Sign-in, sessions, API tokens and passwords.
//!
//! Passwords are hashed with Argon2id. Session ids and tokens are random 256-bit
//! values; only their SHA-256 is stored. Failed attempts are counted per username
//! (whether or not it exists, so the answer never reveals which usernames exist)
//! and per client address; past the limits sign-in answers 429.

use crate::{Actor, App, AppError, AppResult, Ctx, RequestMeta, audit};
use chrono::{DateTime, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::password::policy_violations;
use legalaid_domain::throttle;
use legalaid_domain::user::{User, normalize_username};
use legalaid_store::{Tx, sessions, units, users};
use sha2::{Digest, Sha256};

/// The one message for every failed sign-in.
pub const BAD_CREDENTIALS: &str = "用户名或密码不正确";

/// A new random secret (64 hex characters).
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    // The OS random source failing is not something a server can carry on from.
    getrandom::fill(&mut b).expect("operating system random source is available");
    hex::encode(b)
}

pub(crate) fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with Argon2id, on a bounded worker (see [`crate::hashing`]).
pub async fn hash_password(app: &App, password: String) -> AppResult<String> {
    app.hasher.hash(password).await
}

async fn verify_password(app: &App, password: String, hash: String) -> AppResult<bool> {
    app.hasher.verify(password, hash).await
}

/// A hash of a password nobody knows: verified against when the username does not
/// exist, so that both cases take the same time and the same memory.
async fn dummy_hash(app: &App) -> AppResult<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| async { hash_password(app, random_secret()).await })
        .await
        .cloned()
}

pub fn check_password_policy(password: &str, username: &str) -> AppResult<()> {
    let v = policy_violations(password, username);
    if v.is_empty() {
        Ok(())
    } else {
        Err(AppError::field("password", v.join("；")))
    }
}

/// What a sign-in produces: a web session or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    Web,
    Api,
}

#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub user: User,
    /// The session id (for the cookie) or the bearer token.
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Sign-in attempts of this instance whose passwords are being checked, by user
/// name and address. Counted into the throttle's figures so that a burst cannot
/// slip past the limits before its first failure is written.
#[derive(Debug, Default)]
pub struct InFlight(std::sync::Mutex<std::collections::HashMap<(String, String), i64>>);

impl InFlight {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<(String, String), i64>> {
        // A panic while holding this lock leaves plain counters behind: still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers an attempt and answers the attempts already in flight: this pair,
    /// this name from other addresses, this address with any name.
    fn enter(self: &std::sync::Arc<Self>, key: &str, ip: &str) -> (InFlightGuard, [i64; 3]) {
        let mut map = self.map();
        let mut seen = [0; 3];
        for ((k, a), n) in map.iter() {
            if k == key && a == ip {
                seen[0] += n;
            } else if k == key {
                seen[1] += n;
            }
            if a == ip {
                seen[2] += n;
            }
        }
        *map.entry((key.to_owned(), ip.to_owned())).or_default() += 1;
        let guard = InFlightGuard {
            registry: self.clone(),
            key: (key.to_owned(), ip.to_owned()),
        };
        (guard, seen)
    }
}

/// Removes an attempt from [`InFlight`] when it is decided, however it ends.
struct InFlightGuard {
    registry: std::sync::Arc<InFlight>,
    key: (String, String),
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut map = self.registry.map();
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n <= 0 {
                map.remove(&self.key);
            }
        }
    }
}

fn secs(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Signs a user in. Every failure answers the same, whatever went wrong.
pub async fn login(
    app: &App,
    meta: &RequestMeta,
    username: &str,
    password: &str,
    kind: LoginKind,
) -> AppResult<LoginOutcome> {
    // Characters no record may keep never reach the database (the key is stored).
    let key: String = username
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let ip: String = meta.ip.chars().filter(|c| !c.is_control()).collect();
    let now = app.clock.now();
    let policy = app.auth.throttle();
    let (_attempt, in_flight) = app.sign_ins.enter(&key, &ip);
    let (mut failures, found) = {
        let mut tx = app.store.read().await?;
        let mut failures =
            sessions::failures_since(&mut tx, &key, &ip, now - policy.window).await?;
        let found = match normalize_username(username) {
            Ok(u) => users::find_for_login(&mut tx, &u).await?,
            Err(_) => None,
        };
        if let Some((user, _)) = &found {
            failures.familiar_address =
                sessions::is_familiar_address(&mut tx, user.id, &ip, now - FAMILIAR_FOR).await?;
        }
        (failures, found)
    };
    let [pair, elsewhere, address] = in_flight;
    failures.add_in_flight(pair, elsewhere, address, now);
    match throttle::judge(&policy, &failures, now) {
        throttle::Verdict::Wait { retry_after_secs } => {
            return Err(AppError::TooManyRequests { retry_after_secs });
        }
        throttle::Verdict::Proceed { pause } if !pause.is_zero() => {
            tokio::time::sleep(pause).await;
        }
        throttle::Verdict::Proceed { .. } => {}
    }
    let (user, ok) = match found {
        Some((user, hash)) => {
            let ok = verify_password(app, password.to_owned(), hash).await? && user.active;
            (Some(user), ok)
        }
        None => {
            verify_password(app, password.to_owned(), dummy_hash(app).await?).await?;
            (None, false)
        }
    };
    let mut tx = app.store.write().await?;
    let Some(user) = user.filter(|_| ok) else {
        sessions::record_failure(&mut tx, &key, &ip, now).await?;
        let count = failures.pair + failures.name_elsewhere + 1;
        if throttle::alerts(&policy, count) {
            alert_administrators(app, &mut tx, meta, &key, count).await?;
        }
        tx.commit().await?;
        metrics_failed_login();
        return Err(AppError::Unauthenticated(BAD_CREDENTIALS.into()));
    };
    sessions::clear_failures(&mut tx, &key, &ip).await?;
    sessions::remember_address(&mut tx, user.id, &ip, now).await?;
    let secret = random_secret();
    let expires_at = match kind {
        LoginKind::Web => {
            let expires_at = now + secs(app.auth.session_absolute);
            sessions::insert_session(
                &mut tx,
                &digest(&secret),
                user.id,
                &random_secret(),
                now,
                expires_at,
            )
            .await?;
            expires_at
        }
        LoginKind::Api => {
            let expires_at = now + secs(app.auth.token_ttl);
            sessions::insert_token(&mut tx, &digest(&secret), user.id, now, expires_at).await?;
            expires_at
        }
    };
    let ctx = Ctx {
        actor: Some(actor_for(&mut tx, user.clone()).await?),
        meta: meta.clone(),
    };
    let method = if kind == LoginKind::Web { "web" } else { "api" };
    audit::record(
        app,
        &mut tx,
        &ctx,
        AuditAction::UserLogin,
        user.id,
        None::<&()>,
        Some(&serde_json::json!({ "method": method })),
    )
    .await?;
    tx.commit().await?;
    Ok(LoginOutcome {
        user,
        secret,
        expires_at,
    })
}

/// How long an address the user signed in from stays familiar.
const FAMILIAR_FOR: chrono::Duration = chrono::Duration::days(90);

/// A user name has failed as often as an attack on it looks like: the audit trail
/// (which administrators read) gets an entry, and the log a warning without the name.
async fn alert_administrators(
    app: &App,
    tx: &mut Tx,
    meta: &RequestMeta,
    key: &str,
    count: i64,
) -> AppResult<()> {
    tracing::warn!(
        event = "sign_in_attack_suspected",
        failures = count,
        "many failed sign-ins for one user name"
    );
    let ctx = Ctx {
        actor: None,
        meta: meta.clone(),
    };
    audit::record(
        app,
        tx,
        &ctx,
        AuditAction::AttackSuspected,
        key,
        None::<&()>,
        Some(&serde_json::json!({
            "username": key,
            "failures": count,
            "window_minutes": app.auth.throttle().window.num_minutes(),
            "latest_address": meta.ip,
        })),
    )
    .await?;
    Ok(())
}

fn metrics_failed_login() {
    tracing::info!(event = "login_failed", "sign-in failed");
}

async fn actor_for(tx: &mut Tx, user: User) -> AppResult<Actor> {
    let unit = match user.unit_id {
        Some(u) => units::get(tx, u).await?,
        None => None,
    };
    Ok(Actor { user, unit })
}

/// A web session that is still valid, with its CSRF token.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub actor: Actor,
    pub csrf_token: String,
}

/// Resolves a session cookie; expired sessions (idle or absolute) are removed.
pub async fn authenticate_session(app: &App, session_id: &str) -> AppResult<Option<WebSession>> {
    let hash = digest(session_id);
    let now = app.clock.now();
    // Every request starts here: no transaction (two round trips fewer on SQLite);
    // the session, the roles and the unit need not be read in one snapshot.
    let mut tx = app.store.lookup().await?;
    let Some((s, user, unit)) = users::of_session(&mut tx, &hash).await? else {
        return Ok(None);
    };
    let idle_expired = s.last_seen_at + secs(app.auth.session_idle) <= now;
    if s.expires_at <= now || idle_expired {
        drop(tx);
        let mut w = app.store.write().await?;
        sessions::delete_session(&mut w, &hash).await?;
        w.commit().await?;
        return Ok(None);
    }
    drop(tx);
    if !user.active {
        return Ok(None);
    }
    let actor = Actor { user, unit };
    // Refresh the idle timer at most once a minute, to keep reads from becoming writes.
    if now - s.last_seen_at > chrono::Duration::seconds(60) {
        let mut w = app.store.write().await?;
        sessions::touch_session(&mut w, &hash, now).await?;
        w.commit().await?;
    }
    Ok(Some(WebSession {
        actor,
        csrf_token: s.csrf_token,
    }))
}

/// Resolves a bearer token.
pub async fn authenticate_token(app: &App, token: &str) -> AppResult<Option<Actor>> {
    // Every API request starts here: one statement (the token, its user, the
    // roles and the unit in one snapshot) and no transaction, as a session's.
    let mut tx = app.store.lookup().await?;
    Ok(users::of_token(&mut tx, &digest(token), app.clock.now())
        .await?
        .filter(|(user, _)| user.active)
        .map(|(user, unit)| Actor { user, unit }))
}

/// Ends a web session.
pub async fn logout(app: &App, ctx: &Ctx, session_id: &str) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    sessions::delete_session(&mut tx, &digest(session_id)).await?;
    if let Some(a) = &ctx.actor {
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::UserLogout,
            a.user.id,
            None::<&()>,
            None::<&()>,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Revokes an API token.
pub async fn revoke_token(app: &App, token: &str) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    sessions::delete_token(&mut tx, &digest(token)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the caller's own password. Every other session and token of the user is
/// revoked; a web caller gets a fresh session (its id rotates).
pub async fn change_password(
    app: &App,
    ctx: &Ctx,
    current: &str,
    new: &str,
    kind: LoginKind,
) -> AppResult<LoginOutcome> {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| AppError::Unauthenticated("请先登录".into()))?;
    let user = &actor.user;
    let stored = {
        let mut tx = app.store.read().await?;
        users::password_hash(&mut tx, user.id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    if !verify_password(app, current.to_owned(), stored).await? {
        return Err(AppError::field("current_password", "当前密码不正确"));
    }
    if current == new {
        return Err(AppError::field("new_password", "新密码不能与当前密码相同"));
    }
    check_password_policy(new, &user.username).map_err(|e| match e {
        AppError::Validation(mut v) => {
            v.iter_mut().for_each(|f| f.field = "new_password".into());
            AppError::Validation(v)
        }
        e => e,
    })?;
    let hash = hash_password(app, new.to_owned()).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    users::set_password(&mut tx, user.id, &hash, false, now).await?;
    sessions::delete_user_sessions(&mut tx, user.id).await?;
    let secret = random_secret();
    let expires_at = match kind {
        LoginKind::Web => {
            let e = now + secs(app.auth.session_absolute);
            sessions::insert_session(&mut tx, &digest(&secret), user.id, &random_secret(), now, e)
                .await?;
            e
        }
        LoginKind::Api => {
            let e = now + secs(app.auth.token_ttl);
            sessions::insert_token(&mut tx, &digest(&secret), user.id, now, e).await?;
            e
        }
    };
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UserChangePassword,
        user.id,
        None::<&()>,
        Some(&serde_json::json!({ "password": "changed" })),
    )
    .await?;
    tx.commit().await?;
    let mut user = user.clone();
    user.must_change_password = false;
    Ok(LoginOutcome {
        user,
        secret,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_digests_stable() {
        assert_ne!(random_secret(), random_secret());
        assert_eq!(random_secret().len(), 64);
        assert_eq!(digest("a"), digest("a"));
    }
}
