//! The case list at scale (ADR 0037): only the conditions a request asks for,
//! each unit's cases read in newest-first order from an index (one branch for the
//! cases it received, one for those it handles, merged), a keyset for the next
//! page, and a count that stops at [`crate::COUNT_CAP`].

use super::{COLUMNS, CaseFilter, Row, year_bounds};
use crate::args::{Arg, Args, pairs};
use crate::{Page, Result, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::case::Case;
use legalaid_domain::visibility::Scope;

/// Where a page of the list starts: a numbered page, or after a case (its
/// `created_at` and `id`).
pub type At = crate::capped::At<(DateTime<Utc>, i64)>;

/// A page of the list and how many cases the whole list has, counted up to
/// [`crate::COUNT_CAP`].
pub type Listed = crate::capped::Capped<Case>;

/// Which rows each branch of the query starts from.
enum Plan {
    /// One scan in newest-first order with every condition on it.
    One,
    /// For each of these units, its received cases and then the cases it handles
    /// that none of them received: each branch an index range in order.
    Units(Vec<i64>),
}

/// Scopes of at most this many units are read unit by unit; larger ones (a city,
/// a province) are one scan of the newest cases, most of which they see.
const UNITS_BY_BRANCH: usize = 16;

/// The conditions of the filter (and the visibility, when `scope` is set) on
/// `c`, binding their values into `args`.
fn conditions(
    args: &mut Args,
    scope: Option<&Scope>,
    f: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
) -> Vec<String> {
    let mut w = Vec::new();
    match scope {
        None | Some(Scope::All) => {}
        Some(Scope::Nothing) => w.push("1 = 0".to_owned()),
        Some(Scope::Unit(u)) => {
            let p = args.push(Arg::Int(u.0));
            w.push(format!(
                "(c.intake_unit_id = {p} OR c.handling_unit_id = {p})"
            ));
        }
        Some(Scope::Region(r)) => {
            let p = args.push(Arg::Text(format!("{}%", r.as_str())));
            w.push(format!(
                "(c.intake_unit_id IN (SELECT id FROM units WHERE region_code LIKE {p}) \
                 OR c.handling_unit_id IN (SELECT id FROM units WHERE region_code LIKE {p}))"
            ));
        }
    }
    if let Some(s) = f.status {
        w.push(format!(
            "c.status = {}",
            args.push(Arg::Text(s.as_str().into()))
        ));
    }
    if let Some(h) = f.handler_id {
        w.push(format!("c.handler_id = {}", args.push(Arg::Int(h))));
    }
    let (from_t, to_t) = year_bounds(f.year);
    if let Some(t) = from_t {
        w.push(format!("c.created_at >= {}", args.push(Arg::Time(t))));
    }
    if let Some(t) = to_t {
        w.push(format!("c.created_at < {}", args.push(Arg::Time(t))));
    }
    if let Some(t) = f.case_type {
        w.push(format!(
            "c.case_type = {}",
            args.push(Arg::Text(t.as_str().into()))
        ));
    }
    if let Some(s) = f.subsidy_status {
        w.push(format!(
            "c.subsidy_status = {}",
            args.push(Arg::Text(s.as_str().into()))
        ));
    }
    if f.open {
        w.push(
            "c.status IN ('awaiting_assignment', 'awaiting_handler', 'assigned', 'in_progress', 'closure_submitted')"
                .into(),
        );
    }
    if let Some((t, id)) = after {
        // A row value: both backends bound the index range with it.
        let (t, id) = (args.push(Arg::Time(t)), args.push(Arg::Int(id)));
        w.push(format!("(c.created_at, c.id) < ({t}, {id})"));
    }
    w
}

/// The units of a scope, `None` for every unit.
async fn units_of(tx: &mut Tx, scope: &Scope) -> Result<Option<Vec<i64>>> {
    Ok(match scope {
        Scope::All => None,
        Scope::Nothing => Some(Vec::new()),
        Scope::Unit(u) => Some(vec![u.0]),
        Scope::Region(r) => {
            let prefix = format!("{}%", r.as_str());
            let ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM units WHERE region_code LIKE $1 ORDER BY id")
                .bind(&prefix).fetch_all(c).await?);
            Some(ids)
        }
    })
}

/// The branches of the query: each a `WHERE` clause (without the word).
fn branches(
    args: &mut Args,
    plan: &Plan,
    scope: Option<&Scope>,
    f: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
) -> Vec<String> {
    let join = |w: Vec<String>| {
        if w.is_empty() {
            "1 = 1".to_owned()
        } else {
            w.join(" AND ")
        }
    };
    match plan {
        Plan::One => vec![join(conditions(args, scope, f, after))],
        Plan::Units(units) => {
            let mut out = Vec::with_capacity(units.len() * 2);
            // The unit filter is one of `units`; the scope's residual check is
            // needed only when it is not one of the scope's own.
            let filter = CaseFilter {
                unit_id: None,
                ..f.clone()
            };
            for &u in units {
                let mut w = vec![format!("c.intake_unit_id = {}", args.push(Arg::Int(u)))];
                w.extend(conditions(args, scope, &filter, after));
                out.push(join(w));
                let mut w = vec![format!("c.handling_unit_id = {}", args.push(Arg::Int(u)))];
                let others: Vec<String> = units.iter().map(|&o| args.push(Arg::Int(o))).collect();
                w.push(format!("c.intake_unit_id NOT IN ({})", others.join(", ")));
                w.extend(conditions(args, scope, &filter, after));
                out.push(join(w));
            }
            out
        }
    }
}

/// How the list is read: by unit when the filter names one or the scope is
/// small, else one scan; and the scope still to check on each row (`None` when
/// the plan's units are all visible).
async fn plan<'s>(
    tx: &mut Tx,
    scope: &'s Scope,
    f: &CaseFilter,
) -> Result<Option<(Plan, Option<&'s Scope>)>> {
    let visible = units_of(tx, scope).await?;
    Ok(match (f.unit_id, visible) {
        (_, Some(v)) if v.is_empty() => None,
        (Some(u), None) => Some((Plan::Units(vec![u]), None)),
        (Some(u), Some(v)) => {
            let residual = (!v.contains(&u)).then_some(scope);
            Some((Plan::Units(vec![u]), residual))
        }
        // A handler's cases: their own index range.
        (None, v) if f.handler_id.is_some() => Some((Plan::One, v.map(|_| scope))),
        (None, Some(v)) if v.len() <= UNITS_BY_BRANCH => Some((Plan::Units(v), None)),
        (None, v) => Some((Plan::One, v.map(|_| scope))),
    })
}

/// A page of the cases in `scope` that pass `f`, newest first, with the count.
pub async fn list(tx: &mut Tx, scope: &Scope, f: &CaseFilter, at: At) -> Result<Listed> {
    let Some((plan, residual)) = plan(tx, scope, f).await? else {
        return Ok(Listed::empty());
    };
    let (items, has_next) = page(tx, &plan, residual, f, at).await?;
    // A first page that is the whole list is its own count.
    let (total, more_than) = if at.is_first() && !has_next {
        (i64::try_from(items.len()).unwrap_or(0), None)
    } else {
        count(tx, &plan, residual, f).await?
    };
    Ok(Listed {
        items,
        total,
        more_than,
        has_next,
    })
}

/// The next `limit` cases after `after`, without counting (exports).
pub async fn after(
    tx: &mut Tx,
    scope: &Scope,
    f: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<Case>> {
    let Some((plan, residual)) = plan(tx, scope, f).await? else {
        return Ok(Vec::new());
    };
    let at = match after {
        Some(key) => At::After {
            key,
            per_page: limit,
        },
        None => At::Page(Page {
            page: 1,
            per_page: limit,
        }),
    };
    Ok(page(tx, &plan, residual, f, at).await?.0)
}

async fn page(
    tx: &mut Tx,
    plan: &Plan,
    residual: Option<&Scope>,
    f: &CaseFilter,
    at: At,
) -> Result<(Vec<Case>, bool)> {
    let (offset, keyset) = (at.offset(), at.key().copied());
    // One more than the page, to know whether another follows.
    let per_page = at.per_page();
    let want = per_page.saturating_add(1);
    let mut args = Args::default();
    let wheres = branches(&mut args, plan, residual, f, keyset);
    const ORDER: &str = "ORDER BY c.created_at DESC, c.id DESC";
    let sql = if let [w] = wheres.as_slice() {
        format!("SELECT {COLUMNS} FROM cases c WHERE {w} {ORDER} LIMIT {want} OFFSET {offset}")
    } else {
        // Each branch reads no more than the page needs from its own index range.
        let reach = offset.saturating_add(want);
        let parts: Vec<String> = wheres
            .iter()
            .enumerate()
            .map(|(i, w)| {
                format!(
                    "SELECT * FROM (SELECT {COLUMNS} FROM cases c WHERE {w} {ORDER} LIMIT {reach}) AS b{i}"
                )
            })
            .collect();
        format!(
            "{} ORDER BY created_at DESC, id DESC LIMIT {want} OFFSET {offset}",
            parts.join(" UNION ALL ")
        )
    };
    let rows: Vec<Row> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    let cases = rows
        .into_iter()
        .map(Row::into_case)
        .collect::<Result<Vec<_>>>()?;
    Ok(Listed::page(cases, &at))
}

/// The list's cases counted up to [`crate::COUNT_CAP`].
async fn count(
    tx: &mut Tx,
    plan: &Plan,
    residual: Option<&Scope>,
    f: &CaseFilter,
) -> Result<(i64, Option<i64>)> {
    let mut args = Args::default();
    let wheres = branches(&mut args, plan, residual, f, None);
    // The branches one after another, stopped together at the cap: a count
    // reads at most one past the cap in all, not in each branch.
    let parts: Vec<String> = wheres
        .iter()
        .map(|w| format!("SELECT 1 AS x FROM cases c WHERE {w}"))
        .collect();
    let from = format!("FROM ({}) AS u", parts.join(" UNION ALL "));
    crate::capped::count(tx, &from, &args).await
}

/// What a page of the list shows beside its cases, read in one query per kind
/// instead of one per case: the recipients', handlers' and handling units'
/// names, and the applications that came as notifications (their deadlines
/// differ).
#[derive(Debug, Clone, Default)]
pub struct Beside {
    pub recipients: std::collections::HashMap<i64, String>,
    pub handlers: std::collections::HashMap<i64, String>,
    pub units: std::collections::HashMap<i64, String>,
    pub notified: std::collections::HashSet<i64>,
}

pub async fn beside(tx: &mut Tx, cases: &[Case]) -> Result<Beside> {
    fn ids(it: impl Iterator<Item = i64>) -> Vec<i64> {
        let mut v: Vec<i64> = it.collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    let persons = ids(cases.iter().map(|c| c.recipient_id.0));
    let staff = ids(cases.iter().filter_map(|c| c.handler_id));
    let units = ids(cases.iter().filter_map(|c| c.handling_unit_id));
    let apps = ids(cases.iter().map(|c| c.application_id.0));
    Ok(Beside {
        recipients: pairs(tx, "SELECT id, name FROM persons WHERE id IN ()", &persons)
            .await?
            .into_iter()
            .collect(),
        handlers: pairs(tx, "SELECT id, name FROM staff WHERE id IN ()", &staff)
            .await?
            .into_iter()
            .collect(),
        units: pairs(tx, "SELECT id, name FROM units WHERE id IN ()", &units)
            .await?
            .into_iter()
            .collect(),
        notified: pairs(
            tx,
            "SELECT id, channel FROM applications WHERE id IN ()",
            &apps,
        )
        .await?
        .into_iter()
        .filter(|(_, ch)| ch == legalaid_domain::application::Channel::Notified.as_str())
        .map(|(id, _)| id)
        .collect(),
    })
}
