//! What the MoJ report forms read (issue 12 §6, ADR 0028): the cases opened in
//! a period with what the forms count of them as of the period's end, the
//! applications denied in it, and the consultations answered, a batch at a time.

use crate::{Result, StoreError, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::application::{Channel, DenialReason, NotifyingOrgan, ProceduralRole};
use legalaid_domain::case::{Adoption, CaseOutcome, CaseType, Stage};
use legalaid_domain::complaint::{ComplainantRemedy, ComplaintCategory, ComplaintOutcome};
use legalaid_domain::outreach::consultation::{
    ConsultChannel, ConsultGroup, ConsultOutcome, TopicCategory,
};
use legalaid_domain::person::RecipientGroup;
use legalaid_domain::staff::StaffKind;
use legalaid_domain::supervision::forms::{
    CaseFacts, Complaint, Consultation, Denial, HandlerClass, Subsidy, Workstation,
};
use legalaid_domain::unit::WorkstationHost;

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    created_at: DateTime<Utc>,
    intake_unit_id: i64,
    case_type: String,
    stage: String,
    matter_code: String,
    channel: String,
    notifying_organ: Option<String>,
    procedural_role: Option<String>,
    groups: String,
    closure_submitted_at: Option<DateTime<Utc>>,
    terminated_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    adoption: Option<String>,
    amount_fen: i64,
    handler_kind: Option<String>,
}

/// A case of a form's cohort and where it sits: the keyset, the intake unit
/// (the facts' `line`, which the caller may remap) and the facts.
pub type FormCase = (DateTime<Utc>, i64, CaseFacts);

/// A batch of the cases opened in `[from, to)` by units whose region code
/// starts with `region`, after the keyset `(created_at, id)`, with what the
/// forms count of them as of `to` (concluded, terminated, the outcome).
pub async fn cases_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<FormCase>> {
    const Q: &str = "SELECT c.id, c.created_at, c.intake_unit_id, c.case_type, c.stage, a.matter_code, a.channel, \
        a.notifying_organ, a.procedural_role, p.groups, c.closure_submitted_at, c.terminated_at, c.outcome, \
        c.adoption, c.amount_fen, s.kind AS handler_kind \
        FROM cases c JOIN applications a ON a.id = c.application_id JOIN persons p ON p.id = c.recipient_id \
        JOIN units u ON u.id = c.intake_unit_id LEFT JOIN staff s ON s.id = c.handler_id \
        WHERE u.region_code LIKE $1 AND c.created_at >= $2 AND c.created_at < $3 \
        AND (c.created_at > $4 OR (c.created_at = $4 AND c.id > $5)) \
        ORDER BY c.created_at, c.id LIMIT $6";
    let (after_at, after_id) = after.unwrap_or((from - chrono::Duration::seconds(1), 0));
    let rows: Vec<CaseRow> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(format!("{region}%")).bind(from).bind(to).bind(after_at).bind(after_id).bind(limit)
        .fetch_all(c).await?);
    let bad =
        |id: i64, what: &str, v: &str| StoreError::Corrupt(format!("case {id}: {what} {v:?}"));
    // Only rows past the key: a timestamp kept in SQLite in another text form
    // than the one bound (written by another program) can compare past
    // itself and come back; it must not be counted twice nor stop the end.
    rows.into_iter()
        .filter(|r| after.is_none_or(|a| (r.created_at, r.id) > a))
        .map(|r| {
            let by_end = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t < to);
            let closed = by_end(r.closure_submitted_at);
            let terminated = by_end(r.terminated_at);
            let facts = CaseFacts {
                line: r.intake_unit_id,
                case_type: CaseType::parse(&r.case_type)
                    .ok_or_else(|| bad(r.id, "case type", &r.case_type))?,
                stage: Stage::parse(&r.stage).ok_or_else(|| bad(r.id, "stage", &r.stage))?,
                matter_code: r.matter_code,
                channel: Channel::parse(&r.channel)
                    .ok_or_else(|| bad(r.id, "channel", &r.channel))?,
                notifying_organ: opt(&r.notifying_organ).and_then(NotifyingOrgan::parse),
                procedural_role: opt(&r.procedural_role).and_then(ProceduralRole::parse),
                groups: r
                    .groups
                    .split(',')
                    .filter(|g| !g.is_empty())
                    .filter_map(RecipientGroup::parse)
                    .collect(),
                concluded: closed || terminated,
                terminated,
                outcome: opt(&r.outcome)
                    .filter(|_| closed)
                    .and_then(CaseOutcome::parse),
                adoption: opt(&r.adoption)
                    .filter(|_| closed)
                    .and_then(Adoption::parse),
                amount_fen: if closed { r.amount_fen } else { 0 },
                handler: opt(&r.handler_kind)
                    .and_then(StaffKind::parse)
                    .map(HandlerClass::of),
            };
            Ok((r.created_at, r.id, facts))
        })
        .collect()
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// A batch of the applications denied in `[from, to)` by units under
/// `region`, after the id `after`: the receiving unit as the line, the matter
/// (the caller says whether it is criminal) and the reason code.
pub async fn denials_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Denial)>> {
    const Q: &str = "SELECT a.id, a.receiving_unit_id, a.matter_code, a.denial_reason \
        FROM applications a JOIN units u ON u.id = a.receiving_unit_id \
        WHERE a.outcome = 'denied' AND a.decided_at >= $1 AND a.decided_at < $2 \
        AND u.region_code LIKE $3 AND a.id > $4 ORDER BY a.id LIMIT $5";
    let rows: Vec<(i64, i64, String, Option<String>)> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(from).bind(to).bind(format!("{region}%")).bind(after).bind(limit)
        .fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|(id, unit, matter_code, reason)| {
            (
                id,
                Denial {
                    line: unit,
                    matter_code,
                    criminal: false,
                    // Recorded before the code existed: the migration set
                    // `other`; none left means the same.
                    reason: reason
                        .as_deref()
                        .and_then(DenialReason::parse)
                        .unwrap_or(DenialReason::Other),
                },
            )
        })
        .collect())
}

/// A batch of the consultations answered in `[from, to)` by units under
/// `region`, after the id `after`, in id order: the unit as the line, with
/// the groups, the topic and what came of it (granted: the application made
/// in it was granted before `to`).
pub async fn consultations_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Consultation)>> {
    const Q: &str = "SELECT c.id, c.unit_id, c.channel, c.topic_code, t.category, c.outcome, \
        (a.outcome = 'granted' AND a.decided_at < $2) AS granted \
        FROM consultations c JOIN units u ON u.id = c.unit_id \
        JOIN consultation_topics t ON t.code = c.topic_code \
        LEFT JOIN applications a ON a.id = c.application_id \
        WHERE c.consulted_at >= $1 AND c.consulted_at < $2 AND u.region_code LIKE $3 AND c.id > $4 \
        ORDER BY c.id LIMIT $5";
    type R = (i64, i64, String, String, String, String, Option<bool>);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(from).bind(to).bind(format!("{region}%")).bind(after).bind(limit)
        .fetch_all(c).await?);
    let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0)) else {
        return Ok(Vec::new());
    };
    // The batch's groups: the same consultations, by the id range they span.
    const G: &str = "SELECT g.consultation_id, g.grp FROM consultation_groups g \
        JOIN consultations c ON c.id = g.consultation_id JOIN units u ON u.id = c.unit_id \
        WHERE g.consultation_id >= $1 AND g.consultation_id <= $2 \
        AND c.consulted_at >= $3 AND c.consulted_at < $4 AND u.region_code LIKE $5";
    let rows_of_groups: Vec<(i64, String)> = on_tx!(tx, c => sqlx::query_as(G)
        .bind(first).bind(last).bind(from).bind(to).bind(format!("{region}%"))
        .fetch_all(c).await?);
    let mut groups: std::collections::HashMap<i64, Vec<ConsultGroup>> =
        std::collections::HashMap::new();
    for (id, g) in rows_of_groups {
        if let Some(g) = ConsultGroup::parse(&g) {
            groups.entry(id).or_default().push(g);
        }
    }
    let bad = |id: i64, what: &str, v: &str| {
        StoreError::Corrupt(format!("consultation {id}: {what} {v:?}"))
    };
    rows.into_iter()
        .map(|(id, unit, channel, topic, category, outcome, granted)| {
            Ok((
                id,
                Consultation {
                    line: unit,
                    channel: ConsultChannel::parse(&channel)
                        .ok_or_else(|| bad(id, "channel", &channel))?,
                    groups: groups.remove(&id).unwrap_or_default(),
                    topic_code: topic,
                    topic_category: TopicCategory::parse(&category)
                        .ok_or_else(|| bad(id, "topic category", &category))?,
                    outcome: ConsultOutcome::parse(&outcome)
                        .ok_or_else(|| bad(id, "outcome", &outcome))?,
                    granted: granted.unwrap_or(false),
                },
            ))
        })
        .collect()
}

/// The workstations under `region` (active ones), with their host and
/// whether they have active staff of their own.
pub async fn workstations(tx: &mut Tx, region: &str) -> Result<Vec<Workstation>> {
    const Q: &str = "SELECT u.id, u.workstation_host, \
        EXISTS (SELECT 1 FROM staff s WHERE s.unit_id = u.id AND s.active) AS staffed \
        FROM units u WHERE u.kind = 'workstation' AND u.active AND u.region_code LIKE $1 ORDER BY u.id";
    let rows: Vec<(i64, Option<String>, bool)> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(format!("{region}%")).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|(id, host, staffed)| Workstation {
            line: id,
            host: host.as_deref().and_then(WorkstationHost::parse),
            staffed,
        })
        .collect())
}

/// A batch of the complaints concluded in `[from, to)` received by units
/// under `region`, after the id `after`: the receiving unit as the line, the
/// category, the outcome and the complainant's remedy recorded before `to`.
pub async fn complaints_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Complaint)>> {
    const Q: &str = "SELECT c.id, c.receiving_unit_id, c.category, c.outcome, \
        CASE WHEN c.remedy_at < $2 THEN c.remedy END AS remedy \
        FROM complaints c WHERE c.concluded_at >= $1 AND c.concluded_at < $2 \
        AND c.region_code LIKE $3 AND c.id > $4 ORDER BY c.id LIMIT $5";
    type R = (i64, i64, String, Option<String>, Option<String>);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(from).bind(to).bind(format!("{region}%")).bind(after).bind(limit)
        .fetch_all(c).await?);
    let bad =
        |id: i64, what: &str, v: &str| StoreError::Corrupt(format!("complaint {id}: {what} {v:?}"));
    rows.into_iter()
        .map(|(id, unit, category, outcome, remedy)| {
            let outcome = outcome.unwrap_or_default();
            Ok((
                id,
                Complaint {
                    line: unit,
                    category: ComplaintCategory::parse(&category)
                        .ok_or_else(|| bad(id, "category", &category))?,
                    outcome: ComplaintOutcome::parse(&outcome)
                        .ok_or_else(|| bad(id, "outcome", &outcome))?,
                    remedy: remedy.as_deref().and_then(ComplainantRemedy::parse),
                },
            ))
        })
        .collect()
}

/// The units under `region` that take applications and report (the legal aid
/// centers, judicial offices and workstations), and any other unit asked for
/// by id: `(id, name, region code, kind)` in region and id order.
pub async fn reporting_units(
    tx: &mut Tx,
    region: &str,
    also: &[i64],
) -> Result<Vec<(i64, String, String, String)>> {
    const Q: &str = "SELECT id, name, region_code, kind FROM units WHERE region_code LIKE $1 \
        AND kind IN ('legal_aid_center', 'judicial_office', 'workstation') ORDER BY region_code, kind, id";
    let mut rows: Vec<(i64, String, String, String)> = on_tx!(tx, c => sqlx::query_as(Q)
        .bind(format!("{region}%")).fetch_all(c).await?);
    for id in also {
        if rows.iter().any(|r| r.0 == *id) {
            continue;
        }
        const ONE: &str = "SELECT id, name, region_code, kind FROM units WHERE id = $1";
        let row: Option<(i64, String, String, String)> =
            on_tx!(tx, c => sqlx::query_as(ONE).bind(id).fetch_optional(c).await?);
        rows.extend(row);
    }
    Ok(rows)
}

/// An entered figure of 表一–表四.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Entry {
    pub year: i32,
    pub unit_id: i64,
    pub form: String,
    pub col: i32,
    pub value: i64,
}

/// Sets a unit's entered figures of one form for a year: the columns given
/// replace the ones before; a column given as none is cleared.
pub async fn set_entries(
    tx: &mut Tx,
    (year, unit_id, form): (i32, i64, &str),
    values: &[(i32, Option<i64>)],
    by: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    const SET: &str = "INSERT INTO report_form_entries (year, unit_id, form, col, value, entered_by, entered_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (year, unit_id, form, col) DO UPDATE SET \
        value = excluded.value, entered_by = excluded.entered_by, entered_at = excluded.entered_at";
    const CLEAR: &str = "DELETE FROM report_form_entries WHERE year = $1 AND unit_id = $2 AND form = $3 AND col = $4";
    for (col, value) in values {
        match value {
            Some(v) => {
                on_tx!(tx, c => sqlx::query(SET)
                    .bind(year).bind(unit_id).bind(form).bind(col).bind(v).bind(by).bind(at)
                    .execute(c).await?.rows_affected());
            }
            None => {
                on_tx!(tx, c => sqlx::query(CLEAR)
                    .bind(year).bind(unit_id).bind(form).bind(col)
                    .execute(c).await?.rows_affected());
            }
        }
    }
    Ok(())
}

/// The entered figures of a year for the units under `region`.
pub async fn entries(tx: &mut Tx, region: &str, year: i32) -> Result<Vec<Entry>> {
    const Q: &str = "SELECT e.year, e.unit_id, e.form, e.col, e.value FROM report_form_entries e \
        JOIN units u ON u.id = e.unit_id WHERE e.year = $1 AND u.region_code LIKE $2 \
        ORDER BY e.unit_id, e.form, e.col";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(year).bind(format!("{region}%")).fetch_all(c).await?))
}

// The batch reads below run once per batch with the keyset moving on: each is
// sent unprepared (`persistent(false)`), so PostgreSQL plans it for the
// values at hand every time. A prepared statement switches to a generic plan
// after five runs, and for a region's year that plan walked every case of the
// region for each batch (a province's forms took 126 s instead of 2.5).

/// A batch of the case subsidies paid in `[from, to]` (China days) to cases
/// of units under `region`, after the keyset `(payment day, case id)`, in that
/// order (through the payment-day index: a province's year is one range): the
/// key, the intake unit, the case type, the handler's kind and the amount.
pub async fn subsidies_after(
    tx: &mut Tx,
    region: &str,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    after: Option<(chrono::NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<((chrono::NaiveDate, i64), Subsidy)>> {
    const Q: &str = "SELECT c.id, c.intake_unit_id, c.case_type, s.kind, COALESCE(c.subsidy_fen, 0), c.subsidy_paid_on \
        FROM cases c JOIN units u ON u.id = c.intake_unit_id LEFT JOIN staff s ON s.id = c.handler_id \
        WHERE c.subsidy_status = 'paid' AND c.subsidy_paid_on >= $1 AND c.subsidy_paid_on <= $2 \
        AND u.region_code LIKE $3 AND (c.subsidy_paid_on > $4 OR (c.subsidy_paid_on = $4 AND c.id > $5)) \
        ORDER BY c.subsidy_paid_on, c.id LIMIT $6";
    let (after_day, after_id) = after.unwrap_or((from - chrono::Duration::days(1), 0));
    type R = (i64, i64, String, Option<String>, i64, chrono::NaiveDate);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(Q).persistent(false)
        .bind(from).bind(to).bind(format!("{region}%")).bind(after_day).bind(after_id).bind(limit)
        .fetch_all(c).await?);
    rows.into_iter()
        .map(|(id, unit, case_type, kind, fen, day)| {
            Ok((
                (day, id),
                Subsidy {
                    line: unit,
                    case_type: CaseType::parse(&case_type).ok_or_else(|| {
                        StoreError::Corrupt(format!("case {id}: case type {case_type:?}"))
                    })?,
                    handler: opt(&kind).and_then(StaffKind::parse).map(HandlerClass::of),
                    fen,
                },
            ))
        })
        .collect()
}

/// 表一 cols 24–28 per unit under `region` in `[from, to]`: media items by
/// kind (24 broadcast, 25 print, 26 internet), training sessions held (27) and
/// their attendances (28): `(unit, column, count)`.
pub async fn outreach_counts(
    tx: &mut Tx,
    region: &str,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<Vec<(i64, i64, i64)>> {
    const MEDIA: &str = "SELECT unit_id, kind, COUNT(*) FROM publicity_media \
        WHERE region_code LIKE $1 AND published_on >= $2 AND published_on <= $3 GROUP BY unit_id, kind";
    const SESSIONS: &str = "SELECT unit_id, COUNT(*) FROM training_sessions \
        WHERE region_code LIKE $1 AND held_on >= $2 AND held_on <= $3 GROUP BY unit_id";
    const ATTENDED: &str = "SELECT s.unit_id, COUNT(*) FROM training_attendance a \
        JOIN training_sessions s ON s.id = a.session_id \
        WHERE s.region_code LIKE $1 AND s.held_on >= $2 AND s.held_on <= $3 AND a.status = 'attended' \
        GROUP BY s.unit_id";
    let r = format!("{region}%");
    let media: Vec<(i64, String, i64)> =
        on_tx!(tx, c => sqlx::query_as(MEDIA).bind(&r).bind(from).bind(to).fetch_all(c).await?);
    let sessions: Vec<(i64, i64)> =
        on_tx!(tx, c => sqlx::query_as(SESSIONS).bind(&r).bind(from).bind(to).fetch_all(c).await?);
    let attended: Vec<(i64, i64)> =
        on_tx!(tx, c => sqlx::query_as(ATTENDED).bind(&r).bind(from).bind(to).fetch_all(c).await?);
    let mut out: Vec<(i64, i64, i64)> = media
        .into_iter()
        .filter_map(|(unit, kind, n)| {
            let col = match kind.as_str() {
                "broadcast" => 24,
                "print" => 25,
                "internet" => 26,
                _ => return None,
            };
            Some((unit, col, n))
        })
        .collect();
    out.extend(sessions.into_iter().map(|(u, n)| (u, 27, n)));
    out.extend(attended.into_iter().map(|(u, n)| (u, 28, n)));
    Ok(out)
}
