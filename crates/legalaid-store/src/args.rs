//! Values bound to the numbered placeholders of a query built from the conditions
//! that are set (ADR 0037: no `($n IS NULL OR …)`, so each query's plan can use
//! the index its conditions name).

use chrono::{DateTime, NaiveDate, Utc};

/// A value bound to a numbered placeholder.
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

#[derive(Default)]
pub(crate) struct Args(pub(crate) Vec<Arg>);

impl Args {
    /// Binds `a` and returns its placeholder.
    pub(crate) fn push(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }

    /// Binds each of `ids` and returns their placeholders for an `IN (…)`.
    pub(crate) fn ints(&mut self, ids: impl IntoIterator<Item = i64>) -> String {
        let marks: Vec<String> = ids.into_iter().map(|i| self.push(Arg::Int(i))).collect();
        marks.join(", ")
    }
}

/// The visibility `scope` as a condition on `column` (the unit a record belongs
/// to), or `None` when the scope is every unit. A region's units are a subquery
/// the row's unit is looked up in; the `+` keeps SQLite from reading each unit's
/// index range and sorting them all, so the list is read in its own order and
/// stops at the page (a region sees most of what it is a part of).
pub(crate) fn unit_scope(
    args: &mut Args,
    scope: &legalaid_domain::visibility::Scope,
    column: &str,
) -> Option<String> {
    use legalaid_domain::visibility::Scope;
    match scope {
        Scope::All => None,
        Scope::Nothing => Some("1 = 0".into()),
        Scope::Unit(u) => Some(format!("{column} = {}", args.push(Arg::Int(u.0)))),
        Scope::Region(r) => {
            let p = args.push(Arg::Text(format!("{}%", r.as_str())));
            Some(format!(
                "+{column} IN (SELECT id FROM units WHERE region_code LIKE {p})"
            ))
        }
    }
}

/// `WHERE` and the conditions joined, or nothing when there are none.
pub(crate) fn where_clause(w: &[String]) -> String {
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

/// `(id, text)` pairs of `sql`, whose `IN ()` takes `ids`.
pub(crate) async fn pairs(
    tx: &mut crate::Tx,
    sql: &str,
    ids: &[i64],
) -> crate::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let sql = sql.replace("IN ()", &format!("IN ({})", args.ints(ids.iter().copied())));
    let rows: Vec<(i64, String)> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    Ok(rows)
}
