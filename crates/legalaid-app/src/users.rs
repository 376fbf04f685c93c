//! User accounts: list, show, create, update (unit, roles, active), reset password.

use crate::auth::{check_password_policy, hash_password};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, units};
use legalaid_domain::UserId;
use legalaid_domain::Validation;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::password::policy_violations;
use legalaid_domain::role::Role;
use legalaid_domain::user::{User, UserInput, normalize_username};
use legalaid_store::users::{self as store, UserFilter};
use legalaid_store::{StoreError, Tx, sessions};

pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &UserFilter,
    page: Page,
) -> AppResult<(Vec<User>, i64)> {
    if !policy::can_view_users(ctx) {
        return Err(AppError::forbidden());
    }
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &policy::scope(ctx), filter, page).await?)
}

pub async fn get(app: &App, ctx: &Ctx, id: UserId) -> AppResult<User> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: UserId) -> AppResult<User> {
    let user = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    // Everyone sees their own account; others only with the right role and scope.
    if ctx.user_id() == Some(id.0) {
        return Ok(user);
    }
    if !policy::can_view_users(ctx) {
        return Err(AppError::NotFound);
    }
    match user.unit_id {
        Some(u) => {
            units::visible(tx, ctx, u)
                .await
                .map_err(|_| AppError::NotFound)?;
        }
        None if matches!(policy::scope(ctx), legalaid_domain::visibility::Scope::All) => {}
        None => return Err(AppError::NotFound),
    }
    Ok(user)
}

async fn check_unit(
    tx: &mut Tx,
    ctx: &Ctx,
    input: &legalaid_domain::user::UserFields,
) -> AppResult<()> {
    if let Some(u) = input.unit_id {
        units::visible(tx, ctx, u)
            .await
            .map_err(|_| AppError::field("unit_id", "所属单位不存在"))?;
    }
    // The staff record an account belongs to is a person of the account's unit.
    if let Some(staff) = input.staff_id {
        let s = legalaid_store::staff::get(tx, staff)
            .await?
            .ok_or_else(|| AppError::field("staff_id", "对应的人员不存在"))?;
        if Some(s.unit_id) != input.unit_id {
            return Err(AppError::field("staff_id", "对应的人员不属于所选单位"));
        }
    }
    Ok(())
}

/// Creates an account with an initial password that must be changed at first sign-in.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    username: &str,
    input: &UserInput,
    password: &str,
) -> AppResult<User> {
    policy::ensure_manage_users(ctx)?;
    let mut v = Validation::new();
    let username = normalize_username(username)
        .map_err(|m| v.add("username", m))
        .ok();
    let fields = match input.validate() {
        Ok(f) => Some(f),
        Err(errors) => {
            errors.into_iter().for_each(|e| v.add(&e.field, e.message));
            None
        }
    };
    for m in policy_violations(password, username.as_deref().unwrap_or_default()) {
        v.add("password", m);
    }
    let (Some(username), Some(fields), true) = (username, fields, v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let hash = hash_password(app, password.to_owned()).await?;
    let mut tx = app.store.write().await?;
    check_unit(&mut tx, ctx, &fields).await?;
    let user = store::insert(&mut tx, &username, &fields, &hash, true, app.clock.now())
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => AppError::field("username", "用户名已被使用"),
            e => e.into(),
        })?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UserCreate,
        user.id,
        None::<&()>,
        Some(&user),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: UserId,
    version: i64,
    input: &UserInput,
) -> AppResult<User> {
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    policy::ensure_manage_users(ctx)?;
    let fields = input.validate()?;
    if ctx.user_id() == Some(id.0)
        && before.has(Role::SystemAdmin)
        && (!fields.roles.contains(&Role::SystemAdmin) || !fields.active)
    {
        return Err(AppError::field(
            "roles",
            "不能取消自己的系统管理员角色或停用自己的账号",
        ));
    }
    check_unit(&mut tx, ctx, &fields).await?;
    let after = store::update(&mut tx, id, version, &fields, app.clock.now()).await?;
    if !after.active {
        sessions::delete_user_sessions(&mut tx, id).await?;
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UserUpdate,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Sets a new password chosen by an administrator; the user must change it at next
/// sign-in, and every session and token of the user ends.
pub async fn reset_password(app: &App, ctx: &Ctx, id: UserId, password: &str) -> AppResult<User> {
    let mut tx = app.store.read().await?;
    let user = visible(&mut tx, ctx, id).await?;
    drop(tx);
    policy::ensure_manage_users(ctx)?;
    check_password_policy(password, &user.username)?;
    let hash = hash_password(app, password.to_owned()).await?;
    let mut tx = app.store.write().await?;
    store::set_password(&mut tx, id, &hash, true, app.clock.now()).await?;
    sessions::delete_user_sessions(&mut tx, id).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::UserResetPassword,
        id,
        None::<&()>,
        Some(&serde_json::json!({ "password": "reset", "must_change_password": true })),
    )
    .await?;
    tx.commit().await?;
    get_after(app, id).await
}

async fn get_after(app: &App, id: UserId) -> AppResult<User> {
    let mut tx = app.store.read().await?;
    store::get(&mut tx, id).await?.ok_or(AppError::NotFound)
}
