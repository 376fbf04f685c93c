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

/// The demo data a start loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoData {
    None,
    /// The district's units, staff, accounts and a year of applications and cases.
    Records,
    /// The records and the living demo: last year and this year up to today, with
    /// work due on every account (`serve --demo`).
    Living,
}

/// What a start found and did (for the server to tell the operator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub admin: AdminBootstrap,
    pub demo_loaded: bool,
    pub activity_loaded: bool,
}

/// Which step of the start failed, and how.
#[derive(Debug)]
pub struct PrepareError {
    pub step: &'static str,
    pub error: crate::AppError,
}

impl std::fmt::Display for PrepareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.step, self.error)
    }
}

/// Everything a start does before serving, in one place for the server and the
/// test harness: under the start-up lock (instances started together on one
/// empty database take turns), the administrator account, the shipped rules and
/// calendar, document and message templates, the subsidy schedule, and the demo
/// data asked for. Idempotent.
pub async fn prepare(
    app: &App,
    admin_password: Option<&str>,
    demo: DemoData,
) -> Result<Prepared, PrepareError> {
    let step = |step: &'static str| move |error: crate::AppError| PrepareError { step, error };
    let lock = app
        .store
        .startup_lock()
        .await
        .map_err(|e| step("the start-up lock")(e.into()))?;
    let admin = ensure_admin(app, admin_password)
        .await
        .map_err(step("the administrator account"))?;
    crate::rules::seed(app)
        .await
        .map_err(step("the shipped rules and calendar"))?;
    crate::documents::seed(app)
        .await
        .map_err(step("the shipped document templates"))?;
    crate::outbox::seed(app)
        .await
        .map_err(step("the shipped message templates"))?;
    crate::cases::seed_schedule(app)
        .await
        .map_err(step("the shipped subsidy schedule"))?;
    crate::quality::schemes::seed(app)
        .await
        .map_err(step("the shipped scoring schemes"))?;
    crate::surveys::seed(app)
        .await
        .map_err(step("the shipped survey instrument"))?;
    crate::supervision::ensure_built(app)
        .await
        .map_err(step("the case tallies"))?;
    let demo_loaded = match demo {
        DemoData::None => false,
        DemoData::Records | DemoData::Living => crate::demo::load(app)
            .await
            .map_err(step("the demo data"))?,
    };
    let activity_loaded = match demo {
        DemoData::Living => crate::demo::load_activity(app)
            .await
            .map_err(step("the demo activity"))?,
        DemoData::None | DemoData::Records => false,
    };
    lock.release().await;
    Ok(Prepared {
        admin,
        demo_loaded,
        activity_loaded,
    })
}
