//! The public answer page of a survey (社情民意调查): `/public/surveys/{code}`,
//! reached by a link or a printed QR code, in the portal's shell. The answer
//! keeps nothing that identifies the person (`legalaid_app::surveys::public`);
//! answers per address are counted with the portal's limits.
//!
//! The form carries no token: a person who scanned a code has no cookie yet,
//! and the code itself is the secret. A post the browser marks as cross-site is
//! refused, and a code answers once anyway.

use super::{Block, Page, failure};
use crate::AppState;
use crate::extract::Meta;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use legalaid_app::AppError;
use legalaid_app::surveys::public::{self, Questionnaire};
use legalaid_domain::FieldError;
use legalaid_domain::survey::{QuestionKind, Responses};

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Question {
    pub code: String,
    pub text: String,
    pub kind: &'static str,
    pub required: bool,
    /// When it is asked (a question shown only after an earlier answer).
    pub condition: String,
    pub options: Vec<Choice>,
    pub text_value: String,
    pub error: Option<String>,
}

/// The questionnaire form, one block of the page.
pub struct Survey {
    pub action: String,
    pub questions: Vec<Question>,
}

fn questions(q: &Questionnaire, given: &Responses, errors: &[FieldError]) -> Vec<Question> {
    let i = &q.instrument;
    i.questions
        .iter()
        .map(|x| {
            let chosen = given.get(&x.code).cloned().unwrap_or_default();
            let choice = |value: &str, label: &str| Choice {
                selected: chosen.iter().any(|c| c == value),
                value: value.to_owned(),
                label: label.to_owned(),
            };
            let options: Vec<Choice> = match x.kind {
                QuestionKind::Township => q
                    .townships
                    .iter()
                    .map(|t| choice(&t.code, &t.name))
                    .collect(),
                _ => x
                    .options
                    .iter()
                    .map(|o| choice(&o.code, &o.label))
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
            Question {
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
        .collect()
}

fn page(q: &Questionnaire, code: &str, given: &Responses, errors: &[FieldError]) -> Page {
    let i = &q.instrument;
    let mut blocks = Vec::new();
    if !q.unit_name.is_empty() {
        blocks.push(Block::Text(if q.unit_phone.is_empty() {
            q.unit_name.clone()
        } else {
            format!("{} · 电话 {}", q.unit_name, q.unit_phone)
        }));
    }
    if q.answered {
        blocks.push(Block::Note("您已提交本问卷，感谢您的参与！".into()));
    } else if let Some(c) = &q.closed {
        blocks.push(Block::Alert(c.clone()));
    } else {
        if !errors.is_empty() {
            let rest: Vec<&str> = errors
                .iter()
                .filter(|e| i.question(&e.field).is_none())
                .map(|e| e.message.as_str())
                .collect();
            blocks.push(Block::Alert(if rest.is_empty() {
                "请修改标出的问题后再提交。".to_owned()
            } else {
                rest.join("；")
            }));
        }
        if !i.intro.is_empty() {
            blocks.push(Block::Note(i.intro.clone()));
        }
        blocks.push(Block::Survey(Survey {
            action: format!("/public/surveys/{code}"),
            questions: questions(q, given, errors),
        }));
    }
    Page::new(&q.campaign_title, blocks)
}

/// `GET /public/surveys/{code}`.
pub async fn survey_page(
    State(s): State<AppState>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let parts = req.into_parts().0;
    match public::questionnaire(&s.app, &code).await {
        Ok(q) => page(&q, &code, &Responses::new(), &[]).respond(&s, &parts),
        Err(e) => refused(&s, &parts, e),
    }
}

/// An error as the public sees it: nothing about the system or other records.
fn refused(s: &AppState, parts: &Parts, e: AppError) -> Response {
    let message = match e {
        AppError::NotFound => "未找到该问卷。请核对链接，或重新扫描问卷上的二维码。".to_owned(),
        AppError::Conflict(m) | AppError::Duplicate { message: m, .. } => m,
        other => return failure(s, parts, other, "/public/"),
    };
    let status = if message.starts_with("未找到") {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::CONFLICT
    };
    Page::new("问卷调查", vec![Block::Alert(message)])
        .status(status)
        .respond(s, parts)
}

/// The form's pairs as answers (repeated keys for multiple choices).
fn responses_of(bytes: &[u8]) -> Responses {
    let mut r = Responses::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        r.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    r
}

/// `POST /public/surveys/{code}`.
pub async fn survey_answer(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let cross_site = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site {
        return Page::new(
            "问卷调查",
            vec![Block::Alert("请在问卷页面上填写并提交。".into())],
        )
        .status(StatusCode::FORBIDDEN)
        .respond(&s, &parts);
    }
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Page::new("问卷调查", vec![Block::Alert("提交的内容过多。".into())])
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .respond(&s, &parts);
    };
    let given = responses_of(&bytes);
    match public::answer(&s.app, &meta, &code, &given).await {
        Ok(_) => crate::html::see_other(&format!("/public/surveys/{code}")),
        Err(AppError::Validation(errors)) => match public::questionnaire(&s.app, &code).await {
            Ok(q) => page(&q, &code, &given, &errors)
                .status(StatusCode::UNPROCESSABLE_ENTITY)
                .respond(&s, &parts),
            Err(e) => refused(&s, &parts, e),
        },
        Err(e) => refused(&s, &parts, e),
    }
}
