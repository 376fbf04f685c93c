//! Searching the index (ADRs 0031, 0047): the entries a searcher may see that
//! hold every term, the newest thousand ranked by the terms in their titles,
//! the rest newest first, counted up to [`COUNT_CAP`]; the path through the
//! index chosen per query, since a word held by most entries and a word held by
//! a few are best read in different orders.

use crate::{Page, Result, Tx, scope_params};
use legalaid_domain::search::SearchKind;
use legalaid_domain::visibility::Scope;

/// Who is searching: the scope of the records they see, the complaints about
/// them they do not see, and the kinds of record they may read at all.
#[derive(Debug, Clone)]
pub struct Searcher<'a> {
    pub scope: &'a Scope,
    pub not_unit: Option<i64>,
    pub not_staff: Option<i64>,
    pub kinds: &'a [SearchKind],
}

/// One hit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Hit {
    pub kind: String,
    pub record_id: i64,
    pub title: String,
    pub body: String,
}

pub use crate::COUNT_CAP;

/// `$1`–`$9`: the searcher; `$10`: the query.
const VISIBLE: &str = "($1 IS NULL OR COALESCE(e.region, ua.region_code) LIKE $1 OR ub.region_code LIKE $1) \
    AND ($2 IS NULL OR e.unit_a = $2 OR e.unit_b = $2) \
    AND ($3 IS NULL OR e.not_unit IS NULL OR e.not_unit <> $3) \
    AND ($4 IS NULL OR e.not_staff IS NULL OR e.not_staff <> $4) \
    AND (($5 AND e.kind = 'person') OR ($6 AND e.kind = 'application') OR ($7 AND e.kind = 'case') \
         OR ($8 AND e.kind = 'consultation') OR ($9 AND e.kind = 'complaint'))";

macro_rules! bind_search {
    ($q:expr, $s:expr, $terms:expr) => {{
        let (region, unit) = scope_params($s.scope);
        let has = |k: SearchKind| $s.kinds.contains(&k);
        $q.bind(region)
            .bind(unit)
            .bind($s.not_unit)
            .bind($s.not_staff)
            .bind(has(SearchKind::Person))
            .bind(has(SearchKind::Application))
            .bind(has(SearchKind::Case))
            .bind(has(SearchKind::Consultation))
            .bind(has(SearchKind::Complaint))
            .bind($terms)
    }};
}

/// How many of the newest matches a search ranks (ADR 0047): as many as it
/// counts. Past them the matches follow newest first.
const RANKED: i64 = COUNT_CAP;

/// The hits of `terms` (all of them in each hit) that `s` may see, best first,
/// and how many there are up to [`COUNT_CAP`] (one more when there are more).
///
/// Best first (ADR 0047): of the newest [`RANKED`] matches, those with more of
/// the terms in their title (a name, a number) first, then the newer; after
/// them every other match, newer first. Neither needs more than the matches
/// read in the index's order, however common a word is.
pub async fn search(
    tx: &mut Tx,
    s: &Searcher<'_>,
    terms: &[String],
    page: Page,
) -> Result<(Vec<Hit>, i64)> {
    let (offset, per_page) = (page.offset(), page.per_page);
    let chosen = path(tx, s, terms).await?;
    let (ranked, n, mut hits) = if offset < RANKED {
        // The first thousand: the count and the ranked page in one statement.
        let n_page = per_page.min(RANKED - offset);
        match first(tx, s, terms, chosen, n_page, offset).await? {
            // A walk whose window held no more than the count shows: what is
            // older is read from the index.
            (n, _) if chosen != Path::Index && n <= COUNT_CAP => {
                let (n, hits) = first(tx, s, terms, Path::Index, n_page, offset).await?;
                (Path::Index, n, hits)
            }
            (n, hits) => (chosen, n, hits),
        }
    } else {
        match chosen {
            Path::Index => (
                Path::Index,
                count(tx, s, terms, Path::Index).await?,
                Vec::new(),
            ),
            walk => match count(tx, s, terms, walk).await? {
                // The window held more than the count shows: its matches are the
                // newest the ranking needs.
                n if n > COUNT_CAP => (walk, n, Vec::new()),
                // It did not: what is older is read from the index.
                _ => (
                    Path::Index,
                    count(tx, s, terms, Path::Index).await?,
                    Vec::new(),
                ),
            },
        }
    };
    // Past the ranked ones, a walk goes on through every entry.
    let rest = match ranked {
        Path::Walk(_) => Path::Walk(None),
        Path::Index => Path::Index,
    };
    let end = offset.saturating_add(per_page);
    if end > RANKED {
        let from = offset.max(RANKED);
        hits.extend(newest(tx, s, terms, rest, end - from, from).await?);
    }
    Ok((hits, n))
}

/// The points of a hit's title: one for each term in it (`$N` on: the terms,
/// lower case as the index holds them), on `m.title`.
fn title_points(tx: &Tx, terms: &[String], first_param: usize) -> String {
    let find = match tx {
        Tx::Sqlite(..) => "instr(lower(m.title), $N)",
        Tx::Pg(..) => "strpos(lower(m.title), $N)",
    };
    let points: Vec<String> = (0..terms.len())
        .map(|i| {
            format!(
                "(CASE WHEN {} > 0 THEN 1 ELSE 0 END)",
                find.replace("$N", &format!("${}", first_param + i))
            )
        })
        .collect();
    if points.is_empty() {
        "0".to_owned()
    } else {
        points.join(" + ")
    }
}

/// The visible matches counted up to one past [`COUNT_CAP`], and `n` hits of
/// the newest [`RANKED`] ranked from `offset` (below [`RANKED`]), in one
/// statement: the newest matches are read once, with their ids and titles
/// only, and the page's hits whole by id.
async fn first(
    tx: &mut Tx,
    s: &Searcher<'_>,
    terms: &[String],
    path: Path,
    n: i64,
    offset: i64,
) -> Result<(i64, Vec<Hit>)> {
    let (from, q, id) = matching(tx, terms, path);
    let score = title_points(tx, terms, 14);
    let sql = format!(
        "WITH w AS MATERIALIZED (SELECT e.id, e.title {from} ORDER BY {id} DESC LIMIT $11) \
         SELECT c.n, x.kind, x.record_id, x.title, x.body FROM (SELECT COUNT(*) AS n FROM w) AS c \
         LEFT JOIN (SELECT m.id, {score} AS score FROM \
                    (SELECT id, title FROM w ORDER BY id DESC LIMIT {RANKED}) AS m \
                    ORDER BY score DESC, m.id DESC LIMIT $12 OFFSET $13) AS top ON TRUE \
         LEFT JOIN search_entries x ON x.id = top.id \
         ORDER BY top.score DESC, top.id DESC"
    );
    type Row = (
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    // The searcher, the query, the count's bound, the page and the terms.
    macro_rules! bound {
        () => {{
            let mut query = bind_search!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), s, &q)
                .bind(COUNT_CAP + 1)
                .bind(n)
                .bind(offset);
            for term in terms {
                query = query.bind(term.to_lowercase());
            }
            query
        }};
    }
    let rows: Vec<Row> = match tx {
        Tx::Sqlite(t, _) => bound!().fetch_all(&mut **t).await?,
        Tx::Pg(t, _) => bound!().persistent(false).fetch_all(&mut **t).await?,
    };
    let count = rows.first().map_or(0, |r| r.0);
    let hits = rows
        .into_iter()
        .filter_map(|(_, kind, record_id, title, body)| {
            Some(Hit {
                kind: kind?,
                record_id: record_id?,
                title: title?,
                body: body?,
            })
        })
        .collect();
    Ok((count, hits))
}

/// How a search reads its matches on PostgreSQL (ADR 0047): from the word
/// index, or by walking the entries newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Every match from the GIN index, sorted: what it costs follows how many
    /// entries hold the words. SQLite's FTS5 reads its matches newest first
    /// itself, so it always takes this path.
    Index,
    /// The entries newest first (those above the id, if one), each checked,
    /// until the page and the count are full: what it costs follows how rare
    /// the visible matches are.
    Walk(Option<i64>),
}

/// A PostgreSQL search looks at the newest [`SAMPLE`] entries to choose its
/// [`Path`]; with at least [`WALK_FROM`] visible matches among them (5%) it
/// walks the newest [`WINDOW`] entries, where it expects twice the count's
/// thousand, and reads from the index if they hold fewer.
const SAMPLE: i64 = 1_000;
const WALK_FROM: i64 = 50;
const WINDOW: i64 = 40_000;

/// Chooses the [`Path`]: on PostgreSQL, by how many of the newest
/// [`SAMPLE`] entries are matches `s` may see (one statement; the planner
/// judges a word's share of the entries too roughly to choose well itself).
async fn path(tx: &mut Tx, s: &Searcher<'_>, terms: &[String]) -> Result<Path> {
    let Tx::Pg(t, _) = tx else {
        return Ok(Path::Index);
    };
    let sql = format!(
        "SELECT COUNT(*) FILTER (WHERE e.tsv @@ plainto_tsquery('simple', $10) AND {VISIBLE}), \
         COALESCE(MAX(e.id), 0) \
         FROM (SELECT * FROM search_entries ORDER BY id DESC LIMIT {SAMPLE}) AS e \
         LEFT JOIN units ua ON ua.id = e.unit_a LEFT JOIN units ub ON ub.id = e.unit_b"
    );
    let (seen, newest): (i64, i64) =
        bind_search!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), s, terms.join(" "))
            .persistent(false)
            .fetch_one(&mut **t)
            .await?;
    Ok(if seen >= WALK_FROM {
        Path::Walk(Some(newest - WINDOW))
    } else {
        Path::Index
    })
}

/// The `FROM … WHERE` of the visible matches of the query `$10`, that query
/// (FTS5 syntax on SQLite, words for `plainto_tsquery` on PostgreSQL), and the
/// expression that orders the matches newest first when read `DESC`.
fn matching(tx: &Tx, terms: &[String], path: Path) -> (String, String, &'static str) {
    const JOIN: &str =
        "LEFT JOIN units ua ON ua.id = e.unit_a LEFT JOIN units ub ON ub.id = e.unit_b";
    match tx {
        Tx::Sqlite(..) => {
            // FTS5 query syntax: each term a quoted string; juxtaposed, all are required.
            let q: String = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" ");
            (
                format!(
                    "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid {JOIN} \
                     WHERE search_fts MATCH $10 AND {VISIBLE}"
                ),
                q,
                // The index's own order (the entry's id), read backwards.
                "search_fts.rowid",
            )
        }
        Tx::Pg(..) => match path {
            Path::Index => (
                format!(
                    "FROM search_entries e {JOIN} \
                     WHERE e.tsv @@ plainto_tsquery('simple', $10) AND {VISIBLE}"
                ),
                terms.join(" "),
                // Newest first, but from the word index: PostgreSQL guesses a rare
                // word's matches far too many (thousands for 110) and would walk the
                // whole primary key backwards looking for them; `+ 0` is not the key,
                // so it reads the matches from the GIN index and sorts them.
                "(e.id + 0)",
            ),
            Path::Walk(floor) => (
                // The operator's function is no index condition: the entries are
                // read by the primary key, newest first, and each is checked.
                format!(
                    "FROM search_entries e {JOIN} \
                     WHERE ts_match_vq(e.tsv, plainto_tsquery('simple', $10)) AND {VISIBLE}{}",
                    floor
                        .map(|id| format!(" AND e.id > {id}"))
                        .unwrap_or_default()
                ),
                terms.join(" "),
                "e.id",
            ),
        },
    }
}

/// `n` of the visible matches from `offset` on, newest first (past the ranked
/// ones).
async fn newest(
    tx: &mut Tx,
    s: &Searcher<'_>,
    terms: &[String],
    path: Path,
    n: i64,
    offset: i64,
) -> Result<Vec<Hit>> {
    let (from, q, id) = matching(tx, terms, path);
    let sql = format!(
        "SELECT e.kind, e.record_id, e.title, e.body {from} ORDER BY {id} DESC LIMIT $11 OFFSET $12"
    );
    // The searcher, the query and the page.
    macro_rules! bound {
        () => {
            bind_search!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), s, &q)
                .bind(n)
                .bind(offset)
        };
    }
    match tx {
        Tx::Sqlite(t, _) => Ok(bound!().fetch_all(&mut **t).await?),
        Tx::Pg(t, _) => Ok(bound!().persistent(false).fetch_all(&mut **t).await?),
    }
}

/// The visible matches counted up to one past [`COUNT_CAP`].
async fn count(tx: &mut Tx, s: &Searcher<'_>, terms: &[String], path: Path) -> Result<i64> {
    let (from, q, id) = matching(tx, terms, path);
    // A walk counts the newest, where the sample found the matches.
    let order = match path {
        Path::Walk(_) => format!("ORDER BY {id} DESC"),
        Path::Index => String::new(),
    };
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 {from} {order} LIMIT $11) x");
    match tx {
        Tx::Sqlite(t, _) => Ok(
            bind_search!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), s, &q)
                .bind(COUNT_CAP + 1)
                .fetch_one(&mut **t)
                .await?,
        ),
        Tx::Pg(t, _) => Ok(
            bind_search!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), s, &q)
                .bind(COUNT_CAP + 1)
                .persistent(false)
                .fetch_one(&mut **t)
                .await?,
        ),
    }
}
