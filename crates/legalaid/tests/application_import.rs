//! Importing applications with their applicants from a spreadsheet (issue 13,
//! ADR 0036): a dry run names every bad row and writes nothing; a file with a
//! bad row writes nothing; a good file registers the people and receives their
//! applications in one step (audited, review deadlines started); importing it
//! again changes nothing; the export imports back unchanged; another unit's
//! application is not touched; two instances importing one file at once
//! receive each application once.

mod common;

use common::{TestApp, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::Value;

const HEADER: &str = "姓名,证件号码,联系电话,申请渠道,收到申请时间,申请事项,法律援助形式,案情摘要,经济状况,家庭人口,家庭月收入（元）,申请编号";

async fn upload(app: &TestApp, token: &str, body: String, dry_run: bool) -> (StatusCode, Value) {
    common::upload_file(
        app,
        token,
        &format!("/api/v1/applications/import?dry_run={dry_run}"),
        "a.csv",
        body.into_bytes(),
        "",
    )
    .await
}

fn csv(rows: &[String]) -> String {
    format!("\u{feff}{HEADER}\n{}\n", rows.join("\n"))
}

/// A day `days_ago` before the test clock's today, at 09:30 China time.
fn received(app: &TestApp, days_ago: i64) -> String {
    let day = legalaid_domain::local_date(app.clock.now()) - chrono::Duration::days(days_ago);
    format!("{day} 09:30")
}

fn row(name: &str, id17: &str, when: &str, matter: &str, number: &str) -> String {
    format!(
        "{name},{},13900001111,来访申请,{when},{matter},法律咨询,工地拖欠工资三个月,个人诚信承诺,3,1800,{number}",
        resident_id(id17)
    )
}

const LABOR: &str = "请求确认劳动关系或者支付劳动报酬";

fn bad_rows(r: &Value) -> Vec<i64> {
    r["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter(|x| x["action"] == "error")
                .filter_map(|x| x["row"].as_i64())
                .collect()
        })
        .unwrap_or_default()
}

both!(
    a_dry_run_names_every_bad_row_and_a_good_file_imports_once,
    |app| {
        let clerk = app.token("clerk").await;
        let applications = "SELECT COUNT(*) FROM applications";
        let persons = "SELECT COUNT(*) FROM persons";
        let (apps_before, persons_before) =
            (app.scalar(applications).await, app.scalar(persons).await);
        let when = received(&app, 10);
        let mut rows = vec![
            row(
                "申请甲",
                "34150419700101001",
                &when,
                LABOR,
                "皖援申-2026-0001",
            ),
            // The same person again, a second application without a number.
            row(
                "申请甲",
                "34150419700101001",
                &received(&app, 5),
                "labor_dispute_compensation",
                "",
            ),
            row("申请乙", "34150419700101002", &when, LABOR, ""),
        ];
        // An unknown matter; received tomorrow; an unknown channel; the first
        // row's number again; the first person under another name.
        rows.push(row("申请丙", "34150419700101003", &when, "外星事项", ""));
        rows.push(row(
            "申请丁",
            "34150419700101004",
            &received(&app, -2),
            LABOR,
            "",
        ));
        rows.push(
            row("申请戊", "34150419700101005", &when, LABOR, "").replace("来访申请", "飞鸽传书"),
        );
        rows.push(row(
            "申请己",
            "34150419700101006",
            &when,
            LABOR,
            "皖援申-2026-0001",
        ));
        rows.push(row(
            "申请庚",
            "34150419700101001",
            &received(&app, 3),
            LABOR,
            "",
        ));
        let (s, r) = upload(&app, &clerk, csv(&rows), true).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(bad_rows(&r), vec![5, 6, 7, 8, 9], "{r}");
        assert_eq!(
            (
                r["created"].as_i64(),
                r["persons_created"].as_i64(),
                r["committed"].as_bool()
            ),
            (Some(3), Some(2), Some(false)),
            "{r}"
        );
        // Imported with the bad rows: nothing is written, every bad row named.
        let (s, e) = upload(&app, &clerk, csv(&rows), false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        for n in [5, 6, 7, 8, 9] {
            assert!(e.to_string().contains(&format!("rows[{n}].")), "{n}: {e}");
        }
        assert_eq!(app.scalar(applications).await, apps_before);
        assert_eq!(app.scalar(persons).await, persons_before);

        // The good rows: one step, each audited, review deadlines running.
        rows.truncate(3);
        let (s, r) = upload(&app, &clerk, csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (
                r["committed"].as_bool(),
                r["created"].as_i64(),
                r["persons_created"].as_i64()
            ),
            (Some(true), Some(3), Some(2)),
            "{r}"
        );
        assert_eq!(app.scalar(applications).await, apps_before + 3);
        assert_eq!(app.scalar(persons).await, persons_before + 2);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM applications WHERE source_ref IS NOT NULL AND status = 'received'")
                .await,
            3
        );
        assert!(
            app.scalar(
                "SELECT COUNT(*) FROM deadlines d JOIN applications a ON a.id = d.application_id WHERE a.source_ref IS NOT NULL"
            )
            .await
                >= 3
        );
        // Each application's entry names the row's key it was imported under.
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM audit_log l JOIN applications a \
                 ON l.entity_id = CAST(a.id AS TEXT) AND l.action = 'application.create' \
                 WHERE a.source_ref IS NOT NULL AND l.after_json LIKE '%\"source_ref\":\"' || a.source_ref || '\"%'"
            )
            .await,
            3
        );
        let audits = "SELECT COUNT(*) FROM audit_log WHERE action IN ('application.create', 'person.create')";
        let audited = app.scalar(audits).await;
        // Again: nothing changes.
        let (s, r) = upload(&app, &clerk, csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["unchanged"].as_i64()),
            (Some(0), Some(3)),
            "{r}"
        );
        assert_eq!(app.scalar(applications).await, apps_before + 3);
        assert_eq!(app.scalar(audits).await, audited);
        // The applications are found by search at once, in the list, in China time.
        let (_, v) = app.get_json("/api/v1/search?q=申请乙", Some(&clerk)).await;
        let kinds: Vec<&str> = v["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["kind"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            kinds.contains(&"application") && kinds.contains(&"person"),
            "{v}"
        );
        let first = app
            .scalar_text("SELECT CAST(received_at AS TEXT) FROM applications WHERE source_ref LIKE '皖援申-2026-0001|%'")
            .await;
        assert!(
            first.contains("01:30"),
            "09:30 China time is 01:30 UTC: {first}"
        );

        // Another office cannot import the same application; a lawyer imports nothing.
        let pinggang = app.token("clerk_pinggang").await;
        let (_, r) = upload(&app, &pinggang, csv(&rows[..1]), true).await;
        assert_eq!(r["failed"], 1, "{r}");
        assert!(r.to_string().contains("其他单位"), "{r}");
        let lawyer = app.token("lawyer").await;
        let (s, _) = upload(&app, &lawyer, csv(&rows), true).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Another office's file that numbers alike is another application; one of
        // our numbers on someone else's row is named, not taken as that application.
        let ours = app
            .scalar_text(
                "SELECT number FROM applications WHERE source_ref IS NOT NULL ORDER BY id LIMIT 1",
            )
            .await;
        let other = vec![
            row(
                "申请辛",
                "34150419700101008",
                &when,
                LABOR,
                "皖援申-2026-0001",
            ),
            row("申请壬", "34150419700101009", &when, LABOR, &ours),
        ];
        let (s, r) = upload(&app, &clerk, csv(&other), true).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(bad_rows(&r), vec![3], "{r}");
        assert_eq!(r["created"], 1, "{r}");
        assert!(r.to_string().contains("已用于另一件申请"), "{r}");
        // Missing required columns are named.
        let (s, e) = common::upload_file(
            &app,
            &clerk,
            "/api/v1/applications/import?dry_run=true",
            "a.csv",
            "姓名,证件号码\n张三,1\n".as_bytes().to_vec(),
            "",
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("收到申请时间"), "{e}");

        // The export (every application of the unit, the demo's too) imports back
        // with nothing to change; it is audited once.
        let b = app.browser("clerk").await;
        let (s, exported) = b.get("/applications/export.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            exported.contains(&resident_id("34150419700101002")),
            "full ID numbers"
        );
        let (s, r) = common::upload_file(
            &app,
            &clerk,
            "/api/v1/applications/import?dry_run=true",
            "export.csv",
            exported.into_bytes(),
            "",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["failed"], 0, "{r}");
        assert_eq!(r["created"], 0, "{r}");
        assert!(r["unchanged"].as_i64().unwrap_or_default() >= 3, "{r}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'application.export'")
                .await,
            1
        );
        // A person another office registered is taken as registered (a lookup,
        // audited), never updated; the export masks their number; a row with
        // another name is refused without revealing the registered one.
        let (s, r) = common::upload_file(
            &app,
            &pinggang,
            "/api/v1/persons/import",
            "p.csv",
            format!(
                "姓名,证件号码\n平岗甲,{}\n",
                resident_id("34150419700101010")
            )
            .into_bytes(),
            "",
        )
        .await;
        assert_eq!((s, r["created"].as_i64()), (StatusCode::OK, Some(1)), "{r}");
        let lookups = "SELECT COUNT(*) FROM audit_log WHERE action = 'person.lookup'";
        let looked = app.scalar(lookups).await;
        let theirs = format!(
            "平岗甲,{},,来访申请,{when},{LABOR},法律咨询,拖欠工资,,,,",
            resident_id("34150419700101010")
        );
        let wrong = theirs.replacen("平岗甲", "别名", 1);
        let (_, r) = upload(&app, &clerk, csv(std::slice::from_ref(&wrong)), true).await;
        assert_eq!(r["failed"], 1, "{r}");
        assert!(!r.to_string().contains("平岗甲"), "{r}");
        let (s, r) = upload(&app, &clerk, csv(&[theirs]), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (
                r["created"].as_i64(),
                r["persons_created"].as_i64(),
                r["persons_updated"].as_i64()
            ),
            (Some(1), Some(0), Some(0)),
            "{r}"
        );
        assert_eq!(app.scalar(lookups).await, looked + 1);
        let (_, exported) = b.get("/applications/export.csv").await;
        assert!(exported.contains("平岗甲"), "{exported}");
        assert!(
            !exported.contains(&resident_id("34150419700101010")),
            "another office's applicant is masked"
        );

        // The page and its template: the template's example row passes the check.
        let (s, html) = b.get("/applications/import").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("下载模板"), "{html}");
        let (s, template) = b.get("/applications/import/template.csv").await;
        assert_eq!(s, StatusCode::OK);
        let (s, r) = common::upload_file(
            &app,
            &clerk,
            "/api/v1/applications/import?dry_run=true",
            "t.csv",
            template.into_bytes(),
            "",
        )
        .await;
        assert_eq!((s, r["failed"].as_i64()), (StatusCode::OK, Some(0)), "{r}");
        let (s, html) = app
            .browser("lawyer")
            .await
            .get("/applications/import")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{html}");
    }
);

both!(
    ten_thousand_persons_and_applications_import_in_one_step,
    |app| {
        let clerk = app.token("clerk").await;
        let when = received(&app, 3);
        let mut seen = std::collections::HashSet::new();
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
                    &when,
                    LABOR,
                    "",
                )
            })
            .filter(|r| seen.insert(r.clone()))
            .collect();
        let n = rows.len() as i64;
        let before = app.scalar("SELECT COUNT(*) FROM applications").await;
        let started = std::time::Instant::now();
        let (s, r) = upload(&app, &clerk, csv(&rows), true).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r["failed"], 0, "{:?}", bad_rows(&r));
        let checked = started.elapsed();
        let (s, r) = upload(&app, &clerk, csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{}", r["title"]);
        assert_eq!(
            (r["created"].as_i64(), r["persons_created"].as_i64()),
            (Some(n), Some(n))
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM applications").await,
            before + n
        );
        eprintln!(
            "{n} persons and applications: dry run {:?}, import {:?}",
            checked,
            started.elapsed() - checked
        );
    }
);

both!(
    two_instances_importing_one_file_at_once_receive_each_application_once,
    |app| {
        let clerk = app.token("clerk").await;
        let when = received(&app, 1);
        let rows: Vec<String> = (0..100u32)
            .map(|i| {
                row(
                    &format!("并发申请{i}"),
                    &format!("3415041971{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i),
                    &when,
                    LABOR,
                    &format!("并发-{i}"),
                )
            })
            .collect();
        let before = app.scalar("SELECT COUNT(*) FROM applications").await;
        let twin = app.twin().await;
        let send = |base: String| {
            let (http, token, body) = (app.http.clone(), clerk.clone(), csv(&rows));
            async move {
                let part = reqwest::multipart::Part::bytes(body.into_bytes()).file_name("a.csv");
                let res = http
                    .post(format!("{base}/api/v1/applications/import"))
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
            app.scalar("SELECT COUNT(*) FROM applications").await,
            before + 100
        );
    }
);
