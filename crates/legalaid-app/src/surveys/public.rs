//! The public side of a survey: a person with a code (from a link or a QR
//! code) reads the questionnaire and answers it once. Nothing identifies them:
//! no sign-in, and the answer keeps no IP address, phone or name (it is not in
//! the audit trail either, whose entries carry the client's address).
//!
//! Flooding: codes are 128 random bits, so guessing one is hopeless and an
//! unknown code is a plain 404; each code answers once (a unique key); and each
//! client address may submit `survey_answers_per_address_hour` answers an hour
//! (the portal's limits, counted in the database as a keyed hash of the
//! address, so several instances share them; ADR 0020).

use super::{load_instrument, townships};
use crate::{App, AppError, AppResult, RequestMeta};
use legalaid_domain::portal::Counter;
use legalaid_domain::survey::{self as domain, AnswerChannel, Instrument, Responses};
use legalaid_domain::{CampaignId, InstrumentId, UnitId, local_date};
use legalaid_store::surveys::{self as store, Answer, JsonResponses};
use serde::Serialize;

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
pub async fn questionnaire(app: &App, code: &str) -> AppResult<Questionnaire> {
    let now = app.clock.now();
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
    let limits = crate::portal::limits(app).await?;
    crate::portal::count(app, &limits, Counter::SurveyAnswersPerAddress, &meta.ip).await?;
    let now = app.clock.now();
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
    fn only_well_formed_codes_are_looked_up() {
        assert!(well_formed("0123456789abcdef0123456789abcdef"));
        assert!(!well_formed("0123456789ABCDEF0123456789abcdef"));
        assert!(!well_formed("' OR 1=1 --"));
    }
}
