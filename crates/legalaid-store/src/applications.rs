//! Applications, their supplement pauses, objections, and number sequences.

use crate::args::{Arg, Args, unit_scope, where_clause};
use crate::capped::{At, Capped};
use crate::{Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::application::{
    Application, ApplicationFields, Channel, DenialReason, NotifyingOrgan, Objection,
    ObjectionOutcome, ObjectionStatus, Outcome, ProceduralRole, ServiceForm, Status,
};
use legalaid_domain::assessment::Means;
use legalaid_domain::deadline::Pause;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{ApplicationId, CaseId, ObjectionId, PersonId};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    applicant_id: i64,
    receiving_unit_id: i64,
    channel: String,
    notifying_organ: Option<String>,
    received_at: DateTime<Utc>,
    custody_received_at: Option<DateTime<Utc>>,
    matter_code: String,
    service_form: String,
    procedural_role: Option<String>,
    opposing_party: String,
    case_organ: String,
    case_number: String,
    summary: String,
    limitation_date: Option<NaiveDate>,
    preservation_urgent: bool,
    representative_name: String,
    representative_relation: String,
    means_kind: String,
    household_members: Option<i64>,
    monthly_income_fen: Option<i64>,
    exemption_code: Option<String>,
    exemption_proof: bool,
    income_sources: String,
    assets: String,
    verification_method: String,
    verification_date: Option<NaiveDate>,
    verification_result: String,
    false_declaration: bool,
    status: String,
    supplement_requested_on: Option<NaiveDate>,
    supplement_items: String,
    proposed_outcome: Option<String>,
    proposal_reason: String,
    outcome: Option<String>,
    denial_reason: Option<String>,
    decision_reason: String,
    against_assessment: bool,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<i64>,
    version: i64,
}

const COLUMNS: &str = "a.id, a.number, a.applicant_id, a.receiving_unit_id, a.channel, a.notifying_organ, a.received_at, \
    a.custody_received_at, a.matter_code, a.service_form, a.procedural_role, a.opposing_party, a.case_organ, a.case_number, \
    a.summary, a.limitation_date, a.preservation_urgent, a.representative_name, a.representative_relation, a.means_kind, \
    a.household_members, a.monthly_income_fen, a.exemption_code, a.exemption_proof, a.income_sources, a.assets, a.verification_method, \
    a.verification_date, a.verification_result, a.false_declaration, a.status, a.supplement_requested_on, \
    a.supplement_items, a.proposed_outcome, a.proposal_reason, a.outcome, a.denial_reason, a.decision_reason, a.against_assessment, \
    a.decided_at, a.decided_by, a.version";

fn members(n: Option<i64>) -> u32 {
    n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

impl Row {
    fn into_application(self) -> Result<Application> {
        let id = self.id;
        let bad =
            |what: &str, v: &str| StoreError::Corrupt(format!("application {id}: {what} {v:?}"));
        let means = match self.means_kind.as_str() {
            "household" => Means::Household {
                members: members(self.household_members),
                monthly_income_fen: self.monthly_income_fen.unwrap_or(0),
            },
            "declaration" => Means::Declaration {
                members: members(self.household_members),
                monthly_income_fen: self.monthly_income_fen.unwrap_or(0),
            },
            "exemption" => Means::Exemption {
                code: self.exemption_code.clone().unwrap_or_default(),
                proof_provided: self.exemption_proof,
            },
            "not_given" => Means::NotGiven,
            other => return Err(bad("means", other)),
        };
        let outcome = |v: &Option<String>| -> Result<Option<Outcome>> {
            v.as_deref()
                .map(|o| Outcome::parse(o).ok_or_else(|| bad("outcome", o)))
                .transpose()
        };
        Ok(Application {
            id: ApplicationId(id),
            channel: Channel::parse(&self.channel).ok_or_else(|| bad("channel", &self.channel))?,
            notifying_organ: self
                .notifying_organ
                .as_deref()
                .map(|o| NotifyingOrgan::parse(o).ok_or_else(|| bad("organ", o)))
                .transpose()?,
            service_form: ServiceForm::parse(&self.service_form)
                .ok_or_else(|| bad("service form", &self.service_form))?,
            procedural_role: self
                .procedural_role
                .as_deref()
                .map(|r| ProceduralRole::parse(r).ok_or_else(|| bad("role", r)))
                .transpose()?,
            status: Status::parse(&self.status).ok_or_else(|| bad("status", &self.status))?,
            proposed_outcome: outcome(&self.proposed_outcome)?,
            outcome: outcome(&self.outcome)?,
            number: self.number,
            applicant_id: PersonId(self.applicant_id),
            receiving_unit_id: self.receiving_unit_id,
            received_at: self.received_at,
            custody_received_at: self.custody_received_at,
            matter_code: self.matter_code,
            opposing_party: self.opposing_party,
            case_organ: self.case_organ,
            case_number: self.case_number,
            summary: self.summary,
            limitation_date: self.limitation_date,
            preservation_urgent: self.preservation_urgent,
            representative_name: self.representative_name,
            representative_relation: self.representative_relation,
            means,
            income_sources: if self.income_sources.is_empty() {
                Vec::new()
            } else {
                serde_json::from_str(&self.income_sources)
                    .map_err(|_| bad("income sources", &self.income_sources))?
            },
            assets: self.assets,
            verification_method: self.verification_method,
            verification_date: self.verification_date,
            verification_result: self.verification_result,
            false_declaration: self.false_declaration,
            supplement_requested_on: self.supplement_requested_on,
            supplement_items: self.supplement_items,
            proposal_reason: self.proposal_reason,
            denial_reason: match self.denial_reason.as_deref() {
                None => None,
                Some(r) => Some(DenialReason::parse(r).ok_or_else(|| bad("denial reason", r))?),
            },
            decision_reason: self.decision_reason,
            against_assessment: self.against_assessment,
            decided_at: self.decided_at,
            decided_by: self.decided_by,
            version: self.version,
        })
    }
}

pub async fn setting(tx: &mut Tx, key: &str) -> Result<Option<String>> {
    const Q: &str = "SELECT value FROM settings WHERE key = $1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(key).fetch_optional(c).await?))
}

/// The next number of a series in a year (inside the caller's write transaction,
/// so numbers are never skipped or given twice). One upsert: the first number of
/// a year taken by two transactions at once makes the second wait for the first
/// and count on from it, instead of failing on the new year's row.
pub async fn next_number(tx: &mut Tx, series: &str, year: i32) -> Result<i64> {
    const Q: &str = "INSERT INTO number_sequences (series, year, last) VALUES ($1, $2, 1) \
        ON CONFLICT (series, year) DO UPDATE SET last = number_sequences.last + 1 RETURNING last";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(series).bind(i64::from(year)).fetch_one(c).await?),
    )
}

pub async fn get(tx: &mut Tx, id: ApplicationId) -> Result<Option<Application>> {
    let sql = format!("SELECT {COLUMNS} FROM applications a WHERE a.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_application).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<Status>,
    pub matter_code: Option<String>,
    pub channel: Option<Channel>,
    pub applicant_id: Option<i64>,
    /// Only decisions taken against the assessment (for supervisors).
    pub against_assessment: bool,
    /// Only those with a statutory deadline still running that fell due before
    /// this day (overdue), by the stored deadlines of the work queues.
    pub overdue_before: Option<NaiveDate>,
}

/// The conditions of the application list (only those that are set, ADR 0037)
/// and the keyset `before` (the last row's `received_at` and `id`).
fn list_conditions(
    args: &mut Args,
    scope: &Scope,
    f: &ApplicationFilter,
    before: Option<(DateTime<Utc>, i64)>,
) -> String {
    let mut w = Vec::new();
    w.extend(unit_scope(args, scope, "a.receiving_unit_id"));
    if let Some(s) = f.status {
        w.push(format!(
            "a.status = {}",
            args.push(Arg::Text(s.as_str().into()))
        ));
    }
    if let Some(m) = &f.matter_code {
        w.push(format!(
            "a.matter_code = {}",
            args.push(Arg::Text(m.clone()))
        ));
    }
    if let Some(c) = f.channel {
        w.push(format!(
            "a.channel = {}",
            args.push(Arg::Text(c.as_str().into()))
        ));
    }
    if let Some(id) = f.applicant_id {
        w.push(format!("a.applicant_id = {}", args.push(Arg::Int(id))));
    }
    if f.against_assessment {
        w.push("a.against_assessment = TRUE".into());
    }
    if let Some(day) = f.overdue_before {
        let p = args.push(Arg::Date(day));
        w.push(format!(
            "EXISTS (SELECT 1 FROM deadlines d WHERE d.application_id = a.id AND d.statutory AND d.due_on < {p})"
        ));
    }
    if let Some((t, id)) = before {
        let (t, id) = (args.push(Arg::Time(t)), args.push(Arg::Int(id)));
        w.push(format!("(a.received_at, a.id) < ({t}, {id})"));
    }
    format!("FROM applications a {}", where_clause(&w))
}

/// Applications received by units in `scope`, newest first: a page (numbered, or
/// after a row's `received_at` and `id`) and the count up to [`crate::COUNT_CAP`].
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &ApplicationFilter,
    at: At<(DateTime<Utc>, i64)>,
) -> Result<Capped<Application>> {
    let mut args = Args::default();
    let from = list_conditions(&mut args, scope, f, at.key().copied());
    let sql = format!(
        "SELECT {COLUMNS} {from} ORDER BY a.received_at DESC, a.id DESC LIMIT {} OFFSET {}",
        at.per_page().saturating_add(1),
        at.offset()
    );
    let rows: Vec<Row> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    let apps = rows
        .into_iter()
        .map(Row::into_application)
        .collect::<Result<Vec<_>>>()?;
    let mut args = Args::default();
    let from = list_conditions(&mut args, scope, f, None);
    Capped::counted(tx, apps, &at, &from, &args).await
}

/// Open applications (awaiting a decision of the center or the bureau) in `scope`,
/// for due lists and jobs. Granted applications move on to assignment (cases).
pub async fn open(tx: &mut Tx, scope: &Scope, limit: i64) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications a JOIN units u ON u.id = a.receiving_unit_id \
         WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
         AND a.status IN ('received', 'awaiting_supplement', 'proposed', 'objection_pending') ORDER BY a.received_at LIMIT $3"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&region).bind(unit).bind(limit).fetch_all(c).await?);
    rows.into_iter().map(Row::into_application).collect()
}

fn means_columns(m: &Means) -> (&'static str, Option<i64>, Option<i64>, Option<String>, bool) {
    match m {
        Means::Household {
            members,
            monthly_income_fen,
        } => (
            "household",
            Some(i64::from(*members)),
            Some(*monthly_income_fen),
            None,
            false,
        ),
        Means::Declaration {
            members,
            monthly_income_fen,
        } => (
            "declaration",
            Some(i64::from(*members)),
            Some(*monthly_income_fen),
            None,
            false,
        ),
        Means::Exemption {
            code,
            proof_provided,
        } => ("exemption", None, None, Some(code.clone()), *proof_provided),
        Means::NotGiven => ("not_given", None, None, None, false),
    }
}

pub async fn insert(
    tx: &mut Tx,
    number: &str,
    unit_id: i64,
    f: &ApplicationFields,
    now: DateTime<Utc>,
) -> Result<Application> {
    const Q: &str = "INSERT INTO applications (number, applicant_id, receiving_unit_id, channel, notifying_organ, received_at, \
        custody_received_at, matter_code, service_form, procedural_role, opposing_party, case_organ, case_number, summary, \
        limitation_date, preservation_urgent, representative_name, representative_relation, means_kind, household_members, \
        monthly_income_fen, exemption_code, exemption_proof, status, version, created_at, updated_at, income_sources, assets) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 'received', 1, $24, $24, $25, $26) \
        RETURNING id";
    let (kind, members, income, exemption, proof) = means_columns(&f.means);
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(number).bind(f.applicant_id.0).bind(unit_id).bind(f.channel.as_str()).bind(f.notifying_organ.map(|o| o.as_str()))
        .bind(f.received_at).bind(f.custody_received_at).bind(&f.matter_code).bind(f.service_form.as_str())
        .bind(f.procedural_role.map(|r| r.as_str())).bind(&f.opposing_party).bind(&f.case_organ).bind(&f.case_number)
        .bind(&f.summary).bind(f.limitation_date).bind(f.preservation_urgent).bind(&f.representative_name)
        .bind(&f.representative_relation).bind(kind).bind(members).bind(income).bind(&exemption).bind(proof).bind(now)
        .bind(if f.income_sources.is_empty() { String::new() } else { serde_json::to_string(&f.income_sources).unwrap_or_default() })
        .bind(&f.assets)
        .fetch_one(c).await?);
    get(tx, ApplicationId(id))
        .await?
        .ok_or(StoreError::NotFound)
}

/// A decision as recorded on the application.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub outcome: Outcome,
    /// With a denial, why (none with a grant).
    pub denial_reason: Option<DenialReason>,
    pub reason: &'a str,
    pub against_assessment: bool,
    pub at: DateTime<Utc>,
    pub by: Option<i64>,
}

/// A change of state with what goes with it; applied only if the record is still at `version`.
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    pub status: Option<Status>,
    pub supplement: Option<(Option<NaiveDate>, &'a str)>,
    pub proposal: Option<(Option<Outcome>, &'a str)>,
    pub decision: Option<Decision<'a>>,
    /// Reopening after an ordered correction clears the earlier decision.
    pub clear_decision: bool,
}

pub async fn change(
    tx: &mut Tx,
    id: ApplicationId,
    version: i64,
    ch: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<Application> {
    let Some(current) = get(tx, id).await? else {
        return Err(StoreError::NotFound);
    };
    if current.version != version {
        return Err(StoreError::VersionConflict);
    }
    const Q: &str = "UPDATE applications SET status = $1, supplement_requested_on = $2, supplement_items = $3, \
        proposed_outcome = $4, proposal_reason = $5, outcome = $6, decision_reason = $7, against_assessment = $8, \
        decided_at = $9, decided_by = $10, version = version + 1, updated_at = $11, denial_reason = $14 \
        WHERE id = $12 AND version = $13";
    let status = ch.status.unwrap_or(current.status);
    let (sup_on, sup_items) = ch.supplement.map_or(
        (
            current.supplement_requested_on,
            current.supplement_items.as_str(),
        ),
        |(d, i)| (d, i),
    );
    let (prop, prop_reason) = ch.proposal.map_or(
        (current.proposed_outcome, current.proposal_reason.as_str()),
        |(o, r)| (o, r),
    );
    let (outcome, reason, against, decided_at, decided_by) = match (&ch.decision, ch.clear_decision)
    {
        (Some(d), _) => (
            Some(d.outcome),
            d.reason,
            d.against_assessment,
            Some(d.at),
            d.by,
        ),
        (None, true) => (None, "", false, None, None),
        (None, false) => (
            current.outcome,
            current.decision_reason.as_str(),
            current.against_assessment,
            current.decided_at,
            current.decided_by,
        ),
    };
    let denial = match (&ch.decision, ch.clear_decision) {
        (Some(d), _) => d.denial_reason.filter(|_| d.outcome == Outcome::Denied),
        (None, true) => None,
        (None, false) => current.denial_reason,
    };
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(status.as_str()).bind(sup_on).bind(sup_items).bind(prop.map(|o| o.as_str())).bind(prop_reason)
        .bind(outcome.map(|o| o.as_str())).bind(reason).bind(against).bind(decided_at).bind(decided_by).bind(now)
        .bind(id.0).bind(version).bind(denial.map(DenialReason::as_str))
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn pauses(tx: &mut Tx, id: ApplicationId) -> Result<Vec<(NaiveDate, Option<NaiveDate>)>> {
    const Q: &str =
        "SELECT stopped, resumed FROM application_pauses WHERE application_id = $1 ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(id.0).fetch_all(c).await?))
}

/// The pauses of each of `ids` (a page of the list in one query), as [`pauses`]
/// gives them; an application without pauses is absent.
pub async fn pauses_of_each(
    tx: &mut Tx,
    ids: &[ApplicationId],
) -> Result<HashMap<ApplicationId, Vec<(NaiveDate, Option<NaiveDate>)>>> {
    let mut out: HashMap<ApplicationId, Vec<_>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut args = Args::default();
    let sql = format!(
        "SELECT application_id, stopped, resumed FROM application_pauses WHERE application_id IN ({}) ORDER BY id",
        args.ints(ids.iter().map(|i| i.0))
    );
    let rows: Vec<(i64, NaiveDate, Option<NaiveDate>)> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    for (id, stopped, resumed) in rows {
        out.entry(ApplicationId(id))
            .or_default()
            .push((stopped, resumed));
    }
    Ok(out)
}

/// Closed pauses, as the deadline engine takes them (an open pause counts until `today`).
pub fn as_pauses(rows: &[(NaiveDate, Option<NaiveDate>)], today: NaiveDate) -> Vec<Pause> {
    rows.iter()
        .map(|(s, r)| Pause {
            stopped: *s,
            resumed: r.unwrap_or(today).max(*s),
        })
        .collect()
}

pub async fn start_pause(tx: &mut Tx, id: ApplicationId, on: NaiveDate) -> Result<()> {
    const Q: &str = "INSERT INTO application_pauses (application_id, stopped) VALUES ($1, $2)";
    on_tx!(tx, c => sqlx::query(Q).bind(id.0).bind(on).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn end_pause(tx: &mut Tx, id: ApplicationId, on: NaiveDate) -> Result<()> {
    const Q: &str =
        "UPDATE application_pauses SET resumed = $1 WHERE application_id = $2 AND resumed IS NULL";
    on_tx!(tx, c => sqlx::query(Q).bind(on).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ObjectionRow {
    id: i64,
    application_id: i64,
    case_id: Option<i64>,
    received_at: DateTime<Utc>,
    reason: String,
    #[sqlx(try_from = "String")]
    status: ObjectionStatus,
    decision_reason: String,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<i64>,
    version: i64,
}

impl From<ObjectionRow> for Objection {
    fn from(r: ObjectionRow) -> Self {
        Objection {
            id: ObjectionId(r.id),
            application_id: ApplicationId(r.application_id),
            case_id: r.case_id.map(CaseId),
            received_at: r.received_at,
            reason: r.reason,
            status: r.status,
            decision_reason: r.decision_reason,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
            version: r.version,
        }
    }
}

const OBJ_COLUMNS: &str = "id, application_id, case_id, received_at, reason, status, decision_reason, decided_at, decided_by, version";

pub async fn objections_of(tx: &mut Tx, application_id: ApplicationId) -> Result<Vec<Objection>> {
    let sql = format!("SELECT {OBJ_COLUMNS} FROM objections WHERE application_id = $1 ORDER BY id");
    let rows: Vec<ObjectionRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(application_id.0).fetch_all(c).await?);
    Ok(rows.into_iter().map(Objection::from).collect())
}

/// The objections of each of `ids` (a page of the list in one query), as
/// [`objections_of`] gives them; an application without objections is absent.
pub async fn objections_of_each(
    tx: &mut Tx,
    ids: &[ApplicationId],
) -> Result<HashMap<ApplicationId, Vec<Objection>>> {
    let mut out: HashMap<ApplicationId, Vec<Objection>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut args = Args::default();
    let sql = format!(
        "SELECT {OBJ_COLUMNS} FROM objections WHERE application_id IN ({}) ORDER BY id",
        args.ints(ids.iter().map(|i| i.0))
    );
    let rows: Vec<ObjectionRow> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    for r in rows {
        out.entry(ApplicationId(r.application_id))
            .or_default()
            .push(Objection::from(r));
    }
    Ok(out)
}

pub async fn get_objection(tx: &mut Tx, id: ObjectionId) -> Result<Option<Objection>> {
    let sql = format!("SELECT {OBJ_COLUMNS} FROM objections WHERE id = $1");
    let row: Option<ObjectionRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    Ok(row.map(Objection::from))
}

pub async fn insert_objection(
    tx: &mut Tx,
    application_id: ApplicationId,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Objection> {
    const Q: &str = "INSERT INTO objections (application_id, received_at, reason, status, version, created_at) \
        VALUES ($1, $2, $3, 'pending', 1, $2) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(application_id.0).bind(at).bind(reason).fetch_one(c).await?);
    get_objection(tx, ObjectionId(id))
        .await?
        .ok_or(StoreError::NotFound)
}

/// An objection to the termination of a case (decided by the bureau like any other).
pub async fn insert_case_objection(
    tx: &mut Tx,
    application_id: ApplicationId,
    case_id: CaseId,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Objection> {
    const Q: &str = "INSERT INTO objections (application_id, case_id, received_at, reason, status, version, created_at) \
        VALUES ($1, $2, $3, $4, 'pending', 1, $3) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(application_id.0).bind(case_id.0).bind(at).bind(reason).fetch_one(c).await?);
    get_objection(tx, ObjectionId(id))
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn decide_objection(
    tx: &mut Tx,
    id: ObjectionId,
    version: i64,
    outcome: ObjectionOutcome,
    reason: &str,
    at: DateTime<Utc>,
    by: Option<i64>,
) -> Result<Objection> {
    const Q: &str = "UPDATE objections SET status = $1, decision_reason = $2, decided_at = $3, decided_by = $4, version = version + 1 \
        WHERE id = $5 AND version = $6 AND status = 'pending'";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(ObjectionStatus::from(outcome).as_str()).bind(reason).bind(at).bind(by).bind(id.0).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get_objection(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get_objection(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Records how a declared economic situation was verified (LAL art 41).
#[derive(Debug, Clone, Copy)]
pub struct Verification<'a> {
    pub method: &'a str,
    pub date: NaiveDate,
    pub result: &'a str,
    pub false_declaration: bool,
}

pub async fn record_verification(
    tx: &mut Tx,
    id: ApplicationId,
    version: i64,
    v: &Verification<'_>,
    now: DateTime<Utc>,
) -> Result<Application> {
    const Q: &str = "UPDATE applications SET verification_method = $1, verification_date = $2, verification_result = $3, \
        false_declaration = $4, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(v.method).bind(v.date).bind(v.result).bind(v.false_declaration).bind(now)
        .bind(id.0).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Sets a setting (the row exists from the migration, or is added).
pub async fn set_setting(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    const Q: &str = "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    on_tx!(tx, c => sqlx::query(Q).bind(key).bind(value).execute(c).await?.rows_affected());
    Ok(())
}

/// The application with this number, if any.
pub async fn find_by_number(tx: &mut Tx, number: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {COLUMNS} FROM applications a WHERE a.number = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(number).fetch_optional(c).await?);
    row.map(Row::into_application).transpose()
}

/// The application imported under this key (migration 0036), if any.
pub async fn find_by_source_ref(tx: &mut Tx, source_ref: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {COLUMNS} FROM applications a WHERE a.source_ref = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(source_ref).fetch_optional(c).await?);
    row.map(Row::into_application).transpose()
}

/// Keys an imported application by the row it came from; the key is unique,
/// so a second import of the row meanwhile is `Duplicate`.
pub async fn set_source_ref(tx: &mut Tx, id: ApplicationId, source_ref: &str) -> Result<()> {
    const Q: &str = "UPDATE applications SET source_ref = $1 WHERE id = $2";
    on_tx!(tx, c => sqlx::query(Q).bind(source_ref).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// The next `limit` applications received by units in `scope` after id
/// `after`, in id order (for exports).
pub async fn batch_after(
    tx: &mut Tx,
    scope: &Scope,
    after: i64,
    limit: i64,
) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications a JOIN units u ON u.id = a.receiving_unit_id \
         WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
         AND a.id > $3 ORDER BY a.id LIMIT $4"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&region).bind(unit).bind(after).bind(limit).fetch_all(c).await?);
    rows.into_iter().map(Row::into_application).collect()
}
