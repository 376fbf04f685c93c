//! A handler's quality rating, closing the loop from the quality tools to who
//! gets the next case: the final grades of their cases, the complaints upheld
//! about them and recipients' overall evaluations, over a window, folded by the
//! rule in force (`legalaid_domain::rating`, data with effective dates). The
//! staff page shows it with its derivation; the assignment ranking weighs it
//! and says so in its reasons.

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use chrono::{Months, NaiveDate, TimeZone, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::rating::{Evidence, Rating, RatingRule, RatingRules, rate};
use legalaid_domain::role::Role;
use legalaid_domain::{StaffId, local_date};
use legalaid_store::Tx;
use legalaid_store::ratings as store;
use serde::Serialize;
use std::collections::HashMap;

/// The day the shipped default rule governs from (the Legal Aid Law's entry into
/// force).
fn shipped_from() -> NaiveDate {
    legalaid_domain::deadline::legal_aid_law_in_force()
}

/// The versions of the rule; the product defaults when none is stored.
pub(crate) async fn rules(tx: &mut Tx) -> AppResult<RatingRules> {
    let stored = store::rules(tx).await?;
    Ok(if stored.0.is_empty() {
        RatingRules(vec![RatingRule::defaults(shipped_from())])
    } else {
        stored
    })
}

/// The ratings of `handlers` on `today`, by staff id (handlers without evidence
/// are rated too: the neutral score, said so in the derivation).
pub(crate) async fn of_handlers(
    tx: &mut Tx,
    handlers: &[i64],
    today: NaiveDate,
) -> AppResult<(HashMap<i64, Rating>, RatingRule)> {
    let rules = rules(tx).await?;
    let rule = rules
        .in_force(today)
        .cloned()
        .unwrap_or_else(|| RatingRule::defaults(shipped_from()));
    let from_day = today
        .checked_sub_months(Months::new(rule.window_months))
        .unwrap_or(NaiveDate::MIN);
    // The window's first day in China time, as an instant.
    let from = Utc.from_utc_datetime(
        &(from_day.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)),
    );
    let mut evidence: HashMap<i64, Evidence> = HashMap::new();
    // A review's final grade stands for its case (a paid case keeps its own).
    let mut by_case: HashMap<(i64, i64), (NaiveDate, legalaid_domain::case::Grade, bool)> =
        HashMap::new();
    for (g, from_review) in store::grades(tx, handlers, from).await? {
        let key = (g.handler_id, g.case_id);
        let entry = (local_date(g.at), g.grade, from_review);
        match by_case.get(&key) {
            Some((_, _, true)) if !from_review => {}
            Some((d, _, r)) if *r == from_review && *d >= entry.0 => {}
            _ => {
                by_case.insert(key, entry);
            }
        }
    }
    for ((h, _), (d, g, _)) in by_case {
        evidence.entry(h).or_default().grades.push((d, g));
    }
    for (h, at) in store::upheld_complaints(tx, handlers, from).await? {
        evidence
            .entry(h)
            .or_default()
            .upheld_complaints
            .push(local_date(at));
    }
    for (h, d, e) in store::evaluations(tx, handlers, from_day).await? {
        evidence.entry(h).or_default().evaluations.push((d, e));
    }
    let ratings = handlers
        .iter()
        .map(|h| {
            let e = evidence.remove(h).unwrap_or_default();
            (*h, rate(&e, &rule, today))
        })
        .collect();
    Ok((ratings, rule))
}

/// A handler's rating with the rule it was reached by.
#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    pub staff_id: i64,
    pub rating: Rating,
    pub rule: RatingRule,
    /// What the rating does in the assignment ranking, in words.
    pub ranking: String,
}

/// The rating of a staff member the caller can see.
pub async fn of_staff(app: &App, ctx: &Ctx, id: StaffId) -> AppResult<RatingView> {
    crate::staff::get(app, ctx, id).await?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.read().await?;
    let (mut ratings, rule) = of_handlers(&mut tx, &[id.0], today).await?;
    let rating = ratings.remove(&id.0).ok_or(AppError::NotFound)?;
    let (_, ranking) = legalaid_domain::rating::ranking_factor(&rating, &rule);
    Ok(RatingView {
        staff_id: id.0,
        rating,
        rule,
        ranking,
    })
}

/// The versions of the rating rule (every signed-in user may read how ratings
/// are made).
pub async fn list_rules(app: &App, _ctx: &Ctx) -> AppResult<Vec<RatingRule>> {
    let mut tx = app.store.read().await?;
    Ok(rules(&mut tx).await?.0)
}

/// Adds a version of the rule, in force from its date (administrators and
/// bureau supervisors). The shipped defaults are stored first, so the history
/// shows what governed before.
pub async fn add_rule(app: &App, ctx: &Ctx, rule: RatingRule) -> AppResult<Vec<RatingRule>> {
    policy::require(policy::acts_as(ctx, &[Role::BureauSupervisor]))?;
    rule.validate().map_err(AppError::Validation)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if store::rules(&mut tx).await?.0.is_empty() {
        store::insert_rule(&mut tx, &RatingRule::defaults(shipped_from()), None, now).await?;
    }
    store::insert_rule(&mut tx, &rule, ctx.user_id(), now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RatingRuleAdd,
        rule.effective_from,
        None::<&()>,
        Some(&rule),
    )
    .await?;
    let out = rules(&mut tx).await?.0;
    tx.commit().await?;
    Ok(out)
}
