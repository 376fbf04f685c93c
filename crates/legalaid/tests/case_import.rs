//! Importing cases in progress from a spreadsheet (issue 13, ADR 0051): a dry
//! run names every bad row and writes nothing; a file with a bad row writes
//! nothing; a good file registers the recipients, grants their applications
//! and opens their cases assigned and under agreement, dated as the rows say
//! (audited, no message sent); importing it again changes nothing; the handler
//! finds the case; a unit out of reach, a unit that cannot handle cases and a
//! handler of another unit are refused; two instances importing one file at
//! once open each case once.

mod common;

use common::{TestApp, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::Value;

const HEADER: &str = "姓名,证件号码,申请渠道,收到申请时间,申请事项,法律援助形式,案情摘要,经济状况,家庭人口,家庭月收入（元）,\
案件编号,案件状态,给予法律援助决定日期,立案日期,承办单位,承办人,指派日期,委托协议签订日期,办理结果,事项办结日期,结案日期";

const LABOR: &str = "请求确认劳动关系或者支付劳动报酬";

async fn upload(app: &TestApp, token: &str, body: String, dry_run: bool) -> (StatusCode, Value) {
    common::upload_file(
        app,
        token,
        &format!("/api/v1/cases/import?dry_run={dry_run}"),
        "c.csv",
        body.into_bytes(),
        "",
    )
    .await
}

fn csv(rows: &[String]) -> String {
    format!("\u{feff}{HEADER}\n{}\n", rows.join("\n"))
}

/// The day `days_ago` before the test clock's today.
fn day(app: &TestApp, days_ago: i64) -> chrono::NaiveDate {
    legalaid_domain::local_date(app.clock.now()) - chrono::Duration::days(days_ago)
}

/// A row: received 12 days ago at 09:30, granted 10 days ago, opened 9,
/// assigned 9, agreement 8, unless `days` says otherwise; closed (when it
/// says so) 2 days ago, the matter ended 3 days ago.
struct Row<'a> {
    name: &'a str,
    id17: &'a str,
    case_no: &'a str,
    status: &'a str,
    unit: &'a str,
    handler: &'a str,
    days: [i64; 5],
    outcome: &'a str,
}

impl Row<'_> {
    fn csv(&self, app: &TestApp) -> String {
        let [received, decided, opened, assigned, signed] = self.days.map(|d| day(app, d));
        let (ended, closed) = if self.status == "已结案" {
            (day(app, 3).to_string(), day(app, 2).to_string())
        } else {
            (String::new(), String::new())
        };
        format!(
            "{},{},来访申请,{received} 09:30,{LABOR},litigation_representation,工地拖欠工资三个月,个人诚信承诺,3,1800,\
             {},{},{decided},{opened},{},{},{assigned},{signed},{},{ended},{closed}",
            self.name,
            resident_id(self.id17),
            self.case_no,
            self.status,
            self.unit,
            self.handler,
            self.outcome
        )
    }
}

fn row<'a>(
    name: &'a str,
    id17: &'a str,
    case_no: &'a str,
    unit: &'a str,
    handler: &'a str,
) -> Row<'a> {
    Row {
        name,
        id17,
        case_no,
        status: "承办中",
        unit,
        handler,
        days: [12, 10, 9, 9, 8],
        outcome: "",
    }
}

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

/// The demo lawyer's firm and name.
async fn lawyer(app: &TestApp) -> (i64, String, String) {
    let (staff, firm) = common::lawyer_staff(app).await;
    let unit = app
        .scalar_text(&format!("SELECT name FROM units WHERE id = {firm}"))
        .await;
    let name = app
        .scalar_text(&format!("SELECT name FROM staff WHERE id = {staff}"))
        .await;
    (staff, unit, name)
}

both!(
    a_dry_run_names_every_bad_row_and_cases_in_progress_import_once,
    |app| {
        let director = app.token("director").await;
        let (staff, firm, handler) = lawyer(&app).await;
        // A law firm of another district, out of the director's reach; a
        // judicial office, which cannot handle cases.
        let elsewhere = common::lists::unit_elsewhere(&app).await;
        let admin = app.token("admin").await;
        let (s, u) = app
            .post_json(
                "/api/v1/units",
                Some(&admin),
                &serde_json::json!({ "name": "金安某律师事务所", "kind": "law_firm", "region_code": "341502" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        assert_ne!(u["id"].as_i64(), Some(elsewhere));
        let office = app
            .scalar_text(
                "SELECT name FROM units WHERE kind = 'judicial_office' ORDER BY id LIMIT 1",
            )
            .await;
        let counts = "SELECT (SELECT COUNT(*) FROM cases) * 1000000 + (SELECT COUNT(*) FROM applications) * 1000 \
                      + (SELECT COUNT(*) FROM persons)";
        let messages = "SELECT COUNT(*) FROM messages";
        let (before, messages_before) = (app.scalar(counts).await, app.scalar(messages).await);

        let mut rows = vec![
            row(
                "受援甲",
                "34150419800101001",
                "原-2026-001",
                &firm,
                &handler,
            )
            .csv(&app),
            row(
                "受援乙",
                "34150419800101002",
                "原-2026-002",
                &firm,
                &handler,
            )
            .csv(&app),
        ];
        // Bad: a unit out of reach; a judicial office; a handler the firm does
        // not have; a closed case; the agreement before the assignment; the
        // first row's number again; a case in progress with a result.
        rows.push(
            row(
                "受援丙",
                "34150419800101003",
                "原-2026-003",
                "金安某律师事务所",
                &handler,
            )
            .csv(&app),
        );
        rows.push(
            row(
                "受援丁",
                "34150419800101004",
                "原-2026-004",
                &office,
                &handler,
            )
            .csv(&app),
        );
        rows.push(
            row(
                "受援戊",
                "34150419800101005",
                "原-2026-005",
                &firm,
                "无此人",
            )
            .csv(&app),
        );
        rows.push(
            Row {
                status: "已结案",
                outcome: "调解结案",
                ..row(
                    "受援己",
                    "34150419800101006",
                    "原-2026-006",
                    &firm,
                    &handler,
                )
            }
            .csv(&app),
        );
        rows.push(
            Row {
                days: [12, 10, 9, 7, 8],
                ..row(
                    "受援庚",
                    "34150419800101007",
                    "原-2026-007",
                    &firm,
                    &handler,
                )
            }
            .csv(&app),
        );
        rows.push(
            row(
                "受援辛",
                "34150419800101008",
                "原-2026-001",
                &firm,
                &handler,
            )
            .csv(&app),
        );
        rows.push(
            Row {
                outcome: "调解结案",
                ..row(
                    "受援壬",
                    "34150419800101009",
                    "原-2026-009",
                    &firm,
                    &handler,
                )
            }
            .csv(&app),
        );
        let (s, r) = upload(&app, &director, csv(&rows), true).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(bad_rows(&r), vec![4, 5, 6, 7, 8, 9, 10], "{r}");
        let field = |n: usize| {
            r["rows"][n - 2]["errors"][0]["field"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(
            [4, 5, 6, 7, 8, 9, 10].map(field),
            [
                "handling_unit",
                "handling_unit",
                "handler",
                "status",
                "agreement_signed_on",
                "case_no",
                "outcome"
            ],
            "{r}"
        );
        assert_eq!(
            (
                r["created"].as_i64(),
                r["persons_created"].as_i64(),
                r["committed"].as_bool()
            ),
            (Some(2), Some(2), Some(false)),
            "{r}"
        );
        // Imported with the bad rows: nothing is written, every bad row named.
        let (s, e) = upload(&app, &director, csv(&rows), false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        for n in 4..=10 {
            assert!(e.to_string().contains(&format!("rows[{n}].")), "{n}: {e}");
        }
        assert_eq!(app.scalar(counts).await, before);
        // Only the director imports cases: a clerk and a lawyer may not.
        for who in ["clerk", "lawyer"] {
            let t = app.token(who).await;
            let (s, _) = upload(&app, &t, csv(&rows[..2]), true).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }

        // The good rows: one step; the application granted by the other
        // system, the case opened on its day, assigned and under agreement.
        rows.truncate(2);
        let (s, r) = upload(&app, &director, csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["committed"].as_bool()),
            (Some(2), Some(true)),
            "{r}"
        );
        assert_eq!(app.scalar(counts).await, before + 2_002_002);
        let case = |col: &str| {
            format!(
                "SELECT {col} FROM cases c JOIN applications a ON a.id = c.application_id \
                 JOIN persons p ON p.id = c.recipient_id WHERE p.name = '受援甲'"
            )
        };
        assert_eq!(app.scalar_text(&case("a.status")).await, "granted");
        assert_eq!(
            app.scalar(&case("COUNT(a.decided_by)")).await,
            0,
            "no one here decided it"
        );
        let id = app.scalar(&case("c.id")).await;
        let (s, c) = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "in_progress", "{c}");
        assert_eq!(c["handler_id"].as_i64(), Some(staff), "{c}");
        assert_eq!(c["agreement_signed_on"], day(&app, 8).to_string(), "{c}");
        // Opened on the row's day (China time): the statistics count it then.
        let opened = c["created_at"].as_str().unwrap_or_default();
        let opened = chrono::DateTime::parse_from_rfc3339(opened).expect("created_at");
        assert_eq!(
            legalaid_domain::local_date(opened.to_utc()),
            day(&app, 9),
            "{c}"
        );
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM case_assignments x JOIN cases c ON c.id = x.case_id \
                 JOIN persons p ON p.id = c.recipient_id WHERE p.name IN ('受援甲', '受援乙') AND x.handler_id = {staff}"
            ))
            .await,
            2
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.import'")
                .await,
            2
        );
        assert_eq!(
            app.scalar(messages).await,
            messages_before,
            "no one is texted"
        );
        // The handler finds the case among theirs.
        let lawyer = app.token("lawyer").await;
        let number = app.scalar_text(&case("c.number")).await;
        let (s, list) = app
            .get_json("/api/v1/cases?per_page=100", Some(&lawyer))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.to_string().contains(&number), "{number}: {list}");

        // The same file again changes nothing.
        let (s, r) = upload(&app, &director, csv(&rows), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["unchanged"].as_i64()),
            (Some(0), Some(2)),
            "{r}"
        );
        assert_eq!(app.scalar(counts).await, before + 2_002_002);
        // Our own number, for that recipient and day, is the same case.
        let ours = Row {
            case_no: &number,
            ..row("受援甲", "34150419800101001", "", &firm, &handler)
        };
        let (s, r) = upload(&app, &director, csv(&[ours.csv(&app)]), true).await;
        assert_eq!(
            (s, r["unchanged"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{r}"
        );
        // The application of a row already received here is not received again.
        let again = row(
            "受援甲",
            "34150419800101001",
            "原-2026-099",
            &firm,
            &handler,
        );
        let (s, r) = upload(&app, &director, csv(&[again.csv(&app)]), true).await;
        assert_eq!((s, bad_rows(&r)), (StatusCode::OK, vec![2]), "{r}");

        // The page, its template and the list's link: the director's, not a lawyer's.
        let b = app.browser("director").await;
        let (s, html) = b.get("/cases/import").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("下载模板") && html.contains("委托协议签订日期"),
            "{html}"
        );
        let (s, template) = b.get("/cases/import/template.csv").await;
        assert_eq!(s, StatusCode::OK);
        let header = template
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or_default();
        assert_eq!(header.split(',').count(), 54, "{header}");
        assert_eq!(
            template.lines().nth(1).map(|l| l.split(',').count()),
            Some(54),
            "{template}"
        );
        let (_, list) = b.get("/cases").await;
        assert!(list.contains("href=\"/cases/import\""), "{list}");
        let lawyer = app.browser("lawyer").await;
        let (s, _) = lawyer.get("/cases/import").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, list) = lawyer.get("/cases").await;
        assert!(!list.contains("href=\"/cases/import\""));
    }
);

both!(
    two_instances_importing_one_file_at_once_open_each_case_once,
    |app| {
        let director = app.token("director").await;
        let (_, firm, handler) = lawyer(&app).await;
        let rows: Vec<String> = (0..30u32)
            .map(|i| {
                row(
                    &format!("并发受援{i}"),
                    &format!("3415041972{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i),
                    &format!("并发案件-{i}"),
                    &firm,
                    &handler,
                )
                .csv(&app)
            })
            .collect();
        let before = app.scalar("SELECT COUNT(*) FROM cases").await;
        let twin = app.twin().await;
        let send = |base: String| {
            let (http, token, body) = (app.http.clone(), director.clone(), csv(&rows));
            async move {
                let part = reqwest::multipart::Part::bytes(body.into_bytes()).file_name("c.csv");
                let res = http
                    .post(format!("{base}/api/v1/cases/import"))
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
        assert_eq!(app.scalar("SELECT COUNT(*) FROM cases").await, before + 30);
    }
);
