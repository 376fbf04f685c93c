//! Applicants and recipients. The caller encrypts and hashes the ID number; this
//! module only stores what it is given.

use crate::args::{Arg, Args, pairs, unit_scope, where_clause};
use crate::capped::{At, Capped};
use crate::{Result, StoreError, Tx, like_pattern, scope_params};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::id_number::IdType;
use legalaid_domain::person::{Person, RecipientGroup};
use legalaid_domain::staff::Sex;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{PersonId, UnitId};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    id_type: String,
    id_number_masked: String,
    sex: Option<String>,
    birth_date: Option<NaiveDate>,
    ethnicity: String,
    phone: String,
    address: String,
    household_registration: String,
    education: String,
    occupation: String,
    groups: String,
    unit_id: i64,
    version: i64,
    merged_into: Option<i64>,
}

impl Row {
    fn into_person(self) -> Result<Person> {
        let bad =
            |what: &str, v: &str| StoreError::Corrupt(format!("person {}: {what} {v:?}", self.id));
        let groups = self
            .groups
            .split(',')
            .filter(|g| !g.is_empty())
            .map(|g| RecipientGroup::parse(g).ok_or_else(|| bad("group", g)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Person {
            id: PersonId(self.id),
            id_type: IdType::parse(&self.id_type).ok_or_else(|| bad("id type", &self.id_type))?,
            sex: match &self.sex {
                Some(s) => Some(Sex::parse(s).ok_or_else(|| bad("sex", s))?),
                None => None,
            },
            name: self.name,
            id_number_masked: self.id_number_masked,
            birth_date: self.birth_date,
            ethnicity: self.ethnicity,
            phone: self.phone,
            address: self.address,
            household_registration: self.household_registration,
            education: self.education,
            occupation: self.occupation,
            groups,
            unit_id: UnitId(self.unit_id),
            version: self.version,
            merged_into: self.merged_into.map(PersonId),
        })
    }
}

const COLUMNS: &str = "p.id, p.name, p.id_type, p.id_number_masked, p.sex, p.birth_date, p.ethnicity, p.phone, p.address, \
    p.household_registration, p.education, p.occupation, p.groups, p.unit_id, p.version, p.merged_into";

/// What to store: the person's fields with the ID number already protected.
#[derive(Debug, Clone)]
pub struct PersonRecord<'a> {
    pub name: &'a str,
    pub id_type: IdType,
    pub id_number_enc: &'a str,
    pub id_number_hash: &'a str,
    pub id_number_masked: &'a str,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
    pub household_registration: &'a str,
    pub education: &'a str,
    pub occupation: &'a str,
    pub groups: &'a [RecipientGroup],
}

fn groups_text(g: &[RecipientGroup]) -> String {
    g.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(",")
}

pub async fn get(tx: &mut Tx, id: PersonId) -> Result<Option<Person>> {
    let sql = format!("SELECT {COLUMNS} FROM persons p WHERE p.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Row::into_person).transpose()
}

/// The person, held on PostgreSQL against a concurrent merge (which updates
/// the row) until this transaction ends; SQLite's one writer already is.
pub async fn get_shared(tx: &mut Tx, id: PersonId) -> Result<Option<Person>> {
    let sql = format!("SELECT {COLUMNS} FROM persons p WHERE p.id = $1");
    let row: Option<Row> = match tx {
        Tx::Sqlite(t, _) => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?
        }
        Tx::Pg(t, _) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} FOR SHARE")))
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?
        }
    };
    row.map(Row::into_person).transpose()
}

/// The record `p` was merged into, following merges (at most a few).
pub async fn survivor(tx: &mut Tx, p: Person) -> Result<Person> {
    let mut p = p;
    for _ in 0..16 {
        let Some(into) = p.merged_into else {
            return Ok(p);
        };
        p = get(tx, into).await?.ok_or(StoreError::NotFound)?;
    }
    Err(StoreError::Corrupt(format!(
        "person {}: merges form a loop",
        p.id.0
    )))
}

/// The person whose ID number has this keyed hash.
pub async fn find_by_hash(tx: &mut Tx, hash: &str) -> Result<Option<Person>> {
    let sql = format!("SELECT {COLUMNS} FROM persons p WHERE p.id_number_hash = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(hash).fetch_optional(c).await?);
    row.map(Row::into_person).transpose()
}

/// Persons registered by units in `scope` with exactly this name and birth date
/// (at most `limit`, oldest registration first).
pub async fn find_by_name_and_birth(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    birth_date: chrono::NaiveDate,
    limit: i64,
) -> Result<Vec<Person>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM persons p JOIN units u ON u.id = p.unit_id \
         WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
         AND p.name = $3 AND p.birth_date = $4 AND p.merged_into IS NULL ORDER BY p.id LIMIT $5"
    );
    let (region, unit) = scope_params(scope);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&region).bind(unit).bind(name).bind(birth_date).bind(limit)
        .fetch_all(c).await?);
    rows.into_iter().map(Row::into_person).collect()
}

/// The next `limit` unmerged persons registered by units in `scope` after
/// `after` in id order, each with the encrypted ID number (for an export).
pub async fn batch_after(
    tx: &mut Tx,
    scope: &Scope,
    after: i64,
    limit: i64,
) -> Result<Vec<(Person, String)>> {
    let sql = format!(
        "SELECT {COLUMNS}, p.id_number_enc FROM persons p JOIN units u ON u.id = p.unit_id \
         WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
         AND p.merged_into IS NULL AND p.id > $3 ORDER BY p.id LIMIT $4"
    );
    #[derive(sqlx::FromRow)]
    struct WithEnc {
        #[sqlx(flatten)]
        row: Row,
        id_number_enc: String,
    }
    let (region, unit) = scope_params(scope);
    let rows: Vec<WithEnc> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&region).bind(unit).bind(after).bind(limit)
        .fetch_all(c).await?);
    rows.into_iter()
        .map(|w| Ok((w.row.into_person()?, w.id_number_enc)))
        .collect()
}

/// One stored encrypted ID number, if any (to check a key against).
pub async fn sample_encrypted(tx: &mut Tx) -> Result<Option<String>> {
    const Q: &str = "SELECT id_number_enc FROM persons ORDER BY id LIMIT 1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).fetch_optional(c).await?))
}

/// The names of these persons, read in one statement (a list's page).
pub async fn names(
    tx: &mut Tx,
    ids: &[PersonId],
) -> Result<std::collections::HashMap<PersonId, String>> {
    let mut ids: Vec<i64> = ids.iter().map(|p| p.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows = pairs(tx, "SELECT id, name FROM persons WHERE id IN ()", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (PersonId(id), name))
        .collect())
}

/// The encrypted ID number (for an audited reveal).
pub async fn encrypted_id_number(tx: &mut Tx, id: PersonId) -> Result<Option<String>> {
    const Q: &str = "SELECT id_number_enc FROM persons WHERE id = $1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(id.0).fetch_optional(c).await?))
}

/// How the person list reads its rows: newest first from the persons, or,
/// filtered by part of a name, newest first from the name pieces of migrations
/// 0041 and 0043 (`g`, the query's rarest piece, with its person's unit and
/// merge) joined to the persons.
struct Listing {
    /// The query's pieces, the one the rows are read by first; the others are
    /// checked in the pieces' key before a person's row is read.
    pieces: Vec<String>,
    /// Whether the one piece is the whole query (a part of up to three
    /// characters): every person holding it matches, so no name is read to
    /// check it and the count reads the pieces' key alone.
    whole: bool,
    /// `ILIKE` on PostgreSQL, whose `LIKE` minds the case of ASCII letters
    /// where SQLite's does not.
    like: &'static str,
}

impl Listing {
    fn new(tx: &Tx, q: Option<&str>, pieces: Vec<String>) -> Self {
        let whole = match (q, pieces.as_slice()) {
            (Some(q), [piece]) => piece.chars().count() == q.chars().count(),
            _ => false,
        };
        Listing {
            pieces,
            whole,
            like: match tx {
                Tx::Sqlite(..) => "LIKE",
                Tx::Pg(..) => "ILIKE",
            },
        }
    }

    /// The column rows are ordered and paged by.
    fn key(&self) -> &'static str {
        if self.pieces.is_empty() {
            "p.id"
        } else {
            "g.person_id"
        }
    }

    /// `FROM … WHERE …` of the list: unmerged, registered by a unit of
    /// `scope`, the name containing `q`, and below the keyset `before`. For a
    /// count (`rows` false) of a whole piece, the pieces alone.
    fn from(
        &self,
        args: &mut Args,
        scope: &Scope,
        q: Option<&str>,
        before: Option<i64>,
        rows: bool,
    ) -> String {
        let mut w = Vec::new();
        let from = match self.pieces.split_first() {
            Some((piece, others)) => {
                w.push(format!("g.gram = {}", args.push(Arg::Text(piece.clone()))));
                for other in others {
                    w.push(format!(
                        "EXISTS (SELECT 1 FROM search_name_grams o WHERE o.gram = {} AND o.person_id = g.person_id)",
                        args.push(Arg::Text(other.clone()))
                    ));
                }
                w.push("NOT g.merged".to_owned());
                w.extend(unit_scope(args, scope, "g.unit_id"));
                if rows || !self.whole {
                    "FROM search_name_grams g JOIN persons p ON p.id = g.person_id"
                } else {
                    "FROM search_name_grams g"
                }
            }
            None => {
                w.push("p.merged_into IS NULL".to_owned());
                w.extend(unit_scope(args, scope, "p.unit_id"));
                "FROM persons p"
            }
        };
        if let Some(q) = q.filter(|q| !q.trim().is_empty() && !self.whole) {
            let p = args.push(Arg::Text(like_pattern(q)));
            w.push(format!("p.name {} {p} ESCAPE '\\'", self.like));
        }
        if let Some(id) = before {
            w.push(format!("{} < {}", self.key(), args.push(Arg::Int(id))));
        }
        format!("{from} {}", where_clause(&w))
    }
}

/// How many name pieces are counted to choose the rarest (a piece held by more
/// is as good as any other so held).
const PIECE_COUNT_CAP: i64 = 2_000;

/// The pieces of `q`, the one held by the fewest persons (of up to
/// [`PIECE_COUNT_CAP`]) first, read in one statement when there is a choice.
async fn rarest_first(tx: &mut Tx, q: &str) -> Result<Vec<String>> {
    let mut pieces = legalaid_domain::search::name_query_pieces(q);
    if pieces.len() < 2 {
        return Ok(pieces);
    }
    let mut args = Args::default();
    let counts: Vec<String> = pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let p = args.push(Arg::Text(piece.clone()));
            format!(
                "SELECT CAST({i} AS BIGINT) AS i, (SELECT COUNT(*) FROM (SELECT 1 AS x FROM search_name_grams \
                 WHERE gram = {p} LIMIT {PIECE_COUNT_CAP}) AS k) AS n"
            )
        })
        .collect();
    // Of pieces as common, the last: a name's end varies more than its start
    // (the given name against the surname).
    let sql = format!("{} ORDER BY n, i DESC LIMIT 1", counts.join(" UNION ALL "));
    let rarest: i64 = on_tx!(tx, c => bind_args!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), args).fetch_one(c).await?);
    if let Some(i) = usize::try_from(rarest).ok().filter(|i| *i < pieces.len()) {
        let first = pieces.remove(i);
        pieces.insert(0, first);
    }
    Ok(pieces)
}

/// Persons registered by units in `scope`, by part of the name, newest first: a
/// page (numbered, or after an id) and the count up to [`crate::COUNT_CAP`].
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    q: Option<&str>,
    at: At<i64>,
) -> Result<Capped<Person>> {
    let pieces = match q {
        Some(q) => rarest_first(tx, q).await?,
        None => Vec::new(),
    };
    let listing = Listing::new(tx, q, pieces);
    let mut args = Args::default();
    let from = listing.from(&mut args, scope, q, at.key().copied(), true);
    let sql = format!(
        "SELECT {COLUMNS} {from} ORDER BY {} DESC LIMIT {} OFFSET {}",
        listing.key(),
        at.per_page().saturating_add(1),
        at.offset()
    );
    let rows: Vec<Row> = on_tx!(tx, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args).fetch_all(c).await?);
    let persons = rows
        .into_iter()
        .map(Row::into_person)
        .collect::<Result<Vec<_>>>()?;
    let mut args = Args::default();
    let from = listing.from(&mut args, scope, q, None, false);
    Capped::counted(tx, persons, &at, &from, &args).await
}

pub async fn insert(
    tx: &mut Tx,
    p: &PersonRecord<'_>,
    unit: UnitId,
    now: DateTime<Utc>,
) -> Result<Person> {
    const Q: &str = "INSERT INTO persons (name, id_type, id_number_enc, id_number_hash, id_number_masked, sex, birth_date, ethnicity, \
        phone, address, household_registration, education, occupation, groups, unit_id, version, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(p.name).bind(p.id_type.as_str()).bind(p.id_number_enc).bind(p.id_number_hash).bind(p.id_number_masked)
        .bind(p.sex.map(|s| s.as_str())).bind(p.birth_date).bind(p.ethnicity).bind(p.phone).bind(p.address)
        .bind(p.household_registration).bind(p.education).bind(p.occupation).bind(groups_text(p.groups)).bind(unit.0).bind(now)
        .fetch_one(c).await?);
    get(tx, PersonId(id)).await?.ok_or(StoreError::NotFound)
}

pub async fn update(
    tx: &mut Tx,
    id: PersonId,
    version: i64,
    p: &PersonRecord<'_>,
    now: DateTime<Utc>,
) -> Result<Person> {
    const Q: &str = "UPDATE persons SET name = $1, id_type = $2, id_number_enc = $3, id_number_hash = $4, id_number_masked = $5, \
        sex = $6, birth_date = $7, ethnicity = $8, phone = $9, address = $10, household_registration = $11, education = $12, \
        occupation = $13, groups = $14, version = version + 1, updated_at = $15 WHERE id = $16 AND version = $17";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(p.name).bind(p.id_type.as_str()).bind(p.id_number_enc).bind(p.id_number_hash).bind(p.id_number_masked)
        .bind(p.sex.map(|s| s.as_str())).bind(p.birth_date).bind(p.ethnicity).bind(p.phone).bind(p.address)
        .bind(p.household_registration).bind(p.education).bind(p.occupation).bind(groups_text(p.groups)).bind(now)
        .bind(id.0).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}
