//! The funding estimate through the API: the district's target, the subsidy
//! schedule in force, and rows added to the schedule.

mod common;

use reqwest::StatusCode;
use serde_json::json;

both!(the_funding_estimate_for_the_yeji_target, |app| {
    let supervisor = app.token("supervisor").await;
    let bureau = app.unit_id("六安市叶集区司法局").await;
    let (s, p) = app
        .get_json(
            &format!("/api/v1/funding/estimate?year=2024&unit_id={bureau}"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "no target yet: {p}");
    let (s, _) = app
        .put_json(
            "/api/v1/targets",
            Some(&supervisor),
            &json!({ "unit_id": bureau, "year": 2024, "cases": 260 }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, e) = app
        .get_json(
            &format!("/api/v1/funding/estimate?year=2024&unit_id={bureau}"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["target_cases"], 260);
    // No 2023 history: the default mix (civil 70%, criminal trial 20%, prosecution
    // review 10%) at 合格: 182 × 1,200 + 52 × 1,300 + 26 × 1,200 = 317,200 yuan.
    assert_eq!(e["estimated_fen"], 31_720_000, "{e}");
    assert!(e["notes"].as_array().is_some_and(|n| !n.is_empty()));
    assert!(e["lines"].as_array().is_some_and(|l| l.len() == 3));
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .get_json(
            &format!("/api/v1/funding/estimate?year=2024&unit_id={bureau}"),
            Some(&lawyer),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get_json("/api/v1/funding/estimate?year=abc", Some(&supervisor))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The schedule is data: an administrator adds a Yeji rate for civil cases from
    // 2024 (a more local region wins), and the estimate follows it.
    let (s, sched) = app
        .get_json("/api/v1/subsidy-schedule", Some(&supervisor))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(sched["total"].as_i64().is_some_and(|n| n >= 30), "{sched}");
    let row = json!({ "kind": "rate", "case_type": "civil", "stage": "whole", "grade": "qualified", "amount_fen": 150_000,
                      "region": "341504", "effective_from": "2024-01-01", "label": "民事诉讼", "source": "叶集区法律援助经费管理办法（测试）" });
    let (s, _) = app
        .post_json("/api/v1/subsidy-schedule", Some(&supervisor), &row)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "administrators only");
    let admin = app.token("admin").await;
    let mut bad = row.clone();
    bad["label"] = json!("民事,诉讼");
    let (s, _) = app
        .post_json("/api/v1/subsidy-schedule", Some(&admin), &bad)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut bad = row.clone();
    bad["grade"] = json!("superb");
    let (s, p) = app
        .post_json("/api/v1/subsidy-schedule", Some(&admin), &bad)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (s, p) = app
        .post_json("/api/v1/subsidy-schedule", Some(&admin), &row)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (_, e) = app
        .get_json(
            &format!("/api/v1/funding/estimate?year=2024&unit_id={bureau}"),
            Some(&supervisor),
        )
        .await;
    // 182 × 1,500 + 52 × 1,300 + 26 × 1,200 = 371,800 yuan.
    assert_eq!(e["estimated_fen"], 37_180_000, "{e}");
});
