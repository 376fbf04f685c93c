//! Applications through the API: intake, the assessment, supplement and deemed
//! withdrawal, decisions (with their roles, reasons and concurrency), objections.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn applicant(app: &TestApp, token: &str, id_number: &str) -> i64 {
    let (s, p) = app
        .post_json("/api/v1/persons", Some(token), &json!({ "name": "王大力", "id_type": "resident_id", "id_number": id_number, "groups": ["migrant_worker"] }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

/// A migrant worker's wage claim received on 2024-09-26 (10:00 Beijing time).
fn wage_claim(applicant: i64) -> Value {
    json!({
        "applicant_id": applicant, "channel": "walk_in", "received_at": "2024-09-26T02:00:00Z",
        "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
        "opposing_party": "某建筑劳务有限公司", "summary": "申请人在工地务工，被拖欠工资三个月共计一万二千元。",
        "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
    })
}

fn deadline<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["code"] == code))
        .unwrap_or(&Value::Null)
}

both!(an_application_is_numbered_assessed_and_timed, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let (s, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["number"], "叶法援申〔2024〕1号");
    assert_eq!(a["status"], "received");
    let review = deadline(&a, "review_decision");
    assert_eq!(
        review["due"], "2024-10-08",
        "7 days, rolled over the National Day holiday: {a}"
    );
    assert_eq!(review["state"], "overdue", "it is long past 2024");
    let id = a["id"].as_i64().expect("id");

    let (s, x) = app
        .get_json(
            &format!("/api/v1/applications/{id}/assessment"),
            Some(&clerk),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(x["in_scope"], true);
    assert_eq!(x["article"], "《法律援助法》第三十一条第五项");
    assert_eq!(x["hardship_required"], true);
    assert_eq!(x["verification_exempt"], true);
    assert!(
        x["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("免予核查经济困难状况"),
        "{x}"
    );

    // A second application the same year gets the next number.
    let (_, b) = app
        .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
        .await;
    assert_eq!(b["number"], "叶法援申〔2024〕2号");
    // Overdue filter and plain filters.
    let (_, late) = app
        .get_json("/api/v1/applications?overdue=true", Some(&clerk))
        .await;
    assert_eq!(late["total"], 2);
    let (_, none) = app
        .get_json("/api/v1/applications?status=granted", Some(&clerk))
        .await;
    assert_eq!(none["total"], 0);
    // Visibility: the center sees it, a law firm does not.
    let reviewer = app.token("reviewer").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&reviewer))
        .await;
    assert_eq!(s, StatusCode::OK);
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both!(bad_applications_store_nothing, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let mut bad = wage_claim(person);
    bad["matter_code"] = json!("contract_dispute");
    bad["channel"] = json!("fax");
    bad["received_at"] = json!("2099-01-01T00:00:00Z");
    bad["service_form"] = json!("");
    bad["household"] = json!({ "members": 0, "monthly_income_fen": -5 });
    let (s, e) = app
        .post_json("/api/v1/applications", Some(&clerk), &bad)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    fields.dedup();
    for f in [
        "channel",
        "received_at",
        "matter_code",
        "service_form",
        "household",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let mut notified = wage_claim(person);
    notified["channel"] = json!("notified");
    let (s, e) = app
        .post_json("/api/v1/applications", Some(&clerk), &notified)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "notifying_organ");
    let mut nobody = wage_claim(person);
    nobody["applicant_id"] = json!(999_999);
    let (s, _) = app
        .post_json("/api/v1/applications", Some(&clerk), &nobody)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);
    // Only intake and review staff receive applications.
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .post_json("/api/v1/applications", Some(&lawyer), &wage_claim(person))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(
    decisions_need_the_approver_reasons_and_the_current_version,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
            .await;
        let id = a["id"].as_i64().expect("id");
        let path = format!("/api/v1/applications/{id}/decision");
        let (s, _) = app
            .post_json(
                &path,
                Some(&clerk),
                &json!({ "outcome": "granted", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a clerk does not decide");
        let director = app.token("director").await;
        let (s, e) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "outcome": "denied", "version": 1 }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a denial needs reasons: {e}"
        );
        assert_eq!(e["errors"][0]["field"], "reason");
        // Two approvers at once: one wins, the other gets 409.
        let admin = app.token("admin").await;
        let body = json!({ "outcome": "granted", "version": 1 });
        let (r1, r2) = tokio::join!(
            app.post_json(&path, Some(&director), &body),
            app.post_json(&path, Some(&admin), &body)
        );
        let mut statuses = [r1.0.as_u16(), r2.0.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", r1.1, r2.1);
        let (_, now) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&director))
            .await;
        assert_eq!(now["status"], "granted");
        assert_eq!(now["version"], 2);
        // Assignment within 3 days of the decision (taken today), as the engine counts them.
        let today = (legalaid_app::Clock::now(app.clock.as_ref()) + chrono::Duration::hours(8))
            .date_naive();
        let (_, expected) = app
            .get_json(
                &format!("/api/v1/calendar/deadline?start={today}&days=3"),
                None,
            )
            .await;
        assert_eq!(deadline(&now, "assign_after_grant")["due"], expected["due"]);
        // A second decision is a forbidden transition.
        let (s, _) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "outcome": "denied", "reason": "x", "version": 2 }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
);

both!(
    granting_against_the_assessment_needs_a_recorded_reason,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let mut rich = wage_claim(person);
        rich.as_object_mut()
            .expect("object")
            .remove("exemption_code");
        rich["household"] = json!({ "members": 1, "monthly_income_fen": 900_000 });
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &rich)
            .await;
        let id = a["id"].as_i64().expect("id");
        assert_eq!(a["assessment"]["verdict"], "ineligible", "{a}");
        let director = app.token("director").await;
        let path = format!("/api/v1/applications/{id}/decision");
        let (s, e) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "outcome": "granted", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, d) = app.post_json(&path, Some(&director), &json!({ "outcome": "granted", "reason": "申请人有重大疾病支出，经集体研究予以援助", "version": 1 })).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["against_assessment"], true);
        let supervisor = app.token("supervisor").await;
        let (_, list) = app
            .get_json(
                "/api/v1/applications?against_assessment=true",
                Some(&supervisor),
            )
            .await;
        assert_eq!(
            list["total"], 1,
            "supervisors can list decisions taken against the assessment"
        );
    }
);

both!(
    a_supplement_stops_the_clock_and_silence_means_withdrawal,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let mut claim = wage_claim(person);
        claim["received_at"] = json!(legalaid_app::Clock::now(app.clock.as_ref()).to_rfc3339());
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &claim)
            .await;
        let id = a["id"].as_i64().expect("id");
        let (s, e) = app
            .post_json(
                &format!("/api/v1/applications/{id}/supplement-request"),
                Some(&clerk),
                &json!({ "items": "", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, w) = app
            .post_json(
                &format!("/api/v1/applications/{id}/supplement-request"),
                Some(&clerk),
                &json!({ "items": "1. 劳动合同或工资条；2. 欠薪证明", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{w}");
        assert_eq!(w["status"], "awaiting_supplement");
        assert!(!deadline(&w, "supplement_period").is_null(), "{w}");
        let director = app.token("director").await;
        let (s, _) = app
            .post_json(
                &format!("/api/v1/applications/{id}/decision"),
                Some(&director),
                &json!({ "outcome": "granted", "version": 2 }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "no decision while materials are missing"
        );
        // Nothing arrives within the period: deemed withdrawn by the background job.
        assert_eq!(
            legalaid_app::applications::deem_withdrawn_overdue(&app.app)
                .await
                .expect("job"),
            0,
            "not yet"
        );
        app.clock.advance(chrono::Duration::days(20));
        assert_eq!(
            legalaid_app::applications::deem_withdrawn_overdue(&app.app)
                .await
                .expect("job"),
            1
        );
        assert_eq!(
            legalaid_app::applications::deem_withdrawn_overdue(&app.app)
                .await
                .expect("job"),
            0,
            "idempotent"
        );
        let clerk = app.token("clerk").await;
        let (_, now) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&clerk))
            .await;
        assert_eq!(now["status"], "deemed_withdrawn");
        // The applicant is told, and may apply again.
        let (_, m) = app
            .get_json(&format!("/api/v1/applications/{id}/messages"), Some(&clerk))
            .await;
        assert!(
            m["items"].as_array().is_some_and(|items| items
                .iter()
                .any(|x| x["kind"] == "deemed_withdrawn" && x["audience"] == "recipient")),
            "{m}"
        );
    }
);

both!(the_supplement_received_restarts_review, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let (_, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
        .await;
    let id = a["id"].as_i64().expect("id");
    app.post_json(
        &format!("/api/v1/applications/{id}/supplement-request"),
        Some(&clerk),
        &json!({ "items": "工资条", "version": 1 }),
    )
    .await;
    let (s, r) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-received"),
            Some(&clerk),
            &json!({ "version": 2 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "received");
    let (s, _) = app
        .post_json(
            &format!("/api/v1/applications/{id}/withdrawal"),
            Some(&clerk),
            &json!({ "version": 3 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post_json(
            &format!("/api/v1/applications/{id}/withdrawal"),
            Some(&clerk),
            &json!({ "version": 4 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "already withdrawn");
});

both!(
    objections_go_to_the_bureau_and_a_correction_reopens,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
            .await;
        let id = a["id"].as_i64().expect("id");
        let director = app.token("director").await;
        let (s, _) = app
            .post_json(
                &format!("/api/v1/applications/{id}/decision"),
                Some(&director),
                &json!({ "outcome": "denied", "reason": "经核实申请人已委托代理人", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, o) = app
            .post_json(
                &format!("/api/v1/applications/{id}/objection"),
                Some(&clerk),
                &json!({ "reason": "代理人已解除委托", "version": 2 }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        assert_eq!(o["status"], "objection_pending");
        assert!(
            !deadline(&o, "objection_review").is_null(),
            "5 days for the bureau: {o}"
        );
        let objection = o["objections"][0]["id"].as_i64().expect("objection id");
        let path = format!("/api/v1/objections/{objection}/decision");
        let (s, _) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "outcome": "upheld", "reason": "x", "version": 1 }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the center does not judge objections to itself"
        );
        let supervisor = app.token("supervisor").await;
        let (s, d) = app.post_json(&path, Some(&supervisor), &json!({ "outcome": "correction_ordered", "reason": "申请人已无代理人，应予援助", "version": 1 })).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (_, now) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&director))
            .await;
        assert_eq!(now["status"], "received", "reopened for a new decision");
        assert_eq!(now["outcome"], Value::Null);
        let (s, _) = app
            .post_json(
                &path,
                Some(&supervisor),
                &json!({ "outcome": "upheld", "reason": "x", "version": 2 }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "decided once");
    }
);

both!(
    notified_criminal_cases_skip_the_means_test_and_run_three_days,
    |app| {
        let clerk = app.token("reviewer").await;
        let person = applicant(&app, &clerk, "341504200801010013").await;
        let body = json!({
            "applicant_id": person, "channel": "notified", "notifying_organ": "court", "received_at": "2024-02-08T08:00:00Z",
            "matter_code": "criminal_defense_notified", "service_form": "criminal_defense", "procedural_role": "criminal_defendant",
            "case_organ": "六安市叶集区人民法院", "case_number": "（2024）皖1504刑初12号", "summary": "被告人系未成年人，法院通知指派辩护律师。"
        });
        let (s, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["assessment"]["verdict"], "eligible");
        assert_eq!(
            deadline(&a, "assign_notified")["due"],
            "2024-02-18",
            "3 days across the Spring Festival"
        );
        assert!(deadline(&a, "review_decision").is_null());
    }
);

both!(
    a_declaration_is_verified_later_and_a_false_one_flagged,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let mut claim = wage_claim(person);
        claim
            .as_object_mut()
            .expect("object")
            .remove("exemption_code");
        claim["declaration"] = json!({ "members": 2, "monthly_income_fen": 200_000 });
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &claim)
            .await;
        assert_eq!(a["assessment"]["needs_verification"], true, "{a}");
        let id = a["id"].as_i64().expect("id");
        let path = format!("/api/v1/applications/{id}/verification");
        let (s, e) = app
            .post_json(&path, Some(&clerk), &json!({ "method": "", "version": 1 }))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = e["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, ["method", "result", "date"]);
        let (s, v) = app
        .post_json(&path, Some(&clerk), &json!({ "method": "信息共享查询", "date": "2024-10-10", "result": "申请人名下有商品房两套，与承诺不符", "false_declaration": true, "version": 1 }))
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["false_declaration"], true);
        assert_eq!(v["verification_method"], "信息共享查询");
        // Applications without a declaration have nothing to verify.
        let (_, other) = app
            .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
            .await;
        let (s, _) = app
        .post_json(&format!("/api/v1/applications/{}/verification", other["id"]), Some(&clerk), &json!({ "method": "电话核实", "date": "2024-10-10", "result": "属实", "version": 1 }))
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
);

async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/applications/{id}/attachments");
    common::upload_file(app, token, &path, name, bytes, "身份证复印件").await
}

both!(attachments_are_checked_stored_and_downloaded, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let (_, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
        .await;
    let id = a["id"].as_i64().expect("id");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (s, att) = upload(&app, &clerk, id, "身份证.pdf", pdf.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{att}");
    assert_eq!(att["content_type"], "application/pdf");
    assert_eq!(att["filename"], "身份证.pdf");
    // Refused: a program named .pdf, an empty file, one over 10 MB.
    let (s, e) = upload(&app, &clerk, id, "evil.pdf", b"MZ\x90\x00\x03".to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "file");
    let (s, _) = upload(&app, &clerk, id, "empty.pdf", Vec::new()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (s, _) = upload(&app, &clerk, id, "big.pdf", big).await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::PAYLOAD_TOO_LARGE,
        "{s}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM attachments").await,
        1,
        "nothing stored for refused files"
    );
    let (_, list) = app
        .get_json(
            &format!("/api/v1/applications/{id}/attachments"),
            Some(&clerk),
        )
        .await;
    assert_eq!(list["total"], 1);
    let res = app
        .http
        .get(app.url(&format!("/api/v1/attachments/{}", att["id"])))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), pdf);
    let lawyer = app.token("lawyer").await;
    let res = app
        .http
        .get(app.url(&format!("/api/v1/attachments/{}", att["id"])))
        .bearer_auth(&lawyer)
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (s, _) = upload(&app, &lawyer, id, "x.pdf", pdf).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both!(
    pre_emptive_aid_is_granted_before_the_procedure_is_complete,
    |app| {
        let clerk = app.token("clerk").await;
        let person = applicant(&app, &clerk, "341504198502150016").await;
        let mut urgent = wage_claim(person);
        urgent["limitation_date"] = json!("2024-09-29");
        let (_, a) = app
            .post_json("/api/v1/applications", Some(&clerk), &urgent)
            .await;
        assert_eq!(
            a["assessment"]["pre_emptive"], true,
            "3 days to the limitation date: {a}"
        );
        let id = a["id"].as_i64().expect("id");
        let (_, w) = app
            .post_json(
                &format!("/api/v1/applications/{id}/supplement-request"),
                Some(&clerk),
                &json!({ "items": "劳动合同", "version": 1 }),
            )
            .await;
        assert_eq!(w["status"], "awaiting_supplement");
        let director = app.token("director").await;
        let (s, g) = app
            .post_json(
                &format!("/api/v1/applications/{id}/pre-emptive-grant"),
                Some(&director),
                &json!({ "version": 2 }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{g}");
        assert_eq!(g["status"], "granted");
        assert!(
            g["decision_reason"]
                .as_str()
                .unwrap_or_default()
                .contains("第四十四条")
        );
        // Not urgent: no pre-emptive aid.
        let (_, b) = app
            .post_json("/api/v1/applications", Some(&clerk), &wage_claim(person))
            .await;
        let (s, _) = app
            .post_json(
                &format!("/api/v1/applications/{}/pre-emptive-grant", b["id"]),
                Some(&director),
                &json!({ "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
);

both!(income_by_source_must_add_up, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let mut claim = wage_claim(person);
    claim
        .as_object_mut()
        .expect("object")
        .remove("exemption_code");
    claim["household"] = json!({ "members": 2, "monthly_income_fen": 240_000 });
    claim["income_sources"] = json!([{ "source": "工资", "monthly_fen": 180_000 }, { "source": "养老金", "monthly_fen": 50_000 }]);
    claim["assets"] = json!("自有住房一套（农村宅基地）");
    let (s, e) = app
        .post_json("/api/v1/applications", Some(&clerk), &claim)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "income_sources");
    claim["income_sources"][1]["monthly_fen"] = json!(60_000);
    let (s, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &claim)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["income_sources"][1]["source"], "养老金");
    assert_eq!(a["assets"], "自有住房一套（农村宅基地）");
});

both!(the_verification_page_records_the_check, |app| {
    let clerk = app.token("clerk").await;
    let person = applicant(&app, &clerk, "341504198502150016").await;
    let mut claim = wage_claim(person);
    claim
        .as_object_mut()
        .expect("object")
        .remove("exemption_code");
    claim["declaration"] = json!({ "members": 2, "monthly_income_fen": 200_000 });
    let (_, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &claim)
        .await;
    let id = a["id"].as_i64().expect("id");
    let b = app.browser("clerk").await;
    let (_, html) = b.get(&format!("/applications/{id}")).await;
    assert!(html.contains("核查诚信承诺"), "a link on the review page");
    let token = b.csrf(&format!("/applications/{id}/verification")).await;
    let (s, html, _) = b
        .post_form(
            &format!("/applications/{id}/verification"),
            &[
                ("_csrf", &token),
                ("method", "函询"),
                ("date", ""),
                ("result", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!common::select(&html, ".field-error").is_empty());
    let (s, _, to) = b
        .post_form(
            &format!("/applications/{id}/verification"),
            &[
                ("_csrf", &token),
                ("method", "函询"),
                ("date", "2024-10-08"),
                ("result", "村委会复函，与承诺一致"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(
        (s, to),
        (StatusCode::SEE_OTHER, Some(format!("/applications/{id}")))
    );
    let (_, now) = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&clerk))
        .await;
    assert_eq!(now["verification_method"], "函询");
    assert_eq!(now["false_declaration"], false);
});

both!(
    the_list_gives_each_application_its_nearest_running_deadline,
    |app| {
        // The list reads the pauses and objections of a whole page at once; each
        // item's deadline must be the one its own page shows first: without a
        // pause, after a pause that ended (the review clock moved by it), during
        // one, and with an objection waiting. On a fixed Monday of working weeks:
        // the review clock against the objection's depends on the weekends and
        // holidays between them, which a clock taken from the day the suite runs
        // varied (at 00:05 on 2026-12-09 the review's came first).
        app.clock.set(
            chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")
                .expect("time")
                .to_utc(),
        );
        let clerk = app.token("clerk").await;
        let now = common::now_rfc3339(&app);
        let mut ids = Vec::new();
        for first17 in [
            "34150419850215001",
            "34150419860315002",
            "34150419870415003",
            "34150419880515004",
        ] {
            let person = applicant(&app, &clerk, &common::resident_id(first17)).await;
            let mut claim = wage_claim(person);
            claim["received_at"] = json!(now);
            let (s, a) = app
                .post_json("/api/v1/applications", Some(&clerk), &claim)
                .await;
            assert_eq!(s, StatusCode::CREATED, "{a}");
            ids.push(a["id"].as_i64().expect("id"));
        }
        // A fresh token each time: moving the clock on ends the earlier ones.
        let act = |id: i64, step: &'static str, body: Value, user: &'static str| {
            let app = &app;
            async move {
                let token = app.token(user).await;
                let (s, v) = app
                    .post_json(
                        &format!("/api/v1/applications/{id}/{step}"),
                        Some(&token),
                        &body,
                    )
                    .await;
                assert!(s.is_success(), "{step}: {s} {v}");
            }
        };
        // ids[1] and ids[3] wait five days for materials; ids[3] is then denied and
        // objected to (its review clock, moved by the pause, is then further off
        // than the objection's).
        let items = json!({ "items": "工资条", "version": 1 });
        for id in [ids[1], ids[3]] {
            act(id, "supplement-request", items.clone(), "clerk").await;
        }
        app.clock.advance(chrono::Duration::days(5));
        for id in [ids[1], ids[3]] {
            act(id, "supplement-received", json!({ "version": 2 }), "clerk").await;
        }
        let denied =
            json!({ "outcome": "denied", "reason": "经核实申请人已委托代理人", "version": 3 });
        act(ids[3], "decision", denied, "director").await;
        let objection = json!({ "reason": "代理人已解除委托", "version": 4 });
        act(ids[3], "objection", objection, "clerk").await;
        act(ids[2], "supplement-request", items, "clerk").await;
        // A pause still open counts until today.
        app.clock.advance(chrono::Duration::days(3));

        let director = app.token("director").await;
        let (s, list) = app
            .get_json("/api/v1/applications?per_page=50", Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let mut listed = Vec::new();
        for id in &ids {
            let item = list["items"]
                .as_array()
                .and_then(|a| a.iter().find(|i| i["id"] == *id))
                .unwrap_or_else(|| panic!("{id} listed: {list}"));
            let (s, view) = app
                .get_json(&format!("/api/v1/applications/{id}"), Some(&director))
                .await;
            assert_eq!(s, StatusCode::OK, "{view}");
            // The view's first running deadline, the nearest one.
            let mut running: Vec<&Value> = view["deadlines"]
                .as_array()
                .expect("deadlines")
                .iter()
                .filter(|d| d["met"] == false)
                .collect();
            running.sort_by_key(|d| d["due"].as_str().unwrap_or_default().to_owned());
            let expected = running.first().copied().cloned().unwrap_or(Value::Null);
            assert_eq!(item["next_deadline"], expected, "application {id}: {view}");
            assert_eq!(item["status"], view["status"]);
            listed.push(item["next_deadline"].clone());
        }
        assert_eq!(listed[0]["code"], "review_decision", "{listed:?}");
        assert_eq!(listed[1]["code"], "review_decision", "{listed:?}");
        assert_ne!(
            listed[0]["due"], listed[1]["due"],
            "the ended pause moved the review deadline: {listed:?}"
        );
        assert_ne!(
            listed[0]["due"], listed[2]["due"],
            "so does the open one, until today: {listed:?}"
        );
        assert_eq!(listed[3]["code"], "objection_review", "{listed:?}");
    }
);
