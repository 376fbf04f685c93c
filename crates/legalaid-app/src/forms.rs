//! A form posted twice makes one record: create forms carry a one-time key
//! (`new_key`); the handler claims it before the write (`claim`), records the page
//! of what it made (`done`), or frees it when the input was refused (`release`).
//! The second submission of a finished form is shown what the first made.

use crate::{App, AppError, AppResult, Ctx};
pub use legalaid_store::forms::Claim;

/// A fresh one-time key for a form.
pub fn new_key() -> String {
    crate::auth::random_secret()
}

/// A key as the form sent it: hex of a fixed length, or none (a client that sends
/// no key gets no protection, and no error).
fn valid(key: &str) -> Option<&str> {
    let key = key.trim();
    (key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())).then_some(key)
}

/// Claims the form's key for the caller.
pub async fn claim(app: &App, ctx: &Ctx, key: &str) -> AppResult<Claim> {
    let (Some(key), Some(user)) = (valid(key), ctx.actor.as_ref().map(|a| a.user.id.0)) else {
        return Ok(Claim::New);
    };
    let mut tx = app.store.write().await?;
    let c = legalaid_store::forms::claim(&mut tx, key, user, app.clock.now()).await?;
    tx.commit().await?;
    Ok(c)
}

/// Records the page of what the submission made.
pub async fn done(app: &App, key: &str, href: &str) -> AppResult<()> {
    let Some(key) = valid(key) else {
        return Ok(());
    };
    let mut tx = app.store.write().await?;
    legalaid_store::forms::done(&mut tx, key, href).await?;
    tx.commit().await?;
    Ok(())
}

/// Frees the key after refused input.
pub async fn release(app: &App, key: &str) -> AppResult<()> {
    let Some(key) = valid(key) else {
        return Ok(());
    };
    let mut tx = app.store.write().await?;
    legalaid_store::forms::release(&mut tx, key).await?;
    tx.commit().await?;
    Ok(())
}

/// The answer to a second submission of a form still being processed.
pub fn busy() -> AppError {
    AppError::Conflict("该表单已经提交，正在处理；请稍候刷新页面查看结果。".into())
}
