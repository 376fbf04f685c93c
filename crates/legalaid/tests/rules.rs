//! Rules and the calendar as data: the shipped defaults, the public deadline check
//! (across the Spring Festival and National Day and their adjusted working days),
//! and administrators adding a standard and a new year.

mod common;

use reqwest::StatusCode;
use serde_json::json;

both!(the_deadline_engine_follows_the_holiday_calendar, |app| {
    // (start, days, unit, due, rolled over)
    let cases = [
        ("2024-09-26", 7, "calendar", "2024-10-08", true), // the 7th day is in the National Day holiday
        ("2024-02-05", 7, "calendar", "2024-02-18", true), // Spring Festival: rolls to the adjusted working Sunday
        ("2024-08-05", 7, "calendar", "2024-08-12", false),
        ("2024-08-06", 4, "calendar", "2024-08-12", true), // Saturday 08-10 → Monday
        ("2026-10-09", 1, "calendar", "2026-10-10", false), // an adjusted working Saturday
        ("2024-09-27", 5, "working", "2024-10-10", false), // Sun 29 (adjusted), Mon 30, Oct 8, 9, 10
        ("2025-01-24", 3, "working", "2025-02-05", false), // Sun 26 (adjusted), Mon 27, then Feb 5
        ("2023-12-29", 1, "working", "2024-01-02", false), // across the year end and New Year's Day
    ];
    for (start, days, unit, due, rolled) in cases {
        let (s, b) = app
            .get_json(
                &format!("/api/v1/calendar/deadline?start={start}&days={days}&unit={unit}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{start} {days} {unit}: {b}");
        assert_eq!(b["due"], due, "{start} + {days} {unit}: {b}");
        assert_eq!(b["rolled_over"], rolled, "{start} + {days} {unit}");
        assert!(
            b["explanation"]
                .as_str()
                .unwrap_or_default()
                .contains(start)
        );
    }
    // No data for 2027: a provisional date counted with weekends only, said to be
    // one, with the reason; never a guessed holiday.
    let (s, b) = app
        .get_json("/api/v1/calendar/deadline?start=2027-03-01&days=7", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (&b["due"], &b["provisional"]),
        (&json!("2027-03-08"), &json!(true)),
        "{b}"
    );
    assert!(
        b["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("2027年节假日安排尚未录入"),
        "{b}"
    );
    let (s, b) = app
        .get_json("/api/v1/calendar/deadline?unit=weeks", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["start", "days", "unit"]);
    let (s, _) = app
        .get_json("/api/v1/calendar/deadline?start=2024-02-30&days=7", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an impossible date");
});

both!(the_shipped_rules_are_stored_and_listed, |app| {
    let t = app.token("reviewer").await;
    let (s, r) = app.get_json("/api/v1/rules", Some(&t)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["matters"].as_array().map(Vec::len), Some(28));
    assert_eq!(r["exemptions"].as_array().map(Vec::len), Some(14));
    assert_eq!(r["hardship_standards"][0]["city_code"], "3415");
    let review = r["deadline_rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|d| d["code"] == "review_decision")
        .cloned()
        .expect("review rule");
    assert_eq!(
        (review["length"].clone(), review["unit"].clone()),
        (json!(7), json!("calendar_days"))
    );
});

both!(administrators_add_standards_and_calendar_years, |app| {
    let admin = app.token("admin").await;
    let body = json!({ "city_code": "3415", "city": "六安市", "effective_from": "2025-01-01", "dibao_monthly_fen": 82000, "multiplier": 2, "source": "六安市民政局通知（示例）" });
    let reviewer = app.token("reviewer").await;
    let (s, _) = app
        .post_json("/api/v1/rules/hardship-standards", Some(&reviewer), &body)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, saved) = app
        .post_json("/api/v1/rules/hardship-standards", Some(&admin), &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{saved}");
    let (s, _) = app
        .post_json("/api/v1/rules/hardship-standards", Some(&admin), &body)
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one standard per city and date"
    );
    let (s, e) = app
        .post_json(
            "/api/v1/rules/hardship-standards",
            Some(&admin),
            &json!({ "city_code": "34", "city": "", "source": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"].as_array().expect("errors").len() >= 5, "{e}");

    let year = json!({ "year": 2027, "source": "国办发明电〔2026〕示例号", "days": [
        { "date": "2027-01-01", "kind": "holiday", "name": "元旦" },
        { "date": "2027-02-06", "kind": "workday", "name": "春节" },
    ] });
    let (s, r) = app
        .post_json("/api/v1/calendar/years", Some(&admin), &year)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, b) = app
        .get_json("/api/v1/calendar/deadline?start=2026-12-31&days=1", None)
        .await;
    assert_eq!(
        (s, b["due"].clone()),
        (StatusCode::OK, json!("2027-01-04")),
        "New Year's Day 2027, then the weekend"
    );
    let (s, _) = app
        .post_json("/api/v1/calendar/years", Some(&admin), &year)
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a year is entered once"
    );
    let bad = json!({ "year": 2028, "source": "x", "days": [{ "date": "2029-01-01", "kind": "holiday", "name": "" }] });
    let (s, _) = app
        .post_json("/api/v1/calendar/years", Some(&admin), &bad)
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dates outside the year"
    );
});

both!(settings_change_numbering_and_review_steps, |app| {
    let admin = app.token("admin").await;
    let (s, st) = app.get_json("/api/v1/settings", Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(st["review_steps"], "one");
    let (s, e) = app
        .put_json(
            "/api/v1/settings",
            Some(&admin),
            &json!({ "application_number_format": "法援{seq}", "review_steps": "three" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"].as_array().map(Vec::len), Some(2));
    let (s, _) = app.put_json("/api/v1/settings", Some(&admin), &json!({ "application_number_format": "叶援〔{year}〕第{seq}号", "review_steps": "two" })).await;
    assert_eq!(s, StatusCode::OK);
    let clerk = app.token("clerk").await;
    let (_, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "赵六", "id_type": "resident_id", "id_number": "11010519491231002X" }),
        )
        .await;
    let body = json!({ "applicant_id": p["id"], "channel": "walk_in", "received_at": "2024-09-26T02:00:00Z", "matter_code": "abuse_violence_victim", "service_form": "litigation_representation", "summary": "家庭暴力" });
    let (_, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    assert_eq!(a["number"], "叶援〔2024〕第1号");
    let id = a["id"].as_i64().expect("id");
    // Two-step: the director cannot decide before a reviewer's proposal.
    let director = app.token("director").await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&director),
            &json!({ "outcome": "granted", "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let reviewer = app.token("reviewer").await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/applications/{id}/proposal"),
            Some(&reviewer),
            &json!({ "outcome": "granted", "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, d) = app
        .post_json(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&director),
            &json!({ "outcome": "granted", "version": 2 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    // Deadline rules can be changed by administrators only.
    let (s, _) = app.put_json("/api/v1/rules/deadlines/review_decision", Some(&director), &json!({ "label": "审查", "length": 5, "unit": "working_days", "roll_over_rest_days": true, "source": "测试" })).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A change is a new version from tomorrow or later: it governs the periods that
    // start from its date, and the periods already running keep their due dates.
    let today = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()));
    let tomorrow = today.succ_opt().expect("tomorrow");
    let five = json!({ "label": "审查申请并作出决定", "length": 5, "unit": "working_days", "roll_over_rest_days": true, "source": "本省规定（示例）" });
    let mut backdated = five.clone();
    backdated["effective_from"] = json!(today);
    let (s, e) = app
        .put_json(
            "/api/v1/rules/deadlines/review_decision",
            Some(&admin),
            &backdated,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "effective_from");
    let (s, r) = app
        .put_json(
            "/api/v1/rules/deadlines/review_decision",
            Some(&admin),
            &five,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["effective_from"], json!(tomorrow), "{r}");
    let review_of = |a: &serde_json::Value| {
        a["deadlines"]
            .as_array()
            .and_then(|d| d.iter().find(|x| x["code"] == "review_decision"))
            .cloned()
            .expect("review deadline")
    };
    let (_, again) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    let review = review_of(&again);
    assert_eq!(
        (&review["due"], &review["rule_from"]),
        (&json!("2024-10-08"), &json!("2022-01-01")),
        "a period of 2024 runs under the version it started under: {review}"
    );
    // From tomorrow, a new application runs under the new version.
    app.clock.advance(chrono::Duration::days(1));
    let clerk = app.token("clerk").await;
    let mut fresh = body.clone();
    fresh["received_at"] = json!(common::now_rfc3339(&app));
    let (s, later) = app
        .post_json("/api/v1/applications", Some(&clerk), &fresh)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{later}");
    let review = review_of(&later);
    assert_eq!(review["rule_from"], json!(tomorrow), "{review}");
    assert!(
        review["rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("5个工作日")),
        "{review}"
    );
    let admin = app.token("admin").await;
    let (s, _) = app.put_json("/api/v1/rules/deadlines/nonexistent", Some(&admin), &json!({ "label": "x", "length": 5, "unit": "hours", "roll_over_rest_days": false, "source": "x" })).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both!(administrators_extend_and_end_the_scope, |app| {
    let admin = app.token("admin").await;
    let matter = json!({ "code": "consumer_rights", "label": "消费者权益保护纠纷", "category": "civil", "hardship": "required",
        "basis": "六安市法律援助补充事项规定（示例）", "province": "34", "effective_from": "2025-01-01", "effective_to": null });
    let director = app.token("director").await;
    let (s, _) = app
        .post_json("/api/v1/rules/matters", Some(&director), &matter)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, m) = app
        .post_json("/api/v1/rules/matters", Some(&admin), &matter)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, e) = app.post_json("/api/v1/rules/matters", Some(&admin), &json!({ "code": "Bad Code", "label": "", "category": "civil", "hardship": "required", "basis": "", "effective_from": "2025-01-01" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // In scope from its date, for applications received on or after it.
    let clerk = app.token("clerk").await;
    let (_, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "钱七", "id_type": "resident_id", "id_number": "11010519491231002X" }),
        )
        .await;
    let mut body = json!({ "applicant_id": p["id"], "channel": "walk_in", "received_at": "2024-12-31T02:00:00Z", "matter_code": "consumer_rights",
        "service_form": "litigation_representation", "summary": "购买的电动车存在质量问题", "household": { "members": 1, "monthly_income_fen": 100_000 } });
    let (s, _) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not yet in force in 2024"
    );
    body["received_at"] = json!("2025-03-03T02:00:00Z");
    let (s, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["assessment"]["verdict"], "eligible");
    // Ended: later applications are out of the list of known codes.
    let (s, _) = app
        .post_json(
            "/api/v1/rules/matters/consumer_rights/end",
            Some(&admin),
            &json!({ "province": "34", "effective_to": "2025-06-30" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    body["received_at"] = json!("2025-07-01T02:00:00Z");
    let (s, _) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "ended on 2025-06-30");
    let exemption = json!({ "code": "low_income_family", "label": "低收入家庭成员", "basis": "示例", "province": null, "effective_from": "2025-01-01", "effective_to": null });
    let (s, _) = app
        .post_json("/api/v1/rules/exemptions", Some(&admin), &exemption)
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post_json(
            "/api/v1/rules/exemptions/nope/end",
            Some(&admin),
            &json!({ "effective_to": "2025-06-30" }),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both!(the_scope_pages_add_matters, |app| {
    let b = app.browser("admin").await;
    let token = b.csrf("/admin/rules/matters/new").await;
    let (s, html, _) = b
        .post_form(
            "/admin/rules/matters",
            &[
                ("_csrf", &token),
                ("code", "X Y"),
                ("label", ""),
                ("basis", ""),
                ("effective_from", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!common::select(&html, ".field-error").is_empty());
    let (s, _, to) = b
        .post_form(
            "/admin/rules/matters",
            &[
                ("_csrf", &token),
                ("code", "consumer_rights"),
                ("label", "消费者权益保护纠纷"),
                ("category", "civil"),
                ("hardship", "required"),
                ("basis", "示例规定"),
                ("province", "34"),
                ("effective_from", "2025-01-01"),
                ("effective_to", ""),
            ],
        )
        .await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/rules"))
    );
    let (_, html) = b.get("/admin/rules").await;
    assert!(html.contains("消费者权益保护纠纷"));
    let clerk = app.browser("clerk").await;
    let (s, _) = clerk.get("/admin/rules/matters/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
