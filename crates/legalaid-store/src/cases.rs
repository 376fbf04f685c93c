//! Cases, their assignments, replacement requests, progress entries and hearings.

use crate::{Page, Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::{
    Activity, Adoption, Case, CaseOutcome, CaseStatus, CaseType, Closure, Grade,
    ReplacementRequester, ReplacementStatus, Stage, SubsidyStatus, TerminationGround,
};
use legalaid_domain::subsidy::{EarlyEnd, FlatItem};
use legalaid_domain::supervision::tally;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{ApplicationId, CaseId, PersonId};
use serde::Serialize;

mod list;
pub use list::{At, Beside, Listed, beside};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    application_id: i64,
    previous_case_id: Option<i64>,
    recipient_id: i64,
    case_type: String,
    stage: String,
    status: String,
    intake_unit_id: i64,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    possible_life_or_death: bool,
    juvenile: bool,
    opposing_party: String,
    case_organ: String,
    organ_case_number: String,
    assign_from: DateTime<Utc>,
    assigned_at: Option<DateTime<Utc>>,
    agreement_signed_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    closure_submitted_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    amount_fen: i64,
    adoption: Option<String>,
    closure_report: String,
    flat_item: Option<String>,
    early_end: Option<String>,
    travel_km: Option<i64>,
    termination_ground: Option<String>,
    termination_reason: String,
    terminated_at: Option<DateTime<Utc>>,
    grade: String,
    subsidy_status: String,
    subsidy_fen: Option<i64>,
    subsidy_paid_on: Option<NaiveDate>,
    subsidy_voucher: String,
    graded_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
}

const COLUMNS: &str = "c.id, c.number, c.application_id, c.previous_case_id, c.recipient_id, c.case_type, c.stage, \
    c.status, c.intake_unit_id, c.handling_unit_id, c.handler_id, c.possible_life_or_death, c.juvenile, c.opposing_party, \
    c.case_organ, c.organ_case_number, c.assign_from, c.assigned_at, c.agreement_signed_on, c.ended_on, \
    c.closure_submitted_at, c.closed_at, c.outcome, c.amount_fen, c.adoption, c.closure_report, c.flat_item, c.early_end, \
    c.travel_km, c.termination_ground, c.termination_reason, c.terminated_at, c.grade, c.subsidy_status, c.subsidy_fen, \
    c.subsidy_paid_on, c.subsidy_voucher, c.graded_at, c.version, c.created_at";

fn parse<T>(id: i64, what: &str, v: &str, f: impl Fn(&str) -> Option<T>) -> Result<T> {
    f(v).ok_or_else(|| StoreError::Corrupt(format!("case {id}: {what} {v:?}")))
}

fn parse_opt<T>(
    id: i64,
    what: &str,
    v: Option<&str>,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>> {
    v.map(|v| parse(id, what, v, &f)).transpose()
}

impl Row {
    fn into_case(self) -> Result<Case> {
        let id = self.id;
        let closure = match (&self.outcome, self.ended_on, self.closure_submitted_at) {
            (Some(o), Some(ended_on), Some(_)) => Some(Closure {
                outcome: parse(id, "outcome", o, CaseOutcome::parse)?,
                ended_on,
                amount_fen: self.amount_fen,
                adoption: parse(
                    id,
                    "adoption",
                    self.adoption.as_deref().unwrap_or("not_applicable"),
                    Adoption::parse,
                )?,
                report: self.closure_report.clone(),
                flat_item: parse_opt(id, "flat item", self.flat_item.as_deref(), FlatItem::parse)?,
                early_end: parse_opt(id, "early end", self.early_end.as_deref(), EarlyEnd::parse)?,
                travel_km: self.travel_km.and_then(|k| u32::try_from(k).ok()),
            }),
            _ => None,
        };
        Ok(Case {
            id: CaseId(id),
            case_type: parse(id, "type", &self.case_type, CaseType::parse)?,
            stage: parse(id, "stage", &self.stage, Stage::parse)?,
            status: parse(id, "status", &self.status, CaseStatus::parse)?,
            termination_ground: parse_opt(
                id,
                "ground",
                self.termination_ground.as_deref(),
                TerminationGround::parse,
            )?,
            grade: parse(id, "grade", &self.grade, Grade::parse)?,
            subsidy_status: parse(id, "subsidy", &self.subsidy_status, SubsidyStatus::parse)?,
            closure,
            number: self.number,
            application_id: ApplicationId(self.application_id),
            previous_case_id: self.previous_case_id.map(CaseId),
            recipient_id: PersonId(self.recipient_id),
            intake_unit_id: self.intake_unit_id,
            handling_unit_id: self.handling_unit_id,
            handler_id: self.handler_id,
            possible_life_or_death: self.possible_life_or_death,
            juvenile: self.juvenile,
            opposing_party: self.opposing_party,
            case_organ: self.case_organ,
            organ_case_number: self.organ_case_number,
            assign_from: self.assign_from,
            assigned_at: self.assigned_at,
            agreement_signed_on: self.agreement_signed_on,
            ended_on: self.ended_on,
            closure_submitted_at: self.closure_submitted_at,
            closed_at: self.closed_at,
            termination_reason: self.termination_reason,
            terminated_at: self.terminated_at,
            subsidy_fen: self.subsidy_fen,
            subsidy_paid_on: self.subsidy_paid_on,
            subsidy_voucher: self.subsidy_voucher,
            graded_at: self.graded_at,
            version: self.version,
            created_at: self.created_at,
        })
    }
}

pub async fn get(tx: &mut Tx, id: CaseId) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_case).transpose()
}

/// The cases made from an application (one per stage for criminal matters).
pub async fn of_application(tx: &mut Tx, application_id: ApplicationId) -> Result<Vec<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.application_id = $1 ORDER BY c.id");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(application_id.0).fetch_all(c).await?);
    rows.into_iter().map(Row::into_case).collect()
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// The intake or the handling unit.
    pub unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    /// The year the case was opened (China Standard Time).
    pub year: Option<i32>,
    pub case_type: Option<CaseType>,
    pub subsidy_status: Option<SubsidyStatus>,
    /// Only open cases (being handled).
    pub open: bool,
}

/// Visibility of a case: the caller sees its intake unit or its handling unit.
pub(crate) const SCOPE: &str = "($1 IS NULL OR iu.region_code LIKE $1 OR hu.region_code LIKE $1) \
    AND ($2 IS NULL OR c.intake_unit_id = $2 OR c.handling_unit_id = $2)";

pub(crate) fn year_bounds(year: Option<i32>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let at = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| (t - chrono::Duration::hours(8)).and_utc())
    };
    match year {
        Some(y) => (at(y), at(y + 1)),
        None => (None, None),
    }
}

/// A page of the cases in `scope` that pass `f`, newest first, and their count
/// up to [`crate::COUNT_CAP`] (ADR 0037).
pub async fn list(tx: &mut Tx, scope: &Scope, f: &CaseFilter, at: At) -> Result<Listed> {
    list::list(tx, scope, f, at).await
}

/// The next `limit` cases of the list after `after` (its `created_at` and `id`),
/// newest first, without counting: for exports that go through every row.
pub async fn list_after(
    tx: &mut Tx,
    scope: &Scope,
    f: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<Case>> {
    list::after(tx, scope, f, after, limit).await
}

/// What a new case starts with.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub number: &'a str,
    pub application_id: i64,
    pub previous_case_id: Option<i64>,
    pub recipient_id: i64,
    pub case_type: CaseType,
    pub stage: Stage,
    pub intake_unit_id: i64,
    pub possible_life_or_death: bool,
    pub juvenile: bool,
    pub opposing_party: &'a str,
    pub case_organ: &'a str,
    pub organ_case_number: &'a str,
    pub assign_from: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, n: &NewCase<'_>, now: DateTime<Utc>) -> Result<Case> {
    const Q: &str = "INSERT INTO cases (number, application_id, previous_case_id, recipient_id, case_type, stage, status, \
        intake_unit_id, possible_life_or_death, juvenile, opposing_party, case_organ, organ_case_number, assign_from, \
        version, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_assignment', $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(n.number).bind(n.application_id).bind(n.previous_case_id).bind(n.recipient_id)
        .bind(n.case_type.as_str()).bind(n.stage.as_str()).bind(n.intake_unit_id).bind(n.possible_life_or_death)
        .bind(n.juvenile).bind(n.opposing_party).bind(n.case_organ).bind(n.organ_case_number).bind(n.assign_from).bind(now)
        .fetch_one(c).await?);
    let case = get(tx, CaseId(id)).await?.ok_or(StoreError::NotFound)?;
    crate::supervision::apply(tx, &tally::delta(None, &case)).await?;
    Ok(case)
}

/// The case numbered `number` (ours), if any.
pub async fn find_by_number(tx: &mut Tx, number: &str) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.number = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(number).fetch_optional(c).await?);
    row.map(Row::into_case).transpose()
}

/// The case imported under this key (migration 0044), if any.
pub async fn find_by_source_ref(tx: &mut Tx, source_ref: &str) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.source_ref = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(source_ref).fetch_optional(c).await?);
    row.map(Row::into_case).transpose()
}

/// Keys an imported case by the row it came from; the key is unique, so a
/// second import of the row meanwhile is `Duplicate`.
pub async fn set_source_ref(tx: &mut Tx, id: CaseId, source_ref: &str) -> Result<()> {
    const Q: &str = "UPDATE cases SET source_ref = $1 WHERE id = $2";
    on_tx!(tx, c => sqlx::query(Q).bind(source_ref).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// Writes every mutable field of `case` if the stored record is still at
/// `case.version`; returns the stored result (version + 1).
///
/// The case tallies move with it, in the same transaction (ADR 0023).
pub async fn save(tx: &mut Tx, case: &Case, now: DateTime<Utc>) -> Result<Case> {
    let before = get(tx, case.id).await?;
    const Q: &str = "UPDATE cases SET status = $1, handling_unit_id = $2, handler_id = $3, possible_life_or_death = $4, \
        juvenile = $5, assigned_at = $6, agreement_signed_on = $7, ended_on = $8, closure_submitted_at = $9, closed_at = $10, \
        outcome = $11, amount_fen = $12, adoption = $13, closure_report = $14, flat_item = $15, early_end = $16, travel_km = $17, \
        termination_ground = $18, termination_reason = $19, terminated_at = $20, grade = $21, subsidy_status = $22, \
        subsidy_fen = $23, subsidy_paid_on = $24, subsidy_voucher = $25, version = version + 1, updated_at = $26, \
        graded_at = $29 WHERE id = $27 AND version = $28";
    let cl = case.closure.as_ref();
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(case.status.as_str()).bind(case.handling_unit_id).bind(case.handler_id).bind(case.possible_life_or_death)
        .bind(case.juvenile).bind(case.assigned_at).bind(case.agreement_signed_on).bind(case.ended_on)
        .bind(case.closure_submitted_at).bind(case.closed_at)
        .bind(cl.map(|c| c.outcome.as_str())).bind(cl.map_or(0, |c| c.amount_fen)).bind(cl.map(|c| c.adoption.as_str()))
        .bind(cl.map_or("", |c| c.report.as_str())).bind(cl.and_then(|c| c.flat_item).map(|f| f.as_str()))
        .bind(cl.and_then(|c| c.early_end).map(|f| f.as_str())).bind(cl.and_then(|c| c.travel_km).map(i64::from))
        .bind(case.termination_ground.map(|g| g.as_str())).bind(&case.termination_reason).bind(case.terminated_at)
        .bind(case.grade.as_str()).bind(case.subsidy_status.as_str()).bind(case.subsidy_fen).bind(case.subsidy_paid_on)
        .bind(&case.subsidy_voucher).bind(now).bind(case.id.0).bind(case.version).bind(case.graded_at)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match before {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    let after = get(tx, case.id).await?.ok_or(StoreError::NotFound)?;
    crate::supervision::apply(tx, &tally::delta(before.as_ref(), &after)).await?;
    Ok(after)
}

/// The next `limit` cases after `after_id` in id order (for jobs that go
/// through every case, such as the tally rebuild).
pub async fn batch_after(tx: &mut Tx, after_id: i64, limit: i64) -> Result<Vec<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.id > $1 ORDER BY c.id LIMIT $2");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(after_id).bind(limit).fetch_all(c).await?);
    rows.into_iter().map(Row::into_case).collect()
}

/// The cases taken in by units whose region code starts with `region` that
/// had an event (opened, assigned, concluded, terminated, archived, paid) in
/// `[from, to)` (the days `from_day..to_day` for the payment date): each
/// through its own index, so the cost follows the cases of the period.
pub async fn with_events_between(
    tx: &mut Tx,
    region: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    from_day: NaiveDate,
    to_day: NaiveDate,
) -> Result<Vec<Case>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases c JOIN units u ON u.id = c.intake_unit_id \
         WHERE u.region_code LIKE $1 AND c.id IN ( \
         SELECT id FROM cases WHERE created_at >= $2 AND created_at < $3 \
         UNION SELECT id FROM cases WHERE assigned_at >= $2 AND assigned_at < $3 \
         UNION SELECT id FROM cases WHERE closure_submitted_at >= $2 AND closure_submitted_at < $3 \
         UNION SELECT id FROM cases WHERE terminated_at >= $2 AND terminated_at < $3 \
         UNION SELECT id FROM cases WHERE closed_at >= $2 AND closed_at < $3 \
         UNION SELECT id FROM cases WHERE subsidy_paid_on >= $4 AND subsidy_paid_on < $5) ORDER BY c.id"
    );
    let like = format!("{region}%");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&like).bind(from).bind(to).bind(from_day).bind(to_day).fetch_all(c).await?);
    rows.into_iter().map(Row::into_case).collect()
}

/// One assignment of a case (kept when the handler changes).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub id: i64,
    pub case_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    pub assigned_at: DateTime<Utc>,
    pub assigned_by: Option<i64>,
    pub conflict_note: String,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: String,
}

pub async fn assignments(tx: &mut Tx, case_id: CaseId) -> Result<Vec<Assignment>> {
    const Q: &str = "SELECT a.id, a.case_id, a.unit_id, u.name AS unit_name, a.handler_id, s.name AS handler_name, \
        a.assigned_at, a.assigned_by, a.conflict_note, a.ended_at, a.end_reason \
        FROM case_assignments a JOIN units u ON u.id = a.unit_id LEFT JOIN staff s ON s.id = a.handler_id \
        WHERE a.case_id = $1 ORDER BY a.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(case_id.0).fetch_all(c).await?))
}

/// A new assignment of a case.
#[derive(Debug, Clone, Copy)]
pub struct NewAssignment<'a> {
    pub case_id: i64,
    pub unit_id: i64,
    pub handler_id: Option<i64>,
    pub by: Option<i64>,
    pub conflict_note: &'a str,
    /// Why the current assignment ends (a replacement's reason), if one is current.
    pub end_reason: &'a str,
    pub at: DateTime<Utc>,
}

/// Ends the current assignment (if any) and records a new one.
pub async fn add_assignment(tx: &mut Tx, a: &NewAssignment<'_>) -> Result<()> {
    const END: &str = "UPDATE case_assignments SET ended_at = $1, end_reason = $2 WHERE case_id = $3 AND ended_at IS NULL";
    const INS: &str = "INSERT INTO case_assignments (case_id, unit_id, handler_id, assigned_at, assigned_by, conflict_note) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, c => sqlx::query(END).bind(a.at).bind(a.end_reason).bind(a.case_id).execute(c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query(INS).bind(a.case_id).bind(a.unit_id).bind(a.handler_id).bind(a.at).bind(a.by).bind(a.conflict_note)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// Names the handler on the current (unit-only) assignment.
pub async fn name_handler(tx: &mut Tx, case_id: CaseId, handler_id: i64, note: &str) -> Result<()> {
    const Q: &str = "UPDATE case_assignments SET handler_id = $1, conflict_note = $2 WHERE case_id = $3 AND ended_at IS NULL";
    on_tx!(tx, c => sqlx::query(Q).bind(handler_id).bind(note).bind(case_id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// A dated progress entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub activity: Activity,
    pub occurred_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One progress entry.
pub async fn progress_entry(tx: &mut Tx, id: i64) -> Result<Progress> {
    const Q: &str = "SELECT p.id, p.case_id, p.activity, p.occurred_on, p.note, p.recorded_by, u.display_name AS recorded_by_name, \
        p.created_at FROM case_progress p LEFT JOIN users u ON u.id = p.recorded_by WHERE p.id = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(id).fetch_one(c).await?))
}

pub async fn progress(tx: &mut Tx, case_id: CaseId) -> Result<Vec<Progress>> {
    const Q: &str = "SELECT p.id, p.case_id, p.activity, p.occurred_on, p.note, p.recorded_by, u.display_name AS recorded_by_name, \
        p.created_at FROM case_progress p LEFT JOIN users u ON u.id = p.recorded_by WHERE p.case_id = $1 \
        ORDER BY p.occurred_on, p.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(case_id.0).fetch_all(c).await?))
}

pub async fn add_progress(
    tx: &mut Tx,
    case_id: i64,
    activity: Activity,
    on: NaiveDate,
    note: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64> {
    const Q: &str = "INSERT INTO case_progress (case_id, activity, occurred_on, note, recorded_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(case_id).bind(activity.as_str()).bind(on).bind(note).bind(by).bind(at)
        .fetch_one(c).await?),
    )
}

/// A hearing on the calendar.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hearing {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub note: String,
    pub reminded: bool,
}

const HEARING: &str = "SELECT h.id, h.case_id, c.number AS case_number, h.starts_at, h.place, h.note, h.reminded \
    FROM case_hearings h JOIN cases c ON c.id = h.case_id";

pub async fn hearings(tx: &mut Tx, case_id: CaseId) -> Result<Vec<Hearing>> {
    let sql = format!("{HEARING} WHERE h.case_id = $1 ORDER BY h.starts_at");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(case_id.0).fetch_all(c).await?),
    )
}

pub async fn add_hearing(
    tx: &mut Tx,
    case_id: i64,
    starts_at: DateTime<Utc>,
    place: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    const Q: &str = "INSERT INTO case_hearings (case_id, starts_at, place, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(case_id).bind(starts_at).bind(place).bind(note).bind(now).fetch_one(c).await?),
    )
}

/// A page of the hearings between two instants for cases in `scope`, earliest
/// first, with how many there are (the hearing calendar).
pub async fn hearings_between(
    tx: &mut Tx,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    page: Page,
) -> Result<(Vec<Hearing>, i64)> {
    let join = "JOIN units iu ON iu.id = c.intake_unit_id LEFT JOIN units hu ON hu.id = c.handling_unit_id \
         WHERE {SCOPE} AND h.starts_at >= $3 AND h.starts_at < $4"
        .replace("{SCOPE}", SCOPE);
    let sql = format!("{HEARING} {join} ORDER BY h.starts_at, h.id LIMIT $5 OFFSET $6");
    let count =
        format!("SELECT COUNT(*) FROM case_hearings h JOIN cases c ON c.id = h.case_id {join}");
    let (region, unit) = scope_params(scope);
    let items = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&region).bind(unit).bind(from).bind(to)
        .bind(page.per_page).bind(page.offset()).fetch_all(&mut *c).await?);
    let total = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count)).bind(&region).bind(unit).bind(from).bind(to)
        .fetch_one(c).await?);
    Ok((items, total))
}

/// Hearings before `until` not yet reminded, for open cases (the reminder job).
pub async fn hearings_to_remind(
    tx: &mut Tx,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Hearing>> {
    let sql = format!(
        "{HEARING} WHERE h.reminded = FALSE AND h.starts_at > $1 AND h.starts_at <= $2 \
         AND c.status IN ('assigned', 'in_progress') ORDER BY h.starts_at LIMIT 200"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(until).fetch_all(c).await?),
    )
}

/// Marks a hearing reminded; false if another worker did it first.
/// Claims a case's agreement reminder; false when it was claimed before (by this
/// or another instance: on PostgreSQL the second waits for the first's commit and
/// then finds the column set).
pub async fn claim_agreement_reminder(tx: &mut Tx, id: CaseId, at: DateTime<Utc>) -> Result<bool> {
    const Q: &str = "UPDATE cases SET agreement_reminded_at = $1 WHERE id = $2 AND agreement_reminded_at IS NULL";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(at).bind(id.0).execute(c).await?.rows_affected()) == 1)
}

pub async fn mark_reminded(tx: &mut Tx, id: i64) -> Result<bool> {
    const Q: &str = "UPDATE case_hearings SET reminded = TRUE WHERE id = $1 AND reminded = FALSE";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(id).execute(c).await?.rows_affected()) == 1)
}

/// A request to replace the handler.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Replacement {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub requested_by: ReplacementRequester,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub status: ReplacementStatus,
    pub decision_reason: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const REPLACEMENT: &str = "SELECT id, case_id, requested_by, reason, status, decision_reason, decided_at, created_at FROM case_replacements";

pub async fn replacements(tx: &mut Tx, case_id: CaseId) -> Result<Vec<Replacement>> {
    let sql = format!("{REPLACEMENT} WHERE case_id = $1 ORDER BY id");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(case_id.0).fetch_all(c).await?),
    )
}

pub async fn add_replacement(
    tx: &mut Tx,
    case_id: CaseId,
    requested_by: ReplacementRequester,
    reason: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Replacement> {
    const Q: &str = "INSERT INTO case_replacements (case_id, requested_by, reason, status, created_at, created_by) \
        VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q).bind(case_id.0).bind(requested_by.as_str()).bind(reason).bind(at).bind(by).fetch_one(c).await?);
    let sql = format!("{REPLACEMENT} WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?))
}

/// Decides a pending request; false if it was no longer pending.
pub async fn decide_replacement(
    tx: &mut Tx,
    id: i64,
    case_id: CaseId,
    approved: bool,
    reason: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "UPDATE case_replacements SET status = $1, decision_reason = $2, decided_at = $3, decided_by = $4 \
        WHERE id = $5 AND case_id = $6 AND status = 'pending'";
    let status = if approved {
        ReplacementStatus::Approved
    } else {
        ReplacementStatus::Refused
    }
    .as_str();
    Ok(
        on_tx!(tx, c => sqlx::query(Q).bind(status).bind(reason).bind(at).bind(by).bind(id).bind(case_id.0)
        .execute(c).await?.rows_affected())
            == 1,
    )
}

/// What the ranking needs to know about a possible handler's current load.
#[derive(Debug, Clone, Default)]
pub struct Load {
    pub open_cases: u32,
    pub assigned_this_year: u32,
    pub last_assigned_on: Option<DateTime<Utc>>,
}

/// Loads of the given staff: open cases, assignments since `year_start`, the last one.
pub async fn loads(
    tx: &mut Tx,
    staff: &[i64],
    year_start: DateTime<Utc>,
) -> Result<std::collections::HashMap<i64, Load>> {
    let mut out = std::collections::HashMap::new();
    if staff.is_empty() {
        return Ok(out);
    }
    let ids = staff
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let open_sql = format!(
        "SELECT handler_id, COUNT(*) FROM cases WHERE handler_id IN ({ids}) \
         AND status IN ('assigned', 'in_progress', 'closure_submitted') GROUP BY handler_id"
    );
    let open: Vec<(i64, i64)> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(open_sql)).fetch_all(c).await?);
    let year_sql = format!(
        "SELECT handler_id, COUNT(*), MAX(assigned_at) FROM case_assignments WHERE handler_id IN ({ids}) \
         GROUP BY handler_id"
    );
    let all: Vec<(i64, i64, Option<DateTime<Utc>>)> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(year_sql)).fetch_all(c).await?);
    let this_year_sql = format!(
        "SELECT handler_id, COUNT(*) FROM case_assignments WHERE handler_id IN ({ids}) AND assigned_at >= $1 GROUP BY handler_id"
    );
    let this_year: Vec<(i64, i64)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(this_year_sql)).bind(year_start).fetch_all(c).await?);
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    for (id, n) in open {
        out.entry(id).or_insert_with(Load::default).open_cases = count(n);
    }
    for (id, _, last) in all {
        out.entry(id).or_insert_with(Load::default).last_assigned_on = last;
    }
    for (id, n) in this_year {
        out.entry(id)
            .or_insert_with(Load::default)
            .assigned_this_year = count(n);
    }
    Ok(out)
}

/// The other open matters of the given staff (recipient and opposing party), for
/// the conflict check.
pub async fn other_matters(
    tx: &mut Tx,
    staff: &[i64],
    except_case: i64,
) -> Result<Vec<(i64, String, String, String)>> {
    if staff.is_empty() {
        return Ok(Vec::new());
    }
    let ids = staff
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT c.handler_id, c.number, p.name, c.opposing_party FROM cases c JOIN persons p ON p.id = c.recipient_id \
         WHERE c.handler_id IN ({ids}) AND c.id <> $1 AND c.status IN ('assigned', 'in_progress', 'closure_submitted')"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(except_case).fetch_all(c).await?),
    )
}

/// Cases in a state, oldest assignment first (for reminder jobs).
pub async fn in_status(tx: &mut Tx, status: CaseStatus, limit: i64) -> Result<Vec<Case>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases c WHERE c.status = $1 ORDER BY c.assigned_at, c.id LIMIT $2"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(status.as_str()).bind(limit).fetch_all(c).await?);
    rows.into_iter().map(Row::into_case).collect()
}
