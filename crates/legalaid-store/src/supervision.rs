//! Supervision data (ADR 0023): the monthly case tallies, the supervision
//! rules with their effective dates, and the targets of a year.

use crate::{Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::CaseType;
use legalaid_domain::supervision::{Entry, Key, Measure, PaceBasis, SupervisionRule};

/// The setting that says the tallies were built from the cases.
pub const BUILT_KEY: &str = "case_tallies_built";

/// Which tally table: the monthly cells, or the daily ones (ADR 0029).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Month,
    Day,
}

/// Rows per multi-row upsert (9 parameters each, well inside both backends'
/// limits).
const UPSERT_ROWS: usize = 200;

/// Adds `entries` (daily cells, as [`legalaid_domain::supervision::tally`]
/// makes them; counts and amounts may be negative: a delta) to the daily
/// tallies and, summed by month, to the monthly ones.
pub async fn apply(tx: &mut Tx, entries: &[Entry]) -> Result<()> {
    add(tx, Grain::Day, entries).await?;
    add(
        tx,
        Grain::Month,
        &legalaid_domain::supervision::tally::monthly(entries),
    )
    .await
}

/// Adds `entries` to one table's cells, several rows to a statement. The
/// entries of one call must name distinct cells (PostgreSQL refuses to update
/// a row twice in one statement) and come in key order, so two writers lock
/// the cells they share in the same order.
pub async fn add(tx: &mut Tx, grain: Grain, entries: &[Entry]) -> Result<()> {
    let (table, columns, key) = match grain {
        Grain::Month => (
            "case_tallies",
            "year, unit_id, month, case_type, later_stage, measure, n, amount_fen",
            "year, unit_id, month, case_type, later_stage, measure",
        ),
        Grain::Day => (
            "case_day_tallies",
            "year, unit_id, month, case_type, later_stage, measure, n, amount_fen, day",
            "year, month, unit_id, day, case_type, later_stage, measure",
        ),
    };
    let width = if grain == Grain::Day { 9 } else { 8 };
    for chunk in entries.chunks(UPSERT_ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let row: Vec<String> = (1..=width).map(|j| format!("${}", i * width + j)).collect();
                format!("({})", row.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {} ON CONFLICT ({key}) DO UPDATE SET \
             n = {table}.n + excluded.n, amount_fen = {table}.amount_fen + excluded.amount_fen",
            values.join(", ")
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                let k = &e.key;
                q = q.bind(i64::from(k.year)).bind(k.unit_id).bind(i64::from(k.month)).bind(k.case_type.as_str())
                    .bind(k.later_stage).bind(k.measure.as_str()).bind(e.count).bind(e.amount_fen);
                if grain == Grain::Day {
                    q = q.bind(i64::from(k.day));
                }
            }
            q.execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

/// Empties the tallies, both grains (before a rebuild, in the same
/// transaction).
pub async fn clear(tx: &mut Tx) -> Result<u64> {
    let mut n = 0;
    for q in ["DELETE FROM case_tallies", "DELETE FROM case_day_tallies"] {
        n += on_tx!(tx, c => sqlx::query(q).execute(c).await?.rows_affected());
    }
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    year: i64,
    unit_id: i64,
    month: i64,
    case_type: String,
    later_stage: bool,
    measure: String,
    n: i64,
    amount_fen: i64,
    day: i64,
}

impl TallyRow {
    fn into_entry(self) -> Result<Entry> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("case_tallies: {what} {v:?}"));
        Ok(Entry {
            key: Key {
                year: i32::try_from(self.year).map_err(|_| bad("year", &self.year.to_string()))?,
                unit_id: self.unit_id,
                month: u32::try_from(self.month)
                    .map_err(|_| bad("month", &self.month.to_string()))?,
                case_type: CaseType::parse(&self.case_type)
                    .ok_or_else(|| bad("case_type", &self.case_type))?,
                later_stage: self.later_stage,
                measure: Measure::parse(&self.measure)
                    .ok_or_else(|| bad("measure", &self.measure))?,
                day: u32::try_from(self.day).map_err(|_| bad("day", &self.day.to_string()))?,
            },
            count: self.n,
            amount_fen: self.amount_fen,
        })
    }
}

const TALLY_COLUMNS: &str =
    "t.year, t.unit_id, t.month, t.case_type, t.later_stage, t.measure, t.n, t.amount_fen";

/// Every non-empty monthly cell, in key order (for the rebuild check and the
/// tests); their `day` is 0.
pub async fn all(tx: &mut Tx) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {TALLY_COLUMNS}, CAST(0 AS BIGINT) AS day FROM case_tallies t WHERE t.n <> 0 OR t.amount_fen <> 0 \
         ORDER BY t.year, t.unit_id, t.month, t.case_type, t.later_stage, t.measure"
    );
    let rows: Vec<TallyRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?);
    rows.into_iter().map(TallyRow::into_entry).collect()
}

/// Every non-empty daily cell of `year`, in key order.
pub async fn days_of_year(tx: &mut Tx, year: i32) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {TALLY_COLUMNS}, CAST(t.day AS BIGINT) AS day FROM case_day_tallies t \
         WHERE t.year = $1 AND (t.n <> 0 OR t.amount_fen <> 0) \
         ORDER BY t.unit_id, t.month, t.case_type, t.later_stage, t.measure, t.day"
    );
    let rows: Vec<TallyRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(year)).fetch_all(c).await?);
    rows.into_iter().map(TallyRow::into_entry).collect()
}

/// The years that have daily cells, with how many.
pub async fn day_years(tx: &mut Tx) -> Result<Vec<(i32, usize)>> {
    const Q: &str = "SELECT CAST(year AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM case_day_tallies GROUP BY year ORDER BY 1";
    let years: Vec<(i64, i64)> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    years
        .into_iter()
        .map(|(y, n)| {
            let year = i32::try_from(y)
                .map_err(|_| StoreError::Corrupt(format!("case_day_tallies: year {y}")))?;
            Ok((year, usize::try_from(n).unwrap_or(usize::MAX)))
        })
        .collect()
}

/// Refreshes the planner's statistics of the tally tables (after a rebuild
/// rewrote them: the plans of the dashboards' sums depend on them).
pub async fn analyze(tx: &mut Tx) -> Result<()> {
    for q in ["ANALYZE case_tallies", "ANALYZE case_day_tallies"] {
        on_tx!(tx, c => sqlx::query(q).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// How many monthly and daily cells there are.
pub async fn cell_counts(tx: &mut Tx) -> Result<(u64, u64)> {
    const Q: &str = "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM case_tallies), \
        (SELECT CAST(COUNT(*) AS BIGINT) FROM case_day_tallies)";
    let (m, d): (i64, i64) = on_tx!(tx, c => sqlx::query_as(Q).fetch_one(c).await?);
    Ok((m.unsigned_abs(), d.unsigned_abs()))
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    event: String,
    case_types: String,
    later_stages: bool,
    basis: String,
    lag_margin_points: i64,
    source: String,
}

/// Every supervision rule, oldest first.
pub async fn rules(tx: &mut Tx) -> Result<Vec<SupervisionRule>> {
    const Q: &str = "SELECT effective_from, effective_to, event, case_types, later_stages, basis, \
        lag_margin_points, source FROM supervision_rules ORDER BY effective_from";
    let rows: Vec<RuleRow> = on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter()
        .map(|r| {
            let bad = |what: &str, v: &str| {
                StoreError::Corrupt(format!(
                    "supervision_rules {}: {what} {v:?}",
                    r.effective_from
                ))
            };
            Ok(SupervisionRule {
                effective_from: r.effective_from,
                effective_to: r.effective_to,
                event: Measure::parse(&r.event).ok_or_else(|| bad("event", &r.event))?,
                case_types: r
                    .case_types
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| CaseType::parse(s).ok_or_else(|| bad("case_types", s)))
                    .collect::<Result<_>>()?,
                later_stages: r.later_stages,
                basis: PaceBasis::parse(&r.basis).ok_or_else(|| bad("basis", &r.basis))?,
                lag_margin_points: i32::try_from(r.lag_margin_points)
                    .map_err(|_| bad("lag_margin_points", &r.lag_margin_points.to_string()))?,
                source: r.source,
            })
        })
        .collect()
}

/// Adds a rule; a second rule starting on the same day meets the unique key.
pub async fn insert_rule(
    tx: &mut Tx,
    r: &SupervisionRule,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO supervision_rules (effective_from, effective_to, event, case_types, later_stages, \
        basis, lag_margin_points, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    let types: Vec<&str> = r.case_types.iter().map(|t| t.as_str()).collect();
    on_tx!(tx, c => sqlx::query(Q).bind(r.effective_from).bind(r.effective_to).bind(r.event.as_str())
        .bind(types.join(",")).bind(r.later_stages).bind(r.basis.as_str()).bind(i64::from(r.lag_margin_points))
        .bind(&r.source).bind(by).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

/// Ends the rule that starts on `from` the day `to` (when a newer one begins).
pub async fn end_rule(tx: &mut Tx, from: NaiveDate, to: NaiveDate) -> Result<bool> {
    const Q: &str = "UPDATE supervision_rules SET effective_to = $1 WHERE effective_from = $2 AND effective_to IS NULL";
    Ok(on_tx!(tx, c => sqlx::query(Q).bind(to).bind(from).execute(c).await?.rows_affected()) == 1)
}

/// The targets of `year` of the units under `region` (every unit for ""):
/// unit and number of cases.
pub async fn targets(tx: &mut Tx, year: i32, region: &str) -> Result<Vec<(i64, i64)>> {
    const Q: &str = "SELECT unit_id, cases FROM targets WHERE year = $1 \
        AND unit_id IN (SELECT id FROM units WHERE region_code LIKE $2)";
    Ok(
        on_tx!(tx, c => sqlx::query_as(Q).bind(i64::from(year)).bind(format!("{region}%"))
        .fetch_all(c).await?),
    )
}

/// The targets by case type of `year` of the units under `region`: unit,
/// case type, number of cases.
pub async fn type_targets(
    tx: &mut Tx,
    year: i32,
    region: &str,
) -> Result<Vec<(i64, CaseType, i64)>> {
    const Q: &str = "SELECT unit_id, case_type, cases FROM case_type_targets WHERE year = $1 \
        AND unit_id IN (SELECT id FROM units WHERE region_code LIKE $2) ORDER BY unit_id, case_type";
    let rows: Vec<(i64, String, i64)> = on_tx!(tx, c => sqlx::query_as(Q)
        .bind(i64::from(year)).bind(format!("{region}%")).fetch_all(c).await?);
    rows.into_iter()
        .map(|(u, t, n)| {
            let t = CaseType::parse(&t).ok_or_else(|| {
                StoreError::Corrupt(format!("case_type_targets: case type {t:?}"))
            })?;
            Ok((u, t, n))
        })
        .collect()
}

/// The sum of a unit's targets by case type for `year` (0 without a split).
pub async fn type_target_sum(tx: &mut Tx, unit: i64, year: i32) -> Result<i64> {
    const Q: &str = "SELECT CAST(COALESCE(SUM(cases), 0) AS BIGINT) FROM case_type_targets \
        WHERE unit_id = $1 AND year = $2";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(unit).bind(i64::from(year)).fetch_one(c).await?))
}

/// Sets a unit's target of `year` and its split by case type (none: no
/// target at all, and no split), replacing what was there.
pub async fn set_unit_target(
    tx: &mut Tx,
    unit: i64,
    year: i32,
    target: Option<(i64, &[(CaseType, i64)])>,
) -> Result<()> {
    const CLEAR_TYPES: &str = "DELETE FROM case_type_targets WHERE unit_id = $1 AND year = $2";
    const CLEAR: &str = "DELETE FROM targets WHERE unit_id = $1 AND year = $2";
    const SET: &str = "INSERT INTO targets (unit_id, year, cases) VALUES ($1, $2, $3) \
        ON CONFLICT (unit_id, year) DO UPDATE SET cases = excluded.cases";
    const TYPE: &str =
        "INSERT INTO case_type_targets (unit_id, year, case_type, cases) VALUES ($1, $2, $3, $4)";
    let y = i64::from(year);
    on_tx!(tx, c => sqlx::query(CLEAR_TYPES).bind(unit).bind(y).execute(c).await?.rows_affected());
    match target {
        None => {
            on_tx!(tx, c => sqlx::query(CLEAR).bind(unit).bind(y).execute(c).await?.rows_affected());
        }
        Some((cases, types)) => {
            on_tx!(tx, c => sqlx::query(SET).bind(unit).bind(y).bind(cases).execute(c).await?.rows_affected());
            for (t, n) in types {
                on_tx!(tx, c => sqlx::query(TYPE).bind(unit).bind(y).bind(t.as_str()).bind(n)
                    .execute(c).await?.rows_affected());
            }
        }
    }
    Ok(())
}

/// A sum of tally cells: whose (a child's key, or empty for the whole), the
/// month (0 when summed over months), and the rest of the tally key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub child: String,
    pub month: u32,
    pub case_type: CaseType,
    pub later_stage: bool,
    pub measure: Measure,
    pub count: i64,
    pub amount_fen: i64,
}

/// How cells are summed.
#[derive(Debug, Clone, Copy)]
pub enum SumBy {
    /// Per child region: the first `n` characters of the unit's region code,
    /// over the months.
    Region(usize),
    /// Per child region and month.
    RegionMonth(usize),
    /// Per unit (its id as text), over the months.
    Unit,
    /// Per unit and month.
    UnitMonth,
}

#[derive(sqlx::FromRow)]
struct CellRow {
    child: String,
    month: i64,
    case_type: String,
    later_stage: bool,
    measure: String,
    n: i64,
    amount_fen: i64,
}

/// How far into a year cells are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// The whole months 1 to `m` (the monthly cells).
    Month(u32),
    /// The days 1 to `d` of month `m` (the daily cells).
    Day(u32, u32),
}

/// The tallies of `year` through `through` for the units under `region`
/// (every unit for ""), summed in the database: a province's year is a few
/// hundred rows, not one per unit and month. The region's units are looked up
/// first (a small table) and their cells by key.
pub async fn sums(
    tx: &mut Tx,
    region: &str,
    year: i32,
    through: Through,
    by: SumBy,
) -> Result<Vec<Cell>> {
    let (child, month) = match by {
        SumBy::Region(n) => (
            format!("substr(u.region_code, 1, {n})"),
            "CAST(0 AS BIGINT)",
        ),
        SumBy::RegionMonth(n) => (
            format!("substr(u.region_code, 1, {n})"),
            "CAST(t.month AS BIGINT)",
        ),
        SumBy::Unit => ("CAST(t.unit_id AS TEXT)".to_owned(), "CAST(0 AS BIGINT)"),
        SumBy::UnitMonth => (
            "CAST(t.unit_id AS TEXT)".to_owned(),
            "CAST(t.month AS BIGINT)",
        ),
    };
    let join = if matches!(by, SumBy::Region(_) | SumBy::RegionMonth(_)) {
        "JOIN units u ON u.id = t.unit_id"
    } else {
        ""
    };
    let (table, when, day) = match through {
        Through::Month(_) => ("case_tallies", "t.month <= $2", None),
        Through::Day(_, d) => ("case_day_tallies", "t.month = $2 AND t.day <= $4", Some(d)),
    };
    let month_bound = match through {
        Through::Month(m) | Through::Day(m, _) => m,
    };
    let sql = format!(
        "SELECT {child} AS child, {month} AS month, t.case_type, t.later_stage, t.measure, \
         CAST(SUM(t.n) AS BIGINT) AS n, CAST(SUM(t.amount_fen) AS BIGINT) AS amount_fen \
         FROM {table} t {join} \
         WHERE t.year = $1 AND {when} AND t.unit_id IN (SELECT id FROM units WHERE region_code LIKE $3) \
         GROUP BY 1, 2, t.case_type, t.later_stage, t.measure"
    );
    let like = format!("{region}%");
    let rows: Vec<CellRow> = on_tx!(tx, c => {
        let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(year)).bind(i64::from(month_bound)).bind(&like);
        match day {
            Some(d) => q.bind(i64::from(d)).fetch_all(c).await?,
            None => q.fetch_all(c).await?,
        }
    });
    rows.into_iter()
        .map(|r| {
            let bad =
                |what: &str, v: &str| StoreError::Corrupt(format!("case_tallies: {what} {v:?}"));
            Ok(Cell {
                month: u32::try_from(r.month).map_err(|_| bad("month", &r.month.to_string()))?,
                case_type: CaseType::parse(&r.case_type)
                    .ok_or_else(|| bad("case_type", &r.case_type))?,
                measure: Measure::parse(&r.measure).ok_or_else(|| bad("measure", &r.measure))?,
                later_stage: r.later_stage,
                child: r.child,
                count: r.n,
                amount_fen: r.amount_fen,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- statistics

#[derive(sqlx::FromRow)]
struct FactRow {
    id: i64,
    case_type: String,
    matter_code: String,
    service_form: String,
    channel: String,
    groups: String,
    intake_unit_id: i64,
    handling_unit_id: Option<i64>,
    handler_id: Option<i64>,
    created_at: DateTime<Utc>,
    status: String,
    closure_submitted_at: Option<DateTime<Utc>>,
    terminated_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    subsidy_status: String,
    subsidy_fen: Option<i64>,
    amount_fen: i64,
}

/// A batch of the facts of the cases opened in `[from, to)` by units whose
/// region code starts with `region`, after the keyset `(created_at, id)`, in
/// that order: the statistics read every case of the period a batch at a time.
pub async fn facts_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<
    Vec<(
        DateTime<Utc>,
        i64,
        legalaid_domain::supervision::stats::Facts,
    )>,
> {
    use chrono::Datelike;
    use legalaid_domain::application::{Channel, ServiceForm};
    use legalaid_domain::case::{CaseOutcome, CaseStatus, SubsidyStatus};
    use legalaid_domain::person::RecipientGroup;
    const Q: &str = "SELECT c.id, c.case_type, a.matter_code, a.service_form, a.channel, p.groups, \
        c.intake_unit_id, c.handling_unit_id, c.handler_id, c.created_at, c.status, c.closure_submitted_at, \
        c.terminated_at, c.outcome, c.subsidy_status, c.subsidy_fen, c.amount_fen \
        FROM cases c JOIN applications a ON a.id = c.application_id JOIN persons p ON p.id = c.recipient_id \
        JOIN units u ON u.id = c.intake_unit_id \
        WHERE u.region_code LIKE $1 AND c.created_at >= $2 AND c.created_at < $3 \
        AND (c.created_at > $4 OR (c.created_at = $4 AND c.id > $5)) \
        ORDER BY c.created_at, c.id LIMIT $6";
    let (after_at, after_id) = after.unwrap_or((from - chrono::Duration::seconds(1), 0));
    // Unprepared, so PostgreSQL plans each batch for its values (see
    // `report_forms`: a generic plan walks the region's every case per batch).
    let rows: Vec<FactRow> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(format!("{region}%")).bind(from).bind(to).bind(after_at).bind(after_id).bind(limit)
        .fetch_all(c).await?);
    let bad =
        |id: i64, what: &str, v: &str| StoreError::Corrupt(format!("case {id}: {what} {v:?}"));
    // Only rows past the key: a timestamp kept in SQLite in another text form
    // than the one bound (written by another program) can compare past
    // itself and come back; it must not be counted twice nor stop the end.
    rows.into_iter()
        .filter(|r| after.is_none_or(|a| (r.created_at, r.id) > a))
        .map(|r| {
            let local = legalaid_domain::local_date(r.created_at);
            let status =
                CaseStatus::parse(&r.status).ok_or_else(|| bad(r.id, "status", &r.status))?;
            let facts = legalaid_domain::supervision::stats::Facts {
                case_type: CaseType::parse(&r.case_type)
                    .ok_or_else(|| bad(r.id, "case type", &r.case_type))?,
                matter_code: r.matter_code,
                service_form: ServiceForm::parse(&r.service_form)
                    .ok_or_else(|| bad(r.id, "service form", &r.service_form))?,
                channel: Channel::parse(&r.channel)
                    .ok_or_else(|| bad(r.id, "channel", &r.channel))?,
                groups: r
                    .groups
                    .split(',')
                    .filter(|g| !g.is_empty())
                    .filter_map(RecipientGroup::parse)
                    .collect(),
                intake_unit_id: r.intake_unit_id,
                handling_unit_id: r.handling_unit_id,
                handler_id: r.handler_id,
                year: local.year(),
                month: local.month(),
                status,
                concluded: r.closure_submitted_at.is_some() || r.terminated_at.is_some(),
                outcome: r.outcome.as_deref().and_then(CaseOutcome::parse),
                subsidy_status: SubsidyStatus::parse(&r.subsidy_status)
                    .ok_or_else(|| bad(r.id, "subsidy status", &r.subsidy_status))?,
                subsidy_fen: r.subsidy_fen.unwrap_or(0),
                amount_fen: r.amount_fen,
            };
            Ok((r.created_at, r.id, facts))
        })
        .collect()
}
