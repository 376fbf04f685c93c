//! The public answer page of a survey (社情民意调查): `/public/surveys/{code}`,
//! reached by a link or a printed QR code. No sign-in and no JavaScript; a
//! small self-contained phone-first layout (375 px), with its own style sheet
//! `/public/surveys/style.css`. The answer keeps nothing that identifies the
//! person (`legalaid_app::surveys::public`).
//!
//! Forms carry no CSRF token (there is no session to bind one to); a post that
//! the browser marks as cross-site is refused, and a code answers once anyway.

use crate::AppState;
use crate::extract::Meta;
use crate::html::render;
use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use legalaid_app::AppError;
use legalaid_app::surveys::public::{self, Questionnaire};
use legalaid_domain::FieldError;
use legalaid_domain::survey::{QuestionKind, Responses};

pub struct PubOpt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct PubQuestion {
    pub code: String,
    pub text: String,
    pub kind: &'static str,
    pub required: bool,
    /// When it is asked (a question shown only after an earlier answer).
    pub condition: String,
    pub options: Vec<PubOpt>,
    pub text_value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "public_survey.html")]
struct SurveyPage {
    title: String,
    unit_name: String,
    unit_phone: String,
    message: Option<String>,
    failed: bool,
    show_form: bool,
    intro: String,
    action: String,
    questions: Vec<PubQuestion>,
}

fn bare(status: StatusCode, title: &str, message: &str) -> Response {
    let mut res = render(&SurveyPage {
        title: title.to_owned(),
        unit_name: String::new(),
        unit_phone: String::new(),
        message: Some(message.to_owned()),
        failed: true,
        show_form: false,
        intro: String::new(),
        action: String::new(),
        questions: Vec::new(),
    });
    *res.status_mut() = status;
    res
}

/// An error as the public sees it: nothing about the system or other records.
fn failure(e: AppError) -> Response {
    match e {
        AppError::NotFound => bare(
            StatusCode::NOT_FOUND,
            "未找到问卷",
            "未找到该问卷。请核对链接，或重新扫描问卷上的二维码。",
        ),
        AppError::TooManyRequests { retry_after_secs } => {
            let mut r = bare(
                StatusCode::TOO_MANY_REQUESTS,
                "请稍后再试",
                &format!("提交过于频繁，请{retry_after_secs}秒后再试。"),
            );
            if let Ok(v) = retry_after_secs.to_string().parse() {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        AppError::Conflict(m) => bare(StatusCode::CONFLICT, "问卷调查", &m),
        AppError::Duplicate { message, .. } => bare(StatusCode::CONFLICT, "问卷调查", &message),
        other => crate::PageError(other).into_response(),
    }
}

fn page(q: &Questionnaire, code: &str, given: &Responses, errors: &[FieldError]) -> SurveyPage {
    let i = &q.instrument;
    let questions = i
        .questions
        .iter()
        .map(|x| {
            let chosen = given.get(&x.code).cloned().unwrap_or_default();
            let options: Vec<PubOpt> = match x.kind {
                QuestionKind::Township => q
                    .townships
                    .iter()
                    .map(|t| PubOpt {
                        selected: chosen.contains(&t.code),
                        value: t.code.clone(),
                        label: t.name.clone(),
                    })
                    .collect(),
                _ => x
                    .options
                    .iter()
                    .map(|o| PubOpt {
                        selected: chosen.contains(&o.code),
                        value: o.code.clone(),
                        label: o.label.clone(),
                    })
                    .collect(),
            };
            let condition = x
                .show_if
                .as_ref()
                .and_then(|c| {
                    let p = i.question(&c.question)?;
                    let labels: Vec<&str> = p
                        .options
                        .iter()
                        .filter(|o| c.any_of.contains(&o.code))
                        .map(|o| o.label.as_str())
                        .collect();
                    Some(format!(
                        "第{}题选择“{}”的请回答本题",
                        p.code,
                        labels.join("”或“")
                    ))
                })
                .unwrap_or_default();
            let errs: Vec<&str> = errors
                .iter()
                .filter(|e| e.field == x.code)
                .map(|e| e.message.as_str())
                .collect();
            PubQuestion {
                code: x.code.clone(),
                text: x.text.clone(),
                kind: x.kind.as_str(),
                required: x.required && x.show_if.is_none(),
                condition,
                options,
                text_value: if x.kind == QuestionKind::Text {
                    chosen.join("\n")
                } else {
                    String::new()
                },
                error: (!errs.is_empty()).then(|| errs.join("；")),
            }
        })
        .collect();
    let (message, failed) = if q.answered {
        (Some("您已提交本问卷，感谢您的参与！".to_owned()), false)
    } else if let Some(c) = &q.closed {
        (Some(c.clone()), true)
    } else if !errors.is_empty() {
        let rest: Vec<&str> = errors
            .iter()
            .filter(|e| i.question(&e.field).is_none())
            .map(|e| e.message.as_str())
            .collect();
        let m = if rest.is_empty() {
            "请修改标出的问题后再提交。".to_owned()
        } else {
            rest.join("；")
        };
        (Some(m), true)
    } else {
        (None, false)
    };
    SurveyPage {
        title: q.campaign_title.clone(),
        unit_name: q.unit_name.clone(),
        unit_phone: q.unit_phone.clone(),
        message,
        failed,
        show_form: !q.answered && q.closed.is_none(),
        intro: i.intro.clone(),
        action: format!("/public/surveys/{code}"),
        questions,
    }
}

pub async fn show(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Path(code): Path<String>,
) -> Response {
    match public::questionnaire(&s.app, &meta, &code).await {
        Ok(q) => render(&page(&q, &code, &Responses::new(), &[])),
        Err(e) => failure(e),
    }
}

/// The form's pairs as answers (repeated keys for multiple choices).
fn responses_of(bytes: &[u8]) -> Responses {
    let mut r = Responses::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        r.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    r
}

pub async fn answer(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let cross_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site {
        return bare(
            StatusCode::FORBIDDEN,
            "问卷调查",
            "请在问卷页面上填写并提交。",
        );
    }
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), 64 * 1024).await else {
        return bare(
            StatusCode::PAYLOAD_TOO_LARGE,
            "问卷调查",
            "提交的内容过多。",
        );
    };
    let given = responses_of(&bytes);
    match public::answer(&s.app, &meta, &code, &given).await {
        Ok(_) => crate::html::see_other(&format!("/public/surveys/{code}")),
        Err(AppError::Validation(errors)) => {
            match public::questionnaire(&s.app, &meta, &code).await {
                Ok(q) => {
                    let mut r = render(&page(&q, &code, &given, &errors));
                    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    r
                }
                Err(e) => failure(e),
            }
        }
        Err(e) => failure(e),
    }
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/public_survey.css"),
    )
        .into_response()
}
