//! Pages for full-process notification settings: the message templates
//! (administrators) and how a person is contacted (SMS opt-out, a safe channel).

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::{
    Cell, Field, FormPage, ListPage, PageResult, Pager, Shell, Table, page_error, parse_id, render,
    see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::persons::ContactInput;
use legalaid_app::{AppError, Page, outbox, persons};
use legalaid_domain::PersonId;
use legalaid_domain::notice::{Audience, Channel, MessageKind, SMS_MAX_CHARS};
use legalaid_domain::placeholder::Placeholder;
use serde::Deserialize;

fn slot(kind: &str, audience: &str, channel: &str) -> Option<(MessageKind, Audience, Channel)> {
    Some((
        MessageKind::parse(kind)?,
        Audience::parse(audience)?,
        Channel::parse(channel)?,
    ))
}

pub async fn templates(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let list = outbox::templates(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let total = i64::try_from(list.len()).unwrap_or(0);
    let rows = list
        .iter()
        .map(|t| {
            vec![
                Cell::link(
                    t.kind.label(),
                    format!(
                        "/admin/messages/{}/{}/{}",
                        t.kind.as_str(),
                        t.audience.as_str(),
                        t.channel.as_str()
                    ),
                ),
                Cell::text(t.audience.label()),
                Cell::text(t.channel.label()),
                Cell::text(t.body.chars().take(60).collect::<String>()),
            ]
        })
        .collect();
    Ok(render(&ListPage {
        shell: Shell::new(&page, "告知消息模板", "/admin/rules"),
        heading: "告知消息模板（全流程告知）".into(),
        actions: vec![],
        filters: vec![],
        export_href: None,
        table: Table {
            headers: vec!["事项", "对象", "渠道", "内容"],
            rows,
        },
        pager: Pager::new(
            "/admin/messages",
            "",
            Page {
                page: 1,
                per_page: total.max(1),
            },
            total,
        ),
        empty: "还没有消息模板。".into(),
    }))
}

fn template_form(
    page: &PageCtx,
    (kind, audience, channel): (MessageKind, Audience, Channel),
    subject: &str,
    body: &str,
) -> FormPage {
    let names = if channel == Channel::Sms {
        Placeholder::for_sms()
    } else {
        Placeholder::for_messages()
    };
    let hint = format!(
        "可用占位符：{}{}",
        names
            .iter()
            .map(|p| format!("{}（{}）", p.written(), p.label()))
            .collect::<Vec<_>>()
            .join("；"),
        if channel == Channel::Sms {
            format!("。短信不得包含案情、证件号码、住址等敏感信息，正文不超过{SMS_MAX_CHARS}字")
        } else {
            String::new()
        }
    );
    let mut fields = Vec::new();
    if channel != Channel::Sms {
        fields.push(Field::new("subject", "标题", "text", subject).required());
    }
    fields.push(
        Field::new("body", "内容", "textarea", body)
            .required()
            .hint(&hint),
    );
    FormPage {
        shell: Shell::new(page, "编辑告知消息模板", "/admin/rules"),
        heading: format!(
            "{}：{}（{}）",
            kind.label(),
            audience.label(),
            channel.label()
        ),
        action: format!(
            "/admin/messages/{}/{}/{}",
            kind.as_str(),
            audience.as_str(),
            channel.as_str()
        ),
        submit: "保存".into(),
        cancel: "/admin/messages".into(),
        error: None,
        fields,
    }
}

pub async fn edit_template(
    State(s): State<AppState>,
    page: PageCtx,
    Path((kind, audience, channel)): Path<(String, String, String)>,
) -> PageResult {
    let key = slot(&kind, &audience, &channel).ok_or_else(|| page_error(AppError::NotFound))?;
    let t = outbox::templates(&s.app, &page.ctx)
        .await
        .map_err(page_error)?
        .into_iter()
        .find(|t| (t.kind, t.audience, t.channel) == key)
        .ok_or_else(|| page_error(AppError::NotFound))?;
    Ok(template_form(&page, key, &t.subject, &t.body).respond(&[]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TemplateForm {
    subject: String,
    body: String,
}

pub async fn update_template(
    State(s): State<AppState>,
    page: PageCtx,
    Path((kind, audience, channel)): Path<(String, String, String)>,
    req: Request,
) -> PageResult {
    let key = slot(&kind, &audience, &channel).ok_or_else(|| page_error(AppError::NotFound))?;
    let f: TemplateForm = CsrfForm::parse(req, &page.csrf).await?;
    match outbox::update_template(
        &s.app, &page.ctx, &kind, &audience, &channel, &f.subject, &f.body,
    )
    .await
    {
        Ok(_) => Ok(see_other("/admin/messages")),
        Err(AppError::Validation(errs)) => {
            Ok(template_form(&page, key, &f.subject, &f.body).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

fn contact_form(page: &PageCtx, id: PersonId, c: &ContactInput) -> FormPage {
    let flag = |b: bool| if b { "true" } else { "" };
    FormPage {
        shell: Shell::new(page, "联系方式与告知偏好", "/persons"),
        heading: "联系方式与告知偏好".into(),
        action: format!("/persons/{id}/contact"),
        submit: "保存".into(),
        cancel: format!("/persons/{id}"),
        error: None,
        fields: vec![
            Field::new("email", "电子邮箱", "text", c.email.clone())
                .hint("填写后，告知消息同时发送电子邮件"),
            Field::new(
                "sms_opt_out",
                "本人不接收短信",
                "checkbox",
                flag(c.sms_opt_out),
            ),
            Field::new(
                "unsafe_usual_phone",
                "常用电话不安全（如与施暴者共用），只通过下面指定的渠道联系",
                "checkbox",
                flag(c.unsafe_usual_phone),
            ),
            Field::new("safe_channel", "安全的联系渠道", "select", "").options(
                std::iter::once((String::new(), "（未指定）".to_owned())).chain(
                    Channel::ALL
                        .iter()
                        .map(|ch| (ch.as_str().to_owned(), ch.label().to_owned())),
                ),
                &[c.safe_channel.clone().unwrap_or_default()],
            ),
            Field::new(
                "safe_contact",
                "安全的手机号码或电子邮箱",
                "text",
                c.safe_contact.clone(),
            )
            .hint("常用电话不安全时，只向这里发送告知消息"),
        ],
    }
}

pub async fn edit_contact(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let c = persons::contact(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok(contact_form(&page, id, &c).respond(&[]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContactForm {
    email: String,
    sms_opt_out: String,
    unsafe_usual_phone: String,
    safe_channel: String,
    safe_contact: String,
}

pub async fn update_contact(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: ContactForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = ContactInput {
        email: f.email,
        sms_opt_out: f.sms_opt_out == "true",
        unsafe_usual_phone: f.unsafe_usual_phone == "true",
        safe_channel: Some(f.safe_channel).filter(|c| !c.trim().is_empty()),
        safe_contact: f.safe_contact,
    };
    match persons::set_contact(&s.app, &page.ctx, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/persons/{id}"))),
        Err(AppError::Validation(errs)) => Ok(contact_form(&page, id, &input).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}
