//! The persons import page (`/persons/import`, ADR 0035): upload, check, import;
//! the template and the export in the same columns.

use crate::AppState;
use crate::extract::PageCtx;
use crate::html::{PageResult, Shell, page_error, render};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use legalaid_app::AppError;
use legalaid_app::persons::import::{self as uc, ImportReport};
use legalaid_domain::person_sheet;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "person_import.html")]
struct ImportPage {
    shell: Shell,
    columns: String,
    error: Option<String>,
    report: Option<ImportReport>,
}

fn page_of(page: &PageCtx, error: Option<String>, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        shell: Shell::new(page, "导入当事人", "/persons"),
        columns: person_sheet::headers().join("、"),
        error,
        report,
    }
}

pub async fn show(page: PageCtx) -> PageResult {
    if !legalaid_app::persons::can_register(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(render(&page_of(&page, None, None)))
}

#[derive(Debug, Deserialize)]
pub struct Mode {
    #[serde(default)]
    check: Option<String>,
}

pub async fn upload(
    State(s): State<AppState>,
    page: PageCtx,
    Query(mode): Query<Mode>,
    m: Multipart,
) -> PageResult {
    let (name, _, bytes, csrf) = crate::api::read_upload(m).await.map_err(page_error)?;
    if !csrf.is_some_and(|c| crate::extract::constant_time_eq(c.as_bytes(), page.csrf.as_bytes())) {
        return Err(crate::html::error_page(
            axum::http::StatusCode::FORBIDDEN,
            "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
        ));
    }
    let rows = match legalaid_docs::sheet::read(&name, &bytes) {
        Ok(r) => r,
        Err(e) => {
            return Ok(unprocessable(render(&page_of(
                &page,
                Some(e.to_string()),
                None,
            ))));
        }
    };
    let commit = mode.check.is_none();
    // A file with bad rows is checked again to show them all, not only refused.
    match uc::import(&s.app, &page.ctx, &rows, commit).await {
        Ok(r) => Ok(render(&page_of(&page, None, Some(r)))),
        Err(AppError::Validation(errs))
            if commit && errs.iter().any(|e| e.field.starts_with("rows[")) =>
        {
            let r = uc::import(&s.app, &page.ctx, &rows, false)
                .await
                .map_err(page_error)?;
            Ok(unprocessable(render(&page_of(
                &page,
                Some("文件中有误的行，未导入任何记录".into()),
                Some(r),
            ))))
        }
        Err(AppError::Validation(errs)) => Ok(unprocessable(render(&page_of(
            &page,
            Some(
                errs.into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            None,
        )))),
        Err(e) => Err(page_error(e)),
    }
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// The header row and one example row, to fill in.
pub async fn template() -> Response {
    let id = legalaid_domain::id_number::check_char("34150419800101123")
        .map_or_else(String::new, |c| format!("34150419800101123{c}"));
    let mut out = String::from("\u{feff}");
    out.push_str(&person_sheet::headers().join(","));
    out.push_str(&format!(
        "\n张三,居民身份证,{id},男,1980-01-01,汉族,13900000000,叶集区史河街道,叶集区史河街道,初中,务工,农民工\n"
    ));
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"persons-template.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

/// The persons of the caller's units in the import's columns, full ID numbers
/// included (audited once), streamed a batch at a time.
pub async fn export(State(s): State<AppState>, page: PageCtx) -> PageResult {
    uc::begin_export(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    crate::html::export::stream_csv(
        "persons.csv",
        &person_sheet::headers(),
        move |after: Option<i64>| {
            let (app, ctx) = (app.clone(), ctx.clone());
            async move {
                uc::export_batch(&app, &ctx, after.unwrap_or(0), crate::html::export::BATCH).await
            }
        },
    )
    .await
    .map_err(page_error)
}
