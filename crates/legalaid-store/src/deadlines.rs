//! The running deadlines of applications and cases, stored for the work queues
//! (migration 0011): rewritten with each change of their record, read by queue.

use crate::{Page, Result, Tx, scope_params};
use chrono::{NaiveDate, NaiveDateTime};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{ApplicationId, CaseId};

/// The record a deadline runs on.
pub use legalaid_domain::record::Subject;

/// One running deadline (or a step without a statutory period) to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    /// The queue's code (`legalaid_app::queues::Queue`).
    pub queue: &'static str,
    pub unit_id: i64,
    pub region_code: String,
    pub staff_id: Option<i64>,
    pub due_on: NaiveDate,
    pub due_at: Option<NaiveDateTime>,
    pub provisional_year: Option<i32>,
    /// The version of the deadline rule the period runs under (its effective date).
    pub rule_from: Option<NaiveDate>,
    pub statutory: bool,
    /// Personal work (an expert's file to score): the user it waits on; 0 for
    /// the work of a role in a unit.
    pub assignee: i64,
    /// How the queue names a record other than an application or a case.
    pub label: String,
}

/// Replaces the stored deadlines of `subject` with `entries`, and records that
/// they follow the record at `version`.
pub async fn replace(tx: &mut Tx, subject: Subject, version: i64, entries: &[Entry]) -> Result<()> {
    // Applications and cases have a column each; other records are named by kind.
    let (owner, conflict, mark, id) = match subject {
        Subject::Application(id) => (
            "application_id = $1".to_owned(),
            "(application_id, code) WHERE application_id IS NOT NULL",
            Some("UPDATE applications SET deadlines_version = $1 WHERE id = $2"),
            id.0,
        ),
        Subject::Case(id) => (
            "case_id = $1".to_owned(),
            "(case_id, code) WHERE case_id IS NOT NULL",
            Some("UPDATE cases SET deadlines_version = $1 WHERE id = $2"),
            id.0,
        ),
        Subject::Review(_)
        | Subject::Rectification(_)
        | Subject::Complaint(_)
        | Subject::Visit(_)
        | Subject::VisitPlan(_)
        | Subject::Observation(_)
        | Subject::Opinion(_)
        | Subject::SupervisionOrder(_) => {
            let (kind, id) = subject.record().unwrap_or_default();
            (
                format!("record_kind = '{kind}' AND record_id = $1"),
                "(record_kind, record_id, code, assignee) WHERE record_id IS NOT NULL",
                None,
                id,
            )
        }
    };
    let (kind, _) = subject.record().unzip();
    // Rows of steps no longer running go; the others are written over in place
    // (an upsert, so that two transactions re-tracking one record at once, as a
    // case write and an application write can, both succeed on PostgreSQL
    // instead of one meeting the other's fresh rows in the unique index).
    let keep: Vec<String> = (0..entries.len())
        .map(|i| format!("(${}, ${})", 2 * i + 2, 2 * i + 3))
        .collect();
    let delete = if keep.is_empty() {
        format!("DELETE FROM deadlines WHERE {owner}")
    } else {
        format!(
            "DELETE FROM deadlines WHERE {owner} AND (code, assignee) NOT IN (VALUES {})",
            keep.join(", ")
        )
    };
    on_tx!(tx, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(delete)).bind(id);
        for e in entries {
            q = q.bind(&e.code).bind(e.assignee);
        }
        q.execute(c).await?.rows_affected()
    });
    let (application, case) = match subject {
        Subject::Application(a) => (Some(a.0), None),
        Subject::Case(c) => (None, Some(c.0)),
        Subject::Review(_)
        | Subject::Rectification(_)
        | Subject::Complaint(_)
        | Subject::Visit(_)
        | Subject::VisitPlan(_)
        | Subject::Observation(_)
        | Subject::Opinion(_)
        | Subject::SupervisionOrder(_) => (None, None),
    };
    let record_id = kind.map(|_| id);
    let upsert = format!(
        "INSERT INTO deadlines (application_id, case_id, record_kind, record_id, code, queue, unit_id, region_code, \
         staff_id, due_on, due_at, provisional_year, statutory, rule_from, assignee, label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT {conflict} DO UPDATE SET queue = excluded.queue, \
         unit_id = excluded.unit_id, region_code = excluded.region_code, staff_id = excluded.staff_id, \
         due_on = excluded.due_on, due_at = excluded.due_at, provisional_year = excluded.provisional_year, \
         statutory = excluded.statutory, rule_from = excluded.rule_from, label = excluded.label"
    );
    for e in entries {
        on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(upsert.clone()))
            .bind(application).bind(case).bind(kind).bind(record_id)
            .bind(&e.code).bind(e.queue).bind(e.unit_id).bind(&e.region_code).bind(e.staff_id)
            .bind(e.due_on).bind(e.due_at).bind(e.provisional_year).bind(e.statutory).bind(e.rule_from)
            .bind(e.assignee).bind(&e.label)
            .execute(c).await?.rows_affected());
    }
    if let Some(mark) = mark {
        on_tx!(tx, c => sqlx::query(mark).bind(version).bind(id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Records whose stored deadlines do not follow their current version (written
/// before tracking began, by hand, or marked for recounting), and the other
/// records (complaints, orders …) holding a provisional date in a year whose
/// holidays are now entered, a batch at a time.
pub async fn untracked(tx: &mut Tx, limit: i64) -> Result<Vec<Subject>> {
    const A: &str =
        "SELECT id FROM applications WHERE deadlines_version IS NULL ORDER BY id LIMIT $1";
    const C: &str = "SELECT id FROM cases WHERE deadlines_version IS NULL ORDER BY id LIMIT $1";
    const R: &str = "SELECT DISTINCT record_kind, record_id FROM deadlines \
        WHERE record_id IS NOT NULL AND provisional_year IN (SELECT year FROM calendar_years) \
        ORDER BY record_kind, record_id LIMIT $1";
    let apps: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(A).bind(limit).fetch_all(c).await?);
    let cases: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(C).bind(limit).fetch_all(c).await?);
    let records: Vec<(String, i64)> =
        on_tx!(tx, c => sqlx::query_as(R).bind(limit).fetch_all(c).await?);
    Ok(apps
        .into_iter()
        .map(|id| Subject::Application(ApplicationId(id)))
        .chain(cases.into_iter().map(|id| Subject::Case(CaseId(id))))
        .chain(
            records
                .into_iter()
                .filter_map(|(kind, id)| Subject::of_record(&kind, id)),
        )
        .collect())
}

/// Marks the applications and cases with a provisional date in `year` for
/// recounting (the year's holidays were entered). Returns how many. (The other
/// records need no mark: [`untracked`] finds them by their provisional year.)
pub async fn recount_provisional(tx: &mut Tx, year: i32) -> Result<u64> {
    const A: &str = "UPDATE applications SET deadlines_version = NULL WHERE id IN \
        (SELECT application_id FROM deadlines WHERE provisional_year = $1 AND application_id IS NOT NULL)";
    const C: &str = "UPDATE cases SET deadlines_version = NULL WHERE id IN \
        (SELECT case_id FROM deadlines WHERE provisional_year = $1 AND case_id IS NOT NULL)";
    let a = on_tx!(tx, c => sqlx::query(A).bind(year).execute(c).await?.rows_affected());
    let b = on_tx!(tx, c => sqlx::query(C).bind(year).execute(c).await?.rows_affected());
    Ok(a + b)
}

/// Which queues to read, and whose.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Queue codes read within the visibility scope (unit or region).
    pub scoped: Vec<&'static str>,
    /// The caller's own handler queue (`handler` items of this staff member).
    pub staff_id: Option<i64>,
    /// The caller's personal items (an expert's files to score), by user id.
    pub assignee: Option<i64>,
    /// Only statutory deadlines due before this day (overdue), or due on or
    /// before `due_by`.
    pub due_before: Option<NaiveDate>,
    pub due_by: Option<NaiveDate>,
}

/// One item of a queue, with what its page needs to name it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub application_id: Option<i64>,
    pub case_id: Option<i64>,
    pub record_kind: Option<String>,
    pub record_id: Option<i64>,
    pub code: String,
    pub queue: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub due_on: NaiveDate,
    pub due_at: Option<NaiveDateTime>,
    pub provisional_year: Option<i32>,
    pub statutory: bool,
    pub number: String,
    pub status: String,
}

fn queue_where(f: &QueueFilter) -> String {
    // The queue codes are the closed set of `Queue::code`, never user input.
    let scoped = if f.scoped.is_empty() {
        "FALSE".to_owned()
    } else {
        let codes: Vec<String> = f
            .scoped
            .iter()
            .filter(|q| q.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|q| format!("'{q}'"))
            .collect();
        format!(
            "(d.queue IN ({}) AND ($1 IS NULL OR d.region_code LIKE $1) AND ($2 IS NULL OR d.unit_id = $2))",
            codes.join(", ")
        )
    };
    format!(
        "WHERE ({scoped} OR (d.queue = 'handler' AND d.staff_id = $3) OR (d.assignee <> 0 AND d.assignee = $8)) \
         AND ($4 IS NULL OR (d.statutory AND d.due_on < $4)) \
         AND ($5 IS NULL OR (d.statutory AND d.due_on <= $5))"
    )
}

/// How many items the queues of `f` hold (its due filters aside): all of them,
/// those overdue (statutory, due before `today`) and those due by `soon`
/// (statutory, overdue included); one pass over the rows.
pub async fn counts(
    tx: &mut Tx,
    scope: &Scope,
    f: &QueueFilter,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<(i64, i64, i64)> {
    let base = QueueFilter {
        due_before: None,
        due_by: None,
        ..f.clone()
    };
    let w = queue_where(&base);
    let q = format!(
        "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN d.statutory AND d.due_on < $6 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN d.statutory AND d.due_on <= $7 THEN 1 ELSE 0 END), 0) \
         FROM deadlines d {w}"
    );
    let (region, unit) = scope_params(scope);
    let none: Option<NaiveDate> = None;
    let row: (i64, i64, i64) = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(f.staff_id).bind(none).bind(none).bind(today).bind(soon).bind(f.assignee)
        .fetch_one(c).await?);
    Ok(row)
}

/// The items of the caller's queues in `scope`, earliest due first, a page at a
/// time (how many there are in all comes from [`counts`], in the same pass as
/// the other filters' counts).
pub async fn queue(
    tx: &mut Tx,
    scope: &Scope,
    f: &QueueFilter,
    page: Page,
) -> Result<Vec<QueueRow>> {
    let w = queue_where(f);
    let (region, unit) = scope_params(scope);
    let list = format!(
        // The page is chosen from the deadlines alone, then joined: joining first
        // would read every open record of a large queue to show fifty.
        "SELECT d.id, d.application_id, d.case_id, d.record_kind, d.record_id, d.code, d.queue, d.unit_id, \
         u.name AS unit_name, d.due_on, d.due_at, d.provisional_year, d.statutory, \
         COALESCE(a.number, c.number, d.label) AS number, COALESCE(a.status, c.status, '') AS status \
         FROM (SELECT d.* FROM deadlines d {w} ORDER BY d.due_on, d.id LIMIT $6 OFFSET $7) d \
         JOIN units u ON u.id = d.unit_id \
         LEFT JOIN applications a ON a.id = d.application_id LEFT JOIN cases c ON c.id = d.case_id \
         ORDER BY d.due_on, d.id"
    );
    let rows: Vec<QueueRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(list))
        .bind(&region).bind(unit).bind(f.staff_id).bind(f.due_before).bind(f.due_by)
        .bind(page.per_page).bind(page.offset()).bind(f.assignee)
        .fetch_all(c).await?);
    Ok(rows)
}

/// How many items of every queue in `scope` are overdue (due before `today`), and
/// how many are due from `today` to `soon` (supervision figures).
pub async fn standing(
    tx: &mut Tx,
    scope: &Scope,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<(i64, i64)> {
    const Q: &str = "SELECT COUNT(*) FROM deadlines d WHERE ($1 IS NULL OR d.region_code LIKE $1) \
        AND ($2 IS NULL OR d.unit_id = $2) AND d.statutory AND d.due_on >= $3 AND d.due_on < $4";
    let (region, unit) = scope_params(scope);
    let far_past = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(today);
    let overdue: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&region).bind(unit).bind(far_past).bind(today).fetch_one(c).await?);
    let next = soon.succ_opt().unwrap_or(soon);
    let due_soon: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&region).bind(unit).bind(today).bind(next).fetch_one(c).await?);
    Ok((overdue, due_soon))
}

/// The records with a running deadline `code` due from `from` to `to` (both
/// included), as (deadline id, subject), in deadline id order after `after`: jobs
/// page through them a batch at a time. With `settled`, only due dates counted
/// with the year's holidays (not provisional ones): a step with legal effect
/// must not be taken on a date that may still move later.
pub async fn due_between(
    tx: &mut Tx,
    code: &str,
    (from, to): (NaiveDate, NaiveDate),
    settled: bool,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Subject)>> {
    const Q: &str = "SELECT id, application_id, case_id, record_kind, record_id FROM deadlines \
        WHERE code = $1 AND due_on >= $2 AND due_on <= $3 AND ($4 = FALSE OR provisional_year IS NULL) \
        AND id > $5 ORDER BY id LIMIT $6";
    type Row = (i64, Option<i64>, Option<i64>, Option<String>, Option<i64>);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(Q)
        .bind(code).bind(from).bind(to).bind(settled).bind(after).bind(limit).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(id, a, c, kind, record)| match (a, c, kind, record) {
            (Some(a), ..) => Some((id, Subject::Application(ApplicationId(a)))),
            (_, Some(c), ..) => Some((id, Subject::Case(CaseId(c)))),
            (_, _, Some(kind), Some(r)) => Subject::of_record(&kind, r).map(|s| (id, s)),
            _ => None,
        })
        .collect())
}

/// The due day of the running deadline `code` of `subject`, if it runs.
pub async fn due_on(tx: &mut Tx, subject: Subject, code: &str) -> Result<Option<NaiveDate>> {
    let (owner, id) = match subject {
        Subject::Application(id) => ("application_id = $1".to_owned(), id.0),
        Subject::Case(id) => ("case_id = $1".to_owned(), id.0),
        Subject::Review(_)
        | Subject::Rectification(_)
        | Subject::Complaint(_)
        | Subject::Visit(_)
        | Subject::VisitPlan(_)
        | Subject::Observation(_)
        | Subject::Opinion(_)
        | Subject::SupervisionOrder(_) => {
            let (kind, id) = subject.record().unwrap_or_default();
            (format!("record_kind = '{kind}' AND record_id = $1"), id)
        }
    };
    let q =
        format!("SELECT due_on FROM deadlines WHERE {owner} AND code = $2 ORDER BY due_on LIMIT 1");
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(q)).bind(id).bind(code).fetch_optional(c).await?),
    )
}
