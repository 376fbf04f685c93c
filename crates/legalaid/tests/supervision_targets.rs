//! Target sheets (issue 12): a county's target split over its units and by
//! case type, a city's over its counties; all or nothing, audited; who may
//! read and who may set; the dashboard's progress per case type.

mod common;

use chrono::Datelike;
use common::{TestApp, select};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn year(app: &TestApp) -> i32 {
    legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref())).year()
}

/// The target of a unit on a sheet, as (cases, [(type, cases)]).
fn target_of(sheet: &Value, unit: i64) -> (Value, Vec<(String, i64)>) {
    let line = std::iter::once(&sheet["own"])
        .chain(sheet["lines"].as_array().expect("lines"))
        .find(|l| l["unit_id"] == unit)
        .unwrap_or_else(|| panic!("unit {unit} on the sheet: {sheet}"));
    let types = line["target"]["by_type"]
        .as_array()
        .expect("by_type")
        .iter()
        .map(|t| {
            (
                t["case_type"].as_str().expect("type").to_owned(),
                t["cases"].as_i64().expect("cases"),
            )
        })
        .collect();
    (line["target"]["cases"].clone(), types)
}

async fn sheet(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, v) = app
        .get_json(&format!("/api/v1/supervision/targets?{query}"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

both!(
    a_county_target_is_split_over_its_units_and_by_case_type,
    |app| {
        let y = year(&app);
        let supervisor = app.token("supervisor").await;
        let bureau = app.unit_id("六安市叶集区司法局").await;
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let office = app.unit_id("叶集区史河街道司法所").await;
        let q = format!("year={y}");

        let v = sheet(&app, &supervisor, &q).await;
        assert_eq!(v["region"], "341504", "{v}");
        assert_eq!(v["own"]["unit_id"], bureau, "{v}");
        assert_eq!(v["can_edit"], true);
        let lines: Vec<i64> = v["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter_map(|l| l["unit_id"].as_i64())
            .collect();
        assert!(lines.contains(&center) && lines.contains(&office), "{v}");
        assert!(
            !lines.contains(&bureau),
            "the bureau is the node, not a line"
        );

        let put = |body: Value| {
            let app = &app;
            let token = supervisor.clone();
            async move {
                app.put_json("/api/v1/supervision/targets", Some(&token), &body)
                    .await
            }
        };
        let (s, e) = put(json!({ "year": y, "lines": [
        { "unit_id": bureau, "cases": 260, "by_type": [
            { "case_type": "criminal", "cases": 60 }, { "case_type": "civil", "cases": 150 } ] },
        { "unit_id": center, "cases": 120, "by_type": [ { "case_type": "civil", "cases": 80 } ] },
        { "unit_id": office, "cases": 30 },
    ]}))
    .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let v = sheet(&app, &supervisor, &q).await;
        assert_eq!(
            target_of(&v, bureau),
            (
                json!(260),
                vec![("criminal".into(), 60), ("civil".into(), 150)]
            )
        );
        assert_eq!(target_of(&v, office), (json!(30), vec![]));
        assert_eq!(v["split"]["assigned"], 150, "{v}");
        assert_eq!(v["split"]["unassigned"], 110, "{v}");
        let civil = v["type_splits"]
            .as_array()
            .expect("type splits")
            .iter()
            .find(|t| t["case_type"] == "civil")
            .cloned()
            .unwrap_or_default();
        assert_eq!(civil["split"]["assigned"], 80, "{v}");
        assert_eq!(civil["split"]["unassigned"], 70, "{v}");

        // The dashboard shows the node's progress per case type against the parts.
        let (_, d) = app
            .get_json(&format!("/api/v1/supervision?{q}"), Some(&supervisor))
            .await;
        let civil = d["by_type"]
            .as_array()
            .expect("by type")
            .iter()
            .find(|t| t["case_type"] == "civil")
            .cloned()
            .unwrap_or_default();
        assert_eq!(civil["progress"]["target"], 150, "{d}");
        let admin_type = d["by_type"]
            .as_array()
            .expect("by type")
            .iter()
            .find(|t| t["case_type"] == "administrative")
            .cloned()
            .unwrap_or_default();
        assert_eq!(admin_type["progress"]["target"], Value::Null, "{d}");

        // All or nothing: one bad line keeps the good one from being written.
        for (body, field) in [
            (
                json!({ "year": y, "lines": [
                { "unit_id": office, "cases": 40 },
                { "unit_id": center, "cases": 50, "by_type": [ { "case_type": "civil", "cases": 80 } ] } ]}),
                format!("t{center}"),
            ),
            (
                json!({ "year": y, "lines": [ { "unit_id": office, "cases": null,
                "by_type": [ { "case_type": "civil", "cases": 1 } ] } ]}),
                format!("t{office}"),
            ),
            (
                json!({ "year": y, "lines": [ { "unit_id": office, "cases": -3 } ]}),
                format!("t{office}"),
            ),
        ] {
            let (s, e) = put(body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(e.to_string().contains(&field), "{field}: {e}");
        }
        let firm = app.unit_id("安徽史河律师事务所").await;
        let (s, e) = put(json!({ "year": y, "lines": [ { "unit_id": firm, "cases": 5 } ]})).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a firm is not on the sheet: {e}"
        );
        let v = sheet(&app, &supervisor, &q).await;
        assert_eq!(
            target_of(&v, office),
            (json!(30), vec![]),
            "nothing changed"
        );
        assert_eq!(target_of(&v, center).0, json!(120));

        // The funding page's single target may not fall under the split by type.
        let admin = app.token("admin").await;
        let (s, e) = app
            .put_json(
                "/api/v1/targets",
                Some(&admin),
                &json!({ "unit_id": bureau, "year": y, "cases": 100 }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("210"), "{e}");

        // Null removes a target.
        let (s, _) =
            put(json!({ "year": y, "lines": [ { "unit_id": office, "cases": null } ]})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let v = sheet(&app, &supervisor, &q).await;
        assert_eq!(target_of(&v, office), (Value::Null, vec![]));
        // Every change is audited (the office: set, then removed).
        assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'target.set' AND entity_id = '{office}'"
        ))
        .await,
        2
    );

        // Who may: the center reads, cannot set; a clerk neither; another region is absent.
        let director = app.token("director").await;
        let v = sheet(&app, &director, &q).await;
        assert_eq!(v["can_edit"], false);
        let (s, _) = app
            .put_json(
                "/api/v1/supervision/targets",
                Some(&director),
                &json!({ "year": y, "lines": [ { "unit_id": office, "cases": 9 } ]}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let clerk = app.token("clerk").await;
        let (s, _) = app
            .get_json(&format!("/api/v1/supervision/targets?{q}"), Some(&clerk))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_json(
                &format!("/api/v1/supervision/targets?region=3401&{q}"),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .get_json("/api/v1/supervision/targets?year=1900", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

both!(
    a_city_splits_over_its_counties_and_the_page_saves_the_sheet,
    |app| {
        let y = year(&app);
        let admin = app.token("admin").await;
        let bureau = app.unit_id("六安市叶集区司法局").await;
        // A second county, with a bureau, and a third without one.
        for (code, name) in [("341502", "金安区"), ("341503", "裕安区")] {
            let (s, r) = app
                .post_json(
                    "/api/v1/regions",
                    Some(&admin),
                    &json!({ "code": code, "name": name }),
                )
                .await;
            assert!(s.is_success() || r["errors"][0]["field"] == "code", "{r}");
        }
        let (s, u) = app
        .post_json(
            "/api/v1/units",
            Some(&admin),
            &json!({ "name": "六安市金安区司法局", "kind": "justice_bureau", "region_code": "341502" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        let jinan = u["id"].as_i64().expect("id");
        let v = sheet(&app, &admin, &format!("region=3415&year={y}")).await;
        let line = |name: &str| {
            v["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .find(|l| l["name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name}: {v}"))
        };
        assert_eq!(line("叶集区")["unit_id"], bureau);
        assert_eq!(line("金安区")["unit_id"], jinan);
        assert_eq!(line("裕安区")["unit_id"], Value::Null);
        assert_eq!(
            v["own"]["unit_id"],
            Value::Null,
            "no city bureau in the demo"
        );

        // The page: a table of inputs; a bad number is shown in its cell (422)
        // and nothing is saved; a good sheet is saved and shown again.
        let b = app.browser("admin").await;
        let path = format!("/supervision/targets?region=3415&year={y}");
        let (s, html) = b.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("目标任务分解") && html.contains("其中刑事"),
            "{html}"
        );
        assert!(html.contains("尚无司法局，无法设定目标"), "{html}");
        assert!(html.contains(&format!("name=\"t{jinan}_civil\"")), "{html}");
        let csrf = b.csrf(&path).await;
        let year = y.to_string();
        let (tb, tj, tjc) = (
            format!("t{bureau}"),
            format!("t{jinan}"),
            format!("t{jinan}_criminal"),
        );
        let (s, html, _) = b
            .post_form(
                "/supervision/targets",
                &[
                    ("_csrf", csrf.as_str()),
                    ("year", year.as_str()),
                    ("region", "3415"),
                    (tb.as_str(), "260"),
                    (tj.as_str(), "三百"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("请填写整数件数"), "{html}");
        assert!(html.contains("value=\"三百\""), "{html}");
        let v = sheet(&app, &admin, &format!("region=3415&year={y}")).await;
        let bureau_line = v["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["unit_id"] == bureau)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            bureau_line["target"]["cases"],
            Value::Null,
            "nothing saved: {v}"
        );
        let (s, html, _) = b
            .post_form(
                "/supervision/targets",
                &[
                    ("_csrf", csrf.as_str()),
                    ("year", year.as_str()),
                    ("region", "3415"),
                    (tb.as_str(), "260"),
                    (tj.as_str(), "300"),
                    (tjc.as_str(), "90"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        let (_, html) = b.get(&path).await;
        let cells = select(&html, "table.target-sheet tbody tr");
        assert!(cells.iter().any(|r| r.contains("金安区")), "{cells:?}");
        assert!(
            html.contains("value=\"300\"") && html.contains("value=\"90\""),
            "{html}"
        );
        // The county's dashboard links to its sheet.
        let (_, html) = b.get("/supervision?region=341504").await;
        assert!(
            html.contains("/supervision/targets?region=341504"),
            "{html}"
        );
    }
);
