//! The test harness: a real server on a loopback port over a fresh database, on
//! SQLite (a temporary directory) or PostgreSQL (a new database created from
//! `LEGALAID_TEST_DATABASE_URL` and dropped afterwards).
//!
//! `both!` writes a test once and runs it on both backends, so the two cannot drift.
#![allow(dead_code)]

pub mod lists;

use legalaid_app::{App, AuthSettings, Clock, FixedClock, SystemClock};
use legalaid_store::Store;
use reqwest::StatusCode;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;

pub const DEMO_PASSWORD: &str = "Legalaid@2024";
pub const ADMIN_PASSWORD: &str = "Yeji#Center2024";

/// Runs the body as two tests, `sqlite` and `postgres`, in a module named after the test.
/// The PostgreSQL one runs whenever LEGALAID_TEST_DATABASE_URL is set (CI sets it).
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = common::TestApp::spawn(common::Kind::Sqlite).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if std::env::var("LEGALAID_TEST_DATABASE_URL").is_err() {
                    eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
                    return;
                }
                let $app = common::TestApp::spawn(common::Kind::Postgres).await;
                $body
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub kind: Kind,
    pub addr: SocketAddr,
    pub base: String,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub http: reqwest::Client,
    /// The key of the sensitive fields, shared with a [`TestApp::twin`].
    pub key_hex: String,
    pg_admin: Option<(String, String)>,
}

/// A second instance of the server over the same database (as two processes
/// behind a load balancer would be), with its own pools, on its own port.
pub struct Twin {
    pub base: String,
    pub app: App,
}

impl Twin {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Serves the whole router for `app` on a fresh loopback port.
/// The token the test server's SMS delivery-report callback asks for.
pub const SMS_REPORT_TOKEN: &str = "sms-report-secret";

async fn serve(app: App) -> SocketAddr {
    let state = legalaid_web::AppState {
        app,
        settings: Arc::new(legalaid_web::WebSettings {
            sms_report_token: Some(SMS_REPORT_TOKEN.into()),
            ..Default::default()
        }),
        metrics: None,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = legalaid_web::router(state);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    addr
}

/// An HTTP client whose requests come from `ip` (any of 127.0.0.0/8), so tests
/// can play several client addresses.
pub fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<std::net::IpAddr>().expect("ip"))
        .build()
        .expect("client")
}

fn random_suffix() -> String {
    legalaid_app::auth::random_secret()[..12].to_owned()
}

impl TestApp {
    /// A server with the demo data set loaded (and `admin` created).
    pub async fn spawn(kind: Kind) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let (database_url, pg_admin) = match kind {
            Kind::Sqlite => (
                format!("sqlite://{}", data_dir.path().join("legalaid.db").display()),
                None,
            ),
            Kind::Postgres => {
                let admin_url = std::env::var("LEGALAID_TEST_DATABASE_URL")
                    .expect("LEGALAID_TEST_DATABASE_URL");
                let name = format!("legalaid_test_{}", random_suffix());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable at LEGALAID_TEST_DATABASE_URL");
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!(
                        "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
                    )),
                )
                .await
                .expect("create test database");
                let mut url = url_for(&admin_url, &name);
                if url.is_empty() {
                    url = admin_url.clone();
                }
                (url, Some((admin_url, name)))
            }
        };
        let store = Store::connect(&database_url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // Sign-in waits count on the injected clock, which only the tests move.
        let auth = AuthSettings::default();
        let key_hex = legalaid_app::crypto::FieldCipher::generate_hex();
        let cipher = legalaid_app::crypto::FieldCipher::from_hex(&key_hex).expect("key");
        // A clock the tests can move forward (deemed withdrawal, expiries); it starts now.
        let clock = Arc::new(FixedClock::new(SystemClock.now()));
        let app = App::new(
            store,
            clock.clone() as Arc<dyn Clock>,
            auth,
            Arc::new(cipher),
        )
        .with_files(data_dir.path().join("files"));
        // The server's own preparation, with the demo's records but not its
        // living activity (tests make the activity they need).
        legalaid_app::bootstrap::prepare(
            &app,
            Some(ADMIN_PASSWORD),
            legalaid_app::bootstrap::DemoData::Records,
        )
        .await
        .expect("prepared as the server prepares");
        let addr = serve(app.clone()).await;
        TestApp {
            kind,
            addr,
            base: format!("http://{addr}"),
            database_url,
            data_dir,
            app,
            clock,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            key_hex,
            pg_admin,
        }
    }

    /// A second instance over the same database, sharing the clock and the key.
    pub async fn twin(&self) -> Twin {
        let store = Store::connect(&self.database_url).await.expect("connect");
        let cipher = legalaid_app::crypto::FieldCipher::from_hex(&self.key_hex).expect("key");
        let app = App::new(
            store,
            self.clock.clone() as Arc<dyn Clock>,
            AuthSettings::default(),
            Arc::new(cipher),
        )
        .with_files(self.data_dir.path().join("files"));
        let addr = serve(app.clone()).await;
        Twin {
            base: format!("http://{addr}"),
            app,
        }
    }

    /// Delivers the due messages into file sinks in the data directory (as the
    /// server does without a gateway) and returns the SMS sink's lines.
    pub async fn deliver(&self) -> Vec<Value> {
        let channels = legalaid_notify::Channels::from_config(&legalaid_notify::NotifyConfig {
            sink_dir: self.data_dir.path().to_owned(),
            ..Default::default()
        })
        .expect("sinks");
        let adapter = legalaid::delivery::Adapter::new(channels);
        while legalaid_app::outbox::deliver_due(&self.app, &adapter, "test-worker", 100)
            .await
            .expect("delivery")
            > 0
        {}
        sink_lines(&self.data_dir.path().join("sms-sink.jsonl"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let pw = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        let (status, body) = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({ "username": username, "password": pw }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut r = self.http.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let res = r.send().await.expect("request");
        let status = res.status();
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        let mut r = self.http.request(method, self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let res = r.send().await.expect("request");
        let status = res.status();
        if status.is_client_error() || status.is_server_error() {
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert_eq!(
                ct, "application/problem+json",
                "API errors are problem+json ({status} {path})"
            );
        }
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, path, token, body)
            .await
    }

    pub async fn put_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PUT, path, token, body)
            .await
    }

    /// The id of the demo unit with this name (as the admin sees it).
    pub async fn unit_id(&self, name: &str) -> i64 {
        let t = self.token("admin").await;
        let (_, body) = self
            .get_json(
                &format!("/api/v1/units?per_page=200&q={}", urlenc(name)),
                Some(&t),
            )
            .await;
        body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|u| u["name"] == name))
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("unit {name} not found"))
    }

    /// A browser-like client (cookies, no redirects followed) signed in to the pages.
    pub async fn browser(&self, username: &str) -> Browser {
        let pw = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        self.browser_as(username, pw).await
    }

    /// A browser signed in with `password` (an account a test created).
    pub async fn browser_as(&self, username: &str, pw: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let token = login_token(&client, &self.base).await;
        let res = client
            .post(self.url("/login"))
            .form(&[("username", username), ("password", pw), ("_csrf", &token)])
            .send()
            .await
            .expect("login");
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "page sign-in of {username}"
        );
        Browser {
            client,
            base: self.base.clone(),
        }
    }

    /// Runs SQL directly (for tests that tamper with storage by hand).
    /// One integer from a query run directly against the database.
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.value(sql).await
    }

    /// A text value read straight from the database.
    pub async fn scalar_text(&self, sql: &str) -> String {
        self.value(sql).await
    }

    async fn value<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin,
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        match self.kind {
            Kind::Sqlite => {
                let mut c =
                    <sqlx::SqliteConnection as sqlx::Connection>::connect(&self.database_url)
                        .await
                        .expect("connect");
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut c)
                    .await
                    .expect("scalar")
            }
            Kind::Postgres => {
                let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&self.database_url)
                    .await
                    .expect("connect");
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut c)
                    .await
                    .expect("scalar")
            }
        }
    }

    pub async fn raw_sql(&self, sql: &str) -> Result<(), String> {
        let r = match self.kind {
            Kind::Sqlite => {
                let mut c =
                    <sqlx::SqliteConnection as sqlx::Connection>::connect(&self.database_url)
                        .await
                        .expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut c)
                    .await
                    .map(|_| ())
            }
            Kind::Postgres => {
                let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&self.database_url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut c)
                    .await
                    .map(|_| ())
            }
        };
        r.map_err(|e| e.to_string())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_admin.take() {
            let store = self.app.store.clone();
            // Drop runs outside async context: use a small runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    store.close().await;
                    if let Ok(mut c) =
                        <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                    {
                        let _ = sqlx::Executor::execute(
                            &mut c,
                            sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )),
                        )
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn url_for(admin_url: &str, db: &str) -> String {
    match url::Url::parse(admin_url) {
        Ok(mut u) => {
            u.set_path(&format!("/{db}"));
            u.to_string()
        }
        Err(_) => String::new(),
    }
}

/// The JSON lines of a sink file (none when it does not exist yet).
pub fn sink_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("sink line is JSON"))
        .collect()
}

pub fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get");
        let s = res.status();
        (s, res.text().await.unwrap_or_default())
    }

    /// The CSRF token of the first form on a page.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.get(path).await;
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("input[name=_csrf]").expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .expect("a form with a CSRF token")
            .to_owned()
    }

    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("post");
        let s = res.status();
        let loc = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (s, res.text().await.unwrap_or_default(), loc)
    }
}

/// Opens the sign-in page (which sets its CSRF cookie) and returns the form's token.
pub async fn login_token(client: &reqwest::Client, base: &str) -> String {
    let html = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login")
        .text()
        .await
        .unwrap_or_default();
    let doc = scraper::Html::parse_document(&html);
    let sel =
        scraper::Selector::parse("form[action='/login'] input[name=_csrf]").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("sign-in form with a CSRF token")
        .to_owned()
}

/// Texts matching a CSS selector.
pub fn select(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// A wage claim granted by the director; returns the application id.
pub async fn granted_wage_claim(app: &TestApp, applicant: i64, opposing: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &serde_json::json!({
                "applicant_id": applicant, "channel": "walk_in", "received_at": "2024-09-26T02:00:00Z",
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                "opposing_party": opposing, "summary": "被拖欠工资三个月共计一万二千元。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().expect("id");
    let director = app.token("director").await;
    let (s, d) = app
        .post_json(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&director),
            &serde_json::json!({ "outcome": "granted", "reason": "", "version": a["version"] }),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{d}");
    id
}

/// A resident ID number from its first 17 digits, with its GB 11643 check character.
pub fn resident_id(first17: &str) -> String {
    let check = legalaid_domain::id_number::check_char(first17).expect("17 digits");
    format!("{first17}{check}")
}

/// Opens the case of a granted application and assigns it to the demo account
/// `lawyer` (the director acting); answers the case as the assignment left it.
pub async fn case_with_demo_lawyer(app: &TestApp, application: i64) -> serde_json::Value {
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{application}/case"),
            Some(&director),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{c}");
    let (lawyer, firm) = lawyer_staff(app).await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{}/assignment", c["id"]),
            Some(&director),
            &serde_json::json!({ "unit_id": firm, "handler_id": lawyer, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{c}");
    c
}

/// The demo account `lawyer`'s staff record and firm.
pub async fn lawyer_staff(app: &TestApp) -> (i64, i64) {
    let t = app.token("lawyer").await;
    let (_, me) = app.get_json("/api/v1/me", Some(&t)).await;
    (
        me["staff_id"]
            .as_i64()
            .expect("the demo lawyer has a staff record"),
        me["unit_id"].as_i64().expect("unit"),
    )
}

/// The text of a PDF, without whitespace (so that line breaks do not split words).
pub fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test.sh)");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect()
}

/// The href of a list page's 下一页 link (its keyset), unescaped.
pub fn next_link(html: &str) -> String {
    html.split("rel=\"next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .and_then(|h| h.split('"').next())
        .expect("the next link")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// Uploads `bytes` as the multipart field `file` (with a description) to `path`.
pub async fn upload_file(
    app: &TestApp,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    description: &str,
) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("description", description.to_owned());
    let res = app
        .http
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = res.status();
    (s, res.json().await.unwrap_or(Value::Null))
}

/// The test clock's now, as RFC 3339 (for `received_at` and the like).
pub fn now_rfc3339(app: &TestApp) -> String {
    app.clock.now().to_rfc3339()
}

/// A clerk account of `unit` (created by the administrator, initial password changed).
pub async fn clerk_of(app: &TestApp, unit: &str, username: &str) -> String {
    let admin = app.token("admin").await;
    let unit_id = app.unit_id(unit).await;
    let (s, u) = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &serde_json::json!({ "username": username, "password": "Initial#Yeji2026", "display_name": "平岗司法所 刘芳",
                     "unit_id": unit_id, "roles": ["intake_clerk"] }),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{u}");
    let login = |pw: &'static str| serde_json::json!({ "username": username, "password": pw });
    let (_, t) = app
        .post_json("/api/v1/auth/login", None, &login("Initial#Yeji2026"))
        .await;
    let first = t["token"].as_str().expect("token").to_owned();
    let (s, _) = app
        .post_json(
            "/api/v1/me/password",
            Some(&first),
            &serde_json::json!({ "current_password": "Initial#Yeji2026", "new_password": "Pinggang#Office2026" }),
        )
        .await;
    assert!(s.is_success(), "password changed: {s}");
    let (s, t) = app
        .post_json("/api/v1/auth/login", None, &login("Pinggang#Office2026"))
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{t}");
    t["token"].as_str().expect("token").to_owned()
}

// Helpers of the page tests: forms posted as a browser would, and what the pages show.

/// Posts a form as a browser does: (status, body, Location).
pub async fn post(
    b: &Browser,
    path: &str,
    form: &[(&str, String)],
) -> (StatusCode, String, Option<String>) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_form(path, &pairs).await
}

/// The value of a hidden input of the form posting to `action`.
pub fn hidden(html: &str, action: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!(
        "form[action='{action}'] input[type=hidden][name={name}]"
    ))
    .expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_else(|| panic!("{name} in the form posting to {action}: {html}"))
        .to_owned()
}

/// The names of the fields marked with an error.
pub fn fields_in_error(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let field = scraper::Selector::parse("div.field.has-error").expect("selector");
    let control = scraper::Selector::parse("[name]").expect("selector");
    doc.select(&field)
        .filter_map(|f| f.select(&control).next())
        .filter_map(|c| c.value().attr("name").map(str::to_owned))
        .collect()
}

/// The body rows of the section headed `title`.
pub fn section_rows(html: &str, title: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let section = scraper::Selector::parse("section").expect("selector");
    let h2 = scraper::Selector::parse("h2").expect("selector");
    let tr = scraper::Selector::parse("tbody tr").expect("selector");
    doc.select(&section)
        .find(|s| {
            s.select(&h2)
                .next()
                .is_some_and(|h| h.text().collect::<String>().trim() == title)
        })
        .map(|s| {
            s.select(&tr)
                .map(|r| r.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .unwrap_or_else(|| panic!("no section {title}: {html}"))
}

/// A wage claim of a new person `name` (ID from its first 17 digits), granted,
/// assigned to the demo account `handler`'s firm and staff record, closed today
/// and archived by the director: the case id.
pub async fn archived_case(app: &TestApp, name: &str, id17: &str, handler: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &serde_json::json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17) }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &serde_json::json!({
                "applicant_id": p["id"], "channel": "walk_in", "received_at": now_rfc3339(app),
                "matter_code": "labor_remuneration", "service_form": "litigation_representation",
                "procedural_role": "plaintiff", "opposing_party": "某建筑劳务有限公司",
                "summary": "被拖欠工资三个月。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let director = app.token("director").await;
    let (s, d) = app
        .post_json(
            &format!("/api/v1/applications/{}/decision", a["id"]),
            Some(&director),
            &serde_json::json!({ "outcome": "granted", "reason": "", "version": a["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{}/case", a["id"]),
            Some(&director),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let lawyer = app.token(handler).await;
    let (_, me) = app.get_json("/api/v1/me", Some(&lawyer)).await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{}/assignment", c["id"]),
            Some(&director),
            &serde_json::json!({ "unit_id": me["unit_id"], "handler_id": me["staff_id"], "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let id = c["id"].as_i64().expect("id");
    let today = legalaid_domain::local_date(app.clock.now());
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer),
            &serde_json::json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure"),
            Some(&lawyer),
            &serde_json::json!({ "outcome": "judgment_won", "ended_on": today, "amount_fen": 900_000, "adoption": "adopted",
                     "report": "法院判决用人单位支付拖欠工资九千元。", "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure-review"),
            Some(&director),
            &serde_json::json!({ "approve": true, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "archived");
    id
}

/// The password [`account`] sets in place of the initial one.
pub const CHANGED_PASSWORD: &str = "Changed#Yeji2026";

/// An account of `unit` with `role`, its initial password changed; its token.
pub async fn account(app: &TestApp, username: &str, unit: i64, role: &str) -> String {
    let admin = app.token("admin").await;
    let (s, u) = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &serde_json::json!({ "username": username, "password": "Initial#Yeji2026", "display_name": format!("账号{username}"),
                     "unit_id": unit, "roles": [role] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    let login = |pw: &str| serde_json::json!({ "username": username, "password": pw });
    let (_, t) = app
        .post_json("/api/v1/auth/login", None, &login("Initial#Yeji2026"))
        .await;
    let first = t["token"].as_str().expect("token").to_owned();
    let (s, _) = app
        .post_json(
            "/api/v1/me/password",
            Some(&first),
            &serde_json::json!({ "current_password": "Initial#Yeji2026", "new_password": CHANGED_PASSWORD }),
        )
        .await;
    assert!(s.is_success(), "password changed: {s}");
    let (s, t) = app
        .post_json("/api/v1/auth/login", None, &login(CHANGED_PASSWORD))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    t["token"].as_str().expect("token").to_owned()
}
