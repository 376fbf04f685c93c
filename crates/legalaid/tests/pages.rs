//! The server-rendered pages through HTTP, on SQLite and PostgreSQL: sign-in and
//! sessions, CSRF, forms and their errors, visibility, and the headers every page carries.

mod common;

use common::{Browser, TestApp, select, urlenc};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};

const SESSION: &str = "legalaid_session";
const FIRM_1: &str = "安徽叶诚律师事务所";
const FIRM_2: &str = "安徽史河律师事务所";

/// A client like `app.http` (no redirects followed) that also keeps cookies.
fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts the sign-in form; returns the status, the Location and the session cookie
/// value set (if any), and the body.
async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    user: &str,
    pw: &str,
) -> (StatusCode, Option<String>, Option<String>, String) {
    let token = common::login_token(client, &app.base).await;
    let res = client
        .post(app.url("/login"))
        .form(&[("username", user), ("password", pw), ("_csrf", &token)])
        .send()
        .await
        .expect("post /login");
    let status = res.status();
    let location = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .map(|v| v.to_str().expect("ascii cookie").to_owned());
    (
        status,
        location,
        cookie,
        res.text().await.unwrap_or_default(),
    )
}

/// The session id from a `Set-Cookie` header.
fn session_value(set_cookie: &str) -> String {
    let first = set_cookie.split(';').next().unwrap_or_default();
    first
        .strip_prefix(&format!("{SESSION}="))
        .unwrap_or_else(|| panic!("not the session cookie: {set_cookie}"))
        .to_owned()
}

/// A GET with only this session cookie, from a client without a cookie store.
async fn get_with_session(app: &TestApp, sid: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header(COOKIE, format!("{SESSION}={sid}"))
        .send()
        .await
        .expect("get")
}

fn location(res: &reqwest::Response) -> Option<&str> {
    res.headers().get(LOCATION).and_then(|v| v.to_str().ok())
}

/// The number of units the administrator sees (to show a refused write created nothing).
async fn unit_total(app: &TestApp) -> i64 {
    let t = app.token("admin").await;
    let (_, body) = app.get_json("/api/v1/units?per_page=1", Some(&t)).await;
    body["total"].as_i64().expect("total")
}

/// (field name, error text) for every field marked with an error.
fn field_errors(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let field = scraper::Selector::parse("div.field.has-error").expect("selector");
    let control = scraper::Selector::parse("[name]").expect("selector");
    let error = scraper::Selector::parse(".field-error").expect("selector");
    doc.select(&field)
        .map(|f| {
            let name = f
                .select(&control)
                .next()
                .and_then(|c| c.value().attr("name"))
                .unwrap_or_default()
                .to_owned();
            let text = f
                .select(&error)
                .next()
                .map(|e| e.text().collect::<String>())
                .unwrap_or_default();
            (name, text.trim().to_owned())
        })
        .collect()
}

both!(the_sign_in_page_is_a_form, |app| {
    let res = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .expect("get /login");
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = res.text().await.expect("body");
    let doc = scraper::Html::parse_document(&html);
    let form = scraper::Selector::parse("form[method=post][action='/login']").expect("selector");
    assert_eq!(
        doc.select(&form).count(),
        1,
        "one sign-in form posting to /login"
    );
    for input in [
        "input[name=username]",
        "input[name=password][type=password]",
    ] {
        assert_eq!(select(&html, &format!("form {input}")).len(), 1, "{input}");
    }
});

both!(the_sign_in_form_needs_its_csrf_token, |app| {
    // A cross-site form post carries no token: the sign-in is refused.
    let client = cookie_client();
    let res = client
        .post(app.url("/login"))
        .form(&[("username", "clerk"), ("password", common::DEMO_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = client.get(app.url("/")).send().await.expect("get /");
    assert_eq!(location(&res), Some("/login"), "still signed out");
});

both!(a_wrong_password_re_renders_without_a_session, |app| {
    let client = cookie_client();
    let (s, _, cookie, html) = sign_in(&app, &client, "clerk", "Wrong-password-1").await;
    assert_eq!(s, StatusCode::OK, "the form is shown again");
    assert!(html.contains("用户名或密码不正确"), "{html}");
    // Only the sign-in form's own CSRF cookie may be set, never a session.
    assert!(
        cookie
            .as_deref()
            .is_none_or(|c| !c.starts_with(&format!("{SESSION}="))),
        "no session cookie after a failed sign-in: {cookie:?}"
    );
    // The username is kept, the password is not.
    assert!(html.contains("value=\"clerk\""), "{html}");
    let res = client.get(app.url("/")).send().await.expect("get /");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), Some("/login"));
});

both!(signing_in_issues_a_fresh_session_each_time, |app| {
    let client = cookie_client();
    let (s, to, cookie, _) = sign_in(&app, &client, "clerk", common::DEMO_PASSWORD).await;
    assert_eq!((s, to.as_deref()), (StatusCode::SEE_OTHER, Some("/")));
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite="), "{cookie}");
    let first = session_value(&cookie);

    // The same browser signs in again (sending the first cookie): a new id, and the old one is ended.
    let (s, _, cookie, _) = sign_in(&app, &client, "clerk", common::DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let second = session_value(&cookie.expect("a session cookie"));
    assert_ne!(first, second, "the session id changes at sign-in");

    let res = get_with_session(&app, &first, "/").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the old session no longer works"
    );
    assert_eq!(location(&res), Some("/login"));
    let res = get_with_session(&app, &second, "/").await;
    assert_eq!(res.status(), StatusCode::OK, "the new session works");
});

both!(a_switched_off_account_has_no_session, |app| {
    let client = cookie_client();
    let (_, _, cookie, _) = sign_in(&app, &client, "clerk", common::DEMO_PASSWORD).await;
    let sid = session_value(&cookie.expect("a session cookie"));
    let res = get_with_session(&app, &sid, "/").await;
    assert_eq!(res.status(), StatusCode::OK);
    // Switched off in storage, without the sign-out everywhere that deactivation also
    // does: the session alone must not let the account in.
    app.raw_sql("UPDATE users SET active = FALSE WHERE username = 'clerk'")
        .await
        .expect("switch the account off");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE username = 'clerk' AND NOT active")
            .await,
        1
    );
    let res = get_with_session(&app, &sid, "/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), Some("/login"));
});

both!(the_home_page_shows_the_navigation_for_the_role, |app| {
    let nav = |html: &str| select(html, "nav ul.nav a");
    let (s, html) = app.browser("lawyer").await.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["工作台"]);
    let links = nav(&html);
    assert!(
        links.iter().any(|l| l == "单位") && links.iter().any(|l| l == "工作人员"),
        "lawyer: {links:?}"
    );
    assert!(
        !links.iter().any(|l| l == "审计日志" || l == "用户与角色"),
        "lawyer: {links:?}"
    );

    let (s, html) = app.browser("admin").await.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["工作台"]);
    let links = nav(&html);
    for want in ["审计日志", "用户与角色", "行政区划"] {
        assert!(
            links.iter().any(|l| l == want),
            "admin lacks {want}: {links:?}"
        );
    }
});

both!(forms_without_the_csrf_token_are_refused, |app| {
    let b = app.browser("supervisor").await;
    let before = unit_total(&app).await;
    let fields = [
        ("name", "叶集区测试司法所"),
        ("kind", "judicial_office"),
        ("region_code", "341504"),
        ("active", "true"),
    ];
    let (s, _, _) = b.post_form("/units", &fields).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no token");
    let mut wrong = fields.to_vec();
    wrong.push(("_csrf", "0123456789abcdef"));
    let (s, html, _) = b.post_form("/units", &wrong).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a wrong token");
    assert!(html.contains("CSRF"), "{html}");
    assert_eq!(unit_total(&app).await, before, "nothing was created");
});

both!(creating_a_unit_through_the_form, |app| {
    let b = app.browser("supervisor").await;
    let csrf = b.csrf("/units/new").await;
    let (s, html, to) = b
        .post_form(
            "/units",
            &[
                ("_csrf", &csrf),
                ("name", "叶集区测试工作站"),
                ("kind", "workstation"),
                ("workstation_host", "court"),
                ("region_code", "341504"),
                ("phone", "0564-6129000"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let to = to.expect("a Location");
    let id = to
        .strip_prefix("/units/")
        .and_then(|i| i.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("redirect to the new unit: {to}"));
    assert_eq!(app.unit_id("叶集区测试工作站").await, id);
    let (s, html) = b.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["叶集区测试工作站"]);

    // An invalid form comes back 422 with each message next to its field, and the input kept.
    let before = unit_total(&app).await;
    let (s, html, _) = b
        .post_form(
            "/units",
            &[
                ("_csrf", &csrf),
                ("name", ""),
                ("kind", "law_firm"),
                ("region_code", "341504"),
                ("phone", "12"),
                ("address", "商贸路1号"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&html);
    let named: Vec<&str> = errors.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(named, ["name", "phone"], "{errors:?}");
    assert!(errors.iter().all(|(_, m)| !m.is_empty()), "{errors:?}");
    assert!(html.contains("商贸路1号"), "the input is kept");
    assert_eq!(unit_total(&app).await, before, "nothing was created");
});

both!(a_law_firm_cannot_reach_another_firm_by_url, |app| {
    let b = app.browser("lawyer").await;
    let own = app.unit_id(FIRM_1).await;
    let other = app.unit_id(FIRM_2).await;
    for path in [format!("/units/{other}"), format!("/units/{other}/edit")] {
        let (s, _) = b.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "GET {path}");
    }
    let csrf = b.csrf("/").await;
    let (s, _, _) = b
        .post_form(
            &format!("/units/{other}"),
            &[
                ("_csrf", &csrf),
                ("name", "改名"),
                ("kind", "law_firm"),
                ("region_code", "341504"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "POST another firm");
    // Its own firm is visible, but not editable.
    let (s, html) = b.get(&format!("/units/{own}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "h1"), [FIRM_1]);
    let (s, _) = b.get(&format!("/units/{own}/edit")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = b.get("/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the audit trail");
    let (s, _) = b.get("/admin/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the user list");
});

both!(the_staff_page_lists_only_the_own_firm, |app| {
    let b = app.browser("lawyer").await;
    let (s, html) = b.get("/staff").await;
    assert_eq!(s, StatusCode::OK);
    let rows = select(&html, "table tbody tr");
    assert_eq!(rows.len(), 5, "{rows:?}");
    // The third column names the unit.
    let units = select(&html, "table tbody tr td:nth-child(3)");
    assert!(units.iter().all(|u| u == FIRM_1), "{units:?}");
});

both!(signing_out_ends_the_session, |app| {
    let b: Browser = app.browser("reviewer").await;
    let csrf = b.csrf("/").await;
    let (s, _, to) = b.post_form("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!((s, to.as_deref()), (StatusCode::SEE_OTHER, Some("/login")));
    let res = b.client.get(app.url("/")).send().await.expect("get /");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), Some("/login"));
});

both!(headers_static_files_and_empty_states, |app| {
    let b = app.browser("reviewer").await;
    let res = b.client.get(app.url("/")).send().await.expect("get /");
    let csp = res.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    assert!(csp.contains("default-src 'self'"), "{csp}");

    let res = app
        .http
        .get(app.url("/static/app.css"))
        .send()
        .await
        .expect("css");
    assert_eq!(res.status(), StatusCode::OK);
    let ct = res.headers()[CONTENT_TYPE].to_str().expect("content type");
    assert!(ct.starts_with("text/css"), "{ct}");

    let (s, html) = b.get(&format!("/units?q={}", urlenc("不存在的单位"))).await;
    assert_eq!(s, StatusCode::OK);
    let empty = select(&html, ".empty");
    assert_eq!(empty.len(), 1, "{html}");
    assert!(!empty[0].is_empty());
    assert!(select(&html, "table").is_empty(), "no empty table");

    // Signed-out visitors are sent to sign in.
    let res = app
        .http
        .get(app.url("/units"))
        .send()
        .await
        .expect("get /units");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), Some("/login"));
});
