//! Whole-database export and import (issue 13, ADR 0034): a SQLite system —
//! the demo's records, a case, a merged person — moves by export and import
//! into an empty PostgreSQL database (and an empty SQLite one) with identical
//! counts, a verifying audit chain and a working search; a damaged export or a
//! database in use is refused and nothing is written.

mod common;

use common::{Kind, TestApp, case_with_demo_lawyer, granted_wage_claim, resident_id};
use legalaid_app::{App, Clock, Ctx};
use legalaid_store::Store;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A SQLite system with a case and a merge (a person pointing at a later one).
async fn source() -> TestApp {
    let app = TestApp::spawn(Kind::Sqlite).await;
    // Every write from here on at a time whose fraction PostgreSQL writes shorter
    // (`.12`) than SQLite's own form (`.120`): the way back converts every one.
    let now = app.clock.now();
    let second = now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()));
    app.clock.set(second + chrono::Duration::milliseconds(1120));
    let clerk = app.token("clerk").await;
    let mut ids = Vec::new();
    for seq in ["111", "222"] {
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "迁移测试人", "id_type": "resident_id",
                         "id_number": resident_id(&format!("34150419770707{seq}")), "phone": "13877776666" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        ids.push(p);
    }
    let application =
        granted_wage_claim(&app, ids[0]["id"].as_i64().expect("id"), "叶集某矿山公司").await;
    case_with_demo_lawyer(&app, application).await;
    // The earlier record merged into the later: a reference to a row written after it.
    let (s, m) = app
        .post_json(
            &format!("/api/v1/persons/{}/merge", ids[1]["id"]),
            Some(&clerk),
            &json!({ "merged_id": ids[0]["id"], "survivor_version": ids[1]["version"],
                     "merged_version": ids[0]["version"], "reason": "重复登记" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    app
}

async fn check_target(store: &Store, app: &TestApp, m: &legalaid::transfer::Manifest) {
    let counts: BTreeMap<String, i64> = store
        .table_counts()
        .await
        .expect("counts")
        .into_iter()
        .filter(|(t, _)| !t.starts_with("search_"))
        .collect();
    let exported: BTreeMap<String, i64> = m
        .rows()
        .into_iter()
        .map(|(t, n)| (t, i64::try_from(n).unwrap_or(-1)))
        .collect();
    assert_eq!(counts, exported, "identical counts");
    assert!(exported["persons"] > 0 && exported["audit_log"] > 0);
    let target = App::new(
        store.clone(),
        app.clock.clone() as Arc<dyn Clock>,
        legalaid_app::AuthSettings::default(),
        Arc::new(legalaid_app::crypto::FieldCipher::from_hex(&app.key_hex).expect("key")),
    );
    let ctx = Ctx::system("test");
    let report = legalaid_app::audit::verify(&target, &ctx)
        .await
        .expect("verify");
    assert!(report.ok, "{report:?}");
    // The search index was written by the import's commit.
    let hits =
        legalaid_app::search::search(&target, &ctx, "矿山", None, legalaid_app::Page::default())
            .await
            .expect("search");
    assert!(hits.total >= 2, "{hits:?}");
    // The ID numbers decrypt with the same key; the merge still points where it did.
    let persons = legalaid_app::persons::list(
        &target,
        &ctx,
        Some("迁移测试人"),
        legalaid_app::Page::default(),
        None,
    )
    .await
    .expect("persons")
    .items;
    assert_eq!(persons.len(), 1, "the merged record is left out of lists");
    let full = legalaid_app::persons::reveal_id_number(&target, &ctx, persons[0].id)
        .await
        .expect("reveal");
    assert_eq!(full, resident_id("34150419770707222"));
    // New rows continue after the imported ids.
    let mut tx = store.write().await.expect("tx");
    let next: i64 = legalaid_store::search::queued(&mut tx)
        .await
        .expect("queued");
    assert_eq!(next, 0);
    tx.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_system_moves_to_an_empty_database_of_either_backend() {
    let app = source().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("export");
    let m = legalaid::transfer::export(&app.app.store, &out, app.clock.now())
        .await
        .expect("export");
    assert_eq!(m.backend, "sqlite");

    // Into an empty SQLite database.
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let lite = Store::connect(&url).await.expect("connect");
    lite.migrate().await.expect("migrate");
    legalaid::transfer::import(&lite, &out)
        .await
        .expect("import");
    check_target(&lite, &app, &m).await;
    // Not twice: the database is in use now.
    let again = legalaid::transfer::import(&lite, &out).await;
    assert!(again.is_err_and(|e| e.to_string().contains("not empty")));
    lite.close().await;

    // Into an empty PostgreSQL database.
    let Ok(admin) = std::env::var("LEGALAID_TEST_DATABASE_URL") else {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: the PostgreSQL import is skipped");
        return;
    };
    let name = format!("legalaid_import_{}", std::process::id());
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("admin");
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .expect("create");
    }
    let pg = Store::connect(&common::url_for(&admin, &name))
        .await
        .expect("connect");
    pg.migrate().await.expect("migrate");
    legalaid::transfer::import(&pg, &out)
        .await
        .expect("import into PostgreSQL");
    check_target(&pg, &app, &m).await;
    // And back: a PostgreSQL export reads what the database holds (the check's
    // own reveal of an ID number is one more audit entry).
    let back = dir.path().join("back");
    let m2 = legalaid::transfer::export(&pg, &back, app.clock.now())
        .await
        .expect("export from PostgreSQL");
    let now: BTreeMap<String, u64> = pg
        .table_counts()
        .await
        .expect("counts")
        .into_iter()
        .filter(|(t, _)| !t.starts_with("search_"))
        .map(|(t, n)| (t, u64::try_from(n).unwrap_or(0)))
        .collect();
    assert_eq!(m2.rows(), now);
    assert_eq!(m2.rows()["audit_log"], m.rows()["audit_log"] + 1);
    pg.close().await;
    // PostgreSQL's export into SQLite: every time in the text form SQLite's own
    // writes give it (RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits), since
    // SQLite orders and pages by that text.
    let url = format!("sqlite://{}", dir.path().join("back.db").display());
    let lite = Store::connect(&url).await.expect("connect");
    lite.migrate().await.expect("migrate");
    legalaid::transfer::import(&lite, &back)
        .await
        .expect("import from PostgreSQL");
    let mut tx = lite.read().await.expect("tx");
    let legalaid_store::Tx::Sqlite(t, _) = &mut tx else {
        panic!("a SQLite store")
    };
    for (table, column) in [
        ("cases", "created_at"),
        ("audit_log", "at"),
        ("persons", "updated_at"),
    ] {
        let (all, other): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE \"{column}\" NOT GLOB \
             '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*+00:00' \
             OR length(\"{column}\") NOT IN (25, 29, 32, 35)) FROM \"{table}\""
        )))
        .fetch_one(&mut **t)
        .await
        .expect("times");
        assert!(all > 0, "{table} has rows");
        assert_eq!(
            other, 0,
            "{table}.{column}: every time in SQLite's own form"
        );
    }
    drop(tx);
    lite.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut c)
    .await
    .expect("drop");
}

#[tokio::test]
async fn a_damaged_export_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("export");
    legalaid::transfer::export(&app.app.store, &out, app.clock.now())
        .await
        .expect("export");
    let again = legalaid::transfer::export(&app.app.store, &out, app.clock.now()).await;
    assert!(again.is_err(), "not into a directory that holds something");
    let units = out.join("tables/units.jsonl");
    let mut text = std::fs::read_to_string(&units).expect("read");
    text = text.replacen("司法", "司发", 1);
    std::fs::write(&units, text).expect("write");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let lite = Store::connect(&url).await.expect("connect");
    lite.migrate().await.expect("migrate");
    let e = legalaid::transfer::import(&lite, &out)
        .await
        .expect_err("damaged");
    assert!(e.to_string().contains("units.jsonl"), "{e}");
    let counts: BTreeMap<String, i64> = lite
        .table_counts()
        .await
        .expect("counts")
        .into_iter()
        .collect();
    assert_eq!(counts["units"], 0, "nothing written");
    lite.close().await;
}
