//! Cases through the API: opening from a granted application and from a court
//! notification, lawful assignment (experience, conflicts), agreement, progress,
//! closure, subsidy and payment, termination with its objection, and the messages
//! each step writes (read back from the SMS sink). (The funding estimate:
//! funding.rs; contact preferences and templates: notifications.rs.)

mod common;

use common::{granted_wage_claim, lawyer_staff, pdftotext};

use common::TestApp;
use legalaid_app::Clock;
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

async fn document(app: &TestApp, token: &str, case: i64, kind: &str, format: &str) -> Vec<u8> {
    let res = app
        .http
        .get(app.url(&format!(
            "/api/v1/cases/{case}/documents/{kind}?format={format}"
        )))
        .bearer_auth(token)
        .send()
        .await
        .expect("document");
    assert_eq!(res.status(), StatusCode::OK, "{kind}");
    res.bytes().await.expect("bytes").to_vec()
}

fn deadline<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["code"] == code))
        .unwrap_or(&Value::Null)
}

both!(
    a_granted_application_runs_from_assignment_to_paid_subsidy,
    |app| {
        let clerk = app.token("clerk").await;
        let applicant = person(&app, &clerk, "张秀兰", "341504198502150016", "13955501234").await;
        let application = granted_wage_claim(&app, applicant, "某建筑劳务有限公司").await;
        let director = app.token("director").await;

        // Opening it makes a numbered case waiting for assignment, with its deadline.
        let (s, c) = app
            .post_json(
                &format!("/api/v1/applications/{application}/case"),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().expect("id");
        assert!(
            c["number"]
                .as_str()
                .is_some_and(|n| n.starts_with("叶法援〔") && n.ends_with("第1号")),
            "{c}"
        );
        assert_eq!(c["status"], "awaiting_assignment");
        assert_eq!(
            c["case_type"], "non_litigation",
            "labour arbitration is non-litigation work"
        );
        assert_eq!(deadline(&c, "assign_after_grant")["met"], false, "{c}");
        // Only once.
        let (s, _) = app
            .post_json(
                &format!("/api/v1/applications/{application}/case"),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // Suggestions: eligible first, with reasons.
        let (s, sugg) = app
            .get_json(
                &format!("/api/v1/cases/{id}/assignment-suggestions"),
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{sugg}");
        let list = sugg["items"].as_array().expect("list");
        assert_eq!(sugg["total"].as_u64(), Some(list.len() as u64));
        assert!(
            list.len() >= 30,
            "every lawyer of the district: {}",
            list.len()
        );
        assert_eq!(list[0]["eligible"], true);
        assert!(list[0]["reasons"].as_array().is_some_and(|r| !r.is_empty()));

        let (lawyer, firm) = lawyer_staff(&app).await;
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/assignment"),
                Some(&director),
                &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "assigned");
        assert_eq!(deadline(&c, "assign_after_grant")["met"], true);
        assert_eq!(
            deadline(&c, "sign_agreement")["met"],
            false,
            "5 days to sign: {c}"
        );

        // The handler works the case.
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
        assert_eq!(c["status"], "in_progress");
        let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/progress"),
            Some(&lawyer_token),
            &json!({ "activity": "meeting", "occurred_on": today, "note": "约见受援人，了解欠薪情况。" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        // The write answers with what it changed: the entry and the case's state.
        assert_eq!(c["progress"]["activity"], "meeting", "{c}");
        assert_eq!(c["progress"]["note"], "约见受援人，了解欠薪情况。");
        assert_eq!(c["case"]["status"], "in_progress");
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&lawyer_token))
            .await;
        assert!(c["checklist"].as_array().is_some_and(|l| {
            l.iter()
                .any(|i| i["activity"] == "meeting" && !i["done_on"].is_null())
        }));
        // Bad input changes nothing.
        let (s, p) = app
            .post_json(
                &format!("/api/v1/cases/{id}/progress"),
                Some(&lawyer_token),
                &json!({ "activity": "dancing" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        // Another firm's lawyer does not see the case.
        let other = app.token("lawyer2").await;
        let (s, _) = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&other))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Closure: mediated, 12,000 yuan recovered; the center approves.
        let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure"),
            Some(&lawyer_token),
            &json!({ "outcome": "mediation", "ended_on": today, "amount_fen": 1_200_000, "adoption": "adopted",
                     "report": "经劳动争议调解，用人单位同意支付拖欠工资一万二千元。", "flat_item": "mediation",
                     "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "closure_submitted");
        assert_eq!(deadline(&c, "closure_review")["met"], false);
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/closure-review"),
                Some(&director),
                &json!({ "approve": true, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "archived");

        // The subsidy: the schedule's flat mediation item, 800 yuan, with its derivation.
        let (s, sub) = app
            .get_json(&format!("/api/v1/cases/{id}/subsidy"), Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{sub}");
        assert_eq!(sub["status"], "payable");
        assert_eq!(sub["amount_fen"], 80_000, "{sub}");
        assert!(
            sub["computation"]["lines"]
                .as_array()
                .is_some_and(|l| !l.is_empty())
        );
        // Graded before it is paid: the case waits in the quality reviewer's queue,
        // and the payment is refused until the grade is set.
        let quality = app.token("quality").await;
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&quality))
            .await;
        assert!(
            q["items"].as_array().is_some_and(|items| items
                .iter()
                .any(|i| i["case_id"] == id && i["code"] == "grading")),
            "{q}"
        );
        let (s, e) = app
            .post_json(
                &format!("/api/v1/cases/{id}/subsidy/payment"),
                Some(&director),
                &json!({ "paid_on": today, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/grade"),
                Some(&quality),
                &json!({ "grade": "good", "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&director))
            .await;
        assert!(
            q["items"].as_array().is_some_and(|items| items
                .iter()
                .any(|i| i["case_id"] == id && i["code"] == "subsidy_payment")),
            "{q}"
        );
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/subsidy/payment"),
                Some(&director),
                &json!({ "paid_on": today, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["subsidy_status"], "paid");
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&director))
            .await;
        assert!(
            !q["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i["case_id"] == id)),
            "nothing left to do on a paid case: {q}"
        );
        assert!(
            c["subsidy_voucher"]
                .as_str()
                .is_some_and(|v| v.starts_with("补贴〔"))
        );

        // The documents of the case: the assignment notice, the closure report with the
        // work done, the subsidy voucher with its derivation.
        let (s, docs) = app
            .get_json(&format!("/api/v1/cases/{id}/documents"), Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK);
        let kinds: Vec<&str> = docs["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|d| d["kind"].as_str())
            .collect();
        assert_eq!(
            kinds,
            ["assignment_notice", "closure_report", "subsidy_voucher"],
            "{docs}"
        );
        let text = pdftotext(&document(&app, &director, id, "assignment_notice", "pdf").await);
        assert!(
            text.contains("指派通知书") && text.contains("张秀兰") && text.contains("委托协议"),
            "{text}"
        );
        // Room for the center's seal over its name and the date.
        let seal = text.find("（盖章）").expect("seal space");
        assert!(text[seal..].contains("法律援助中心"), "{text}");
        let text = pdftotext(&document(&app, &lawyer_token, id, "closure_report", "pdf").await);
        assert!(
            text.contains("调解结案") && text.contains("12,000.00") && text.contains("约见受援人"),
            "{text}"
        );
        let text = pdftotext(&document(&app, &director, id, "subsidy_voucher", "pdf").await);
        assert!(
            text.contains("800.00") && text.contains("大写：捌佰元整") && text.contains("补贴〔"),
            "the amount in figures and in capitals: {text}"
        );
        let docx = document(&app, &director, id, "subsidy_voucher", "docx").await;
        assert!(docx.starts_with(b"PK"), "a DOCX is a zip package");
        let (s, _) = app
            .get_json(
                &format!("/api/v1/cases/{id}/documents/termination_decision"),
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "not terminated");

        // Every step told the recipient and the handler; the SMS sink has each once.
        let (s, msgs) = app
            .get_json(&format!("/api/v1/cases/{id}/messages"), Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK);
        let kinds = |audience: &str| -> Vec<String> {
            msgs["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|m| m["audience"] == audience)
                .map(|m| m["kind"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        for k in ["assigned_recipient", "progress_recorded", "closed"] {
            assert!(
                kinds("recipient").iter().any(|x| x == k),
                "recipient got {k}: {msgs}"
            );
        }
        for k in ["assigned_handler", "closed", "subsidy_paid"] {
            assert!(
                kinds("handler").iter().any(|x| x == k),
                "handler got {k}: {msgs}"
            );
        }
        let sms = app.deliver().await;
        let pending: Vec<i64> = msgs["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|m| m["channel"] == "sms" && m["status"] == "pending")
            .map(|m| m["id"].as_i64().expect("id"))
            .collect();
        assert!(!pending.is_empty());
        for id in &pending {
            assert_eq!(
                sms.iter().filter(|l| l["id"] == *id).count(),
                1,
                "message {id} sent once"
            );
        }
        assert!(
            sms.iter().any(|l| l["address"] == "13955501234"),
            "the recipient's phone"
        );
        let (_, msgs) = app
            .get_json(&format!("/api/v1/cases/{id}/messages"), Some(&director))
            .await;
        assert!(
            msgs["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|m| m["status"] == "sent"),
            "{msgs}"
        );
        // Totals by handler count the paid subsidy.
        let year = legalaid_domain::local_date(app.clock.now())
            .format("%Y")
            .to_string();
        let (s, totals) = app
            .get_json(
                &format!("/api/v1/subsidies/totals?year={year}&by=handler"),
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{totals}");
        assert!(
            totals["items"]
                .as_array()
                .is_some_and(|t| t.iter().any(|r| r["paid_fen"] == 80_000)),
            "{totals}"
        );
        // A year no date can hold is named, not a 500.
        let (s, e) = app
            .get_json("/api/v1/subsidies/totals?year=-103723", Some(&director))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "year", "{e}");
        // Delivering again sends nothing more.
        assert_eq!(app.deliver().await.len(), sms.len());
        // The lawyer's inbox has the in-app messages.
        assert!(
            app.scalar(
                "SELECT COUNT(*) FROM messages WHERE channel = 'in_app' AND audience = 'handler'"
            )
            .await
                >= 3
        );
    }
);

both!(a_court_notification_needs_an_experienced_defender, |app| {
    let clerk = app.token("clerk").await;
    let defendant = person(&app, &clerk, "李强", "341504199003070032", "13955507777").await;
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({
                "applicant_id": defendant, "channel": "notified", "notifying_organ": "court", "received_at": "2024-05-06T01:00:00Z",
                "matter_code": "criminal_defense_notified", "service_form": "criminal_defense", "procedural_role": "criminal_defendant",
                "case_organ": "六安市中级人民法院", "case_number": "（2024）皖15刑初12号", "summary": "被告人涉嫌故意杀人罪，可能判处死刑。"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{}/case", a["id"]),
            Some(&director),
            &json!({ "possible_life_or_death": true }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "the notification needs no decision: {c}"
    );
    assert_eq!(c["case_type"], "criminal");
    assert_eq!(c["stage"], "trial", "a court notifies at trial");
    assert_eq!(deadline(&c, "assign_notified")["due"], "2024-05-09", "{c}");
    let (s, app_now) = app
        .get_json(
            &format!("/api/v1/applications/{}", a["id"]),
            Some(&director),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app_now["status"], "granted");
    let id = c["id"].as_i64().expect("id");

    // A junior criminal defender in the same firm.
    let (lawyer, firm) = lawyer_staff(&app).await;
    let supervisor = app.token("supervisor").await;
    let year = legalaid_domain::local_date(app.clock.now())
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year");
    let (s, junior) = app
        .post_json(
            "/api/v1/staff",
            Some(&supervisor),
            &json!({ "unit_id": firm, "name": "周新", "sex": "male", "kind": "lawyer",
                     "licence_no": format!("13415{}11123456", year - 1), "practice_start_year": year - 1,
                     "specialties": ["criminal_defense"], "phone": "13955500001" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{junior}");
    let (s, p) = app
        .post_json(
            &format!("/api/v1/cases/{id}/assignment"),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": junior["id"], "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("三年以上") && d.contains("第二十六条")),
        "{p}"
    );
    let (_, sugg) = app
        .get_json(
            &format!("/api/v1/cases/{id}/assignment-suggestions"),
            Some(&director),
        )
        .await;
    let j = sugg["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["staff_id"] == junior["id"])
        .expect("listed");
    assert_eq!(j["eligible"], false);
    // Unchanged by the refusal.
    let (_, same) = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&director))
        .await;
    assert_eq!(same["status"], "awaiting_assignment");
    assert_eq!(same["version"], c["version"]);

    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/assignment"),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "assigned");
    // A stale version is refused.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/cases/{id}/assignment"),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": lawyer, "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let sms = app.deliver().await;
    assert!(
        sms.iter().any(|l| l["address"] == "13955507777"),
        "the defendant was told"
    );
    // The official letter to the court: the lawyer is the defender, assigned under
    // LAL art 36, for the court's case by its number.
    let text = pdftotext(&document(&app, &director, id, "official_letter", "pdf").await);
    assert!(
        text.contains("担任其辩护人")
            && text.contains("第三十六条")
            && text.contains("（2024）皖15刑初12号案件"),
        "{text}"
    );
});

both!(
    conflicts_are_flagged_and_terminations_can_be_objected_to,
    |app| {
        let clerk = app.token("clerk").await;
        let first = person(&app, &clerk, "赵大山", "341504198001010015", "13955502222").await;
        let second = person(&app, &clerk, "钱小红", "341504198202020025", "").await;
        let director = app.token("director").await;
        let (lawyer, firm) = lawyer_staff(&app).await;
        let mut ids = Vec::new();
        for (who, opposing) in [(first, "某物业公司"), (second, "赵大山")] {
            let application = granted_wage_claim(&app, who, opposing).await;
            let (s, c) = app
                .post_json(
                    &format!("/api/v1/applications/{application}/case"),
                    Some(&director),
                    &json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            ids.push((
                c["id"].as_i64().expect("id"),
                c["version"].as_i64().expect("version"),
            ));
        }
        let assign = |version: i64, reason: &str| json!({ "unit_id": firm, "handler_id": lawyer, "version": version, "conflict_reason": reason });
        let (s, _) = app
            .post_json(
                &format!("/api/v1/cases/{}/assignment", ids[0].0),
                Some(&director),
                &assign(ids[0].1, ""),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        // The second recipient's opponent is the lawyer's other recipient.
        let (s, p) = app
            .post_json(
                &format!("/api/v1/cases/{}/assignment", ids[1].0),
                Some(&director),
                &assign(ids[1].1, ""),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{p}");
        assert!(
            p["detail"].as_str().is_some_and(|d| d.contains("利益冲突")),
            "{p}"
        );
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{}/assignment", ids[1].0),
                Some(&director),
                &assign(ids[1].1, "两案争议标的不同，受援人均书面同意"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert!(
            c["assignments"][0]["conflict_note"]
                .as_str()
                .is_some_and(|n| n.contains("确认理由")),
            "{c}"
        );
        // No phone: the recipient's messages are recorded as not sent.
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM messages WHERE case_id = {} AND status = 'skipped'",
                ids[1].0
            ))
            .await
                >= 1
        );

        // Termination (LAL art 48(6)) needs a ground and reasons; the objection goes to the bureau.
        let id = ids[1].0;
        let (s, p) = app
            .post_json(
                &format!("/api/v1/cases/{id}/termination"),
                Some(&director),
                &json!({ "ground": "bored", "reason": "", "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/termination"),
            Some(&director),
            &json!({ "ground": "own_counsel", "reason": "受援人已自行委托律师。", "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "terminated");
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/objection"),
                Some(&director),
                &json!({ "reason": "本人并未委托律师。", "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "objection_pending");
        assert_eq!(deadline(&c, "objection_review")["met"], false);
        let objection = &c["objections"][0];
        let supervisor = app.token("supervisor").await;
        let (s, o) = app
        .post_json(
            &format!("/api/v1/objections/{}/decision", objection["id"]),
            Some(&supervisor),
            &json!({ "outcome": "correction_ordered", "reason": "经核实受援人未另行委托律师。", "version": objection["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&director))
            .await;
        assert_eq!(
            c["status"], "assigned",
            "handling resumes where it stood: {c}"
        );
        assert!(c["termination_ground"].is_null());
    }
);

async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    common::upload_file(app, token, path, name, bytes, "判决书副本").await
}

both!(
    the_handler_keeps_case_materials_and_is_reminded_of_the_agreement,
    |app| {
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let recipient = person(&app, &clerk, "郑红", "341504198808080022", "13955503333").await;
        let application = granted_wage_claim(&app, recipient, "某商贸公司").await;
        let (_, c) = app
            .post_json(
                &format!("/api/v1/applications/{application}/case"),
                Some(&director),
                &json!({}),
            )
            .await;
        let id = c["id"].as_i64().expect("id");
        let (lawyer, firm) = lawyer_staff(&app).await;
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{id}/assignment"),
                Some(&director),
                &json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");

        // Materials: the handler uploads and downloads them, though the application is
        // another unit's; another firm sees nothing; a file of the wrong kind is refused.
        let lawyer_token = app.token("lawyer").await;
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let (s, a) = upload(
            &app,
            &lawyer_token,
            &format!("/api/v1/cases/{id}/attachments"),
            "判决书.pdf",
            pdf.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["case_id"], id);
        let (s, _) = upload(
            &app,
            &lawyer_token,
            &format!("/api/v1/cases/{id}/attachments"),
            "x.exe",
            b"MZ\x90\x00".to_vec(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let res = app
            .http
            .get(app.url(&format!("/api/v1/attachments/{}", a["id"])))
            .bearer_auth(&lawyer_token)
            .send()
            .await
            .expect("download");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.expect("bytes").to_vec(), pdf);
        let other = app.token("lawyer2").await;
        let (s, _) = app
            .get_json(&format!("/api/v1/cases/{id}/attachments"), Some(&other))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let res = app
            .http
            .get(app.url(&format!("/api/v1/attachments/{}", a["id"])))
            .bearer_auth(&other)
            .send()
            .await
            .expect("download");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let (_, listed) = app
            .get_json(&format!("/api/v1/cases/{id}/attachments"), Some(&director))
            .await;
        assert_eq!(listed["total"], 1);
        let (_, of_application) = app
            .get_json(
                &format!("/api/v1/applications/{application}/attachments"),
                Some(&clerk),
            )
            .await;
        assert_eq!(
            of_application["total"], 0,
            "kept with the case, not the application"
        );

        // The day before the agreement is due (5 days, rolled past rest days): one reminder.
        let due = chrono::NaiveDate::parse_from_str(
            deadline(&c, "sign_agreement")["due"].as_str().expect("due"),
            "%Y-%m-%d",
        )
        .expect("date");
        let today = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()));
        assert_eq!(
            legalaid_app::cases::remind_agreements(&app.app)
                .await
                .expect("job"),
            0,
            "not yet due"
        );
        app.clock.advance(due - today - chrono::Duration::days(1));
        // Every instance runs the job: two at once still remind once.
        let twin = app.twin().await;
        let (a, b) = tokio::join!(
            legalaid_app::cases::remind_agreements(&app.app),
            legalaid_app::cases::remind_agreements(&twin.app)
        );
        assert_eq!(a.expect("job") + b.expect("job"), 1);
        assert_eq!(
            legalaid_app::cases::remind_agreements(&app.app)
                .await
                .expect("job"),
            0,
            "once"
        );
        // Days have passed: sign in again (tokens last a day).
        let director = app.token("director").await;
        let (_, m) = app
            .get_json(&format!("/api/v1/cases/{id}/messages"), Some(&director))
            .await;
        assert!(
            m["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "agreement_due" && x["audience"] == "handler"),
            "{m}"
        );
    }
);
