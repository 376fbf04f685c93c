//! Pages for an application's documents and attachments, and for editing the
//! document templates.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{
    Action, Cell, Field, FormPage, ListPage, PageResult, Pager, Shell, Table, page_error, parse_id,
    render, see_other,
};
use askama::Template;
use axum::extract::{Multipart, Path, Request, State};
use axum::response::Response;

use legalaid_app::records::Subject;
use legalaid_app::{AppError, Page, attachments, documents};
use legalaid_domain::document::{DocKind, Document};
use legalaid_domain::placeholder::Placeholder;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct FormatQuery {
    format: Option<String>,
}

/// What a document link asks for: a known document kind, as PDF (default) or DOCX.
fn requested<T: From<i64>>(
    id: &str,
    doc: &str,
    q: FormatQuery,
) -> Result<(T, DocKind, String), Response> {
    let id = parse_id(id)?;
    let kind = DocKind::parse(doc).ok_or_else(|| page_error(AppError::NotFound))?;
    let format = q.format.unwrap_or_else(|| "pdf".into());
    if format != "pdf" && format != "docx" {
        return Err(page_error(AppError::NotFound));
    }
    Ok((id, kind, format))
}

async fn send(built: Result<(Document, String), AppError>, format: &str) -> PageResult {
    let (d, name) = built.map_err(page_error)?;
    crate::documents::respond(d, &name, format)
        .await
        .map_err(page_error)
}

pub async fn document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::Application(id), kind).await,
        &format,
    )
    .await
}

pub async fn case_document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::Case(id), kind).await,
        &format,
    )
    .await
}

pub async fn review_document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::Review(id), kind).await,
        &format,
    )
    .await
}

pub async fn opinion_document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::Opinion(id), kind).await,
        &format,
    )
    .await
}

pub async fn rectification_document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::Rectification(id), kind).await,
        &format,
    )
    .await
}

pub async fn supervision_document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let (id, kind, format) = requested(&id, &doc, q)?;
    send(
        documents::build(&s.app, &page.ctx, Subject::SupervisionOrder(id), kind).await,
        &format,
    )
    .await
}

pub async fn attachment(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let (a, bytes) = attachments::download(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(crate::api::file_response(&a, bytes))
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    error: Option<String>,
}

pub async fn upload_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = legalaid_app::applications::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok(render(&UploadPage {
        shell: Shell::new(&page, "上传附件", "/applications"),
        heading: format!("为{}上传附件", v.application.number),
        action: format!("/applications/{id}/attachments"),
        cancel: format!("/applications/{id}"),
        error: None,
    }))
}

pub async fn case_upload_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = legalaid_app::cases::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    if !v
        .actions
        .contains(&legalaid_app::cases::CaseAction::AddMaterial)
    {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(render(&UploadPage {
        shell: Shell::new(&page, "上传案卷材料", "/cases"),
        heading: format!("为{}上传案卷材料", v.case.number),
        action: format!("/cases/{id}/attachments"),
        cancel: format!("/cases/{id}"),
        error: None,
    }))
}

pub async fn case_upload(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    m: Multipart,
) -> PageResult {
    let id = parse_id(&id)?;
    let (name, description, bytes) = read_checked(&page, m).await?;
    let result = attachments::upload(
        &s.app,
        &page.ctx,
        Subject::Case(id),
        &name,
        &description,
        bytes,
    )
    .await;
    uploaded(
        &page,
        result,
        "上传案卷材料",
        "/cases",
        &format!("/cases/{id}"),
    )
}

pub async fn upload(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    m: Multipart,
) -> PageResult {
    let id = parse_id(&id)?;
    let (name, description, bytes) = read_checked(&page, m).await?;
    let result = attachments::upload(
        &s.app,
        &page.ctx,
        Subject::Application(id),
        &name,
        &description,
        bytes,
    )
    .await;
    uploaded(
        &page,
        result,
        "上传附件",
        "/applications",
        &format!("/applications/{id}"),
    )
}

/// Reads an upload posted from a page and checks its CSRF token.
async fn read_checked(page: &PageCtx, m: Multipart) -> Result<(String, String, Vec<u8>), Response> {
    let (name, description, bytes, csrf) = crate::api::read_upload(m).await.map_err(page_error)?;
    if !csrf.is_some_and(|c| crate::extract::constant_time_eq(c.as_bytes(), page.csrf.as_bytes())) {
        return Err(crate::html::error_page(
            axum::http::StatusCode::FORBIDDEN,
            "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
        ));
    }
    Ok((name, description, bytes))
}

/// Where an upload ends: back on the record's page, or the form again with the reasons.
fn uploaded(
    page: &PageCtx,
    result: Result<legalaid_app::filters::Attachment, AppError>,
    title: &str,
    section: &str,
    record: &str,
) -> PageResult {
    match result {
        Ok(_) => Ok(see_other(record)),
        Err(AppError::Validation(errs)) => {
            let mut res = render(&UploadPage {
                shell: Shell::new(page, title, section),
                heading: title.to_owned(),
                action: format!("{record}/attachments"),
                cancel: record.to_owned(),
                error: Some(
                    errs.iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            });
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn templates(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let list = documents::templates(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let total = i64::try_from(list.len()).unwrap_or(0);
    let rows = list
        .iter()
        .map(|t| {
            vec![
                Cell::link(
                    t.kind.label(),
                    format!("/admin/documents/{}", t.kind.as_str()),
                ),
                Cell::text(t.title.clone()),
                Cell::text(if t.number_format.is_empty() {
                    "使用申请或案件编号".to_owned()
                } else {
                    t.number_format.clone()
                }),
                Cell::text(format!("第{}版", t.version)),
            ]
        })
        .collect();
    Ok(render(&ListPage {
        shell: Shell::new(&page, "文书模板", "/admin/rules"),
        heading: "文书模板".into(),
        actions: vec![],
        filters: vec![],
        export_href: None,
        table: Table {
            headers: vec!["文书", "标题", "文号格式", "版本"],
            rows,
        },
        pager: Pager::new(
            "/admin/documents",
            "",
            Page {
                page: 1,
                per_page: total.max(1),
            },
            total,
        ),
        empty: "还没有文书模板。".into(),
    }))
}

fn template_form(
    page: &PageCtx,
    kind: DocKind,
    text: &documents::TemplateText<'_>,
    version: i64,
) -> FormPage {
    FormPage {
        shell: Shell::new(page, kind.label(), "/admin/rules"),
        heading: format!("编辑文书模板：{}", kind.label()),
        action: format!("/admin/documents/{}", kind.as_str()),
        submit: "保存".into(),
        cancel: "/admin/documents".into(),
        error: None,
        fields: vec![
            Field::new("title", "标题", "text", text.title).required(),
            Field::new("number_format", "文号格式", "text", text.number_format).hint(
                "本类文书单独编号，每年从1号起，首次出具时编定，此后不变；{year} 为年度，{seq} 为序号。留空则使用申请或案件编号。",
            ),
            Field::new("addressee", "称谓", "text", text.addressee).hint("如 {申请人}："),
            Field::new("body", "正文", "textarea", text.body)
                .required()
                .hint(&format!(
                    "段落之间空一行。可用占位符：{}",
                    Placeholder::for_documents()
                        .iter()
                        .map(|p| p.written())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
            Field::new("version", "", "hidden", version.to_string()),
        ],
    }
}

pub async fn edit_template(
    State(s): State<AppState>,
    page: PageCtx,
    Path(kind): Path<String>,
) -> PageResult {
    let kind = DocKind::parse(&kind).ok_or_else(|| page_error(AppError::NotFound))?;
    let t = documents::templates(&s.app, &page.ctx)
        .await
        .map_err(page_error)?
        .into_iter()
        .find(|t| t.kind == kind)
        .ok_or_else(|| page_error(AppError::NotFound))?;
    let text = documents::TemplateText {
        title: &t.title,
        addressee: &t.addressee,
        body: &t.body,
        number_format: &t.number_format,
    };
    Ok(template_form(&page, kind, &text, t.version).respond(&[]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TemplateForm {
    title: String,
    addressee: String,
    body: String,
    number_format: String,
    version: String,
}

pub async fn update_template(
    State(s): State<AppState>,
    page: PageCtx,
    Path(kind): Path<String>,
    req: Request,
) -> PageResult {
    let kind = DocKind::parse(&kind).ok_or_else(|| page_error(AppError::NotFound))?;
    let f: TemplateForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse().unwrap_or(0);
    let text = documents::TemplateText {
        title: &f.title,
        addressee: &f.addressee,
        body: &f.body,
        number_format: &f.number_format,
    };
    match documents::update_template(&s.app, &page.ctx, kind, version, &text).await {
        Ok(_) => Ok(see_other("/admin/documents")),
        Err(AppError::Validation(errs)) => {
            Ok(template_form(&page, kind, &text, version).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

/// Links to the documents and attachments of an application, for its page.
pub fn links(
    v: &legalaid_app::applications::ApplicationView,
    files: &[legalaid_app::filters::Attachment],
) -> (Vec<Action>, Vec<Action>) {
    let id = v.application.id;
    let docs = documents::available(v)
        .into_iter()
        .flat_map(|k| {
            [
                Action {
                    href: format!("/applications/{id}/documents/{}?format=pdf", k.as_str()),
                    label: format!("{}（PDF）", k.label()),
                },
                Action {
                    href: format!("/applications/{id}/documents/{}?format=docx", k.as_str()),
                    label: format!("{}（Word）", k.label()),
                },
            ]
        })
        .collect();
    let atts = files
        .iter()
        .map(|a| Action {
            href: format!("/attachments/{}", a.id),
            label: format!("{}（{}KB）", a.filename, (a.size_bytes + 1023) / 1024),
        })
        .collect();
    (docs, atts)
}

/// Links to the case's materials (uploaded files), for its page.
pub fn case_files(v: &legalaid_app::cases::CaseView) -> Vec<Action> {
    v.attachments
        .iter()
        .map(|a| Action {
            href: format!("/attachments/{}", a.id),
            label: format!("{}（{}KB）", a.filename, (a.size_bytes + 1023) / 1024),
        })
        .collect()
}

/// Links to the documents of a case (PDF and Word), for its page.
pub fn case_links(v: &legalaid_app::cases::CaseView) -> Vec<Action> {
    let id = v.case.id;
    documents::case_available(v)
        .into_iter()
        .flat_map(|k| {
            [
                Action {
                    href: format!("/cases/{id}/documents/{}?format=pdf", k.as_str()),
                    label: format!("{}（PDF）", k.label()),
                },
                Action {
                    href: format!("/cases/{id}/documents/{}?format=docx", k.as_str()),
                    label: format!("{}（Word）", k.label()),
                },
            ]
        })
        .collect()
}
