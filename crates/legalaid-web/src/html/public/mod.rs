//! The public portal under `/public/` (ADR 0020): phone first, no sign-in to
//! read, no script. Pages are built from a few blocks rendered by one template
//! (`portal/page.html`) with its own small stylesheet. Forms carry a
//! double-submit token (a cookie and a field); a proven phone is a short
//! `portal_session` cookie for one purpose.

mod apply;
mod check;
mod complaint;
mod evaluate;
mod info;
mod progress;
mod report;
mod survey;

pub use apply::{apply_code, apply_form, apply_submit, apply_verify};
use check::check_fields;
pub use check::{check, check_page};
pub use complaint::{
    complaint_code, complaint_form, complaint_page, complaint_submit, complaint_verify,
};
pub use evaluate::{evaluate, evaluate_page};
pub use info::{guide, home, units};
pub use progress::{progress_code, progress_letter, progress_page, progress_verify, progress_view};
pub use report::report;
pub use survey::{survey_answer, survey_page};

use super::Field;
use crate::AppState;
use crate::extract::Meta;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use legalaid_app::{AppError, portal};
use legalaid_domain::FieldError;
use legalaid_domain::portal::{MeansChoice, Purpose};
use serde::de::DeserializeOwned;

/// The portal's name.
const SITE: &str = "法律援助网上服务";
const CSRF_COOKIE: &str = "portal_csrf";
const SESSION_COOKIE: &str = "portal_session";

pub struct Card {
    pub title: String,
    pub lines: Vec<String>,
}

pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
}

pub struct Form {
    pub action: String,
    pub submit: String,
    pub multipart: bool,
    pub fields: Vec<Field>,
    pub error: Option<String>,
    pub file_error: Option<String>,
}

impl Form {
    pub fn new(action: &str, submit: &str, fields: Vec<Field>) -> Self {
        Form {
            action: action.into(),
            submit: submit.into(),
            multipart: false,
            fields,
            error: None,
            file_error: None,
        }
    }

    /// Puts each error on its field; the rest above the form.
    pub fn with_errors(mut self, errors: &[FieldError]) -> Self {
        let mut rest = Vec::new();
        for e in errors {
            if e.field == "photos" {
                self.file_error = Some(e.message.clone());
                continue;
            }
            match self
                .fields
                .iter_mut()
                .find(|f| f.name == e.field && f.kind != "hidden")
            {
                Some(f) => f.error = Some(e.message.clone()),
                None => rest.push(e.message.clone()),
            }
        }
        if !errors.is_empty() {
            self.error = Some(if rest.is_empty() {
                "请修改标出的内容后再提交".into()
            } else {
                rest.join("；")
            });
        }
        self
    }
}

pub enum Block {
    Heading(String),
    Text(String),
    Note(String),
    Alert(String),
    Facts(Vec<(String, String)>),
    List(Vec<String>),
    Links(Vec<(String, String)>),
    Cards(Vec<Card>),
    Table(Table),
    Form(Form),
    Survey(survey::Survey),
}

#[derive(Template)]
#[template(path = "portal/page.html")]
struct PortalPage<'a> {
    site: &'a str,
    title: &'a str,
    blocks: &'a [Block],
    csrf: &'a str,
    footer: &'a str,
}

/// A portal page: its status, title and blocks, with a fresh form token when
/// the browser has none.
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn new(title: &str, blocks: Vec<Block>) -> Self {
        Page {
            status: StatusCode::OK,
            title: title.into(),
            blocks,
        }
    }

    pub fn status(mut self, s: StatusCode) -> Self {
        self.status = s;
        self
    }

    pub fn respond(self, s: &AppState, parts: &Parts) -> Response {
        let (csrf, fresh) = match crate::extract::cookie(parts, CSRF_COOKIE) {
            Some(t) if t.len() == 64 => (t, false),
            _ => (legalaid_app::auth::random_secret(), true),
        };
        let body = PortalPage {
            site: SITE,
            title: &self.title,
            blocks: &self.blocks,
            csrf: &csrf,
            footer: "法律援助是国家建立的为经济困难公民和符合法定条件的其他当事人无偿提供法律服务的制度。咨询电话：12348。",
        }
        .render();
        let mut res = match body {
            Ok(html) => (
                self.status,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                html,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "portal template");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        };
        if fresh {
            set_cookie(
                &mut res,
                s,
                &format!(
                    "{CSRF_COOKIE}={csrf}; Path=/public; HttpOnly; SameSite=Strict; Max-Age=86400"
                ),
            );
        }
        res
    }
}

fn set_cookie(res: &mut Response, s: &AppState, cookie: &str) {
    let secure = if s.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{cookie}{secure}")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Sets the proven phone's session cookie and sends the browser on.
pub fn opened(s: &AppState, opened: &portal::Opened, to: &str) -> Response {
    let max_age = (opened.expires_at - s.app.clock.now()).num_seconds().max(0);
    let mut res = super::see_other(to);
    set_cookie(
        &mut res,
        s,
        &format!(
            "{SESSION_COOKIE}={}; Path=/public; HttpOnly; SameSite=Lax; Max-Age={max_age}",
            opened.secret
        ),
    );
    res
}

/// The session of the request for `purpose`, if proven.
pub async fn proven(
    s: &AppState,
    parts: &Parts,
    purpose: Purpose,
) -> Result<Option<portal::Proven>, AppError> {
    let secret = crate::extract::cookie(parts, SESSION_COOKIE);
    portal::proven(&s.app, secret.as_deref(), purpose).await
}

/// Reads a posted form whose token matches the cookie; `None` with the page to
/// answer when it does not (an old page, a form posted from elsewhere).
pub async fn read_form<T: DeserializeOwned + Default>(
    s: &AppState,
    req: Request,
) -> Result<(Parts, T), Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    #[derive(serde::Deserialize, Default)]
    struct Token {
        #[serde(default)]
        _csrf: String,
    }
    let token: Token = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    if !csrf_ok(&parts, &token._csrf) {
        return Err(expired(s, &parts));
    }
    let form: T = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    Ok((parts, form))
}

pub fn csrf_ok(parts: &Parts, given: &str) -> bool {
    crate::extract::cookie(parts, CSRF_COOKIE)
        .is_some_and(|c| crate::extract::constant_time_eq(c.as_bytes(), given.as_bytes()))
}

pub fn expired(s: &AppState, parts: &Parts) -> Response {
    Page::new(
        "页面已过期",
        vec![
            Block::Alert("页面已过期或来源不明，请返回重新填写。".into()),
            Block::Links(vec![("/public/".into(), "返回首页".into())]),
        ],
    )
    .status(StatusCode::FORBIDDEN)
    .respond(s, parts)
}

/// An error the person can act on, on a page of its own (limits say when to
/// come back; other errors say what to do).
pub fn failure(s: &AppState, parts: &Parts, e: AppError, back: &str) -> Response {
    let status = crate::error::status_of(&e);
    crate::error::log_internal(&e);
    let message = match &e {
        AppError::Internal(_) | AppError::Unavailable(_) => {
            "系统暂时无法处理，请稍后再试，或拨打12348咨询。".to_owned()
        }
        other => other.to_string(),
    };
    let mut res = Page::new(
        "未能办理",
        vec![
            Block::Alert(message),
            Block::Links(vec![(back.into(), "返回".into())]),
        ],
    )
    .status(status)
    .respond(s, parts);
    if let AppError::Limited {
        retry_after_secs, ..
    } = e
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

fn parts_of(req: Request) -> Parts {
    req.into_parts().0
}

/// The phone step shared by applying and complaining.
fn phone_form(action: &str, phone: &str) -> Form {
    Form::new(
        action,
        "获取短信验证码",
        vec![
            Field::new("phone", "手机号码", "tel", phone.to_owned())
                .required()
                .autocomplete("tel")
                .hint("验证码将以短信发送到该号码，用于确认是您本人申请"),
        ],
    )
}

/// The code step: the phone carried along, the code typed.
fn code_form(action: &str, phone: &str) -> Form {
    Form::new(
        action,
        "验证",
        vec![
            Field::new("phone", "", "hidden", phone.to_owned()),
            Field::new("code", "短信验证码", "text", "")
                .required()
                .autocomplete("one-time-code")
                .hint("6位数字"),
        ],
    )
}

#[derive(serde::Deserialize, Default)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}
