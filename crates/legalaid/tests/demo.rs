//! The living demo: `serve --demo` builds last year and this year up to the
//! clock's today, so every demo account opens on live work of the current year,
//! and the work leaves the queue when it is done.

mod common;

use chrono::Datelike;
use common::{TestApp, select};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn queue(app: &TestApp, token: &str) -> Value {
    let (s, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    q
}

fn accounts() -> Vec<String> {
    let mut names: Vec<String> = legalaid_app::demo::DEMO_ACCOUNTS
        .iter()
        .map(|(u, _, _)| (*u).to_owned())
        .filter(|u| u != "sysadmin")
        .collect();
    names.extend(
        legalaid_app::demo::OFFICE_CLERKS
            .iter()
            .map(|(u, _, _)| (*u).to_owned()),
    );
    for f in 0..6 {
        for k in 0..5 {
            names.push(legalaid_app::demo::lawyer_username(f, k));
        }
    }
    names
}

both!(every_demo_account_opens_on_live_work_of_this_year, |app| {
    legalaid_app::demo::load_activity(&app.app)
        .await
        .expect("the demo's activity");
    let today = legalaid_domain::local_date(app.clock.now());
    let this_year = today.year();
    let names = accounts();
    assert_eq!(names.len(), 5 + 6 + 30, "{names:?}");
    for name in &names {
        let token = app.token(name).await;
        let q = queue(&app, &token).await;
        let items = q["items"].as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty(), "{name} has nothing to do: {q}");
        // Live: due (or waiting since) within the last two months, or later.
        let recent = (today - chrono::Duration::days(60)).to_string();
        assert!(
            items
                .iter()
                .any(|i| i["due"].as_str().is_some_and(|d| d >= recent.as_str())),
            "{name}: {q}"
        );
        assert!(
            items.iter().all(|i| i["due"]
                .as_str()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse::<i32>().ok())
                .is_some_and(|y| y >= this_year - 1)),
            "{name}: nothing from before last year: {q}"
        );
    }

    // A year of quality work: a finished round and one under way, orders closed
    // and open, visits, observations, letters, and complaints in every state.
    let quality = app.token("quality").await;
    let statuses = |v: &Value, key: &str| -> Vec<String> {
        let mut s: Vec<String> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i[key].as_str().map(str::to_owned))
            .collect();
        s.sort();
        s.dedup();
        s
    };
    let (_, r) = app.get_json("/api/v1/quality/rounds", Some(&quality)).await;
    assert_eq!(r["total"], 2, "{r}");
    assert_eq!(statuses(&r, "status"), ["closed", "open"], "{r}");
    let (_, r) = app
        .get_json("/api/v1/rectifications?per_page=200", Some(&quality))
        .await;
    let s = statuses(&r, "status");
    assert!(
        s.contains(&"closed".to_owned()) && s.contains(&"issued".to_owned()),
        "{r}"
    );
    for (path, at_least) in [
        ("/api/v1/visits", 10),
        ("/api/v1/observations", 2),
        ("/api/v1/opinions", 3),
    ] {
        let (_, r) = app.get_json(path, Some(&quality)).await;
        assert!(
            r["total"].as_i64().is_some_and(|n| n >= at_least),
            "{path}: {r}"
        );
    }
    let supervisor = app.token("supervisor").await;
    let (_, r) = app
        .get_json("/api/v1/complaints?per_page=200", Some(&supervisor))
        .await;
    let s: Vec<String> = r["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["complaint"]["status"].as_str().map(str::to_owned))
        .collect();
    for want in ["received", "accepted", "refused", "replied"] {
        assert!(s.iter().any(|x| x == want), "{want}: {r}");
    }

    // A lawyer signs the agreement their queue shows: the item leaves the queue and
    // the home page.
    let mut found = None;
    for name in names.iter().filter(|n| n.starts_with("lawyer")) {
        let token = app.token(name).await;
        let q = queue(&app, &token).await;
        if let Some(i) = q["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["code"] == "sign_agreement"))
        {
            found = Some((name.clone(), token, i.clone()));
            break;
        }
    }
    let (name, lawyer, item) = found.expect("a lawyer with an agreement to sign");
    let case_id = item["case_id"].as_i64().expect("case");
    let (_, c) = app
        .get_json(&format!("/api/v1/cases/{case_id}"), Some(&lawyer))
        .await;
    let browser = app.browser(&name).await;
    let (_, home) = browser.get("/").await;
    let number = item["number"].as_str().expect("number");
    assert!(
        select(&home, ".queue li")
            .iter()
            .any(|r| r.contains(number)),
        "{home}"
    );
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/agreement"),
            Some(&lawyer),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let q = queue(&app, &lawyer).await;
    assert!(
        !q["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i["case_id"] == case_id)),
        "{q}"
    );
    let (_, home) = browser.get("/").await;
    assert!(
        !select(&home, ".queue li")
            .iter()
            .any(|r| r.contains(number)),
        "{home}"
    );

    // Last year's excellent cases are published (十佳) and this year's selection
    // takes nominations.
    let director = app.token("director").await;
    let (_, l) = app
        .get_json("/api/v1/excellent/selections", Some(&director))
        .await;
    let statuses: Vec<&str> = l["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|x| x["status"].as_str())
        .collect();
    assert_eq!(statuses, ["nominating", "published"], "{l}");
    let published = &l["items"][1];
    let (_, v) = app
        .get_json(
            &format!("/api/v1/excellent/selections/{}", published["id"]),
            Some(&director),
        )
        .await;
    let honoured = v["ranking"]
        .as_array()
        .expect("ranking")
        .iter()
        .filter(|r| r["honoured"] == true)
        .count();
    assert!(honoured >= 5, "{v}");
    let case = v["ranking"][0]["case_id"].as_i64().expect("a case");
    let (_, html) = app
        .browser("director")
        .await
        .get(&format!("/cases/{case}"))
        .await;
    assert!(html.contains("优秀法律援助案例 第1名"), "{html}");

    // The report forms of this year and last year count the demo's cases and
    // pass every in-table and cross-table check.
    let supervisor = app.token("supervisor").await;
    for year in [this_year, this_year - 1] {
        let (s, set) = app
            .get_json(
                &format!("/api/v1/supervision/report-forms?period=year&year={year}"),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{set}");
        let broken: Vec<&Value> = set["forms"]
            .as_array()
            .expect("forms")
            .iter()
            .flat_map(|f| f["checks"].as_array().expect("checks"))
            .filter(|c| c["holds"] == false)
            .collect();
        assert!(broken.is_empty(), "{year}: {broken:?}");
        let t8 = set["forms"]
            .as_array()
            .expect("forms")
            .iter()
            .find(|f| f["code"] == "t8")
            .expect("表八");
        assert!(t8["total"]["cells"][0].as_i64() > Some(50), "{year}: {t8}");
        assert!(t8["total"]["cells"][1].as_i64() > Some(0), "{year}: {t8}");
        let total = |code: &str, col: usize| {
            set["forms"]
                .as_array()
                .expect("forms")
                .iter()
                .find(|f| f["code"] == code)
                .and_then(|f| f["total"]["cells"][col - 1].as_i64())
                .unwrap_or(-1)
        };
        // The consultations answered, the workstations, the complaints handled.
        assert!(total("t11", 1) > 0, "{year}: 表十一");
        assert_eq!(total("t12", 1), 5, "{year}: 表十二");
        assert!(total("t13", 1) >= 0, "{year}: 表十三 is there");
        if year == this_year {
            assert!(total("t13", 1) > 0, "this year's complaints handled");
        }
        // 表一–表四: the center's entered figures, the subsidies paid computed.
        assert_eq!(total("t1", 4), 1, "{year}: 表一 one center");
        assert!(total("t3", 1) > 0, "{year}: 表三 funds");
        assert!(total("t4", 5) > 0, "{year}: 表四 subsidies paid");
    }
});

both!(the_demo_lives_at_the_turn_of_the_year_too, |app| {
    // On the second of January the year's story is two days old: the demo still
    // loads, and last year's quality work is there.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-01-02T09:00:00+08:00")
            .expect("time")
            .to_utc(),
    );
    legalaid_app::demo::load_activity(&app.app)
        .await
        .expect("the demo's activity");
    let quality = app.token("quality").await;
    let (s, r) = app.get_json("/api/v1/quality/rounds", Some(&quality)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["total"], 2, "{r}");
    let expert = app.token("expert").await;
    let q = queue(&app, &expert).await;
    assert!(
        q["items"].as_array().is_some_and(|i| !i.is_empty()),
        "the expert's sheets wait: {q}"
    );
});
