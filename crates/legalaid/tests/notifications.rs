//! Full-process notification through the API: how a person is contacted (SMS
//! opt-out, a safe channel instead of an unsafe usual phone) and the editable
//! message templates decide what is written and sent.

mod common;

use common::{TestApp, granted_wage_claim, lawyer_staff};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, name: &str, id_number: &str, phone: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": id_number, "phone": phone }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

both!(
    contact_preferences_and_editable_templates_decide_what_is_sent,
    |app| {
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let admin = app.token("admin").await;
        let (lawyer, firm) = lawyer_staff(&app).await;
        // A domestic violence victim whose usual phone the abuser reads.
        let victim = person(&app, &clerk, "孙梅", "341504198808080022", "13955509999").await;
        let (s, p) = app
            .put_json(
                &format!("/api/v1/persons/{victim}/contact"),
                Some(&clerk),
                &json!({ "unsafe_usual_phone": true, "safe_channel": "sms" }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a safe number is needed: {p}"
        );
        let (s, p) = app
        .put_json(
            &format!("/api/v1/persons/{victim}/contact"),
            Some(&clerk),
            &json!({ "unsafe_usual_phone": true, "safe_channel": "sms", "safe_contact": "13955508888" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        // Someone who opted out of SMS and gave no e-mail.
        let quiet = person(&app, &clerk, "周平", "341504197707070015", "13955506666").await;
        let (s, _) = app
            .put_json(
                &format!("/api/v1/persons/{quiet}/contact"),
                Some(&clerk),
                &json!({ "sms_opt_out": true }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);

        // The administrator rewrites the SMS that tells the recipient of the assignment.
        let (s, p) = app
        .put_json(
            "/api/v1/message-templates/assigned_recipient/recipient/sms",
            Some(&admin),
            &json!({ "body": "{name}：案件{number}由{handler}（{handler_phone}）承办，案情{note}" }),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no case facts in a text message: {p}"
        );
        let (s, p) = app
        .put_json(
            "/api/v1/message-templates/assigned_recipient/recipient/sms",
            Some(&admin),
            &json!({ "body": "{name}您好，您的法律援助案件{number}由{handler}律师承办，电话{handler_phone}。" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, _) = app
            .put_json(
                "/api/v1/message-templates/closed/recipient/sms",
                Some(&clerk),
                &json!({ "body": "x" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        for who in [victim, quiet] {
            let application = granted_wage_claim(&app, who, "某公司").await;
            let (s, c) = app
                .post_json(
                    &format!("/api/v1/applications/{application}/case"),
                    Some(&director),
                    &json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            let (s, c) = app
                .post_json(
                    &format!("/api/v1/cases/{}/assignment", c["id"]),
                    Some(&director),
                    &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{c}");
        }
        let sms = app.deliver().await;
        assert!(
            sms.iter().all(|l| l["address"] != "13955509999"),
            "never the unsafe phone"
        );
        let to_victim: Vec<&Value> = sms
            .iter()
            .filter(|l| l["address"] == "13955508888")
            .collect();
        assert_eq!(
            to_victim.len(),
            3,
            "accepted, granted, assigned: to the safe number only: {sms:?}"
        );
        assert!(
            to_victim.iter().any(|l| l["body"]
                .as_str()
                .is_some_and(|b| b.contains("法律援助中心已决定给予您法律援助"))),
            "the center decides: {sms:?}"
        );
        let to_victim: Vec<&Value> = to_victim
            .into_iter()
            .filter(|l| l["body"].as_str().is_some_and(|b| b.contains("律师承办")))
            .collect();
        assert_eq!(to_victim.len(), 1);
        assert!(
            to_victim[0]["body"]
                .as_str()
                .is_some_and(|b| b.starts_with("孙梅您好，您的法律援助案件")),
            "the edited template"
        );
        assert!(
            sms.iter().all(|l| l["address"] != "13955506666"),
            "opted out"
        );
        assert!(
        app.scalar("SELECT COUNT(*) FROM messages WHERE audience = 'recipient' AND status = 'skipped' AND recipient_name = '周平'").await >= 1,
        "recorded as not sent, for staff to see"
    );
    }
);
