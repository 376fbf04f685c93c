//! The use cases of legalaid: one function per thing a user does.
//!
//! Each use case takes a [`Ctx`] (who is acting, from where), checks the
//! authorisation [`policy`], asks the domain what to do, and commits the new state
//! together with its audit entry in one transaction. Pages and the JSON API both
//! call these functions, so they share one policy and one behaviour.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cases;
pub mod clock;
pub mod complaints;
pub mod crypto;
mod ctx;
pub mod deadlines;
pub mod demo;
pub mod documents;
mod error;
pub mod evaluations;
pub mod forms;
pub mod funding;
pub mod hashing;
pub mod home;
pub mod in_force;
pub mod jobs;
mod numbering;
pub mod outbox;
pub mod outreach;
pub mod paging;
pub mod persons;
pub mod policy;
pub mod portal;
pub mod quality;
pub mod queues;
pub mod ratings;
pub mod records;
pub mod regions;
pub mod rules;
pub mod search;
pub mod settings;
pub mod staff;
// Surveys and training (issue 11).
pub mod supervision;
pub mod surveys;
pub mod training;
pub mod units;
pub mod users;

pub use clock::{Clock, FixedClock, SystemClock};
pub use ctx::{Actor, Ctx, RequestMeta};
pub use error::{AppError, AppResult};
pub use legalaid_store::{Page, Store};

use std::sync::Arc;
use std::time::Duration;

/// Sign-in and session settings.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A web session ends after this long without a request.
    pub session_idle: Duration,
    /// A web session ends this long after sign-in, however active.
    pub session_absolute: Duration,
    /// API tokens expire this long after they are issued.
    pub token_ttl: Duration,
    /// Failed attempts for one user name from one address before each further
    /// attempt there waits (a doubling delay, capped at a minute; ADR 0009).
    pub max_failures_per_user: i64,
    /// Failed attempts from one address, any name, before its attempts are slowed.
    pub max_failures_per_ip: i64,
    /// Failed attempts for one user name from other addresses before attempts from
    /// addresses the user never signed in from must wait, and administrators are told.
    pub max_failures_per_name: i64,
    /// Failures are counted within this window.
    pub lockout_window: Duration,
    /// The first wait after the free failures; it doubles with each further failure.
    pub failure_delay: Duration,
}

impl AuthSettings {
    /// The sign-in throttling rule with these numbers.
    pub fn throttle(&self) -> legalaid_domain::throttle::Policy {
        let d = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        legalaid_domain::throttle::Policy {
            window: d(self.lockout_window),
            free_per_pair: self.max_failures_per_user,
            free_per_name: self.max_failures_per_name,
            free_per_address: self.max_failures_per_ip,
            first_wait: d(self.failure_delay),
            ..legalaid_domain::throttle::Policy::default()
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            token_ttl: Duration::from_secs(24 * 3600),
            max_failures_per_user: 5,
            max_failures_per_ip: 50,
            max_failures_per_name: 10,
            lockout_window: Duration::from_secs(15 * 60),
            failure_delay: Duration::from_secs(1),
        }
    }
}

/// Everything a use case needs: the store, the clock, the settings and the key
/// that protects sensitive fields.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub auth: AuthSettings,
    pub cipher: Arc<crypto::FieldCipher>,
    /// Where uploaded files are kept (`<data-dir>/files`); uploads are refused without it.
    pub files: Option<std::path::PathBuf>,
    /// Password hashing, bounded in workers and memory.
    pub hasher: Arc<hashing::Hasher>,
    /// Sign-in attempts being checked (see [`auth::InFlight`]).
    pub(crate) sign_ins: Arc<auth::InFlight>,
    /// The rules and calendar in force, kept while their generation is unchanged.
    pub(crate) rules_cache: Arc<std::sync::RwLock<Option<Arc<rules::InForce>>>>,
    /// Supervision figures by scope and day, kept briefly (`queues::standing`).
    pub(crate) standing_cache: Arc<std::sync::Mutex<StandingCache>>,
}

/// Supervision figures (overdue, due soon) by scope and day, with when they were counted.
pub(crate) type StandingCache = std::collections::HashMap<String, (std::time::Instant, (i64, i64))>;

impl App {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        auth: AuthSettings,
        cipher: Arc<crypto::FieldCipher>,
    ) -> Self {
        Self {
            store,
            clock,
            auth,
            cipher,
            files: None,
            hasher: Arc::new(hashing::Hasher::from_cores()),
            sign_ins: Arc::default(),
            rules_cache: Arc::default(),
            standing_cache: Arc::default(),
        }
    }

    /// Keeps uploaded files under `dir`.
    pub fn with_files(mut self, dir: std::path::PathBuf) -> Self {
        self.files = Some(dir);
        self
    }
}

/// The list filters that callers fill in (defined next to the queries that use them).
pub mod filters {
    pub use legalaid_store::applications::ApplicationFilter;
    pub use legalaid_store::attachments::Attachment;
    pub use legalaid_store::audit::AuditFilter;
    pub use legalaid_store::cases::CaseFilter;
    pub use legalaid_store::messages::Message;
    pub use legalaid_store::regions::Region;
    pub use legalaid_store::staff::StaffFilter;
    pub use legalaid_store::units::UnitFilter;
    pub use legalaid_store::users::UserFilter;
}
