//! Supervision orders (督办, issue 12): issued by the bureau on a unit that lags
//! on the dashboard, with the figures of the day computed by the server;
//! answered by the unit (and nobody else), closed, returned or escalated up the
//! ladder (专项督查, 约谈) by the bureau; in the queues; told to the unit; the
//! 督办通知书 as PDF and DOCX; one open order per unit, year and indicator (409
//! for the loser of a race between two instances).

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

/// Targets for 2026: the district 20, 平岗 10 and 三元 10 (no cases: both lag
/// once a month has gone by).
async fn targets(app: &TestApp) -> (i64, i64) {
    let admin = app.token("admin").await;
    let pinggang = app.unit_id("叶集区平岗街道司法所").await;
    let sanyuan = app.unit_id("叶集区三元镇司法所").await;
    for (unit, cases) in [
        (app.unit_id("六安市叶集区司法局").await, 20),
        (pinggang, 10),
        (sanyuan, 10),
    ] {
        let (s, _) = app
            .put_json(
                "/api/v1/targets",
                Some(&admin),
                &json!({ "unit_id": unit, "year": 2026, "cases": cases }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
    }
    (pinggang, sanyuan)
}

fn order(unit: i64, indicator: &str, deadline: &str) -> serde_json::Value {
    json!({ "target_unit_id": unit, "indicator": indicator, "deadline": deadline,
            "requirement": "分析原因，倒排工期，按序时进度完成目标任务。" })
}

async fn queue_codes(app: &TestApp, token: &str) -> Vec<String> {
    let (s, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    q["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["code"].as_str().unwrap_or(""),
                i["href"].as_str().unwrap_or("")
            )
        })
        .collect()
}

both!(
    an_order_is_issued_answered_returned_escalated_and_closed,
    |app| {
        app.clock.set(china("2026-06-15 10:00"));
        let (pinggang, sanyuan) = targets(&app).await;
        let boss = app.token("supervisor").await;
        let clerk = app.token("clerk_pinggang").await;
        let other_clerk = app.token("clerk_sanyuan").await;

        // The dashboard offers 督办 on the lagging office.
        let b = app.browser("supervisor").await;
        let (s, html) = b.get("/supervision").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.replace("&#38;", "&").contains(&format!(
                "/supervision/orders/new?unit={pinggang}&year=2026&indicator=progress"
            )),
            "{html}"
        );
        let (s, html) = b
            .get(&format!(
                "/supervision/orders/new?unit={pinggang}&year=2026"
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("0 / 10"), "the figures of today: {html}");

        // Bad input changes nothing.
        let (s, e) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &json!({ "indicator": "x" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, e) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &order(pinggang, "progress", "2026-06-15"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a deadline today: {e}");
        // A rate with nothing to compare is not behind: no order.
        let (s, e) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &order(pinggang, "conclusion_rate", "2026-06-30"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("未落后"), "{e}");
        // Only a bureau supervisor issues; a clerk may not.
        let (s, _) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&clerk),
                &order(sanyuan, "progress", "2026-06-30"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM supervision_orders").await,
            0
        );

        // Issued: the figures are the server's, the unit is told and has it queued.
        let (s, v) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &order(pinggang, "progress", "2026-06-30"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["order"]["id"].as_i64().expect("id");
        assert_eq!(v["figures"]["part"], 0);
        assert_eq!(v["figures"]["whole"], 10);
        assert_eq!(v["figures"]["time_percent"], 41.7, "5 of 12 months");
        assert_eq!(v["figures"]["behind"], true);
        assert_eq!(v["order"]["status"], "issued");
        let told = format!(
            "SELECT COUNT(*) FROM messages WHERE kind = 'supervision_ordered' AND channel = 'in_app' \
         AND user_id IN (SELECT id FROM users WHERE unit_id = {pinggang})"
        );
        let staff = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM users WHERE unit_id = {pinggang} AND active = TRUE"
            ))
            .await;
        assert!(staff >= 1);
        assert_eq!(app.scalar(&told).await, staff);
        let href = format!("/supervision/orders/{id}");
        assert!(
            queue_codes(&app, &clerk)
                .await
                .contains(&format!("supervision_answer:{href}"))
        );
        assert!(
            !queue_codes(&app, &other_clerk)
                .await
                .iter()
                .any(|c| c.contains(&href))
        );

        // A second open order on the same unit, year and indicator is 409.
        let (s, e) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &order(pinggang, "progress", "2026-07-10"),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");

        // Another office sees nothing of it; the bureau cannot answer for the unit.
        let (s, _) = app
            .get_json(&format!("/api/v1{href}"), Some(&other_clerk))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, l) = app
            .get_json("/api/v1/supervision/orders", Some(&other_clerk))
            .await;
        assert_eq!(l["total"], 0, "{l}");
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/answer"),
                Some(&boss),
                &json!({ "version": 1, "measures": "x" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Nothing to close before the answer.
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/close"),
                Some(&boss),
                &json!({ "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The unit answers (an empty answer is refused); the bureau has it queued.
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/answer"),
                Some(&clerk),
                &json!({ "version": 1, "measures": "  " }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .post_json(
                &format!("/api/v1{href}/answer"),
                Some(&clerk),
                &json!({ "version": 1, "measures": "进村入户宣传，专人跟进咨询。" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["order"]["status"], "answered");
        assert!(
            queue_codes(&app, &boss)
                .await
                .contains(&format!("supervision_check:{href}"))
        );
        assert!(
            !queue_codes(&app, &clerk)
                .await
                .iter()
                .any(|c| c.contains(&href))
        );

        // Returned with a new deadline; answered again; escalated to 专项督查.
        let (s, v) = app
            .post_json(
                &format!("/api/v1{href}/return"),
                Some(&boss),
                &json!({ "version": 2, "note": "措施不具体", "deadline": "2026-07-01" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["order"]["status"], "returned");
        assert_eq!(v["order"]["deadline"], "2026-07-01");
        // Stale version: 409, nothing changed.
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/answer"),
                Some(&clerk),
                &json!({ "version": 2, "measures": "再次反馈" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        app.clock.set(china("2026-07-20 10:00"));
        // A month on: sessions are new.
        let boss = app.token("supervisor").await;
        let clerk = app.token("clerk_pinggang").await;
        let (s, v) = app
            .post_json(
                &format!("/api/v1{href}/escalate"),
                Some(&boss),
                &json!({ "version": 3, "note": "7月25日到所专项督查", "deadline": "2026-08-10" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["order"]["escalation"], "inspection");
        assert_eq!(v["order"]["status"], "issued");
        assert_eq!(
            v["figures"]["time_percent"], 50.0,
            "figures taken again: 6 of 12"
        );
        assert_eq!(
            v["order"]["figures"]["time_percent"], 41.7,
            "the issue's kept"
        );
        let (s, v) = app
            .post_json(
                &format!("/api/v1{href}/escalate"),
                Some(&boss),
                &json!({ "version": 4, "note": "约谈司法所负责人", "deadline": "2026-08-20" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["order"]["escalation"], "talk");
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/escalate"),
                Some(&boss),
                &json!({ "version": 5, "note": "再升级", "deadline": "2026-08-30" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "the talk is the top of the ladder");
        assert_eq!(
            app.scalar(&told).await,
            3 * staff,
            "told at the issue and at each escalation"
        );

        // The notice names the unit, the indicator, the figures and the ladder step.
        for format in ["pdf", "docx"] {
            let res = app
                .http
                .get(app.url(&format!(
                    "/api/v1{href}/documents/supervision_notice?format={format}"
                )))
                .bearer_auth(&clerk)
                .send()
                .await
                .expect("notice");
            assert_eq!(res.status(), StatusCode::OK, "{format}");
            let bytes = res.bytes().await.expect("bytes");
            if format == "pdf" {
                let text = pdftotext(&bytes);
                let flat: String = text.split_whitespace().collect();
                for want in [
                    "督办通知书",
                    "叶集区平岗街道司法所",
                    "约谈",
                    "0/10件",
                    "2026年8月20日",
                ] {
                    assert!(flat.contains(want), "{want}: {text}");
                }
            } else {
                assert_eq!(&bytes[..2], b"PK", "a DOCX is a zip");
            }
        }

        // Answered and closed: off the queues, the page says so, history kept.
        let (s, _) = app
            .post_json(
                &format!("/api/v1{href}/answer"),
                Some(&clerk),
                &json!({ "version": 5, "measures": "约谈后已调整力量，本月新受理5件。" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = app
            .post_json(
                &format!("/api/v1{href}/close"),
                Some(&boss),
                &json!({ "version": 6, "note": "同意办结" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["order"]["status"], "closed");
        let actions: Vec<&str> = v["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|s| s["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "issue", "answer", "return", "escalate", "escalate", "answer", "close"
            ]
        );
        assert!(
            !queue_codes(&app, &boss)
                .await
                .iter()
                .any(|c| c.contains(&href))
        );
        assert!(
            !queue_codes(&app, &clerk)
                .await
                .iter()
                .any(|c| c.contains(&href))
        );
        assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'supervision_order.%' AND entity_id = '{id}'"
        ))
        .await,
        7
    );
        let c = app.browser("clerk_pinggang").await;
        let (s, html) = c.get(&href).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("已办结") && html.contains("约谈司法所负责人"),
            "{html}"
        );
        // Closed: a new order on the same indicator may be issued again.
        let (s, e) = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&boss),
                &order(pinggang, "progress", "2026-08-30"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
);

both!(
    orders_through_the_pages_and_a_race_between_two_instances,
    |app| {
        app.clock.set(china("2026-06-15 10:00"));
        let (pinggang, sanyuan) = targets(&app).await;
        let b = app.browser("supervisor").await;
        let csrf = b.csrf("/supervision/orders").await;
        let form = |unit: i64| {
            vec![
                ("_csrf", csrf.clone()),
                ("target_unit_id", unit.to_string()),
                ("year", "2026".to_owned()),
                ("indicator", "progress".to_owned()),
                ("requirement", "倒排工期".to_owned()),
                ("deadline", "2026-06-30".to_owned()),
            ]
        };
        let post = |base: String, f: Vec<(&'static str, String)>| {
            let client = b.client.clone();
            async move {
                client
                    .post(format!("{base}/supervision/orders"))
                    .form(&f)
                    .send()
                    .await
                    .expect("post")
                    .status()
            }
        };
        // A form without a requirement is shown again, 422, nothing stored.
        let mut bad = form(sanyuan);
        bad[4].1 = String::new();
        assert_eq!(
            post(app.base.clone(), bad).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM supervision_orders").await,
            0
        );
        if app.kind == common::Kind::Postgres {
            let twin = app.twin().await;
            let (a, c) = tokio::join!(
                post(app.base.clone(), form(pinggang)),
                post(twin.base.clone(), form(pinggang))
            );
            let mut got = [a, c];
            got.sort();
            assert_eq!(got, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
        } else {
            assert_eq!(
                post(app.base.clone(), form(pinggang)).await,
                StatusCode::SEE_OTHER
            );
            assert_eq!(
                post(app.base.clone(), form(pinggang)).await,
                StatusCode::CONFLICT,
                "the form shows the duplicate"
            );
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM supervision_orders").await,
            1
        );
        // The dashboard shows the open order beside the line; the list and the nav.
        let (_, html) = b.get("/supervision").await;
        assert!(html.contains("督办中：办案进度"), "{html}");
        let (s, html) = b.get("/supervision/orders?open=1").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("叶集区平岗街道司法所"), "{html}");
        // The unit answers through its page.
        let c = app.browser("clerk_pinggang").await;
        let (_, home) = c.get("/").await;
        assert!(
            home.contains("/supervision/orders"),
            "the nav links the orders"
        );
        let id = app.scalar("SELECT MAX(id) FROM supervision_orders").await;
        let page = format!("/supervision/orders/{id}");
        let (_, html) = c.get(&page).await;
        assert!(html.contains("提交落实情况"), "{html}");
        let csrf = c.csrf(&page).await;
        let res = c
            .client
            .post(format!("{}{page}/answer", app.base))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", "1"),
                ("measures", "已部署"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // Another office's clerk and a lawyer see no order.
        for who in ["clerk_sanyuan", "lawyer"] {
            let o = app.browser(who).await;
            let (s, _) = o.get(&page).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
        }
        let (s, html) = app
            .browser("clerk_sanyuan")
            .await
            .get("/supervision/orders")
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("没有督办事项"), "{html}");
    }
);
