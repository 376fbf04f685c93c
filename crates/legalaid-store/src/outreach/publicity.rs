//! Publicity activities, media items, the 法律八进 venues and their figures.

use super::month_of;
use crate::{Page, Result, Tx, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::ActivityId;
use legalaid_domain::outreach::publicity::{ActivityForm, MediaKind, Venue};
use legalaid_domain::visibility::Scope;
use serde::Serialize;

/// A publicity activity as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub unit_id: i64,
    pub region_code: String,
    pub held_on: NaiveDate,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub form: ActivityForm,
    pub venue_code: String,
    pub place: String,
    pub staff: String,
    pub people_reached: i32,
    pub materials: i32,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

const COLUMNS: &str = "a.id, a.unit_id, a.region_code, a.held_on, a.title, a.form, a.venue_code, a.place, a.staff, \
    a.people_reached, a.materials, a.note, a.created_by, a.created_at, a.version";

pub async fn insert(tx: &mut Tx, a: &Activity) -> Result<ActivityId> {
    const Q: &str = "INSERT INTO publicity_activities (unit_id, region_code, held_on, title, form, venue_code, place, \
        staff, people_reached, materials, note, created_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(a.unit_id).bind(&a.region_code).bind(a.held_on).bind(&a.title).bind(a.form.as_str())
        .bind(&a.venue_code).bind(&a.place).bind(&a.staff).bind(a.people_reached).bind(a.materials)
        .bind(&a.note).bind(a.created_by).bind(a.created_at)
        .fetch_one(c).await?);
    Ok(ActivityId(id))
}

pub async fn get(tx: &mut Tx, id: ActivityId) -> Result<Option<Activity>> {
    let q = format!("SELECT {COLUMNS} FROM publicity_activities a WHERE a.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// An activity with the names its list shows and its on-site consultations.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ActivityLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub activity: Activity,
    pub unit_name: String,
    pub venue_label: String,
    /// Consultations recorded as taken at the activity.
    pub consultations: i64,
}

/// Which activities to list (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub venue: Option<String>,
    pub unit_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const WHERE: &str = "($1 IS NULL OR a.region_code LIKE $1) AND ($2 IS NULL OR a.unit_id = $2) \
    AND ($3 IS NULL OR a.venue_code = $3) AND ($4 IS NULL OR a.unit_id = $4) \
    AND ($5 IS NULL OR a.held_on >= $5) AND ($6 IS NULL OR a.held_on <= $6)";

const LINE: &str = "u.name AS unit_name, v.label AS venue_label, \
    (SELECT COUNT(*) FROM consultations k WHERE k.activity_id = a.id) AS consultations \
    FROM publicity_activities a JOIN units u ON u.id = a.unit_id JOIN publicity_venues v ON v.code = a.venue_code";

/// Activities latest first, a page at a time, with how many.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &Filter,
    page: Page,
) -> Result<(Vec<ActivityLine>, i64)> {
    let q = format!(
        "SELECT {COLUMNS}, {LINE} WHERE {WHERE} ORDER BY a.held_on DESC, a.id DESC LIMIT $7 OFFSET $8"
    );
    let n = format!("SELECT COUNT(*) FROM publicity_activities a WHERE {WHERE}");
    let (region, unit) = scope_params(scope);
    let rows: Vec<ActivityLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(&f.venue).bind(f.unit_id).bind(f.from).bind(f.to)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(&f.venue).bind(f.unit_id).bind(f.from).bind(f.to)
        .fetch_one(c).await?);
    Ok((rows, total))
}

/// One activity with its names.
pub async fn line(tx: &mut Tx, id: ActivityId) -> Result<Option<ActivityLine>> {
    let q = format!("SELECT {COLUMNS}, {LINE} WHERE a.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?))
}

/// The 法律八进 venues, in their order (all of them, with their dates).
pub async fn venues(tx: &mut Tx) -> Result<Vec<Venue>> {
    const Q: &str = "SELECT code, label, effective_from, effective_to FROM publicity_venues ORDER BY sort, code";
    let rows: Vec<(String, String, NaiveDate, Option<NaiveDate>)> =
        on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|(code, label, effective_from, effective_to)| Venue {
            code,
            label,
            effective_from,
            effective_to,
        })
        .collect())
}

// ---------------------------------------------------------------- media

/// A media item as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Media {
    pub id: i64,
    pub unit_id: i64,
    pub region_code: String,
    #[sqlx(try_from = "String")]
    pub kind: MediaKind,
    pub published_on: NaiveDate,
    pub outlet: String,
    pub title: String,
    pub url: String,
    pub activity_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const MEDIA_COLUMNS: &str = "m.id, m.unit_id, m.region_code, m.kind, m.published_on, m.outlet, m.title, m.url, \
    m.activity_id, m.created_by, m.created_at";

pub async fn insert_media(tx: &mut Tx, m: &Media) -> Result<i64> {
    const Q: &str = "INSERT INTO publicity_media (unit_id, region_code, kind, published_on, outlet, title, url, \
        activity_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(m.unit_id).bind(&m.region_code).bind(m.kind.as_str()).bind(m.published_on).bind(&m.outlet)
        .bind(&m.title).bind(&m.url).bind(m.activity_id).bind(m.created_by).bind(m.created_at)
        .fetch_one(c).await?))
}

pub async fn media_item(tx: &mut Tx, id: i64) -> Result<Option<Media>> {
    let q = format!("SELECT {MEDIA_COLUMNS} FROM publicity_media m WHERE m.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(c).await?))
}

/// A media item with its unit's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MediaLine {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub media: Media,
    pub unit_name: String,
}

const MEDIA_WHERE: &str = "($1 IS NULL OR m.region_code LIKE $1) AND ($2 IS NULL OR m.unit_id = $2) \
    AND ($3 IS NULL OR m.published_on >= $3) AND ($4 IS NULL OR m.published_on <= $4) \
    AND ($5 IS NULL OR m.activity_id = $5)";

/// Media items latest first, a page at a time, with how many.
pub async fn media(
    tx: &mut Tx,
    scope: &Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    activity_id: Option<i64>,
    page: Page,
) -> Result<(Vec<MediaLine>, i64)> {
    let q = format!(
        "SELECT {MEDIA_COLUMNS}, u.name AS unit_name FROM publicity_media m JOIN units u ON u.id = m.unit_id \
         WHERE {MEDIA_WHERE} ORDER BY m.published_on DESC, m.id DESC LIMIT $6 OFFSET $7"
    );
    let n = format!("SELECT COUNT(*) FROM publicity_media m WHERE {MEDIA_WHERE}");
    let (region, unit) = scope_params(scope);
    let rows: Vec<MediaLine> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).bind(activity_id)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(unit).bind(from).bind(to).bind(activity_id)
        .fetch_one(c).await?);
    Ok((rows, total))
}

// ---------------------------------------------------------------- figures

/// One line of the figures: a unit's activities at a venue in a month.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FigureLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub venue_code: String,
    pub venue_label: String,
    /// `YYYY-MM`.
    pub month: String,
    pub activities: i64,
    pub people_reached: i64,
    pub materials: i64,
    /// Consultations taken on the spot.
    pub consultations: i64,
}

/// Activities held in `[from, to]`, per unit, venue and month.
pub async fn figures(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FigureLine>> {
    let month = month_of("a.held_on");
    let q = format!(
        "SELECT a.unit_id, u.name AS unit_name, a.venue_code, v.label AS venue_label, {month} AS month, \
         COUNT(*) AS activities, CAST(COALESCE(SUM(a.people_reached), 0) AS BIGINT) AS people_reached, \
         CAST(COALESCE(SUM(a.materials), 0) AS BIGINT) AS materials, \
         CAST(COALESCE(SUM(k.n), 0) AS BIGINT) AS consultations \
         FROM publicity_activities a JOIN units u ON u.id = a.unit_id JOIN publicity_venues v ON v.code = a.venue_code \
         LEFT JOIN (SELECT activity_id, COUNT(*) AS n FROM consultations WHERE activity_id IS NOT NULL \
                    GROUP BY activity_id) k ON k.activity_id = a.id \
         WHERE ($1 IS NULL OR a.region_code LIKE $1) AND ($2 IS NULL OR a.unit_id = $2) \
         AND a.held_on >= $3 AND a.held_on <= $4 \
         GROUP BY a.unit_id, u.name, a.venue_code, v.label, v.sort, {month} \
         ORDER BY {month}, u.name, v.sort"
    );
    let (region, unit) = scope_params(scope);
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).fetch_all(c).await?))
}

/// Media items published in `[from, to]`, per unit, month and kind.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MediaFigure {
    pub unit_id: i64,
    pub unit_name: String,
    pub month: String,
    #[sqlx(try_from = "String")]
    pub kind: MediaKind,
    pub items: i64,
}

pub async fn media_figures(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MediaFigure>> {
    let month = month_of("m.published_on");
    let q = format!(
        "SELECT m.unit_id, u.name AS unit_name, {month} AS month, m.kind, COUNT(*) AS items \
         FROM publicity_media m JOIN units u ON u.id = m.unit_id \
         WHERE ($1 IS NULL OR m.region_code LIKE $1) AND ($2 IS NULL OR m.unit_id = $2) \
         AND m.published_on >= $3 AND m.published_on <= $4 \
         GROUP BY m.unit_id, u.name, {month}, m.kind ORDER BY {month}, u.name, m.kind"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<MediaFigure> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(unit).bind(from).bind(to).fetch_all(c).await?);
    Ok(rows)
}

// ---------------------------------------------------------------- photos

/// A photo of an activity (its content is stored by hash under the data directory).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub activity_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub description: String,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const PHOTO_COLUMNS: &str = "id, activity_id, filename, content_type, size_bytes, sha256, description, uploaded_by, created_at";

pub async fn insert_photo(tx: &mut Tx, p: &Photo) -> Result<i64> {
    const Q: &str = "INSERT INTO publicity_photos (activity_id, filename, content_type, size_bytes, sha256, \
        description, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(p.activity_id).bind(&p.filename).bind(&p.content_type).bind(p.size_bytes).bind(&p.sha256)
        .bind(&p.description).bind(p.uploaded_by).bind(p.created_at)
        .fetch_one(c).await?))
}

pub async fn photo(tx: &mut Tx, id: i64) -> Result<Option<Photo>> {
    let q = format!("SELECT {PHOTO_COLUMNS} FROM publicity_photos WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(c).await?))
}

/// The photos of an activity, in the order uploaded.
pub async fn photos(tx: &mut Tx, activity: ActivityId) -> Result<Vec<Photo>> {
    let q =
        format!("SELECT {PHOTO_COLUMNS} FROM publicity_photos WHERE activity_id = $1 ORDER BY id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(activity.0).fetch_all(c).await?))
}
