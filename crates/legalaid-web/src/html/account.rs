//! Sign-in, sign-out, the home page (work queue) and the caller's password.

use crate::AppState;
use crate::extract::{CsrfForm, Meta, PageCtx, PageQuery, SESSION_COOKIE, session_cookie};
use crate::html::{Field, FormPage, PageResult, Shell, page_error, render, see_other};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use legalaid_app::AppError;
use legalaid_app::auth::{self, LoginKind, LoginOutcome};
use legalaid_app::home::{self, WorkQueue};
use legalaid_app::queues::DueFilter;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    heading: String,
    /// The home page lists the caller's queues; /queues every queue of the region.
    region_wide: bool,
    queue: WorkQueue,
    tabs: Vec<Tab>,
    pager: crate::html::Pager,
}

/// A filter of the queue, with its count (the same query as the list).
struct Tab {
    label: String,
    href: String,
    current: bool,
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    due: Option<String>,
    page: Option<i64>,
}

fn due_filter(q: &QueueQuery) -> DueFilter {
    match q.due.as_deref() {
        Some("overdue") => DueFilter::Overdue,
        Some("soon") => DueFilter::Soon,
        _ => DueFilter::All,
    }
}

fn tabs(base: &str, due: DueFilter, p: &legalaid_app::queues::QueuePage) -> Vec<Tab> {
    [
        (DueFilter::All, "", "全部", p.all),
        (DueFilter::Overdue, "overdue", "已超期", p.overdue),
        (DueFilter::Soon, "soon", "3日内到期（含已超期）", p.soon),
    ]
    .into_iter()
    .map(|(f, code, label, n)| Tab {
        label: format!("{label}（{n}）"),
        href: if code.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?due={code}")
        },
        current: f == due,
    })
    .collect()
}

fn due_code(due: DueFilter) -> &'static str {
    match due {
        DueFilter::All => "",
        DueFilter::Overdue => "due=overdue",
        DueFilter::Soon => "due=soon",
    }
}

pub async fn home(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<QueueQuery>,
) -> PageResult {
    let due = due_filter(&q);
    let pg = legalaid_app::Page::new(q.page, Some(50));
    let queue = home::work_queue(&s.app, &page.ctx, due, pg)
        .await
        .map_err(page_error)?;
    Ok(render(&HomePage {
        shell: Shell::new(&page, "工作台", "/"),
        heading: "工作台".into(),
        region_wide: false,
        tabs: tabs("/", due, &queue.queue),
        pager: crate::html::Pager::new("/", due_code(due), pg, queue.queue.total),
        queue,
    }))
}

/// Every queue of the caller's region (bureau, center, administrators): who is
/// behind, and on what.
pub async fn supervision(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<QueueQuery>,
) -> PageResult {
    let due = due_filter(&q);
    let pg = legalaid_app::Page::new(q.page, Some(50));
    let queue = legalaid_app::queues::supervision(&s.app, &page.ctx, due, pg)
        .await
        .map_err(page_error)?;
    let queue = WorkQueue {
        items: Vec::new(),
        queue,
        figures: Vec::new(),
    };
    Ok(render(&HomePage {
        shell: Shell::new(&page, "辖区待办事项", "/"),
        heading: "辖区待办事项".into(),
        region_wide: true,
        tabs: tabs("/queues", due, &queue.queue),
        pager: crate::html::Pager::new("/queues", due_code(due), pg, queue.queue.total),
        queue,
    }))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
    csrf: String,
}

/// The sign-in form carries its own CSRF token, bound to a short-lived cookie
/// (double submit), so another site cannot sign a browser in to a chosen account.
const LOGIN_COOKIE: &str = "legalaid_login";

fn login_form(
    s: &AppState,
    status: StatusCode,
    error: Option<String>,
    username: String,
) -> Response {
    let csrf = auth::random_secret();
    let mut res = render(&LoginPage {
        error,
        username,
        csrf: csrf.clone(),
    });
    *res.status_mut() = status;
    let c = format!(
        "{LOGIN_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        secure_attribute(s)
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub async fn login_page(State(s): State<AppState>) -> Response {
    login_form(&s, StatusCode::OK, None, String::new())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    _csrf: String,
}

/// `; Secure` when cookies must travel over HTTPS only (see docs/CONFIGURATION.md).
fn secure_attribute(s: &AppState) -> &'static str {
    if s.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    }
}

fn session_cookie_header(s: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let c = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        secure_attribute(s)
    );
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Sends a freshly signed-in browser to the home page with its new session cookie.
fn signed_in(s: &AppState, out: &LoginOutcome) -> Response {
    let max_age = (out.expires_at - s.app.clock.now()).num_seconds().max(0);
    let mut res = see_other("/");
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie_header(s, &out.secret, max_age),
    );
    res
}

/// Signs in. A new session id is issued at every sign-in (and any old session of
/// this browser is ended), so a session id planted before sign-in is worthless.
pub async fn login(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let old = session_cookie(&parts);
    let login_token = crate::extract::cookie(&parts, LOGIN_COOKIE);
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let form: LoginForm = serde_html_form::from_bytes(&bytes).unwrap_or(LoginForm {
        username: String::new(),
        password: String::new(),
        _csrf: String::new(),
    });
    let username = form.username.trim().to_owned();
    if login_token
        .is_none_or(|t| !crate::extract::constant_time_eq(t.as_bytes(), form._csrf.as_bytes()))
    {
        return login_form(
            &s,
            StatusCode::FORBIDDEN,
            Some("登录页面已过期，请重新输入用户名和密码".into()),
            username,
        );
    }
    match auth::login(
        &s.app,
        &meta,
        &form.username,
        &form.password,
        LoginKind::Web,
    )
    .await
    {
        Ok(out) => {
            if let Some(old) = old {
                let ctx = legalaid_app::Ctx::system("login");
                let _ = auth::logout(&s.app, &ctx, &old).await;
            }
            signed_in(&s, &out)
        }
        Err(e) => {
            let status = crate::error::status_of(&e);
            let message = match e {
                AppError::Unauthenticated(m) => m,
                AppError::TooManyRequests { .. } => {
                    format!("{e}。为保护账号安全，登录已暂时锁定。")
                }
                other => {
                    crate::error::log_internal(&other);
                    other.to_string()
                }
            };
            let status = if status == StatusCode::UNAUTHORIZED {
                StatusCode::OK
            } else {
                status
            };
            login_form(&s, status, Some(message), username)
        }
    }
}

pub async fn logout(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    CsrfForm::<serde_json::Value>::parse(req, &page.csrf).await?;
    let _ = auth::logout(&s.app, &page.ctx, &page.session_id).await;
    let mut res = see_other("/login");
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie_header(&s, "", 0));
    Ok(res)
}

fn password_form(page: &PageCtx) -> FormPage {
    FormPage {
        shell: Shell::new(page, "修改密码", ""),
        heading: "修改密码".into(),
        action: "/account/password".into(),
        submit: "修改密码".into(),
        cancel: "/".into(),
        error: None,
        fields: vec![
            Field::new("current_password", "当前密码", "password", "")
                .required()
                .autocomplete("current-password"),
            Field::new("new_password", "新密码", "password", "")
                .required()
                .autocomplete("new-password")
                .hint("至少10个字符，包含大写字母、小写字母、数字、符号中的至少三类，且不含用户名"),
            Field::new("confirm_password", "再次输入新密码", "password", "")
                .required()
                .autocomplete("new-password"),
        ],
    }
}

pub async fn password_page(page: PageCtx) -> Response {
    password_form(&page).respond(&[])
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let form: PasswordForm = CsrfForm::parse(req, &page.csrf).await?;
    if form.new_password != form.confirm_password {
        return Ok(password_form(&page).respond(&[legalaid_domain::FieldError {
            field: "confirm_password".into(),
            message: "两次输入的新密码不一致".into(),
        }]));
    }
    match auth::change_password(
        &s.app,
        &page.ctx,
        &form.current_password,
        &form.new_password,
        LoginKind::Web,
    )
    .await
    {
        Ok(out) => Ok(signed_in(&s, &out)),
        Err(AppError::Validation(errs)) => Ok(password_form(&page).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}
