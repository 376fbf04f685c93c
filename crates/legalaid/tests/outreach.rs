//! Outreach through HTTP on both backends (issue 11 items 2–4): a consultation
//! becomes an application in one step and counts in the quarterly report; a
//! detention house's duty roster, a help record and the subsidy from the
//! schedule; a publicity activity with the consultations taken on the spot and
//! its figures; who may see and do what; bad input; the roster race.

mod common;

use common::{TestApp, hidden, lawyer_staff, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today(app: &TestApp) -> chrono::NaiveDate {
    legalaid_domain::local_date(app.clock.now())
}

async fn person(app: &TestApp, token: &str, name: &str, id17: &str) -> i64 {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17),
                     "phone": "13956001234", "groups": ["migrant_worker"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn consult(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, v) = app
        .post_json("/api/v1/consultations", Some(token), &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

fn col(report: &Value, n: i64) -> i64 {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["column"] == n)
        .and_then(|c| c["count"].as_i64())
        .unwrap_or_else(|| panic!("column {n} in {report}"))
}

both!(a_consultation_becomes_an_application_in_one_step, |app| {
    let clerk = app.token("clerk").await;
    let pinggang = app.token("clerk_pinggang").await;
    let supervisor = app.token("supervisor").await;
    let p = person(&app, &clerk, "周桂英", "34150419800101012").await;
    let k = consult(
        &app,
        &clerk,
        json!({ "channel": "visit", "person_id": p, "topic": "wages", "duration_minutes": 20,
                "question": "在建筑工地打工，包工头拖欠工资八个月。", "answer": "可申请法律援助，并告知所需材料。" }),
    )
    .await;
    assert_eq!(
        k["consultation"]["name"], "周桂英",
        "prefilled from the register"
    );
    assert_eq!(k["groups"], json!(["migrant_worker"]), "{k}");
    assert_eq!(k["actions"], json!(["to_application"]));
    let id = k["consultation"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/consultations/{id}");
    let applications = app.scalar("SELECT COUNT(*) FROM applications").await;

    // Another judicial office does not learn it exists; the bureau reads but
    // does not take applications.
    let (s, _) = app.get_json(&path, Some(&pinggang)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let body = json!({ "version": 1, "matter_code": "labor_remuneration",
                       "service_form": "litigation_representation" });
    let (s, _) = app
        .post_json(&format!("{path}/application"), Some(&pinggang), &body)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = app.get_json(&path, Some(&supervisor)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["actions"], json!([]));
    let (s, _) = app
        .post_json(&format!("{path}/application"), Some(&supervisor), &body)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Bad input: nothing is made.
    let (s, e) = app
        .post_json(
            &format!("{path}/application"),
            Some(&clerk),
            &json!({ "version": 1, "matter_code": "no_such_matter", "service_form": "litigation_representation" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM applications").await,
        applications
    );

    // One step: the application is received, prefilled, and remembered.
    let (s, c) = app
        .post_json(&format!("{path}/application"), Some(&clerk), &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let aid = c["application_id"].as_i64().expect("application");
    assert_eq!(c["consultation"]["consultation"]["outcome"], "applied");
    assert_eq!(
        c["consultation"]["application_number"],
        c["application_number"]
    );
    let (s, a) = app
        .get_json(&format!("/api/v1/applications/{aid}"), Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(
        a["channel"], "judicial_office",
        "a visit to a judicial office: {a}"
    );
    assert_eq!(a["applicant_id"], p);
    assert_eq!(a["summary"], "在建筑工地打工，包工头拖欠工资八个月。");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM applications").await,
        applications + 1
    );

    // A second time is refused, and makes nothing.
    let (s, e) = app
        .post_json(
            &format!("{path}/application"),
            Some(&clerk),
            &json!({ "version": 2, "matter_code": "labor_remuneration", "service_form": "litigation_representation" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM applications").await,
        applications + 1
    );

    // An anonymous hotline call needs an applicant registered first.
    let anon = consult(
        &app,
        &clerk,
        json!({ "channel": "hotline_12348", "topic": "traffic_accident",
                "question": "交通事故对方不赔偿怎么办？", "answer": "告知诉讼时效和申请法律援助的条件。" }),
    )
    .await;
    let (s, e) = app
        .post_json(
            &format!("/api/v1/consultations/{}/application", anon["consultation"]["id"]),
            Some(&clerk),
            &json!({ "version": 1, "matter_code": "injury_traffic", "service_form": "litigation_representation" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("applicant_id"), "{e}");

    // The same step on the consultation's page, once the caller is registered.
    let p2 = person(&app, &clerk, "黄国庆", "34150419700303013").await;
    let b = app.browser("clerk").await;
    let page = format!("/consultations/{}", anon["consultation"]["id"]);
    let (s, html) = b.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("转为法律援助申请"), "{html}");
    let action = format!("{page}/application");
    let version = hidden(&html, &action, "version");
    let csrf = b.csrf(&page).await;
    let (s, body, to) = b
        .post_form(
            &action,
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("applicant_id", &p2.to_string()),
                ("matter_code", "injury_traffic"),
                ("service_form", "litigation_representation"),
                ("summary", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert!(to.is_some_and(|t| t.starts_with("/applications/")));
    let (_, v) = app.get_json(&format!("/api/v1{page}"), Some(&clerk)).await;
    assert_eq!(v["consultation"]["outcome"], "applied", "{v}");
    assert_eq!(v["actions"], json!([]));
});

both!(
    two_clerks_at_once_turn_a_consultation_into_one_application,
    |app| {
        let clerk = app.token("clerk").await;
        let p = person(&app, &clerk, "韩玉兰", "34150419660606026").await;
        let twin = app.twin().await;
        for round in 0..3 {
            let k = consult(
                &app,
                &clerk,
                json!({ "channel": "phone", "person_id": p, "topic": "elder_support",
                    "question": format!("赡养费（{round}）"), "answer": "可起诉" }),
            )
            .await;
            let path = format!(
                "/api/v1/consultations/{}/application",
                k["consultation"]["id"]
            );
            let before = app.scalar("SELECT COUNT(*) FROM applications").await;
            let body = json!({ "version": 1, "matter_code": "support_payment", "service_form": "litigation_representation" });
            let a = app
                .http
                .post(app.url(&path))
                .bearer_auth(&clerk)
                .json(&body)
                .send();
            let b = app
                .http
                .post(twin.url(&path))
                .bearer_auth(&clerk)
                .json(&body)
                .send();
            let (a, b) = tokio::join!(a, b);
            let mut statuses = [a.expect("a").status(), b.expect("b").status()];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::CREATED, StatusCode::CONFLICT],
                "round {round}"
            );
            assert_eq!(
                app.scalar("SELECT COUNT(*) FROM applications").await,
                before + 1,
                "one application"
            );
        }
    }
);

both!(a_workstation_keeps_its_own_roster, |app| {
    let kss = app.unit_id("叶集区看守所法律援助工作站").await;
    let court = app.unit_id("叶集区人民法院法律援助工作站").await;
    let station = common::account(&app, "kss_clerk", kss, "intake_clerk").await;
    let director = app.token("director").await;
    let (staff, _) = lawyer_staff(&app).await;
    let d = today(&app);
    let (s, r) = app
        .post_json(
            "/api/v1/duty/roster",
            Some(&station),
            &json!({ "workstation_id": kss, "duty_date": d, "staff_id": staff }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, e) = app
        .post_json("/api/v1/duty/roster", Some(&station),
            &json!({ "workstation_id": court, "duty_date": d + chrono::Duration::days(1), "staff_id": staff }))
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another station is not its own: {e}"
    );
    let (s, _) = app
        .post_json("/api/v1/duty/roster", Some(&director),
            &json!({ "workstation_id": court, "duty_date": d + chrono::Duration::days(1), "staff_id": staff }))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, own) = app.get_json("/api/v1/duty/roster", Some(&station)).await;
    assert_eq!(own["total"], 1, "its own station only: {own}");
    let (_, all) = app.get_json("/api/v1/duty/roster", Some(&director)).await;
    assert_eq!(all["total"], 2, "{all}");
    // Its clerk records the consultations of its visitors, seen by the center.
    let k = consult(
        &app,
        &station,
        json!({ "channel": "visit", "topic": "theft", "question": "家属来访", "answer": "解答" }),
    )
    .await;
    assert_eq!(k["unit_name"], "叶集区看守所法律援助工作站");
    let (s, _) = app
        .get_json(
            &format!("/api/v1/consultations/{}", k["consultation"]["id"]),
            Some(&director),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .send_json(
            reqwest::Method::DELETE,
            &format!("/api/v1/duty/roster/{}", r["id"]),
            Some(&station),
            &json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NO_CONTENT,
        "a day without help comes off the roster"
    );
});

both!(
    the_quarterly_report_counts_every_channel_and_checks_its_rules,
    |app| {
        let clerk = app.token("clerk").await;
        let pinggang = app.token("clerk_pinggang").await;
        let director = app.token("director").await;
        let lawyer = app.token("lawyer").await;
        let q = |c: &str, topic: &str, groups: Value| {
            json!({ "channel": c, "topic": topic, "groups": groups, "duration_minutes": 5,
                "question": "咨询问题", "answer": "解答意见" })
        };
        for (c, t, g) in [
            ("phone", "theft", json!(["woman"])),
            (
                "hotline_12348",
                "wages",
                json!(["migrant_worker", "farmer"]),
            ),
            ("hotline_12348", "private_lending", json!([])),
            ("visit", "social_insurance", json!(["elderly", "woman"])),
            ("letter", "marriage_family", json!(["woman"])),
            ("online", "other_civil", json!([])),
            ("other", "other_criminal", json!(["minor"])),
        ] {
            consult(&app, &clerk, q(c, t, g)).await;
        }
        consult(
            &app,
            &pinggang,
            q("visit", "wages", json!(["migrant_worker"])),
        )
        .await;

        // Bad input is refused whole, naming each field, and nothing is stored.
        let before = app.scalar("SELECT COUNT(*) FROM consultations").await;
        let (s, e) = app
            .post_json(
                "/api/v1/consultations",
                Some(&clerk),
                &json!({ "channel": "fax", "topic": "alchemy", "question": "", "answer": "",
                     "duration_minutes": 5000, "outcome": "referred", "groups": ["aliens"] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        for field in [
            "channel",
            "topic",
            "question",
            "answer",
            "duration_minutes",
            "referred_to",
            "groups",
        ] {
            assert!(e.to_string().contains(field), "{field}: {e}");
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM consultations").await,
            before
        );
        let (s, _) = app
            .post_json(
                "/api/v1/consultations",
                Some(&lawyer),
                &q("visit", "wages", json!([])),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.get_json("/api/v1/consultations", Some(&lawyer)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The judicial office sees its own; the center its region.
        let (_, mine) = app.get_json("/api/v1/consultations", Some(&pinggang)).await;
        assert_eq!(mine["total"], 1, "{mine}");
        let (_, all) = app
            .get_json(
                "/api/v1/consultations?channel=hotline_12348",
                Some(&director),
            )
            .await;
        assert_eq!(all["total"], 2, "{all}");

        let d = today(&app);
        let quarter = (chrono::Datelike::month(&d) - 1) / 3 + 1;
        let url = format!(
            "/api/v1/consultations/report?year={}&quarter={quarter}",
            chrono::Datelike::year(&d)
        );
        let (s, r) = app.get_json(&url, Some(&director)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["total"], 8, "{r}");
        assert_eq!(
            (col(&r, 1), col(&r, 2), col(&r, 3), col(&r, 4)),
            (8, 3, 2, 2)
        );
        assert_eq!((col(&r, 5), col(&r, 6), col(&r, 7)), (1, 1, 1));
        assert_eq!(
            (col(&r, 8), col(&r, 11), col(&r, 12)),
            (3, 2, 0),
            "women, migrant workers, military"
        );
        assert_eq!(
            (col(&r, 18), col(&r, 24), col(&r, 28), col(&r, 32)),
            (2, 1, 5, 2)
        );
        assert_eq!(
            (col(&r, 38), col(&r, 40), col(&r, 43), col(&r, 44)),
            (1, 1, 1, 1)
        );
        let checks = r["checks"].as_array().expect("checks");
        assert_eq!(checks.len(), 3);
        assert!(checks.iter().all(|c| c["holds"] == true), "{r}");

        let (_, own) = app.get_json(&url, Some(&pinggang)).await;
        assert_eq!(own["total"], 1, "a judicial office counts its own: {own}");
        let (s, e) = app
            .get_json(&format!("{url}&region=341502"), Some(&director))
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside the region: {e}"
        );
        let (s, _) = app
            .get_json(
                "/api/v1/consultations/report?year=2026&quarter=5",
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // The pages: the list with its export, the form, the report.
        let b = app.browser("director").await;
        let (s, html) = b.get("/consultations").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("法律咨询") && html.contains("叶集区平岗街道司法所"),
            "{html}"
        );
        let (s, html) = b
            .get(&format!(
                "/consultations/report?year={}&quarter={quarter}",
                chrono::Datelike::year(&d)
            ))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("1 = 2+4+5+6+7") && html.contains("咨询总计"),
            "{html}"
        );
        let (s, csv) = b.get("/consultations/export.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(csv.lines().count(), 9, "a header and eight rows: {csv}");
        let (s, csv) = b
            .get(&format!(
                "/consultations/report.csv?year={}&quarter={quarter}",
                chrono::Datelike::year(&d)
            ))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("咨询总计,8"), "{csv}");
        let c = app.browser("clerk").await;
        let (s, html) = c.get("/consultations/new").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("name=\"channel\""), "{html}");
    }
);

both!(
    a_detention_house_roster_help_and_the_subsidy_from_the_schedule,
    |app| {
        let director = app.token("director").await;
        let supervisor = app.token("supervisor").await;
        let clerk = app.token("clerk").await;
        let lawyer = app.token("lawyer").await;
        let lawyer2 = app.token("lawyer2").await;
        let (staff, _) = lawyer_staff(&app).await;
        let kss = app.unit_id("叶集区看守所法律援助工作站").await;
        let court = app.unit_id("叶集区人民法院法律援助工作站").await;
        let union = app.unit_id("叶集区总工会法律援助工作站").await;
        let d = today(&app);
        let yesterday = d.pred_opt().expect("day");
        let messages = app
            .scalar("SELECT COUNT(*) FROM messages WHERE kind = 'duty_roster'")
            .await;

        let (s, r) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": kss, "duty_date": d, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["host"], "detention_house");
        assert!(
            r["reminded_at"].is_null(),
            "a duty of today tells no one: {r}"
        );
        let tomorrow = d.succ_opt().expect("day");
        let (s, t) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": kss, "duty_date": tomorrow, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        assert!(t["reminded_at"].is_string(), "told before the duty: {t}");
        assert!(
            app.scalar("SELECT COUNT(*) FROM messages WHERE kind = 'duty_roster'")
                .await
                > messages,
            "the lawyer is told through the outbox"
        );
        // A day further ahead is told now, and reminded the day before by the job, once.
        let later = d + chrono::Duration::days(2);
        let (s, l) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": kss, "duty_date": later, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        assert!(l["reminded_at"].is_null(), "{l}");
        let told = app
            .scalar("SELECT COUNT(*) FROM messages WHERE kind = 'duty_roster'")
            .await;
        assert_eq!(
            legalaid_app::outreach::duty::remind_tomorrow(&app.app)
                .await
                .expect("job"),
            0
        );
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(
            legalaid_app::outreach::duty::remind_tomorrow(&app.app)
                .await
                .expect("job"),
            1
        );
        assert_eq!(
            legalaid_app::outreach::duty::remind_tomorrow(&app.app)
                .await
                .expect("job"),
            0,
            "once"
        );
        assert!(
            app.scalar("SELECT COUNT(*) FROM messages WHERE kind = 'duty_roster'")
                .await
                > told
        );
        app.clock.advance(chrono::Duration::days(-1));
        let (s, e) = app
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/duty/roster/{}", l["id"]),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let (s, _) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": kss, "duty_date": yesterday, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        // One workstation a day.
        let (s, e) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": court, "duty_date": d, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(e.to_string().contains("叶集区看守所法律援助工作站"), "{e}");
        // Not at a trade union's workstation; not by a judicial office's clerk.
        let (s, e) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": union, "duty_date": d, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&clerk),
                &json!({ "workstation_id": kss, "duty_date": d, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The lawyer records the help given that day; not at a station they were not on.
        let help = json!({ "workstation_id": kss, "helped_on": d, "kind": "plea_signing",
        "person_name": "吴某", "person_role": "suspect", "organ_name": "六安市叶集区人民检察院",
        "organ_case_number": "叶检刑诉〔2026〕18号", "summary": "在场见证认罪认罚具结书签署。" });
        let (s, h) = app
            .post_json("/api/v1/duty/help", Some(&lawyer), &help)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        assert_eq!(h["staff_id"], staff);
        let mut elsewhere = help.clone();
        elsewhere["workstation_id"] = json!(court);
        let (s, e) = app
            .post_json("/api/v1/duty/help", Some(&lawyer), &elsewhere)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let mut meeting = help.clone();
        meeting["kind"] = json!("meeting");
        meeting["helped_on"] = json!(yesterday);
        let (s, _) = app
            .post_json("/api/v1/duty/help", Some(&lawyer), &meeting)
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, e) = app
        .post_json("/api/v1/duty/help", Some(&lawyer),
            &json!({ "workstation_id": kss, "helped_on": d, "kind": "bribe", "person_role": "judge" }))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        // Another lawyer may not record for them, nor read their help.
        let mut theirs = help.clone();
        theirs["staff_id"] = json!(staff);
        let (s, _) = app
            .post_json("/api/v1/duty/help", Some(&lawyer2), &theirs)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_json(&format!("/api/v1/duty/help/{}", h["id"]), Some(&lawyer2))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, none) = app.get_json("/api/v1/duty/roster", Some(&lawyer2)).await;
        assert_eq!(none["total"], 0);
        let (_, own) = app
            .get_json("/api/v1/duty/roster?from=2000-01-01", Some(&lawyer))
            .await;
        assert_eq!(own["total"], 3, "{own}");
        let (s, _) = app
            .get_json(&format!("/api/v1/duty/help/{}", h["id"]), Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::OK);

        // The subsidy: two days at 200.00 and a plea signing at 100.00 and a
        // meeting at 50.00 (the seeded example schedule).
        let sub = |token: String| {
            let app = &app;
            async move {
                let (s, v) = app
                    .get_json(
                        &format!("/api/v1/duty/subsidies?from={yesterday}&to={d}"),
                        Some(&token),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v
            }
        };
        let v = sub(lawyer.clone()).await;
        assert_eq!(v["total_fen"], 55_000, "{v}");
        let v = sub(lawyer2.clone()).await;
        assert_eq!(v["total_fen"], 0, "{v}");
        // A new day rate from today changes today's day only.
        let (s, e) = app
            .post_json(
                "/api/v1/duty/rates",
                Some(&director),
                &json!({ "host": "detention_house", "basis": "per_day", "amount_fen": 30000,
                     "effective_from": d, "source": "测试" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let (s, e) = app
            .post_json(
                "/api/v1/duty/rates",
                Some(&supervisor),
                &json!({ "host": "detention_house", "basis": "per_day", "amount_fen": 30000,
                     "effective_from": d, "source": "测试：新标准" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let v = sub(supervisor.clone()).await;
        assert_eq!(v["total_fen"], 65_000, "{v}");
        let (s, _) = app
            .post_json(
                "/api/v1/duty/rates",
                Some(&supervisor),
                &json!({ "host": "detention_house", "basis": "per_day", "amount_fen": 1,
                     "effective_from": d, "source": "重复" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // A day with help cannot be taken off the roster.
        let (s, _) = app
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/duty/roster/{}", r["id"]),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The pages.
        let b = app.browser("lawyer").await;
        let (s, html) = b.get("/duty").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("叶集区看守所法律援助工作站") && html.contains("认罪认罚"),
            "{html}"
        );
        let (s, html) = b.get("/duty/subsidies").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("650.00"), "{html}");
        let b = app.browser("director").await;
        let (s, csv) = b
            .get(&format!("/duty/subsidies.csv?from={yesterday}&to={d}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("650.00"), "{csv}");
    }
);

both!(
    two_schedulers_at_once_put_a_lawyer_on_one_workstation,
    |app| {
        let director = app.token("director").await;
        let (staff, _) = lawyer_staff(&app).await;
        let kss = app.unit_id("叶集区看守所法律援助工作站").await;
        let court = app.unit_id("叶集区人民法院法律援助工作站").await;
        let twin = app.twin().await;
        let day = today(&app).succ_opt().expect("tomorrow");
        for round in 0..3 {
            let day = day + chrono::Duration::days(round);
            let a = app
                .http
                .post(app.url("/api/v1/duty/roster"))
                .bearer_auth(&director)
                .json(&json!({ "workstation_id": kss, "duty_date": day, "staff_id": staff }))
                .send();
            let b = app
                .http
                .post(twin.url("/api/v1/duty/roster"))
                .bearer_auth(&director)
                .json(&json!({ "workstation_id": court, "duty_date": day, "staff_id": staff }))
                .send();
            let (a, b) = tokio::join!(a, b);
            let mut statuses = [a.expect("a").status(), b.expect("b").status()];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::CREATED, StatusCode::CONFLICT],
                "round {round}"
            );
            let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM duty_rosters WHERE staff_id = {staff} AND duty_date = '{day}'"
            ))
            .await;
            assert_eq!(n, 1);
        }
    }
);

both!(
    a_publicity_activity_with_its_consultations_and_figures,
    |app| {
        let clerk = app.token("clerk").await;
        let pinggang = app.token("clerk_pinggang").await;
        let supervisor = app.token("supervisor").await;
        let lawyer = app.token("lawyer").await;
        let d = today(&app);
        let activity = json!({ "held_on": d, "title": "法律援助进乡村", "form": "on_site", "venue": "villages",
        "place": "史河街道集市", "staff": "张敏、刘洋", "people_reached": 300, "materials": 500 });
        let (s, a) = app
            .post_json("/api/v1/publicity/activities", Some(&clerk), &activity)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().expect("id");
        for topic in ["wages", "elder_support"] {
            consult(
                &app,
                &clerk,
                json!({ "channel": "visit", "topic": topic, "activity_id": id,
                    "question": "现场咨询", "answer": "现场解答" }),
            )
            .await;
        }
        let (s, m) = app
        .post_json("/api/v1/publicity/media", Some(&clerk),
            &json!({ "kind": "internet", "published_on": d, "outlet": "叶集司法微信公众号",
                     "title": "法律援助进乡村活动", "url": "https://example.org/a", "activity_id": id }))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");

        // A photo of the activity: an image by its content, of the organising unit.
        let png = [
            &[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
            &[0u8; 64][..],
        ]
        .concat();
        let photos = format!("/api/v1/publicity/activities/{id}/photos");
        let (s, photo) =
            common::upload_file(&app, &clerk, &photos, "现场.png", png.clone(), "现场咨询").await;
        assert_eq!(s, StatusCode::CREATED, "{photo}");
        let (s, e) =
            common::upload_file(&app, &clerk, &photos, "a.pdf", b"%PDF-1.4 x".to_vec(), "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = common::upload_file(&app, &pinggang, &photos, "b.png", png.clone(), "").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another office's activity");
        let res = app
            .http
            .get(app.url(&format!("/api/v1/publicity/photos/{}", photo["id"])))
            .bearer_auth(&supervisor)
            .send()
            .await
            .expect("photo");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.expect("bytes").to_vec(), png);
        let (s, _) = app
            .get_json(
                &format!("/api/v1/publicity/photos/{}", photo["id"]),
                Some(&pinggang),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (s, v) = app
            .get_json(
                &format!("/api/v1/publicity/activities/{id}"),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["consultations"], 2);
        assert_eq!(v["photos"].as_array().map(Vec::len), Some(1), "{v}");
        assert_eq!(v["consultation_list"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["consultations_more"], false);
        assert_eq!(v["media"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["media_total"], 1);
        assert_eq!(v["venue_label"], "进乡村");

        // Past the 200 newest, the page says so and links to all of them.
        let model = v["consultation_list"][0]["id"].as_i64().expect("id");
        let last = app.scalar("SELECT MAX(id) FROM consultations").await;
        let cols =
            common::lists::columns(&app, "consultations", &["id", "application_id"], "").await;
        app.raw_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 205) \
             INSERT INTO consultations ({cols}) SELECT {cols} FROM consultations, n WHERE consultations.id = {model}"
        ))
        .await
        .expect("copies");
        let (s, v) = app
            .get_json(
                &format!("/api/v1/publicity/activities/{id}"),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["consultation_list"].as_array().map(Vec::len), Some(200));
        assert_eq!(v["consultations_more"], true);
        let b = app.browser("supervisor").await;
        let (s, html) = b.get(&format!("/publicity/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("现场咨询（列出最近 200 条，另有更多；全部见“查看本次活动的全部咨询”）"),
            "{html}"
        );
        let all = format!("/consultations?activity_id={id}");
        assert!(html.contains(&format!("href=\"{all}\"")), "{html}");
        let (s, html) = b.get(&all).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("咨询记录（207）"), "{html}");
        // (The figures below count the two recorded above.)
        app.raw_sql(&format!("DELETE FROM consultations WHERE id > {last}"))
            .await
            .expect("copies removed");

        // Another office: no access to the activity, no link to it.
        let (s, _) = app
            .get_json(
                &format!("/api/v1/publicity/activities/{id}"),
                Some(&pinggang),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, e) = app
        .post_json("/api/v1/consultations", Some(&pinggang),
            &json!({ "channel": "visit", "topic": "wages", "activity_id": id, "question": "问", "answer": "答" }))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = app
            .get_json("/api/v1/publicity/figures", Some(&lawyer))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .post_json("/api/v1/publicity/activities", Some(&supervisor), &activity)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Bad input, nothing stored.
        let before = app
            .scalar("SELECT COUNT(*) FROM publicity_activities")
            .await;
        let mut bad = activity.clone();
        bad["venue"] = json!("moon");
        bad["held_on"] = json!(d.succ_opt().expect("day"));
        bad["people_reached"] = json!(-5);
        let (s, e) = app
            .post_json("/api/v1/publicity/activities", Some(&clerk), &bad)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        for field in ["venue", "held_on", "people_reached"] {
            assert!(e.to_string().contains(field), "{field}: {e}");
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM publicity_activities")
                .await,
            before
        );

        // A second unit's activity at another venue.
        let mut other = activity.clone();
        other["venue"] = json!("campuses");
        other["people_reached"] = json!(120);
        other["materials"] = json!(80);
        let (s, _) = app
            .post_json("/api/v1/publicity/activities", Some(&pinggang), &other)
            .await;
        assert_eq!(s, StatusCode::CREATED);

        let (s, f) = app
            .get_json("/api/v1/publicity/figures", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::OK, "{f}");
        assert_eq!(
            (f["activities"].as_i64(), f["people_reached"].as_i64()),
            (Some(2), Some(420)),
            "{f}"
        );
        assert_eq!(
            (f["materials"].as_i64(), f["consultations"].as_i64()),
            (Some(580), Some(2))
        );
        let village = f["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["venue_code"] == "villages")
            .expect("villages");
        assert_eq!(village["unit_name"], "叶集区史河街道司法所");
        assert_eq!(village["consultations"], 2);
        assert_eq!(village["month"], d.format("%Y-%m").to_string());
        let internet = f["media_totals"]
            .as_array()
            .expect("totals")
            .iter()
            .find(|t| t["kind"] == "internet")
            .expect("internet");
        assert_eq!(internet["items"], 1);
        let (_, own) = app
            .get_json("/api/v1/publicity/figures", Some(&pinggang))
            .await;
        assert_eq!(own["activities"], 1, "a judicial office's own: {own}");

        // The pages.
        let b = app.browser("supervisor").await;
        let (s, html) = b.get("/publicity").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("法律援助进乡村"), "{html}");
        let (s, html) = b.get("/publicity/figures").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("进乡村") && html.contains("互联网与新媒体"),
            "{html}"
        );
        let (s, csv) = b.get("/publicity/figures.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("进校园"), "{csv}");
        let (s, html) = b.get(&format!("/publicity/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("现场解答") || html.contains("劳动报酬"),
            "{html}"
        );
        assert!(html.contains("活动照片（1）"), "{html}");
        let (s, _) = b.get(&format!("/publicity/photos/{}", photo["id"])).await;
        assert_eq!(s, StatusCode::OK);
        let c = app.browser("clerk").await;
        let (s, html) = c.get(&format!("/publicity/{id}/photos/new")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("multipart/form-data"), "{html}");
    }
);
