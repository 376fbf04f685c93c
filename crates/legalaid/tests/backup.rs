//! Backup while serving (issue 13, ADR 0033): a backup of a running SQLite
//! system taken while persons are being registered restores, into an empty
//! data directory, with every write acknowledged before it began, the uploaded
//! files and the data key, and its audit chain verifies. A damaged backup is
//! refused before anything is written.

mod common;

use common::{Kind, TestApp, granted_wage_claim, resident_id};
use legalaid_app::{App, Clock, Ctx};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let clerk = app.token("clerk").await;
    // An uploaded file the backup must carry.
    let p = {
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "备份测试人", "id_type": "resident_id", "id_number": resident_id("34150419910101000") }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p["id"].as_i64().expect("id")
    };
    let application = granted_wage_claim(&app, p, "叶集某五金公司").await;
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (s, a) = common::upload_file(
        &app,
        &clerk,
        &format!("/api/v1/applications/{application}/attachments"),
        "id.pdf",
        pdf,
        "身份证复印件",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");

    // Writers register persons without pause; each acknowledged write is noted
    // with whether the backup had begun.
    let started = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..2u32 {
        let (http, base, token) = (app.http.clone(), app.base.clone(), clerk.clone());
        let (started, stop) = (started.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut acked: Vec<(i64, bool)> = Vec::new();
            let mut n = 0u32;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let first17 = format!("3415041992{:02}{:02}{:03}", 1 + w, 1 + n % 28, n % 1000);
                let res = http
                    .post(format!("{base}/api/v1/persons"))
                    .bearer_auth(&token)
                    .json(
                        &json!({ "name": format!("写入{w}号{n}"), "id_type": "resident_id",
                                   "id_number": resident_id(&first17) }),
                    )
                    .send()
                    .await
                    .expect("request");
                if res.status() == StatusCode::CREATED {
                    let v: serde_json::Value = res.json().await.expect("json");
                    // Acknowledged before the backup began: answered before.
                    let acked_before = !started.load(Ordering::SeqCst);
                    acked.push((v["id"].as_i64().expect("id"), acked_before));
                }
            }
            acked
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    started.store(true, Ordering::SeqCst);
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join("backup");
    let m = legalaid::backup::backup(
        &app.app.store,
        app.data_dir.path(),
        Some(&app.key_hex),
        &to,
        app.clock.now(),
    )
    .await
    .expect("backup");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acked = Vec::new();
    for w in writers {
        acked.extend(w.await.expect("writer"));
    }
    let before: Vec<i64> = acked.iter().filter(|(_, b)| *b).map(|(i, _)| *i).collect();
    assert!(
        before.len() >= 5,
        "writes went on before the backup: {}",
        before.len()
    );
    assert!(acked.iter().any(|(_, b)| !b), "and during and after it");
    assert_eq!(m.backend, "sqlite");
    assert_eq!(m.files.len(), 1, "{m:?}");
    assert!(m.key.is_some());
    assert!(m.counts.get("persons").copied().unwrap_or_default() >= before.len() as i64);

    // Restored into an empty data directory.
    let target = dir.path().join("restored");
    let db = target.join("legalaid.db");
    let r = legalaid::backup::restore(&to, &target, Some(&db)).expect("restore");
    assert_eq!(r.counts, m.counts);
    assert!(target.join("data.key").exists());
    assert_eq!(
        std::fs::read_to_string(target.join("data.key"))
            .expect("key")
            .trim(),
        app.key_hex.trim()
    );
    let file = &m.files[0].path;
    assert!(target.join(file).exists(), "{file}");
    // A second restore over it is refused.
    let again = legalaid::backup::restore(&to, &target, Some(&db));
    assert!(again.is_err());
    // A write-ahead log left by an earlier database beside the target is named,
    // not replayed into the restored one.
    let beside = dir.path().join("stale");
    std::fs::create_dir_all(&beside).expect("mkdir");
    std::fs::write(beside.join("legalaid.db-wal"), b"old log").expect("write");
    let e = legalaid::backup::restore(&to, &beside, Some(&beside.join("legalaid.db")))
        .expect_err("stale log");
    assert!(e.to_string().contains("legalaid.db-wal"), "{e}");
    assert!(!beside.join("legalaid.db").exists());

    let store = legalaid_store::Store::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open the restored database");
    store.migrate().await.expect("migrate");
    let counts: std::collections::BTreeMap<String, i64> = store
        .table_counts()
        .await
        .expect("counts")
        .into_iter()
        .collect();
    assert_eq!(counts, m.counts, "the restored database is the backup's");
    let restored = App::new(
        store.clone(),
        app.clock.clone() as Arc<dyn Clock>,
        legalaid_app::AuthSettings::default(),
        Arc::new(legalaid_app::crypto::FieldCipher::from_hex(&app.key_hex).expect("key")),
    );
    let ctx = Ctx::system("test");
    for id in &before {
        let p = legalaid_app::persons::get(&restored, &ctx, legalaid_domain::PersonId(*id)).await;
        assert!(
            p.is_ok(),
            "person {id}, acknowledged before the backup, is restored"
        );
    }
    let report = legalaid_app::audit::verify(&restored, &ctx)
        .await
        .expect("verify");
    assert!(report.ok, "{report:?}");
    store.close().await;
}

#[tokio::test]
async fn a_damaged_or_unfinished_backup_is_refused_before_anything_is_written() {
    let app = TestApp::spawn(Kind::Sqlite).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join("b");
    legalaid::backup::backup(
        &app.app.store,
        app.data_dir.path(),
        None,
        &to,
        app.clock.now(),
    )
    .await
    .expect("backup");
    // Not into a directory that holds something.
    let again = legalaid::backup::backup(
        &app.app.store,
        app.data_dir.path(),
        None,
        &to,
        app.clock.now(),
    )
    .await;
    assert!(again.is_err());
    // A byte changed in the database: named, nothing restored.
    let db = to.join("legalaid.db");
    let mut bytes = std::fs::read(&db).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    std::fs::write(&db, bytes).expect("write");
    let target = dir.path().join("t");
    let e = legalaid::backup::restore(&to, &target, Some(&target.join("legalaid.db")))
        .expect_err("damaged");
    assert!(e.to_string().contains("legalaid.db"), "{e}");
    assert!(!target.join("legalaid.db").exists());
    // Without its manifest it is not a backup.
    std::fs::remove_file(to.join(legalaid::backup::MANIFEST)).expect("rm");
    let e = legalaid::backup::restore(&to, &target, Some(&target.join("legalaid.db")))
        .expect_err("unfinished");
    assert!(e.to_string().contains("manifest"), "{e}");
}
