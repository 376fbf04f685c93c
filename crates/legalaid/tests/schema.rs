//! The two migration trees must produce the same schema: the same tables, the same
//! columns, the same nullability. (Types differ by design: see docs/DATABASE.md.)
//! The one structural difference is each backend's own full-text index over
//! `search_entries.tokens` (ADR 0031): SQLite's FTS5 table `search_fts` with its
//! shadow tables, PostgreSQL's generated column `search_entries.tsv`.

use sqlx::{Connection, Row};
use std::collections::BTreeSet;

type Columns = BTreeSet<(String, String, bool)>;

async fn sqlite_columns() -> Columns {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = legalaid_store::Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.close().await;
    let mut c = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
        .fetch_all(&mut c)
        .await
        .expect("tables");
    let mut out = Columns::new();
    for t in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info({t})")))
            .fetch_all(&mut c)
            .await
            .expect("pragma");
        for r in rows {
            let name: String = r.get("name");
            let notnull: i64 = r.get("notnull");
            let pk: i64 = r.get("pk");
            out.insert((t.clone(), name, notnull != 0 || pk != 0));
        }
    }
    out
}

async fn postgres_columns(admin_url: &str) -> Columns {
    let name = format!(
        "legalaid_test_schema_{}",
        &legalaid_app::auth::random_secret()[..10]
    );
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("PostgreSQL reachable");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create");
    let mut u = url::Url::parse(admin_url).expect("url");
    u.set_path(&format!("/{name}"));
    let store = legalaid_store::Store::connect(u.as_str())
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    store.close().await;
    let mut c = sqlx::PgConnection::connect(u.as_str())
        .await
        .expect("connect");
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable::text AS n FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .expect("columns");
    let out = rows
        .iter()
        .map(|r| {
            (
                r.get::<String, _>("t"),
                r.get::<String, _>("c"),
                r.get::<String, _>("n") == "NO",
            )
        })
        .collect();
    c.close().await.ok();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .expect("drop");
    out
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let lite = sqlite_columns().await;
    assert!(
        lite.iter().any(|(t, c, _)| t == "audit_log" && c == "hash"),
        "the SQLite schema was read"
    );
    let Ok(admin_url) = std::env::var("LEGALAID_TEST_DATABASE_URL") else {
        eprintln!(
            "LEGALAID_TEST_DATABASE_URL is not set: schema comparison with PostgreSQL skipped"
        );
        return;
    };
    let pg = postgres_columns(&admin_url).await;
    let lite: Columns = lite
        .into_iter()
        .filter(|(t, _, _)| t != "search_fts" && !t.starts_with("search_fts_"))
        .collect();
    assert!(
        pg.iter()
            .any(|(t, c, _)| t == "search_entries" && c == "tsv"),
        "PostgreSQL indexes the search words in a generated column"
    );
    let pg: Columns = pg
        .into_iter()
        .filter(|(t, c, _)| !(t == "search_entries" && c == "tsv"))
        .collect();
    let only_lite: Vec<_> = lite.difference(&pg).collect();
    let only_pg: Vec<_> = pg.difference(&lite).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "schemas differ:\n only in SQLite: {only_lite:?}\n only in PostgreSQL: {only_pg:?}"
    );
}
