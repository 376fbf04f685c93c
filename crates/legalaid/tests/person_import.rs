//! Importing persons from a spreadsheet (issue 13, ADR 0035): a dry run names
//! every bad row and writes nothing; a file with a bad row writes nothing; a
//! good file is written in one step, each person audited; running it again
//! changes nothing; the export in the same columns imports back unchanged;
//! another unit's person is not touched.

mod common;

use common::{TestApp, resident_id};
use reqwest::StatusCode;
use serde_json::Value;

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    body: String,
    dry_run: bool,
) -> (StatusCode, Value) {
    common::upload_file(
        app,
        token,
        &format!("/api/v1/persons/import?dry_run={dry_run}"),
        name,
        body.into_bytes(),
        "",
    )
    .await
}

fn csv(rows: &[String]) -> String {
    format!(
        "\u{feff}姓名,证件号码,联系电话,人群类别\n{}\n",
        rows.join("\n")
    )
}

fn row(name: &str, id17: &str, phone: &str) -> String {
    format!("{name},{},{phone},农民工", resident_id(id17))
}

both!(
    a_dry_run_names_every_bad_row_and_a_good_file_imports_once,
    |app| {
        let clerk = app.token("clerk").await;
        let persons = "SELECT COUNT(*) FROM persons";
        let before = app.scalar(persons).await;
        let mut rows = vec![
            row("导入甲", "34150419600101001", "13900001111"),
            row("导入乙", "34150419600101002", "13900002222"),
            row("导入丙", "34150419600101003", ""),
        ];
        // A bad check character, the same number twice, an unknown group, no name.
        rows.push("导入丁,341504196001010041,,".into());
        rows.push(row("导入戊", "34150419600101001", ""));
        rows.push(format!(
            "导入己,{},,外星人",
            resident_id("34150419600101006")
        ));
        rows.push(format!(",{},,", resident_id("34150419600101007")));
        let (s, r) = upload(&app, &clerk, "p.csv", csv(&rows), true).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["failed"].as_i64()),
            (Some(3), Some(4)),
            "{r}"
        );
        let bad: Vec<i64> = r["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|x| x["action"] == "error")
            .filter_map(|x| x["row"].as_i64())
            .collect();
        assert_eq!(bad, vec![5, 6, 7, 8], "{r}");
        assert_eq!(r["committed"], false);
        // Imported with the bad rows: nothing is written, every bad row named.
        let (s, e) = upload(&app, &clerk, "p.csv", csv(&rows), false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let fields: Vec<&str> = e["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|x| x["field"].as_str())
            .collect();
        for n in [5, 6, 7, 8] {
            assert!(
                fields.iter().any(|f| f.starts_with(&format!("rows[{n}]."))),
                "{n}: {e}"
            );
        }
        assert_eq!(app.scalar(persons).await, before);

        // The good rows: one step, each audited; again: nothing changes.
        rows.truncate(3);
        let (s, r) = upload(&app, &clerk, "p.csv", csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["committed"].as_bool(), r["created"].as_i64()),
            (Some(true), Some(3)),
            "{r}"
        );
        assert_eq!(app.scalar(persons).await, before + 3);
        let audits = "SELECT COUNT(*) FROM audit_log WHERE action = 'person.create'";
        let created = app.scalar(audits).await;
        let (s, r) = upload(&app, &clerk, "p.csv", csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["unchanged"].as_i64()),
            (Some(0), Some(3)),
            "{r}"
        );
        assert_eq!(app.scalar(audits).await, created);
        // A changed phone updates that person only.
        rows[0] = row("导入甲", "34150419600101001", "13900009999");
        let (_, r) = upload(&app, &clerk, "p.csv", csv(&rows), false).await;
        assert_eq!(
            (r["updated"].as_i64(), r["unchanged"].as_i64()),
            (Some(1), Some(2)),
            "{r}"
        );
        // A file without the phone column leaves the phone as registered.
        let only = format!(
            "姓名,证件号码\n导入甲,{}\n",
            resident_id("34150419600101001")
        );
        let (_, r) = upload(&app, &clerk, "p.csv", only, false).await;
        assert_eq!(r["unchanged"], 1, "{r}");
        // The new persons are found by search at once.
        let (_, v) = app.get_json("/api/v1/search?q=9999", Some(&clerk)).await;
        assert_eq!(v["total"], 1, "{v}");

        // Another office's person is not touched; a lawyer imports nothing.
        let pinggang = app.token("clerk_pinggang").await;
        let (_, r) = upload(&app, &pinggang, "p.csv", csv(&rows[..1]), true).await;
        assert_eq!(r["failed"], 1, "{r}");
        assert!(r.to_string().contains("其他单位"), "{r}");
        let lawyer = app.token("lawyer").await;
        let (s, _) = upload(&app, &lawyer, "p.csv", csv(&rows), true).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Not a table, unknown columns.
        let (s, e) = upload(&app, &clerk, "p.txt", "x".into(), true).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, e) = upload(&app, &clerk, "p.csv", "姓名,身份证\n张三,1\n".into(), true).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("身份证"), "{e}");

        // The export in the same columns imports back with nothing to change.
        let b = app.browser("clerk").await;
        let (s, exported) = b.get("/persons/export.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            exported.contains(&resident_id("34150419600101002")),
            "full ID numbers"
        );
        let (s, r) = upload(&app, &clerk, "export.csv", exported, true).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["failed"], 0, "{r}");
        assert_eq!(r["created"], 0, "{r}");
        assert!(r["unchanged"].as_i64().unwrap_or_default() >= 3, "{r}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'person.export'")
                .await,
            1
        );
        // The page: the form, a check with the bad rows listed.
        let (s, html) = b.get("/persons/import").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("下载模板"), "{html}");
    }
);

both!(ten_thousand_persons_import_in_one_step, |app| {
    let clerk = app.token("clerk").await;
    let rows: Vec<String> = (0..10_000u32)
        .map(|i| {
            row(
                &format!("批量{i}"),
                &format!(
                    "341504{}{:02}{:02}{:03}",
                    1950 + i % 50,
                    1 + i % 12,
                    1 + i % 28,
                    i % 997
                ),
                "",
            )
        })
        .collect();
    // Unique numbers: year, month, day and sequence vary together.
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<String> = rows
        .into_iter()
        .filter(|r| seen.insert(r.clone()))
        .collect();
    let n = rows.len() as i64;
    let started = std::time::Instant::now();
    let (s, r) = upload(&app, &clerk, "big.csv", csv(&rows), true).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        r["failed"],
        0,
        "{}",
        r["rows"].as_array().map_or(0, Vec::len)
    );
    let checked = started.elapsed();
    let (s, r) = upload(&app, &clerk, "big.csv", csv(&rows), false).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["created"].as_i64(), Some(n));
    eprintln!(
        "{n} rows: dry run {:?}, import {:?}",
        checked,
        started.elapsed() - checked
    );
});

both!(
    two_instances_importing_one_file_at_once_register_each_person_once,
    |app| {
        let clerk = app.token("clerk").await;
        let rows: Vec<String> = (0..200u32)
            .map(|i| {
                row(
                    &format!("并发{i}"),
                    &format!("3415041970{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i),
                    "",
                )
            })
            .collect();
        let before = app.scalar("SELECT COUNT(*) FROM persons").await;
        let twin = app.twin().await;
        let send = |base: String| {
            let (http, token, body) = (app.http.clone(), clerk.clone(), csv(&rows));
            async move {
                let part = reqwest::multipart::Part::bytes(body.into_bytes()).file_name("p.csv");
                let res = http
                    .post(format!("{base}/api/v1/persons/import"))
                    .bearer_auth(token)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await
                    .expect("import");
                let status = res.status();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (a, b) = tokio::join!(send(app.base.clone()), send(twin.base.clone()));
        for (s, v) in [&a, &b] {
            assert!(
                *s == StatusCode::OK || *s == StatusCode::CONFLICT,
                "{s}: {v}"
            );
        }
        assert!(a.0 == StatusCode::OK || b.0 == StatusCode::OK);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM persons").await,
            before + 200
        );
    }
);
