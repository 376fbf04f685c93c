//! The person and application lists past their count cap (ADR 0037, migration
//! 0039), on SQLite and PostgreSQL: 1,100 copies of a person and of an
//! application, registered and received half by the legal aid center and half by
//! a judicial office. The count stops at 1,000 and says "more than"; the keyset
//! (`next` → `after`) walks the whole list newest first, each row once, as many
//! as the caller may see; numbered pages agree with it; a filter and a
//! unit-scoped caller get exact counts; a merged person is left out; a mangled
//! keyset is a 422; the pages say how far they counted and link the next page by
//! its keyset.

mod common;

use common::lists::{self, columns, in_time_order, walk};
use common::{Kind, clerk_of, granted_wage_claim};
use reqwest::StatusCode;
use serde_json::{Value, json};

const COPIES: i64 = 1_100;
const OFFICE: &str = "叶集区史河街道司法所";

fn series() -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES})")
}

fn ids(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

both!(
    the_person_list_counts_to_its_cap_and_walks_by_keyset,
    |app| {
        let clerk = app.token("clerk").await;
        let (s, model) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "列表模板人", "id_type": "resident_id", "id_number": "341504198502150016", "phone": "13955501234" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{model}");
        let model = model["id"].as_i64().expect("id");
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let office = app.unit_id(OFFICE).await;
        let cols = columns(
            &app,
            "persons",
            &["id", "name", "id_number_hash", "unit_id"],
            "",
        )
        .await;
        app.raw_sql(&format!(
        "{} INSERT INTO persons (name, id_number_hash, unit_id, {cols}) \
         SELECT '列表人' || CAST(i AS TEXT), 'COPY-H-' || CAST(i AS TEXT), \
         CASE WHEN i % 2 = 0 THEN {center} ELSE {office} END, {cols} FROM persons, n WHERE persons.id = {model}",
        series()
    ))
    .await
    .expect("persons copied");
        // Thirty registered by a center of another district, interleaved with them.
        let elsewhere = lists::unit_elsewhere(&app).await;
        app.raw_sql(&format!(
            "UPDATE persons SET unit_id = {elsewhere} \
             WHERE id IN (SELECT id FROM persons WHERE name LIKE '列表人%' AND id % 37 = 0)"
        ))
        .await
        .expect("moved elsewhere");
        // One copy merged into another: lists leave it out.
        let merged = app
            .scalar("SELECT id FROM persons WHERE name = '列表人7'")
            .await;
        app.raw_sql(&format!(
            "UPDATE persons SET merged_into = {model} WHERE id = {merged}"
        ))
        .await
        .expect("merged");

        let director = app.token("director").await;
        let (s, first) = app.get_json("/api/v1/persons", Some(&director)).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!(first["total"], 1_000);
        assert_eq!(first["more_than"], 1_000);
        assert_eq!(first["items"].as_array().map(Vec::len), Some(20));
        assert!(first["next"].is_string(), "{first}");

        // The keyset walks every person of the district once, newest first; numbered
        // pages agree with it.
        let walked = walk(&app, &director, "/api/v1/persons", 200).await;
        let all = ids(&walked);
        let expected = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE merged_into IS NULL AND unit_id <> {elsewhere}"
            ))
            .await;
        assert_eq!(i64::try_from(all.len()).expect("len"), expected);
        assert!(
            all.windows(2).all(|w| w[0] > w[1]),
            "newest first, each once"
        );
        let moved = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE unit_id = {elsewhere}"
            ))
            .await;
        assert!(moved >= 25, "{moved}");
        assert!(
            walked
                .iter()
                .all(|p| p["unit_id"].as_i64() != Some(elsewhere)),
            "another district's persons are not listed"
        );
        assert!(!all.contains(&merged), "a merged person is not listed");
        let (s, third) = app
            .get_json("/api/v1/persons?page=3&per_page=50", Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{third}");
        assert_eq!(
            ids(third["items"].as_array().expect("items")),
            all[100..150]
        );

        // A name under the cap is counted exactly and walked whole.
        let (s, named) = app
            .get_json("/api/v1/persons?q=列表人1&per_page=7", Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{named}");
        // 1, 10–19, 100–199, 1000–1100 (212), but those of the other district.
        let named_here = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE name LIKE '%列表人1%' AND unit_id <> {elsewhere}"
            ))
            .await;
        assert!((190..212).contains(&named_here), "{named_here}");
        assert_eq!(named["total"], named_here, "{named}");
        assert!(named["more_than"].is_null());
        let named_all = walk(&app, &director, "/api/v1/persons?q=列表人1", 7).await;
        assert_eq!(i64::try_from(named_all.len()).expect("len"), named_here);
        assert!(
            named_all
                .iter()
                .all(|p| p["name"].as_str().is_some_and(|n| n.contains("列表人1")))
        );

        // The office's clerk sees the office's registrations, and only those.
        let office_clerk = clerk_of(&app, OFFICE, "shihe_list_clerk").await;
        let own = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE unit_id = {office} AND merged_into IS NULL"
            ))
            .await;
        assert!(own < 1_000, "{own}");
        let (s, o) = app.get_json("/api/v1/persons", Some(&office_clerk)).await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["total"], own, "{o}");
        let o_all = walk(&app, &office_clerk, "/api/v1/persons", 200).await;
        assert_eq!(i64::try_from(o_all.len()).expect("len"), own);
        assert!(o_all.iter().all(|p| p["unit_id"].as_i64() == Some(office)));

        // A mangled keyset is named.
        for bad in ["x", "0", "-5"] {
            let (s, e) = app
                .get_json(&format!("/api/v1/persons?after={bad}"), Some(&director))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["errors"][0]["field"], "after");
        }

        lists::pages_by_keyset(&app, "director", "/persons").await;
    }
);

both!(
    the_application_list_counts_to_its_cap_and_walks_by_keyset,
    |app| {
        let clerk = app.token("clerk").await;
        let (s, applicant) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "张秀兰", "id_type": "resident_id", "id_number": "341504198502150016", "phone": "13955501234" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{applicant}");
        let applicant = applicant["id"].as_i64().expect("id");
        let model = granted_wage_claim(&app, applicant, "某建筑劳务有限公司").await;
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let office = app.unit_id(OFFICE).await;
        let cols = columns(
            &app,
            "applications",
            &[
                "id",
                "number",
                "source_ref",
                "receiving_unit_id",
                "received_at",
            ],
            "",
        )
        .await;
        // Two a second from 2025-03-01 (a pair shares its time; the id orders them).
        let at = match app.kind {
            Kind::Sqlite => "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-03-01 00:00:00', \
                         '+' || CAST(i / 2 AS TEXT) || ' seconds')"
                .to_owned(),
            Kind::Postgres => {
                "TIMESTAMPTZ '2025-03-01 00:00:00+00' + (i / 2) * INTERVAL '1 second'".to_owned()
            }
        };
        app.raw_sql(&format!(
        "{} INSERT INTO applications (number, receiving_unit_id, received_at, {cols}) \
         SELECT 'LIST-A-' || CAST(i AS TEXT), CASE WHEN i % 2 = 0 THEN {center} ELSE {office} END, {at}, {cols} \
         FROM applications, n WHERE applications.id = {model}",
        series()
    ))
    .await
    .expect("applications copied");
        // Some received by a center of another district, interleaved with them.
        let elsewhere = lists::unit_elsewhere(&app).await;
        app.raw_sql(&format!(
            "UPDATE applications SET receiving_unit_id = {elsewhere} \
             WHERE number LIKE 'LIST-A-%' AND id % 37 = 0"
        ))
        .await
        .expect("moved elsewhere");

        let director = app.token("director").await;
        let (s, first) = app.get_json("/api/v1/applications", Some(&director)).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!(first["total"], 1_000);
        assert_eq!(first["more_than"], 1_000);
        assert_eq!(first["items"].as_array().map(Vec::len), Some(20));
        assert!(first["items"][0]["applicant_name"].is_string(), "{first}");

        // The keyset walks every granted application of the district once, newest
        // first; numbered pages agree with it.
        let all = walk(&app, &director, "/api/v1/applications?status=granted", 200).await;
        let expected = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM applications WHERE status = 'granted' AND receiving_unit_id <> {elsewhere}"
            ))
            .await;
        assert_eq!(i64::try_from(all.len()).expect("len"), expected);
        assert!(
            all.iter()
                .all(|a| a["receiving_unit_id"].as_i64() != Some(elsewhere)),
            "another district's applications are not listed"
        );
        let keys = in_time_order(&all, "received_at");
        let (s, third) = app
            .get_json(
                "/api/v1/applications?status=granted&page=3&per_page=50",
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{third}");
        let walked: Vec<i64> = keys[100..150].iter().map(|k| k.1).collect();
        assert_eq!(ids(third["items"].as_array().expect("items")), walked);

        // The office's clerk sees the office's applications, counted exactly.
        let office_clerk = clerk_of(&app, OFFICE, "shihe_app_clerk").await;
        let own = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM applications WHERE receiving_unit_id = {office}"
            ))
            .await;
        assert!(own < 1_000, "{own}");
        let (s, o) = app
            .get_json("/api/v1/applications", Some(&office_clerk))
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["total"], own, "{o}");
        let o_all = walk(&app, &office_clerk, "/api/v1/applications", 200).await;
        assert_eq!(i64::try_from(o_all.len()).expect("len"), own);
        assert!(
            o_all
                .iter()
                .all(|a| a["receiving_unit_id"].as_i64() == Some(office))
        );

        // A mangled keyset is named.
        let (s, e) = app
            .get_json("/api/v1/applications?after=yesterday", Some(&director))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "after");

        lists::pages_by_keyset(&app, "director", "/applications").await;
    }
);

both!(
    the_consultation_list_counts_to_its_cap_and_walks_by_keyset,
    |app| {
        let clerk = app.token("clerk").await;
        let (s, k) = app
        .post_json(
            "/api/v1/consultations",
            Some(&clerk),
            &json!({ "channel": "phone", "topic": "wages", "groups": ["migrant_worker"], "duration_minutes": 5,
                     "question": "包工头拖欠工资怎么办", "answer": "可申请劳动仲裁，并告知法律援助申请途径" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{k}");
        let model = k["consultation"]["id"].as_i64().expect("id");
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let office = app.unit_id(OFFICE).await;
        let cols = columns(
            &app,
            "consultations",
            &["id", "unit_id", "consulted_at", "consulted_on"],
            "",
        )
        .await;
        // Two a second from 2025-03-01 (a pair shares its time; the id orders them).
        let (at, on) = match app.kind {
            Kind::Sqlite => (
                "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-03-01 00:00:00', '+' || CAST(i / 2 AS TEXT) || ' seconds')",
                "'2025-03-01'",
            ),
            Kind::Postgres => (
                "TIMESTAMPTZ '2025-03-01 00:00:00+00' + (i / 2) * INTERVAL '1 second'",
                "DATE '2025-03-01'",
            ),
        };
        app.raw_sql(&format!(
            "{} INSERT INTO consultations (unit_id, consulted_at, consulted_on, {cols}) \
         SELECT CASE WHEN i % 2 = 0 THEN {center} ELSE {office} END, {at}, {on}, {cols} \
         FROM consultations, n WHERE consultations.id = {model}",
            series()
        ))
        .await
        .expect("consultations copied");
        // Some answered by a center of another district (its region on the record).
        let elsewhere = lists::unit_elsewhere(&app).await;
        app.raw_sql(&format!(
            "UPDATE consultations SET unit_id = {elsewhere}, region_code = '341502' WHERE id % 37 = 0"
        ))
        .await
        .expect("moved elsewhere");

        // The bureau's supervisor sees the district's.
        let supervisor = app.token("supervisor").await;
        let (s, first) = app
            .get_json("/api/v1/consultations", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!(first["total"], 1_000);
        assert_eq!(first["more_than"], 1_000);
        let all = walk(&app, &supervisor, "/api/v1/consultations", 200).await;
        let expected = app
            .scalar("SELECT COUNT(*) FROM consultations WHERE region_code LIKE '341504%'")
            .await;
        assert!(
            app.scalar("SELECT COUNT(*) FROM consultations WHERE region_code = '341502'")
                .await
                >= 25
        );
        assert!(
            all.iter().all(|k| k["unit_id"].as_i64() != Some(elsewhere)),
            "another district's consultations are not listed"
        );
        assert_eq!(i64::try_from(all.len()).expect("len"), expected);
        let keys = in_time_order(&all, "consulted_at");
        let (s, third) = app
            .get_json(
                "/api/v1/consultations?page=3&per_page=50",
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{third}");
        let walked: Vec<i64> = keys[100..150].iter().map(|k| k.1).collect();
        assert_eq!(ids(third["items"].as_array().expect("items")), walked);

        // One day of the copies: a filter that is set, still past the cap.
        let (s, day) = app
            .get_json(
                "/api/v1/consultations?from=2025-03-01&to=2025-03-01&per_page=1",
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{day}");
        let on_day = app
            .scalar("SELECT COUNT(*) FROM consultations WHERE consulted_on = '2025-03-01'")
            .await;
        assert!(on_day > 1_000, "{on_day}");
        assert_eq!(day["more_than"], 1_000, "{day}");

        // The office's clerk sees the office's, and only those.
        let office_clerk = clerk_of(&app, OFFICE, "shihe_consult_clerk").await;
        let own = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM consultations WHERE unit_id = {office}"
            ))
            .await;
        let o_all = walk(&app, &office_clerk, "/api/v1/consultations", 200).await;
        assert_eq!(i64::try_from(o_all.len()).expect("len"), own);
        assert!(o_all.iter().all(|k| k["unit_id"].as_i64() == Some(office)));

        let (s, e) = app
            .get_json("/api/v1/consultations?after=1_x", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "after");

        // The page: how far it counted, the next page by its keyset, and an export
        // link that keeps the filter.
        let b = app.browser("supervisor").await;
        let (s, html) = b.get("/consultations").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("咨询记录（超过 1000 条，只数到此处）"),
            "{html}"
        );
        let href = common::next_link(&html);
        assert!(href.starts_with("/consultations?page=2&after="), "{href}");
        let (s, html2) = b.get(&href).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html2.contains("第 2 页"), "{html2}");
        let (s, filtered) = b.get("/consultations?channel=phone").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            filtered.contains("href=\"/consultations/export.csv?channel=phone\""),
            "{filtered}"
        );
    }
);
