//! Training (培训) through the API and the pages, on both backends: a session
//! with bad input refused by field; staff and lawyers enrolled (told in-app and
//! by SMS through the outbox, once); attendance confirmed after the day; the
//! hours per person and year (table and CSV) and on the handler's staff page and
//! staff JSON; another district's director and a lawyer do not see the session.

mod common;

use common::TestApp;
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today(app: &TestApp) -> chrono::NaiveDate {
    legalaid_domain::local_date(app.clock.now())
}

fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The staff record of the center's quality reviewer 孙丽.
async fn sun_li(app: &TestApp, token: &str) -> i64 {
    let (_, v) = app
        .get_json(
            &format!("/api/v1/staff?q={}", common::urlenc("孙丽")),
            Some(token),
        )
        .await;
    v["items"][0]["id"].as_i64().expect("孙丽")
}

both!(a_session_with_attendance_shows_on_the_staff_page, |app| {
    let director = app.token("director").await;
    let t = today(&app);
    let (s, e) = app
        .post_json(
            "/api/v1/training",
            Some(&director),
            &json!({ "topic": " ", "kind": "lecture", "held_on": t, "hours": "3.25" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["topic", "kind", "hours"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM training_sessions").await,
        0
    );

    let held = t - chrono::Duration::days(3);
    let (s, v) = app
        .post_json(
            "/api/v1/training",
            Some(&director),
            &json!({ "topic": "法律援助案件质量提升培训", "kind": "business", "held_on": held, "hours": "3.5",
                     "trainers": "王海", "place": "区公共法律服务中心", "materials": "案卷评查标准讲义" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["session"]["id"].as_i64().expect("id");
    assert_eq!(v["hours"], "3.5");

    // Enrol the demo lawyer and 孙丽: each is told once, in-app and by SMS.
    let (lawyer, _) = common::lawyer_staff(&app).await;
    let sun = sun_li(&app, &director).await;
    let enrol = |version: &Value, ids: Value| json!({ "version": version, "staff_ids": ids });
    let (s, v) = app
        .post_json(
            &format!("/api/v1/training/{id}/enrolments"),
            Some(&director),
            &enrol(&v["session"]["version"], json!([lawyer, sun])),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["attendees"].as_array().map(Vec::len), Some(2));
    let stale = json!(1);
    let (s, e) = app
        .post_json(
            &format!("/api/v1/training/{id}/enrolments"),
            Some(&director),
            &enrol(&stale, json!([lawyer])),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a stale version: {e}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/training/{id}/enrolments"),
            Some(&director),
            &enrol(&v["session"]["version"], json!([lawyer])),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "enrolling again is once: {v}");
    assert_eq!(v["attendees"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM messages WHERE kind = 'training_enrolled' AND channel = 'in_app' \
             AND user_id = (SELECT id FROM users WHERE username = 'lawyer')"
        )
        .await,
        1
    );
    let sms = app.deliver().await;
    assert!(
        sms.iter().any(|m| m.to_string().contains("参训名单")),
        "{sms:?}"
    );

    // Held three days ago and not confirmed: on the director's work bench.
    let bench = app.browser("director").await;
    let (_, html) = bench.get("/").await;
    assert!(
        html.contains("确认培训出勤：法律援助案件质量提升培训"),
        "{html}"
    );

    // Attendance: the lawyer came, 孙丽 did not.
    let (s, e) = app
        .post_json(
            &format!("/api/v1/training/{id}/attendance"),
            Some(&director),
            &json!({ "version": v["session"]["version"], "attended": [999_999] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/training/{id}/attendance"),
            Some(&director),
            &json!({ "version": v["session"]["version"], "attended": [lawyer] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let status = |who: i64| {
        v["attendees"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["staff_id"] == who))
            .map(|x| (x["status"].clone(), x["hours_tenths"].clone()))
            .expect("attendee")
    };
    assert_eq!(status(lawyer), (json!("attended"), json!(35)));
    assert_eq!(status(sun), (json!("absent"), json!(0)));

    let (_, html) = bench.get("/").await;
    assert!(!html.contains("确认培训出勤"), "confirmed: off the bench");

    // A session later in the month cannot be confirmed yet.
    let (_, later) = app
        .post_json(
            "/api/v1/training",
            Some(&director),
            &json!({ "topic": "刑事辩护专题培训", "kind": "special", "held_on": t + chrono::Duration::days(5), "hours": "2" }),
        )
        .await;
    let lid = later["session"]["id"].as_i64().expect("id");
    let (_, later) = app
        .post_json(
            &format!("/api/v1/training/{lid}/enrolments"),
            Some(&director),
            &enrol(&later["session"]["version"], json!([lawyer])),
        )
        .await;
    let (s, e) = app
        .post_json(
            &format!("/api/v1/training/{lid}/attendance"),
            Some(&director),
            &json!({ "version": later["session"]["version"], "attended": [lawyer] }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");

    // Hours per person and year; the handler's history in JSON and on the page.
    let (s, h) = app
        .get_json("/api/v1/training/hours", Some(&director))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let mine = h["items"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["staff_id"] == lawyer))
        .expect("the lawyer's hours");
    let year = chrono::Datelike::year(&held);
    assert_eq!(
        (mine["sessions"].as_i64(), mine["hours_tenths"].as_i64()),
        (Some(1), Some(35))
    );
    assert!(
        !h["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|x| x["staff_id"] == sun)
    );
    let lawyer_token = app.token("lawyer").await;
    let (s, mine) = app
        .get_json(
            &format!("/api/v1/staff/{lawyer}/training"),
            Some(&lawyer_token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(
        mine["by_year"][0],
        json!({ "year": year, "sessions": 1, "hours_tenths": 35, "hours": "3.5" })
    );
    assert_eq!(mine["sessions"].as_array().map(Vec::len), Some(2));
    for who in ["supervisor", "lawyer"] {
        let (s, html) = app
            .browser(who)
            .await
            .get(&format!("/staff/{lawyer}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let rows = common::section_rows(&html, "参训学时");
        assert_eq!(rows.len(), 1, "{who}: {rows:?}");
        assert!(
            rows[0].contains(&format!("{year}年")) && rows[0].contains("3.5"),
            "{rows:?}"
        );
        let sessions = common::section_rows(&html, "培训记录");
        assert!(
            sessions
                .iter()
                .any(|r| r.contains("法律援助案件质量提升培训") && r.contains("已参加"))
        );
    }
    let b = app.browser("director").await;
    let (s, html) = b.get("/training/hours").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("3.5"), "{html}");
    let csv = b
        .client
        .get(app.url(&format!("/training/hours.csv?year={year}")))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("3.5") && csv.contains(&year.to_string()));
    let (s, html) = b.get("/training/hours?year=abcd").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
});

both!(
    sessions_are_recorded_and_attended_through_the_pages,
    |app| {
        let b = app.browser("director").await;
        let (s, html) = b.get("/training").await;
        assert_eq!(s, StatusCode::OK);
        assert!(common::select(&html, "nav ul.nav a").contains(&"培训".to_owned()));
        assert!(html.contains("还没有培训记录"), "{html}");
        let csrf = b.csrf("/training/new").await;
        let (s, html, _) = b
            .post_form(
                "/training",
                &[
                    ("_csrf", &csrf),
                    ("topic", "岗前培训"),
                    ("kind", ""),
                    ("held_on", ""),
                    ("hours", "x"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let mut bad = common::fields_in_error(&html);
        bad.sort();
        assert_eq!(bad, ["held_on", "hours", "kind"]);
        let held = today(&app).to_string();
        let (s, _, loc) = b
            .post_form(
                "/training",
                &[
                    ("_csrf", &csrf),
                    ("topic", "新入库律师岗前培训"),
                    ("kind", "pre_job"),
                    ("held_on", &held),
                    ("hours", "2"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let page = loc.expect("the session's page");
        let (_, html) = b.get(&page).await;
        let (lawyer, _) = common::lawyer_staff(&app).await;
        let version = common::hidden(&html, &format!("{page}/enrol"), "version");
        let (s, _, _) = b
            .post_form(
                &format!("{page}/enrol"),
                &[
                    ("_csrf", &csrf),
                    ("version", &version),
                    ("staff_ids", &lawyer.to_string()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = b.get(&page).await;
        let version = common::hidden(&html, &format!("{page}/attendance"), "version");
        let (s, _, _) = b
            .post_form(
                &format!("{page}/attendance"),
                &[
                    ("_csrf", &csrf),
                    ("version", &version),
                    ("attended", &lawyer.to_string()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = b.get(&page).await;
        let rows = common::section_rows(&html, "参训名单（1人）");
        assert!(
            rows[0].contains("已参加") && rows[0].contains('2'),
            "{rows:?}"
        );

        // Who sees it: not a lawyer, not another district's director.
        let id = page.trim_start_matches("/training/").to_owned();
        let lawyer_t = app.token("lawyer").await;
        let (s, _) = app
            .get_json(&format!("/api/v1/training/{id}"), Some(&lawyer_t))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .post_json(
                "/api/v1/training",
                Some(&lawyer_t),
                &json!({ "topic": "x", "kind": "other", "held_on": today(&app), "hours": "1" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let admin = app.token("admin").await;
        let (_, u) = app
        .post_json(
            "/api/v1/units",
            Some(&admin),
            &json!({ "name": "六安市金安区法律援助中心", "kind": "legal_aid_center", "region_code": "341502" }),
        )
        .await;
        let jinan = common::account(
            &app,
            "jinan_director",
            u["id"].as_i64().expect("id"),
            "center_director",
        )
        .await;
        let (s, _) = app
            .get_json(&format!("/api/v1/training/{id}"), Some(&jinan))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, l) = app.get_json("/api/v1/training", Some(&jinan)).await;
        assert_eq!((s, l["total"].as_i64()), (StatusCode::OK, Some(0)));
        // …nor may it enrol our lawyer in its own session.
        let (_, own) = app
        .post_json(
            "/api/v1/training",
            Some(&jinan),
            &json!({ "topic": "金安区培训", "kind": "business", "held_on": today(&app), "hours": "1" }),
        )
        .await;
        let (s, e) = app
            .post_json(
                &format!("/api/v1/training/{}/enrolments", own["session"]["id"]),
                Some(&jinan),
                &json!({ "version": own["session"]["version"], "staff_ids": [lawyer] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(fields(&e), ["staff_ids"]);
    }
);

both!(the_home_page_says_how_many_more_sessions_wait, |app| {
    let director = app.token("director").await;
    let t = today(&app);
    let (lawyer, _) = common::lawyer_staff(&app).await;
    // Twelve sessions held, each with the lawyer still only enrolled.
    for i in 0..12 {
        let (s, v) = app
            .post_json(
                "/api/v1/training",
                Some(&director),
                &json!({ "topic": format!("业务培训第{:02}期", i + 1), "kind": "business",
                         "held_on": t - chrono::Duration::days(20 - i), "hours": "2" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["session"]["id"].as_i64().expect("id");
        let (s, v) = app
            .post_json(
                &format!("/api/v1/training/{id}/enrolments"),
                Some(&director),
                &json!({ "version": v["session"]["version"], "staff_ids": [lawyer] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let bench = app.browser("director").await;
    let (_, html) = bench.get("/").await;
    // The ten held earliest, and a line for the other two.
    assert!(html.contains("确认培训出勤：业务培训第01期"), "{html}");
    assert!(html.contains("确认培训出勤：业务培训第10期"));
    assert!(!html.contains("确认培训出勤：业务培训第11期"));
    assert!(html.contains("另有2场培训待确认出勤"), "{html}");
});
