//! The public side of a survey: a person with a code (from a link or a QR
//! code) reads the questionnaire and answers it once. Nothing identifies them:
//! no sign-in, and the answer keeps no IP address, phone or name (it is not in
//! the audit trail either, whose entries carry the client's address).
//!
//! Flooding: codes are 128 random bits, so guessing one is hopeless and an
//! unknown code is a plain 404; each code answers once (a unique key); and each
//! client address may make [`PER_WINDOW`] requests a minute to these pages
//! (counted in memory by address, which is never written anywhere).

use super::{load_instrument, townships};
use crate::{App, AppError, AppResult, RequestMeta};
use chrono::{DateTime, Utc};
use legalaid_domain::survey::{self as domain, AnswerChannel, Instrument, Responses};
use legalaid_domain::{CampaignId, InstrumentId, UnitId, local_date};
use legalaid_store::surveys::{self as store, Answer, JsonResponses};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

/// Requests per client address and minute to the public survey pages.
pub const PER_WINDOW: u32 = 60;
const WINDOW_SECS: i64 = 60;
/// Addresses remembered at most; beyond, windows that ended are forgotten.
const MAX_ADDRESSES: usize = 20_000;

/// Requests per client address in the current minute.
#[derive(Debug, Default)]
pub struct Limiter {
    seen: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

impl Limiter {
    /// Counts a request from `address` at `now`; refuses it (429) beyond
    /// [`PER_WINDOW`] in its minute.
    pub fn check(&self, address: &str, now: DateTime<Utc>) -> AppResult<()> {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= MAX_ADDRESSES {
            seen.retain(|_, (start, _)| (now - *start).num_seconds() < WINDOW_SECS);
        }
        let e = seen.entry(address.to_owned()).or_insert((now, 0));
        let elapsed = (now - e.0).num_seconds();
        if !(0..WINDOW_SECS).contains(&elapsed) {
            *e = (now, 0);
        }
        e.1 += 1;
        if e.1 > PER_WINDOW {
            let wait = (WINDOW_SECS - (now - e.0).num_seconds()).max(1);
            return Err(AppError::TooManyRequests {
                retry_after_secs: u64::try_from(wait).unwrap_or(1),
            });
        }
        Ok(())
    }
}

/// A code's value as it may appear: 32 lower-case hex digits. Anything else is
/// not looked up.
fn well_formed(code: &str) -> bool {
    code.len() == 32
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What the answer page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Questionnaire {
    pub campaign_title: String,
    pub unit_name: String,
    pub unit_phone: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub instrument: Instrument,
    pub townships: Vec<super::Township>,
    /// This code's answer is in.
    pub answered: bool,
    /// Why it takes no answer today (not started, ended), if so.
    pub closed: Option<String>,
}

/// The questionnaire behind a code (404 for an unknown one).
pub async fn questionnaire(app: &App, meta: &RequestMeta, code: &str) -> AppResult<Questionnaire> {
    let now = app.clock.now();
    app.survey_limits.check(&meta.ip, now)?;
    if !well_formed(code) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.store.read().await?;
    let k = store::code(&mut tx, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = store::campaign(&mut tx, CampaignId(k.campaign_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let unit = legalaid_store::units::get(&mut tx, UnitId(c.unit_id)).await?;
    let townships = townships(&mut tx, &c.region_code).await?;
    Ok(Questionnaire {
        campaign_title: c.title,
        unit_name: unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        unit_phone: unit.map(|u| u.phone).unwrap_or_default(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        closed: domain::open_on(c.starts_on, c.ends_on, local_date(now)).err(),
        instrument: inst.instrument,
        townships,
        answered: k.used,
    })
}

/// The message for a code already answered.
pub const ALREADY: &str = "该问卷已经提交过了，每个二维码（链接）只能填写一次。感谢您的参与！";

/// Takes the answer of a code: once (409 the second time, also when two
/// arrive together: the unique key decides), during the period (409 outside
/// it), checked against the instrument (422).
pub async fn answer(
    app: &App,
    meta: &RequestMeta,
    code: &str,
    given: &Responses,
) -> AppResult<super::Accepted> {
    let now = app.clock.now();
    app.survey_limits.check(&meta.ip, now)?;
    if !well_formed(code) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.store.write().await?;
    let k = store::code(&mut tx, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if k.used {
        return Err(AppError::Conflict(ALREADY.into()));
    }
    let c = store::campaign(&mut tx, CampaignId(k.campaign_id))
        .await?
        .ok_or(AppError::NotFound)?;
    domain::open_on(c.starts_on, c.ends_on, local_date(now)).map_err(AppError::Conflict)?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let towns: Vec<String> = townships(&mut tx, &c.region_code)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let responses = inst
        .instrument
        .check(given, &towns)
        .map_err(AppError::Validation)?;
    let township_code = inst
        .instrument
        .township_of(&responses)
        .unwrap_or_default()
        .to_owned();
    let a = Answer {
        id: 0,
        campaign_id: c.id,
        channel: AnswerChannel::PublicCode,
        code_id: Some(k.id),
        township_code: township_code.clone(),
        unit_id: k.unit_id,
        entered_by: None,
        responses: JsonResponses(responses),
        submitted_at: now,
    };
    let id = store::insert_answer(&mut tx, &a).await?;
    tx.commit().await?;
    Ok(super::Accepted {
        id,
        campaign_id: c.id,
        channel: AnswerChannel::PublicCode,
        township_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_minute_and_then_waits() {
        let l = Limiter::default();
        let t0 = DateTime::parse_from_rfc3339("2026-05-01T08:00:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        for _ in 0..PER_WINDOW {
            l.check("10.0.0.1", t0).expect("within the minute");
        }
        assert!(matches!(
            l.check("10.0.0.1", t0),
            Err(AppError::TooManyRequests { .. })
        ));
        l.check("10.0.0.2", t0).expect("another address");
        l.check("10.0.0.1", t0 + chrono::Duration::seconds(61))
            .expect("the next minute");
    }

    #[test]
    fn only_well_formed_codes_are_looked_up() {
        assert!(well_formed("0123456789abcdef0123456789abcdef"));
        assert!(!well_formed("0123456789ABCDEF0123456789abcdef"));
        assert!(!well_formed("' OR 1=1 --"));
    }
}
