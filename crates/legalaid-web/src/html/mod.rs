//! Server-rendered pages in Simplified Chinese. Most pages share a few generic
//! templates (list, form, detail) filled from view models built here, so every
//! list has the same filters, pager and empty state, and every form the same
//! field-level errors.

mod account;
mod admin;
mod application_steps;
mod applications;
mod audit;
mod calendar;
mod case_assign;
mod case_page;
mod case_steps;
mod cases;
mod documents;
mod export;
mod funding;
mod intake;
mod notices;
mod panels;
mod persons;
mod records;
mod rules;
mod schedule;
mod verification;

use crate::AppState;
use crate::extract::PageCtx;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use legalaid_app::{AppError, policy};
use legalaid_domain::FieldError;
use legalaid_domain::role::Role;
use std::collections::HashMap;

/// What a page handler returns. The error side is an error page ready to send,
/// so that handlers can leave early with `?`.
pub type PageResult = Result<Response, Response>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(account::home))
        .route("/queues", get(account::supervision))
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/account/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/units", get(records::units).post(records::create_unit))
        .route("/units/new", get(records::new_unit))
        .route(
            "/units/{id}",
            get(records::show_unit).post(records::update_unit),
        )
        .route("/units/{id}/edit", get(records::edit_unit))
        .route(
            "/staff",
            get(records::staff_list).post(records::create_staff),
        )
        .route("/staff/new", get(records::new_staff))
        .route(
            "/staff/{id}",
            get(records::show_staff).post(records::update_staff),
        )
        .route("/staff/{id}/edit", get(records::edit_staff))
        .route("/persons", get(persons::list).post(persons::create))
        .route("/persons/new", get(persons::new))
        .route("/persons/{id}", get(persons::show).post(persons::update))
        .route("/persons/{id}/edit", get(persons::edit))
        .route(
            "/persons/{id}/id-number",
            get(persons::reveal_page).post(persons::reveal),
        )
        .route(
            "/applications/{id}/documents/{doc}",
            get(documents::document),
        )
        .route("/cases/{id}/documents/{doc}", get(documents::case_document))
        .route(
            "/applications/{id}/verification",
            get(verification::page).post(verification::save),
        )
        .route(
            "/applications/{id}/pre-emptive-grant",
            post(application_steps::pre_emptive),
        )
        .route(
            "/applications/{id}/attachments/new",
            get(documents::upload_page),
        )
        .route(
            "/applications/{id}/attachments",
            post(documents::upload).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/cases/{id}/attachments/new",
            get(documents::case_upload_page),
        )
        .route(
            "/cases/{id}/attachments",
            post(documents::case_upload).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(documents::attachment))
        .route(
            "/admin/subsidy-schedule",
            get(schedule::list).post(schedule::create),
        )
        .route("/admin/subsidy-schedule/new", get(schedule::new))
        .route("/admin/messages", get(notices::templates))
        .route(
            "/admin/messages/{kind}/{audience}/{channel}",
            get(notices::edit_template).post(notices::update_template),
        )
        .route(
            "/persons/{id}/contact",
            get(notices::edit_contact).post(notices::update_contact),
        )
        .route("/admin/documents", get(documents::templates))
        .route(
            "/admin/documents/{kind}",
            get(documents::edit_template).post(documents::update_template),
        )
        .route(
            "/applications",
            get(applications::list).post(intake::create),
        )
        .route("/applications/new", get(intake::new))
        .route("/applications/{id}", get(applications::show))
        .route(
            "/applications/{id}/supplement-request",
            get(application_steps::supplement_page).post(application_steps::request_supplement),
        )
        .route(
            "/applications/{id}/supplement-received",
            post(application_steps::supplement_received),
        )
        .route(
            "/applications/{id}/proposal",
            get(application_steps::proposal_page).post(application_steps::propose),
        )
        .route(
            "/applications/{id}/decision",
            get(application_steps::decision_page).post(application_steps::decide),
        )
        .route(
            "/applications/{id}/objection",
            get(application_steps::objection_page).post(application_steps::object),
        )
        .route(
            "/applications/{id}/withdrawal",
            get(application_steps::withdrawal_page).post(application_steps::withdraw),
        )
        .route(
            "/applications/{id}/objections/{oid}/decision",
            get(application_steps::objection_decision_page)
                .post(application_steps::decide_objection),
        )
        .route(
            "/applications/{id}/case",
            get(case_assign::open_page).post(case_assign::open),
        )
        .route("/cases", get(cases::list))
        .route("/cases/export.csv", get(cases::export))
        .route("/cases/{id}", get(case_page::show))
        .route(
            "/cases/{id}/assign",
            get(case_assign::assign_page).post(case_assign::assign),
        )
        .route(
            "/cases/{id}/agreement",
            get(case_steps::agreement_page).post(case_steps::sign_agreement),
        )
        .route(
            "/cases/{id}/progress",
            get(case_steps::progress_page).post(case_steps::add_progress),
        )
        .route(
            "/cases/{id}/terminate",
            get(case_steps::terminate_page).post(case_steps::terminate),
        )
        .route(
            "/cases/{id}/object",
            get(case_steps::object_page).post(case_steps::object),
        )
        .route(
            "/cases/{id}/objections/{oid}/decision",
            get(case_steps::objection_decision_page).post(case_steps::decide_objection),
        )
        .route(
            "/cases/{id}/closure",
            get(case_steps::closure_page).post(case_steps::submit_closure),
        )
        .route(
            "/cases/{id}/closure-review",
            get(case_steps::closure_review_page).post(case_steps::review_closure),
        )
        .route(
            "/cases/{id}/grade",
            get(case_steps::grade_page).post(case_steps::set_grade),
        )
        .route(
            "/cases/{id}/pay",
            get(case_steps::pay_page).post(case_steps::pay),
        )
        .route(
            "/cases/{id}/replacement",
            get(case_steps::replacement_page).post(case_steps::request_replacement),
        )
        .route(
            "/cases/{id}/replacements/{rid}",
            get(case_assign::replacement_decision_page).post(case_assign::decide_replacement),
        )
        .route("/cases/{id}/next-stage", post(case_steps::next_stage))
        .route("/hearings", get(cases::hearings))
        .route("/hearings/export.csv", get(cases::hearings_csv))
        .route("/messages", get(cases::inbox))
        .route("/messages/read", post(cases::mark_read))
        .route("/funding", get(funding::page))
        .route("/funding/target", post(funding::set_target))
        .route("/subsidies", get(funding::subsidies))
        .route("/subsidies/export.csv", get(funding::subsidies_csv))
        .route("/admin/rules", get(rules::rules_page))
        .route("/admin/rules/standards/new", get(rules::new_standard))
        .route("/admin/rules/standards", post(rules::create_standard))
        .route(
            "/admin/rules/deadlines/{code}",
            get(rules::edit_deadline).post(rules::update_deadline),
        )
        .route("/admin/rules/matters/new", get(rules::new_matter))
        .route("/admin/rules/matters", post(rules::create_matter))
        .route("/admin/rules/exemptions/new", get(rules::new_exemption))
        .route("/admin/rules/exemptions", post(rules::create_exemption))
        .route(
            "/admin/settings",
            get(rules::settings_page).post(rules::update_settings),
        )
        .route(
            "/admin/calendar",
            get(calendar::calendar).post(calendar::add_year),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route(
            "/admin/users/{id}",
            get(admin::show_user).post(admin::update_user),
        )
        .route("/admin/users/{id}/edit", get(admin::edit_user))
        .route(
            "/admin/users/{id}/password",
            get(admin::reset_password_page).post(admin::reset_password),
        )
        .route(
            "/admin/regions",
            get(admin::regions).post(admin::create_region),
        )
        .route("/admin/regions/new", get(admin::new_region))
        .route("/audit", get(audit::audit))
        .route("/audit/export.csv", get(audit::audit_csv))
        .route("/audit/verify", get(audit::audit_verify))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .layer(axum::middleware::from_fn(remember_path))
}

tokio::task_local! {
    /// The path of the page request being answered, for the error page's way back.
    static PAGE_PATH: String;
}

/// Keeps the request's path while its page is answered (see [`back_to_record`]).
async fn remember_path(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path().to_owned();
    PAGE_PATH.scope(path, next.run(req)).await
}

/// The record a page under it belongs to, as (link, label): an error on
/// `/cases/12/pay` leads back to the case, not only to the work bench.
fn back_to_record(path: &str) -> Option<(String, &'static str)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (kind, id, rest) = (parts.next()?, parts.next()?, parts.next());
    let label = match kind {
        "cases" => "返回案件",
        "applications" => "返回申请",
        "persons" => "返回当事人",
        "units" => "返回单位",
        "staff" => "返回人员",
        "users" => "返回账号",
        _ => return None,
    };
    let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
    rest.filter(|r| !r.is_empty())?;
    Some((format!("/{kind}/{id}"), label))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::ApiError(AppError::NotFound).into_response();
    }
    error_page(
        StatusCode::NOT_FOUND,
        "您要找的页面不存在，或者您没有查看它的权限。",
    )
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    /// The record the failed page belongs to (see [`back_to_record`]).
    back: Option<(String, &'static str)>,
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::CONFLICT => "操作冲突",
        StatusCode::TOO_MANY_REQUESTS => "请求过于频繁",
        StatusCode::SERVICE_UNAVAILABLE => "服务暂时不可用",
        s if s.is_client_error() => "请求有误",
        _ => "系统错误",
    };
    let back = PAGE_PATH.try_with(|p| back_to_record(p)).ok().flatten();
    let body = ErrorPage {
        title,
        message,
        back,
    }
    .render()
    .unwrap_or_else(|_| message.to_owned());
    (status, Html(body)).into_response()
}

/// Renders a template, or an error page if rendering fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "页面生成失败，请稍后再试。",
            )
        }
    }
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What every signed-in page shows around its content.
pub struct Shell {
    pub title: String,
    pub user_name: String,
    pub unit_name: String,
    pub roles: String,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub notice: Option<String>,
}

impl Shell {
    pub fn new(page: &PageCtx, title: &str, section: &str) -> Self {
        let ctx = &page.ctx;
        let actor = ctx.actor.as_ref();
        let mut nav = vec![
            ("/", "工作台"),
            ("/persons", "当事人"),
            ("/applications", "申请"),
            ("/units", "单位"),
            ("/staff", "工作人员"),
        ];
        if cases::sees_cases(ctx) {
            nav.insert(3, ("/cases", "案件"));
            nav.insert(4, ("/hearings", "开庭日历"));
        }
        if funding::sees_funding(ctx) {
            nav.push(("/funding", "经费测算"));
        }
        if funding::sees_subsidies(ctx) {
            nav.push(("/subsidies", "补贴统计"));
        }
        nav.push(("/messages", "站内消息"));
        if policy::can_view_users(ctx) {
            nav.push(("/admin/users", "用户与角色"));
        }
        if actor.is_some_and(|a| a.has(Role::SystemAdmin)) {
            nav.push(("/admin/regions", "行政区划"));
            nav.push(("/admin/rules", "规则与日历"));
        }
        if policy::can_view_audit(ctx) {
            nav.push(("/audit", "审计日志"));
        }
        Shell {
            title: title.to_owned(),
            user_name: actor
                .map(|a| a.user.display_name.clone())
                .unwrap_or_default(),
            unit_name: actor
                .and_then(|a| a.unit.as_ref())
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            roles: actor
                .map(|a| {
                    a.user
                        .roles
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .unwrap_or_default(),
            csrf: page.csrf.clone(),
            nav: nav
                .into_iter()
                .map(|(href, label)| NavLink {
                    href,
                    label,
                    active: href == section,
                })
                .collect(),
            notice: None,
        }
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One form field, rendered by `field.html`.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    /// text, password, number, select, checkbox, checkboxes, textarea, hidden, date, datetime-local
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub required: bool,
    pub hint: String,
    pub autocomplete: &'static str,
}

impl Field {
    pub fn new(
        name: &'static str,
        label: &str,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Self {
        Field {
            name,
            label: label.to_owned(),
            kind,
            value: value.into(),
            options: Vec::new(),
            error: None,
            required: false,
            hint: String::new(),
            autocomplete: "",
        }
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, h: &str) -> Self {
        self.hint = h.to_owned();
        self
    }
    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }
    /// A select or checkbox group; `selected` holds the chosen values.
    pub fn options<I: IntoIterator<Item = (String, String)>>(
        mut self,
        opts: I,
        selected: &[String],
    ) -> Self {
        self.options = opts
            .into_iter()
            .map(|(value, label)| Opt {
                selected: selected.contains(&value),
                value,
                label,
            })
            .collect();
        self
    }
}

/// Attaches field errors to their fields; returns the errors no field claimed.
pub fn attach_errors(fields: &mut [Field], errors: &[FieldError]) -> Option<String> {
    let mut rest = Vec::new();
    for e in errors {
        match fields
            .iter_mut()
            .find(|f| f.name == e.field && f.kind != "hidden")
        {
            Some(f) => {
                f.error = Some(
                    f.error
                        .take()
                        .map_or(e.message.clone(), |m| format!("{m}；{}", e.message)),
                )
            }
            None => rest.push(e.message.clone()),
        }
    }
    if rest.is_empty() {
        None
    } else {
        Some(rest.join("；"))
    }
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub heading: String,
    pub action: String,
    pub submit: String,
    pub cancel: String,
    pub error: Option<String>,
    pub fields: Vec<Field>,
}

impl FormPage {
    /// Renders the form; with errors, as 422 so that the failure is visible to tools too.
    pub fn respond(mut self, errors: &[FieldError]) -> Response {
        if !errors.is_empty() {
            let rest = attach_errors(&mut self.fields, errors);
            self.error = Some(rest.unwrap_or_else(|| "请修改标出的内容后再提交".into()));
            let mut res = render(&self);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return res;
        }
        render(&self)
    }
}

pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            href: None,
        }
    }
    pub fn link(t: impl Into<String>, href: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            href: Some(href.into()),
        }
    }
}

pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub struct Action {
    pub href: String,
    pub label: String,
}

pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub first: String,
}

impl Pager {
    /// `query` is the list's current filter query string without `page`.
    pub fn new(base: &str, query: &str, page: legalaid_app::Page, total: i64) -> Self {
        let pages = ((total + page.per_page - 1) / page.per_page).max(1);
        let href = |p: i64| {
            if query.is_empty() {
                format!("{base}?page={p}")
            } else {
                format!("{base}?{query}&page={p}")
            }
        };
        Pager {
            page: page.page,
            pages,
            total,
            prev: (page.page > 1).then(|| href(page.page - 1)),
            next: (page.page < pages).then(|| href(page.page + 1)),
            first: href(1),
        }
    }
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub heading: String,
    pub actions: Vec<Action>,
    pub filters: Vec<Field>,
    pub export_href: Option<String>,
    pub table: Table,
    pub pager: Pager,
    pub empty: String,
}

pub struct Section {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "detail.html")]
pub struct DetailPage {
    pub shell: Shell,
    pub heading: String,
    pub actions: Vec<Action>,
    pub rows: Vec<(&'static str, String)>,
    pub sections: Vec<Section>,
}

/// Builds a query string from non-empty (key, value) pairs.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Redirect after a successful POST (303, so a reload does not post again).
pub fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

pub fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_owned()
}

pub fn page_error(e: AppError) -> Response {
    crate::PageError(e).into_response()
}

/// A record id from a path; anything but a positive number is "not found".
pub fn parse_id(raw: &str) -> Result<i64, Response> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| page_error(AppError::NotFound))
}

/// Select options for an enumeration, after a first empty option labelled `first`.
pub fn kind_options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    first: &str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), first.to_owned()))
        .chain(
            all.iter()
                .map(|k| (code(*k).to_owned(), label(*k).to_owned())),
        )
        .collect()
}

/// The names of the units the caller may see, by id.
pub async fn unit_names(s: &AppState, page: &PageCtx) -> HashMap<i64, String> {
    legalaid_app::units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.id.0, u.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::back_to_record;

    #[test]
    fn an_error_under_a_record_leads_back_to_it() {
        assert_eq!(
            back_to_record("/cases/12/pay"),
            Some(("/cases/12".to_owned(), "返回案件"))
        );
        assert_eq!(
            back_to_record("/applications/7/objections/3/decision"),
            Some(("/applications/7".to_owned(), "返回申请"))
        );
        // The record's own page, lists and other paths have no record to go back to.
        for path in [
            "/cases/12",
            "/cases/12/",
            "/cases",
            "/cases/x/pay",
            "/cases/0/pay",
            "/audit/1/x",
            "/",
        ] {
            assert_eq!(back_to_record(path), None, "{path}");
        }
    }
}
