//! Follow-up visits and their plans (migration 0018).

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::followup::{
    CallOutcome, Satisfaction, Tally, VisitMode, VisitPlanStatus, VisitTiming,
};
use legalaid_domain::{VisitId, VisitPlanId};
use serde::Serialize;

/// A nullable rating column.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct OptRating(Option<String>);

impl TryFrom<OptRating> for Option<Satisfaction> {
    type Error = String;
    fn try_from(v: OptRating) -> std::result::Result<Self, String> {
        v.0.map(|s| Satisfaction::parse(&s).ok_or(format!("unknown rating {s:?}")))
            .transpose()
    }
}

/// A visit as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Visit {
    pub id: i64,
    pub case_id: i64,
    pub plan_id: Option<i64>,
    /// The center whose staff made the visit.
    pub unit_id: i64,
    pub region_code: String,
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub mode: VisitMode,
    #[sqlx(try_from = "String")]
    pub timing: VisitTiming,
    pub visited_on: NaiveDate,
    pub caller_id: i64,
    #[sqlx(try_from = "String")]
    pub outcome: CallOutcome,
    #[sqlx(try_from = "OptRating")]
    pub service_attitude: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub communication: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub rights_protection: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub case_result: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub overall: Option<Satisfaction>,
    pub fee_asked: bool,
    pub fee_paid: bool,
    pub fee_detail: String,
    pub on_time: Option<bool>,
    pub notes: String,
    pub alert_raised: bool,
    pub alert_handled: bool,
    pub alert_handled_at: Option<DateTime<Utc>>,
    pub alert_handled_by: Option<i64>,
    pub alert_note: String,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

impl Visit {
    /// The five ratings in the order of `EvaluationItem::ALL`.
    pub fn ratings(&self) -> [Option<Satisfaction>; 5] {
        [
            self.service_attitude,
            self.communication,
            self.rights_protection,
            self.case_result,
            self.overall,
        ]
    }

    /// An alert raised and not yet handled.
    pub fn alert_open(&self) -> bool {
        self.alert_raised && !self.alert_handled
    }
}

const COLUMNS: &str = "v.id, v.case_id, v.plan_id, v.unit_id, v.region_code, v.handling_unit_id, v.handler_id, \
    v.mode, v.timing, v.visited_on, v.caller_id, v.outcome, v.service_attitude, v.communication, \
    v.rights_protection, v.case_result, v.overall, v.fee_asked, v.fee_paid, v.fee_detail, v.on_time, v.notes, \
    v.alert_raised, v.alert_handled, v.alert_handled_at, v.alert_handled_by, v.alert_note, v.created_at, v.version";

/// Stores a new visit (its alert not handled); the id.
pub async fn insert(tx: &mut Tx, v: &Visit) -> Result<VisitId> {
    const Q: &str = "INSERT INTO visits (case_id, plan_id, unit_id, region_code, handling_unit_id, handler_id, mode, \
        timing, visited_on, caller_id, outcome, service_attitude, communication, rights_protection, case_result, \
        overall, fee_asked, fee_paid, fee_detail, on_time, notes, alert_raised, alert_handled, alert_note, \
        created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
        $22, FALSE, '', $23, 1) RETURNING id";
    let code = |r: Option<Satisfaction>| r.map(|r| r.as_str());
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(v.case_id).bind(v.plan_id).bind(v.unit_id).bind(&v.region_code).bind(v.handling_unit_id)
        .bind(v.handler_id).bind(v.mode.as_str()).bind(v.timing.as_str()).bind(v.visited_on).bind(v.caller_id)
        .bind(v.outcome.as_str()).bind(code(v.service_attitude)).bind(code(v.communication))
        .bind(code(v.rights_protection)).bind(code(v.case_result)).bind(code(v.overall))
        .bind(v.fee_asked).bind(v.fee_paid).bind(&v.fee_detail).bind(v.on_time).bind(&v.notes)
        .bind(v.alert_raised).bind(v.created_at)
        .fetch_one(c).await?);
    Ok(VisitId(id))
}

pub async fn get(tx: &mut Tx, id: VisitId) -> Result<Option<Visit>> {
    let q = format!("SELECT {COLUMNS} FROM visits v WHERE v.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Records how the alert was handled, if the visit is still at `version`.
pub async fn handle_alert(
    tx: &mut Tx,
    id: VisitId,
    version: i64,
    note: &str,
    at: DateTime<Utc>,
    by: Option<i64>,
) -> Result<Visit> {
    const Q: &str = "UPDATE visits SET alert_handled = TRUE, alert_note = $1, alert_handled_at = $2, \
        alert_handled_by = $3, version = version + 1 WHERE id = $4 AND version = $5";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(note).bind(at).bind(by).bind(id.0).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A visit with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub visit: Visit,
    pub case_number: String,
    pub handler_name: Option<String>,
    pub caller_name: String,
}

/// Which visits to list: those of a region (a prefix), in a period of visit
/// dates, only those with an alert still open, only those of a case.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub open_alerts: bool,
    pub case_id: Option<i64>,
}

/// Visits newest first, a page at a time, with how many.
pub async fn list(tx: &mut Tx, f: &Filter, page: Page) -> Result<(Vec<Line>, i64)> {
    const WHERE: &str = "WHERE v.region_code LIKE $1 AND ($2 IS NULL OR v.visited_on >= $2) \
        AND ($3 IS NULL OR v.visited_on <= $3) \
        AND ($4 = FALSE OR (v.alert_raised = TRUE AND v.alert_handled = FALSE)) \
        AND ($5 IS NULL OR v.case_id = $5)";
    let q = format!(
        "SELECT {COLUMNS}, c.number AS case_number, s.name AS handler_name, u.display_name AS caller_name \
         FROM visits v JOIN cases c ON c.id = v.case_id LEFT JOIN staff s ON s.id = v.handler_id \
         JOIN users u ON u.id = v.caller_id \
         {WHERE} ORDER BY v.visited_on DESC, v.id DESC LIMIT $6 OFFSET $7"
    );
    let n = format!("SELECT COUNT(*) FROM visits v {WHERE}");
    let region = format!("{}%", f.region);
    let rows: Vec<Line> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(f.from).bind(f.to).bind(f.open_alerts).bind(f.case_id)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(f.from).bind(f.to).bind(f.open_alerts).bind(f.case_id)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// The overall rating (总体评价) of every connected visit made since `from` on
/// the cases of a handler (the handler at the time of the visit), oldest first.
pub async fn evaluations_of_handler(
    tx: &mut Tx,
    staff_id: i64,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, Satisfaction)>> {
    const Q: &str = "SELECT visited_on, overall FROM visits WHERE handler_id = $1 AND visited_on >= $2 \
        AND outcome = 'connected' AND overall IS NOT NULL ORDER BY visited_on, id";
    let rows: Vec<(NaiveDate, String)> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(staff_id).bind(from).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(d, r)| Satisfaction::parse(&r).map(|s| (d, s)))
        .collect())
}

/// Visits counted by handler and by what the figures count (outcome, ratings,
/// alert), in a region and a period of visit dates.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TallyRow {
    pub handling_unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub outcome: CallOutcome,
    #[sqlx(try_from = "OptRating")]
    pub service_attitude: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub communication: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub rights_protection: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub case_result: Option<Satisfaction>,
    #[sqlx(try_from = "OptRating")]
    pub overall: Option<Satisfaction>,
    pub alert_raised: bool,
    pub n: i64,
}

impl TallyRow {
    pub fn tally(&self) -> Tally {
        Tally {
            outcome: self.outcome,
            ratings: [
                self.service_attitude,
                self.communication,
                self.rights_protection,
                self.case_result,
                self.overall,
            ],
            alert: self.alert_raised,
            n: u32::try_from(self.n).unwrap_or(u32::MAX),
        }
    }
}

pub async fn tallies(
    tx: &mut Tx,
    region: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TallyRow>> {
    const Q: &str = "SELECT v.handling_unit_id, u.name AS unit_name, v.handler_id, s.name AS handler_name, \
        v.outcome, v.service_attitude, v.communication, v.rights_protection, v.case_result, v.overall, \
        v.alert_raised, COUNT(*) AS n \
        FROM visits v LEFT JOIN units u ON u.id = v.handling_unit_id LEFT JOIN staff s ON s.id = v.handler_id \
        WHERE v.region_code LIKE $1 AND v.visited_on >= $2 AND v.visited_on <= $3 \
        GROUP BY v.handling_unit_id, u.name, v.handler_id, s.name, v.outcome, v.service_attitude, \
        v.communication, v.rights_protection, v.case_result, v.overall, v.alert_raised \
        ORDER BY v.handling_unit_id, v.handler_id";
    let like = format!("{region}%");
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(&like).bind(from).bind(to).fetch_all(c).await?))
}

// ---------------------------------------------------------------- plans

/// A planned visit as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub timing: VisitTiming,
    pub due_on: NaiveDate,
    pub unit_id: i64,
    pub region_code: String,
    pub seed: String,
    pub share_percent: i64,
    #[sqlx(try_from = "String")]
    pub status: VisitPlanStatus,
    pub planned_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const PLAN_COLUMNS: &str = "p.id, p.case_id, p.timing, p.due_on, p.unit_id, p.region_code, p.seed, \
    p.share_percent, p.status, p.planned_by, p.created_at, p.version";

/// Adds a plan unless the case has one for its timing already (the unique pair:
/// a concurrent planner's row wins, and this one adds nothing); its id if added.
pub async fn insert_plan(tx: &mut Tx, p: &Plan) -> Result<Option<VisitPlanId>> {
    const Q: &str = "INSERT INTO visit_plans (case_id, timing, due_on, unit_id, region_code, seed, share_percent, \
        status, planned_by, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9, 1) \
        ON CONFLICT (case_id, timing) DO NOTHING RETURNING id";
    let id: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(p.case_id).bind(p.timing.as_str()).bind(p.due_on).bind(p.unit_id).bind(&p.region_code)
        .bind(&p.seed).bind(p.share_percent).bind(p.planned_by).bind(p.created_at)
        .fetch_optional(c).await?);
    Ok(id.map(VisitPlanId))
}

pub async fn plan(tx: &mut Tx, id: VisitPlanId) -> Result<Option<Plan>> {
    let q = format!("SELECT {PLAN_COLUMNS} FROM visit_plans p WHERE p.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The open plan of a case for a timing, if any.
pub async fn open_plan(tx: &mut Tx, case_id: i64, timing: VisitTiming) -> Result<Option<Plan>> {
    let q = format!(
        "SELECT {PLAN_COLUMNS} FROM visit_plans p WHERE p.case_id = $1 AND p.timing = $2 AND p.status = 'planned'"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(case_id).bind(timing.as_str())
        .fetch_optional(c).await?),
    )
}

/// Marks a plan done (by the visit that completed it).
pub async fn complete_plan(tx: &mut Tx, id: VisitPlanId) -> Result<()> {
    const Q: &str = "UPDATE visit_plans SET status = 'done', version = version + 1 \
        WHERE id = $1 AND status = 'planned'";
    on_tx!(tx, c => sqlx::query(Q).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// A plan with what its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PlanLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub plan: Plan,
    pub case_number: String,
    pub handler_name: Option<String>,
}

/// Plans of a region, open ones first by due date, a page at a time.
pub async fn plans(
    tx: &mut Tx,
    region: &str,
    open_only: bool,
    page: Page,
) -> Result<(Vec<PlanLine>, i64)> {
    const WHERE: &str = "WHERE p.region_code LIKE $1 AND ($2 = FALSE OR p.status = 'planned')";
    let q = format!(
        "SELECT {PLAN_COLUMNS}, c.number AS case_number, s.name AS handler_name FROM visit_plans p \
         JOIN cases c ON c.id = p.case_id LEFT JOIN staff s ON s.id = c.handler_id {WHERE} \
         ORDER BY CASE WHEN p.status = 'planned' THEN 0 ELSE 1 END, p.due_on, p.id LIMIT $3 OFFSET $4"
    );
    let n = format!("SELECT COUNT(*) FROM visit_plans p {WHERE}");
    let like = format!("{region}%");
    let rows: Vec<PlanLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&like).bind(open_only).bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&like).bind(open_only).fetch_one(c).await?);
    Ok((rows, total))
}

/// A closed case a plan may be made for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Closed {
    pub id: i64,
    pub closed_at: DateTime<Utc>,
}

/// The cases archived from `from` to before `to` whose handling unit is in
/// `region`, a batch at a time by id (the caller loops until a batch is short).
pub async fn closed_cases(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    limit: i64,
) -> Result<Vec<Closed>> {
    const Q: &str = "SELECT c.id, c.closed_at FROM cases c JOIN units u ON u.id = c.handling_unit_id \
        WHERE c.status = 'archived' AND c.closed_at >= $1 AND c.closed_at < $2 AND u.region_code LIKE $3 \
        AND c.id > $4 ORDER BY c.id LIMIT $5";
    let like = format!("{region}%");
    Ok(
        on_tx!(tx, c => sqlx::query_as(Q).bind(from).bind(to).bind(&like).bind(after).bind(limit)
        .fetch_all(c).await?),
    )
}
