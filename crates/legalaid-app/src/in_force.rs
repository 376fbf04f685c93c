//! The rules, the working-day calendar and the subsidy schedule in force, as one
//! snapshot cached in memory and kept in step across instances by a generation in
//! the settings.
//! Below the rule editing (`rules`) and everything that reads the rules (the
//! queues too), so that neither depends on the other for it.

use crate::{App, AppResult};
use legalaid_domain::calendar::WorkCalendar;
use legalaid_domain::rules::RuleBook;
use legalaid_domain::subsidy::SubsidySchedule;
use legalaid_store::rules as store;

/// The rules in force, the working-day calendar and the subsidy schedule, as one
/// snapshot.
#[derive(Debug)]
pub struct InForce {
    generation: String,
    pub rules: std::sync::Arc<RuleBook>,
    pub calendar: std::sync::Arc<WorkCalendar>,
    /// The subsidy schedule, every version (the case page computes with it).
    pub subsidy: std::sync::Arc<SubsidySchedule>,
}

/// The settings key whose value changes with every change of the rules, the
/// calendar or the subsidy schedule.
const GENERATION: &str = "rules_generation";

/// The rules, calendar and subsidy schedule in force, from the in-memory cache
/// when no instance has changed them since (one small query), else read inside
/// the caller's transaction. Every change of any of them writes a new generation
/// in its own transaction ([`changed`]), so instances sharing a database stay in
/// step.
pub async fn in_force(
    app: &App,
    tx: &mut legalaid_store::Tx,
) -> AppResult<std::sync::Arc<InForce>> {
    let generation = legalaid_store::applications::setting(tx, GENERATION)
        .await?
        .unwrap_or_default();
    if let Ok(guard) = app.rules_cache.read()
        && let Some(c) = guard.as_ref()
        && c.generation == generation
    {
        return Ok(c.clone());
    }
    let loaded = std::sync::Arc::new(InForce {
        generation,
        rules: std::sync::Arc::new(store::load(tx).await?),
        calendar: std::sync::Arc::new(store::calendar(tx).await?.0),
        subsidy: std::sync::Arc::new(legalaid_store::subsidies::schedule(tx).await?),
    });
    if let Ok(mut guard) = app.rules_cache.write() {
        *guard = Some(loaded.clone());
    }
    Ok(loaded)
}

/// Records that the rules, the calendar or the subsidy schedule changed (inside
/// the change's transaction).
pub(crate) async fn changed(tx: &mut legalaid_store::Tx) -> AppResult<()> {
    let generation = crate::auth::random_secret();
    legalaid_store::applications::set_setting(tx, GENERATION, &generation).await?;
    Ok(())
}
