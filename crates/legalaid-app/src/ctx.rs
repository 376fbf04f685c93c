use legalaid_domain::role::Role;
use legalaid_domain::unit::Unit;
use legalaid_domain::user::User;

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: String,
}

/// The signed-in user and their unit.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub unit: Option<Unit>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.user.has(role)
    }
}

/// Who is acting, and from where. `actor` is None for the command line and for
/// the system's own jobs, which act with full rights.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Option<Actor>,
    pub meta: RequestMeta,
}

impl Ctx {
    pub fn user(actor: Actor, meta: RequestMeta) -> Self {
        Self {
            actor: Some(actor),
            meta,
        }
    }

    /// The command line (`legalaid admin …`) or a system job.
    pub fn system(what: &str) -> Self {
        Self {
            actor: None,
            meta: RequestMeta {
                request_id: what.to_owned(),
                ip: "local".to_owned(),
            },
        }
    }

    pub fn username(&self) -> &str {
        self.actor
            .as_ref()
            .map_or("system", |a| a.user.username.as_str())
    }

    pub fn user_id(&self) -> Option<i64> {
        self.actor.as_ref().map(|a| a.user.id.0)
    }
}
