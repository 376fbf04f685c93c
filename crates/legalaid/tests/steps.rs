//! Steps each exercised on their own through the API: intake through every one
//! of the eight channels, the replacement of a handler, the next stage of a
//! criminal matter, and the hearing reminders.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, lawyer_staff, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, name: &str, id_number: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": id_number, "phone": "13955506611" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

fn rfc3339(app: &TestApp, hours_ago: i64) -> String {
    (app.clock.now() - chrono::Duration::hours(hours_ago)).to_rfc3339()
}

both!(
    an_application_is_received_through_each_of_the_eight_channels,
    |app| {
        let clerk = app.token("clerk").await;
        let civil = |applicant: i64, channel: &str| {
            json!({
                "applicant_id": applicant, "channel": channel, "received_at": rfc3339(&app, 1),
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                "opposing_party": "某食品有限公司", "summary": "被拖欠工资。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            })
        };
        let criminal = |applicant: i64, channel: &str| {
            let matter = if channel == "notified" {
                "criminal_defense_notified"
            } else {
                "criminal_defense_applied"
            };
            json!({
                "applicant_id": applicant, "channel": channel, "received_at": rfc3339(&app, 1),
                "matter_code": matter, "service_form": "criminal_defense",
                "procedural_role": "criminal_defendant", "case_organ": "六安市叶集区人民法院",
                "case_number": "（2026）皖1504刑初8号", "summary": "被告人涉嫌盗窃罪。",
                "household": { "members": 1, "monthly_income_fen": 50_000 }
            })
        };
        let channels = [
            "walk_in",
            "hotline_12348",
            "online",
            "mail",
            "judicial_office",
            "workstation",
            "custody_forwarded",
            "notified",
        ];
        for (i, channel) in channels.into_iter().enumerate() {
            let applicant = person(
                &app,
                &clerk,
                &format!("渠道{i}"),
                &resident_id(&format!("3415041990011{i}002")),
            )
            .await;
            let mut body = match channel {
                "notified" | "custody_forwarded" => criminal(applicant, channel),
                _ => civil(applicant, channel),
            };
            if channel == "notified" {
                body["notifying_organ"] = json!("court");
            }
            if channel == "custody_forwarded" {
                // Without the facility's receipt time the 24-hour rule cannot run.
                let (s, e) = app
                    .post_json("/api/v1/applications", Some(&clerk), &body)
                    .await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
                assert_eq!(e["errors"][0]["field"], "custody_received_at", "{e}");
                body["custody_received_at"] = json!(rfc3339(&app, 30));
            }
            let (s, a) = app
                .post_json("/api/v1/applications", Some(&clerk), &body)
                .await;
            assert_eq!(s, StatusCode::CREATED, "{channel}: {a}");
            assert_eq!(a["channel"], channel);
            assert_eq!(a["status"], "received");
            let codes: Vec<&str> = a["deadlines"]
                .as_array()
                .expect("deadlines")
                .iter()
                .filter_map(|d| d["code"].as_str())
                .collect();
            let expected = match channel {
                // The court's notification is assigned within 3 days, no review.
                "notified" => "assign_notified",
                // Forwarded from custody within 24 hours of the facility's receipt,
                // then reviewed.
                "custody_forwarded" => "custody_forwarding",
                _ => "review_decision",
            };
            assert!(codes.contains(&expected), "{channel}: {codes:?}");
            if channel == "custody_forwarded" {
                // Received 29 hours after the facility had it: late, and shown as such.
                let d = a["deadlines"]
                    .as_array()
                    .and_then(|l| l.iter().find(|d| d["code"] == "custody_forwarding"))
                    .expect("custody deadline");
                assert_eq!(d["state"], "met_late", "{d}");
            }
            // Every channel lands in the same list, labelled.
            let (_, list) = app
                .get_json(
                    &format!("/api/v1/applications?channel={channel}"),
                    Some(&clerk),
                )
                .await;
            assert_eq!(list["total"], 1, "{channel}: {list}");
        }
    }
);

both!(a_handler_is_replaced_on_the_recipients_request, |app| {
    let clerk = app.token("clerk").await;
    let recipient = person(&app, &clerk, "蒋桂英", &resident_id("34150419800101002")).await;
    let application = granted_wage_claim(&app, recipient, "某物流有限公司").await;
    let director = app.token("director").await;
    let id = case_with_demo_lawyer(&app, application).await["id"]
        .as_i64()
        .expect("id");

    // The recipient asks through the intake clerk; a second request waits for the first.
    let path = format!("/api/v1/cases/{id}/replacements");
    let (s, r) = app
        .post_json(
            &path,
            Some(&clerk),
            &json!({ "requested_by": "recipient", "reason": "承办律师长期联系不上。" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, _) = app
        .post_json(
            &path,
            Some(&clerk),
            &json!({ "requested_by": "recipient", "reason": "再次申请。" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, v) = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&director))
        .await;
    let rid = v["replacements"][0]["id"].as_i64().expect("request");
    assert_eq!(v["replacements"][0]["status"], "pending");
    assert!(
        v["actions"]
            .as_array()
            .expect("actions")
            .contains(&json!({ "action": "decide_replacement", "replacement_id": rid })),
        "{v}"
    );
    // The handler may not decide on their own replacement.
    let lawyer_token = app.token("lawyer").await;
    let decision = format!("/api/v1/cases/{id}/replacements/{rid}/decision");
    let (s, _) = app
        .post_json(
            &decision,
            Some(&lawyer_token),
            &json!({ "approve": false, "reason": "不同意" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The center approves and names another lawyer of another firm.
    let (s, other) = app
        .get_json("/api/v1/me", Some(&app.token("lawyer2").await))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, after) = app
        .post_json(
            &decision,
            Some(&director),
            &json!({ "approve": true, "reason": "情况属实，予以更换。", "unit_id": other["unit_id"],
                     "handler_id": other["staff_id"], "version": v["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(after["handler_id"], other["staff_id"]);
    assert_eq!(after["replacements"][0]["status"], "approved");
    // The history keeps both assignments; the former handler no longer sees the case.
    assert_eq!(
        after["assignments"].as_array().map(Vec::len),
        Some(2),
        "{after}"
    );
    let (s, _) = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&lawyer_token))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The recipient is told who handles the case now.
    let sms = app.deliver().await;
    assert!(
        sms.iter().any(|m| m["address"] == "13955506611"
            && m["body"]
                .as_str()
                .is_some_and(|c| c.contains("已更换承办人为"))),
        "{sms:?}"
    );
});

both!(a_criminal_matter_goes_on_to_its_next_stage, |app| {
    let clerk = app.token("clerk").await;
    let suspect = person(&app, &clerk, "韩小军", &resident_id("34150420000505001")).await;
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({
                "applicant_id": suspect, "channel": "notified", "notifying_organ": "police", "received_at": rfc3339(&app, 2),
                "matter_code": "criminal_defense_notified", "service_form": "criminal_defense", "procedural_role": "suspect",
                "case_organ": "六安市公安局叶集分局", "summary": "犯罪嫌疑人涉嫌盗窃罪，系未成年人。"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{}/case", a["id"]),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(
        c["stage"], "investigation",
        "the police notify at investigation"
    );
    let id = c["id"].as_i64().expect("id");
    // Not before the stage is closed.
    let next = format!("/api/v1/cases/{id}/next-stage");
    let (s, _) = app.post_json(&next, Some(&director), &json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (lawyer, firm) = lawyer_staff(&app).await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/assignment"),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let lawyer_token = app.token("lawyer").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer_token),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure"),
            Some(&lawyer_token),
            &json!({ "outcome": "other", "ended_on": today, "adoption": "adopted",
                     "report": "侦查终结，移送审查起诉。", "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");

    // The next stage is a case of its own, linked to this one; once only.
    let (s, n) = app.post_json(&next, Some(&director), &json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["stage"], "prosecution_review");
    assert_eq!(n["status"], "awaiting_assignment");
    assert_ne!(n["id"], c["id"]);
    assert_eq!(n["previous_case_id"], json!(id), "{n}");
    assert!(
        n["stages"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["id"] == json!(id))),
        "{n}"
    );
    let (s, _) = app.post_json(&next, Some(&director), &json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
});

both!(hearings_are_reminded_two_days_ahead_once, |app| {
    let clerk = app.token("clerk").await;
    let recipient = person(&app, &clerk, "宋玉梅", &resident_id("34150419820808002")).await;
    let application = granted_wage_claim(&app, recipient, "某建材有限公司").await;
    let c = case_with_demo_lawyer(&app, application).await;
    let id = c["id"].as_i64().expect("id");
    let lawyer_token = app.token("lawyer").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let (_, _) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer_token),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    let hearing_at = app.clock.now() + chrono::Duration::days(5);
    let (s, p) = app
        .post_json(
            &format!("/api/v1/cases/{id}/progress"),
            Some(&lawyer_token),
            &json!({ "activity": "evidence", "occurred_on": today, "note": "收集工资条。",
                     "hearing_at": hearing_at.to_rfc3339(), "hearing_place": "叶集区劳动人事争议仲裁院" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    app.deliver().await;
    let sql =
        format!("SELECT COUNT(*) FROM messages WHERE case_id = {id} AND kind = 'hearing_upcoming'");
    let count = || app.scalar(&sql);
    let remind = || legalaid_app::cases::remind_hearings(&app.app);
    // Five days ahead: not yet.
    assert_eq!(remind().await.expect("job"), 0);
    assert_eq!(count().await, 0);
    // Within two days: the recipient and the handler are reminded, once.
    app.clock
        .advance(chrono::Duration::days(3) + chrono::Duration::hours(1));
    assert_eq!(remind().await.expect("job"), 1);
    assert!(count().await >= 2, "recipient and handler");
    let before = count().await;
    assert_eq!(remind().await.expect("job"), 0, "once");
    assert_eq!(count().await, before);
    let sms: Vec<Value> = app.deliver().await;
    assert!(
        sms.iter().any(|m| m["body"]
            .as_str()
            .is_some_and(|c| c.contains("开庭，请按时到庭"))),
        "{sms:?}"
    );
});
