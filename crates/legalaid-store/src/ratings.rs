//! The handler's quality rating (migration 0020): the rule's versions, and the
//! evidence it reads — graded cases, final review grades, upheld complaints.

use crate::{Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::case::Grade;
use legalaid_domain::rating::{RatingRule, RatingRules};

/// Every version of the rule.
pub async fn rules(tx: &mut Tx) -> Result<RatingRules> {
    const Q: &str = "SELECT rule FROM rating_rules ORDER BY effective_from";
    let rows: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(Q).fetch_all(c).await?);
    let list = rows
        .iter()
        .map(|r| {
            serde_json::from_str(r).map_err(|e| StoreError::Corrupt(format!("rating_rules: {e}")))
        })
        .collect::<Result<Vec<RatingRule>>>()?;
    Ok(RatingRules(list))
}

/// Adds a version. A second version of the same day is `Duplicate`.
pub async fn insert_rule(
    tx: &mut Tx,
    rule: &RatingRule,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO rating_rules (effective_from, rule, created_by, created_at) VALUES ($1, $2, $3, $4)";
    let json = serde_json::to_string(rule).map_err(|e| StoreError::Db(e.to_string()))?;
    on_tx!(tx, c => sqlx::query(Q).bind(rule.effective_from).bind(json).bind(created_by).bind(now)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// A grade of a handler's case: the case, when and what.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GradeRow {
    pub handler_id: i64,
    pub case_id: i64,
    pub at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub grade: Grade,
}

fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The grades of the cases of `handlers` graded since `from`: the case's own
/// grade, and the final grades of file reviews (which the case keeps unless its
/// subsidy was paid before). Read 500 handlers at a time.
pub async fn grades(
    tx: &mut Tx,
    handlers: &[i64],
    from: DateTime<Utc>,
) -> Result<Vec<(GradeRow, bool)>> {
    let mut out = Vec::new();
    for chunk in handlers.chunks(500) {
        // Ids are numbers from the database, never user text.
        let ids = id_list(chunk);
        let cases = format!(
            "SELECT handler_id, id AS case_id, graded_at AS at, grade FROM cases \
             WHERE handler_id IN ({ids}) AND graded_at IS NOT NULL AND graded_at >= $1"
        );
        let reviews = format!(
            "SELECT handler_id, case_id, final_at AS at, final_grade AS grade FROM reviews \
             WHERE handler_id IN ({ids}) AND final_at IS NOT NULL AND final_at >= $1 AND final_grade IS NOT NULL"
        );
        let a: Vec<GradeRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(cases)).bind(from).fetch_all(c).await?);
        let b: Vec<GradeRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(reviews)).bind(from).fetch_all(c).await?);
        out.extend(a.into_iter().map(|r| (r, false)));
        out.extend(b.into_iter().map(|r| (r, true)));
    }
    Ok(out)
}

/// The upheld complaints about `handlers` decided since `from`: (handler, when).
pub async fn upheld_complaints(
    tx: &mut Tx,
    handlers: &[i64],
    from: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    let mut out = Vec::new();
    for chunk in handlers.chunks(500) {
        let ids = id_list(chunk);
        let q = format!(
            "SELECT respondent_staff_id, concluded_at FROM complaints WHERE respondent_staff_id IN ({ids}) \
             AND concluded_at IS NOT NULL AND concluded_at >= $1 AND outcome IN ('sanctioned', 'corrected')"
        );
        let rows: Vec<(i64, DateTime<Utc>)> =
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(from).fetch_all(c).await?);
        out.extend(rows);
    }
    Ok(out)
}

/// The overall evaluations (总体评价) recipients gave in reached follow-up
/// visits and through the portal's evaluation link on the cases of `handlers`
/// since `from`: (handler, day, rating).
pub async fn evaluations(
    tx: &mut Tx,
    handlers: &[i64],
    from: chrono::NaiveDate,
) -> Result<
    Vec<(
        i64,
        chrono::NaiveDate,
        legalaid_domain::followup::Satisfaction,
    )>,
> {
    let mut out = Vec::new();
    for chunk in handlers.chunks(500) {
        let ids = id_list(chunk);
        let q = format!(
            "SELECT handler_id, visited_on, overall FROM visits WHERE handler_id IN ({ids}) \
             AND visited_on >= $1 AND outcome = 'connected' AND overall IS NOT NULL"
        );
        let rows: Vec<(i64, chrono::NaiveDate, String)> =
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(from).fetch_all(c).await?);
        out.extend(rows.into_iter().filter_map(|(h, d, r)| {
            legalaid_domain::followup::Satisfaction::parse(&r).map(|s| (h, d, s))
        }));
        // The recipients' own evaluations through the portal's link (ADR 0020).
        let q = format!(
            "SELECT handler_id, answered_on, overall FROM portal_evaluations WHERE handler_id IN ({ids}) \
             AND answered_on >= $1 AND overall IS NOT NULL"
        );
        let rows: Vec<(i64, chrono::NaiveDate, String)> =
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(from).fetch_all(c).await?);
        out.extend(rows.into_iter().filter_map(|(h, d, r)| {
            legalaid_domain::followup::Satisfaction::parse(&r).map(|s| (h, d, s))
        }));
    }
    Ok(out)
}
