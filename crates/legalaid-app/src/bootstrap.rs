//! First start: the system administrator account.

use crate::auth::{check_password_policy, hash_password, random_secret};
use crate::{App, AppResult, Ctx, audit};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::role::Role;
use legalaid_domain::user::UserFields;
use legalaid_store::users;

/// What `ensure_admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminBootstrap {
    /// Users already exist; nothing was done.
    Existing,
    /// `admin` was created with the password given in the environment.
    CreatedWithGivenPassword,
    /// `admin` was created with this random password, to be shown once.
    CreatedWithRandomPassword(String),
}

/// On an empty database, creates the user `admin` (system administrator).
pub async fn ensure_admin(app: &App, given_password: Option<&str>) -> AppResult<AdminBootstrap> {
    {
        let mut tx = app.store.read().await?;
        if users::count(&mut tx).await? > 0 {
            return Ok(AdminBootstrap::Existing);
        }
    }
    let (password, outcome) = match given_password {
        Some(p) => {
            check_password_policy(p, "admin")?;
            (p.to_owned(), AdminBootstrap::CreatedWithGivenPassword)
        }
        None => {
            // 20 hex characters plus a fixed suffix that satisfies the character-class rule.
            let p = format!("{}-La9", &random_secret()[..20]);
            (p.clone(), AdminBootstrap::CreatedWithRandomPassword(p))
        }
    };
    let hash = hash_password(app, password).await?;
    let fields = UserFields {
        display_name: "系统管理员".into(),
        unit_id: None,
        staff_id: None,
        roles: vec![Role::SystemAdmin],
        active: true,
    };
    let ctx = Ctx::system("bootstrap");
    let mut tx = app.store.write().await?;
    // Another instance may have created it meanwhile; the unique username decides.
    if users::count(&mut tx).await? > 0 {
        return Ok(AdminBootstrap::Existing);
    }
    let must_change = matches!(outcome, AdminBootstrap::CreatedWithRandomPassword(_));
    let user = users::insert(
        &mut tx,
        "admin",
        &fields,
        &hash,
        must_change,
        app.clock.now(),
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        &ctx,
        AuditAction::UserCreate,
        user.id,
        None::<&()>,
        Some(&user),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
