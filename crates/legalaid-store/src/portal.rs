//! The public portal's records (migration 0022): codes sent to phones, the
//! short sessions a proven phone opens, the rate-limit counters shared by every
//! instance, and what the portal adds to an online application.

use crate::{Result, Tx};
use chrono::{DateTime, Utc};
use legalaid_domain::portal::Purpose;

/// Counts one hit in a window and returns the count including it. One upsert, so
/// two instances counting at once both see their own hit.
pub async fn hit(tx: &mut Tx, bucket: &str, window_start: DateTime<Utc>) -> Result<i64> {
    const Q: &str = "INSERT INTO portal_hits (bucket, window_start, hits) VALUES ($1, $2, 1) \
        ON CONFLICT (bucket, window_start) DO UPDATE SET hits = portal_hits.hits + 1 RETURNING hits";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(bucket).bind(window_start).fetch_one(c).await?))
}

/// The count of a window without adding to it.
pub async fn hits(tx: &mut Tx, bucket: &str, window_start: DateTime<Utc>) -> Result<i64> {
    const Q: &str = "SELECT hits FROM portal_hits WHERE bucket = $1 AND window_start = $2";
    let n: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(Q).bind(bucket).bind(window_start).fetch_optional(c).await?);
    Ok(n.unwrap_or(0))
}

/// Forgets counters, codes and sessions that ended before `before` (a day's
/// windows are the longest).
pub async fn prune(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    let mut n = 0;
    for q in [
        "DELETE FROM portal_hits WHERE window_start < $1",
        "DELETE FROM portal_sessions WHERE expires_at < $1",
        "DELETE FROM portal_codes WHERE expires_at < $1",
    ] {
        n += on_tx!(tx, c => sqlx::query(q).bind(before).execute(c).await?.rows_affected());
    }
    Ok(n)
}

/// A code to write.
pub struct NewCode<'a> {
    pub purpose: Purpose,
    pub phone_hash: &'a str,
    pub phone_enc: &'a str,
    pub application_id: Option<i64>,
    pub code_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_code(tx: &mut Tx, c: &NewCode<'_>, now: DateTime<Utc>) -> Result<i64> {
    const Q: &str = "INSERT INTO portal_codes (purpose, phone_hash, phone_enc, application_id, code_hash, created_at, expires_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(Q)
        .bind(c.purpose.as_str()).bind(c.phone_hash).bind(c.phone_enc).bind(c.application_id)
        .bind(c.code_hash).bind(now).bind(c.expires_at)
        .fetch_one(conn).await?))
}

/// The latest code sent to a phone for a purpose.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub phone_enc: String,
    pub application_id: Option<i64>,
    pub code_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: i64,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn latest_code(
    tx: &mut Tx,
    purpose: Purpose,
    phone_hash: &str,
    application_id: Option<i64>,
) -> Result<Option<CodeRow>> {
    const Q: &str = "SELECT id, phone_enc, application_id, code_hash, created_at, expires_at, attempts, used_at \
        FROM portal_codes WHERE purpose = $1 AND phone_hash = $2 \
        AND (application_id = $3 OR ($3 IS NULL AND application_id IS NULL)) ORDER BY id DESC LIMIT 1";
    Ok(
        on_tx!(tx, c => sqlx::query_as(Q).bind(purpose.as_str()).bind(phone_hash).bind(application_id)
        .fetch_optional(c).await?),
    )
}

/// Counts a wrong entry, unless the code was used or spent meanwhile; false when
/// another request got there first.
pub async fn count_attempt(tx: &mut Tx, id: i64, max: i64) -> Result<bool> {
    const Q: &str = "UPDATE portal_codes SET attempts = attempts + 1 WHERE id = $1 AND used_at IS NULL AND attempts < $2";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(id).bind(max).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Marks a code used; false when another request used it first (the loser of a
/// race gets no session).
pub async fn use_code(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool> {
    const Q: &str = "UPDATE portal_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(id).bind(now).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// A proven phone's session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(try_from = "String")]
    pub purpose: Purpose,
    pub phone_hash: String,
    pub phone_enc: String,
    pub application_id: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    s: &SessionRow,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "INSERT INTO portal_sessions (token_hash, purpose, phone_hash, phone_enc, application_id, created_at, expires_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_tx!(tx, c => sqlx::query(Q).bind(token_hash).bind(s.purpose.as_str()).bind(&s.phone_hash)
        .bind(&s.phone_enc).bind(s.application_id).bind(now).bind(s.expires_at)
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn session(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>> {
    const Q: &str = "SELECT purpose, phone_hash, phone_enc, application_id, expires_at FROM portal_sessions WHERE token_hash = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(token_hash).fetch_optional(c).await?))
}

/// Ends a session (after the application it allowed was made).
pub async fn end_session(tx: &mut Tx, token_hash: &str) -> Result<bool> {
    const Q: &str = "DELETE FROM portal_sessions WHERE token_hash = $1";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(token_hash).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// What the portal adds to an online application.
pub struct NewPortalApplication<'a> {
    pub application_id: i64,
    pub phone_hash: &'a str,
    pub phone_enc: &'a str,
    pub declared_name: &'a str,
    pub name_matches: bool,
    pub township_code: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_application(tx: &mut Tx, p: &NewPortalApplication<'_>) -> Result<()> {
    const Q: &str = "INSERT INTO portal_applications (application_id, phone_hash, phone_enc, declared_name, name_matches, township_code, declared_at, consented_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    on_tx!(tx, c => sqlx::query(Q).bind(p.application_id).bind(p.phone_hash).bind(p.phone_enc)
        .bind(p.declared_name).bind(p.name_matches).bind(p.township_code).bind(p.at)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// The portal's part of an application, if it came through the portal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PortalApplicationRow {
    pub phone_hash: String,
    pub phone_enc: String,
    pub declared_name: String,
    pub name_matches: bool,
    pub township_code: String,
    pub declared_at: DateTime<Utc>,
    pub consented_at: DateTime<Utc>,
}

pub async fn of_application(
    tx: &mut Tx,
    application_id: i64,
) -> Result<Option<PortalApplicationRow>> {
    const Q: &str = "SELECT phone_hash, phone_enc, declared_name, name_matches, township_code, declared_at, \
        consented_at FROM portal_applications WHERE application_id = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(application_id).fetch_optional(c).await?))
}

/// The application with this number, and its applicant's person id.
pub async fn application_by_number(tx: &mut Tx, number: &str) -> Result<Option<(i64, i64)>> {
    const Q: &str = "SELECT id, applicant_id FROM applications WHERE number = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(number).fetch_optional(c).await?))
}

/// The figures of the annual public report (LAL art 58) for the region whose
/// code starts with `region`, between two instants (and the same days as dates).
#[derive(Debug, Clone, Default)]
pub struct AnnualFigures {
    pub applications: i64,
    pub granted: i64,
    pub denied: i64,
    /// Cases opened, by case type code.
    pub cases_by_type: Vec<(String, i64)>,
    pub closed: i64,
    pub subsidies_paid: i64,
    pub subsidies_fen: i64,
    /// Final grades of file reviews, by grade code.
    pub grades: Vec<(String, i64)>,
    pub complaints: i64,
    pub complaints_upheld: i64,
    /// Consultations answered (every channel).
    pub consultations: i64,
    /// Legal help given by lawyers on duty, and the duty days rostered.
    pub duty_help: i64,
    pub duty_days: i64,
    /// Publicity activities held and the people they reached.
    pub publicity_activities: i64,
    pub people_reached: i64,
}

pub async fn annual_figures(
    tx: &mut Tx,
    region: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    from_day: chrono::NaiveDate,
    to_day: chrono::NaiveDate,
) -> Result<AnnualFigures> {
    let like = format!("{region}%");
    const APPS: &str = "SELECT COUNT(*), \
        COALESCE(SUM(CASE WHEN a.outcome = 'granted' THEN 1 ELSE 0 END), 0), \
        COALESCE(SUM(CASE WHEN a.outcome = 'denied' THEN 1 ELSE 0 END), 0) \
        FROM applications a JOIN units u ON u.id = a.receiving_unit_id \
        WHERE u.region_code LIKE $1 AND a.received_at >= $2 AND a.received_at < $3";
    let (applications, granted, denied): (i64, i64, i64) = on_tx!(tx, c => sqlx::query_as(APPS)
        .bind(&like).bind(from).bind(to).fetch_one(c).await?);
    const TYPES: &str = "SELECT c.case_type, COUNT(*) FROM cases c JOIN units u ON u.id = c.intake_unit_id \
        WHERE u.region_code LIKE $1 AND c.created_at >= $2 AND c.created_at < $3 \
        GROUP BY c.case_type ORDER BY c.case_type";
    let cases_by_type: Vec<(String, i64)> = on_tx!(tx, c => sqlx::query_as(TYPES)
        .bind(&like).bind(from).bind(to).fetch_all(c).await?);
    const CLOSED: &str = "SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.intake_unit_id \
        WHERE u.region_code LIKE $1 AND c.status = 'archived' AND c.closed_at >= $2 AND c.closed_at < $3";
    let closed: i64 = on_tx!(tx, c => sqlx::query_scalar(CLOSED)
        .bind(&like).bind(from).bind(to).fetch_one(c).await?);
    const PAID: &str = "SELECT COUNT(*), CAST(COALESCE(SUM(c.subsidy_fen), 0) AS BIGINT) FROM cases c \
        JOIN units u ON u.id = c.intake_unit_id WHERE u.region_code LIKE $1 \
        AND c.subsidy_status = 'paid' AND c.subsidy_paid_on >= $2 AND c.subsidy_paid_on < $3";
    let (subsidies_paid, subsidies_fen): (i64, i64) = on_tx!(tx, c => sqlx::query_as(PAID)
        .bind(&like).bind(from_day).bind(to_day).fetch_one(c).await?);
    const GRADES: &str = "SELECT r.final_grade, COUNT(*) FROM reviews r JOIN cases c ON c.id = r.case_id \
        JOIN units u ON u.id = c.intake_unit_id WHERE u.region_code LIKE $1 AND r.status = 'final' \
        AND r.final_grade IS NOT NULL AND r.final_at >= $2 AND r.final_at < $3 \
        GROUP BY r.final_grade ORDER BY r.final_grade";
    let grades: Vec<(String, i64)> = on_tx!(tx, c => sqlx::query_as(GRADES)
        .bind(&like).bind(from).bind(to).fetch_all(c).await?);
    const COMPLAINTS: &str = "SELECT COUNT(*), \
        COALESCE(SUM(CASE WHEN outcome IN ('sanctioned', 'corrected') THEN 1 ELSE 0 END), 0) \
        FROM complaints WHERE region_code LIKE $1 AND received_at >= $2 AND received_at < $3";
    let (complaints, complaints_upheld): (i64, i64) = on_tx!(tx, c => sqlx::query_as(COMPLAINTS)
        .bind(&like).bind(from).bind(to).fetch_one(c).await?);
    const CONSULTATIONS: &str = "SELECT COUNT(*) FROM consultations \
        WHERE region_code LIKE $1 AND consulted_on >= $2 AND consulted_on < $3";
    let consultations: i64 = on_tx!(tx, c => sqlx::query_scalar(CONSULTATIONS)
        .bind(&like).bind(from_day).bind(to_day).fetch_one(c).await?);
    const HELP: &str = "SELECT COUNT(*) FROM duty_help \
        WHERE region_code LIKE $1 AND helped_on >= $2 AND helped_on < $3";
    let duty_help: i64 = on_tx!(tx, c => sqlx::query_scalar(HELP)
        .bind(&like).bind(from_day).bind(to_day).fetch_one(c).await?);
    const DAYS: &str = "SELECT COUNT(*) FROM duty_rosters \
        WHERE region_code LIKE $1 AND duty_date >= $2 AND duty_date < $3";
    let duty_days: i64 = on_tx!(tx, c => sqlx::query_scalar(DAYS)
        .bind(&like).bind(from_day).bind(to_day).fetch_one(c).await?);
    const PUBLICITY: &str = "SELECT COUNT(*), CAST(COALESCE(SUM(people_reached), 0) AS BIGINT) \
        FROM publicity_activities WHERE region_code LIKE $1 AND held_on >= $2 AND held_on < $3";
    let (publicity_activities, people_reached): (i64, i64) = on_tx!(tx, c => sqlx::query_as(PUBLICITY)
        .bind(&like).bind(from_day).bind(to_day).fetch_one(c).await?);
    Ok(AnnualFigures {
        applications,
        granted,
        denied,
        cases_by_type,
        closed,
        subsidies_paid,
        subsidies_fen,
        grades,
        complaints,
        complaints_upheld,
        consultations,
        duty_help,
        duty_days,
        publicity_activities,
        people_reached,
    })
}

/// An evaluation link to write when a case is closed.
pub struct NewEvaluation<'a> {
    pub case_id: i64,
    pub token_hash: &'a str,
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    pub region_code: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Writes the case's evaluation link; false when the case has one already.
pub async fn insert_evaluation(
    tx: &mut Tx,
    e: &NewEvaluation<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "INSERT INTO portal_evaluations (case_id, token_hash, handling_unit_id, handler_id, region_code, created_at, expires_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO NOTHING";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(e.case_id).bind(e.token_hash).bind(e.handling_unit_id)
        .bind(e.handler_id).bind(e.region_code).bind(now).bind(e.expires_at)
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// An evaluation link as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub case_id: i64,
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    pub region_code: String,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

pub async fn evaluation(tx: &mut Tx, token_hash: &str) -> Result<Option<EvaluationRow>> {
    const Q: &str = "SELECT id, case_id, handling_unit_id, handler_id, region_code, expires_at, answered_at \
        FROM portal_evaluations WHERE token_hash = $1";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(token_hash).fetch_optional(c).await?))
}

/// The answer, once: false when the link was answered already (by another
/// request too).
pub struct EvaluationAnswer<'a> {
    pub ratings: [&'a str; 5],
    pub money_asked: bool,
    pub comment: &'a str,
    pub on: chrono::NaiveDate,
}

pub async fn answer_evaluation(
    tx: &mut Tx,
    id: i64,
    a: &EvaluationAnswer<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    const Q: &str = "UPDATE portal_evaluations SET answered_at = $2, answered_on = $3, service_attitude = $4, \
        communication = $5, rights_protection = $6, case_result = $7, overall = $8, money_asked = $9, comment = $10 \
        WHERE id = $1 AND answered_at IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(id).bind(now).bind(a.on)
        .bind(a.ratings[0]).bind(a.ratings[1]).bind(a.ratings[2]).bind(a.ratings[3]).bind(a.ratings[4])
        .bind(a.money_asked).bind(a.comment)
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}
