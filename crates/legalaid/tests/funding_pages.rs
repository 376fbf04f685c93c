//! The funding pages through HTTP: the funding estimate with the district's target,
//! the subsidy totals, and the subsidy schedule page.

mod common;

use common::{fields_in_error, hidden, post, section_rows, select};
use reqwest::StatusCode;

both!(funding_estimate_and_subsidy_totals, |app| {
    let bureau = app.unit_id("六安市叶集区司法局").await;
    let supervisor = app.browser("supervisor").await;
    let page = format!("/funding?year=2024&unit_id={bureau}");
    let (s, html) = supervisor.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("尚未设定2024年的目标任务数"), "{html}");
    let csrf = hidden(&html, "/funding/target", "_csrf");
    let target = |cases: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("unit_id", bureau.to_string()),
            ("year", "2024".to_owned()),
            ("cases", cases.to_owned()),
        ]
    };
    let (s, html, _) = post(&supervisor, "/funding/target", &target("二百六十")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_in_error(&html), ["cases"]);
    let (s, _, to) = post(&supervisor, "/funding/target", &target("260")).await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = supervisor.get(&page).await;
    let facts = select(&html, ".facts dd");
    assert!(facts.contains(&"260件".to_owned()), "{facts:?}");
    // No 2023 history: the default mix at 合格 (see tests/cases.rs).
    assert!(facts.contains(&"317,200.00元".to_owned()), "{facts:?}");
    assert_eq!(section_rows(&html, "测算明细").len(), 3);
    assert!(!select(&html, ".sentences li").is_empty(), "the notes");
    // A lawyer neither sees the estimate nor its navigation entry.
    let lawyer = app.browser("lawyer").await;
    let (s, _) = lawyer.get(&page).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!select(&lawyer.get("/").await.1, "nav ul.nav a").contains(&"经费测算".to_owned()));

    // Subsidy totals: the table and the export with its header row.
    let director = app.browser("director").await;
    let (s, html) = director.get("/subsidies?year=2024&by=unit").await;
    assert_eq!(s, StatusCode::OK);
    assert!(select(&html, "table").is_empty());
    assert!(select(&html, "p.empty")[0].contains("2024年立案"), "{html}");
    assert_eq!(
        select(&html, "a[href='/subsidies/export.csv?year=2024&by=unit']"),
        ["导出CSV"]
    );
    let res = director
        .client
        .get(format!(
            "{}/subsidies/export.csv?year=2024&by=unit",
            app.base
        ))
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.expect("body");
    assert!(
        body.trim_start_matches('\u{feff}')
            .starts_with("承办单位,案件数,待发放（元）,已发放（元）,合计（元）"),
        "{body}"
    );
    let (s, _) = lawyer.get("/subsidies").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(the_subsidy_schedule_page_lists_and_adds_rows, |app| {
    let director = app.browser("director").await;
    let (s, html) = director.get("/admin/subsidy-schedule").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("天长市") && html.contains("1,200.00元"),
        "the shipped example with its source"
    );
    let (s, _) = director.get("/admin/subsidy-schedule/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "administrators add rows");
    let clerk = app.browser("clerk").await;
    let (s, _) = clerk.get("/admin/subsidy-schedule").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.browser("admin").await;
    let csrf = admin.csrf("/admin/subsidy-schedule/new").await;
    let (s, html, _) = admin
        .post_form(
            "/admin/subsidy-schedule",
            &[
                ("_csrf", &csrf),
                ("kind", "travel"),
                ("min_km", "200"),
                ("effective_from", "2025-01-01"),
                ("source", "测试"),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a travel band needs its amount"
    );
    assert!(
        html.contains("amount_fen") || html.contains("金额"),
        "{html}"
    );
    let (s, _, to) = admin
        .post_form(
            "/admin/subsidy-schedule",
            &[
                ("_csrf", &csrf),
                ("kind", "travel"),
                ("min_km", "200"),
                ("amount_fen", "30000"),
                ("region", "34"),
                ("effective_from", "2025-01-01"),
                ("label", "差旅补助"),
                ("source", "测试依据"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/admin/subsidy-schedule"));
    let (_, html) = admin.get("/admin/subsidy-schedule").await;
    assert!(html.contains("200公里以上") && html.contains("测试依据"));
});
