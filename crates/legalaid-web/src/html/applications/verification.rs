//! The page that records how an honesty declaration was verified (LAL art 41).

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::{Field, FormPage, PageResult, Shell, page_error, parse_id, see_other};
use axum::extract::{Path, Request, State};
use legalaid_app::AppError;
use legalaid_app::applications::{self as uc, VerificationInput};
use legalaid_domain::{ApplicationId, FieldError};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerificationForm {
    method: String,
    date: String,
    result: String,
    false_declaration: Option<String>,
    version: String,
}

fn form(page: &PageCtx, id: ApplicationId, number: &str, f: &VerificationForm) -> FormPage {
    let methods = ["信息共享查询", "函询", "电话核实", "入户走访", "其他"]
        .iter()
        .map(|m| ((*m).to_owned(), (*m).to_owned()));
    FormPage {
        shell: Shell::new(page, "核查诚信承诺", "/applications"),
        heading: format!("核查诚信承诺：{number}"),
        action: format!("/applications/{id}/verification"),
        submit: "保存核查结果".into(),
        cancel: format!("/applications/{id}"),
        error: None,
        fields: vec![
            Field::new("method", "核查方式", "select", "")
                .required()
                .options(methods, std::slice::from_ref(&f.method)),
            Field::new("date", "核查日期", "date", f.date.clone()).required(),
            Field::new("result", "核查结果", "textarea", f.result.clone()).required(),
            Field::new(
                "false_declaration",
                "发现申请人作虚假承诺（《法律援助法》第四十八条、第六十四条）",
                "checkbox",
                if f.false_declaration.is_some() {
                    "true"
                } else {
                    ""
                },
            ),
            Field::new("version", "", "hidden", f.version.clone()),
        ],
    }
}

pub async fn page(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    if !uc::can_handle(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let f = VerificationForm {
        version: v.application.version.to_string(),
        method: "信息共享查询".into(),
        ..Default::default()
    };
    Ok(form(&page, id, &v.application.number, &f).respond(&[]))
}

pub async fn save(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: VerificationForm = CsrfForm::parse(req, &page.csrf).await?;
    let date = if f.date.trim().is_empty() {
        None
    } else {
        chrono::NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").ok()
    };
    let input = VerificationInput {
        method: f.method.clone(),
        date,
        result: f.result.clone(),
        false_declaration: f.false_declaration.is_some(),
    };
    let version = f.version.trim().parse().unwrap_or(0);
    match uc::record_verification(&s.app, &page.ctx, id, version, &input).await {
        Ok(_) => Ok(see_other(&format!("/applications/{id}"))),
        Err(AppError::Validation(errs)) => {
            let number = uc::get(&s.app, &page.ctx, id)
                .await
                .map(|v| v.application.number)
                .unwrap_or_default();
            let errs: Vec<FieldError> = errs;
            Ok(form(&page, id, &number, &f).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}
