//! The case list past its count cap (ADR 0037), on SQLite and PostgreSQL:
//! 1,100 copies of a case spread over two intake units, a third of them handled
//! by a law firm. The count stops at 1,000 and says "more than"; the keyset
//! (`next` → `after`) walks the whole list in order, each case once, as many as
//! the caller may see; numbered pages agree with it; filters and a unit-scoped
//! caller get exact counts; a mangled keyset is a 422; the page says how far it
//! counted and links the next page by its keyset.

mod common;

use chrono::{DateTime, Utc};
use common::{Kind, TestApp, case_with_demo_lawyer, granted_wage_claim, lawyer_staff, lists};
use reqwest::StatusCode;
use serde_json::{Value, json};

const COPIES: i64 = 1_100;

/// [`COPIES`] copies of `case` and its application, opened from 2025-03-01 on,
/// two a second (a pair shares its time, the id orders them): even ones received
/// by `a`, odd ones by `b`; every third in progress at `firm` with `lawyer`, the
/// rest awaiting assignment.
async fn copies(app: &TestApp, case: i64, a: i64, b: i64, firm: i64, lawyer: i64) {
    let series = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES})"
    );
    let app_cols = lists::columns(app, "applications", &["id", "number", "source_ref"], "").await;
    app.raw_sql(&format!(
        "{series} INSERT INTO applications (number, {app_cols}) \
         SELECT 'COPY-A-' || CAST(i AS TEXT), {app_cols} FROM applications, n \
         WHERE applications.id = (SELECT application_id FROM cases WHERE id = {case})"
    ))
    .await
    .expect("applications copied");
    let set = [
        "id",
        "number",
        "application_id",
        "previous_case_id",
        "intake_unit_id",
        "handling_unit_id",
        "handler_id",
        "status",
        "created_at",
        "subsidy_voucher",
    ];
    let case_cols = lists::columns(app, "cases", &set, "").await;
    let from = lists::columns(app, "cases", &set, "c.").await;
    let at = match app.kind {
        Kind::Sqlite => "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-03-01 00:00:00', \
                         '+' || CAST(i / 2 AS TEXT) || ' seconds')"
            .to_owned(),
        Kind::Postgres => {
            "TIMESTAMPTZ '2025-03-01 00:00:00+00' + (i / 2) * INTERVAL '1 second'".to_owned()
        }
    };
    app.raw_sql(&format!(
        "{series} INSERT INTO cases (number, application_id, intake_unit_id, handling_unit_id, handler_id, \
         status, created_at, subsidy_voucher, {case_cols}) \
         SELECT 'COPY-' || CAST(i AS TEXT), a.id, CASE WHEN i % 2 = 0 THEN {a} ELSE {b} END, \
         CASE WHEN i % 3 = 0 THEN {firm} END, CASE WHEN i % 3 = 0 THEN {lawyer} END, \
         CASE WHEN i % 3 = 0 THEN 'in_progress' ELSE 'awaiting_assignment' END, {at}, '', {from} \
         FROM cases c, n JOIN applications a ON a.number = 'COPY-A-' || CAST(i AS TEXT) WHERE c.id = {case}"
    ))
    .await
    .expect("cases copied");
}

/// Every case of the list by its keyset, `per_page` at a time.
async fn walk(app: &TestApp, token: &str, query: &str, per_page: i64) -> Vec<Value> {
    lists::walk(app, token, &format!("/api/v1/cases?{query}"), per_page).await
}

/// The (created_at, id) of each item, checked newest first and each once.
fn in_order(items: &[Value]) -> Vec<(DateTime<Utc>, i64)> {
    lists::in_time_order(items, "created_at")
}

both!(the_case_list_counts_to_its_cap_and_walks_by_keyset, |app| {
    let applicant = {
        let clerk = app.token("clerk").await;
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "张秀兰", "id_type": "resident_id", "id_number": "341504198502150016", "phone": "13955501234" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p["id"].as_i64().expect("id")
    };
    let application = granted_wage_claim(&app, applicant, "某建筑劳务有限公司").await;
    let case = case_with_demo_lawyer(&app, application).await["id"]
        .as_i64()
        .expect("case id");
    let (lawyer, firm) = lawyer_staff(&app).await;
    let center = app.unit_id("六安市叶集区法律援助中心").await;
    let office = app.unit_id("叶集区史河街道司法所").await;
    copies(&app, case, center, office, firm, lawyer).await;

    // The director sees the district: more cases than the count goes to.
    let director = app.token("director").await;
    let region = app
        .scalar_text(&format!(
            "SELECT region_code FROM units WHERE id = {center}"
        ))
        .await;
    let visible = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM cases c JOIN units iu ON iu.id = c.intake_unit_id \
             LEFT JOIN units hu ON hu.id = c.handling_unit_id \
             WHERE iu.region_code LIKE '{region}%' OR hu.region_code LIKE '{region}%'"
        ))
        .await;
    assert!(visible > 1_000, "{visible}");
    let (s, first) = app.get_json("/api/v1/cases", Some(&director)).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert_eq!(first["total"], 1_000);
    assert_eq!(first["more_than"], 1_000);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(20));
    assert!(first["next"].is_string(), "{first}");

    // The keyset walks every visible case once, newest first; numbered pages
    // agree with it.
    let all = walk(&app, &director, "open=true", 200).await;
    let open_visible = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM cases c JOIN units iu ON iu.id = c.intake_unit_id \
             LEFT JOIN units hu ON hu.id = c.handling_unit_id \
             WHERE (iu.region_code LIKE '{region}%' OR hu.region_code LIKE '{region}%') \
             AND c.status IN ('awaiting_assignment', 'awaiting_handler', 'assigned', 'in_progress', 'closure_submitted')"
        ))
        .await;
    assert_eq!(i64::try_from(all.len()).expect("len"), open_visible);
    let keys = in_order(&all);
    let (s, third) = app
        .get_json(
            "/api/v1/cases?open=true&page=3&per_page=50",
            Some(&director),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{third}");
    let third: Vec<i64> = third["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    let walked: Vec<i64> = keys[100..150].iter().map(|k| k.1).collect();
    assert_eq!(third, walked, "page 3 of 50 is the walk's 101st to 150th");

    // A filter under the cap is counted exactly.
    let (s, f) = app
        .get_json(
            &format!("/api/v1/cases?unit_id={office}&status=awaiting_assignment&year=2025"),
            Some(&director),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let expected = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM cases WHERE (intake_unit_id = {office} OR handling_unit_id = {office}) \
             AND status = 'awaiting_assignment' AND number LIKE 'COPY-%'"
        ))
        .await;
    assert_eq!(f["total"], expected, "{f}");
    assert!(f["more_than"].is_null());
    let f_all = walk(
        &app,
        &director,
        &format!("unit_id={office}&status=awaiting_assignment&year=2025"),
        37,
    )
    .await;
    assert_eq!(i64::try_from(f_all.len()).expect("len"), expected);
    in_order(&f_all);

    // The lawyer's firm sees the cases it handles, and only those.
    let lawyer_token = app.token("lawyer").await;
    let handled = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM cases WHERE handling_unit_id = {firm} OR intake_unit_id = {firm}"
        ))
        .await;
    let (s, l) = app.get_json("/api/v1/cases", Some(&lawyer_token)).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["total"], handled, "{l}");
    assert!(l["more_than"].is_null());
    let l_all = walk(&app, &lawyer_token, "", 200).await;
    assert_eq!(i64::try_from(l_all.len()).expect("len"), handled);
    assert!(
        l_all
            .iter()
            .all(|i| i["handling_unit_id"].as_i64() == Some(firm)),
        "only the firm's cases"
    );

    // A mangled keyset is named, not guessed at.
    let (s, e) = app
        .get_json("/api/v1/cases?after=yesterday", Some(&director))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "after");

    // The page: how far it counted, and the next page by its keyset.
    lists::pages_by_keyset(&app, "director", "/cases").await;
});
