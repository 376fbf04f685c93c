//! The case pages through HTTP, on SQLite and PostgreSQL: the list with its
//! filters, empty state and CSV export; a case opened from a granted application,
//! assigned from the ranked suggestions, and worked by the lawyer through the
//! forms (a bad form changes nothing); visibility; closure, review, payment,
//! termination and the bureau's decision on the objection; the hearing calendar
//! and the inbox. (Funding pages: funding_pages.rs; message pages: message_pages.rs.)

mod common;

use common::{granted_wage_claim, lawyer_staff};

use common::{TestApp, fields_in_error, hidden, post, section_rows, select};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::json;

async fn person(app: &TestApp, name: &str, id_number: &str, phone: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": name, "id_type": "resident_id", "id_number": id_number, "phone": phone }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

/// Opens the case of the application through the API; returns the case id.
async fn open_case(app: &TestApp, application: i64) -> i64 {
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{application}/case"),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().expect("id")
}

/// Today in China Standard Time, as the forms take it.
fn today(app: &TestApp) -> String {
    legalaid_domain::local_date(app.clock.now()).to_string()
}

fn this_year(app: &TestApp) -> String {
    today(app)[..4].to_owned()
}

both!(
    the_handler_chooser_lists_a_unit_s_handlers_when_the_staff_are_many,
    |app| {
        let director = app.browser("director").await;
        let handlers = |html: &str| select(html, "select[name=handler_id] option");
        let (_, html) = director.get("/cases").await;
        let few = handlers(&html);
        assert!(
            few.len() > 1 && few.iter().any(|o| o.contains("（")),
            "{few:?}"
        );
        assert!(!html.contains("承办人较多"));

        // Few staff: a unit filter still offers every handler (the unit may be the
        // intake unit of cases others handle).
        let (lawyer, firm) = lawyer_staff(&app).await;
        let d = app.token("director").await;
        let (_, me) = app.get_json("/api/v1/me", Some(&d)).await;
        let center = me["unit_id"].as_i64().expect("the director's unit");
        let (_, html) = director.get(&format!("/cases?unit_id={center}")).await;
        assert_eq!(handlers(&html), few);

        // Two hundred more lawyers in the demo lawyer's firm: past the chooser's 200.
        app.raw_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) \
             INSERT INTO staff (unit_id, name, sex, kind, created_at, updated_at) \
             SELECT {firm}, '批量律师' || i, 'male', 'lawyer', \
             (SELECT MIN(created_at) FROM staff), (SELECT MIN(created_at) FROM staff) FROM n"
        ))
        .await
        .expect("staff");
        let (s, html) = director.get("/cases").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(handlers(&html), ["全部承办人"], "none listed unasked");
        assert!(
            html.contains("承办人较多，请先选择受理或承办单位并筛选，再选择承办人"),
            "{html}"
        );
        // One unit: its handlers, all of them.
        let (_, html) = director.get(&format!("/cases?unit_id={firm}")).await;
        let of_firm = handlers(&html);
        assert!(of_firm.len() > 200, "{}", of_firm.len());
        assert!(of_firm.iter().any(|o| o.starts_with("批量律师199")));
        assert!(!html.contains("承办人较多"));
        // A handler filtered by stays chosen.
        let (_, html) = director.get(&format!("/cases?handler_id={lawyer}")).await;
        let chosen = select(&html, "select[name=handler_id] option[selected]");
        assert_eq!(chosen.len(), 1, "{chosen:?}");
        assert_eq!(handlers(&html).len(), 2);
        // Also with a unit filter naming another unit (the center, not the firm).
        let (_, html) = director
            .get(&format!("/cases?unit_id={center}&handler_id={lawyer}"))
            .await;
        let chosen = select(&html, "select[name=handler_id] option[selected]");
        assert_eq!(chosen.len(), 1, "{chosen:?}");
    }
);

both!(
    the_case_list_filters_exports_and_has_an_empty_state,
    |app| {
        let director = app.browser("director").await;
        let (s, html) = director.get("/cases").await;
        assert_eq!(s, StatusCode::OK);
        assert!(select(&html, "nav ul.nav a").contains(&"案件".to_owned()));
        assert!(
            select(&html, "p.empty")[0].starts_with("还没有案件"),
            "{html}"
        );
        assert_eq!(
            select(&html, "select[name=status] option").len(),
            1 + 8,
            "全部状态 and the eight states"
        );
        for f in [
            "select[name=case_type]",
            "input[name=year]",
            "select[name=unit_id]",
            "select[name=handler_id]",
            "select[name=subsidy_status]",
            "input[name=open][type=checkbox]",
        ] {
            assert_eq!(select(&html, f).len(), 1, "{f}");
        }

        let applicant = person(&app, "张秀兰", "341504198502150016", "13955501234").await;
        let application = granted_wage_claim(&app, applicant, "某建筑劳务有限公司").await;
        let id = open_case(&app, application).await;
        let year = this_year(&app);
        let (s, html) = director
            .get(&format!(
                "/cases?year={year}&status=awaiting_assignment&open=true"
            ))
            .await;
        assert_eq!(s, StatusCode::OK);
        let rows = select(&html, "table tbody tr");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(
            rows[0].contains("张秀兰") && rows[0].contains("待指派"),
            "{rows:?}"
        );
        assert!(rows[0].contains("非诉讼"), "type shown: {rows:?}");
        assert!(
            rows[0].contains("决定给予法律援助后指派法律援助人员"),
            "the running deadline to assign: {rows:?}"
        );
        let links = select(&html, &format!("table a[href='/cases/{id}']"));
        assert_eq!(links.len(), 1);
        let number = links[0].clone();
        let export = format!("/cases/export.csv?status=awaiting_assignment&year={year}&open=true");
        assert_eq!(
            select(&html, &format!("a[href='{export}']")),
            ["导出CSV"],
            "the export keeps the filters"
        );
        // No match: the empty state says so.
        let (_, html) = director.get("/cases?year=2001").await;
        assert!(select(&html, "table").is_empty());
        assert_eq!(select(&html, "p.empty"), ["没有符合条件的案件。"]);
        let (_, html) = director.get("/cases?year=1900").await;
        assert!(
            select(&html, ".field-error")
                .iter()
                .any(|e| e.contains("2000至2100")),
            "a year out of range is pointed out"
        );

        // The export: a header row and the case.
        let res = director
            .client
            .get(format!("{}{export}", app.base))
            .send()
            .await
            .expect("export");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .is_ok_and(|c| c.starts_with("text/csv"))
        );
        let body = res.text().await.expect("body");
        let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("案件编号,立案日期,受援人"), "{body}");
        assert_eq!(lines.len(), 2, "{body}");
        assert!(lines[1].starts_with(&number) && lines[1].contains("张秀兰"));
        let res = director
            .client
            .get(format!("{}/cases/export.csv?year=2001", app.base))
            .send()
            .await
            .expect("export");
        assert_eq!(
            res.text().await.expect("body").lines().count(),
            1,
            "only the header"
        );

        // The lawyer's firm does not see a case not assigned to it.
        let lawyer = app.browser("lawyer").await;
        let (s, html) = lawyer.get("/cases").await;
        assert_eq!(s, StatusCode::OK);
        assert!(select(&html, "table").is_empty());
    }
);

both!(
    a_case_is_opened_assigned_and_worked_through_the_pages,
    |app| {
        let applicant = person(&app, "张秀兰", "341504198502150016", "13955501234").await;
        let application = granted_wage_claim(&app, applicant, "某建筑劳务有限公司").await;
        let (lawyer_id, firm) = lawyer_staff(&app).await;

        // The director opens the case from the application page.
        let director = app.browser("director").await;
        let app_page = format!("/applications/{application}");
        let open = format!("{app_page}/case");
        let (_, html) = director.get(&app_page).await;
        assert_eq!(select(&html, &format!("a[href='{open}']")), ["立案"]);
        let (s, html) = director.get(&open).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            select(&html, "select[name=case_type] option[selected]"),
            ["非诉讼"],
            "labour arbitration is non-litigation work"
        );
        assert_eq!(
            select(&html, "select[name=stage] option[selected]"),
            ["全程"]
        );
        let csrf = hidden(&html, &open, "_csrf");
        let (s, _, to) = post(
            &director,
            &open,
            &[
                ("_csrf", csrf.clone()),
                ("case_type", "non_litigation".into()),
                ("stage", "whole".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let page = to.expect("a Location");
        let id: i64 = page
            .strip_prefix("/cases/")
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("redirect to the case: {page}"));
        let (s, html) = director.get(&page).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(select(&html, ".badge"), ["待指派"]);
        let number = select(&html, "h1")[0].clone();
        assert!(number.starts_with("叶法援〔"), "{number}");
        assert!(
            select(&html, &format!("a[href='{app_page}']")).len() == 1,
            "the application is linked"
        );
        let deadlines = section_rows(&html, "期限");
        assert!(
            deadlines.iter().any(|d| d.contains("指派")),
            "{deadlines:?}"
        );
        assert!(section_rows(&html, "指派").is_empty());
        // Opening twice is refused.
        let (s, _, _) = post(
            &director,
            &open,
            &[
                ("_csrf", csrf.clone()),
                ("case_type", "non_litigation".into()),
                ("stage", "whole".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // Assignment from the ranked suggestions.
        let assign = format!("{page}/assign");
        assert_eq!(select(&html, &format!("a[href='{assign}']")), ["指派"]);
        let (s, html) = director.get(&assign).await;
        assert_eq!(s, StatusCode::OK);
        let candidates = section_rows(&html, "候选承办人");
        assert!(candidates.len() >= 30, "{}", candidates.len());
        assert!(candidates[0].contains("可以指派"), "{:?}", candidates[0]);
        let choice = format!("{firm}:{lawyer_id}");
        assert_eq!(
            select(
                &html,
                &format!("select[name=handler] option[value='{choice}']")
            )
            .len(),
            1
        );
        let version = hidden(&html, &assign, "version");
        // Nothing chosen: the field says so and nothing changes.
        let (s, html, _) = post(
            &director,
            &assign,
            &[
                ("_csrf", csrf.clone()),
                ("handler", String::new()),
                ("unit_id", String::new()),
                ("conflict_reason", String::new()),
                ("version", version.clone()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields_in_error(&html), ["handler"]);
        let (s, _, to) = post(
            &director,
            &assign,
            &[
                ("_csrf", csrf.clone()),
                ("handler", choice.clone()),
                ("unit_id", String::new()),
                ("conflict_reason", String::new()),
                ("version", version.clone()),
            ],
        )
        .await;
        assert_eq!(
            (s, to.as_deref()),
            (StatusCode::SEE_OTHER, Some(page.as_str()))
        );
        let (_, html) = director.get(&page).await;
        assert_eq!(select(&html, ".badge"), ["已指派，待签订委托协议"]);
        assert_eq!(section_rows(&html, "指派").len(), 1);
        // The assignment page is closed now.
        let (s, _) = director.get(&assign).await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The lawyer signs the agreement and records progress through the forms.
        let lawyer = app.browser("lawyer").await;
        let (s, html) = lawyer.get(&page).await;
        assert_eq!(s, StatusCode::OK);
        let agreement = format!("{page}/agreement");
        assert_eq!(
            select(&html, &format!("a[href='{agreement}']")),
            ["签订委托协议"]
        );
        assert!(select(&html, &format!("a[href='{page}/terminate']")).is_empty());
        let (s, html) = lawyer.get(&agreement).await;
        assert_eq!(s, StatusCode::OK);
        let lcsrf = hidden(&html, &agreement, "_csrf");
        let version = hidden(&html, &agreement, "version");
        let (s, _, to) = post(
            &lawyer,
            &agreement,
            &[
                ("_csrf", lcsrf.clone()),
                ("signed_on", today(&app)),
                ("version", version),
            ],
        )
        .await;
        assert_eq!(
            (s, to.as_deref()),
            (StatusCode::SEE_OTHER, Some(page.as_str()))
        );

        let progress = format!("{page}/progress");
        let (s, html) = lawyer.get(&progress).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            select(&html, "select[name=activity] option").len(),
            1 + 10,
            "请选择 and the ten activities"
        );
        assert_eq!(
            select(&html, "input[name=hearing_at][type=datetime-local]").len(),
            1
        );
        let hearing_day =
            (legalaid_domain::local_date(app.clock.now()) + chrono::Duration::days(10)).to_string();
        let form = |activity: &str| {
            vec![
                ("_csrf", lcsrf.clone()),
                ("activity", activity.to_owned()),
                ("occurred_on", today(&app)),
                ("note", "约见受援人，了解欠薪情况。".to_owned()),
                ("hearing_at", format!("{hearing_day}T09:30")),
                (
                    "hearing_place",
                    "叶集区劳动人事争议仲裁院第一仲裁庭".to_owned(),
                ),
            ]
        };
        // Missing activity: the field says so, the input is kept, nothing is stored.
        let (s, html, _) = post(&lawyer, &progress, &form("")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields_in_error(&html), ["activity"]);
        assert!(
            html.contains("约见受援人，了解欠薪情况。"),
            "the input is kept"
        );
        let count = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE case_id = {id}");
        assert_eq!(app.scalar(&count("case_progress")).await, 0);
        assert_eq!(app.scalar(&count("case_hearings")).await, 0);
        let (s, _, to) = post(&lawyer, &progress, &form("meeting")).await;
        assert_eq!(
            (s, to.as_deref()),
            (StatusCode::SEE_OTHER, Some(page.as_str()))
        );
        assert_eq!(app.scalar(&count("case_progress")).await, 1);
        let (_, html) = lawyer.get(&page).await;
        assert_eq!(select(&html, ".badge"), ["承办中"]);
        let entries = section_rows(&html, "办理进展记录");
        assert_eq!(entries.len(), 1);
        assert!(entries[0].contains("会见（约见）受援人"), "{entries:?}");
        let hearings = section_rows(&html, "开庭安排");
        assert!(
            hearings[0].contains(&format!("{hearing_day} 09:30")),
            "the hearing in Beijing time: {hearings:?}"
        );
        // The messages of every step, with channel and status.
        let told = section_rows(&html, "告知记录");
        assert!(told.iter().any(|m| m.contains("办理进展")), "{told:?}");
        assert!(told.iter().any(|m| m.contains("短信")), "{told:?}");
        // The documents of the case are linked.
        assert!(
            !select(&html, &format!("a[href^='/cases/{id}/documents/']")).is_empty(),
            "{html}"
        );

        // Another firm's lawyer sees nothing of it.
        let other = app.browser("lawyer2").await;
        for path in [page.clone(), progress.clone(), agreement.clone()] {
            let (s, _) = other.get(&path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        }

        // The hearing calendar lists the hearing under its day.
        let (s, html) = lawyer.get("/hearings").await;
        assert_eq!(s, StatusCode::OK);
        let day = select(&html, "section.block h2");
        assert!(day.iter().any(|h| h.starts_with(&hearing_day)), "{day:?}");
        assert!(select(&html, "section.block td a").contains(&number));
        assert!(html.contains("第一仲裁庭"));
        let (_, html) = other.get("/hearings").await;
        assert!(!html.contains(&number), "another firm's calendar");
        let (s, csv) = lawyer.get("/hearings/export.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            csv.contains("开庭时间") && csv.contains(&number) && csv.contains("第一仲裁庭"),
            "{csv}"
        );
        let (_, csv) = other.get("/hearings/export.csv").await;
        assert!(!csv.contains(&number), "another firm's export");

        // The lawyer's inbox: the assignment, unread, linked to the case.
        let (s, html) = lawyer.get("/messages").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!select(&html, "tr.unread").is_empty(), "{html}");
        assert!(
            !select(&html, &format!("tr.unread a[href='{page}']")).is_empty(),
            "{html}"
        );
        let (s, _, to) = post(&lawyer, "/messages/read", &[("_csrf", lcsrf.clone())]).await;
        assert_eq!(
            (s, to.as_deref()),
            (StatusCode::SEE_OTHER, Some("/messages"))
        );
        let (_, html) = lawyer.get("/messages").await;
        assert!(select(&html, "tr.unread").is_empty());
        assert!(!select(&html, &format!("a[href='{page}']")).is_empty());
    }
);

both!(closure_payment_and_a_termination_objected_to, |app| {
    let (lawyer_id, firm) = lawyer_staff(&app).await;
    let director_token = app.token("director").await;
    let assign = |id: i64, version: i64| {
        let t = director_token.clone();
        let app = &app;
        async move {
            let (s, c) = app
                .post_json(
                    &format!("/api/v1/cases/{id}/assignment"),
                    Some(&t),
                    &json!({ "unit_id": firm, "handler_id": lawyer_id, "version": version }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{c}");
            c["version"].as_i64().expect("version")
        }
    };
    let first = person(&app, "赵大山", "341504198001010015", "13955502222").await;
    let id = open_case(&app, granted_wage_claim(&app, first, "某物业公司").await).await;
    let v = assign(id, 1).await;
    let lawyer_token = app.token("lawyer").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer_token),
            &json!({ "signed_on": today(&app), "version": v }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");

    let director = app.browser("director").await;
    let dcsrf = director.csrf("/cases").await;
    // The second recipient's opponent is the lawyer's first recipient: a conflict
    // the assignment page flags, refuses without reasons, and accepts with them.
    let second = person(&app, "钱小红", "341504198202020025", "").await;
    let other = open_case(&app, granted_wage_claim(&app, second, "赵大山").await).await;
    let assign_page = format!("/cases/{other}/assign");
    let (_, html) = director.get(&assign_page).await;
    let flagged = select(&html, "tr.flagged");
    assert!(
        flagged.iter().any(|r| r.contains("利益冲突")),
        "{flagged:?}"
    );
    let choice = format!("{firm}:{lawyer_id}");
    let mut form = vec![
        ("_csrf", dcsrf.clone()),
        ("handler", choice),
        ("unit_id", String::new()),
        ("conflict_reason", String::new()),
        ("version", hidden(&html, &assign_page, "version")),
    ];
    let (s, html, _) = post(&director, &assign_page, &form).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(
        select(&html, ".form-error")[0].contains("利益冲突"),
        "the form again with the reason: {html}"
    );
    assert_eq!(select(&html, "select[name=handler]").len(), 1);
    form[3].1 = "两案争议标的不同，受援人均书面同意".into();
    let (s, _, _) = post(&director, &assign_page, &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    // The closure report through the form: the amount in yuan.
    let lawyer = app.browser("lawyer").await;
    let page = format!("/cases/{id}");
    let closure = format!("{page}/closure");
    let (s, html) = lawyer.get(&closure).await;
    assert_eq!(s, StatusCode::OK);
    let outcomes = select(&html, "select[name=outcome] option");
    assert!(outcomes.contains(&"调解结案".to_owned()));
    assert!(
        !outcomes.contains(&"判决无罪".to_owned()),
        "only the outcomes of the case type"
    );
    let csrf = hidden(&html, &closure, "_csrf");
    let version = hidden(&html, &closure, "version");
    let report = |amount: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("outcome", "mediation".to_owned()),
            ("ended_on", today(&app)),
            ("amount_yuan", amount.to_owned()),
            ("adoption", "adopted".to_owned()),
            (
                "report",
                "经劳动争议调解，用人单位同意支付拖欠工资一万二千元。".to_owned(),
            ),
            ("flat_item", "mediation".to_owned()),
            ("early_end", String::new()),
            ("travel_km", String::new()),
            ("version", version.clone()),
        ]
    };
    let (s, html, _) = post(&lawyer, &closure, &report("一万二")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_in_error(&html), ["amount_yuan"]);
    let (s, _, to) = post(&lawyer, &closure, &report("12,000")).await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = lawyer.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["已提交结案材料，待审查"]);
    assert!(
        select(&html, ".facts dd").contains(&"12,000.00元".to_owned()),
        "stored in fen, shown in yuan"
    );
    // The lawyer may not review it.
    let review = format!("{page}/closure-review");
    let (s, _) = lawyer.get(&review).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The director approves; the subsidy is payable with its derivation; paid.
    let (s, html) = director.get(&review).await;
    assert_eq!(s, StatusCode::OK);
    let version = hidden(&html, &review, "version");
    let (s, _, _) = post(
        &director,
        &review,
        &[
            ("_csrf", dcsrf.clone()),
            ("decision", "approve".into()),
            ("reason", String::new()),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = director.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["已结案归档"]);
    assert!(
        select(&html, ".facts dd").contains(&"800.00元".to_owned()),
        "{html}"
    );
    assert!(!select(&html, ".sentences li").is_empty(), "the derivation");
    let pay = format!("{page}/pay");
    // Graded before it is paid: no payment until the grade is set.
    assert!(
        select(&html, &format!("a[href='{pay}']")).is_empty(),
        "{html}"
    );
    let (s, refused) = director.get(&pay).await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert!(refused.contains("尚未评定质量等级"), "{refused}");
    let grade = format!("{page}/grade");
    let (_, html) = director.get(&grade).await;
    let version = hidden(&html, &grade, "version");
    let (s, _, _) = post(
        &director,
        &grade,
        &[
            ("_csrf", dcsrf.clone()),
            ("grade", "good".into()),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = director.get(&page).await;
    assert_eq!(select(&html, &format!("a[href='{pay}']")), ["登记补贴发放"]);
    // The subsidy's derivation names its schedule rows, not the maintainers' notes
    // on the shipped example schedule (those are on the schedule page).
    assert!(html.contains("计算过程"), "{html}");
    for note in ["示例", "待核实", "非叶集区"] {
        assert!(!html.contains(note), "{note} on the case page: {html}");
    }
    let (_, html) = director.get(&pay).await;
    let version = hidden(&html, &pay, "version");
    let (s, _, _) = post(
        &director,
        &pay,
        &[
            ("_csrf", dcsrf.clone()),
            ("paid_on", today(&app)),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = director.get(&page).await;
    assert!(
        select(&html, ".facts dd")
            .iter()
            .any(|d| d.starts_with("补贴〔")),
        "the voucher number"
    );

    // Termination of another case, the recipient's objection, the bureau's decision.
    let page = format!("/cases/{other}");
    let terminate = format!("{page}/terminate");
    let (s, html) = director.get(&terminate).await;
    assert_eq!(s, StatusCode::OK);
    let grounds = select(&html, "select[name=ground] option");
    assert_eq!(grounds.len(), 1 + 8, "the eight grounds of LAL art 48");
    assert!(grounds.iter().any(|g| g.contains("第四十八条第一款第六项")));
    let version = hidden(&html, &terminate, "version");
    let (s, html, _) = post(
        &director,
        &terminate,
        &[
            ("_csrf", dcsrf.clone()),
            ("ground", String::new()),
            ("reason", String::new()),
            ("version", version.clone()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_in_error(&html), ["ground", "reason"]);
    let (s, _, _) = post(
        &director,
        &terminate,
        &[
            ("_csrf", dcsrf.clone()),
            ("ground", "own_counsel".into()),
            ("reason", "受援人已自行委托律师。".into()),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let object = format!("{page}/object");
    let (_, html) = director.get(&object).await;
    let version = hidden(&html, &object, "version");
    let (s, _, _) = post(
        &director,
        &object,
        &[
            ("_csrf", dcsrf.clone()),
            ("reason", "本人并未委托律师。".into()),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = director.get(&page).await;
    assert_eq!(select(&html, ".badge"), ["终止异议审查中"]);
    assert!(
        select(&html, "a[href*='/objections/']").is_empty(),
        "the bureau decides"
    );
    let supervisor = app.browser("supervisor").await;
    let (_, html) = supervisor.get(&page).await;
    let decide = select(&html, "a[href*='/objections/']");
    assert!(!decide.is_empty(), "{html}");
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("a[href*='/objections/']").expect("selector");
    let decision = doc
        .select(&sel)
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("href")
        .to_owned();
    let (s, html) = supervisor.get(&decision).await;
    assert_eq!(s, StatusCode::OK);
    let scsrf = hidden(&html, &decision, "_csrf");
    let version = hidden(&html, &decision, "version");
    let (s, _, to) = post(
        &supervisor,
        &decision,
        &[
            ("_csrf", scsrf),
            ("outcome", "correction_ordered".into()),
            ("reason", "经核实受援人未另行委托律师。".into()),
            ("version", version),
        ],
    )
    .await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some(page.as_str()))
    );
    let (_, html) = director.get(&page).await;
    assert_eq!(
        select(&html, ".badge"),
        ["已指派，待签订委托协议"],
        "handling resumes where it stood"
    );
    assert!(section_rows(&html, "终止异议")[0].contains("责令改正"));
});
