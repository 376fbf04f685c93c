//! Supervision (issue 12, ADR 0023): progress against targets and against time
//! from a county down to the cases counted, on any day; the case tallies kept
//! in the transaction that writes a case equal the ones recomputed from the
//! cases; the rules with effective dates, one per day (409 for the loser);
//! and who may look.

mod common;

use chrono::{Datelike, Duration};
use common::{TestApp, granted_wage_claim, resident_id, select};
use reqwest::StatusCode;
use serde_json::json;

fn today(app: &TestApp) -> chrono::NaiveDate {
    legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()))
}

/// The first number of the total panel's "计入 / 目标任务".
fn counted(html: &str) -> i64 {
    let facts = select(html, "section.panel dd");
    let first = facts.first().cloned().unwrap_or_default();
    first
        .split([' ', '（'])
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {first:?}: {facts:?}"))
}

async fn new_case(app: &TestApp, id17: &str) -> serde_json::Value {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "督导测试", "id_type": "resident_id", "id_number": resident_id(id17),
                     "phone": "13955509001" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let a = granted_wage_claim(app, p["id"].as_i64().expect("id"), "某建筑公司").await;
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{a}/case"),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c
}

async fn tallies_agree(app: &TestApp) {
    let diff = legalaid_app::supervision::verify(&app.app)
        .await
        .expect("verify");
    assert!(diff.is_empty(), "incremental tallies differ: {diff:?}");
    let before = legalaid_store::supervision::all(&mut app.app.store.read().await.expect("tx"))
        .await
        .expect("tallies");
    legalaid_app::supervision::rebuild(&app.app)
        .await
        .expect("rebuild");
    let after = legalaid_store::supervision::all(&mut app.app.store.read().await.expect("tx"))
        .await
        .expect("tallies");
    assert_eq!(before, after, "a rebuild changes nothing");
    let mut tx = app.app.store.read().await.expect("tx");
    let years = legalaid_store::supervision::day_years(&mut tx)
        .await
        .expect("years");
    assert!(!years.is_empty(), "the daily cells are kept");
    for (year, _) in years {
        let days = legalaid_store::supervision::days_of_year(&mut tx, year)
            .await
            .expect("days");
        let months: Vec<_> = legalaid_domain::supervision::tally::monthly(&days);
        let stored: Vec<_> = before
            .iter()
            .filter(|e| e.key.year == year)
            .cloned()
            .collect();
        assert_eq!(months, stored, "{year}: the days add up to the months");
    }
}

/// The county's count and the office's line as of `day`, through the API.
async fn counted_on(app: &TestApp, day: chrono::NaiveDate, office: i64) -> (i64, i64) {
    let supervisor = app.token("supervisor").await;
    let (s, v) = app
        .get_json(
            &format!("/api/v1/supervision?year={}&as_of={day}", day.year()),
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let line = v["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["node"]["id"] == office)
        .unwrap_or_else(|| panic!("the office's line: {v}"))["progress"]["counted"]
        .as_i64()
        .expect("count");
    (
        v["total"]["progress"]["counted"].as_i64().expect("count"),
        line,
    )
}

both!(a_past_day_inside_a_month_counts_to_its_china_day, |app| {
    // Next month (so the demo has nothing there), which may be January: the
    // year's first month is all daily cells.
    let t = today(&app);
    let m = if t.month() == 12 {
        chrono::NaiveDate::from_ymd_opt(t.year() + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(t.year(), t.month() + 1, 1)
    }
    .expect("next month");
    let china = |day: chrono::NaiveDate, hm: (u32, u32)| {
        day.and_hms_opt(hm.0, hm.1, 0).expect("time").and_utc() - Duration::hours(8)
    };
    let office = app.unit_id("叶集区史河街道司法所").await;
    // Opened on the 3rd, on the 5th at 23:30 and on the 6th at 00:30 (still
    // the 5th in UTC).
    for (day, hm, id) in [
        (2, (10, 0), "34150419800101303"),
        (4, (23, 30), "34150419800101404"),
        (5, (0, 30), "34150419800101505"),
    ] {
        app.clock.set(china(m + Duration::days(day), hm));
        new_case(&app, id).await;
    }
    app.clock.set(china(m + Duration::days(19), (9, 0)));
    let base = counted_on(&app, m + Duration::days(1), office).await;
    for (day, more) in [(2, 1), (3, 1), (4, 2), (5, 3), (19, 3)] {
        let (total, line) = counted_on(&app, m + Duration::days(day), office).await;
        assert_eq!(
            (total - base.0, line - base.1),
            (more, more),
            "as of {}",
            m + Duration::days(day)
        );
    }
    // The month's last day reads the monthly cells; it agrees.
    let last = if m.month() == 12 {
        chrono::NaiveDate::from_ymd_opt(m.year(), 12, 31)
    } else {
        chrono::NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1).map(|d| d - Duration::days(1))
    }
    .expect("last day");
    app.clock.set(china(last + Duration::days(3), (9, 0)));
    let (total, line) = counted_on(&app, last, office).await;
    assert_eq!((total - base.0, line - base.1), (3, 3));
    tallies_agree(&app).await;
});

both!(progress_against_time_from_the_county_to_the_cases, |app| {
    let year = today(&app).year();
    let admin = app.token("admin").await;
    let bureau = app.unit_id("六安市叶集区司法局").await;
    let center = app.unit_id("六安市叶集区法律援助中心").await;
    let b = app.browser("supervisor").await;

    // Without a target the count shows, the lack is said, nothing is judged.
    let (s, html) = b.get("/supervision").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("序时进度") && html.contains("统计口径"),
        "{html}"
    );
    assert!(html.contains("尚未设定"), "{html}");
    let before = counted(&html);

    // A target for the district and part of it split to the center.
    for (unit, cases) in [(bureau, 20), (center, 12)] {
        let (s, _) = app
            .put_json(
                "/api/v1/targets",
                Some(&admin),
                &json!({ "unit_id": unit, "year": year, "cases": cases }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
    }
    let yesterday = today(&app) - Duration::days(1);
    let past = format!("/supervision?year={year}&as_of={yesterday}");
    let (_, html) = b.get(&past).await;
    let before_yesterday = counted(&html);

    // Two cases opened today at the center count at once.
    let c1 = new_case(&app, "34150419800101101").await;
    new_case(&app, "34150419800101202").await;
    let (s, html) = b.get("/supervision").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(counted(&html), before + 2, "{html}");
    let facts = select(&html, "section.panel dd");
    assert!(facts[0].ends_with("/ 20"), "{facts:?}");
    assert!(
        facts.iter().any(|f| f.contains("已分解 12 / 20，未分解 8")),
        "{facts:?}"
    );
    // The same through the API.
    let supervisor = app.token("supervisor").await;
    let (s, v) = app.get_json("/api/v1/supervision", Some(&supervisor)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"]["progress"]["counted"], before + 2, "{v}");
    assert_eq!(v["total"]["progress"]["target"], 20, "{v}");
    assert_eq!(v["split"]["unassigned"], 8, "{v}");
    assert_eq!(v["rule"]["event"], "accepted", "{v}");
    let (s, _) = app
        .get_json("/api/v1/supervision?region=3401", Some(&supervisor))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // An administrator sees every region, and an unknown one is absent, not empty.
    let (s, v) = app
        .get_json("/api/v1/supervision?region=34", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"]["progress"]["counted"], before + 2, "{v}");
    let (s, _) = app
        .get_json("/api/v1/supervision?region=3499", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The units of the county are the lines: the clerk's office took the two
    // cases in (no target of its own), the center has its 12 and none yet.
    let office = app.unit_id("叶集区史河街道司法所").await;
    let rows = select(&html, "table tbody tr");
    let line = |name: &str| {
        rows.iter()
            .find(|r| r.contains(name))
            .cloned()
            .unwrap_or_else(|| panic!("the line of {name}: {rows:?}"))
    };
    assert!(line("法律援助中心").contains("0 / 12"), "{rows:?}");
    assert!(line("史河街道司法所").contains("未设目标"), "{rows:?}");
    assert!(html.contains(&format!("/supervision/cases?unit={office}&#38;year={year}")));
    let (s, list) = b
        .get(&format!("/supervision/cases?unit={office}&year={year}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert!(
        list.contains(c1["number"].as_str().expect("number")),
        "{list}"
    );
    assert!(list.contains("计入的案件（2）"), "{list}");
    // The unit's own dashboard, with the way back up to the county.
    let (s, html) = b
        .get(&format!("/supervision?unit={office}&year={year}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("上一级") && html.contains("region=341504"),
        "{html}"
    );

    // Yesterday's figures do not move with today's cases (the month is
    // corrected from its cases when yesterday is inside it).
    let (_, html) = b.get(&past).await;
    assert_eq!(counted(&html), before_yesterday, "{html}");

    // Assigning and closing move the tallies in the same transaction; they
    // equal the recomputed ones and a rebuild changes nothing.
    let (lawyer, firm) = common::lawyer_staff(&app).await;
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{}/assignment", c1["id"]),
            Some(&director),
            &json!({ "unit_id": firm, "handler_id": lawyer, "version": c1["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    tallies_agree(&app).await;

    // A year with no records, and one not begun, degrade visibly.
    let (s, html) = b.get("/supervision?year=2019").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("尚未设定2019年的目标任务数"), "{html}");
    let (s, html) = b.get(&format!("/supervision?year={}", year + 1)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("所选年度尚未开始"), "{html}");
    // Nonsense is a clear error, not a crash.
    let (s, html) = b.get("/supervision?year=abc&as_of=yesterday").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("年份应为四位数字"), "{html}");
});

both!(
    only_bureaus_and_centers_supervise_and_within_their_region,
    |app| {
        let b = app.browser("supervisor").await;
        let (_, home) = b.get("/").await;
        assert!(
            home.contains("\"/supervision\""),
            "the nav links the dashboard"
        );
        // Another region is not there for this bureau.
        let (s, _) = b.get("/supervision?region=3401").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = b.get("/supervision?region=bogus").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        for who in ["lawyer", "clerk_pinggang"] {
            let b = app.browser(who).await;
            let (_, home) = b.get("/").await;
            assert!(!home.contains("\"/supervision\""), "{who}: no link");
            let (s, _) = b.get("/supervision").await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
            let center = app.unit_id("六安市叶集区法律援助中心").await;
            let (s, _) = b.get(&format!("/supervision/cases?unit={center}")).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }
    }
);

both!(a_rule_per_day_and_the_loser_of_a_race_gets_409, |app| {
    let b = app.browser("supervisor").await;
    let (s, html) = b.get("/supervision/rules").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("系统默认口径"), "the shipped rule: {html}");
    let csrf = b.csrf("/supervision/rules").await;
    let day = (today(&app) + Duration::days(30)).to_string();
    let form = |day: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("effective_from", day.to_owned()),
            ("event", "concluded".to_owned()),
            ("case_types", "civil".to_owned()),
            ("basis", "day".to_owned()),
            ("lag_margin_points", "-5".to_owned()),
            ("source", "2027年考核方案".to_owned()),
        ]
    };
    let owned = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let post = |base: String, f: Vec<(&'static str, String)>| {
        let client = b.client.clone();
        async move {
            client
                .post(format!("{base}/supervision/rules"))
                .form(&f)
                .send()
                .await
                .expect("post")
                .status()
        }
    };
    // Refused input changes nothing.
    let mut bad = owned(&form(&day));
    bad[2].1 = "subsidy_paid".into();
    bad[5].1 = "-500".into();
    let status = post(app.base.clone(), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM supervision_rules").await,
        1
    );
    if app.kind == common::Kind::Postgres {
        // Two instances add a rule for the same day at once: one wins.
        let twin = app.twin().await;
        let (a, c) = tokio::join!(
            post(app.base.clone(), owned(&form(&day))),
            post(twin.base.clone(), owned(&form(&day)))
        );
        let mut got = [a, c];
        got.sort();
        assert_eq!(got, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    } else {
        assert_eq!(
            post(app.base.clone(), owned(&form(&day))).await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            post(app.base.clone(), owned(&form(&day))).await,
            StatusCode::CONFLICT
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM supervision_rules").await,
        2
    );
    // The old rule ends the day before; the new one applies from its day on.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM supervision_rules WHERE effective_to IS NOT NULL")
            .await,
        1
    );
    let (_, html) = b.get("/supervision/rules").await;
    assert!(html.contains("民事案件以结案计件"), "{html}");
    // Through the API: the same day again is 409, another day is taken.
    let supervisor = app.token("supervisor").await;
    let body = |day: &str| {
        json!({ "effective_from": day, "event": "assigned", "case_types": [], "later_stages": true,
                "basis": "month", "lag_margin_points": 0, "source": "API" })
    };
    let (s, e) = app
        .post_json("/api/v1/supervision/rules", Some(&supervisor), &body(&day))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let later = (today(&app) + Duration::days(60)).to_string();
    let (s, r) = app
        .post_json(
            "/api/v1/supervision/rules",
            Some(&supervisor),
            &body(&later),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, list) = app
        .get_json("/api/v1/supervision/rules", Some(&supervisor))
        .await;
    assert_eq!(list["total"], 3, "{list}");
    let (_, html) = b.get("/supervision").await;
    assert!(
        html.contains("以受理计件"),
        "today's rule is still the old one: {html}"
    );
    // Who may not keep the rules.
    let director = app.browser("director").await;
    let csrf = director.csrf("/supervision").await;
    let res = director
        .client
        .post(format!("{}/supervision/rules", app.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("effective_from", "2030-01-01"),
            ("event", "accepted"),
            ("basis", "month"),
            ("lag_margin_points", "0"),
            ("source", "x"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
});

/// A part of an .xlsx file (a zip of XML parts).
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut s = String::new();
    z.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

both!(statistics_by_dimension_with_excel_and_csv, |app| {
    let supervisor = app.token("supervisor").await;
    // The demo's `clerk` takes applications in at 史河 office.
    let office = app.unit_id("叶集区史河街道司法所").await;
    let year = today(&app).year();
    let stats = |q: String| {
        let app = &app;
        let token = supervisor.clone();
        async move {
            app.get_json(&format!("/api/v1/supervision/statistics?{q}"), Some(&token))
                .await
        }
    };
    // Nothing yet: an empty table with a zero total.
    let (s, v) = stats("by=intake_unit".into()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = v["total"]["cases"].as_i64().expect("total");
    new_case(&app, "34150419800101303").await;
    new_case(&app, "34150419800101404").await;
    let (_, v) = stats("by=intake_unit".into()).await;
    assert_eq!(v["total"]["cases"], before + 2, "{v}");
    let row = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"]["value"] == office)
        .cloned()
        .expect("the office's row");
    assert_eq!(row["label"], "叶集区史河街道司法所");
    assert!(row["figures"]["cases"].as_i64() >= Some(2), "{row}");
    // By case type: a wage claim is a civil matter (民事) or a labour one; the
    // row that holds them is named, never a code.
    let (_, v) = stats("by=case_type".into()).await;
    let civil = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .max_by_key(|r| r["figures"]["cases"].as_i64())
        .cloned()
        .expect("a row");
    let label = civil["label"].as_str().expect("label").to_owned();
    assert!(
        legalaid_domain::case::CaseType::ALL
            .iter()
            .any(|t| t.label() == label),
        "{v}"
    );
    assert!(civil["figures"]["cases"].as_i64() >= Some(2), "{v}");
    let month = format!("{year}-{:02}", today(&app).month());
    let (_, v) = stats("by=month".into()).await;
    assert!(
        v["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["label"] == month),
        "{v}"
    );
    // A period before the cases: none of them.
    let (_, v) = stats(format!(
        "by=handler&from={}-01-01&to={}-01-31",
        year - 1,
        year - 1
    ))
    .await;
    assert_eq!(v["total"]["cases"], 0, "{v}");
    // Bad asks: 422; another region: 404; a clerk: 403.
    let (s, _) = stats("by=nonsense".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = stats(format!("from={year}-12-31&to={year}-01-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = stats("region=3401".into()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let clerk = app.token("clerk_pinggang").await;
    let (s, _) = app
        .get_json("/api/v1/supervision/statistics", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The page, and its Excel and CSV with the same figures.
    let b = app.browser("supervisor").await;
    let (s, html) = b.get("/supervision/statistics?by=case_type").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains(&label) && html.contains("合计"), "{html}");
    let (s, _) = b.get("/supervision/statistics?by=case_type&from=bad").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let res = b
        .client
        .get(format!(
            "{}/supervision/statistics.xlsx?by=case_type",
            app.base
        ))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.expect("bytes");
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    for s in [
        "法律援助案件统计（按案件类型）",
        "受理案件数",
        label.as_str(),
        "合计",
    ] {
        assert!(strings.contains(s), "{s}: {strings}");
    }
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    let total = civil["figures"]["cases"].as_i64().expect("n");
    assert!(
        sheet.contains(&format!("<v>{total}</v>")),
        "the civil count as a number cell: {sheet}"
    );
    let res = b
        .client
        .get(format!(
            "{}/supervision/statistics.csv?by=case_type",
            app.base
        ))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.expect("text");
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel and WPS");
    assert!(text.contains("案件类型,受理案件数"), "{text}");
    assert!(text.contains(&format!("{label},{total},")), "{text}");
});
