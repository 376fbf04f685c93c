//! What each account may do to a case, as the case itself says (`actions`), at
//! each step of its way: the list the pages and API clients offer is the rule
//! the steps refuse by, so a listed action goes through and an unlisted one is
//! refused.

mod common;

use common::{TestApp, granted_wage_claim, lawyer_staff};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The actions `user` is offered on case `id`, by name.
async fn actions(app: &TestApp, user: &str, id: i64) -> Vec<String> {
    let t = app.token(user).await;
    let (s, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&t)).await;
    assert_eq!(s, StatusCode::OK, "{user}: {c}");
    c["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["action"].as_str().expect("name").to_owned())
        .collect()
}

fn has(list: &[String], name: &str) -> bool {
    list.iter().any(|a| a == name)
}

async fn step(app: &TestApp, user: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let t = app.token(user).await;
    app.post_json(path, Some(&t), body).await
}

both!(
    each_account_is_offered_what_it_may_do_and_nothing_else,
    |app| {
        let clerk = app.token("clerk").await;
        let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "邵春燕", "id_type": "resident_id", "id_number": "341504198703120024" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let application =
            granted_wage_claim(&app, p["id"].as_i64().expect("id"), "某纺织有限公司").await;
        let (s, c) = step(
            &app,
            "director",
            &format!("/api/v1/applications/{application}/case"),
            &json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().expect("id");
        let path = |to: &str| format!("/api/v1/cases/{id}/{to}");

        // Waiting for assignment: the center assigns; nobody else is offered it.
        let director = actions(&app, "director", id).await;
        assert!(has(&director, "assign"), "{director:?}");
        assert!(!has(&director, "sign_agreement") && !has(&director, "pay_subsidy"));
        let clerk_may = actions(&app, "clerk", id).await;
        assert!(!has(&clerk_may, "assign"), "{clerk_may:?}");
        let supervisor = actions(&app, "supervisor", id).await;
        assert!(!has(&supervisor, "assign"), "{supervisor:?}");

        // Assigned to the demo lawyer: the handler signs, records progress, adds
        // materials; the director may terminate; the intake clerk may ask for another
        // handler on the recipient's behalf.
        let (lawyer, firm) = lawyer_staff(&app).await;
        let (s, c) = step(
            &app,
            "director",
            &path("assignment"),
            &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let handler = actions(&app, "lawyer", id).await;
        for a in [
            "sign_agreement",
            "add_progress",
            "request_replacement",
            "add_material",
        ] {
            assert!(has(&handler, a), "{a}: {handler:?}");
        }
        for a in [
            "assign",
            "terminate",
            "grade",
            "pay_subsidy",
            "review_closure",
        ] {
            assert!(!has(&handler, a), "{a}: {handler:?}");
        }
        let director = actions(&app, "director", id).await;
        assert!(
            has(&director, "terminate") && !has(&director, "assign"),
            "{director:?}"
        );
        let clerk_may = actions(&app, "clerk", id).await;
        assert!(has(&clerk_may, "request_replacement"), "{clerk_may:?}");
        assert!(!has(&clerk_may, "add_progress"), "{clerk_may:?}");
        // What is not offered is refused.
        let (s, _) = step(
            &app,
            "lawyer",
            &path("termination"),
            &json!({ "ground": "other", "reason": "无", "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = step(
            &app,
            "clerk",
            &path("progress"),
            &json!({ "activity": "meeting", "occurred_on": "2024-10-01" }),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The handler signs (offered, so it goes through); signing is offered no more.
        let today = legalaid_domain::local_date(app.clock.now());
        let (s, c) = step(
            &app,
            "lawyer",
            &path("agreement"),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let handler = actions(&app, "lawyer", id).await;
        assert!(
            !has(&handler, "sign_agreement") && has(&handler, "submit_closure"),
            "{handler:?}"
        );

        // Closure submitted: the director reviews, the quality reviewer grades.
        let (s, c) = step(
        &app,
        "lawyer",
        &path("closure"),
        &json!({ "outcome": "mediation", "ended_on": today, "amount_fen": 500_000, "adoption": "adopted",
                 "report": "经调解，用人单位同意支付工资五千元。", "flat_item": "mediation", "version": c["version"] }),
    )
    .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert!(has(&actions(&app, "director", id).await, "review_closure"));
        assert!(has(&actions(&app, "quality", id).await, "grade"));
        assert!(!has(&actions(&app, "lawyer", id).await, "submit_closure"));
        let (s, c) = step(
            &app,
            "director",
            &path("closure-review"),
            &json!({ "approve": true, "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");

        // Payment is offered only once the case is graded.
        assert!(!has(&actions(&app, "director", id).await, "pay_subsidy"));
        let (s, c) = step(
            &app,
            "quality",
            &path("grade"),
            &json!({ "grade": "good", "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let director = actions(&app, "director", id).await;
        assert!(has(&director, "pay_subsidy"), "{director:?}");
        assert!(!has(&actions(&app, "quality", id).await, "pay_subsidy"));
    }
);
