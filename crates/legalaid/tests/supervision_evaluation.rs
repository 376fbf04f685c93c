//! Performance evaluation (考评, issue 12): the units given a target scored by
//! the year's scheme, each indicator with its points and evidence, ranked;
//! entered values change the scores; computed ones cannot be entered; the
//! ranking and details as Excel.

mod common;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::TestApp;
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

fn result<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name}: {v}"))
}

fn score<'a>(r: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    r["scores"]
        .as_array()
        .expect("scores")
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{code}: {r}"))
}

both!(units_are_scored_ranked_and_explained, |app| {
    app.clock.set(china("2026-07-10 10:00"));
    target(&app, "六安市叶集区司法局", 20).await;
    let pinggang = target(&app, "叶集区平岗街道司法所", 10).await;
    let sanyuan = target(&app, "叶集区三元镇司法所", 10).await;
    let boss = app.token("supervisor").await;
    let url = "/api/v1/supervision/evaluation?year=2026";

    let (s, v) = app.get_json(url, Some(&boss)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["full"], 100.0);
    // Only the units given a target are evaluated.
    assert_eq!(v["results"].as_array().expect("results").len(), 2, "{v}");
    let p = result(&v, "叶集区平岗街道司法所");
    assert_eq!(score(p, "completion")["evidence"], "0 / 10 件（0.0%）");
    assert_eq!(score(p, "completion")["points"], 0.0);
    assert_eq!(score(p, "publicity")["evidence"], "尚未录入");
    assert_eq!(score(p, "overdue")["points"], 10.0, "nothing overdue");

    // Entered values: publicity for 平岗 (full marks at 12), a bonus.
    let enter = |unit: i64, code: &str, value: f64| json!({ "year": 2026, "unit_id": unit, "code": code, "value": value, "evidence": "宣传活动台账" });
    let post = |body: serde_json::Value, token: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/supervision/evaluation/entries",
                Some(&token),
                &body,
            )
            .await
            .0
        }
    };
    assert_eq!(
        post(enter(pinggang, "publicity", 12.0), boss.clone()).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(enter(pinggang, "innovation", 1.0), boss.clone()).await,
        StatusCode::NO_CONTENT
    );
    // Refused: a computed indicator, an unknown one, a negative value, a clerk.
    assert_eq!(
        post(enter(pinggang, "completion", 100.0), boss.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(enter(pinggang, "nonsense", 1.0), boss.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(enter(pinggang, "publicity", -1.0), boss.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let clerk = app.token("clerk_pinggang").await;
    assert_eq!(
        post(enter(pinggang, "publicity", 1.0), clerk.clone()).await,
        StatusCode::FORBIDDEN
    );
    let (s, _) = app.get_json(url, Some(&clerk)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM evaluation_entries").await,
        2
    );

    // A 督办 of 三元 costs it 5 points.
    let (s, o) = app
        .post_json(
            "/api/v1/supervision/orders",
            Some(&boss),
            &json!({ "target_unit_id": sanyuan, "indicator": "progress", "deadline": "2026-07-30",
                     "requirement": "倒排工期" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");

    let (_, v) = app.get_json(url, Some(&boss)).await;
    let p = result(&v, "叶集区平岗街道司法所");
    let sy = result(&v, "叶集区三元镇司法所");
    assert_eq!(score(p, "publicity")["points"], 10.0);
    assert_eq!(score(p, "publicity")["evidence"], "宣传活动台账");
    assert_eq!(score(p, "innovation")["points"], 3.0);
    assert_eq!(score(sy, "orders")["points"], 5.0);
    assert_eq!(score(sy, "orders")["evidence"], "年度内被督办1次");
    assert_eq!(p["rank"], 1, "{v}");
    assert_eq!(sy["rank"], 2, "{v}");
    assert!(p["total"].as_f64() > sy["total"].as_f64());

    // The page, a refused entry through the form, and the Excel.
    let b = app.browser("supervisor").await;
    let (s, html) = b.get("/supervision/evaluation?year=2026").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("排名") && html.contains("宣传活动台账"),
        "{html}"
    );
    let csrf = b.csrf("/supervision/evaluation?year=2026").await;
    let res = b
        .client
        .post(format!("{}/supervision/evaluation", app.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("year", "2026"),
            ("unit_id", &pinggang.to_string()),
            ("code", "publicity"),
            ("value", "x"),
            ("evidence", "台账"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = b
        .client
        .get(format!(
            "{}/supervision/evaluation.xlsx?year=2026",
            app.base
        ))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_ref())).expect("zip");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/sharedStrings.xml").expect("strings"),
        &mut strings,
    )
    .expect("utf-8");
    for s in [
        "绩效考评排名",
        "叶集区平岗街道司法所",
        "宣传活动台账",
        "得分明细",
    ] {
        assert!(strings.contains(s) || s == "得分明细", "{s}: {strings}");
    }
    let mut book = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/workbook.xml").expect("book"), &mut book)
        .expect("utf-8");
    assert!(book.contains("得分明细") && book.contains("排名"), "{book}");
});
