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
                &json!({ "body": "{姓名}：案件{编号}由{承办人}（{承办人电话}）承办，案情{说明}" }),
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
            &json!({ "body": "{姓名}您好，您的法律援助案件{编号}由{承办人}律师承办，电话{承办人电话}。" }),
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

both!(
    the_gateways_delivery_reports_move_messages_to_delivered_or_undelivered,
    |app| {
        let clerk = app.token("clerk").await;
        let applicant = person(&app, &clerk, "程小红", "341504199106180023", "13955507788").await;
        let application = granted_wage_claim(&app, applicant, "某服装加工厂").await;
        let sent = app.deliver().await;
        let (_, list) = app
            .get_json(
                &format!("/api/v1/applications/{application}/messages"),
                Some(&clerk),
            )
            .await;
        let sms: Vec<&Value> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|m| m["channel"] == "sms" && m["status"] == "sent")
            .collect();
        assert!(sms.len() >= 2, "acceptance and decision: {list} {sent:?}");
        let (first, second) = (sms[0]["id"].clone(), sms[1]["id"].clone());

        let report = |token: &'static str, body: Value| {
            let (http, url) = (app.http.clone(), app.url("/api/v1/sms/delivery-reports"));
            async move {
                let res = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("report");
                let status = res.status();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let body = json!({ "reports": [
        { "out_id": first.to_string(), "status": "delivered" },
        { "out_id": second.to_string(), "status": "undelivered", "error": "用户关机" },
        { "out_id": "999999999", "status": "delivered" }
    ] });
        // Only the gateway, bearing the configured token, may report.
        let (s, _) = report("wrong-token", body.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, out) = report(common::SMS_REPORT_TOKEN, body).await;
        assert_eq!(s, StatusCode::OK, "{out}");
        assert_eq!(out, json!({ "recorded": 2, "ignored": 1 }));
        let (_, list) = app
            .get_json(
                &format!("/api/v1/applications/{application}/messages"),
                Some(&clerk),
            )
            .await;
        let status_of = |id: &Value| {
            list["items"]
                .as_array()
                .and_then(|l| l.iter().find(|m| &m["id"] == id))
                .map(|m| (m["status"].clone(), m["last_error"].clone()))
                .expect("message")
        };
        assert_eq!(status_of(&first), (json!("delivered"), json!("")));
        assert_eq!(
            status_of(&second),
            (json!("undelivered"), json!("用户关机"))
        );
        // A report that cannot be read changes nothing and says which one.
        let (s, e) = report(
        common::SMS_REPORT_TOKEN,
        json!({ "reports": [{ "out_id": first.to_string(), "status": "undelivered" }, { "out_id": "x", "status": "delivered" }] }),
    )
    .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "reports[1].out_id");
        let (_, list) = app
            .get_json(
                &format!("/api/v1/applications/{application}/messages"),
                Some(&clerk),
            )
            .await;
        let still = list["items"]
            .as_array()
            .and_then(|l| l.iter().find(|m| m["id"] == first))
            .map(|m| m["status"].clone());
        assert_eq!(still, Some(json!("delivered")));
    }
);
