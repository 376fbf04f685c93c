//! The case list: a page of the cases the caller may see, newest first, with
//! the names beside each and its next deadline; the choices its filters offer,
//! read in the same transaction (ADR 0040); and the batches an export reads.

use super::store;
use crate::deadlines::DeadlineView;
use crate::paging::ListCursor;
use crate::{App, AppError, AppResult, Ctx, Page, paging, policy, rules, units};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::case::Case;
use legalaid_domain::staff::{Staff, StaffKind};
use legalaid_domain::unit::Unit;
use legalaid_domain::{StaffId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::cases::CaseFilter;
use legalaid_store::staff::StaffFilter;
use serde::Serialize;

/// A row of the case list.
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub case: Case,
    pub recipient_name: String,
    pub handler_name: Option<String>,
    pub handling_unit: Option<String>,
    /// The most pressing running deadline, if any.
    pub next_deadline: Option<DeadlineView>,
}

/// A page of the case list and where the next one starts.
pub type Listed = paging::Listed<ListItem>;

/// A page of the cases the caller may see that pass `filter`: the numbered
/// `page`, or the one after `after` (a keyset, as cheap deep down as at the top).
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &CaseFilter,
    page: Page,
    after: Option<ListCursor>,
) -> AppResult<Listed> {
    let mut tx = app.store.read().await?;
    list_in(app, &mut tx, ctx, filter, page, after).await
}

/// The most handlers the case list's chooser offers at once: past it (a city's or
/// a province's staff) it offers the chosen unit's handlers only.
pub const HANDLER_CHOICES: i64 = 200;

/// What the case list's filters offer beside a page.
#[derive(Debug, Clone)]
pub struct ListChoices {
    /// Every unit the caller can see.
    pub units: Vec<Unit>,
    /// The handlers among the visible staff (judicial office staff do not
    /// handle cases): all of them when they are at most [`HANDLER_CHOICES`],
    /// else those of the unit filtered by; the handler filtered by always.
    pub handlers: Vec<Staff>,
    /// Whether the handlers are too many to offer until a unit is chosen.
    pub handlers_need_unit: bool,
}

/// A page of the case list ([`list`]) and its filters' choices, read in one
/// transaction (ADR 0040).
pub async fn list_page(
    app: &App,
    ctx: &Ctx,
    filter: &CaseFilter,
    page: Page,
    after: Option<ListCursor>,
) -> AppResult<(Listed, ListChoices)> {
    let mut tx = app.store.read().await?;
    let listed = list_in(app, &mut tx, ctx, filter, page, after).await?;
    let units = units::all_visible_in(&mut tx, ctx).await?;
    let scope = policy::scope(ctx);
    let first = Page {
        page: 1,
        per_page: HANDLER_CHOICES,
    };
    let (mut handlers, total) =
        legalaid_store::staff::list(&mut tx, &scope, &StaffFilter::default(), first).await?;
    let mut handlers_need_unit = false;
    if total > HANDLER_CHOICES {
        // Too many to offer: the unit filtered by (its handlers, however many), or
        // none until one is chosen.
        handlers = match filter.unit_id {
            Some(unit) => {
                let of_unit = StaffFilter {
                    unit_id: Some(UnitId(unit)),
                    ..StaffFilter::default()
                };
                legalaid_store::staff::all(&mut tx, &scope, &of_unit).await?
            }
            None => {
                handlers_need_unit = true;
                Vec::new()
            }
        };
    }
    // The handler filtered by stays offered (and chosen), whatever the unit.
    if let Some(id) = filter.handler_id
        && !handlers.iter().any(|p| p.id.0 == id)
    {
        match crate::staff::visible(&mut tx, ctx, StaffId(id)).await {
            Ok(p) => handlers.push(p),
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    handlers.retain(|p| p.kind != StaffKind::JudicialOfficer);
    Ok((
        listed,
        ListChoices {
            units,
            handlers,
            handlers_need_unit,
        },
    ))
}

/// [`list`] within the caller's transaction.
async fn list_in(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    filter: &CaseFilter,
    page: Page,
    after: Option<ListCursor>,
) -> AppResult<Listed> {
    let at = paging::at(page, after.map(ListCursor::key));
    let listed = store::list(tx, &policy::scope(ctx), filter, at).await?;
    let mut listed = paging::Listed::of(listed, |c| {
        ListCursor {
            at: c.created_at,
            id: c.id.0,
        }
        .to_string()
    });
    let f = rules::in_force(app, tx).await?;
    let today = local_date(app.clock.now());
    let cases = std::mem::take(&mut listed.items);
    Ok(listed.with(list_items(tx, cases, Some((&f, today))).await?))
}

/// The next `limit` cases of the list after `after` (the last one's `created_at`
/// and `id`), newest first, without their deadlines: an export goes through every
/// case this way, a batch at a time.
pub async fn list_batch(
    app: &App,
    ctx: &Ctx,
    filter: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> AppResult<Vec<ListItem>> {
    let mut tx = app.store.read().await?;
    let cases = store::list_after(&mut tx, &policy::scope(ctx), filter, after, limit).await?;
    list_items(&mut tx, cases, None).await
}

/// Rows of the case list: the names beside each case (read for the whole page
/// at once) and, given the rules in force and today, its next deadline.
async fn list_items(
    tx: &mut Tx,
    cases: Vec<Case>,
    deadlines: Option<(&rules::InForce, NaiveDate)>,
) -> AppResult<Vec<ListItem>> {
    let beside = store::beside(tx, &cases).await?;
    Ok(cases
        .into_iter()
        .map(|c| {
            let next_deadline = match deadlines {
                Some((f, today)) if c.status.is_open() => {
                    let notified = beside.notified.contains(&c.application_id.0);
                    next_deadline(&c, notified, f, today)
                }
                _ => None,
            };
            ListItem {
                recipient_name: beside
                    .recipients
                    .get(&c.recipient_id.0)
                    .cloned()
                    .unwrap_or_default(),
                handler_name: c.handler_id.and_then(|h| beside.handlers.get(&h).cloned()),
                handling_unit: c
                    .handling_unit_id
                    .and_then(|u| beside.units.get(&u).cloned()),
                next_deadline,
                case: c,
            }
        })
        .collect())
}

/// The earliest deadline still running on an open case.
fn next_deadline(
    c: &Case,
    notified: bool,
    f: &rules::InForce,
    today: NaiveDate,
) -> Option<DeadlineView> {
    crate::deadlines::of_case(c, notified, None, &f.rules, &f.calendar, today)
        .into_iter()
        .filter(|d| !d.met)
        .min_by_key(|d| (d.due, d.due_at))
}
