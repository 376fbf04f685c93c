use legalaid_domain::role::Role;
use legalaid_domain::unit::Unit;
use legalaid_domain::user::User;

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: String,
}

/// How the request id of a portal request begins.
const PUBLIC_PREFIX: &str = "portal:";

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

    /// A member of the public on the portal (ADR 0020): no account, the
    /// request's own id and address; audited as the public.
    pub fn public(meta: RequestMeta) -> Self {
        Self {
            actor: None,
            meta: RequestMeta {
                request_id: format!("{PUBLIC_PREFIX}{}", meta.request_id),
                ip: meta.ip,
            },
        }
    }

    /// Whether the public acts (through the portal).
    pub fn is_public(&self) -> bool {
        self.actor.is_none() && self.meta.request_id.starts_with(PUBLIC_PREFIX)
    }

    pub fn username(&self) -> &str {
        match &self.actor {
            Some(a) => a.user.username.as_str(),
            None if self.is_public() => "public",
            None => "system",
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.actor.as_ref().map(|a| a.user.id.0)
    }
}
