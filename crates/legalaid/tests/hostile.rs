//! Races and hostile input (issue 8), each on SQLite and PostgreSQL: two instances
//! opening one case, simultaneous duplicate registrations, text the database
//! cannot store, bodies too large or too deep, absurd paging and impossible dates
//! against every API operation, and sign-in throttling that slows the attacker and
//! not the owner.

mod common;

use common::{TestApp, client_from, granted_wage_claim, resident_id};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, name: &str, id_number: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": id_number }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut r = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    let res = r.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

both!(two_instances_open_one_case_once, |app| {
    let twin = app.twin().await;
    let clerk = app.token("clerk").await;
    let director = app.token("director").await;
    for round in 0..4 {
        let applicant = person(
            &app,
            &clerk,
            &format!("并发{round}"),
            &resident_id(&format!("34150419850101{round:02}1")),
        )
        .await;
        let id = granted_wage_claim(&app, applicant, "某建筑公司").await;
        // The same request, at once, through both instances, twice each.
        let path = format!("/api/v1/applications/{id}/case");
        let calls = [
            app.url(&path),
            twin.url(&path),
            app.url(&path),
            twin.url(&path),
        ]
        .map(|url| {
            let http = app.http.clone();
            let t = director.clone();
            tokio::spawn(async move {
                send(&http, reqwest::Method::POST, url, &t, Some(&json!({}))).await
            })
        });
        let mut statuses = Vec::new();
        for c in calls {
            let (s, body) = c.await.expect("join");
            assert!(s == 201 || s == 409, "round {round}: {s} {body}");
            statuses.push(s);
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "one case per application: {statuses:?}"
        );
        let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM cases WHERE application_id = {id}"
            ))
            .await;
        assert_eq!(n, 1);
    }
});

both!(
    simultaneous_registrations_of_one_id_number_make_one_person,
    |app| {
        let twin = app.twin().await;
        let clerk = app.token("clerk").await;
        for pair in 0..6 {
            let number = resident_id(&format!("34150419900202{pair:02}3"));
            let body = json!({ "name": "同时登记", "id_type": "resident_id", "id_number": number });
            let calls = [app.url("/api/v1/persons"), twin.url("/api/v1/persons")].map(|url| {
                let http = app.http.clone();
                let (t, b) = (clerk.clone(), body.clone());
                tokio::spawn(
                    async move { send(&http, reqwest::Method::POST, url, &t, Some(&b)).await },
                )
            });
            let mut statuses = Vec::new();
            for c in calls {
                let (s, body) = c.await.expect("join");
                if s == 409 {
                    assert!(
                        body["detail"]
                            .as_str()
                            .is_some_and(|d| d.contains("证件号码")),
                        "{body}"
                    );
                }
                statuses.push(s);
            }
            statuses.sort_unstable();
            assert_eq!(statuses, [201, 409], "pair {pair}");
        }
    }
);

/// A value of the right kind for a path parameter.
fn path_value(name: &str) -> &'static str {
    match name {
        "kind" => "acceptance_receipt",
        "year" => "2026",
        "code" => "labor_remuneration",
        _ => "1",
    }
}

/// Bodies that no operation may answer with a 5xx.
fn hostile_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let nul = json!({
        "name": "张\u{0}三", "username": "a\u{0}", "password": "x\u{0}", "reason": "\u{0}",
        "note": "\u{1}", "summary": "\u{0}", "q": "\u{0}", "version": 1
    });
    vec![
        ("nul", nul.to_string().into_bytes()),
        ("invalid utf-8", b"{\"name\": \"\xff\xfe\"}".to_vec()),
        ("deep", deep.into_bytes()),
        ("not json", b"name=1".to_vec()),
        ("wrong types", br#"{"name": [1], "version": "x", "page": -1, "id": 1e309}"#.to_vec()),
        (
            "impossible dates",
            br#"{"birth_date": "2023-02-30", "received_at": "2024-13-45T99:00:00Z", "occurred_on": "0000-00-00"}"#.to_vec(),
        ),
        (
            "years no calendar holds",
            br#"{"year": -103723, "month": 13, "quarter": 0, "entry_year": 2147483647, "on": "-0001-01-01", "date": "99999-01-01"}"#.to_vec(),
        ),
        ("full-width digits", "{\"version\": \"１\", \"amount_fen\": \"１００\"}".as_bytes().to_vec()),
    ]
}

both!(no_operation_answers_hostile_input_with_a_5xx, |app| {
    let admin = app.token("admin").await;
    let (_, doc) = app.get_json("/api/v1/openapi.json", None).await;
    let paths = doc["paths"].as_object().expect("paths").clone();
    let mut tried = 0;
    let mut failures = Vec::new();
    for (template, ops) in &paths {
        for (method, op) in ops.as_object().expect("ops") {
            let Ok(m) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            if template.ends_with("/auth/logout") || template.ends_with("/me/password") {
                continue; // would end the token the corpus uses
            }
            let mut path = template.clone();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap_or_default();
                    path = path.replace(&format!("{{{name}}}"), path_value(name));
                }
            }
            // Hostile query strings on every operation.
            for q in [
                "?page=99999999999999999999&per_page=-5",
                "?q=%00&page=%EF%BC%91",
                "?from=2023-02-30&year=%00&status=%FF",
                // Numbers no calendar holds: PostgreSQL's dates end at year
                // 5874897 and begin at 4713 BC (a year of -103723 was a 500).
                // Each alone, so that no other parameter's error answers first.
                "?year=-103723",
                "?year=2147483647",
                "?period=month&year=-103723&month=1",
                "?year=2024&quarter=1&month=2147483647",
                "?from=-99999-01-01",
                "?to=99999-12-31",
                "?as_of=+275760-01-01",
                "?on=0000-01-01",
            ] {
                let url = app.url(&format!("{path}{q}"));
                let res = app
                    .http
                    .request(m.clone(), url)
                    .bearer_auth(&admin)
                    .send()
                    .await
                    .expect("request");
                tried += 1;
                if res.status().is_server_error() {
                    failures.push(format!("{method} {path}{q} → {}", res.status()));
                }
            }
            if m == reqwest::Method::GET || m == reqwest::Method::DELETE {
                continue;
            }
            for (what, body) in hostile_bodies() {
                let res = app
                    .http
                    .request(m.clone(), app.url(&path))
                    .bearer_auth(&admin)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("request");
                tried += 1;
                let status = res.status();
                if status.is_server_error() {
                    failures.push(format!("{method} {path} ({what}) → {status}"));
                }
                if status.is_client_error() {
                    let ct = res
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if ct != "application/problem+json" {
                        failures.push(format!("{method} {path} ({what}) → {status} as {ct:?}"));
                    }
                }
            }
        }
    }
    assert!(tried > 300, "the corpus reached {tried} requests");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
});

both!(
    a_date_no_calendar_holds_is_refused_naming_the_field,
    |app| {
        // chrono reads a signed or five-digit year; PostgreSQL's dates cannot hold
        // -99999 (a 500 there), SQLite would have kept it as text.
        let director = app.token("director").await;
        let (s, p) = app
            .get_json("/api/v1/complaints?from=-99999-01-01", Some(&director))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "from");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("四位数")),
            "{p}"
        );
        // A four-digit year is a filter like any other.
        let (s, p) = app
            .get_json("/api/v1/complaints?from=2024-01-01", Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        // In a body, named by its path; nothing is written.
        let clerk = app.token("clerk").await;
        let before = app.scalar("SELECT COUNT(*) FROM persons").await;
        let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "李秀英", "id_type": "passport", "id_number": "E12345678", "birth_date": "+12345-01-01" }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "birth_date");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, before);
        // A page's query: the error page, naming the condition.
        let b = app.browser("director").await;
        let (s, html) = b.get("/cases?from=-99999-01-01").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("四位数"), "{html}");
    }
);

both!(
    text_the_database_cannot_store_is_refused_naming_the_field,
    |app| {
        // Even before anyone signs in.
        let (s, p) = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({ "username": "clerk\u{0}", "password": "x" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "username");
        let clerk = app.token("clerk").await;
        let before = app.scalar("SELECT COUNT(*) FROM persons").await;
        let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "张\u{0}三", "id_type": "resident_id", "id_number": resident_id("34150419800101001") }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "name");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("控制字符"))
        );
        // Tabs and line breaks are text.
        let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "李四", "id_type": "resident_id", "id_number": resident_id("34150419800101002"), "address": "叶集区\t史河街道\r\n1号" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, before + 1);
        // In a query parameter.
        let (s, p) = app.get_json("/api/v1/persons?q=%00", Some(&clerk)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "q");
    }
);

both!(the_api_edges_answer_in_problem_json_and_chinese, |app| {
    let clerk = app.token("clerk").await;
    // A multi-byte character where an ID number has ASCII is a field error,
    // for every kind of document (it once panicked the request).
    for (id_type, number) in [
        ("resident_id", "1111111111111111é"),
        ("resident_id", "３４１５０４１９９０１２３４５６７X"),
        ("foreign_permanent_residence", "ÉAB123456789012"),
        ("foreign_permanent_residence", "9ABCDEFGHIJKLMNOé"),
        ("passport", "E1234567８"),
    ] {
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "赵六", "id_type": id_type, "id_number": number }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{id_type} {number}: {p}"
        );
        assert_eq!(p["errors"][0]["field"], "id_number", "{p}");
    }
    // An impossible date is reported against its field, in Chinese.
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "王五", "id_type": "passport", "id_number": "E12345678", "birth_date": "2023-02-30" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "birth_date");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("不存在")),
        "{p}"
    );
    // A passport holder born in year 1 is implausible.
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "王五", "id_type": "passport", "id_number": "E12345678", "birth_date": "0001-01-01" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "birth_date");
    // A missing field is named.
    let (s, p) = app
        .post_json("/api/v1/persons", Some(&clerk), &json!({ "name": "王五" }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_ascii()),
        "{p}"
    );
    // Bodies over the limits are 413 problems, under either limit: over the JSON
    // limit (2 MB) when read, over the server-wide one (11 MB) from its length alone.
    let body = format!("{{\"name\": \"{}\"}}", "a".repeat(3 * 1024 * 1024));
    // The server closes a connection whose body it refused unread, so this request
    // goes on a client of its own: a pooled connection would fail the next request.
    let res = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&clerk)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let head = raw_head(
        &app,
        &format!(
            "POST /api/v1/persons HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {clerk}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            12 * 1024 * 1024
        ),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(
        head.to_lowercase()
            .contains("content-type: application/problem+json"),
        "{head}"
    );
    // Absurd paging is clamped or refused, never a 5xx.
    let (s, p) = app
        .get_json("/api/v1/persons?page=99999999999999999999", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "page");
    let (s, p) = app
        .get_json("/api/v1/persons?page=1000000&per_page=100000", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["items"], json!([]));
});

/// Sends a request head (no body) over a raw connection and reads the answer's head.
async fn raw_head(app: &TestApp, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    conn.write_all(head.as_bytes()).await.expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).await.expect("read");
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A sign-in from `http`; the status and the Retry-After header.
async fn sign_in(
    app: &TestApp,
    http: &reqwest::Client,
    username: &str,
    password: &str,
) -> (u16, Option<u64>) {
    let res = http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("request");
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (res.status().as_u16(), retry)
}

both!(
    failures_slow_the_attacker_and_never_lock_the_owner_out_for_minutes,
    |app| {
        let wrong = "Wrong-password-1";
        let right = common::DEMO_PASSWORD;
        // The owner signs in from the office (127.0.0.1): a familiar address from now on.
        let office = client_from("127.0.0.1");
        assert_eq!(sign_in(&app, &office, "reviewer", right).await.0, 200);
        assert_eq!(sign_in(&app, &office, "director", right).await.0, 200);

        // Someone guesses from one address: five free failures, then a short wait.
        let guesser = client_from("127.0.0.2");
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(sign_in(&app, &guesser, "reviewer", wrong).await.0);
        }
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
        let (s, retry) = sign_in(&app, &guesser, "reviewer", right).await;
        assert_eq!(s, 429, "even the right password waits its turn there");
        let retry = retry.expect("Retry-After");
        assert!((1..=60).contains(&retry), "{retry}");
        // The owner at the office is not held back at all.
        assert_eq!(sign_in(&app, &office, "reviewer", right).await.0, 200);
        // And the wait is seconds: once it has passed, the right password works there too.
        app.clock.advance(chrono::Duration::seconds(
            i64::try_from(retry).expect("secs"),
        ));
        assert_eq!(sign_in(&app, &guesser, "reviewer", right).await.0, 200);

        // An unknown name is treated the same way, so the answers reveal nothing.
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(sign_in(&app, &guesser, "nobody-here", wrong).await.0);
        }
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);

        // One name attacked from many addresses: strangers wait, the owner does not,
        // and the administrators are told once.
        app.clock.advance(chrono::Duration::minutes(16));
        for i in 10..22 {
            let attacker = client_from(&format!("127.0.1.{i}"));
            let (s, _) = sign_in(&app, &attacker, "director", wrong).await;
            assert!(s == 401 || s == 429, "{s}");
        }
        let stranger = client_from("127.0.2.1");
        let (s, retry) = sign_in(&app, &stranger, "director", right).await;
        assert_eq!(s, 429);
        assert!(retry.is_some_and(|r| r <= 40), "{retry:?}");
        // The director signed in from the office before: no wait there.
        assert_eq!(sign_in(&app, &office, "director", right).await.0, 200);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.attack_suspected'")
                .await,
            1
        );
        // And the right password from a new address works once the capped wait passes.
        app.clock.advance(chrono::Duration::seconds(41));
        assert_eq!(sign_in(&app, &stranger, "director", right).await.0, 200);
    }
);

both!(a_busy_shared_address_is_slowed_not_shut, |app| {
    let shared = client_from("127.0.3.1");
    // Fifty-one failures for many names from one office address.
    for i in 0..51 {
        let (s, _) = sign_in(&app, &shared, &format!("guess{i}"), "Wrong-password-1").await;
        assert_eq!(s, 401);
    }
    // A colleague behind the same address still signs in (after a short pause).
    let started = std::time::Instant::now();
    assert_eq!(
        sign_in(&app, &shared, "clerk", common::DEMO_PASSWORD)
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
});

both!(a_burst_of_sign_ins_is_bounded_and_answered, |app| {
    // 64 at once, for made-up names, each from its own address.
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let http = client_from(&format!("127.0.4.{}", i + 1));
            let url = app.url("/api/v1/auth/login");
            tokio::spawn(async move {
                http.post(url)
                    .json(
                        &json!({ "username": format!("burst{i}"), "password": "Wrong-password-1" }),
                    )
                    .send()
                    .await
                    .expect("request")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for c in calls {
        statuses.push(c.await.expect("join"));
    }
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&401));
    // Afterwards the server answers as usual.
    app.token("clerk").await;
});

both!(
    a_burst_on_one_name_from_one_address_gets_its_free_guesses_only,
    |app| {
        // Sixteen guesses sent at once: each is counted while its password is being
        // checked, so no more than the five free ones are checked at all.
        let http = client_from("127.0.5.1");
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let (http, url) = (http.clone(), app.url("/api/v1/auth/login"));
                tokio::spawn(async move {
                    http.post(url)
                        .json(&json!({ "username": "reviewer", "password": "Wrong-password-1" }))
                        .send()
                        .await
                        .expect("request")
                        .status()
                        .as_u16()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for c in calls {
            statuses.push(c.await.expect("join"));
        }
        let checked = statuses.iter().filter(|s| **s == 401).count();
        assert!((1..=5).contains(&checked), "{statuses:?}");
        assert!(
            statuses.iter().all(|s| [401, 429, 503].contains(s)),
            "{statuses:?}"
        );
        let failures = app
            .scalar("SELECT COUNT(*) FROM login_failures WHERE username_key = 'reviewer'")
            .await;
        assert_eq!(failures, i64::try_from(checked).expect("count"));
    }
);

both!(
    a_document_issued_twice_at_once_through_two_instances_gets_one_number,
    |app| {
        let twin = app.twin().await;
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let year = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()))
            .format("%Y")
            .to_string();
        for round in 1..=3 {
            let applicant = person(
                &app,
                &clerk,
                &format!("文号{round}"),
                &resident_id(&format!("34150419860202{round:02}1")),
            )
            .await;
            let id = granted_wage_claim(&app, applicant, "某纺织公司").await;
            // Its grant decision printed for the first time through both instances at once.
            let path = format!("/api/v1/applications/{id}/documents/grant_decision?format=pdf");
            let calls = [
                app.url(&path),
                twin.url(&path),
                app.url(&path),
                twin.url(&path),
            ]
            .map(|url| {
                let (http, t) = (app.http.clone(), director.clone());
                tokio::spawn(async move {
                    let res = http.get(url).bearer_auth(t).send().await.expect("request");
                    let status = res.status();
                    (status, res.bytes().await.expect("bytes").to_vec())
                })
            });
            let mut texts = Vec::new();
            for c in calls {
                let (s, bytes) = c.await.expect("join");
                assert_eq!(s, StatusCode::OK, "round {round}");
                texts.push(common::pdftotext(&bytes));
            }
            // One number, the round's in the year's series, on every copy.
            let number = format!("叶法援给〔{year}〕{round}号");
            assert!(
                texts.iter().all(|t| t.contains(&number)),
                "{number}: {texts:?}"
            );
            let issued = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM issued_documents WHERE kind = 'grant_decision' AND subject = 'application:{id}'"
            ))
            .await;
            assert_eq!(issued, 1);
        }
    }
);

both!(
    an_upload_refused_before_it_is_read_still_gets_its_answer,
    |app| {
        // A 9 MB upload refused by who sends it (no session, a wrong token, a role
        // that may not import) is read to its end before the answer, so the sender
        // gets the page or problem that says why, not a connection reset under
        // its upload. Several times: a reset is a race the server must not run.
        let big = || vec![b'x'; 9 * 1024 * 1024];
        let form = |bytes: Vec<u8>| {
            reqwest::multipart::Form::new().text("_csrf", "0").part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("人员.csv"),
            )
        };
        let lawyer = app.token("lawyer").await;
        let persons = app.scalar("SELECT COUNT(*) FROM persons").await;
        for _ in 0..3 {
            let res = app
                .http
                .post(app.url("/persons/import"))
                .multipart(form(big()))
                .send()
                .await
                .expect("an answer to the page, not a reset connection");
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert!(
                res.headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .is_some_and(|l| l.starts_with("/login")),
                "{:?}",
                res.headers()
            );
            let res = app
                .http
                .post(app.url("/api/v1/persons/import?dry_run=true"))
                .bearer_auth("not-a-token")
                .multipart(form(big()))
                .send()
                .await
                .expect("an answer to the API, not a reset connection");
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
            let v: Value = res.json().await.expect("a problem");
            assert_eq!(v["status"], 401, "{v}");
            let res = app
                .http
                .post(app.url("/api/v1/persons/import?dry_run=true"))
                .bearer_auth(&lawyer)
                .multipart(form(big()))
                .send()
                .await
                .expect("an answer to the lawyer, not a reset connection");
            assert_eq!(res.status(), StatusCode::FORBIDDEN);
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, persons);
    }
);

both!(
    a_refused_upload_is_read_to_its_end_and_the_connection_kept,
    |app| {
        // Deterministic: over one connection, a 3 MB upload refused for want of a
        // session, then a second request. The server keeps a connection only when the
        // first request's body was read to its end.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = app.base.trim_start_matches("http://").to_owned();
        let mut tcp = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        let body = vec![b'x'; 3 * 1024 * 1024];
        let head = format!(
            "POST /api/v1/persons/import HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/csv\r\n\
         Content-Length: {}\r\n\r\n",
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.expect("head");
        tcp.write_all(&body).await.expect("body");
        // The answer: its head, then as many bytes as it says.
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        let end = loop {
            let n = tcp.read(&mut buf).await.expect("read");
            assert!(n > 0, "the server closed the connection");
            got.extend_from_slice(&buf[..n]);
            if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let text = String::from_utf8_lossy(&got[..end]).to_lowercase();
        assert!(text.starts_with("http/1.1 401"), "{text}");
        let length: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a content length");
        while got.len() < end + length {
            let n = tcp.read(&mut buf).await.expect("read");
            assert!(n > 0, "the server closed the connection");
            got.extend_from_slice(&buf[..n]);
        }
        tcp.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .expect("a second request on the same connection");
        let mut second = Vec::new();
        while !second.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tcp.read(&mut buf).await.expect("read");
            assert!(
                n > 0,
                "the connection was not kept after the refused upload"
            );
            second.extend_from_slice(&buf[..n]);
        }
        assert!(
            second.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&second)
        );
    }
);
