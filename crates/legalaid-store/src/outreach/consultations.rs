//! Consultations (法律咨询) and the counts of the quarterly consultation report.

use crate::args::{Arg, Args, where_clause};
use crate::capped::{At, Capped};
use crate::{Result, StoreError, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::ConsultationId;
use legalaid_domain::outreach::consultation::{
    ConsultChannel, ConsultGroup, ConsultOutcome, Counts, Topic, TopicCategory,
};
use legalaid_domain::visibility::Scope;
use serde::Serialize;

/// A consultation as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Consultation {
    pub id: i64,
    /// The unit that answered.
    pub unit_id: i64,
    pub region_code: String,
    #[sqlx(try_from = "String")]
    pub channel: ConsultChannel,
    pub consulted_at: DateTime<Utc>,
    /// The local date of `consulted_at`.
    pub consulted_on: NaiveDate,
    pub staff_id: Option<i64>,
    /// Who answered, by name.
    pub answered_by: String,
    pub person_id: Option<i64>,
    /// Empty when anonymous.
    pub name: String,
    pub phone: String,
    pub topic_code: String,
    pub question: String,
    pub answer: String,
    pub duration_minutes: i32,
    #[sqlx(try_from = "String")]
    pub outcome: ConsultOutcome,
    pub referred_to: String,
    pub application_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const COLUMNS: &str = "k.id, k.unit_id, k.region_code, k.channel, k.consulted_at, k.consulted_on, k.staff_id, \
    k.answered_by, k.person_id, k.name, k.phone, k.topic_code, k.question, k.answer, k.duration_minutes, k.outcome, \
    k.referred_to, k.application_id, k.activity_id, k.created_by, k.created_at, k.version";

/// Inserts a consultation and its groups.
pub async fn insert(
    tx: &mut Tx,
    k: &Consultation,
    groups: &[ConsultGroup],
) -> Result<ConsultationId> {
    const Q: &str = "INSERT INTO consultations (unit_id, region_code, channel, consulted_at, consulted_on, staff_id, \
        answered_by, person_id, name, phone, topic_code, question, answer, duration_minutes, outcome, referred_to, \
        application_id, activity_id, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL, $17, $18, $19, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(k.unit_id).bind(&k.region_code).bind(k.channel.as_str()).bind(k.consulted_at).bind(k.consulted_on)
        .bind(k.staff_id).bind(&k.answered_by).bind(k.person_id).bind(&k.name).bind(&k.phone).bind(&k.topic_code)
        .bind(&k.question).bind(&k.answer).bind(k.duration_minutes).bind(k.outcome.as_str()).bind(&k.referred_to)
        .bind(k.activity_id).bind(k.created_by).bind(k.created_at)
        .fetch_one(c).await?);
    const G: &str = "INSERT INTO consultation_groups (consultation_id, grp) VALUES ($1, $2)";
    for g in groups {
        on_tx!(tx, c => sqlx::query(G).bind(id).bind(g.as_str()).execute(c).await?.rows_affected());
    }
    Ok(ConsultationId(id))
}

pub async fn get(tx: &mut Tx, id: ConsultationId) -> Result<Option<Consultation>> {
    let q = format!("SELECT {COLUMNS} FROM consultations k WHERE k.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The groups of a consultation, in code order.
pub async fn groups(tx: &mut Tx, id: ConsultationId) -> Result<Vec<ConsultGroup>> {
    const Q: &str = "SELECT grp FROM consultation_groups WHERE consultation_id = $1";
    let rows: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(Q).bind(id.0).fetch_all(c).await?);
    let mut out = rows
        .into_iter()
        .map(|g| ConsultGroup::try_from(g).map_err(StoreError::Corrupt))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// Marks the consultation as turned into `application` if it is still at
/// `version` and has none (the partial unique index refuses a second
/// consultation naming the same application).
pub async fn set_application(
    tx: &mut Tx,
    id: ConsultationId,
    version: i64,
    application: i64,
) -> Result<Consultation> {
    const Q: &str = "UPDATE consultations SET application_id = $1, outcome = 'applied', referred_to = '', \
        version = version + 1 WHERE id = $2 AND version = $3 AND application_id IS NULL";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(application).bind(id.0).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A consultation with the names its list shows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConsultationLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub consultation: Consultation,
    pub unit_name: String,
    pub topic_label: String,
    pub application_number: Option<String>,
}

/// Which consultations to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub channel: Option<ConsultChannel>,
    pub topic: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub unit_id: Option<i64>,
    pub activity_id: Option<i64>,
    /// Only those that became applications.
    pub applied: bool,
}

const WHERE: &str = "($1 IS NULL OR k.region_code LIKE $1) AND ($2 IS NULL OR k.unit_id = $2) \
    AND ($3 IS NULL OR k.channel = $3) AND ($4 IS NULL OR k.topic_code = $4) \
    AND ($5 IS NULL OR k.consulted_on >= $5) AND ($6 IS NULL OR k.consulted_on <= $6) \
    AND ($7 IS NULL OR k.unit_id = $7) AND ($8 IS NULL OR k.activity_id = $8) \
    AND ($9 = FALSE OR k.application_id IS NOT NULL)";

const JOINS: &str = "JOIN units u ON u.id = k.unit_id JOIN consultation_topics t ON t.code = k.topic_code \
    LEFT JOIN applications a ON a.id = k.application_id";

/// The conditions of the list (only those that are set, ADR 0037) and the
/// keyset `before` (the last row's `consulted_at` and `id`), as `FROM … WHERE …`.
fn list_conditions(
    args: &mut Args,
    scope: &Scope,
    f: &Filter,
    before: Option<(DateTime<Utc>, i64)>,
    joins: &str,
) -> String {
    let mut w = Vec::new();
    match scope {
        Scope::All => {}
        Scope::Nothing => w.push("1 = 0".to_owned()),
        Scope::Unit(u) => w.push(format!("k.unit_id = {}", args.push(Arg::Int(u.0)))),
        Scope::Region(r) => {
            let p = args.push(Arg::Text(format!("{}%", r.as_str())));
            w.push(format!("k.region_code LIKE {p}"));
        }
    }
    if let Some(c) = f.channel {
        w.push(format!(
            "k.channel = {}",
            args.push(Arg::Text(c.as_str().into()))
        ));
    }
    if let Some(t) = &f.topic {
        w.push(format!(
            "k.topic_code = {}",
            args.push(Arg::Text(t.clone()))
        ));
    }
    if let Some(d) = f.from {
        w.push(format!("k.consulted_on >= {}", args.push(Arg::Date(d))));
    }
    if let Some(d) = f.to {
        w.push(format!("k.consulted_on <= {}", args.push(Arg::Date(d))));
    }
    if let Some(u) = f.unit_id {
        w.push(format!("k.unit_id = {}", args.push(Arg::Int(u))));
    }
    if let Some(a) = f.activity_id {
        w.push(format!("k.activity_id = {}", args.push(Arg::Int(a))));
    }
    if f.applied {
        w.push("k.application_id IS NOT NULL".into());
    }
    if let Some((t, id)) = before {
        let (t, id) = (args.push(Arg::Time(t)), args.push(Arg::Int(id)));
        w.push(format!("(k.consulted_at, k.id) < ({t}, {id})"));
    }
    format!("FROM consultations k {joins} {}", where_clause(&w))
}

/// Consultations latest first: a page (numbered, or after a row's
/// `consulted_at` and `id`) and the count up to [`crate::COUNT_CAP`].
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &Filter,
    at: At<(DateTime<Utc>, i64)>,
) -> Result<Capped<ConsultationLine>> {
    let mut args = Args::default();
    let from = list_conditions(&mut args, scope, f, at.key().copied(), JOINS);
    let q = format!(
        "SELECT {COLUMNS}, u.name AS unit_name, t.label AS topic_label, a.number AS application_number \
         {from} ORDER BY k.consulted_at DESC, k.id DESC LIMIT {} OFFSET {}",
        at.per_page().saturating_add(1),
        at.offset()
    );
    let rows: Vec<ConsultationLine> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(q)), args).fetch_all(c).await?);
    let mut args = Args::default();
    let from = list_conditions(&mut args, scope, f, None, "");
    Capped::counted(tx, rows, &at, &from, &args).await
}

/// The next `limit` consultations after id `after` (oldest first), for exports
/// read a batch at a time.
pub async fn batch(
    tx: &mut Tx,
    scope: &Scope,
    f: &Filter,
    after: i64,
    limit: i64,
) -> Result<Vec<ConsultationLine>> {
    let q = format!(
        "SELECT {COLUMNS}, u.name AS unit_name, t.label AS topic_label, a.number AS application_number \
         FROM consultations k {JOINS} WHERE {WHERE} AND k.id > $10 ORDER BY k.id LIMIT $11"
    );
    let (region, unit) = scope_params(scope);
    let channel = f.channel.map(|c| c.as_str());
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(channel).bind(&f.topic).bind(f.from).bind(f.to).bind(f.unit_id)
        .bind(f.activity_id).bind(f.applied).bind(after).bind(limit)
        .fetch_all(c).await?))
}

/// The groups of the consultations `ids`, as (consultation, group) pairs.
pub async fn groups_of(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, ConsultGroup)>> {
    let mut out = Vec::new();
    // A few ids at a time: the batch of an export or a page.
    for chunk in ids.chunks(100) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let q = format!(
            "SELECT consultation_id, grp FROM consultation_groups WHERE consultation_id IN ({})",
            marks.join(", ")
        );
        let rows: Vec<(i64, String)> = on_tx!(tx, c => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(q.clone()));
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_all(c).await?
        });
        for (id, g) in rows {
            out.push((id, ConsultGroup::try_from(g).map_err(StoreError::Corrupt)?));
        }
    }
    Ok(out)
}

/// The topics of the report in use, in their order.
pub async fn topics(tx: &mut Tx) -> Result<Vec<Topic>> {
    const Q: &str = "SELECT code, category, label, report_column FROM consultation_topics WHERE active = TRUE ORDER BY sort, code";
    let rows: Vec<(String, String, String, i32)> =
        on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    rows.into_iter()
        .map(|(code, category, label, report_column)| {
            Ok(Topic {
                code,
                category: TopicCategory::try_from(category).map_err(StoreError::Corrupt)?,
                label,
                report_column,
            })
        })
        .collect()
}

/// The grouped counts of the consultations in scope answered in `[from, to]`
/// (optionally by one unit): by channel, by group, by topic.
pub async fn counts(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    unit_id: Option<i64>,
) -> Result<Counts> {
    const W: &str = "($1 IS NULL OR k.region_code LIKE $1) AND ($2 IS NULL OR k.unit_id = $2) \
        AND k.consulted_on >= $3 AND k.consulted_on <= $4 AND ($5 IS NULL OR k.unit_id = $5)";
    let (region, unit) = scope_params(scope);
    let by_channel =
        format!("SELECT k.channel, COUNT(*) FROM consultations k WHERE {W} GROUP BY k.channel");
    let by_group = format!(
        "SELECT g.grp, COUNT(*) FROM consultation_groups g JOIN consultations k ON k.id = g.consultation_id \
         WHERE {W} GROUP BY g.grp"
    );
    let by_topic = format!(
        "SELECT k.topic_code, COUNT(*) FROM consultations k WHERE {W} GROUP BY k.topic_code"
    );
    let channels = grouped(tx, by_channel, &region, unit, from, to, unit_id).await?;
    let groups = grouped(tx, by_group, &region, unit, from, to, unit_id).await?;
    let topics = grouped(tx, by_topic, &region, unit, from, to, unit_id).await?;
    Ok(Counts {
        by_channel: channels
            .into_iter()
            .map(|(c, n)| Ok((ConsultChannel::try_from(c).map_err(StoreError::Corrupt)?, n)))
            .collect::<Result<_>>()?,
        by_group: groups
            .into_iter()
            .map(|(g, n)| Ok((ConsultGroup::try_from(g).map_err(StoreError::Corrupt)?, n)))
            .collect::<Result<_>>()?,
        by_topic: topics,
    })
}

async fn grouped(
    tx: &mut Tx,
    q: String,
    region: &Option<String>,
    unit: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
    unit_id: Option<i64>,
) -> Result<Vec<(String, i64)>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q.clone()))
        .bind(region).bind(unit).bind(from).bind(to).bind(unit_id)
        .fetch_all(c).await?),
    )
}
