//! Complaints about legal aid (migration 0016): one row per complaint, its steps
//! as columns, saved with an optimistic version; the list by scope and filters,
//! and the figures of report form 十三 counted by GROUP BY.
//!
//! The complainant's phone and address arrive here already encrypted (the app's
//! field cipher); the store never sees them in clear.

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::ComplaintId;
use legalaid_domain::complaint::{
    ComplainantRelation, ComplainantRemedy, ComplaintCategory, ComplaintChannel, ComplaintOutcome,
    ComplaintStatus, FollowUpAction, ReplyChannel, parse_follow_up,
};
use serde::Serialize;

/// A complaint as stored (phone and address as ciphertext, see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Complaint {
    pub id: ComplaintId,
    pub number: String,
    pub channel: ComplaintChannel,
    pub received_at: DateTime<Utc>,
    pub anonymous: bool,
    pub complainant_name: String,
    pub complainant_phone: String,
    pub complainant_address: String,
    pub relation: Option<ComplainantRelation>,
    pub respondent_unit_id: Option<i64>,
    pub respondent_staff_id: Option<i64>,
    pub case_id: Option<i64>,
    pub category: ComplaintCategory,
    pub facts: String,
    pub request: String,
    pub receiving_unit_id: i64,
    pub region_code: String,
    pub status: ComplaintStatus,
    pub accepted_at: Option<DateTime<Utc>>,
    pub refused_at: Option<DateTime<Utc>>,
    pub refusal_reason: String,
    pub extended_at: Option<DateTime<Utc>>,
    pub extension_days: Option<i64>,
    pub extension_reason: String,
    pub concluded_at: Option<DateTime<Utc>>,
    pub outcome: Option<ComplaintOutcome>,
    pub conclusion: String,
    pub follow_up: Vec<FollowUpAction>,
    pub replacement_id: Option<i64>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_text: String,
    pub reply_channel: Option<ReplyChannel>,
    pub remedy: Option<ComplainantRemedy>,
    pub remedy_note: String,
    pub remedy_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    #[sqlx(try_from = "String")]
    channel: ComplaintChannel,
    received_at: DateTime<Utc>,
    anonymous: bool,
    complainant_name: String,
    complainant_phone: String,
    complainant_address: String,
    relation: Option<String>,
    respondent_unit_id: Option<i64>,
    respondent_staff_id: Option<i64>,
    case_id: Option<i64>,
    #[sqlx(try_from = "String")]
    category: ComplaintCategory,
    facts: String,
    request: String,
    receiving_unit_id: i64,
    region_code: String,
    #[sqlx(try_from = "String")]
    status: ComplaintStatus,
    accepted_at: Option<DateTime<Utc>>,
    refused_at: Option<DateTime<Utc>>,
    refusal_reason: String,
    extended_at: Option<DateTime<Utc>>,
    extension_days: Option<i64>,
    extension_reason: String,
    concluded_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    conclusion: String,
    follow_up: String,
    replacement_id: Option<i64>,
    replied_at: Option<DateTime<Utc>>,
    reply_text: String,
    reply_channel: Option<String>,
    remedy: Option<String>,
    remedy_note: String,
    remedy_at: Option<DateTime<Utc>>,
    version: i64,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
}

/// A nullable code column decoded by its enum; an unknown code is corrupt data.
fn code<T>(
    id: i64,
    what: &str,
    v: Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>> {
    v.map(|s| {
        parse(&s).ok_or_else(|| StoreError::Corrupt(format!("complaints {id}: {what} {s:?}")))
    })
    .transpose()
}

impl Row {
    fn into_complaint(self) -> Result<Complaint> {
        let id = self.id;
        Ok(Complaint {
            id: ComplaintId(id),
            number: self.number,
            channel: self.channel,
            received_at: self.received_at,
            anonymous: self.anonymous,
            complainant_name: self.complainant_name,
            complainant_phone: self.complainant_phone,
            complainant_address: self.complainant_address,
            relation: code(id, "relation", self.relation, ComplainantRelation::parse)?,
            respondent_unit_id: self.respondent_unit_id,
            respondent_staff_id: self.respondent_staff_id,
            case_id: self.case_id,
            category: self.category,
            facts: self.facts,
            request: self.request,
            receiving_unit_id: self.receiving_unit_id,
            region_code: self.region_code,
            status: self.status,
            accepted_at: self.accepted_at,
            refused_at: self.refused_at,
            refusal_reason: self.refusal_reason,
            extended_at: self.extended_at,
            extension_days: self.extension_days,
            extension_reason: self.extension_reason,
            concluded_at: self.concluded_at,
            outcome: code(id, "outcome", self.outcome, ComplaintOutcome::parse)?,
            conclusion: self.conclusion,
            follow_up: parse_follow_up(&self.follow_up).ok_or_else(|| {
                StoreError::Corrupt(format!("complaints {id}: follow_up {:?}", self.follow_up))
            })?,
            replacement_id: self.replacement_id,
            replied_at: self.replied_at,
            reply_text: self.reply_text,
            reply_channel: code(id, "reply_channel", self.reply_channel, ReplyChannel::parse)?,
            remedy: code(id, "remedy", self.remedy, ComplainantRemedy::parse)?,
            remedy_note: self.remedy_note,
            remedy_at: self.remedy_at,
            version: self.version,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

const COLUMNS: &str = "c.id, c.number, c.channel, c.received_at, c.anonymous, c.complainant_name, \
    c.complainant_phone, c.complainant_address, c.relation, c.respondent_unit_id, c.respondent_staff_id, c.case_id, \
    c.category, c.facts, c.request, c.receiving_unit_id, c.region_code, c.status, c.accepted_at, c.refused_at, \
    c.refusal_reason, c.extended_at, c.extension_days, c.extension_reason, c.concluded_at, c.outcome, c.conclusion, \
    c.follow_up, c.replacement_id, c.replied_at, c.reply_text, c.reply_channel, c.remedy, c.remedy_note, c.remedy_at, \
    c.version, c.created_by, c.created_at";

/// A complaint to register (validated, contact encrypted, numbered).
#[derive(Debug, Clone)]
pub struct NewComplaint<'a> {
    pub number: &'a str,
    pub channel: ComplaintChannel,
    pub received_at: DateTime<Utc>,
    pub anonymous: bool,
    pub complainant_name: &'a str,
    pub complainant_phone: &'a str,
    pub complainant_address: &'a str,
    pub relation: Option<ComplainantRelation>,
    pub respondent_unit_id: Option<i64>,
    pub respondent_staff_id: Option<i64>,
    pub case_id: Option<i64>,
    pub category: ComplaintCategory,
    pub facts: &'a str,
    pub request: &'a str,
    pub receiving_unit_id: i64,
    pub region_code: &'a str,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, n: &NewComplaint<'_>) -> Result<Complaint> {
    const Q: &str = "INSERT INTO complaints (number, channel, received_at, anonymous, complainant_name, \
        complainant_phone, complainant_address, relation, respondent_unit_id, respondent_staff_id, case_id, category, \
        facts, request, receiving_unit_id, region_code, status, refusal_reason, extension_reason, conclusion, follow_up, \
        reply_text, remedy_note, version, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'received', '', '', '', '', '', '', \
        1, $17, $18) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(n.number).bind(n.channel.as_str()).bind(n.received_at).bind(n.anonymous).bind(n.complainant_name)
        .bind(n.complainant_phone).bind(n.complainant_address).bind(n.relation.map(|r| r.as_str()))
        .bind(n.respondent_unit_id).bind(n.respondent_staff_id).bind(n.case_id).bind(n.category.as_str())
        .bind(n.facts).bind(n.request).bind(n.receiving_unit_id).bind(n.region_code)
        .bind(n.created_by).bind(n.created_at)
        .fetch_one(c).await?);
    get(tx, ComplaintId(id)).await?.ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: ComplaintId) -> Result<Option<Complaint>> {
    let q = format!("SELECT {COLUMNS} FROM complaints c WHERE c.id = $1");
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_complaint).transpose()
}

/// Saves the steps of a complaint if it is still at `c.version` (its
/// registration facts do not change); answers the saved row.
pub async fn save(tx: &mut Tx, c: &Complaint) -> Result<Complaint> {
    const Q: &str = "UPDATE complaints SET status = $1, accepted_at = $2, refused_at = $3, refusal_reason = $4, \
        extended_at = $5, extension_days = $6, extension_reason = $7, concluded_at = $8, outcome = $9, conclusion = $10, \
        follow_up = $11, replacement_id = $12, replied_at = $13, reply_text = $14, reply_channel = $15, remedy = $16, \
        remedy_note = $17, remedy_at = $18, version = version + 1 WHERE id = $19 AND version = $20";
    let follow_up = legalaid_domain::complaint::follow_up_codes(&c.follow_up);
    let n = on_tx!(tx, x => sqlx::query(Q)
        .bind(c.status.as_str()).bind(c.accepted_at).bind(c.refused_at).bind(&c.refusal_reason)
        .bind(c.extended_at).bind(c.extension_days).bind(&c.extension_reason).bind(c.concluded_at)
        .bind(c.outcome.map(|o| o.as_str())).bind(&c.conclusion).bind(&follow_up).bind(c.replacement_id)
        .bind(c.replied_at).bind(&c.reply_text).bind(c.reply_channel.map(|r| r.as_str()))
        .bind(c.remedy.map(|r| r.as_str())).bind(&c.remedy_note).bind(c.remedy_at)
        .bind(c.id.0).bind(c.version)
        .execute(x).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, c.id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, c.id).await?.ok_or(StoreError::NotFound)
}

/// Whose complaints a caller reads: a region's (prefix) or those one unit
/// registered, never those about the caller's own unit or about themselves
/// (the respondent does not read the complaints about it).
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// `341504%`; None for every region.
    pub region: Option<String>,
    /// Only those registered by this unit.
    pub receiving_unit: Option<i64>,
    /// Not those about this unit.
    pub not_about_unit: Option<i64>,
    /// Not those about this staff member.
    pub not_about_staff: Option<i64>,
}

/// Which complaints to list.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub status: Option<ComplaintStatus>,
    pub category: Option<ComplaintCategory>,
    pub respondent_unit_id: Option<i64>,
    /// Received at or after.
    pub from: Option<DateTime<Utc>>,
    /// Received before.
    pub before: Option<DateTime<Utc>>,
}

/// A row of the list, with the names it shows.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub complaint: Complaint,
    pub respondent_unit: Option<String>,
    pub respondent_staff: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ListDbRow {
    #[sqlx(flatten)]
    row: Row,
    respondent_unit: Option<String>,
    respondent_staff: Option<String>,
}

// $1 region prefix, $2 receiving unit, $3 not about unit, $4 not about staff.
const REACH: &str = "($1 IS NULL OR c.region_code LIKE $1) AND ($2 IS NULL OR c.receiving_unit_id = $2) \
    AND ($3 IS NULL OR c.respondent_unit_id IS NULL OR c.respondent_unit_id <> $3) \
    AND ($4 IS NULL OR c.respondent_staff_id IS NULL OR c.respondent_staff_id <> $4)";

/// The complaints within `reach` that pass `f`, newest received first, a page at
/// a time, with how many there are.
pub async fn list(
    tx: &mut Tx,
    reach: &Reach,
    f: &ComplaintFilter,
    page: Page,
) -> Result<(Vec<ListRow>, i64)> {
    let filters = "AND ($5 IS NULL OR c.status = $5) AND ($6 IS NULL OR c.category = $6) \
        AND ($7 IS NULL OR c.respondent_unit_id = $7) AND ($8 IS NULL OR c.received_at >= $8) \
        AND ($9 IS NULL OR c.received_at < $9)";
    let q = format!(
        "SELECT {COLUMNS}, u.name AS respondent_unit, s.name AS respondent_staff FROM complaints c \
         LEFT JOIN units u ON u.id = c.respondent_unit_id LEFT JOIN staff s ON s.id = c.respondent_staff_id \
         WHERE {REACH} {filters} ORDER BY c.received_at DESC, c.id DESC LIMIT $10 OFFSET $11"
    );
    let n = format!("SELECT COUNT(*) FROM complaints c WHERE {REACH} {filters}");
    let status = f.status.map(|s| s.as_str());
    let category = f.category.map(|s| s.as_str());
    let rows: Vec<ListDbRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&reach.region).bind(reach.receiving_unit).bind(reach.not_about_unit).bind(reach.not_about_staff)
        .bind(status).bind(category).bind(f.respondent_unit_id).bind(f.from).bind(f.before)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&reach.region).bind(reach.receiving_unit).bind(reach.not_about_unit).bind(reach.not_about_staff)
        .bind(status).bind(category).bind(f.respondent_unit_id).bind(f.from).bind(f.before)
        .fetch_one(c).await?);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(ListRow {
                complaint: r.row.into_complaint()?,
                respondent_unit: r.respondent_unit,
                respondent_staff: r.respondent_staff,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// One line of the figures: a key (a unit or staff id, or a code), its name as
/// stored (units and staff) and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FigureRow {
    pub key: String,
    pub name: String,
    /// Complaints received in the period.
    pub total: i64,
    /// Of those, decided as substantiated (the first two outcome classes).
    pub upheld: i64,
}

/// The figures of a period (received at or after `from`, before `before`) within
/// `reach`: per respondent unit, per respondent staff member, per category and
/// per outcome (decided ones), and per remedy; each one GROUP BY.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    pub total: i64,
    pub upheld: i64,
    pub by_unit: Vec<FigureRow>,
    pub by_staff: Vec<FigureRow>,
    pub by_category: Vec<FigureRow>,
    pub by_outcome: Vec<FigureRow>,
    pub by_remedy: Vec<FigureRow>,
}

pub async fn figures(
    tx: &mut Tx,
    reach: &Reach,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Figures> {
    const UPHELD: &str =
        "COALESCE(SUM(CASE WHEN c.outcome IN ('sanctioned', 'corrected') THEN 1 ELSE 0 END), 0)";
    let period = "AND c.received_at >= $5 AND c.received_at < $6";
    // The key is cast to text in SQL so that one row type serves every grouping.
    // PostgreSQL refuses a constant in GROUP BY: codes have no name column.
    let grouped = |key: &str, name: Option<&str>, join: &str, extra: &str| {
        let (select, group) = match name {
            Some(n) => (n.to_owned(), format!("{key}, {n}")),
            None => ("''".to_owned(), key.to_owned()),
        };
        format!(
            "SELECT CAST({key} AS TEXT) AS key, {select} AS name, COUNT(*) AS total, {UPHELD} AS upheld \
             FROM complaints c {join} WHERE {REACH} {period} {extra} \
             GROUP BY {group} ORDER BY COUNT(*) DESC, CAST({key} AS TEXT)"
        )
    };
    let queries = [
        grouped(
            "c.respondent_unit_id",
            Some("u.name"),
            "JOIN units u ON u.id = c.respondent_unit_id",
            "",
        ),
        grouped(
            "c.respondent_staff_id",
            Some("s.name"),
            "JOIN staff s ON s.id = c.respondent_staff_id",
            "",
        ),
        grouped("c.category", None, "", ""),
        grouped("c.outcome", None, "", "AND c.outcome IS NOT NULL"),
        grouped("c.remedy", None, "", "AND c.remedy IS NOT NULL"),
    ];
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let rows: Vec<FigureRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
            .bind(&reach.region).bind(reach.receiving_unit).bind(reach.not_about_unit).bind(reach.not_about_staff)
            .bind(from).bind(before)
            .fetch_all(c).await?);
        out.push(rows);
    }
    let totals = format!("SELECT COUNT(*), {UPHELD} FROM complaints c WHERE {REACH} {period}");
    let (total, upheld): (i64, i64) = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(totals))
        .bind(&reach.region).bind(reach.receiving_unit).bind(reach.not_about_unit).bind(reach.not_about_staff)
        .bind(from).bind(before)
        .fetch_one(c).await?);
    let mut it = out.into_iter();
    let mut next = || it.next().unwrap_or_default();
    Ok(Figures {
        total,
        upheld,
        by_unit: next(),
        by_staff: next(),
        by_category: next(),
        by_outcome: next(),
        by_remedy: next(),
    })
}

/// The justice bureau whose region covers `region` most closely (the county's
/// before the city's), as (unit id, region code).
pub async fn bureau_for(tx: &mut Tx, region: &str) -> Result<Option<(i64, String)>> {
    const Q: &str = "SELECT id, region_code FROM units WHERE kind = 'justice_bureau' AND active \
        AND $1 LIKE region_code || '%' ORDER BY LENGTH(region_code) DESC, id LIMIT 1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(region).fetch_optional(c).await?))
}
