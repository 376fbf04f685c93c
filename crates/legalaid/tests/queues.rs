//! Work queues: each role sees what waits on it, in its own units, with the
//! deadline; an item leaves the queue when its work is done; filters agree with
//! the list; supervisors see every queue of their region.

mod common;

use common::{TestApp, lawyer_staff, select};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The caller's queue items for the record numbered `number`.
async fn items_for(app: &TestApp, token: &str, number: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let (s, q) = app
            .get_json(
                &format!("/api/v1/work-queue?per_page=200&page={page}"),
                Some(token),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{q}");
        let items = q["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            return out;
        }
        out.extend(items.into_iter().filter(|i| i["number"] == number));
        page += 1;
    }
}

async fn codes_for(app: &TestApp, token: &str, number: &str) -> Vec<String> {
    items_for(app, token, number)
        .await
        .iter()
        .map(|i| i["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn person(app: &TestApp, token: &str, id_number: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": "程小兵", "id_type": "resident_id", "id_number": id_number }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn apply(app: &TestApp, token: &str, applicant: i64) -> Value {
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(token),
            &json!({
                "applicant_id": applicant, "channel": "walk_in", "received_at": common::now_rfc3339(app),
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                "opposing_party": "某劳务派遣公司", "summary": "被拖欠工资。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

both!(each_role_sees_its_work_until_it_is_done, |app| {
    let clerk = app.token("clerk").await;
    let pinggang = common::clerk_of(&app, "叶集区平岗街道司法所", "liufang").await;
    let reviewer = app.token("reviewer").await;
    let director = app.token("director").await;
    let supervisor = app.token("supervisor").await;
    let lawyer = app.token("lawyer").await;
    let lawyer2 = app.token("lawyer2").await;

    // Received at 史河: the center's review, with its 7-day deadline.
    let applicant = person(&app, &clerk, "341504198803120013").await;
    let a = apply(&app, &clerk, applicant).await;
    let id = a["id"].as_i64().expect("id");
    let number = a["number"].as_str().expect("number").to_owned();
    let review = items_for(&app, &reviewer, &number).await;
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0]["code"], "review_decision");
    assert_eq!(review[0]["state"], "running");
    assert_eq!(review[0]["href"], format!("/applications/{id}"));
    assert_eq!(review[0]["unit_name"], "叶集区史河街道司法所");
    assert_eq!(
        codes_for(&app, &director, &number).await,
        ["review_decision"]
    );
    // Not the clerks' (nothing waits on intake), nor the bureau's, nor a lawyer's.
    for t in [&clerk, &pinggang, &supervisor, &lawyer] {
        assert!(codes_for(&app, t, &number).await.is_empty());
    }

    // A supplement notice stops the review clock; the materials are the intake's
    // work at 史河 (not at 平岗).
    let (s, w) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-request"),
            Some(&clerk),
            &json!({ "items": "工资条", "version": a["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert!(codes_for(&app, &reviewer, &number).await.is_empty());
    assert_eq!(
        codes_for(&app, &clerk, &number).await,
        ["supplement_period"]
    );
    assert!(codes_for(&app, &pinggang, &number).await.is_empty());
    let (s, w) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-received"),
            Some(&clerk),
            &json!({ "version": w["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert!(codes_for(&app, &clerk, &number).await.is_empty());
    assert_eq!(
        codes_for(&app, &reviewer, &number).await,
        ["review_decision"]
    );
    let due_before = items_for(&app, &reviewer, &number).await[0]["due"].clone();

    // The notice is one-time (一次性告知): a second one needs its reason, and the
    // review clock keeps running (the review stays in the reviewer's queue, due as before).
    let (s, e) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-request"),
            Some(&clerk),
            &json!({ "items": "劳动合同", "version": w["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "reason");
    let (s, w) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-request"),
            Some(&clerk),
            &json!({ "items": "劳动合同", "reason": "补充的工资条显示另有用工单位，需说明劳动关系", "version": w["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert!(
        w["supplement_items"]
            .as_str()
            .is_some_and(|t| t.contains("再次告知的原因")),
        "{w}"
    );
    let review = items_for(&app, &reviewer, &number).await;
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0]["due"], due_before, "the clock did not stop again");
    assert_eq!(
        codes_for(&app, &clerk, &number).await,
        ["supplement_period"]
    );
    let (s, w) = app
        .post_json(
            &format!("/api/v1/applications/{id}/supplement-received"),
            Some(&clerk),
            &json!({ "version": w["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{w}");

    // Granted: the center opens and assigns the case within 3 days.
    let (s, g) = app
        .post_json(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&director),
            &json!({ "outcome": "granted", "reason": "", "version": w["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(
        codes_for(&app, &reviewer, &number).await,
        ["assign_after_grant"]
    );
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{id}/case"),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let case_id = c["id"].as_i64().expect("id");
    let case_number = c["number"].as_str().expect("number").to_owned();
    assert!(
        codes_for(&app, &reviewer, &number).await.is_empty(),
        "now the case's"
    );
    assert_eq!(
        codes_for(&app, &reviewer, &case_number).await,
        ["assign_after_grant"]
    );

    // Assigned to a lawyer: the agreement is theirs, not the other firm's lawyer's.
    let (staff, firm) = lawyer_staff(&app).await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/assignment"),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": staff, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(codes_for(&app, &director, &case_number).await.is_empty());
    let mine = items_for(&app, &lawyer, &case_number).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["code"], "sign_agreement");
    assert_eq!(mine[0]["href"], format!("/cases/{case_id}"));
    assert!(codes_for(&app, &lawyer2, &case_number).await.is_empty());
    let today = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()));
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/agreement"),
            Some(&lawyer),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(
        codes_for(&app, &lawyer, &case_number).await.is_empty(),
        "signed"
    );

    // A denial objected to: 5 days for the bureau, gone once decided.
    let other = person(&app, &pinggang, "341504197706060018").await;
    let b = apply(&app, &pinggang, other).await;
    let b_number = b["number"].as_str().expect("number").to_owned();
    let b_id = b["id"].as_i64().expect("id");
    let (s, d) = app
        .post_json(
            &format!("/api/v1/applications/{b_id}/decision"),
            Some(&director),
            &json!({ "outcome": "denied", "reason": "申请人已委托律师", "version": b["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, o) = app
        .post_json(
            &format!("/api/v1/applications/{b_id}/objection"),
            Some(&pinggang),
            &json!({ "reason": "委托已解除", "version": d["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(
        codes_for(&app, &supervisor, &b_number).await,
        ["objection_review"]
    );
    assert!(codes_for(&app, &reviewer, &b_number).await.is_empty());
    let objection = o["objections"][0]["id"].as_i64().expect("objection");
    let (s, _) = app
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            Some(&supervisor),
            &json!({ "outcome": "upheld", "reason": "维持", "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(codes_for(&app, &supervisor, &b_number).await.is_empty());
    // The applicant is told of the outcome.
    let (s, m) = app
        .get_json(
            &format!("/api/v1/applications/{b_id}/messages"),
            Some(&pinggang),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert!(
        m["items"].as_array().is_some_and(|items| items
            .iter()
            .any(|x| x["kind"] == "objection_upheld" && x["audience"] == "recipient")),
        "{m}"
    );

    // The pages: the lawyer's home lists nothing of the signed case; the reviewer's
    // lists the new work with its deadline and a link.
    let c2 = person(&app, &clerk, "341504196512120014").await;
    let n = apply(&app, &clerk, c2).await;
    let n_number = n["number"].as_str().expect("number");
    let due = items_for(&app, &reviewer, n_number).await[0]["due"]
        .as_str()
        .expect("due")
        .to_owned();
    let (_, home) = app.browser("reviewer").await.get("/").await;
    let rows = select(&home, ".queue li");
    assert!(
        rows.iter().any(|r| r.contains(n_number)
            && r.contains("审查申请并作出是否给予法律援助的决定")
            && r.contains(&format!("期限 {due}"))
            && r.contains("剩余")),
        "{rows:?}"
    );
});

both!(
    filters_agree_with_the_list_and_lists_page_through_everything,
    |app| {
        let clerk = app.token("clerk").await;
        let reviewer = app.token("reviewer").await;
        // Twelve applications: four received a month ago (overdue), the rest today.
        let now = legalaid_app::Clock::now(app.clock.as_ref());
        for i in 0..12u32 {
            let first17 = format!("3415041990010{:03}1", 100 + i);
            let id_number = format!(
                "{first17}{}",
                legalaid_domain::id_number::check_char(&first17).unwrap_or('0')
            );
            let p = person(&app, &clerk, &id_number).await;
            let received = if i < 4 {
                now - chrono::Duration::days(30)
            } else {
                now
            };
            let (s, a) = app
            .post_json(
                "/api/v1/applications",
                Some(&clerk),
                &json!({
                    "applicant_id": p, "channel": "walk_in", "received_at": received.to_rfc3339(),
                    "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                    "opposing_party": "某公司", "summary": "被拖欠工资。",
                    "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
                }),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{a}");
        }
        let (s, all) = app
            .get_json("/api/v1/work-queue?per_page=5", Some(&reviewer))
            .await;
        assert_eq!(s, StatusCode::OK, "{all}");
        let total = all["total"].as_i64().expect("total");
        assert_eq!(all["all"], all["total"]);
        assert!(total >= 12, "{all}");
        assert!(all["overdue"].as_i64() >= Some(4), "{all}");
        // Page through everything: every item once, earliest due first.
        let mut seen = Vec::new();
        for page in 1..=(total + 4) / 5 {
            let (_, p) = app
                .get_json(
                    &format!("/api/v1/work-queue?per_page=5&page={page}"),
                    Some(&reviewer),
                )
                .await;
            seen.extend(p["items"].as_array().cloned().unwrap_or_default());
        }
        assert_eq!(seen.len() as i64, total);
        let dues: Vec<&str> = seen.iter().filter_map(|i| i["due"].as_str()).collect();
        assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        // The overdue filter's count is the number of items it lists.
        let (_, over) = app
            .get_json(
                "/api/v1/work-queue?due=overdue&per_page=200",
                Some(&reviewer),
            )
            .await;
        assert_eq!(over["total"], all["overdue"]);
        assert_eq!(
            over["items"].as_array().map(Vec::len),
            over["total"].as_u64().map(|n| n as usize)
        );
        assert!(
            over["items"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|i| i["state"] == "overdue")
        );
        let (s, e) = app
            .get_json("/api/v1/work-queue?due=later", Some(&reviewer))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

        // The region's queues are the supervisors'; a lawyer is refused.
        let supervisor = app.token("supervisor").await;
        let (s, r) = app
            .get_json("/api/v1/work-queue/region", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert!(r["total"].as_i64() >= Some(total), "{r}");
        let lawyer = app.token("lawyer").await;
        let (s, _) = app
            .get_json("/api/v1/work-queue/region", Some(&lawyer))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, page) = app
            .browser("supervisor")
            .await
            .get("/queues?due=overdue")
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("辖区各单位的待办事项"), "{page}");
        let (s, _) = app.browser("lawyer").await.get("/queues").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

both!(
    a_declaration_found_false_after_the_grant_leads_to_termination,
    |app| {
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let applicant = person(&app, &clerk, "341504198803120013").await;
        let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({
                "applicant_id": applicant, "channel": "walk_in", "received_at": common::now_rfc3339(&app),
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                "opposing_party": "某劳务派遣公司", "summary": "被拖欠工资。",
                "declaration": { "members": 2, "monthly_income_fen": 200_000 }
            }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().expect("id");
        let (s, g) = app
        .post_json(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&director),
            &json!({ "outcome": "granted", "reason": "依申请人的个人诚信承诺，先行给予法律援助，事后核查。", "version": a["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{g}");
        let (s, c) = app
            .post_json(
                &format!("/api/v1/applications/{id}/case"),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let case_id = c["id"].as_i64().expect("case");
        let case_number = c["number"].as_str().expect("number").to_owned();
        assert!(
            !codes_for(&app, &director, &case_number)
                .await
                .contains(&"false_declaration".to_owned())
        );

        // The verification finds the declaration false: the director is to terminate
        // the aid, on the first ground of LAL art 48, proposed on the form.
        let today = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()));
        let (s, v) = app
        .post_json(
            &format!("/api/v1/applications/{id}/verification"),
            Some(&clerk),
            &json!({ "method": "信息共享查询", "date": today, "result": "申请人名下有商品房两套，与承诺不符", "false_declaration": true, "version": g["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let items = items_for(&app, &director, &case_number).await;
        assert!(
            items
                .iter()
                .any(|i| i["code"] == "false_declaration"
                    && i["href"] == format!("/cases/{case_id}")),
            "{items:?}"
        );
        let (s, page) = app
            .browser("director")
            .await
            .get(&format!("/cases/{case_id}/terminate"))
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(
            select(&page, "select[name=ground] option[selected]"),
            ["受援人以欺骗或者其他不正当手段获得法律援助（《法律援助法》第四十八条第一款第一项）"],
            "{page}"
        );
        assert!(page.contains("与承诺不符"), "{page}");
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{case_id}"), Some(&director))
            .await;
        let (s, t) = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/termination"),
            Some(&director),
            &json!({ "ground": "deception", "reason": "个人诚信承诺不实。", "version": c["version"] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert!(
            !codes_for(&app, &director, &case_number)
                .await
                .contains(&"false_declaration".to_owned()),
            "terminated: nothing left to do"
        );
    }
);
