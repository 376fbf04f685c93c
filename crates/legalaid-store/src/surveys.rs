//! Surveys (migration 0024): instrument versions, campaigns, their codes and
//! the answers. Answers keep no IP address, phone or name.
//!
//! Who sees a campaign is given as a [`CampaignScope`]: the campaigns inside a
//! region (bureaus and centers), and the campaigns whose region contains the
//! caller's unit (a judicial office takes part in its district's survey).

use crate::hearings::JsonList;
use crate::{Page, Result, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::survey::{AnswerChannel, Responses, Target};
use legalaid_domain::{CampaignId, InstrumentId};
use serde::Serialize;

/// The answers of one respondent, kept as a JSON object in a text column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct JsonResponses(pub Responses);

impl TryFrom<String> for JsonResponses {
    type Error = serde_json::Error;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&s).map(JsonResponses)
    }
}

impl JsonResponses {
    pub(crate) fn text(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }
}

// ---------------------------------------------------------------- instruments

/// One version of an instrument as stored; `body` is its JSON.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredInstrument {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub title: String,
    #[serde(skip)]
    pub body: String,
    pub example: bool,
    pub source: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const INSTRUMENT_COLUMNS: &str =
    "id, code, version, title, body, example, source, created_by, created_at";

/// Stores a version; a second version with the same number fails on
/// `survey_instruments_code_version_key` (Duplicate).
#[allow(clippy::too_many_arguments)]
pub async fn insert_instrument(
    tx: &mut Tx,
    code: &str,
    version: i64,
    title: &str,
    body: &str,
    example: bool,
    source: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<InstrumentId> {
    const Q: &str = "INSERT INTO survey_instruments (code, version, title, body, example, source, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(code).bind(version).bind(title).bind(body).bind(example).bind(source).bind(created_by).bind(now)
        .fetch_one(c).await?);
    Ok(InstrumentId(id))
}

pub async fn instrument(tx: &mut Tx, id: InstrumentId) -> Result<Option<StoredInstrument>> {
    let q = format!("SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Every version, by code and newest version first (a short list, read whole).
pub async fn instruments(tx: &mut Tx) -> Result<Vec<StoredInstrument>> {
    let q =
        format!("SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments ORDER BY code, version DESC");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).fetch_all(c).await?))
}

/// The highest version of `code` (0 when none).
pub async fn last_version(tx: &mut Tx, code: &str) -> Result<i64> {
    const Q: &str = "SELECT COALESCE(MAX(version), 0) FROM survey_instruments WHERE code = $1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(code).fetch_one(c).await?))
}

// ---------------------------------------------------------------- campaigns

/// A campaign as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub instrument_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The organising unit (a bureau or center) and its region.
    pub unit_id: i64,
    pub region_code: String,
    #[sqlx(try_from = "String")]
    pub targets: JsonList<Target>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const CAMPAIGN_COLUMNS: &str = "s.id, s.title, s.instrument_id, s.starts_on, s.ends_on, s.unit_id, s.region_code, \
    s.targets, s.created_by, s.created_at, s.version";

/// Inserts a campaign; the same title twice in a region fails on
/// `survey_campaigns_region_code_title_key`.
pub async fn insert_campaign(tx: &mut Tx, s: &Campaign) -> Result<CampaignId> {
    const Q: &str = "INSERT INTO survey_campaigns (title, instrument_id, starts_on, ends_on, unit_id, region_code, \
        targets, created_by, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&s.title).bind(s.instrument_id).bind(s.starts_on).bind(s.ends_on).bind(s.unit_id)
        .bind(&s.region_code).bind(s.targets.text()).bind(s.created_by).bind(s.created_at)
        .fetch_one(c).await?);
    Ok(CampaignId(id))
}

pub async fn campaign(tx: &mut Tx, id: CampaignId) -> Result<Option<Campaign>> {
    let q = format!("SELECT {CAMPAIGN_COLUMNS} FROM survey_campaigns s WHERE s.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// Which campaigns a caller sees: those whose region starts with `inside`
/// (`341504%`), and those whose region contains `region_of_unit` (the
/// caller's unit's region). Both empty: every campaign.
#[derive(Debug, Clone, Default)]
pub struct CampaignScope {
    pub inside: Option<String>,
    pub region_of_unit: Option<String>,
    /// Sees nothing at all.
    pub nothing: bool,
}

const CAMPAIGN_SCOPE: &str = "($1 = FALSE AND (($2 IS NULL AND $3 IS NULL) OR s.region_code LIKE $2 \
    OR $3 LIKE (s.region_code || '%')))";

/// A campaign with what its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CampaignLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub campaign: Campaign,
    pub unit_name: String,
    pub instrument_title: String,
    pub instrument_version: i64,
    pub answers: i64,
}

/// Campaigns newest first, a page at a time, with how many.
pub async fn campaigns(
    tx: &mut Tx,
    scope: &CampaignScope,
    page: Page,
) -> Result<(Vec<CampaignLine>, i64)> {
    let q = format!(
        "SELECT {CAMPAIGN_COLUMNS}, u.name AS unit_name, i.title AS instrument_title, i.version AS instrument_version, \
         (SELECT COUNT(*) FROM survey_answers a WHERE a.campaign_id = s.id) AS answers \
         FROM survey_campaigns s JOIN units u ON u.id = s.unit_id JOIN survey_instruments i ON i.id = s.instrument_id \
         WHERE {CAMPAIGN_SCOPE} ORDER BY s.starts_on DESC, s.id DESC LIMIT $4 OFFSET $5"
    );
    let n = format!("SELECT COUNT(*) FROM survey_campaigns s WHERE {CAMPAIGN_SCOPE}");
    let rows: Vec<CampaignLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(scope.nothing).bind(&scope.inside).bind(&scope.region_of_unit)
        .bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(scope.nothing).bind(&scope.inside).bind(&scope.region_of_unit).fetch_one(c).await?);
    Ok((rows, total))
}

/// The campaigns under way on `today` (started, not ended), those ending first
/// first, at most `limit`, with how many there are: the count runs only when
/// the list is full, so the usual short list costs one statement.
pub async fn open_campaigns(
    tx: &mut Tx,
    scope: &CampaignScope,
    today: NaiveDate,
    limit: i64,
) -> Result<(Vec<CampaignLine>, i64)> {
    const OPEN: &str = "s.starts_on <= $4 AND s.ends_on >= $4";
    let q = format!(
        "SELECT {CAMPAIGN_COLUMNS}, u.name AS unit_name, i.title AS instrument_title, i.version AS instrument_version, \
         (SELECT COUNT(*) FROM survey_answers a WHERE a.campaign_id = s.id) AS answers \
         FROM survey_campaigns s JOIN units u ON u.id = s.unit_id JOIN survey_instruments i ON i.id = s.instrument_id \
         WHERE {CAMPAIGN_SCOPE} AND {OPEN} ORDER BY s.ends_on, s.id LIMIT $5"
    );
    let rows: Vec<CampaignLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(scope.nothing).bind(&scope.inside).bind(&scope.region_of_unit)
        .bind(today).bind(limit).fetch_all(c).await?);
    if (rows.len() as i64) < limit {
        let n = rows.len() as i64;
        return Ok((rows, n));
    }
    let n = format!("SELECT COUNT(*) FROM survey_campaigns s WHERE {CAMPAIGN_SCOPE} AND {OPEN}");
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(scope.nothing).bind(&scope.inside).bind(&scope.region_of_unit)
        .bind(today).fetch_one(c).await?);
    Ok((rows, total))
}

// ---------------------------------------------------------------- codes

/// The next batch number of a campaign's codes.
pub async fn next_batch(tx: &mut Tx, campaign: CampaignId) -> Result<i64> {
    const Q: &str = "SELECT COALESCE(MAX(batch), 0) + 1 FROM survey_codes WHERE campaign_id = $1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(campaign.0).fetch_one(c).await?))
}

/// Stores issued codes (a few hundred at most per call).
pub async fn insert_codes(
    tx: &mut Tx,
    campaign: CampaignId,
    unit_id: i64,
    batch: i64,
    codes: &[String],
    issued_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO survey_codes (campaign_id, code, unit_id, batch, issued_by, issued_at) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    for code in codes {
        on_tx!(tx, c => sqlx::query(Q).bind(campaign.0).bind(code).bind(unit_id).bind(batch)
            .bind(issued_by).bind(now).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// A code as its list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CodeLine {
    pub id: i64,
    pub code: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub batch: i64,
    pub issued_at: DateTime<Utc>,
    /// Answered already.
    pub used: bool,
}

/// A campaign's codes (of one batch, or all; only those not answered yet when
/// `unanswered`), in issue order, a page at a time.
pub async fn codes(
    tx: &mut Tx,
    campaign: CampaignId,
    batch: Option<i64>,
    unanswered: bool,
    page: Page,
) -> Result<(Vec<CodeLine>, i64)> {
    const FROM: &str = "FROM survey_codes k JOIN units u ON u.id = k.unit_id \
        LEFT JOIN survey_answers a ON a.code_id = k.id \
        WHERE k.campaign_id = $1 AND ($2 IS NULL OR k.batch = $2) AND ($3 = FALSE OR a.id IS NULL)";
    let q = format!(
        "SELECT k.id, k.code, k.unit_id, u.name AS unit_name, k.batch, k.issued_at, \
         (a.id IS NOT NULL) AS used {FROM} ORDER BY k.id LIMIT $4 OFFSET $5"
    );
    let n = format!("SELECT COUNT(*) {FROM}");
    let rows = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(campaign.0).bind(batch)
        .bind(unanswered).bind(page.per_page).bind(page.offset()).fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n)).bind(campaign.0)
        .bind(batch).bind(unanswered).fetch_one(c).await?);
    Ok((rows, total))
}

/// A code looked up by its value (the public page).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRef {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_id: i64,
    pub used: bool,
}

pub async fn code(tx: &mut Tx, value: &str) -> Result<Option<CodeRef>> {
    const Q: &str = "SELECT k.id, k.campaign_id, k.unit_id, (a.id IS NOT NULL) AS used FROM survey_codes k \
        LEFT JOIN survey_answers a ON a.code_id = k.id WHERE k.code = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(value).fetch_optional(c).await?))
}

/// Codes issued and answered, per distributing unit.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CodeCounts {
    pub unit_id: i64,
    pub unit_name: String,
    pub issued: i64,
    pub answered: i64,
}

pub async fn code_counts(tx: &mut Tx, campaign: CampaignId) -> Result<Vec<CodeCounts>> {
    const Q: &str = "SELECT k.unit_id, u.name AS unit_name, COUNT(*) AS issued, COUNT(a.id) AS answered \
        FROM survey_codes k JOIN units u ON u.id = k.unit_id LEFT JOIN survey_answers a ON a.code_id = k.id \
        WHERE k.campaign_id = $1 GROUP BY k.unit_id, u.name ORDER BY u.name";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(campaign.0).fetch_all(c).await?))
}

// ---------------------------------------------------------------- answers

/// An answer as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Answer {
    pub id: i64,
    pub campaign_id: i64,
    #[sqlx(try_from = "String")]
    pub channel: AnswerChannel,
    pub code_id: Option<i64>,
    pub township_code: String,
    /// The unit that collected it: the code's distributing unit, or the unit of
    /// the staff who entered it.
    pub unit_id: i64,
    pub entered_by: Option<i64>,
    #[sqlx(try_from = "String")]
    pub responses: JsonResponses,
    pub submitted_at: DateTime<Utc>,
}

/// Inserts an answer; a second answer through one code fails on
/// `survey_answers_code_id_key` (Duplicate).
pub async fn insert_answer(tx: &mut Tx, a: &Answer) -> Result<i64> {
    const Q: &str = "INSERT INTO survey_answers (campaign_id, channel, code_id, township_code, unit_id, entered_by, \
        responses, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(a.campaign_id).bind(a.channel.as_str()).bind(a.code_id).bind(&a.township_code).bind(a.unit_id)
        .bind(a.entered_by).bind(a.responses.text()).bind(a.submitted_at)
        .fetch_one(c).await?))
}

/// A campaign's answers after `after` (an answer id), `limit` at a time: the
/// keyset the results and the CSV export read by.
pub async fn answers_after(
    tx: &mut Tx,
    campaign: CampaignId,
    after: i64,
    limit: i64,
) -> Result<Vec<Answer>> {
    const Q: &str = "SELECT id, campaign_id, channel, code_id, township_code, unit_id, entered_by, responses, \
        submitted_at FROM survey_answers WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3";
    Ok(
        on_tx!(tx, c => sqlx::query_as(Q).bind(campaign.0).bind(after).bind(limit).fetch_all(c).await?),
    )
}
