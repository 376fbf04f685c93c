//! Message delivery by the real server process: a message written with a change
//! is sent after a restart when the process was killed before sending it, exactly
//! once; two instances on one PostgreSQL database send each message exactly once,
//! and a user signed in through one is signed in through the other.

mod common;

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `legalaid serve --demo` on a free port; waits for /readyz.
async fn start(data: &Path, database_url: Option<&str>, interval_ms: u64) -> Server {
    let bind = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").to_string()
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_legalaid"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LEGALAID_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(["serve", "--demo", "--bind", &bind, "--data-dir"])
        .arg(data)
        .env("LEGALAID_DATA_KEY", KEY)
        .env("LEGALAID_ADMIN_PASSWORD", common::ADMIN_PASSWORD)
        .env("LEGALAID_DELIVERY_INTERVAL_MS", interval_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(u) = database_url {
        cmd.env("LEGALAID_DATABASE_URL", u);
    }
    let mut server = Server {
        child: cmd.spawn().expect("start serve"),
        base: format!("http://{bind}"),
    };
    let http = reqwest::Client::new();
    let started = Instant::now();
    while !http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            server.child.try_wait().expect("try_wait").is_none(),
            "serve exited early"
        );
        // The demo's living year (cases, quality, outreach, surveys) takes most of
        // a minute to load on PostgreSQL on a busy 2-core machine; readiness
        // itself is not what these tests measure (bench/run.sh does).
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "not ready within 180 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

async fn token(http: &reqwest::Client, base: &str, user: &str) -> String {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": user, "password": common::DEMO_PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    r["token"].as_str().expect("token").to_owned()
}

async fn call(
    http: &reqwest::Client,
    method: &str,
    url: String,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let req = match method {
        "GET" => http.get(url),
        _ => http.post(url).json(&body),
    };
    let res = req.bearer_auth(token).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Registers an applicant with a phone, receives and grants a wage claim, opens
/// its case and assigns the best-ranked handler; returns (case id, version).
async fn assigned_case(http: &reqwest::Client, base: &str, n: u32) -> (i64, i64) {
    let clerk = token(http, base, "clerk").await;
    let director = token(http, base, "director").await;
    // A valid resident ID number (GB 11643 check digit) unique to `n`.
    let first17 = format!("3415041985021{:04}", 500 + n);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let id_number = format!(
        "{first17}{}",
        ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
    );
    let (s, p) = call(http, "POST", format!("{base}/api/v1/persons"), &clerk,
        json!({ "name": "吴桂芳", "id_type": "resident_id", "id_number": id_number, "phone": "13955501111" })).await;
    assert_eq!(s, 201, "{p}");
    let (s, a) = call(http, "POST", format!("{base}/api/v1/applications"), &clerk, json!({
        "applicant_id": p["id"], "channel": "walk_in", "received_at": "2024-09-26T02:00:00Z",
        "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
        "opposing_party": "某公司", "summary": "被拖欠工资。",
        "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
    })).await;
    assert_eq!(s, 201, "{a}");
    let (s, d) = call(
        http,
        "POST",
        format!("{base}/api/v1/applications/{}/decision", a["id"]),
        &director,
        json!({ "outcome": "granted", "reason": "", "version": a["version"] }),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    let (s, c) = call(
        http,
        "POST",
        format!("{base}/api/v1/applications/{}/case", a["id"]),
        &director,
        json!({}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_i64().expect("id");
    let (_, sugg) = call(
        http,
        "GET",
        format!("{base}/api/v1/cases/{id}/assignment-suggestions"),
        &director,
        Value::Null,
    )
    .await;
    let best = &sugg["items"][0];
    let (s, c) = call(
        http,
        "POST",
        format!("{base}/api/v1/cases/{id}/assignment"),
        &director,
        json!({ "unit_id": best["unit_id"], "handler_id": best["staff_id"], "version": c["version"] }),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    (id, c["version"].as_i64().expect("version"))
}

async fn pending_sms(http: &reqwest::Client, base: &str, case: i64) -> Vec<i64> {
    let director = token(http, base, "director").await;
    let (_, m) = call(
        http,
        "GET",
        format!("{base}/api/v1/cases/{case}/messages"),
        &director,
        Value::Null,
    )
    .await;
    m["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|m| m["channel"] == "sms" && m["status"] != "skipped")
        .map(|m| m["id"].as_i64().expect("id"))
        .collect()
}

async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            // A bound for liveness, not a speed target: generous, because a
            // loaded two-core machine restarts a debug server slowly.
            started.elapsed() < Duration::from_secs(120),
            "{what} within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_message_written_before_a_kill_is_sent_once_after_restart() {
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    let sink = data.join("sms-sink.jsonl");
    let http = reqwest::Client::new();
    // The first instance looks for due messages only once an hour: the change
    // commits its messages, and the process dies before it sends them.
    let mut first = start(&data, None, 3_600_000).await;
    let (case, _) = assigned_case(&http, &first.base, 1).await;
    let ids = pending_sms(&http, &first.base, case).await;
    assert!(!ids.is_empty(), "the assignment wrote SMS messages");
    let kill = Command::new("kill")
        .args(["-KILL", &first.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let _ = first.child.wait();
    assert!(
        common::sink_lines(&sink)
            .iter()
            .all(|l| !ids.contains(&l["id"].as_i64().unwrap_or(-1))),
        "not sent before the kill"
    );

    let second = start(&data, None, 100).await;
    wait_for("every message sent", || {
        let lines = common::sink_lines(&sink);
        ids.iter().all(|id| lines.iter().any(|l| l["id"] == *id))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let lines = common::sink_lines(&sink);
    for id in &ids {
        assert_eq!(
            lines.iter().filter(|l| l["id"] == *id).count(),
            1,
            "message {id} exactly once"
        );
    }
    let director = token(&http, &second.base, "director").await;
    let (_, m) = call(
        &http,
        "GET",
        format!("{}/api/v1/cases/{case}/messages", second.base),
        &director,
        Value::Null,
    )
    .await;
    assert!(
        m["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|m| m["channel"] == "sms")
            .all(|m| m["status"] == "sent"),
        "{m}"
    );
}

/// An empty PostgreSQL database of its own, for tests that start real servers;
/// `None` (the test is skipped) when LEGALAID_TEST_DATABASE_URL is not set.
struct EmptyDatabase {
    admin: sqlx::PgConnection,
    name: String,
    url: String,
}

impl EmptyDatabase {
    async fn create(prefix: &str) -> Option<EmptyDatabase> {
        let Ok(admin_url) = std::env::var("LEGALAID_TEST_DATABASE_URL") else {
            eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
            return None;
        };
        let name = format!("{prefix}_{}", std::process::id());
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("PostgreSQL");
        let _ = sqlx::Executor::execute(
            &mut admin,
            sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
        )
        .await;
        sqlx::Executor::execute(
            &mut admin,
            sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
            )),
        )
        .await
        .expect("create database");
        Some(EmptyDatabase {
            url: common::url_for(&admin_url, &name),
            name,
            admin,
        })
    }

    async fn drop(mut self) {
        let _ = sqlx::Executor::execute(
            &mut self.admin,
            sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )),
        )
        .await;
    }
}

#[tokio::test]
async fn two_instances_on_one_postgres_database_send_each_message_once() {
    let Some(db) = EmptyDatabase::create("legalaid_two").await else {
        return;
    };
    let url = db.url.clone();
    let t = tempfile::tempdir().expect("tempdir");
    let (data_a, data_b) = (t.path().join("a"), t.path().join("b"));
    let http = reqwest::Client::new();
    let a = start(&data_a, Some(&url), 100).await;
    let b = start(&data_b, Some(&url), 100).await;

    // Signed in through one, signed in through the other.
    let lawyer_on_a = token(&http, &a.base, "lawyer").await;
    let (s, me) = call(
        &http,
        "GET",
        format!("{}/api/v1/me", b.base),
        &lawyer_on_a,
        Value::Null,
    )
    .await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["username"], "lawyer");

    // Many messages, written through both instances: eleven cases assigned (their
    // recipients, handlers and units told), each with a progress entry.
    let (case, _) = assigned_case(&http, &a.base, 2).await;
    let mut cases = vec![case];
    for i in 0..10 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        cases.push(assigned_case(&http, base, 10 + i).await.0);
    }
    let director_a = token(&http, &a.base, "director").await;
    let director_b = token(&http, &b.base, "director").await;
    // The server counts dates in China time.
    let today = legalaid_domain::local_date(chrono::Utc::now());
    let progress = |i: usize, case: i64| {
        let (base, tok) = if i.is_multiple_of(2) {
            (a.base.clone(), director_a.clone())
        } else {
            (b.base.clone(), director_b.clone())
        };
        let http = http.clone();
        async move {
            let (s, p) = call(
                &http,
                "POST",
                format!("{base}/api/v1/cases/{case}/progress"),
                &tok,
                json!({ "activity": "other", "occurred_on": today, "note": format!("第{i}次进展") }),
            )
            .await;
            assert_eq!(s, 201, "{p}");
        }
    };
    for (i, c) in cases.iter().enumerate() {
        progress(i, *c).await;
    }
    // The same news to the same phone within minutes is sent once: a second progress
    // entry on a case writes its text message as not sent.
    progress(1, case).await;
    let (_, m) = call(
        &http,
        "GET",
        format!("{}/api/v1/cases/{case}/messages", a.base),
        &director_a,
        Value::Null,
    )
    .await;
    let told: Vec<&str> = m["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|x| {
            x["kind"] == "progress_recorded"
                && x["channel"] == "sms"
                && x["audience"] == "recipient"
        })
        .filter_map(|x| x["status"].as_str())
        .collect();
    assert_eq!(
        told.iter().filter(|s| **s == "skipped").count(),
        1,
        "{told:?}"
    );
    assert_eq!(told.len(), 2, "{told:?}");
    let mut ids = Vec::new();
    for c in &cases {
        ids.extend(pending_sms(&http, &a.base, *c).await);
    }
    assert!(ids.len() >= 21, "{}", ids.len());
    let sinks = [data_a.join("sms-sink.jsonl"), data_b.join("sms-sink.jsonl")];
    let all = || -> Vec<Value> { sinks.iter().flat_map(|p| common::sink_lines(p)).collect() };
    wait_for("every message sent", || {
        let lines = all();
        ids.iter().all(|id| lines.iter().any(|l| l["id"] == *id))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let lines = all();
    for id in &ids {
        assert_eq!(
            lines.iter().filter(|l| l["id"] == *id).count(),
            1,
            "message {id} exactly once across instances"
        );
    }
    drop(a);
    drop(b);
    db.drop().await;
}

#[tokio::test]
async fn instances_started_together_on_an_empty_postgres_database_all_come_up() {
    let Some(db) = EmptyDatabase::create("legalaid_start").await else {
        return;
    };
    let url = db.url.clone();
    let t = tempfile::tempdir().expect("tempdir");
    // Three instances, each migrating, seeding the shipped data and loading the demo,
    // started at the same moment: `start` fails if any exits.
    let dirs = ["a", "b", "c"].map(|d| t.path().join(d));
    let (a, b, c) = tokio::join!(
        start(&dirs[0], Some(&url), 1000),
        start(&dirs[1], Some(&url), 1000),
        start(&dirs[2], Some(&url), 1000),
    );
    let http = reqwest::Client::new();
    for s in [&a, &b, &c] {
        token(&http, &s.base, "clerk").await;
    }
    // Everything was seeded once.
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("test database");
    for (sql, want) in [
        ("SELECT COUNT(*) FROM users WHERE username = 'admin'", 1_i64),
        (
            "SELECT COUNT(*) FROM audit_log WHERE action = 'rules.seed'",
            1,
        ),
        (
            "SELECT COUNT(*) FROM (SELECT name FROM units GROUP BY name HAVING COUNT(*) > 1) d",
            0,
        ),
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect("count");
        assert_eq!(n, want, "{sql}");
    }
    drop(conn);
    drop((a, b, c));
    db.drop().await;
}
