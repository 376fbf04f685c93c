//! The application pages through HTTP, on SQLite and PostgreSQL: intake through
//! the form (China time, amounts in yuan), the review page with its assessment and
//! deadlines, decisions and other actions carrying the version (409 when stale),
//! visibility, and the rules and calendar pages for administrators.

mod common;

use common::{TestApp, fields_in_error, hidden, post, section_rows, select};
use reqwest::StatusCode;
use serde_json::json;

/// Registers the applicant through the API; returns the person's id.
async fn applicant(app: &TestApp) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "王大力", "id_type": "resident_id", "id_number": "341504198502150016", "groups": ["migrant_worker"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

/// A migrant worker's wage claim received on 2024-09-26 at 10:00 Beijing time.
fn wage_claim(person: i64, csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("_csrf", csrf.to_owned()),
        ("applicant_id", person.to_string()),
        ("channel", "walk_in".into()),
        ("notifying_organ", String::new()),
        ("received_at", "2024-09-26T10:00".into()),
        ("custody_received_at", String::new()),
        ("matter_code", "labor_remuneration".into()),
        ("service_form", "labor_arbitration".into()),
        ("procedural_role", "applicant".into()),
        ("opposing_party", "某建筑劳务有限公司".into()),
        (
            "summary",
            "申请人在工地务工，被拖欠工资三个月共计一万二千元。".into(),
        ),
        ("limitation_date", String::new()),
        ("means_kind", "exemption".into()),
        ("members", String::new()),
        ("monthly_income_yuan", String::new()),
        ("exemption_code", "migrant_worker_wage_or_injury".into()),
        ("exemption_proof_provided", "true".into()),
    ]
}

fn with(
    form: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut f = form.to_vec();
    for (k, v) in changes {
        match f.iter_mut().find(|(n, _)| n == k) {
            Some(x) => x.1 = (*v).to_owned(),
            None => f.push((k, (*v).to_owned())),
        }
    }
    f
}

both!(intake_review_and_decision_through_the_pages, |app| {
    let person = applicant(&app).await;
    let clerk = app.browser("clerk").await;
    // The applicant is searched for, not picked from a long list.
    let (s, html) = clerk.get("/applications/new").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        select(&html, "select[name=applicant_id] option"),
        ["请先在上方查找申请人"]
    );
    let (s, html) = clerk
        .get(&format!(
            "/applications/new?find={}",
            common::urlenc("王大力")
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let chosen = format!("/applications/new?applicant_id={person}");
    assert_eq!(
        select(&html, &format!("a[href='{chosen}']")),
        ["选为申请人"],
        "the search finds the person"
    );
    let (s, html) = clerk.get(&chosen).await;
    assert_eq!(s, StatusCode::OK);
    let applicants = select(&html, "select[name=applicant_id] option");
    assert!(
        applicants.len() == 1 && applicants[0].starts_with("王大力"),
        "{applicants:?}"
    );
    assert_eq!(
        select(&html, "input[name=received_at][type=datetime-local]").len(),
        1
    );
    let matters = select(&html, "select[name=matter_code] option");
    assert_eq!(matters.len(), 1 + 28 + 1, "请选择, 28 matters, not listed");
    let csrf = clerk.csrf("/applications/new").await;
    let form = wage_claim(person, &csrf);

    // Invalid: an income that is not a number, and nothing stored.
    let (s, html, _) = post(
        &clerk,
        "/applications",
        &with(
            &form,
            &[
                ("means_kind", "household"),
                ("members", "3"),
                ("monthly_income_yuan", "三千"),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!select(&html, ".field-error").is_empty(), "{html}");
    assert_eq!(fields_in_error(&html), ["monthly_income_yuan"]);
    assert!(html.contains("某建筑劳务有限公司"), "the input is kept");
    // Invalid for the use case: each message next to its field.
    let (s, html, _) = post(
        &clerk,
        "/applications",
        &with(
            &form,
            &[
                ("channel", ""),
                ("matter_code", ""),
                ("summary", ""),
                ("received_at", "2099-01-01T08:00"),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let named = fields_in_error(&html);
    for f in ["channel", "received_at", "matter_code", "summary"] {
        assert!(named.iter().any(|n| n == f), "{f} in {named:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);

    // Valid: received, numbered, and shown with the assessment and deadlines. The
    // form carries a one-time key (the same through the refused attempts above):
    // posted again (Back, then submit), it shows the same application.
    let (_, page) = clerk.get("/applications/new").await;
    let once = {
        let doc = scraper::Html::parse_document(&page);
        let sel = scraper::Selector::parse("input[name=_once]").expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .expect("a one-time key")
            .to_owned()
    };
    let form = with(&form, &[("_once", &once)]);
    let (s, body, to) = post(&clerk, "/applications", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (s, _, again) = post(&clerk, "/applications", &form).await;
    assert_eq!(
        (s, &again),
        (StatusCode::SEE_OTHER, &to),
        "the same application"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 1);
    let to = to.expect("a Location");
    let id: i64 = to
        .strip_prefix("/applications/")
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("redirect to the application: {to}"));
    let (s, html) = clerk.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["叶法援申〔2024〕1号"]);
    assert_eq!(select(&html, ".badge"), ["审查中"]);
    assert_eq!(select(&html, ".lead"), ["符合法律援助条件"]);
    let reasons = select(&html, ".sentences li").join("");
    assert!(reasons.contains("免予核查经济困难状况"), "{reasons}");
    assert!(html.contains("2024-09-26 10:00"), "received, in China time");
    let deadlines = section_rows(&html, "期限");
    assert_eq!(deadlines.len(), 1, "{deadlines:?}");
    assert!(
        deadlines[0].contains("2024-10-08") && deadlines[0].contains("已超期"),
        "{deadlines:?}"
    );
    assert_eq!(
        select(&html, "tr.overdue").len(),
        1,
        "the overdue row stands out"
    );
    // The form's Beijing time is stored as UTC.
    let token = app.token("clerk").await;
    let (_, a) = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&token))
        .await;
    assert_eq!(a["received_at"], "2024-09-26T02:00:00Z", "{a}");
    // The clerk may not decide.
    assert!(select(&html, &format!("a[href='/applications/{id}/decision']")).is_empty());
    let (s, _) = clerk.get(&format!("/applications/{id}/decision")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The list shows it with its deadline, also under the overdue filter.
    let (s, html) = clerk.get("/applications?overdue=true").await;
    assert_eq!(s, StatusCode::OK);
    let rows = select(&html, "table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("叶法援申〔2024〕1号") && rows[0].contains("王大力"),
        "{rows:?}"
    );
    let (_, html) = clerk.get("/applications?status=granted").await;
    assert_eq!(select(&html, ".empty").len(), 1);

    // The director decides through the form.
    let director = app.browser("director").await;
    let page = format!("/applications/{id}");
    let decision = format!("{page}/decision");
    let (s, html) = director.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, &format!("a[href='{decision}']")).len(), 1);
    let (s, html) = director.get(&decision).await;
    assert_eq!(s, StatusCode::OK);
    let version = hidden(&html, &decision, "version");
    assert_eq!(version, "1");
    let csrf = hidden(&html, &decision, "_csrf");
    let denial = [
        ("_csrf", csrf.clone()),
        ("outcome", "denied".to_owned()),
        ("reason", String::new()),
        ("version", version.clone()),
    ];
    let (s, html, _) = post(&director, &decision, &denial).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a denial needs reasons"
    );
    assert_eq!(fields_in_error(&html), ["reason"]);
    let grant = with(&denial, &[("outcome", "granted")]);
    let (s, _, to) = post(&director, &decision, &grant).await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = director.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["给予法律援助"]);
    assert!(
        select(&html, ".facts dd").contains(&"给予法律援助".to_owned()),
        "the decision is recorded on the page"
    );
    // The same form again: the version is stale and the state has moved on.
    let (s, html, _) = post(&director, &decision, &grant).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("不能进行此操作"), "{html}");

    // The audit trail names the new actions in Chinese.
    let (_, html) = app.browser("admin").await.get("/audit").await;
    for label in ["受理申请", "作出决定"] {
        assert!(html.contains(label), "{label}");
    }

    // A law firm sees neither the application nor the list entry.
    let lawyer = app.browser("lawyer").await;
    let (s, _) = lawyer.get(&page).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, html) = lawyer.get("/applications").await;
    assert_eq!(s, StatusCode::OK);
    assert!(select(&html, "table").is_empty());
    assert!(select(&lawyer.get("/").await.1, "nav ul.nav a").contains(&"申请".to_owned()));
});

both!(supplement_notices_and_stale_versions, |app| {
    let person = applicant(&app).await;
    let clerk = app.browser("clerk").await;
    let csrf = clerk.csrf("/applications/new").await;
    let (s, _, to) = post(
        &clerk,
        "/applications",
        &with(
            &wage_claim(person, &csrf),
            &[("exemption_proof_provided", "")],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let page = to.expect("a Location");
    let (_, html) = clerk.get(&page).await;
    assert_eq!(select(&html, ".lead"), ["需要补充材料"]);
    let request = format!("{page}/supplement-request");
    let (s, html) = clerk.get(&request).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        select(&html, "textarea[name=items]")[0].contains("证明申请人属于"),
        "the missing items are prefilled: {html}"
    );
    let form = [
        ("_csrf", csrf.clone()),
        ("items", "1. 劳动合同或工资条；2. 欠薪证明".to_owned()),
        ("version", "1".to_owned()),
    ];
    let (s, _, to) = post(&clerk, &request, &form).await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = clerk.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["待补充材料"]);
    // The period's basis as users see it; the maintainers' notes kept with the
    // shipped rule ("产品决定", "待核实", "示例") only on the administrators' pages.
    assert!(html.contains("补充材料通知书载明的期限"), "{html}");
    for note in ["产品决定", "待核实", "示例"] {
        assert!(!html.contains(note), "{note} on a clerk's page: {html}");
    }
    let received = format!("{page}/supplement-received");
    assert_eq!(hidden(&html, &received, "version"), "2");
    // A page opened before the notice still carries version 1.
    let stale = [("_csrf", csrf.clone()), ("version", "1".to_owned())];
    let (s, html, _) = post(&clerk, &received, &stale).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("已被他人修改"), "{html}");
    // The conflict page leads back to the application, to see what changed.
    assert_eq!(select(&html, &format!("a[href='{page}']")), ["返回申请"]);
    let (s, _, _) = post(&clerk, &received, &with(&stale, &[("version", "2")])).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = clerk.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["审查中"]);
    // Withdrawal asks first, then ends the application.
    let withdrawal = format!("{page}/withdrawal");
    let (s, html) = clerk.get(&withdrawal).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(hidden(&html, &withdrawal, "version"), "3");
    let (s, _, _) = post(&clerk, &withdrawal, &with(&stale, &[("version", "3")])).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = clerk.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["撤回申请"]);
    let (s, _) = clerk.get(&withdrawal).await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing left to withdraw");
});

both!(rules_and_calendar_pages_are_for_administrators, |app| {
    let admin = app.browser("admin").await;
    let (s, html) = admin.get("/admin/rules").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(section_rows(&html, "法律援助事项").len(), 28);
    assert!(!section_rows(&html, "期限规则").is_empty());
    let nav = select(&html, "nav ul.nav a");
    assert!(nav.contains(&"规则与日历".to_owned()), "{nav:?}");
    let clerk = app.browser("clerk").await;
    for path in [
        "/admin/rules",
        "/admin/calendar",
        "/admin/rules/standards/new",
    ] {
        let (s, _) = clerk.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, html) = clerk.get("/").await;
    let nav = select(&html, "nav ul.nav a");
    assert!(
        nav.contains(&"申请".to_owned()) && !nav.contains(&"规则与日历".to_owned()),
        "{nav:?}"
    );

    // A new hardship standard, entered in yuan.
    let csrf = admin.csrf("/admin/rules/standards/new").await;
    let standard = vec![
        ("_csrf", csrf.clone()),
        ("city_code", "3415".to_owned()),
        ("city", "六安市".to_owned()),
        ("effective_from", "2025-01-01".to_owned()),
        ("dibao_yuan", "八百".to_owned()),
        ("multiplier", "2".to_owned()),
        (
            "source",
            "六安市民政局公布的2025年最低生活保障标准".to_owned(),
        ),
        ("note", String::new()),
    ];
    let (s, html, _) = post(&admin, "/admin/rules/standards", &standard).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_in_error(&html), ["dibao_yuan"]);
    let (s, _, to) = post(
        &admin,
        "/admin/rules/standards",
        &with(&standard, &[("dibao_yuan", "820.5")]),
    )
    .await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/rules"))
    );
    let (_, html) = admin.get("/admin/rules").await;
    let standards = section_rows(&html, "经济困难标准");
    assert!(
        standards
            .iter()
            .any(|r| r.contains("2025-01-01") && r.contains("820.50元") && r.contains("1641.00元")),
        "{standards:?}"
    );

    // The calendar: the years entered, and the deadline check.
    let (s, html) = admin.get("/admin/calendar").await;
    assert_eq!(s, StatusCode::OK);
    let years = section_rows(&html, "已录入的年份");
    assert!(years.iter().any(|y| y.starts_with("2024年")), "{years:?}");
    let (s, html) = admin
        .get("/admin/calendar?start=2024-09-26&days=7&unit=calendar")
        .await;
    assert_eq!(s, StatusCode::OK);
    let answer = select(&html, ".deadline-check .lead");
    assert_eq!(
        answer,
        ["2024-10-08 届满"],
        "rolled over the National Day holiday"
    );
    let (_, html) = admin.get("/admin/calendar?start=2024-09-26&days=abc").await;
    assert_eq!(fields_in_error(&html), ["days"]);

    // A new year: a bad line comes back next to the field, a good one is entered.
    let csrf = admin.csrf("/admin/calendar").await;
    let year = vec![
        ("_csrf", csrf),
        ("year", "2030".to_owned()),
        ("source", "国办发明电〔2029〕1号".to_owned()),
        (
            "days",
            "date,kind,name\r\n2030-13-01,holiday,元旦\r\n".to_owned(),
        ),
    ];
    let (s, html, _) = post(&admin, "/admin/calendar", &year).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_in_error(&html), ["days"]);
    let (s, _, to) = post(
        &admin,
        "/admin/calendar",
        &with(
            &year,
            &[("days", "date,kind,name\r\n2030-01-01,holiday,元旦\r\n")],
        ),
    )
    .await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/calendar?year=2030"))
    );
    let (_, html) = admin.get("/admin/calendar?year=2030").await;
    let days = section_rows(&html, "2030年的放假与调休上班");
    assert_eq!(days.len(), 1, "{days:?}");
    assert!(
        days[0].contains("2030-01-01") && days[0].contains("放假"),
        "{days:?}"
    );
});

both!(proposals_and_objections_through_the_pages, |app| {
    let person = applicant(&app).await;
    let clerk = app.browser("clerk").await;
    let csrf = clerk.csrf("/applications/new").await;
    let (_, _, to) = post(&clerk, "/applications", &wage_claim(person, &csrf)).await;
    let page = to.expect("a Location");

    // Two-step review: the reviewer proposes, the director decides.
    let reviewer = app.browser("reviewer").await;
    let proposal = format!("{page}/proposal");
    let (s, html) = reviewer.get(&proposal).await;
    assert_eq!(s, StatusCode::OK);
    let csrf = hidden(&html, &proposal, "_csrf");
    let (s, _, _) = post(
        &reviewer,
        &proposal,
        &[
            ("_csrf", csrf.clone()),
            ("outcome", "denied".to_owned()),
            ("reason", "经核实申请人已委托代理人".to_owned()),
            ("version", "1".to_owned()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = reviewer.get(&format!("{page}/decision")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a reviewer does not decide");
    let director = app.browser("director").await;
    let decision = format!("{page}/decision");
    let (_, html) = director.get(&decision).await;
    assert!(
        select(&html, ".notice")[0].contains("经核实申请人已委托代理人"),
        "the proposal is shown to the director"
    );
    let csrf = hidden(&html, &decision, "_csrf");
    let (s, _, _) = post(
        &director,
        &decision,
        &[
            ("_csrf", csrf.clone()),
            ("outcome", "denied".to_owned()),
            ("reason", "经核实申请人已委托代理人".to_owned()),
            ("version", hidden(&html, &decision, "version")),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = clerk.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["不予法律援助"]);

    // The objection, registered by the clerk, decided by the bureau.
    let objection = format!("{page}/objection");
    let (_, html) = clerk.get(&objection).await;
    let (s, _, _) = post(
        &clerk,
        &objection,
        &[
            ("_csrf", hidden(&html, &objection, "_csrf")),
            ("reason", "代理人已解除委托".to_owned()),
            ("version", hidden(&html, &objection, "version")),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let supervisor = app.browser("supervisor").await;
    let (s, html) = supervisor.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, ".badge"), ["异议审查中"]);
    let rows = section_rows(&html, "异议");
    assert!(rows[0].contains("代理人已解除委托"), "{rows:?}");
    let doc = scraper::Html::parse_document(&html);
    let link = scraper::Selector::parse("a[href$='/decision']").expect("selector");
    let to = doc
        .select(&link)
        .filter_map(|a| a.value().attr("href"))
        .find(|h| h.contains("/objections/"))
        .expect("a link to decide the objection")
        .to_owned();
    let (s, _) = director.get(&to).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the center does not judge objections to itself"
    );
    let (s, html) = supervisor.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, back) = post(
        &supervisor,
        &to,
        &[
            ("_csrf", hidden(&html, &to, "_csrf")),
            ("outcome", "correction_ordered".to_owned()),
            ("reason", "申请人已无代理人，应予援助".to_owned()),
            ("version", hidden(&html, &to, "version")),
        ],
    )
    .await;
    assert_eq!(
        (s, back.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = clerk.get(&page).await;
    assert_eq!(
        select(&html, ".badge"),
        ["审查中"],
        "a correction reopens it"
    );
    assert!(section_rows(&html, "异议")[0].contains("责令改正"));
});
