//! The search index (ADR 0031): one entry per searchable record in
//! `search_entries`, its words indexed by SQLite FTS5 or a PostgreSQL GIN index.
//!
//! Triggers queue every change to a searchable field in `search_queue`, in the
//! transaction that makes it; [`crate::Tx::commit`] rewrites the queued records'
//! entries before it commits ([`drain_own`]), so the index is as current as the
//! records for every instance at once. Rows written outside the application
//! (a migration, a bulk load) are drained by the background job
//! ([`drain_queued`]); [`rebuild_batch`] rewrites every entry. The query, and
//! who may see which hits, is in [`query`].

use crate::{Result, StoreError, Tx};
use legalaid_domain::search::{Document, DocumentBuilder, SearchKind};

/// Queue rows rewritten per round.
mod query;
pub use query::{COUNT_CAP, Hit, Searcher, search};

const BATCH: i64 = 500;

type Queued = (i64, String, i64);

/// Rewrites the entries of the records this transaction queued (`from`: on
/// SQLite, the queue's last id when the transaction began).
pub(crate) async fn drain_own(tx: &mut Tx, from: i64) -> Result<()> {
    loop {
        let rows: Vec<Queued> = match tx {
            Tx::Sqlite(t, _) => sqlx::query_as(
                "SELECT id, kind, record_id FROM search_queue WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(from)
            .bind(BATCH)
            .fetch_all(&mut **t)
            .await?,
            Tx::Pg(t, _) => {
                sqlx::query_as(
                    "SELECT id, kind, record_id FROM search_queue \
                     WHERE tx = txid_current_if_assigned() ORDER BY id LIMIT $1",
                )
                .bind(BATCH)
                .fetch_all(&mut **t)
                .await?
            }
        };
        if rows.is_empty() {
            return Ok(());
        }
        process(tx, &rows).await?;
    }
}

/// Rewrites the entries of up to `limit` queued records, whoever queued them
/// (on PostgreSQL skipping rows another instance is draining); returns how
/// many queue rows were done.
pub async fn drain_queued(tx: &mut Tx, limit: i64) -> Result<usize> {
    let rows: Vec<Queued> = match tx {
        Tx::Sqlite(t, _) => {
            sqlx::query_as("SELECT id, kind, record_id FROM search_queue ORDER BY id LIMIT $1")
                .bind(limit)
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Pg(t, _) => {
            sqlx::query_as(
                "SELECT id, kind, record_id FROM search_queue ORDER BY id LIMIT $1 \
                 FOR UPDATE SKIP LOCKED",
            )
            .bind(limit)
            .fetch_all(&mut **t)
            .await?
        }
    };
    process(tx, &rows).await?;
    Ok(rows.len())
}

/// Queues a record's entry to be rewritten at commit (for changes the
/// triggers do not see).
pub async fn queue(tx: &mut Tx, kind: SearchKind, id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO search_queue (kind, record_id) VALUES ($1, $2)")
        .bind(kind.as_str()).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// How many rows wait in the queue.
pub async fn queued(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM search_queue").fetch_one(c).await?))
}

async fn process(tx: &mut Tx, rows: &[Queued]) -> Result<()> {
    let mut seen: Vec<(SearchKind, i64)> = Vec::new();
    for (_, kind, id) in rows {
        let kind = SearchKind::parse(kind)
            .ok_or_else(|| StoreError::Corrupt(format!("search_queue: kind {kind:?}")))?;
        if !seen.contains(&(kind, *id)) {
            seen.push((kind, *id));
            reindex(tx, kind, *id).await?;
        }
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    match tx {
        Tx::Sqlite(t, _) => {
            // The rows are the first of the queue after their lowest id (one writer).
            let (lo, hi) = (
                ids.iter().min().copied().unwrap_or(0),
                ids.iter().max().copied().unwrap_or(0),
            );
            sqlx::query("DELETE FROM search_queue WHERE id >= $1 AND id <= $2")
                .bind(lo)
                .bind(hi)
                .execute(&mut **t)
                .await?;
        }
        Tx::Pg(t, _) => {
            sqlx::query("DELETE FROM search_queue WHERE id = ANY($1)")
                .bind(&ids)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// Rewrites the entry of one record and of the records whose entries show it
/// (a person's name is in their applications' and cases' entries).
pub async fn reindex(tx: &mut Tx, kind: SearchKind, id: i64) -> Result<()> {
    match kind {
        SearchKind::Person => {
            person(tx, id).await?;
            let apps: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT id FROM applications WHERE applicant_id = $1 ORDER BY id")
                .bind(id).fetch_all(c).await?);
            for a in apps {
                application(tx, a).await?;
            }
            let cases: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT id FROM cases WHERE recipient_id = $1 ORDER BY id")
                .bind(id).fetch_all(c).await?);
            for k in cases {
                case(tx, k).await?;
            }
        }
        SearchKind::Application => {
            application(tx, id).await?;
            let cases: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT id FROM cases WHERE application_id = $1 ORDER BY id")
                .bind(id).fetch_all(c).await?);
            for k in cases {
                case(tx, k).await?;
            }
        }
        SearchKind::Case => case(tx, id).await?,
        SearchKind::Consultation => consultation(tx, id).await?,
        SearchKind::Complaint => complaint(tx, id).await?,
    }
    Ok(())
}

/// On PostgreSQL, takes the record's row, so that two transactions that
/// changed one case in different tables write its entry one after the other.
/// A row another transaction holds is skipped, not waited for (waiting at
/// commit, with the audit head held, could deadlock): false, and the caller
/// leaves the record to the background job. SQLite's one writer always holds.
async fn lock(tx: &mut Tx, table: &str, id: i64) -> Result<bool> {
    if let Tx::Pg(t, _) = tx {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT id FROM {table} WHERE id = $1 FOR UPDATE SKIP LOCKED) x"
        );
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&mut **t)
            .await?;
        if n == 0 {
            // Gone, or held by another transaction: the job tries again (a
            // record that is gone has its entry removed then).
            let exists: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table} WHERE id = $1"
            )))
            .bind(id)
            .fetch_one(&mut **t)
            .await?;
            return Ok(exists == 0);
        }
    }
    Ok(true)
}

/// Queues a record for the background job (not for this transaction's commit).
async fn later(tx: &mut Tx, kind: SearchKind, id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO search_queue (kind, record_id, tx) VALUES ($1, $2, NULL)")
        .bind(kind.as_str()).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// Who sees an entry: the columns of `search_entries` besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Reach {
    unit_a: Option<i64>,
    unit_b: Option<i64>,
    region: Option<String>,
    not_unit: Option<i64>,
    not_staff: Option<i64>,
}

#[derive(sqlx::FromRow, PartialEq, Eq)]
struct Stored {
    unit_a: Option<i64>,
    unit_b: Option<i64>,
    region: Option<String>,
    not_unit: Option<i64>,
    not_staff: Option<i64>,
    title: String,
    body: String,
    tokens: String,
}

async fn put(tx: &mut Tx, kind: SearchKind, id: i64, r: Reach, d: Document) -> Result<()> {
    let new = Stored {
        unit_a: r.unit_a,
        unit_b: r.unit_b,
        region: r.region,
        not_unit: r.not_unit,
        not_staff: r.not_staff,
        title: d.title,
        body: d.body,
        tokens: d.tokens,
    };
    const GET: &str = "SELECT unit_a, unit_b, region, not_unit, not_staff, title, body, tokens \
        FROM search_entries WHERE kind = $1 AND record_id = $2";
    let old: Option<Stored> = on_tx!(tx, c => sqlx::query_as(GET).bind(kind.as_str()).bind(id)
        .fetch_optional(c).await?);
    if old.as_ref() == Some(&new) {
        return Ok(());
    }
    const PUT: &str = "INSERT INTO search_entries \
        (kind, record_id, unit_a, unit_b, region, not_unit, not_staff, title, body, tokens) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
        ON CONFLICT (kind, record_id) DO UPDATE SET unit_a = excluded.unit_a, unit_b = excluded.unit_b, \
        region = excluded.region, not_unit = excluded.not_unit, not_staff = excluded.not_staff, \
        title = excluded.title, body = excluded.body, tokens = excluded.tokens";
    on_tx!(tx, c => sqlx::query(PUT).bind(kind.as_str()).bind(id).bind(new.unit_a).bind(new.unit_b)
        .bind(&new.region).bind(new.not_unit).bind(new.not_staff).bind(&new.title).bind(&new.body)
        .bind(&new.tokens).execute(c).await?.rows_affected());
    Ok(())
}

async fn remove(tx: &mut Tx, kind: SearchKind, id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM search_entries WHERE kind = $1 AND record_id = $2")
        .bind(kind.as_str()).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

async fn person(tx: &mut Tx, id: i64) -> Result<()> {
    if !lock(tx, "persons", id).await? {
        return later(tx, SearchKind::Person, id).await;
    }
    let row: Option<(String, String, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT name, phone, address, unit_id FROM persons WHERE id = $1 AND merged_into IS NULL")
        .bind(id).fetch_optional(c).await?);
    // A record merged into another is found through the survivor.
    let Some((name, phone, address, unit)) = row else {
        return remove(tx, SearchKind::Person, id).await;
    };
    let d = DocumentBuilder::new(&name)
        .name("姓名", &name)
        .phone("电话", &phone)
        .text("住址", &address)
        .finish();
    let r = Reach {
        unit_a: Some(unit),
        ..Reach::default()
    };
    put(tx, SearchKind::Person, id, r, d).await
}

#[derive(sqlx::FromRow)]
struct ApplicationText {
    number: String,
    name: String,
    opposing_party: String,
    case_organ: String,
    case_number: String,
    summary: String,
    representative_name: String,
    receiving_unit_id: i64,
}

async fn application(tx: &mut Tx, id: i64) -> Result<()> {
    if !lock(tx, "applications", id).await? {
        return later(tx, SearchKind::Application, id).await;
    }
    const Q: &str = "SELECT a.number, p.name, a.opposing_party, a.case_organ, a.case_number, a.summary, \
        a.representative_name, a.receiving_unit_id \
        FROM applications a JOIN persons p ON p.id = a.applicant_id WHERE a.id = $1";
    let row: Option<ApplicationText> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(id).fetch_optional(c).await?);
    let Some(a) = row else {
        return remove(tx, SearchKind::Application, id).await;
    };
    let d = DocumentBuilder::new(&format!("{} {}", a.number, a.name))
        .code("申请编号", &a.number)
        .name("申请人", &a.name)
        .name("代理人", &a.representative_name)
        .text("对方当事人", &a.opposing_party)
        .text("办案机关", &a.case_organ)
        .code("案号", &a.case_number)
        .text("案情", &a.summary)
        .finish();
    let r = Reach {
        unit_a: Some(a.receiving_unit_id),
        ..Reach::default()
    };
    put(tx, SearchKind::Application, id, r, d).await
}

#[derive(sqlx::FromRow)]
struct CaseText {
    number: String,
    name: String,
    opposing_party: String,
    case_organ: String,
    organ_case_number: String,
    summary: String,
    closure_report: String,
    termination_reason: String,
    intake_unit_id: i64,
    handling_unit_id: Option<i64>,
}

async fn case(tx: &mut Tx, id: i64) -> Result<()> {
    if !lock(tx, "cases", id).await? {
        return later(tx, SearchKind::Case, id).await;
    }
    const Q: &str = "SELECT c.number, p.name, c.opposing_party, c.case_organ, c.organ_case_number, a.summary, \
        c.closure_report, c.termination_reason, c.intake_unit_id, c.handling_unit_id \
        FROM cases c JOIN persons p ON p.id = c.recipient_id JOIN applications a ON a.id = c.application_id \
        WHERE c.id = $1";
    let row: Option<CaseText> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(id).fetch_optional(c).await?);
    let Some(k) = row else {
        return remove(tx, SearchKind::Case, id).await;
    };
    let notes: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT note FROM case_progress WHERE case_id = $1 AND note <> '' ORDER BY id")
        .bind(id).fetch_all(c).await?);
    let d = DocumentBuilder::new(&format!("{} {}", k.number, k.name))
        .code("案件编号", &k.number)
        .name("受援人", &k.name)
        .text("对方当事人", &k.opposing_party)
        .text("办案机关", &k.case_organ)
        .code("案号", &k.organ_case_number)
        .text("案情", &k.summary)
        .text("办理进展", &notes.join("；"))
        .text("结案报告", &k.closure_report)
        .text("终止理由", &k.termination_reason)
        .finish();
    let r = Reach {
        unit_a: Some(k.intake_unit_id),
        unit_b: k.handling_unit_id,
        ..Reach::default()
    };
    put(tx, SearchKind::Case, id, r, d).await
}

#[derive(sqlx::FromRow)]
struct ConsultationText {
    name: String,
    phone: String,
    question: String,
    answer: String,
    referred_to: String,
    unit_id: i64,
    region_code: String,
}

async fn consultation(tx: &mut Tx, id: i64) -> Result<()> {
    if !lock(tx, "consultations", id).await? {
        return later(tx, SearchKind::Consultation, id).await;
    }
    const Q: &str = "SELECT name, phone, question, answer, referred_to, unit_id, region_code \
        FROM consultations WHERE id = $1";
    let row: Option<ConsultationText> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(id).fetch_optional(c).await?);
    let Some(k) = row else {
        return remove(tx, SearchKind::Consultation, id).await;
    };
    let title = if k.name.trim().is_empty() {
        "来电咨询".to_owned()
    } else {
        k.name.clone()
    };
    let d = DocumentBuilder::new(&title)
        .name("咨询人", &k.name)
        .phone("电话", &k.phone)
        .text("咨询问题", &k.question)
        .text("解答", &k.answer)
        .text("转交", &k.referred_to)
        .finish();
    let r = Reach {
        unit_a: Some(k.unit_id),
        region: Some(k.region_code),
        ..Reach::default()
    };
    put(tx, SearchKind::Consultation, id, r, d).await
}

#[derive(sqlx::FromRow)]
struct ComplaintText {
    number: String,
    anonymous: bool,
    complainant_name: String,
    facts: String,
    request: String,
    conclusion: String,
    receiving_unit_id: i64,
    region_code: String,
    respondent_unit_id: Option<i64>,
    respondent_staff_id: Option<i64>,
}

async fn complaint(tx: &mut Tx, id: i64) -> Result<()> {
    if !lock(tx, "complaints", id).await? {
        return later(tx, SearchKind::Complaint, id).await;
    }
    const Q: &str = "SELECT number, anonymous, complainant_name, facts, request, conclusion, receiving_unit_id, \
        region_code, respondent_unit_id, respondent_staff_id FROM complaints WHERE id = $1";
    let row: Option<ComplaintText> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(id).fetch_optional(c).await?);
    let Some(k) = row else {
        return remove(tx, SearchKind::Complaint, id).await;
    };
    // An anonymous complainant's name is not put in the index.
    let name = if k.anonymous {
        ""
    } else {
        k.complainant_name.as_str()
    };
    let d = DocumentBuilder::new(&k.number)
        .code("投诉编号", &k.number)
        .name("投诉人", name)
        .text("投诉事实", &k.facts)
        .text("投诉请求", &k.request)
        .text("处理结论", &k.conclusion)
        .finish();
    let r = Reach {
        unit_a: Some(k.receiving_unit_id),
        region: Some(k.region_code),
        not_unit: k.respondent_unit_id,
        not_staff: k.respondent_staff_id,
        ..Reach::default()
    };
    put(tx, SearchKind::Complaint, id, r, d).await
}

/// The ids of `kind`'s records after `after`, `limit` at a time, in id order:
/// a rebuild goes through every record this way.
pub async fn ids_after(tx: &mut Tx, kind: SearchKind, after: i64, limit: i64) -> Result<Vec<i64>> {
    let table = match kind {
        SearchKind::Person => "persons",
        SearchKind::Application => "applications",
        SearchKind::Case => "cases",
        SearchKind::Consultation => "consultations",
        SearchKind::Complaint => "complaints",
    };
    let sql = format!("SELECT id FROM {table} WHERE id > $1 ORDER BY id LIMIT $2");
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit)
        .fetch_all(c).await?),
    )
}

/// Rewrites the entries of `ids` of `kind` (a rebuild's batch); the records'
/// own entries only, as every kind is gone through.
pub async fn rebuild_batch(tx: &mut Tx, kind: SearchKind, ids: &[i64]) -> Result<()> {
    for id in ids {
        match kind {
            SearchKind::Person => person(tx, *id).await?,
            SearchKind::Application => application(tx, *id).await?,
            SearchKind::Case => case(tx, *id).await?,
            SearchKind::Consultation => consultation(tx, *id).await?,
            SearchKind::Complaint => complaint(tx, *id).await?,
        }
    }
    Ok(())
}
