//! Bulletins (通报, issue 12): generated from a frozen snapshot of a period's
//! figures, edited, issued once with a number (409 after, and for the loser of
//! a race between two instances), received by the units in their inboxes, read
//! by them, and the same whatever changes afterwards; the document as PDF.

mod common;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::{TestApp, pdftotext};
use reqwest::StatusCode;
use serde_json::json;

fn china(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("date and time")
        .and_utc()
        - chrono::Duration::hours(8)
}

async fn target(app: &TestApp, unit: &str, cases: i64) -> i64 {
    let admin = app.token("admin").await;
    let id = app.unit_id(unit).await;
    let (s, _) = app
        .put_json(
            "/api/v1/targets",
            Some(&admin),
            &json!({ "unit_id": id, "year": 2026, "cases": cases }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    id
}

both!(a_bulletin_is_generated_edited_issued_and_received, |app| {
    app.clock.set(china("2026-07-10 10:00"));
    target(&app, "六安市叶集区司法局", 20).await;
    let pinggang = target(&app, "叶集区平岗街道司法所", 10).await;
    let boss = app.token("supervisor").await;
    let clerk = app.token("clerk_pinggang").await;

    // Bad asks change nothing.
    let (s, _) = app
        .post_json(
            "/api/v1/supervision/bulletins",
            Some(&boss),
            &json!({ "as_of": "2026-08-01" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "after today");
    let (s, _) = app
        .post_json(
            "/api/v1/supervision/bulletins",
            Some(&boss),
            &json!({ "from": "2026-06-30", "as_of": "2026-06-01" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .post_json(
            "/api/v1/supervision/bulletins",
            Some(&boss),
            &json!({ "region": "3401" }),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another region");
    let (s, _) = app
        .post_json("/api/v1/supervision/bulletins", Some(&clerk), &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM bulletins").await, 0);

    // A draft of last month, its figures those of the dashboard on 30 June.
    let (s, b) = app
        .post_json("/api/v1/supervision/bulletins", Some(&boss), &json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().expect("id");
    assert_eq!(b["title"], "2026年6月法律援助工作通报");
    assert_eq!(b["period_from"], "2026-06-01");
    assert_eq!(b["as_of"], "2026-06-30");
    assert_eq!(b["status"], "draft");
    assert_eq!(b["number"], "");
    let (_, d) = app
        .get_json("/api/v1/supervision?as_of=2026-06-30", Some(&boss))
        .await;
    assert_eq!(
        b["snapshot"]["total"]["counted"],
        d["total"]["progress"]["counted"]
    );
    assert_eq!(b["snapshot"]["time_percent"], 50.0, "6 of 12 months");
    let line = b["snapshot"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["name"] == "叶集区平岗街道司法所")
        .cloned()
        .expect("the office's line");
    assert_eq!(line["target"], 10);
    assert_eq!(line["lagging"], true);
    assert!(
        b["sections"]["problems"]
            .as_str()
            .is_some_and(|p| p.contains("叶集区平岗街道司法所")),
        "the lagging office is named: {b}"
    );
    // A draft is the bureau's: the office does not see it.
    let url = format!("/api/v1/supervision/bulletins/{id}");
    let (s, _) = app.get_json(&url, Some(&clerk)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, l) = app
        .get_json("/api/v1/supervision/bulletins", Some(&clerk))
        .await;
    assert_eq!(l["total"], 0, "{l}");

    // Edited: the requirements may not be empty.
    let sections = |req: &str| json!({ "practice": "孙岗司法所进村宣传成效明显。", "problems": "平岗司法所进度落后。", "requirements": req });
    let (s, _) = app
        .post_json(
            &format!("{url}/edit"),
            Some(&boss),
            &json!({ "version": 1, "title": "2026年6月通报", "sections": sections(" ") }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = app
        .post_json(
            &format!("{url}/edit"),
            Some(&boss),
            &json!({ "version": 1, "title": "2026年6月法律援助工作通报", "sections": sections("7月底前补齐进度。") }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["version"], 2);

    // Issued once, with a number; a stale version or a second issue is 409.
    let (s, _) = app
        .post_json(
            &format!("{url}/issue"),
            Some(&boss),
            &json!({ "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, b) = app
        .post_json(
            &format!("{url}/issue"),
            Some(&boss),
            &json!({ "version": 2 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "issued");
    assert_eq!(b["number"], "叶司援通〔2026〕1号");
    assert_eq!(b["issued_on"], "2026-07-10");
    let (s, _) = app
        .post_json(
            &format!("{url}/issue"),
            Some(&boss),
            &json!({ "version": 3 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app
        .post_json(
            &format!("{url}/edit"),
            Some(&boss),
            &json!({ "version": 3, "title": "x", "sections": sections("y") }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "an issued bulletin does not change"
    );

    // Received: the office's staff are told and read it; a lawyer is not.
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM messages WHERE kind = 'bulletin_issued' AND channel = 'in_app' \
             AND user_id IN (SELECT id FROM users WHERE unit_id = {pinggang})"
        ))
        .await
            >= 1
    );
    let (s, seen) = app.get_json(&url, Some(&clerk)).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    let (_, l) = app
        .get_json("/api/v1/supervision/bulletins", Some(&clerk))
        .await;
    assert_eq!(l["total"], 1, "{l}");
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .get_json("/api/v1/supervision/bulletins", Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The figures stay: a new target changes the dashboard, not the bulletin.
    target(&app, "叶集区平岗街道司法所", 30).await;
    let (_, again) = app.get_json(&url, Some(&boss)).await;
    assert_eq!(again["snapshot"], b["snapshot"]);

    // The document names the number, the ranking and the lagging office.
    let res = app
        .http
        .get(app.url(&format!("{url}/document?format=pdf")))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status(), StatusCode::OK);
    let text = pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = text.split_whitespace().collect();
    for want in [
        "叶司援通〔2026〕1号",
        "各单位办案进度",
        "叶集区平岗街道司法所：0/10件",
        "（落后）",
        "7月底前补齐进度。",
    ] {
        assert!(flat.contains(want), "{want}: {text}");
    }

    // The pages: the bureau's history, the office's copy.
    let b = app.browser("supervisor").await;
    let (s, html) = b.get("/supervision/bulletins").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("叶司援通〔2026〕1号"), "{html}");
    let c = app.browser("clerk_pinggang").await;
    let (s, html) = c.get(&format!("/supervision/bulletins/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("7月底前补齐进度。") && !html.contains("保存修改"),
        "{html}"
    );
});

both!(bulletins_through_the_form_and_a_race_to_issue, |app| {
    app.clock.set(china("2026-07-10 10:00"));
    target(&app, "六安市叶集区司法局", 20).await;
    let b = app.browser("supervisor").await;
    let csrf = b.csrf("/supervision/bulletins").await;
    let post = |path: String, f: Vec<(&'static str, String)>| {
        let client = b.client.clone();
        let base = app.base.clone();
        async move {
            client
                .post(format!("{base}{path}"))
                .form(&f)
                .send()
                .await
                .expect("post")
                .status()
        }
    };
    let bad = vec![("_csrf", csrf.clone()), ("as_of", "bad".to_owned())];
    assert_eq!(
        post("/supervision/bulletins".into(), bad).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM bulletins").await, 0);
    let ok = vec![
        ("_csrf", csrf.clone()),
        ("title", "半年通报".to_owned()),
        ("from", "2026-01-01".to_owned()),
        ("as_of", "2026-06-30".to_owned()),
    ];
    assert_eq!(
        post("/supervision/bulletins".into(), ok).await,
        StatusCode::SEE_OTHER
    );
    let id = app.scalar("SELECT MAX(id) FROM bulletins").await;
    let (s, html) = b.get(&format!("/supervision/bulletins/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("半年通报") && html.contains("保存修改"),
        "{html}"
    );
    let issue = vec![("_csrf", csrf.clone()), ("version", "1".to_owned())];
    if app.kind == common::Kind::Postgres {
        // Two instances issue the same draft at once: one wins.
        let twin = app.twin().await;
        let boss = app.token("supervisor").await;
        let send = |base: String| {
            let http = app.http.clone();
            let boss = boss.clone();
            async move {
                http.post(format!("{base}/api/v1/supervision/bulletins/{id}/issue"))
                    .bearer_auth(boss)
                    .json(&json!({ "version": 1 }))
                    .send()
                    .await
                    .expect("issue")
                    .status()
            }
        };
        let (a, c) = tokio::join!(send(app.base.clone()), send(twin.base.clone()));
        let mut got = [a, c];
        got.sort();
        assert_eq!(got, [StatusCode::OK, StatusCode::CONFLICT]);
    } else {
        assert_eq!(
            post(format!("/supervision/bulletins/{id}/issue"), issue.clone()).await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            post(format!("/supervision/bulletins/{id}/issue"), issue).await,
            StatusCode::CONFLICT
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bulletins WHERE status = 'issued' AND number = '叶司援通〔2026〕1号'")
            .await,
        1
    );
});
