//! What every page is built from: the shell (navigation, the signed-in user),
//! the generic list, form and detail templates, fields with their errors, the
//! pager, the error page, and small helpers shared by the resource modules.

use crate::AppState;
use crate::extract::PageCtx;
use crate::html::routes::{PAGE_PATH, back_to_record};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use legalaid_app::{AppError, policy};
use legalaid_domain::FieldError;
use legalaid_domain::role::Role;
use std::collections::HashMap;

/// What a page handler returns. The error side is an error page ready to send,
/// so that handlers can leave early with `?`.
pub type PageResult = Result<Response, Response>;

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
        if crate::html::cases::sees_cases(ctx) {
            nav.insert(3, ("/cases", "案件"));
            nav.insert(4, ("/hearings", "开庭日历"));
        }
        if crate::html::complaints::sees_complaints(ctx) {
            nav.push(("/complaints", "投诉"));
        }
        if crate::html::supervision::sees_supervision(ctx) {
            nav.push(("/supervision", "办案进度"));
        }
        if crate::html::supervision_orders::sees_orders(ctx) {
            nav.push(("/supervision/orders", "督办"));
        }
        if crate::html::supervision_bulletins::sees_bulletins(ctx) {
            nav.push(("/supervision/bulletins", "通报"));
        }
        if crate::html::cases::funding::sees_funding(ctx) {
            nav.push(("/funding", "经费测算"));
        }
        if crate::html::cases::funding::sees_subsidies(ctx) {
            nav.push(("/subsidies", "补贴统计"));
        }
        if crate::html::quality::sees_quality(ctx) {
            nav.push(("/quality", "案卷评查"));
        }
        if crate::html::quality::rectification::sees_rectifications(ctx) {
            nav.push(("/rectifications", "整改通知"));
        }
        if crate::html::visits::sees_visits(ctx) {
            nav.push(("/visits", "回访"));
        }
        if crate::html::quality::hearing::sees_hearings(ctx) {
            nav.push(("/hearings/observations", "旁听与征询"));
        }
        if crate::html::quality::excellent::sees_excellent(ctx) {
            nav.push(("/quality/excellent", "优秀案例"));
        }
        if crate::html::outreach::sees_consultations(ctx) {
            nav.push(("/consultations", "法律咨询"));
        }
        if crate::html::outreach::sees_duty(ctx) {
            nav.push(("/duty", "值班律师"));
        }
        if crate::html::outreach::sees_publicity(ctx) {
            nav.push(("/publicity", "法治宣传"));
        }
        // Surveys and training (issue 11).
        if crate::html::surveys::sees_surveys(ctx) {
            nav.push(("/surveys", "社情民意调查"));
        }
        if crate::html::training::sees_training(ctx) {
            nav.push(("/training", "培训"));
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
    /// The form name; owned for fields made per item (a scoring sheet's rows).
    pub name: std::borrow::Cow<'static, str>,
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
        name: impl Into<std::borrow::Cow<'static, str>>,
        label: &str,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Self {
        Field {
            name: name.into(),
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
    /// The list has more rows than `total` counted (ADR 0037): no last page is named.
    pub more: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub first: String,
}

impl Pager {
    /// `query` is the list's current filter query string without `page`.
    pub fn new(base: &str, query: &str, page: legalaid_app::Page, total: i64) -> Self {
        let pages = ((total + page.per_page - 1) / page.per_page).max(1);
        let href = |p: i64| list_href(base, query, &format!("page={p}"));
        Pager {
            page: page.page,
            pages,
            total,
            more: false,
            prev: (page.page > 1).then(|| href(page.page - 1)),
            next: (page.page < pages).then(|| href(page.page + 1)),
            first: href(1),
        }
    }

    /// A pager for a list counted up to a cap: `next` is the keyset of the page
    /// after this one (the link carries it with the page number it will show).
    pub fn keyset(
        base: &str,
        query: &str,
        page: legalaid_app::Page,
        total: i64,
        more: bool,
        next: Option<String>,
    ) -> Self {
        let mut p = Pager::new(base, query, page, total);
        p.more = more;
        p.next = next.map(|after| {
            let page = page.page.saturating_add(1);
            list_href(base, query, &format!("page={page}&after={after}"))
        });
        if more {
            p.pages = p.pages.max(page.page);
        }
        p
    }
}

/// A list's link: its filter query (may be empty) followed by the paging part.
fn list_href(base: &str, query: &str, paging: &str) -> String {
    if query.is_empty() {
        format!("{base}?{paging}")
    } else {
        format!("{base}?{query}&{paging}")
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
pub fn parse_id<T: From<i64>>(raw: &str) -> Result<T, Response> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(T::from)
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
