//! The public portal (ADR 0020) through HTTP on both backends: the information
//! drawn from the rules in force, the self-check that stores nothing, the online
//! application with a proven phone and a photo reaching the center's queue, the
//! progress query with the decision letter, complaints, and the limits that
//! refuse hammering politely while staff pages answer.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// A browser of the public from `ip`, keeping its cookies.
fn visitor(app: &TestApp, ip: &str) -> Browser {
    Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(ip.parse::<std::net::IpAddr>().expect("ip"))
            .build()
            .expect("client"),
        base: app.base.clone(),
    }
}

/// The portal's form token (from the cookie-setting page).
async fn token(b: &Browser) -> String {
    b.csrf("/public/check").await
}

/// The latest code texted to `phone`.
async fn code_for(app: &TestApp, phone: &str) -> String {
    let sms = app.deliver().await;
    let body = sms
        .iter()
        .rev()
        .find(|l| l["address"] == phone && l["body"].as_str().unwrap_or("").contains("验证码"))
        .and_then(|l| l["body"].as_str())
        .expect("a code was texted")
        .to_owned();
    let digits: String = body
        .split("验证码为")
        .nth(1)
        .expect("code in text")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(digits.len(), 6, "{body}");
    digits
}

/// Proves `phone` for `base` (`/public/apply` or `/public/complaint`).
async fn prove(app: &TestApp, b: &Browser, base: &str, phone: &str) {
    let t = token(b).await;
    let (s, html, _) = b
        .post_form(&format!("{base}/code"), &[("_csrf", &t), ("phone", phone)])
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("验证码已发送至"), "{html}");
    let code = code_for(app, phone).await;
    let (s, _, loc) = b
        .post_form(
            &format!("{base}/verify"),
            &[("_csrf", &t), ("phone", phone), ("code", &code)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.is_some());
}

fn resident(first17: &str) -> String {
    resident_id(first17)
}

/// A tiny valid PNG (1×1).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

async fn submit_application(
    b: &Browser,
    t: &str,
    id_number: &str,
    name: &str,
    photo: Option<(&str, Vec<u8>)>,
) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in [
        ("_csrf", t),
        ("name", name),
        ("id_number", id_number),
        ("township", "341504100"),
        ("address", "六安市叶集区三元镇某村"),
        ("matter_code", "labor_remuneration"),
        ("opposing_party", "某建筑劳务公司"),
        ("summary", "在工地干活三个月，拖欠工资一万二千元。"),
        ("means", "declaration"),
        ("members", "3"),
        ("monthly_income_yuan", "1500"),
        ("honesty", "true"),
        ("consent", "true"),
    ] {
        form = form.text(k.to_owned(), v.to_owned());
    }
    if let Some((name, bytes)) = photo {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let res = b
        .client
        .post(format!("{}/public/apply", b.base))
        .multipart(form)
        .send()
        .await
        .expect("post");
    let s = res.status();
    (s, res.text().await.unwrap_or_default())
}

both!(the_portal_tells_the_rules_in_force_and_where_to_go, |app| {
    let b = visitor(&app, "127.0.0.21");
    let (s, html) = b.get("/public/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("网上申请法律援助"));
    let (s, html) = b.get("/public/guide").await;
    assert_eq!(s, StatusCode::OK);
    // Matters with their articles, the city's standard with its date, exemptions.
    assert!(html.contains("请求确认劳动关系或者支付劳动报酬"), "{html}");
    assert!(html.contains("第三十一条"), "{html}");
    assert!(html.contains("六安市"), "{html}");
    assert!(html.contains("施行日期"));
    assert!(html.contains("免予核查经济困难状况的人员"));
    let (s, html) = b.get("/public/units").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("叶集区法律援助中心"), "{html}");
    assert!(html.contains("接待时间"), "{html}");
    // Nothing of staff: no staff names or accounts on the public pages.
    assert!(!html.contains("clerk"));
    // The stylesheet is served and no script is needed.
    let (s, css) = b.get("/static/portal.css").await;
    assert_eq!(s, StatusCode::OK);
    assert!(css.contains(".p-form"));
    assert!(!html.contains("<script"));
});

both!(
    a_self_check_answers_with_the_articles_and_stores_nothing,
    |app| {
        let b = visitor(&app, "127.0.0.22");
        let before = app.scalar("SELECT COUNT(*) FROM persons").await
            + app.scalar("SELECT COUNT(*) FROM applications").await;
        let t = token(&b).await;
        let (s, html, _) = b
            .post_form(
                "/public/check",
                &[
                    ("_csrf", &t),
                    ("township", "341504100"),
                    ("matter_code", "labor_remuneration"),
                    ("means", "declaration"),
                    ("members", "3"),
                    ("monthly_income_yuan", "1500"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("符合法律援助条件"), "{html}");
        assert!(html.contains("法律援助法"), "{html}");
        assert!(html.contains("叶集区法律援助中心"));
        // A high income: not eligible, with the reason.
        let (_, html, _) = b
            .post_form(
                "/public/check",
                &[
                    ("_csrf", &t),
                    ("township", "341504100"),
                    ("matter_code", "labor_remuneration"),
                    ("means", "declaration"),
                    ("members", "1"),
                    ("monthly_income_yuan", "90000"),
                ],
            )
            .await;
        assert!(html.contains("不符合法律援助条件"), "{html}");
        // Missing answers: 422 with the fields named.
        let (s, html, _) = b
            .post_form("/public/check", &[("_csrf", &t), ("means", "declaration")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请选择所在乡镇"), "{html}");
        assert!(html.contains("请填写家庭人口数"), "{html}");
        // A form without the token is refused.
        let (s, _, _) = b
            .post_form("/public/check", &[("_csrf", "forged"), ("means", "x")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let after = app.scalar("SELECT COUNT(*) FROM persons").await
            + app.scalar("SELECT COUNT(*) FROM applications").await;
        assert_eq!(before, after, "a self-check stores nothing");
    }
);

both!(
    an_online_application_reaches_the_centers_queue_with_its_deadline,
    |app| {
        let b = visitor(&app, "127.0.0.23");
        let phone = "13955501001";
        // Without a proven phone, the form is the phone step.
        let (_, html) = b.get("/public/apply").await;
        assert!(html.contains("获取短信验证码"));
        let t = token(&b).await;
        let (s, html, _) = b
            .post_form(
                "/public/apply/code",
                &[("_csrf", &t), ("phone", "0564-6123456")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请输入11位手机号码"));
        let (s, html, _) = b
            .post_form("/public/apply/code", &[("_csrf", &t), ("phone", phone)])
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("139****1001"), "{html}");
        let code = code_for(&app, phone).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (s, html, _) = b
            .post_form(
                "/public/apply/verify",
                &[("_csrf", &t), ("phone", phone), ("code", wrong)],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("还可以输入4次"), "{html}");
        let (s, _, loc) = b
            .post_form(
                "/public/apply/verify",
                &[("_csrf", &t), ("phone", phone), ("code", &code)],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(loc.as_deref(), Some("/public/apply"));
        // The code is spent.
        let (s, _, _) = b
            .post_form(
                "/public/apply/verify",
                &[("_csrf", &t), ("phone", phone), ("code", &code)],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, html) = b.get("/public/apply").await;
        assert!(html.contains("已验证手机号码：139****1001"), "{html}");
        let id_number = resident("34150419850315002");
        // A bad form (no declaration, no consent, a text file as photo) changes nothing.
        let apps_before = app.scalar("SELECT COUNT(*) FROM applications").await;
        let mut form = reqwest::multipart::Form::new()
            .text("_csrf", t.clone())
            .text("name", "王五")
            .text("id_number", id_number.clone())
            .text("township", "341504100")
            .text("matter_code", "labor_remuneration")
            .text("summary", "拖欠工资")
            .text("means", "declaration")
            .text("members", "3")
            .text("monthly_income_yuan", "1500");
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(b"not a photo".to_vec()).file_name("a.txt"),
        );
        let res = b
            .client
            .post(format!("{}/public/apply", b.base))
            .multipart(form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap_or_default();
        assert!(html.contains("请阅读并勾选诚信承诺"), "{html}");
        assert!(html.contains("请阅读并同意个人信息处理规则"), "{html}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM applications").await,
            apps_before
        );
        // The application with a photo.
        let (s, html) =
            submit_application(&b, &t, &id_number, "王五", Some(("材料.png", PNG.to_vec()))).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("申请已提交"), "{html}");
        let number = select(&html, ".p-facts dd")
            .first()
            .cloned()
            .expect("number");
        assert!(number.contains("法援申"), "{number}");
        // The number reached the phone by SMS.
        let sms = app.deliver().await;
        assert!(
            sms.iter().any(
                |l| l["address"] == phone && l["body"].as_str().unwrap_or("").contains(&number)
            ),
            "{sms:?}"
        );
        // A second submission with the same session is refused: the session is spent.
        // Its 9 MB of photos are read before the answer, so the browser sees the page
        // and not a connection closed under its upload.
        let big = Some(("材料2.png", vec![0x89; 9 * 1024 * 1024]));
        let (s, _) = submit_application(&b, &t, &id_number, "王五", big).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // The center sees it: channel online, its receipt deadline of 7 working days,
        // in the queue, the photo attached.
        let reviewer = app.token("reviewer").await;
        let (_, list) = app
            .get_json(
                &format!("/api/v1/applications?q={}", urlenc(&number)),
                Some(&reviewer),
            )
            .await;
        let item = list["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["number"] == number.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        let id = item["id"].as_i64().unwrap_or_else(|| {
            panic!("the center lists the online application: {list}");
        });
        let (s, v) = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&reviewer))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["channel"], "online", "{v}");
        // The portal's part: the proven phone masked, the name as typed, consent times.
        let masked = format!("{}****{}", &phone[..3], &phone[7..]);
        assert_eq!(v["online"]["proven_phone"], masked.as_str(), "{v}");
        assert_eq!(v["online"]["name_matches"], true, "{v}");
        assert!(v["online"]["consented_at"].is_string(), "{v}");
        let (s, html) = app
            .browser("reviewer")
            .await
            .get(&format!("/applications/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("网上申请") && html.contains(&masked) && html.contains("诚信承诺"),
            "{html}"
        );
        assert!(
            v["deadlines"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "review_decision")),
            "{v}"
        );
        let (_, files) = app
            .get_json(
                &format!("/api/v1/applications/{id}/attachments"),
                Some(&reviewer),
            )
            .await;
        assert_eq!(files["items"].as_array().map_or(0, Vec::len), 1, "{files}");
        let (s, queue) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&reviewer))
            .await;
        assert_eq!(s, StatusCode::OK, "{queue}");
        assert!(
            queue["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|i| i["number"] == number.as_str())),
            "the application waits in the center's queue: {queue}"
        );
        // Audited as the public, never with the phone or ID number in the log fields.
        assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'application.create' AND actor_username = 'public' AND entity_id = '{id}'"
        ))
        .await
            == 1
    );
    }
);

both!(the_progress_query_shows_the_grant_and_the_letter, |app| {
    let clerk = app.token("clerk").await;
    let id_number = resident("34150419790612003");
    let (s, person) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &serde_json::json!({
                "name": "赵六", "id_type": "resident_id", "id_number": id_number,
                "phone": "13955501002"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{person}");
    let application = granted_wage_claim(&app, person["id"].as_i64().expect("id"), "某公司").await;
    let (_, a) = app
        .get_json(&format!("/api/v1/applications/{application}"), Some(&clerk))
        .await;
    let number = a["number"].as_str().expect("number").to_owned();
    let b = visitor(&app, "127.0.0.24");
    let t = b.csrf("/public/progress").await;
    // A wrong ID number tells nothing about whether the number exists.
    let (s, html, _) = b
        .post_form(
            "/public/progress/code",
            &[
                ("_csrf", &t),
                ("number", &number),
                ("id_number", &resident("34150419790612004")),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("申请编号或证件号码不正确"));
    let (s, html, _) = b
        .post_form(
            "/public/progress/code",
            &[
                ("_csrf", &t),
                ("number", "法援申〔1999〕1号"),
                ("id_number", &id_number),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("申请编号或证件号码不正确"));
    let (s, html, _) = b
        .post_form(
            "/public/progress/code",
            &[
                ("_csrf", &t),
                ("number", &number),
                ("id_number", &id_number),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("139****1002"));
    let code = code_for(&app, "13955501002").await;
    let (s, _, loc) = b
        .post_form(
            "/public/progress/verify",
            &[
                ("_csrf", &t),
                ("number", &number),
                ("id_number", &id_number),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/public/progress/view"));
    let (s, html) = b.get("/public/progress/view").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("给予法律援助"), "{html}");
    assert!(html.contains("下一步"), "{html}");
    assert!(html.contains("下载决定书"), "{html}");
    let res = b
        .client
        .get(format!("{}/public/progress/letter", b.base))
        .send()
        .await
        .expect("letter");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    // Another browser without the session sees nothing.
    let other = visitor(&app, "127.0.0.25");
    let (s, _) = other.get("/public/progress/view").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = other.get("/public/progress/letter").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
});

both!(complaints_from_the_portal_reach_the_bureau, |app| {
    let b = visitor(&app, "127.0.0.26");
    let center = app.unit_id("六安市叶集区法律援助中心").await.to_string();
    // A named complaint needs a proven phone.
    let (_, html) = b.get("/public/complaint/form").await;
    assert!(html.is_empty() || !html.contains("提交投诉"));
    let t = token(&b).await;
    let (s, _, _) = b
        .post_form(
            "/public/complaint/form",
            &[
                ("_csrf", &t),
                ("name", "钱七"),
                ("category", "neglect"),
                ("facts", "x"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Anonymous: bad input first, then a good one.
    let (s, html, _) = b
        .post_form(
            "/public/complaint/form",
            &[
                ("_csrf", &t),
                ("anonymous", "1"),
                ("respondent_unit_id", &center),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let (s, html, _) = b
        .post_form(
            "/public/complaint/form",
            &[
                ("_csrf", &t),
                ("anonymous", "1"),
                ("respondent_unit_id", &center),
                ("respondent_person", "某工作人员"),
                ("category", "intake_or_assignment"),
                ("facts", "申请时工作人员推诿，不予登记。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("投诉已提交"), "{html}");
    // Named, with a proven phone.
    prove(&app, &b, "/public/complaint", "13955501003").await;
    let (s, html, _) = b
        .post_form(
            "/public/complaint/form",
            &[
                ("_csrf", &t),
                ("name", "钱七"),
                ("relation", "recipient"),
                ("respondent_unit_id", &center),
                ("category", "neglect"),
                ("facts", "承办人长期不联系。"),
                ("request", "更换承办人"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let supervisor = app.token("supervisor").await;
    let (_, list) = app.get_json("/api/v1/complaints", Some(&supervisor)).await;
    let online: Vec<&Value> = list["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|c| c["channel"] == "online" || c["complaint"]["channel"] == "online")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(online.len(), 2, "{list}");
});

both!(
    hammering_the_portal_is_refused_politely_while_staff_pages_answer,
    |app| {
        let b = visitor(&app, "127.0.0.27");
        let t = token(&b).await;
        // One phone: a new code only after the resend interval, five an hour.
        let phone = "13955501004";
        let mut refused = 0;
        for i in 0..7 {
            let (s, html, _) = b
                .post_form("/public/apply/code", &[("_csrf", &t), ("phone", phone)])
                .await;
            if i == 0 {
                assert_eq!(s, StatusCode::OK, "{html}");
            }
            // Immediately again: within the resend interval.
            let (s2, html2, _) = b
                .post_form("/public/apply/code", &[("_csrf", &t), ("phone", phone)])
                .await;
            assert_eq!(s2, StatusCode::TOO_MANY_REQUESTS, "{html2}");
            assert!(
                html2.contains("秒后") || html2.contains("过于频繁"),
                "{html2}"
            );
            if s == StatusCode::TOO_MANY_REQUESTS {
                refused += 1;
                assert!(html.contains("过于频繁"), "{html}");
            }
            app.clock.advance(chrono::Duration::seconds(61));
        }
        assert!(refused >= 1, "the phone's hourly limit is reached");
        // Wrong codes: after five, the code is spent even if right.
        app.clock.advance(chrono::Duration::hours(1));
        let phone = "13955501005";
        let (s, _, _) = b
            .post_form("/public/apply/code", &[("_csrf", &t), ("phone", phone)])
            .await;
        assert_eq!(s, StatusCode::OK);
        let code = code_for(&app, phone).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            let (s, _, _) = b
                .post_form(
                    "/public/apply/verify",
                    &[("_csrf", &t), ("phone", phone), ("code", wrong)],
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (s, html, _) = b
            .post_form(
                "/public/apply/verify",
                &[("_csrf", &t), ("phone", phone), ("code", &code)],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("验证码已失效"), "{html}");
        // Many phones from one address: the address's limit.
        let mut statuses = Vec::new();
        for i in 0..25 {
            let phone = format!("1395560{i:04}");
            let (s, _, _) = b
                .post_form("/public/apply/code", &[("_csrf", &t), ("phone", &phone)])
                .await;
            statuses.push(s);
        }
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        assert!(!statuses.contains(&StatusCode::INTERNAL_SERVER_ERROR));
        // Another address is not held back, and staff pages answer.
        let other = visitor(&app, "127.0.0.28");
        let t2 = token(&other).await;
        let (s, _, _) = other
            .post_form(
                "/public/apply/code",
                &[("_csrf", &t2), ("phone", "13955509999")],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let staff = app.browser("clerk").await;
        let (s, _) = staff.get("/").await;
        assert_eq!(s, StatusCode::OK);
    }
);

both!(
    two_instances_share_the_limits_and_a_code_opens_one_session,
    |app| {
        if app.kind != Kind::Postgres {
            return;
        }
        let twin = app.twin().await;
        let ip = "127.0.0.29";
        let a = visitor(&app, ip);
        let b = Browser {
            client: a.client.clone(),
            base: twin.base.clone(),
        };
        let t = token(&a).await;
        // Twenty codes an hour from one address, counted across both instances.
        let mut ok = 0;
        let mut limited = 0;
        for i in 0..24 {
            let phone = format!("1395570{i:04}");
            let target = if i % 2 == 0 { &a } else { &b };
            let (s, _, _) = target
                .post_form("/public/apply/code", &[("_csrf", &t), ("phone", &phone)])
                .await;
            match s {
                StatusCode::OK => ok += 1,
                StatusCode::TOO_MANY_REQUESTS => limited += 1,
                other => panic!("{other}"),
            }
        }
        assert_eq!((ok, limited), (20, 4));
        // The same code entered on both at once: one session, one refusal, no 500.
        app.clock.advance(chrono::Duration::hours(1));
        let phone = "13955580001";
        let (s, _, _) = a
            .post_form("/public/apply/code", &[("_csrf", &t), ("phone", phone)])
            .await;
        assert_eq!(s, StatusCode::OK);
        let code = code_for(&app, phone).await;
        let form = [
            ("_csrf", t.as_str()),
            ("phone", phone),
            ("code", code.as_str()),
        ];
        let (r1, r2) = tokio::join!(
            a.post_form("/public/apply/verify", &form),
            b.post_form("/public/apply/verify", &form)
        );
        let mut got = [r1.0, r2.0];
        got.sort();
        assert_eq!(
            got,
            [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
        );
    }
);

both!(the_annual_report_counts_the_records_of_a_year, |app| {
    let b = visitor(&app, "127.0.0.30");
    // The demo records hold no activity: last year's report says so, visibly.
    let (s, html) = b.get("/public/report").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("年度法律援助工作情况"), "{html}");
    assert!(html.contains("系统中没有"), "{html}");
    // One granted application received in 2024.
    let clerk = app.token("clerk").await;
    let (_, person) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &serde_json::json!({
                "name": "郑九", "id_type": "resident_id",
                "id_number": resident("34150419700101005"), "phone": "13955501009"
            }),
        )
        .await;
    granted_wage_claim(&app, person["id"].as_i64().expect("id"), "某公司").await;
    let (s, html) = b.get("/public/report?year=2024").await;
    assert_eq!(s, StatusCode::OK);
    let facts = select(&html, ".p-facts dd");
    assert_eq!(facts.first().map(String::as_str), Some("1件"), "{facts:?}");
    assert_eq!(facts.get(1).map(String::as_str), Some("1件"), "{facts:?}");
    assert!(!html.contains("系统中没有"));
    // A consultation answered today counts in this year's report.
    let (s, v) = app
        .post_json(
            "/api/v1/consultations",
            Some(&clerk),
            &serde_json::json!({ "channel": "hotline_12348", "topic": "wages", "duration_minutes": 10,
                "question": "工资被拖欠怎么办？", "answer": "可以申请法律援助。" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let year =
        legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref())).format("%Y");
    let (s, html) = b.get(&format!("/public/report?year={year}")).await;
    assert_eq!(s, StatusCode::OK);
    let facts = select(&html, ".p-facts dd");
    assert!(facts.iter().any(|f| f == "1人次"), "{facts:?}");
    // Years outside the five offered, and nonsense, are absent.
    for q in ["?year=1999", "?year=abc", "?year=99999999999"] {
        let (s, _) = b.get(&format!("/public/report{q}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{q}");
    }
});

/// The evaluation link written when `case` was closed, from its messages.
async fn evaluation_link(app: &TestApp, case: i64) -> String {
    let director = app.token("director").await;
    let (s, list) = app
        .get_json(&format!("/api/v1/cases/{case}/messages"), Some(&director))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let text = list.to_string();
    let at = text
        .find("/public/evaluate/")
        .expect("an evaluation link was written");
    text[at..at + "/public/evaluate/".len() + 64].to_owned()
}

both!(a_closed_case_is_evaluated_once_through_its_link, |app| {
    let case = archived_case(&app, "冯十", "34150419650505006", "lawyer").await;
    let link = evaluation_link(&app, case).await;
    let b = visitor(&app, "127.0.0.31");
    let (s, html) = b.get(&link).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("承办人服务态度"), "{html}");
    let t = b.csrf(&link).await;
    // Every item must be rated.
    let (s, html, _) = b
        .post_form(&link, &[("_csrf", &t), ("overall", "satisfied")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("请回答承办人是否向您收取过费用或财物"),
        "{html}"
    );
    let answer = [
        ("_csrf", t.as_str()),
        ("service_attitude", "satisfied"),
        ("communication", "satisfied"),
        ("rights_protection", "basically_satisfied"),
        ("case_result", "satisfied"),
        ("overall", "dissatisfied"),
        ("money_asked", "yes"),
        ("comment", "承办人要了一千元“辛苦费”。"),
    ];
    let (s, html, _) = b.post_form(&link, &answer).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("感谢您的评价"));
    // Once: the second answer is refused, the page says so.
    let (s, _, _) = b.post_form(&link, &answer).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, html) = b.get(&link).await;
    assert!(html.contains("您已经评价过了"));
    // The money raised the fee alert to the center's quality staff.
    let quality = app.browser("quality").await;
    let (_, inbox) = quality.get("/messages").await;
    assert!(inbox.contains("违规收费线索"), "{inbox}");
    // The overall rating counts in the handler's rating like a visit's.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM portal_evaluations WHERE case_id = {case} AND overall = 'dissatisfied'"
        ))
        .await,
        1
    );
    // An unknown or malformed link is absent.
    for bad in [
        "/public/evaluate/abc",
        &format!("/public/evaluate/{}", "0".repeat(64)),
    ] {
        let (s, _) = b.get(bad).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{bad}");
    }
});
