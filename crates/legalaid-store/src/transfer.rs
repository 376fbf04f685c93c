//! Whole-database export and import (issue 13, ADR 0034): every table as JSON
//! lines, read in one snapshot, and written into an empty database of either
//! backend in one transaction.
//!
//! Rows travel as JSON objects keyed by column (SQLite `json_object`,
//! PostgreSQL `row_to_json`); the target turns them back into its own types
//! (`json_extract` on SQLite, `json_populate_recordset` on PostgreSQL). The
//! search index is not carried: the import's commit rewrites it, as every
//! write's does. Encrypted fields travel as they are stored.

use crate::{Access, Result, Store, StoreError, Tx};
use futures_util::TryStreamExt;
use std::collections::{BTreeMap, BTreeSet};

/// Tables not carried: the search index and its queue (rebuilt on import), the
/// migrations' bookkeeping, SQLite's own tables.
fn carried(name: &str) -> bool {
    !(name.starts_with("search_")
        || name.starts_with("sqlite_")
        || name.starts_with("_sqlx")
        || name == "search_fts")
}

/// A table's columns (not generated ones), in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
}

/// The tables of the schema that travel, each with its columns, in an order
/// where a table comes after those it references (cycles broken; see
/// [`late_columns`]).
pub async fn tables(tx: &mut Tx) -> Result<Vec<Table>> {
    let names: Vec<String> = match tx {
        Tx::Sqlite(t, _) => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Pg(t, _) => {
            sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(&mut **t)
            .await?
        }
    };
    let names: Vec<String> = names.into_iter().filter(|n| carried(n)).collect();
    let refs = references(tx).await?;
    let mut out = Vec::new();
    for name in order(&names, &refs) {
        let columns: Vec<String> = match tx {
            Tx::Sqlite(t, _) => {
                sqlx::query_scalar(
                    "SELECT name FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid",
                )
                .bind(&name)
                .fetch_all(&mut **t)
                .await?
            }
            Tx::Pg(t, _) => {
                sqlx::query_scalar(
                    "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut **t)
                .await?
            }
        };
        out.push(Table { name, columns });
    }
    Ok(out)
}

/// Foreign keys: (table, column) → referenced table.
async fn references(tx: &mut Tx) -> Result<Vec<(String, String, String)>> {
    Ok(match tx {
        Tx::Sqlite(t, _) => {
            sqlx::query_as(
                "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m \
                 JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
            )
            .fetch_all(&mut **t)
            .await?
        }
        Tx::Pg(t, _) => {
            sqlx::query_as(
                "SELECT CAST(cl.relname AS TEXT), CAST(att.attname AS TEXT), CAST(rf.relname AS TEXT) \
                 FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid \
                 JOIN pg_class rf ON rf.oid = c.confrelid JOIN pg_namespace n ON n.oid = cl.relnamespace \
                 JOIN LATERAL unnest(c.conkey) AS k(attnum) ON TRUE \
                 JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = k.attnum \
                 WHERE c.contype = 'f' AND n.nspname = current_schema()",
            )
            .fetch_all(&mut **t)
            .await?
        }
    })
}

/// `names` ordered so that referenced tables come first where they can.
fn order(names: &[String], refs: &[(String, String, String)]) -> Vec<String> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (t, _, r) in refs {
        if t != r {
            deps.entry(t.as_str()).or_default().insert(r.as_str());
        }
    }
    let mut done: Vec<String> = Vec::new();
    let mut visiting: BTreeSet<&str> = BTreeSet::new();
    fn visit<'a>(
        n: &'a str,
        deps: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        names: &'a [String],
        visiting: &mut BTreeSet<&'a str>,
        done: &mut Vec<String>,
    ) {
        if done.iter().any(|d| d == n) || !visiting.insert(n) {
            return;
        }
        for d in deps.get(n).into_iter().flatten() {
            if names.iter().any(|x| x == d) {
                visit(d, deps, names, visiting, done);
            }
        }
        done.push(n.to_owned());
    }
    for n in names {
        visit(n, &deps, names, &mut visiting, &mut done);
    }
    done
}

/// The columns of `tables[i]` that reference a table not written before it (itself
/// included): written empty first and set once every table is in (PostgreSQL
/// checks each row's foreign keys as it goes; SQLite defers them to the commit).
pub async fn late_columns(tx: &mut Tx, tables: &[Table]) -> Result<BTreeMap<String, Vec<String>>> {
    let refs = references(tx).await?;
    let pos: BTreeMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut late: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, c, r) in &refs {
        if let (Some(a), Some(b)) = (pos.get(t.as_str()), pos.get(r.as_str()))
            && b >= a
        {
            late.entry(t.clone()).or_default().push(c.clone());
        }
    }
    Ok(late)
}

/// Opens the snapshot an export reads: one read transaction (PostgreSQL:
/// repeatable read, times in UTC).
pub async fn snapshot(store: &Store) -> Result<Tx> {
    let mut tx = store.read().await?;
    if let Tx::Pg(t, _) = &mut tx {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut **t)
            .await?;
        sqlx::query("SET LOCAL TimeZone = 'UTC'")
            .execute(&mut **t)
            .await?;
    }
    Ok(tx)
}

/// Sends every row of `table` to `row` as a JSON object, in key order; returns
/// how many.
pub async fn export_rows(
    tx: &mut Tx,
    table: &Table,
    mut row: impl FnMut(&str) -> std::io::Result<()>,
) -> Result<u64> {
    let io = |e: std::io::Error| StoreError::Db(format!("export: {e}"));
    let mut n = 0u64;
    match tx {
        Tx::Sqlite(t, _) => {
            let pairs: Vec<String> = table
                .columns
                .iter()
                .map(|c| format!("'{c}', \"{c}\""))
                .collect();
            let sql = format!(
                "SELECT json_object({}) FROM \"{}\" ORDER BY rowid",
                pairs.join(", "),
                table.name
            );
            let mut s = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).fetch(&mut **t);
            while let Some(j) = s.try_next().await? {
                row(&j).map_err(io)?;
                n += 1;
            }
        }
        Tx::Pg(t, _) => {
            let cols: Vec<String> = table.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let sql = format!(
                "SELECT CAST(row_to_json(x) AS TEXT) FROM (SELECT {} FROM \"{}\") x",
                cols.join(", "),
                table.name
            );
            let mut s = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).fetch(&mut **t);
            while let Some(j) = s.try_next().await? {
                row(&j).map_err(io)?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Whether the database holds nothing but what its migrations put there (no
/// unit, account or audit entry).
pub async fn is_empty(tx: &mut Tx) -> Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_log)")
        .fetch_one(c).await?);
    Ok(n == 0)
}

/// Opens the import's transaction: SQLite checks foreign keys at its commit.
pub async fn begin_import(store: &Store) -> Result<Tx> {
    let mut tx = store.write().await?;
    if let Tx::Sqlite(t, Access::Write(_)) = &mut tx {
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut **t)
            .await?;
    }
    Ok(tx)
}

/// Empties every table (what the migrations seeded), last table first.
pub async fn clear(tx: &mut Tx, tables: &[Table]) -> Result<()> {
    for t in tables.iter().rev() {
        let sql = format!("DELETE FROM \"{}\"", t.name);
        on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Writes `rows` (JSON objects) into `table`, the `late` columns left empty.
pub async fn import_rows(
    tx: &mut Tx,
    table: &Table,
    late: &[String],
    rows: &[String],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let array = match tx {
        Tx::Sqlite(..) => sqlite_rows(rows),
        Tx::Pg(..) => format!("[{}]", rows.join(",")),
    };
    let cols: Vec<&String> = table.columns.iter().collect();
    let names = cols
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    match tx {
        Tx::Sqlite(t, _) => {
            let values = cols
                .iter()
                .map(|c| format!("json_extract(value, '$.\"{c}\"')"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO \"{}\" ({names}) SELECT {values} FROM json_each($1)",
                table.name
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(array)
                .execute(&mut **t)
                .await?;
        }
        Tx::Pg(t, _) => {
            let values = cols
                .iter()
                .map(|c| {
                    if late.contains(c) {
                        "NULL".to_owned()
                    } else {
                        format!("x.\"{c}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO \"{0}\" ({names}) OVERRIDING SYSTEM VALUE \
                 SELECT {values} FROM json_populate_recordset(NULL::\"{0}\", CAST($1 AS json)) x",
                table.name
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(array)
                .persistent(false)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// Sets the `late` columns of `rows` (PostgreSQL only; found by primary key).
pub async fn import_late(
    tx: &mut Tx,
    table: &Table,
    late: &[String],
    rows: &[String],
) -> Result<()> {
    let Tx::Pg(t, _) = tx else {
        return Ok(());
    };
    if rows.is_empty() || late.is_empty() {
        return Ok(());
    }
    let set = late
        .iter()
        .map(|c| format!("\"{c}\" = x.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    // Rows are found by their primary key.
    let key: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(a.attname AS TEXT) FROM pg_index i JOIN pg_attribute a \
         ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
         WHERE i.indrelid = CAST(CAST($1 AS TEXT) AS regclass) AND i.indisprimary",
    )
    .bind(format!("\"{}\"", table.name))
    .fetch_all(&mut **t)
    .await?;
    if key.is_empty() {
        return Err(StoreError::Db(format!(
            "{} references rows written after it and has no primary key",
            table.name
        )));
    }
    let on = key
        .iter()
        .map(|k| format!("\"{0}\".\"{k}\" = x.\"{k}\"", table.name))
        .collect::<Vec<_>>()
        .join(" AND ");
    let sql = format!(
        "UPDATE \"{0}\" SET {set} FROM json_populate_recordset(NULL::\"{0}\", CAST($1 AS json)) x \
         WHERE {on}",
        table.name
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(format!("[{}]", rows.join(",")))
        .persistent(false)
        .execute(&mut **t)
        .await?;
    Ok(())
}

/// The rows as one JSON array for SQLite, each time in the text form SQLite's
/// own writes give it. SQLite keeps times as text and compares them as text
/// (ordering, keyset pages, year bounds), so every stored time must be in one
/// form: an export from PostgreSQL writes `2026-12-04T08:00:00.12+00:00` where
/// ours would hold `2026-12-04T08:00:00.120+00:00`, and the two sort apart.
fn sqlite_rows(rows: &[String]) -> String {
    let out: Vec<std::borrow::Cow<'_, str>> = rows.iter().map(|r| sqlite_row(r)).collect();
    format!("[{}]", out.join(","))
}

/// One exported row (compact JSON, as `json_object` and `row_to_json` write it)
/// with each value that is a PostgreSQL-form UTC time rewritten in place; every
/// other byte is kept, so numbers, text and nested JSON travel exactly as exported.
/// A value is a string token `:"…+00:00"` followed by `,` or `}`: the quote after
/// the colon cannot be an escaped one, so this never reaches inside a text value.
fn sqlite_row(row: &str) -> std::borrow::Cow<'_, str> {
    const END: &str = "+00:00\"";
    // Most rows of most tables hold no time of PostgreSQL's form.
    if !row.contains(END) {
        return std::borrow::Cow::Borrowed(row);
    }
    let mut out = String::with_capacity(row.len() + 16);
    let mut rest = row;
    while let Some(i) = rest.find(END) {
        // `quote` is the value's closing quote.
        let quote = i + END.len() - 1;
        let b = rest.as_bytes();
        let ends_value = matches!(b.get(quote + 1), Some(b',') | Some(b'}'));
        // A time is 25 to 35 bytes: its opening quote is 26 to 36 before the closing one.
        let start = (quote.saturating_sub(37)..quote.saturating_sub(1))
            .rev()
            .find(|&k| b[k] == b':' && b[k + 1] == b'"')
            .map(|k| k + 2);
        match start
            .filter(|_| ends_value)
            .and_then(|s| sqlite_time_text(&rest[s..quote]).map(|t| (s, t)))
        {
            Some((s, t)) => {
                out.push_str(&rest[..s]);
                out.push_str(&t);
                out.push('"');
            }
            None => out.push_str(&rest[..=quote]),
        }
        rest = &rest[quote + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `Some` of SQLite's form of a UTC time written as RFC 3339 (as PostgreSQL's
/// JSON writes a `timestamptz` in UTC), `None` for any other text.
fn sqlite_time_text(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let shaped = (25..=35).contains(&b.len())
        && b.get(10) == Some(&b'T')
        && s.ends_with("+00:00")
        && b[..4].iter().all(u8::is_ascii_digit);
    if !shaped {
        return None;
    }
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    let ours = t
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
    (ours != s).then_some(ours)
}

/// After an import on PostgreSQL: each identity column's sequence continues
/// after the highest id written.
pub async fn reset_sequences(tx: &mut Tx) -> Result<()> {
    let Tx::Pg(t, _) = tx else {
        return Ok(());
    };
    let cols: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut **t)
    .await?;
    for (table, column) in cols {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), \
             COALESCE(MAX(\"{column}\"), 1), MAX(\"{column}\") IS NOT NULL) FROM \"{table}\""
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// The schema version: the highest migration applied.
pub async fn schema_version(tx: &mut Tx) -> Result<i64> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(c).await?),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_times_take_sqlite_form_and_other_text_stays() {
        let t = |s: &str| sqlite_time_text(s);
        assert_eq!(
            t("2026-12-04T08:00:00.12+00:00").as_deref(),
            Some("2026-12-04T08:00:00.120+00:00")
        );
        assert_eq!(
            t("2026-12-04T08:00:00.1234+00:00").as_deref(),
            Some("2026-12-04T08:00:00.123400+00:00")
        );
        // Already in SQLite's form, or not a UTC time: unchanged.
        assert_eq!(t("2026-12-04T08:00:00+00:00"), None);
        assert_eq!(t("2026-12-04T08:00:00.120+00:00"), None);
        assert_eq!(t("2026-12-04T08:00:00.120+08:00"), None);
        assert_eq!(t("2026-12-04"), None);
        assert_eq!(t("拖欠工资 2026-12-04T08:00:00+00:00"), None);
        let rows = vec![
            r#"{"id":1,"created_at":"2026-12-04T08:00:00.5+00:00","note":"x","value":0.1000000000000000055511151231257827}"#.to_owned(),
            r#"{"id":2,"note":"无时间"}"#.to_owned(),
            // A time inside text, or after an escaped quote, is text: kept.
            r#"{"id":3,"note":"于 2026-12-04T08:00:00.5+00:00","q":"\":\"2026-12-04T08:00:00.5+00:00\"","at":"2026-12-04T08:00:00.25+00:00"}"#.to_owned(),
        ];
        assert_eq!(
            sqlite_rows(&rows),
            concat!(
                r#"[{"id":1,"created_at":"2026-12-04T08:00:00.500+00:00","note":"x","value":0.1000000000000000055511151231257827},"#,
                r#"{"id":2,"note":"无时间"},"#,
                r#"{"id":3,"note":"于 2026-12-04T08:00:00.5+00:00","q":"\":\"2026-12-04T08:00:00.5+00:00\"","at":"2026-12-04T08:00:00.250+00:00"}]"#
            )
        );
    }

    #[test]
    fn referenced_tables_come_first_and_cycles_end() {
        let names: Vec<String> = ["cases", "applications", "persons", "units"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let r = |a: &str, c: &str, b: &str| (a.to_owned(), c.to_owned(), b.to_owned());
        let refs = vec![
            r("cases", "application_id", "applications"),
            r("applications", "applicant_id", "persons"),
            r("persons", "unit_id", "units"),
            r("persons", "merged_into", "persons"),
            // A cycle: ends without looping.
            r("units", "latest_case", "cases"),
        ];
        let o = order(&names, &refs);
        let at = |n: &str| o.iter().position(|x| x == n).unwrap_or(usize::MAX);
        assert_eq!(o.len(), 4);
        assert!(at("persons") < at("applications") && at("applications") < at("cases"));
    }
}
