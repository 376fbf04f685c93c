//! The working-day calendar across the new year: a period running into a year
//! whose holidays are not entered gets a provisional (暂定) due date with the
//! reason, the administrators are warned from the warning day, and entering the
//! year on its page, in Chinese, makes the dates final.

mod common;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::{TestApp, select};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A moment given in China time.
fn china(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("date and time")
        .and_utc()
        - chrono::Duration::hours(8)
}

fn review(a: &Value) -> Value {
    a["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["code"] == "review_decision"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The item of the caller's work queue for the record at `href`.
async fn queued(app: &TestApp, token: &str, href: &str) -> Value {
    let (s, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    q["items"]
        .as_array()
        .and_then(|i| i.iter().find(|x| x["href"] == href))
        .cloned()
        .unwrap_or_else(|| panic!("{href} in the queue: {q}"))
}

async fn received_today(app: &TestApp, clerk: &str) -> Value {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(clerk),
            &json!({ "name": "岳小梅", "id_type": "resident_id", "id_number": "341504199003150024" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(clerk),
            &json!({
                "applicant_id": p["id"], "channel": "walk_in", "received_at": common::now_rfc3339(app),
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                "opposing_party": "某建材有限公司", "summary": "申请人被拖欠工资两个月。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

both!(
    a_new_year_is_provisional_until_its_holidays_are_entered_on_the_page,
    |app| {
        // The shipped calendar ends with 2026. Before 1 November nobody is told.
        app.clock.set(china("2026-10-31 09:00"));
        let admin = app.browser("admin").await;
        let (s, home) = admin.get("/").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            home.contains("工作台") && !home.contains("尚未录入"),
            "{home}"
        );

        // From 1 November (the default setting) the administrator's home page and the
        // calendar page say that 2027 is missing; other roles are not told.
        // (Sessions expire while idle, so each move of the clock signs in again.)
        app.clock.set(china("2026-12-01 09:00"));
        let admin = app.browser("admin").await;
        let (_, home) = admin.get("/").await;
        let todo = select(&home, ".todo li");
        assert!(
            todo.iter()
                .any(|t| t.contains("录入节假日安排") && t.contains("2027年节假日安排尚未录入")),
            "{todo:?} {home}"
        );
        let (_, page) = admin.get("/admin/calendar").await;
        assert!(
            select(&page, ".notice")
                .iter()
                .any(|n| n.contains("2027年节假日安排尚未录入")),
            "{page}"
        );
        let (_, home) = app.browser("director").await.get("/").await;
        assert!(!home.contains("节假日安排尚未录入"));

        // The warning day is a setting.
        let token = app.token("admin").await;
        let (s, st) = app
        .put_json(
            "/api/v1/settings",
            Some(&token),
            &json!({ "application_number_format": "叶法援申〔{year}〕{seq}号", "review_steps": "one", "calendar_warning_from": "12-15" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{st}");
        let (_, home) = admin.get("/").await;
        assert!(!home.contains("尚未录入"), "not before 15 December");
        let (s, e) = app
        .put_json(
            "/api/v1/settings",
            Some(&token),
            &json!({ "application_number_format": "叶法援申〔{year}〕{seq}号", "review_steps": "one", "calendar_warning_from": "02-30" }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "calendar_warning_from");

        // 2026-12-28: an application received that day is due for review 7 days on, in
        // January 2027: a provisional date, counted with weekends only, with the reason.
        app.clock.set(china("2026-12-28 10:00"));
        let admin = app.browser("admin").await;
        let clerk = app.token("clerk").await;
        let a = received_today(&app, &clerk).await;
        let id = a["id"].as_i64().expect("id");
        let r = review(&a);
        assert_eq!(
            (&r["due"], &r["provisional"]),
            (&json!("2027-01-04"), &json!(true)),
            "{r}"
        );
        // A complaint received that day: the bureau's period to accept it runs into
        // 2027 too, provisional in the bureau's queue.
        let firm = app.unit_id("安徽叶诚律师事务所").await;
        let (s, c) = app
            .post_json(
                "/api/v1/complaints",
                Some(&clerk),
                &json!({ "channel": "walk_in", "received_at": common::now_rfc3339(&app),
                         "complainant_name": "岳小梅", "complainant_phone": "13955507788",
                         "relation": "recipient", "respondent_unit_id": firm, "category": "neglect",
                         "facts": "承办律师未告知办理进展。" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let complaint = format!("/complaints/{}", c["complaint"]["id"]);
        let supervisor = app.token("supervisor").await;
        let before = queued(&app, &supervisor, &complaint).await;
        assert_eq!(before["provisional"], json!(true), "{before}");
        assert!(
            r["rule"]
                .as_str()
                .is_some_and(|t| t.contains("2027年节假日安排尚未录入")),
            "{r}"
        );
        let reviewer = app.browser("reviewer").await;
        let (_, page) = reviewer.get(&format!("/applications/{id}")).await;
        assert!(
            select(&page, "tr")
                .iter()
                .any(|row| row.contains("2027-01-04（暂定）") && row.contains("尚未录入")),
            "{page}"
        );

        // A bad arrangement comes back with the line that could not be read.
        let form = |days: &'static str, csrf: &str| {
            vec![
                ("_csrf", csrf.to_owned()),
                ("year", "2027".to_owned()),
                ("source", "国办发明电〔2026〕号（测试）".to_owned()),
                ("days", days.to_owned()),
            ]
        };
        let csrf = admin.csrf("/admin/calendar").await;
        let pairs = form(
            "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月30日放假。",
            &csrf,
        );
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, page, _) = admin.post_form("/admin/calendar", &refs).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("第2行") && page.contains("2027年2月30日不存在"),
            "{page}"
        );

        // The administrator pastes the arrangement as a notice is written. (Made up for
        // the test: 2027's notice is not published. The 4th is a holiday here so that
        // entering the year visibly moves the date.)
        let pairs = form(
            "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至4日（周一）放假，共4天。\n国务院办公厅",
            &csrf,
        );
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, _, to) = admin.post_form("/admin/calendar", &refs).await;
        assert_eq!(
            (s, to.as_deref()),
            (StatusCode::SEE_OTHER, Some("/admin/calendar?year=2027"))
        );
        let (_, page) = admin.get("/admin/calendar?year=2027").await;
        assert_eq!(
            select(&page, "tr")
                .iter()
                .filter(|r| r.contains("2027-01-0") && r.contains("放假"))
                .count(),
            4,
            "{page}"
        );

        // The date is final now, counted with the holidays entered.
        let (_, a) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&clerk))
            .await;
        let r = review(&a);
        assert_eq!(
            (&r["due"], &r["provisional"]),
            (&json!("2027-01-05"), &json!(false)),
            "{r}"
        );
        let (_, page) = reviewer.get(&format!("/applications/{id}")).await;
        assert!(!page.contains("暂定"), "{page}");
        // So is the complaint's, in the bureau's queue, counted past the holidays.
        let after = queued(&app, &supervisor, &complaint).await;
        assert_eq!(after["provisional"], json!(false), "{after}");
        assert!(
            after["due"].as_str() > before["due"].as_str(),
            "{before} → {after}"
        );
        let (_, home) = admin.get("/").await;
        assert!(!home.contains("尚未录入"));
    }
);

both!(
    a_supplement_period_with_a_provisional_end_withdraws_nothing_until_the_year_is_entered,
    |app| {
        // 2026-12-21: the applicant is asked for materials; the period ends in 2027,
        // whose holidays are not entered, so its end is provisional.
        app.clock.set(china("2026-12-21 10:00"));
        let clerk = app.token("clerk").await;
        let a = received_today(&app, &clerk).await;
        let id = a["id"].as_i64().expect("id");
        let (s, w) = app
            .post_json(
                &format!("/api/v1/applications/{id}/supplement-request"),
                Some(&clerk),
                &json!({ "items": "1. 劳动合同或工资条；2. 欠薪证明", "version": a["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{w}");
        let period = w["deadlines"]
            .as_array()
            .and_then(|d| d.iter().find(|x| x["code"] == "supplement_period"))
            .cloned()
            .expect("supplement period");
        assert_eq!(period["provisional"], json!(true), "{period}");

        // Long after the provisional end, the job still waits: counted without
        // holidays, that end may be earlier than the lawful one.
        app.clock.set(china("2027-02-20 09:00"));
        let withdrawn = || legalaid_app::applications::deem_withdrawn_overdue(&app.app);
        assert_eq!(withdrawn().await.expect("job"), 0);

        // The year is entered; its dates are recounted, and then the job acts.
        let admin = app.browser("admin").await;
        let csrf = admin.csrf("/admin/calendar").await;
        let (s, _, _) = admin
            .post_form(
                "/admin/calendar",
                &[
                    ("_csrf", csrf.as_str()),
                    ("year", "2027"),
                    ("source", "国办发明电〔2026〕号（测试）"),
                    ("days", "2027-01-01 放假 元旦"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        legalaid_app::queues::track_pending(&app.app)
            .await
            .expect("recount");
        assert_eq!(withdrawn().await.expect("job"), 1);
        let clerk = app.token("clerk").await;
        let (_, now) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&clerk))
            .await;
        assert_eq!(now["status"], "deemed_withdrawn", "{now}");
    }
);
