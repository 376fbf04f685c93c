//! Excellent-case selections, their panels, nominations, judges' assignments and
//! sheets (migration 0021).
//!
//! A state change of a selection (judging starts, results published) and the
//! writes that depend on its state (a nomination, a withdrawal, a sheet) must
//! not interleave: the writes read the selection with [`selection_shared`],
//! which on PostgreSQL holds a shared lock until they commit, and a state
//! change is an `UPDATE` of the row, which waits for them and makes them wait.

use crate::hearings::JsonList;
use crate::quality::Expert;
use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::excellent::{Criterion, CriterionScore, NominationStatus, SelectionStatus};
use legalaid_domain::{CaseId, NominationId, SelectionId};
use serde::Serialize;

// ---------------------------------------------------------------- selections

/// A selection as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Selection {
    pub id: i64,
    pub title: String,
    pub year: i64,
    /// Cases archived from this day…
    pub closed_from: NaiveDate,
    /// …to this day (included) may be nominated.
    pub closed_to: NaiveDate,
    pub nomination_deadline: NaiveDate,
    /// How many ranks are honoured.
    pub places: i64,
    pub judges_per_case: i64,
    #[sqlx(try_from = "String")]
    pub criteria: JsonList<Criterion>,
    pub notes: String,
    #[sqlx(try_from = "String")]
    pub status: SelectionStatus,
    /// The organising bureau or center.
    pub unit_id: i64,
    pub region_code: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub judging_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<i64>,
    pub version: i64,
}

const SEL_COLUMNS: &str = "s.id, s.title, s.year, s.closed_from, s.closed_to, s.nomination_deadline, s.places, \
    s.judges_per_case, s.criteria, s.notes, s.status, s.unit_id, s.region_code, s.created_by, s.created_at, \
    s.judging_at, s.published_at, s.published_by, s.version";

/// Inserts a selection (status `nominating`); a second one of the same title in
/// the region fails on its unique key (Duplicate).
pub async fn insert_selection(tx: &mut Tx, s: &Selection) -> Result<SelectionId> {
    const Q: &str = "INSERT INTO excellent_selections (title, year, closed_from, closed_to, nomination_deadline, \
        places, judges_per_case, criteria, notes, status, unit_id, region_code, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'nominating', $10, $11, $12, $13, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(&s.title).bind(s.year).bind(s.closed_from).bind(s.closed_to).bind(s.nomination_deadline)
        .bind(s.places).bind(s.judges_per_case).bind(s.criteria.text()).bind(&s.notes).bind(s.unit_id)
        .bind(&s.region_code).bind(s.created_by).bind(s.created_at)
        .fetch_one(c).await?);
    Ok(SelectionId(id))
}

pub async fn selection(tx: &mut Tx, id: SelectionId) -> Result<Option<Selection>> {
    let q = format!("SELECT {SEL_COLUMNS} FROM excellent_selections s WHERE s.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The selection, read by a write that depends on its state (a nomination, a
/// withdrawal, a sheet). Dialect difference: PostgreSQL reads it `FOR SHARE`, so
/// that judging cannot start nor results be published until the write commits
/// (while other nominations and sheets go ahead together); SQLite's single
/// writer already runs write transactions one at a time.
pub async fn selection_shared(tx: &mut Tx, id: SelectionId) -> Result<Option<Selection>> {
    let q = format!("SELECT {SEL_COLUMNS} FROM excellent_selections s WHERE s.id = $1");
    Ok(match tx {
        Tx::Sqlite(t, _) => {
            sqlx::query_as(sqlx::AssertSqlSafe(q))
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?
        }
        Tx::Pg(t, _) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{q} FOR SHARE")))
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?
        }
    })
}

/// Saves the selection's state if it is still at `s.version`.
pub async fn save_selection(tx: &mut Tx, s: &Selection) -> Result<Selection> {
    const Q: &str = "UPDATE excellent_selections SET status = $1, judging_at = $2, published_at = $3, \
        published_by = $4, version = version + 1 WHERE id = $5 AND version = $6";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(s.status.as_str()).bind(s.judging_at).bind(s.published_at).bind(s.published_by)
        .bind(s.id).bind(s.version)
        .execute(c).await?.rows_affected());
    let id = SelectionId(s.id);
    if n == 0 {
        return Err(match selection(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    selection(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A selection with what its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SelectionLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub selection: Selection,
    pub unit_name: String,
    /// Nominations not withdrawn.
    pub nominations: i64,
}

/// Which selections to list.
#[derive(Debug, Clone, Default)]
pub struct SelectionFilter {
    pub status: Option<SelectionStatus>,
    pub year: Option<i64>,
}

/// Whose selections: those of regions under `region_like` (a `LIKE` prefix), or
/// those whose region covers `within` (the region of a unit that takes part);
/// both `None` for all.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub region_like: Option<String>,
    pub within: Option<String>,
}

/// Selections newest first (by year, then id), a page at a time, with how many.
pub async fn selections(
    tx: &mut Tx,
    reach: &Reach,
    f: &SelectionFilter,
    page: Page,
) -> Result<(Vec<SelectionLine>, i64)> {
    const FILTER: &str = "WHERE ($1 IS NULL OR s.region_code LIKE $1) AND ($2 IS NULL OR $2 LIKE s.region_code || '%') \
        AND ($3 IS NULL OR s.status = $3) AND ($4 IS NULL OR s.year = $4)";
    let q = format!(
        "SELECT {SEL_COLUMNS}, u.name AS unit_name, \
         (SELECT COUNT(*) FROM excellent_nominations n WHERE n.selection_id = s.id AND n.status = 'nominated') AS nominations \
         FROM excellent_selections s JOIN units u ON u.id = s.unit_id {FILTER} \
         ORDER BY s.year DESC, s.id DESC LIMIT $5 OFFSET $6"
    );
    let n = format!("SELECT COUNT(*) FROM excellent_selections s {FILTER}");
    let status = f.status.map(|s| s.as_str());
    let rows: Vec<SelectionLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&reach.region_like).bind(&reach.within).bind(status).bind(f.year)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&reach.region_like).bind(&reach.within).bind(status).bind(f.year)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// Adds a judge to the panel.
pub async fn add_judge(tx: &mut Tx, selection: SelectionId, expert_id: i64) -> Result<()> {
    const Q: &str = "INSERT INTO excellent_judges (selection_id, expert_id) VALUES ($1, $2)";
    on_tx!(tx, c => sqlx::query(Q).bind(selection.0).bind(expert_id).execute(c).await?.rows_affected());
    Ok(())
}

/// The panel, by name.
pub async fn judges(tx: &mut Tx, selection: SelectionId) -> Result<Vec<Expert>> {
    const Q: &str = "SELECT e.id, e.region_code, e.name, e.kind, e.unit_id, e.staff_id, e.user_id, e.work_unit, \
        e.phone, e.licence_no, e.practice_start_year, e.specialty, e.honours, e.sanctioned, e.active, e.version \
        FROM excellent_judges j JOIN experts e ON e.id = j.expert_id WHERE j.selection_id = $1 ORDER BY e.name, e.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(selection.0).fetch_all(c).await?))
}

// ---------------------------------------------------------------- nominations

/// A nomination as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Nomination {
    pub id: i64,
    pub selection_id: i64,
    pub case_id: i64,
    pub nominating_unit_id: i64,
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    /// 推荐理由: why the case is exemplary, as the unit wrote it.
    pub recommendation: String,
    #[sqlx(try_from = "String")]
    pub status: NominationStatus,
    pub withdraw_reason: String,
    /// Fixed at publication: the average of the judges' totals × 100.
    pub average_hundredths: Option<i64>,
    /// Fixed at publication (ties share a rank).
    pub final_rank: Option<i64>,
    /// Fixed at publication: ranked within the places.
    pub honoured: bool,
    pub nominated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const NOM_COLUMNS: &str = "n.id, n.selection_id, n.case_id, n.nominating_unit_id, n.handling_unit_id, n.handler_id, \
    n.recommendation, n.status, n.withdraw_reason, n.average_hundredths, n.final_rank, n.honoured, n.nominated_by, \
    n.created_at, n.version";

/// Inserts a nomination; a second open one of the case in the selection fails
/// on `excellent_nominations_open` (Duplicate).
pub async fn insert_nomination(tx: &mut Tx, n: &Nomination) -> Result<NominationId> {
    const Q: &str = "INSERT INTO excellent_nominations (selection_id, case_id, nominating_unit_id, handling_unit_id, \
        handler_id, recommendation, status, withdraw_reason, honoured, nominated_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, 'nominated', '', FALSE, $7, $8, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(n.selection_id).bind(n.case_id).bind(n.nominating_unit_id).bind(n.handling_unit_id)
        .bind(n.handler_id).bind(&n.recommendation).bind(n.nominated_by).bind(n.created_at)
        .fetch_one(c).await?);
    Ok(NominationId(id))
}

pub async fn nomination(tx: &mut Tx, id: NominationId) -> Result<Option<Nomination>> {
    let q = format!("SELECT {NOM_COLUMNS} FROM excellent_nominations n WHERE n.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The open nomination of a case in a selection, if any.
pub async fn open_nomination_of_case(
    tx: &mut Tx,
    selection: SelectionId,
    case_id: CaseId,
) -> Result<Option<Nomination>> {
    let q = format!(
        "SELECT {NOM_COLUMNS} FROM excellent_nominations n \
         WHERE n.selection_id = $1 AND n.case_id = $2 AND n.status <> 'withdrawn'"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(selection.0).bind(case_id.0).fetch_optional(c).await?),
    )
}

/// Saves a nomination's state and result if it is still at `n.version`.
pub async fn save_nomination(tx: &mut Tx, n: &Nomination) -> Result<Nomination> {
    const Q: &str = "UPDATE excellent_nominations SET status = $1, withdraw_reason = $2, average_hundredths = $3, \
        final_rank = $4, honoured = $5, version = version + 1 WHERE id = $6 AND version = $7";
    let count = on_tx!(tx, c => sqlx::query(Q)
        .bind(n.status.as_str()).bind(&n.withdraw_reason).bind(n.average_hundredths).bind(n.final_rank)
        .bind(n.honoured).bind(n.id).bind(n.version)
        .execute(c).await?.rows_affected());
    let id = NominationId(n.id);
    if count == 0 {
        return Err(match nomination(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    nomination(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The nominations of a selection not withdrawn, by id.
pub async fn active_nominations(tx: &mut Tx, selection: SelectionId) -> Result<Vec<Nomination>> {
    let q = format!(
        "SELECT {NOM_COLUMNS} FROM excellent_nominations n WHERE n.selection_id = $1 AND n.status = 'nominated' \
         ORDER BY n.id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(selection.0).fetch_all(c).await?),
    )
}

/// A nomination with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NominationLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub nomination: Nomination,
    pub case_number: String,
    pub nominating_unit_name: String,
    pub handling_unit_name: Option<String>,
    pub handler_name: Option<String>,
    /// Judges assigned.
    pub judges: i64,
    /// Sheets submitted.
    pub scored: i64,
}

/// Whose nominations of a selection a caller reads: all of them, or those of a
/// unit (nominated by it or handled by it) and those assigned to a judge's
/// account.
#[derive(Debug, Clone, Copy, Default)]
pub struct NominationReach {
    pub all: bool,
    pub unit_id: Option<i64>,
    pub judge_user_id: Option<i64>,
}

const NOM_REACH: &str = "($2 = TRUE OR n.nominating_unit_id = $3 OR n.handling_unit_id = $3 \
    OR EXISTS (SELECT 1 FROM excellent_assignments a JOIN experts e ON e.id = a.expert_id \
    WHERE a.nomination_id = n.id AND e.user_id = $4))";

/// The nominations of a selection the caller reads (withdrawn ones too when
/// asked): ranked first by their rank once published, then by id; a page at a
/// time, with how many.
pub async fn nominations(
    tx: &mut Tx,
    selection: SelectionId,
    reach: NominationReach,
    with_withdrawn: bool,
    page: Page,
) -> Result<(Vec<NominationLine>, i64)> {
    let filter = format!(
        "WHERE n.selection_id = $1 AND {NOM_REACH} AND ($5 = TRUE OR n.status = 'nominated')"
    );
    let q = format!(
        "SELECT {NOM_COLUMNS}, c.number AS case_number, nu.name AS nominating_unit_name, \
         hu.name AS handling_unit_name, h.name AS handler_name, \
         (SELECT COUNT(*) FROM excellent_assignments a WHERE a.nomination_id = n.id) AS judges, \
         (SELECT COUNT(*) FROM excellent_scores x WHERE x.nomination_id = n.id) AS scored \
         FROM excellent_nominations n JOIN cases c ON c.id = n.case_id JOIN units nu ON nu.id = n.nominating_unit_id \
         LEFT JOIN units hu ON hu.id = n.handling_unit_id LEFT JOIN staff h ON h.id = n.handler_id {filter} \
         ORDER BY CASE WHEN n.final_rank IS NULL THEN 1 ELSE 0 END, n.final_rank, n.id LIMIT $6 OFFSET $7"
    );
    let count = format!("SELECT COUNT(*) FROM excellent_nominations n {filter}");
    let rows: Vec<NominationLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(selection.0).bind(reach.all).bind(reach.unit_id).bind(reach.judge_user_id).bind(with_withdrawn)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count))
        .bind(selection.0).bind(reach.all).bind(reach.unit_id).bind(reach.judge_user_id).bind(with_withdrawn)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// The names a ranking shows for each nomination of a selection (withdrawn ones
/// too): (nomination id, case number, handling unit, handler), in one query.
pub async fn names(
    tx: &mut Tx,
    selection: SelectionId,
) -> Result<Vec<(i64, String, Option<String>, Option<String>)>> {
    const Q: &str = "SELECT n.id, c.number, hu.name, h.name FROM excellent_nominations n \
        JOIN cases c ON c.id = n.case_id LEFT JOIN units hu ON hu.id = n.handling_unit_id \
        LEFT JOIN staff h ON h.id = n.handler_id WHERE n.selection_id = $1 ORDER BY n.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(selection.0).fetch_all(c).await?))
}

/// Counts of a case's concluded complaints found substantiated: all of them, and
/// those about money or property taken (`taking_money`), for eligibility.
pub async fn upheld_complaints(tx: &mut Tx, case_id: CaseId) -> Result<(i64, i64)> {
    const Q: &str = "SELECT COUNT(*) FROM complaints WHERE case_id = $1 \
        AND status IN ('concluded', 'replied') AND outcome IN ('sanctioned', 'corrected') AND ($2 = FALSE OR category = 'taking_money')";
    let all: i64 =
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(case_id.0).bind(false).fetch_one(c).await?);
    let money: i64 =
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(case_id.0).bind(true).fetch_one(c).await?);
    Ok((all, money))
}

/// An archived case a unit may nominate, as the nomination form offers it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Candidate {
    pub case_id: i64,
    pub case_number: String,
    pub handler_name: Option<String>,
}

/// Archived cases closed in `[from, to)` (instants), handled by `unit_id` or,
/// for an organiser, by any unit of a region under `region_like`, not nominated
/// to the selection yet; by number, at most `limit`.
pub async fn candidates(
    tx: &mut Tx,
    selection: SelectionId,
    unit_id: Option<i64>,
    region_like: Option<&str>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    limit: i64,
) -> Result<Vec<Candidate>> {
    const Q: &str = "SELECT c.id AS case_id, c.number AS case_number, h.name AS handler_name FROM cases c \
        JOIN units hu ON hu.id = c.handling_unit_id LEFT JOIN staff h ON h.id = c.handler_id \
        WHERE c.status = 'archived' AND c.closed_at >= $1 AND c.closed_at < $2 \
        AND ($3 IS NULL OR c.handling_unit_id = $3) AND ($4 IS NULL OR hu.region_code LIKE $4) \
        AND NOT EXISTS (SELECT 1 FROM excellent_nominations n WHERE n.selection_id = $5 AND n.case_id = c.id \
        AND n.status <> 'withdrawn') ORDER BY c.closed_at DESC, c.id DESC LIMIT $6";
    Ok(on_tx!(tx, c => sqlx::query_as(Q)
        .bind(from).bind(to).bind(unit_id).bind(region_like).bind(selection.0).bind(limit)
        .fetch_all(c).await?))
}

// ---------------------------------------------------------------- judging

/// Assigns a judge to a nomination.
pub async fn assign(tx: &mut Tx, nomination: NominationId, expert_id: i64) -> Result<()> {
    const Q: &str = "INSERT INTO excellent_assignments (nomination_id, expert_id) VALUES ($1, $2)";
    on_tx!(tx, c => sqlx::query(Q).bind(nomination.0).bind(expert_id).execute(c).await?.rows_affected());
    Ok(())
}

/// The judges assigned to a nomination.
pub async fn assigned(tx: &mut Tx, nomination: NominationId) -> Result<Vec<Expert>> {
    const Q: &str = "SELECT e.id, e.region_code, e.name, e.kind, e.unit_id, e.staff_id, e.user_id, e.work_unit, \
        e.phone, e.licence_no, e.practice_start_year, e.specialty, e.honours, e.sanctioned, e.active, e.version \
        FROM excellent_assignments a JOIN experts e ON e.id = a.expert_id WHERE a.nomination_id = $1 ORDER BY e.name, e.id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(nomination.0).fetch_all(c).await?))
}

/// A judge's sheet as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Score {
    pub id: i64,
    pub nomination_id: i64,
    /// The judge (an expert of the pool).
    pub expert_id: i64,
    pub judge_name: String,
    #[sqlx(try_from = "String")]
    pub scores: JsonList<CriterionScore>,
    pub total: i64,
    pub comment: String,
    /// The judge's account, or the organiser who entered a paper sheet.
    pub entered_by: Option<i64>,
    pub submitted_at: DateTime<Utc>,
}

const SCORE_COLUMNS: &str = "x.id, x.nomination_id, x.expert_id, e.name AS judge_name, x.scores, x.total, \
    x.comment, x.entered_by, x.submitted_at";

/// A sheet to insert.
#[derive(Debug, Clone)]
pub struct NewScore {
    pub nomination_id: i64,
    pub expert_id: i64,
    pub scores: Vec<CriterionScore>,
    pub total: i64,
    pub comment: String,
    pub entered_by: Option<i64>,
    pub submitted_at: DateTime<Utc>,
}

/// Inserts a sheet; a second one of the judge fails on the unique pair
/// (Duplicate), one of a judge not assigned on the foreign key.
pub async fn insert_score(tx: &mut Tx, s: &NewScore) -> Result<i64> {
    const Q: &str = "INSERT INTO excellent_scores (nomination_id, expert_id, scores, total, comment, entered_by, \
        submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let scores = JsonList(s.scores.clone()).text();
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(s.nomination_id).bind(s.expert_id).bind(&scores).bind(s.total).bind(&s.comment)
        .bind(s.entered_by).bind(s.submitted_at)
        .fetch_one(c).await?))
}

/// The sheets of a nomination, in the order submitted.
pub async fn scores(tx: &mut Tx, nomination: NominationId) -> Result<Vec<Score>> {
    let q = format!(
        "SELECT {SCORE_COLUMNS} FROM excellent_scores x JOIN experts e ON e.id = x.expert_id \
         WHERE x.nomination_id = $1 ORDER BY x.id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(nomination.0).fetch_all(c).await?),
    )
}

/// The sheets of a selection's nominations not withdrawn.
pub async fn scores_of_selection(tx: &mut Tx, selection: SelectionId) -> Result<Vec<Score>> {
    let q = format!(
        "SELECT {SCORE_COLUMNS} FROM excellent_scores x JOIN experts e ON e.id = x.expert_id \
         JOIN excellent_nominations n ON n.id = x.nomination_id \
         WHERE n.selection_id = $1 AND n.status = 'nominated' ORDER BY x.id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(selection.0).fetch_all(c).await?),
    )
}

/// How many assigned judges have not scored their nomination yet.
pub async fn missing_sheets(tx: &mut Tx, selection: SelectionId) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM excellent_assignments a JOIN excellent_nominations n ON n.id = a.nomination_id \
        WHERE n.selection_id = $1 AND n.status = 'nominated' AND NOT EXISTS \
        (SELECT 1 FROM excellent_scores x WHERE x.nomination_id = a.nomination_id AND x.expert_id = a.expert_id)";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(selection.0).fetch_one(c).await?))
}

/// A nomination waiting for a judge's sheet.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Pending {
    pub nomination_id: i64,
    pub selection_id: i64,
    pub selection_title: String,
    pub case_number: String,
    pub expert_id: i64,
}

/// The nominations assigned to a judge's account, in selections being judged,
/// that the judge has not scored yet.
pub async fn pending_for(tx: &mut Tx, user_id: i64) -> Result<Vec<Pending>> {
    const Q: &str = "SELECT n.id AS nomination_id, s.id AS selection_id, s.title AS selection_title, \
        c.number AS case_number, e.id AS expert_id FROM excellent_assignments a \
        JOIN experts e ON e.id = a.expert_id JOIN excellent_nominations n ON n.id = a.nomination_id \
        JOIN excellent_selections s ON s.id = n.selection_id JOIN cases c ON c.id = n.case_id \
        WHERE e.user_id = $1 AND s.status = 'judging' AND n.status = 'nominated' AND NOT EXISTS \
        (SELECT 1 FROM excellent_scores x WHERE x.nomination_id = a.nomination_id AND x.expert_id = a.expert_id) \
        ORDER BY s.id, n.id LIMIT 200";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(user_id).fetch_all(c).await?))
}

// ---------------------------------------------------------------- honours

/// A case's honour in a published selection.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Honour {
    pub selection_id: i64,
    pub title: String,
    pub year: i64,
    pub nomination_id: i64,
    pub final_rank: i64,
}

/// The honours of a case, latest selection first.
pub async fn honours_of_case(tx: &mut Tx, case_id: CaseId) -> Result<Vec<Honour>> {
    const Q: &str = "SELECT s.id AS selection_id, s.title, s.year, n.id AS nomination_id, n.final_rank \
        FROM excellent_nominations n JOIN excellent_selections s ON s.id = n.selection_id \
        WHERE n.case_id = $1 AND n.honoured = TRUE AND s.status = 'published' AND n.final_rank IS NOT NULL \
        ORDER BY s.year DESC, s.id DESC";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(case_id.0).fetch_all(c).await?))
}
