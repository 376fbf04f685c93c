//! The API's mirrors: Applications.

use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::application::{
    DenialReason, IncomeSource, NotifyingOrgan, Objection, Outcome, ProceduralRole, ServiceForm,
    Status,
};
use legalaid_domain::assessment::{Assessment, Means};
use legalaid_domain::person::Person;
use legalaid_domain::{ApplicationId, ObjectionId, PersonId};

// Applications.

/// An application as stored and shown (`legalaid_domain::application::Application`;
/// its own schema names the application's channel like a message's and leaves the
/// means untyped, so the API describes it here).
#[derive(utoipa::ToSchema)]
#[schema(as = Application)]
#[allow(dead_code)] // describes the JSON of `Application` for the OpenAPI document
pub struct ApplicationDoc {
    id: ApplicationId,
    /// e.g. 叶法援申〔2024〕15号
    number: String,
    applicant_id: PersonId,
    receiving_unit_id: i64,
    // How the application reached the system.
    #[schema(inline)]
    channel: legalaid_domain::application::Channel,
    notifying_organ: Option<NotifyingOrgan>,
    received_at: DateTime<Utc>,
    custody_received_at: Option<DateTime<Utc>>,
    /// A matter code of the scope rules.
    matter_code: String,
    service_form: ServiceForm,
    procedural_role: Option<ProceduralRole>,
    opposing_party: String,
    case_organ: String,
    case_number: String,
    summary: String,
    limitation_date: Option<NaiveDate>,
    preservation_urgent: bool,
    representative_name: String,
    representative_relation: String,
    means: Means,
    income_sources: Vec<IncomeSource>,
    assets: String,
    verification_method: String,
    verification_date: Option<NaiveDate>,
    verification_result: String,
    false_declaration: bool,
    status: Status,
    supplement_requested_on: Option<NaiveDate>,
    supplement_items: String,
    proposed_outcome: Option<Outcome>,
    proposal_reason: String,
    outcome: Option<Outcome>,
    /// With a denial: why, as the report forms count it.
    denial_reason: Option<DenialReason>,
    decision_reason: String,
    against_assessment: bool,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<i64>,
    version: i64,
}

/// A deadline as shown: when, under which rule, and how it stands today
/// (`legalaid_app::applications::DeadlineView`).
#[derive(utoipa::ToSchema)]
#[schema(as = DeadlineView)]
#[allow(dead_code)] // describes the JSON of `DeadlineView` for the OpenAPI document
pub struct DeadlineViewDoc {
    code: String,
    label: String,
    due: NaiveDate,
    /// For hour periods: the exact moment, local time (China Standard Time) without
    /// an offset, e.g. `2024-09-27T10:00:00`.
    #[schema(value_type = Option<String>)]
    due_at: Option<String>,
    rule: String,
    /// The version of the rule the period runs under (its effective date).
    rule_from: NaiveDate,
    met: bool,
    /// Counted with weekends only: the period runs into a year whose holidays are
    /// not entered yet.
    provisional: bool,
    /// `overdue`, `due_today`, `due_soon`, `running`, `met` or `met_late` (done, but late).
    state: String,
    state_label: String,
}

/// What the caller may do to an application now
/// (`legalaid_app::applications::ApplicationAction`), by `action`.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationAction)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(dead_code)] // describes the JSON of `ApplicationAction` for the OpenAPI document
pub enum ApplicationActionDoc {
    RequestSupplement,
    SupplementReceived,
    Propose,
    Decide,
    GrantPreEmptively,
    Withdraw,
    Object,
    DecideObjection { objection_id: ObjectionId },
    Verify,
    OpenCase,
}

/// An application with everything a reviewer sees about it
/// (`legalaid_app::applications::ApplicationView`, as `api::applications` answers it):
/// the application's fields, its applicant (ID masked), assessment, deadlines,
/// objections and what the caller may do.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationView)]
#[allow(dead_code)] // describes the JSON of `ApplicationView` for the OpenAPI document
pub struct ApplicationViewDoc {
    #[serde(flatten)]
    application: ApplicationDoc,
    matter_label: String,
    /// The receiving unit's name.
    receiving_unit: String,
    applicant: Person,
    assessment: Assessment,
    deadlines: Vec<DeadlineViewDoc>,
    objections: Vec<Objection>,
    actions: Vec<ApplicationActionDoc>,
    /// The portal's record when the application was made online; null otherwise.
    online: Option<OnlineSubmissionDoc>,
}

/// The portal's record of an online application
/// (`legalaid_app::applications::OnlineSubmission`).
#[derive(utoipa::ToSchema)]
#[schema(as = OnlineSubmission)]
#[allow(dead_code)] // describes JSON for the OpenAPI document
pub struct OnlineSubmissionDoc {
    /// The phone proven by an SMS code, masked (138****5678).
    proven_phone: String,
    /// The name as the person typed it.
    declared_name: String,
    /// Whether it matched the registered person's name.
    name_matches: bool,
    /// The township chosen (its name).
    township: String,
    /// When the honesty declaration (诚信承诺) was given.
    declared_at: DateTime<Utc>,
    /// When consent to the processing of personal data was given.
    consented_at: DateTime<Utc>,
}

/// A row of the application list (`legalaid_app::applications::ListItem`, as
/// `api::applications::list` answers it): the application's fields, the applicant's
/// name and the most pressing deadline.
#[derive(utoipa::ToSchema)]
#[schema(as = ApplicationListItem)]
#[allow(dead_code)] // describes the JSON of `ListItem` for the OpenAPI document
pub struct ApplicationListItemDoc {
    #[serde(flatten)]
    application: ApplicationDoc,
    applicant_name: String,
    next_deadline: Option<DeadlineViewDoc>,
}
