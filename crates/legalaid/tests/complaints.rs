//! Complaints through HTTP: registration about a case's handler, acceptance,
//! the one extension, the decision whose follow-up asks the center for another
//! handler, the reply and the remedy; every deadline as of chosen dates on the
//! injected clock; refusal, late acceptance, anonymous complaints; who sees and
//! who may act (the respondent sees nothing); bad input; the notices; the
//! figures; two instances accepting at once.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, lawyer_staff, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Puts the clock at `day` 10:00 China time (02:00 UTC).
fn at(app: &TestApp, day: &str) {
    let t = chrono::DateTime::parse_from_rfc3339(&format!("{day}T02:00:00Z"))
        .expect("date")
        .with_timezone(&chrono::Utc);
    app.clock.set(t);
}

fn now(app: &TestApp) -> String {
    app.clock.now().to_rfc3339()
}

fn deadline<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["code"] == code))
        .unwrap_or(&Value::Null)
}

fn actions(v: &Value) -> Vec<String> {
    v["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn person(app: &TestApp, token: &str, name: &str, first17: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(first17), "phone": "13955507788" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    app.post_json(path, Some(token), &body).await
}

async fn pdf(app: &TestApp, token: &str, id: i64, kind: &str) {
    let res = app
        .http
        .get(app.url(&format!("/api/v1/complaints/{id}/documents/{kind}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("document");
    assert_eq!(res.status(), StatusCode::OK, "{kind}");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf"),
        "{kind}"
    );
    assert!(res.bytes().await.expect("bytes").starts_with(b"%PDF"));
}

both!(a_complaint_about_a_handler_runs_to_the_reply, |app| {
    at(&app, "2025-07-07");
    let clerk = app.token("clerk").await;
    let p = person(&app, &clerk, "投诉人甲", "34150419800707001").await;
    let application = granted_wage_claim(&app, p, "某物流有限公司").await;
    let case = case_with_demo_lawyer(&app, application).await;
    let case_id = case["id"].as_i64().expect("case");
    let (lawyer_staff_id, firm) = lawyer_staff(&app).await;

    // The clerk registers the recipient's complaint about the handler of the case.
    let (s, c) = post(
        &app,
        "/api/v1/complaints",
        &clerk,
        json!({ "channel": "walk_in", "received_at": now(&app), "complainant_name": "投诉人甲",
                "complainant_phone": "13955507788", "relation": "recipient",
                "respondent_staff_id": lawyer_staff_id, "case_id": case_id, "category": "neglect",
                "facts": "承办律师一个月未与受援人联系，也未告知办理进展。", "request": "更换承办律师" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["complaint"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/complaints/{id}");
    assert!(
        c["complaint"]["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("叶司投〔2025〕")),
        "{c}"
    );
    assert_eq!(
        c["complaint"]["respondent_unit_id"], firm,
        "the lawyer's firm"
    );
    assert_eq!(c["complaint"]["complainant_phone"], "13955507788");
    // Stored encrypted, never in clear.
    let clear = app
        .scalar("SELECT COUNT(*) FROM complaints WHERE complainant_phone LIKE '%13955507788%'")
        .await;
    assert_eq!(clear, 0);
    let accept = deadline(&c, "complaint_accept");
    assert_eq!(accept["due"], "2025-07-14", "5 working days: {accept}");
    assert_eq!(accept["state"], "running");

    // The firm's lawyer does not learn of it; the clerk may not accept it.
    let lawyer = app.token("lawyer").await;
    let (s, _) = app.get_json(&path, Some(&lawyer)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json("/api/v1/complaints", Some(&lawyer)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Nor from the case's quality records, which list it for the bureau.
    let records = format!("/api/v1/cases/{case_id}/quality-records");
    let (s, r) = app.get_json(&records, Some(&lawyer)).await;
    assert_eq!((s, r["total"].as_i64()), (StatusCode::OK, Some(0)), "{r}");
    let supervisor = app.token("supervisor").await;
    let (_, r) = app.get_json(&records, Some(&supervisor)).await;
    assert_eq!(r["items"][0]["kind"], "complaint", "{r}");
    assert_eq!(r["items"][0]["href"], format!("/complaints/{id}"), "{r}");
    let (s, e) = post(
        &app,
        &format!("{path}/accept"),
        &clerk,
        json!({ "version": 1 }),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");

    // It waits in the bureau's queue.
    let supervisor = app.token("supervisor").await;
    let (_, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(&supervisor))
        .await;
    let href = format!("/complaints/{id}");
    assert!(
        q["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|x| x["href"] == href.as_str()
                && x["code"] == "complaint_accept"
                && x["queue"] == "bureau")),
        "{q}"
    );
    let (_, v) = app.get_json(&path, Some(&supervisor)).await;
    assert_eq!(actions(&v), ["accept", "refuse"]);

    // Bad input changes nothing.
    let (s, e) = post(
        &app,
        &format!("{path}/refuse"),
        &supervisor,
        json!({ "version": 1, "reason": "  " }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "reason");
    let (s, e) = post(
        &app,
        &format!("{path}/extend"),
        &supervisor,
        json!({ "version": 1, "reason": "需要调查" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "not yet accepted: {e}");
    assert!(
        e["detail"].as_str().is_some_and(|d| d.contains("待受理")),
        "{e}"
    );
    let (_, v) = app.get_json(&path, Some(&supervisor)).await;
    assert_eq!(
        (
            v["complaint"]["status"].clone(),
            v["complaint"]["version"].clone()
        ),
        (json!("received"), json!(1))
    );

    // Accepted two days later, within the period.
    at(&app, "2025-07-09");
    let supervisor = app.token("supervisor").await;
    let (s, v) = post(
        &app,
        &format!("{path}/accept"),
        &supervisor,
        json!({ "version": 1 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(deadline(&v, "complaint_accept")["state"], "met");
    let conclude = deadline(&v, "complaint_conclude");
    assert_eq!(
        conclude["due"], "2025-08-25",
        "45 days, off the Saturday: {conclude}"
    );
    assert_eq!(v["default_extension_days"], 30);
    assert_eq!(actions(&v), ["extend", "conclude"]);
    pdf(&app, &supervisor, id, "complaint_acceptance").await;

    // Extended once, with its reason.
    let (s, v) = post(
        &app,
        &format!("{path}/extend"),
        &supervisor,
        json!({ "version": v["complaint"]["version"], "reason": "需向受援人和律师事务所调查核实" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let conclude = deadline(&v, "complaint_conclude");
    assert_eq!(conclude["due"], "2025-09-24", "{conclude}");
    assert!(
        conclude["rule"]
            .as_str()
            .is_some_and(|r| r.contains("延长30日")),
        "{conclude}"
    );
    let (s, e) = post(
        &app,
        &format!("{path}/extend"),
        &supervisor,
        json!({ "version": v["complaint"]["version"], "reason": "再次延长" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(
        e["detail"]
            .as_str()
            .is_some_and(|d| d.contains("只能延长一次")),
        "{e}"
    );

    // Upheld, with the handler to be replaced: the center finds the request.
    at(&app, "2025-08-01");
    let supervisor = app.token("supervisor").await;
    let (s, e) = post(&app, &format!("{path}/conclude"), &supervisor,
        json!({ "version": v["complaint"]["version"], "outcome": "not_substantiated", "conclusion": "查无实据。", "follow_up": ["replace_handler"] })).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no measures without substance: {e}"
    );
    let (s, v) = post(
        &app,
        &format!("{path}/conclude"),
        &supervisor,
        json!({ "version": v["complaint"]["version"], "outcome": "corrected",
                "conclusion": "经查，承办律师未按规定告知办理进展，情况属实，责令限期整改。",
                "follow_up": ["replace_handler"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["upheld"], true);
    assert_eq!(deadline(&v, "complaint_conclude")["state"], "met");
    let reply = deadline(&v, "complaint_reply");
    assert_eq!(reply["due"], "2025-08-08", "5 working days: {reply}");
    let replacement = v["complaint"]["replacement_id"]
        .as_i64()
        .expect("a request was made");
    assert_eq!(
        v["replacement"]["href"],
        format!("/cases/{case_id}/replacements/{replacement}")
    );
    let director = app.token("director").await;
    let (_, cv) = app
        .get_json(&format!("/api/v1/cases/{case_id}"), Some(&director))
        .await;
    assert!(
        cv["replacements"].as_array().is_some_and(|r| r
            .iter()
            .any(|x| x["id"] == replacement && x["status"] == "pending")),
        "{cv}"
    );
    assert!(
        cv["actions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["action"] == "decide_replacement")),
        "{cv}"
    );
    let (_, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(&director))
        .await;
    assert!(
        q["items"].as_array().is_some_and(|i| i
            .iter()
            .any(|x| x["case_id"] == case_id && x["code"] == "replacement")),
        "the center's queue: {q}"
    );

    // The reply is late by the 11th.
    at(&app, "2025-08-11");
    let supervisor = app.token("supervisor").await;
    let (_, v) = app.get_json(&path, Some(&supervisor)).await;
    assert_eq!(deadline(&v, "complaint_reply")["state"], "overdue");
    let (s, v) = post(&app, &format!("{path}/reply"), &supervisor,
        json!({ "version": v["complaint"]["version"], "channel": "letter", "text": "已书面告知处理结果。" })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(deadline(&v, "complaint_reply")["state"], "met_late");
    assert_eq!(actions(&v), ["record_remedy"]);
    pdf(&app, &supervisor, id, "complaint_reply").await;
    let (_, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(&supervisor))
        .await;
    assert!(
        !q["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|x| x["href"] == href.as_str())),
        "nothing left to do: {q}"
    );

    // The complainant applies for administrative review; recorded once.
    let (s, v) = post(&app, &format!("{path}/remedy"), &supervisor,
        json!({ "version": v["complaint"]["version"], "remedy": "administrative_review", "note": "向区人民政府申请" })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = post(
        &app,
        &format!("{path}/remedy"),
        &supervisor,
        json!({ "version": v["complaint"]["version"], "remedy": "lawsuit" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The figures count it per unit, handler, category and outcome.
    let (s, f) = app
        .get_json(
            "/api/v1/complaints/figures?from=2025-01-01&to=2025-12-31",
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        (f["total"].clone(), f["upheld"].clone()),
        (json!(1), json!(1)),
        "{f}"
    );
    assert_eq!(f["by_unit"][0]["key"], firm.to_string());
    assert_eq!(f["by_staff"][0]["key"], lawyer_staff_id.to_string());
    assert_eq!(f["by_category"][0]["key"], "neglect");
    assert_eq!(f["by_outcome"][0]["key"], "corrected");
    assert_eq!(f["by_outcome"][0]["upheld"], 1);
    assert_eq!(f["by_remedy"][0]["key"], "administrative_review");
    let (_, f) = app
        .get_json(
            "/api/v1/complaints/figures?from=2024-01-01&to=2024-12-31",
            Some(&supervisor),
        )
        .await;
    assert_eq!(f["total"], 0, "another period: {f}");
});

both!(refusals_late_acceptance_and_anonymous_complaints, |app| {
    at(&app, "2025-07-07");
    let supervisor = app.token("supervisor").await;
    let center = app.unit_id("六安市叶集区法律援助中心").await;
    let (_, firm) = lawyer_staff(&app).await;
    // An anonymous complaint about the center: no name or contact needed.
    let (s, a) = post(
        &app,
        "/api/v1/complaints",
        &supervisor,
        json!({ "channel": "phone", "received_at": now(&app), "anonymous": true,
                "respondent_unit_id": center, "category": "intake_or_assignment",
                "facts": "中心工作人员拒绝接收申请材料。" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let anon = a["complaint"]["id"].as_i64().expect("id");
    assert_eq!(a["complaint"]["anonymous"], true);
    // A named one about the firm, without contact: refused as input.
    let (s, e) = post(&app, "/api/v1/complaints", &supervisor,
        json!({ "channel": "letter", "received_at": now(&app), "complainant_name": "王某",
                "relation": "applicant", "respondent_unit_id": firm, "category": "taking_money", "facts": "收取费用。" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "complainant_phone");
    let before = app.scalar("SELECT COUNT(*) FROM complaints").await;
    assert_eq!(before, 1, "nothing stored");
    let (s, b) = post(&app, "/api/v1/complaints", &supervisor,
        json!({ "channel": "letter", "received_at": now(&app), "complainant_name": "王某",
                "complainant_address": "叶集区史河街道", "relation": "applicant",
                "respondent_unit_id": firm, "category": "taking_money", "facts": "承办律师收取差旅费。" })).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let named = b["complaint"]["id"].as_i64().expect("id");

    // The center's staff do not read the complaint about the center, but read the other.
    let director = app.token("director").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/complaints/{anon}"), Some(&director))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, l) = app.get_json("/api/v1/complaints", Some(&director)).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<i64> = l["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|x| x["complaint"]["id"].as_i64())
        .collect();
    assert_eq!((ids, l["total"].clone()), (vec![named], json!(1)));
    let (_, l) = app
        .get_json("/api/v1/complaints?status=received", Some(&supervisor))
        .await;
    assert_eq!(l["total"], 2);
    assert_eq!(
        l["items"][0]["complaint"]["complainant_address"], "",
        "lists carry no contact"
    );
    let (s, _) = app
        .get_json("/api/v1/complaints?status=bogus", Some(&supervisor))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Nine days on, neither is decided: both overdue.
    at(&app, "2025-07-16");
    let supervisor = app.token("supervisor").await;
    for id in [anon, named] {
        let (_, v) = app
            .get_json(&format!("/api/v1/complaints/{id}"), Some(&supervisor))
            .await;
        assert_eq!(deadline(&v, "complaint_accept")["state"], "overdue", "{v}");
    }
    let (_, q) = app
        .get_json(
            "/api/v1/work-queue?due=overdue&per_page=200",
            Some(&supervisor),
        )
        .await;
    let overdue = q["items"].as_array().map_or(0, |i| {
        i.iter().filter(|x| x["code"] == "complaint_accept").count()
    });
    assert_eq!(overdue, 2, "{q}");

    // The anonymous one is refused, the other accepted late.
    let (s, v) = post(
        &app,
        &format!("/api/v1/complaints/{anon}/refuse"),
        &supervisor,
        json!({ "version": 1, "reason": "投诉没有具体的事实和被投诉人员，无法调查。" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["complaint"]["status"], "refused");
    assert_eq!(deadline(&v, "complaint_accept")["state"], "met_late");
    assert_eq!(v["deadlines"].as_array().map(Vec::len), Some(1), "{v}");
    assert!(actions(&v).is_empty());
    pdf(&app, &supervisor, anon, "complaint_refusal").await;
    let (s, e) = post(
        &app,
        &format!("/api/v1/complaints/{anon}/accept"),
        &supervisor,
        json!({ "version": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, v) = post(
        &app,
        &format!("/api/v1/complaints/{named}/accept"),
        &supervisor,
        json!({ "version": 1 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(deadline(&v, "complaint_accept")["state"], "met_late");
    let (_, d) = app
        .get_json(
            &format!("/api/v1/complaints/{named}/documents"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(d["items"][0]["kind"], "complaint_acceptance", "{d}");
    let (s, _) = app
        .get_json(
            &format!("/api/v1/complaints/{named}/documents/complaint_reply"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no reply before the decision");
    // A stale version is a conflict.
    let (s, _) = post(
        &app,
        &format!("/api/v1/complaints/{named}/extend"),
        &supervisor,
        json!({ "version": 1, "reason": "调查" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
});

both!(two_instances_accepting_at_once_one_wins, |app| {
    at(&app, "2025-07-07");
    let twin = app.twin().await;
    let supervisor = app.token("supervisor").await;
    let (_, firm) = lawyer_staff(&app).await;
    for round in 0..3 {
        let (s, c) = post(&app, "/api/v1/complaints", &supervisor,
            json!({ "channel": "online", "received_at": now(&app), "anonymous": true,
                    "respondent_unit_id": firm, "category": "other", "facts": format!("并发受理{round}") })).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["complaint"]["id"].as_i64().expect("id");
        let path = format!("/api/v1/complaints/{id}/accept");
        let calls = [app.url(&path), twin.url(&path)].map(|url| {
            let http = app.http.clone();
            let t = supervisor.clone();
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(t)
                    .json(&json!({ "version": 1 }))
                    .send()
                    .await
                    .map(|r| r.status())
            })
        });
        let mut statuses = Vec::new();
        for c in calls {
            statuses.push(c.await.expect("task").expect("answer"));
        }
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        let (_, v) = app
            .get_json(&format!("/api/v1/complaints/{id}"), Some(&supervisor))
            .await;
        assert_eq!(v["complaint"]["version"], 2);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.accept'")
            .await,
        3
    );
});

both!(the_complaint_pages_work_on_a_phone, |app| {
    at(&app, "2025-07-07");
    let b = app.browser("supervisor").await;
    let (s, html) = b.get("/complaints").await;
    assert_eq!(s, StatusCode::OK);
    assert!(common::select(&html, "nav ul.nav a").contains(&"投诉".to_owned()));
    assert!(html.contains("还没有投诉"), "the empty state");
    let csrf = b.csrf("/complaints/new").await;
    let (_, firm) = lawyer_staff(&app).await;
    let received = legalaid_domain::local_time(app.clock.now())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let firm = firm.to_string();
    let (s, html, _) = b
        .post_form(
            "/complaints",
            &[
                ("_csrf", &csrf),
                ("channel", "walk_in"),
                ("received_at", &received),
                ("complainant_name", "李某"),
                ("complainant_phone", "139"),
                ("relation", "recipient"),
                ("respondent_unit_id", &firm),
                ("category", "neglect"),
                ("facts", "律师不接电话。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields_in_error(&html), ["complainant_phone"]);
    let (s, _, to) = b
        .post_form(
            "/complaints",
            &[
                ("_csrf", &csrf),
                ("channel", "walk_in"),
                ("received_at", &received),
                ("complainant_name", "李某"),
                ("complainant_phone", "13955501111"),
                ("relation", "recipient"),
                ("respondent_unit_id", &firm),
                ("category", "neglect"),
                ("facts", "律师不接电话。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = to.expect("to the complaint");
    let (s, html) = b.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("13955501111") && html.contains("决定是否受理投诉"),
        "{html}"
    );
    let version = common::hidden(&html, &format!("{to}/accept"), "version");
    let (s, _, back) = b
        .post_form(
            &format!("{to}/accept"),
            &[("_csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(
        (s, back.as_deref()),
        (StatusCode::SEE_OTHER, Some(to.as_str()))
    );
    let (_, html) = b.get(&to).await;
    assert!(
        html.contains("投诉受理通知书") && html.contains("作出处理决定"),
        "{html}"
    );
    let (s, html, _) = b
        .post_form(
            &format!("{to}/conclude"),
            &[("_csrf", &csrf), ("version", "2"), ("outcome", "corrected")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields_in_error(&html), ["conclusion"]);
    let (s, _) = b.get(&format!("{to}/documents/complaint_acceptance")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, html) = b.get("/complaints").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("律师事务所") || html.contains("调查处理中"),
        "{html}"
    );
    let (s, html) = b
        .get("/complaints/figures?from=2025-01-01&to=2025-12-31")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("收到投诉1件"), "{html}");
    // The home page leads to it through the bureau's queue.
    let (_, html) = b.get("/").await;
    assert!(html.contains(&format!("href=\"{to}\"")), "{html}");
    // A lawyer has no complaint pages.
    let lawyer = app.browser("lawyer").await;
    let (s, _) = lawyer.get(&to).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = lawyer.get("/complaints/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
