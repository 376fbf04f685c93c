//! The spreadsheet import pages (ADRs 0035, 0036, 0051): `/persons/import`,
//! `/applications/import` and `/cases/import` — upload, check, import — with a
//! template, and an export in the same columns for persons and applications
//! (`/persons/export.csv`, `/applications/export.csv`).

use crate::AppState;
use crate::extract::PageCtx;
use crate::html::{PageResult, Shell, page_error, render};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use legalaid_app::persons::import::RowReport;
use legalaid_app::{App, AppError, AppResult, Ctx};
use legalaid_domain::{application_sheet, case_sheet, person_sheet};
use serde::Deserialize;

/// Which sheet a page imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Persons,
    Applications,
    Cases,
}

impl Sheet {
    fn title(self) -> &'static str {
        match self {
            Sheet::Persons => "导入当事人",
            Sheet::Applications => "导入法律援助申请",
            Sheet::Cases => "导入承办中的法律援助案件",
        }
    }
    fn path(self) -> &'static str {
        match self {
            Sheet::Persons => "/persons",
            Sheet::Applications => "/applications",
            Sheet::Cases => "/cases",
        }
    }
    fn headers(self) -> Vec<&'static str> {
        match self {
            Sheet::Persons => person_sheet::headers(),
            Sheet::Applications => application_sheet::headers(),
            Sheet::Cases => case_sheet::headers(),
        }
    }
    fn allowed(self, ctx: &Ctx) -> bool {
        match self {
            Sheet::Persons => legalaid_app::persons::can_register(ctx),
            Sheet::Applications => legalaid_app::applications::import::can_import(ctx),
            Sheet::Cases => legalaid_app::cases::import::can_import(ctx),
        }
    }
    fn rules(self) -> &'static str {
        match self {
            Sheet::Persons => {
                "“姓名”“证件号码”必填；证件类型缺省为居民身份证。本单位已登记的证件号码将按文件更新，内容相同的不作改动，同一文件重复导入不会重复登记。"
            }
            Sheet::Applications => {
                "每行一件申请及其申请人。“姓名”“证件号码”“申请渠道”“收到申请时间”“申请事项”“法律援助形式”“案情摘要”必填；申请人按证件号码登记或更新（同一人可有多行）。申请以“申请编号”识别（未填时以申请人、收到时间和事项识别），已导入或已登记的不再重复；导入的申请由本单位接收，进入审查。"
            }
            Sheet::Cases => {
                "每行一件承办中的案件及其申请、受援人：申请的各列与导入申请相同，另需“案件编号”“案件状态”（承办中）“给予法律援助决定日期”（办案机关通知的除外）“立案日期”“承办单位”“承办人”“指派日期”“委托协议签订日期”。承办单位、承办人须为本辖区已登记的单位和人员（同名时填写执业证号），并符合法律对承办人员的要求；各日期须依次不早于前一环节。导入后申请记为原系统已决定给予，案件按立案日期计入统计，不向受援人和承办人发送短信。案件以“案件编号”和受援人识别，重复导入不会重复立案。"
            }
        }
    }
    /// Runs the import (or its dry run) and gives what the page shows.
    async fn run(
        self,
        app: &App,
        ctx: &Ctx,
        rows: &[Vec<String>],
        commit: bool,
    ) -> AppResult<Outcome> {
        Ok(match self {
            Sheet::Persons => {
                let r = legalaid_app::persons::import::import(app, ctx, rows, commit).await?;
                Outcome {
                    committed: r.committed,
                    summary: format!(
                        "新登记 {} 人，更新 {} 人，无变化 {} 人，有误 {} 行",
                        r.created, r.updated, r.unchanged, r.failed
                    ),
                    failed: r.failed,
                    rows: r.rows,
                }
            }
            Sheet::Applications => {
                let r = legalaid_app::applications::import::import(app, ctx, rows, commit).await?;
                Outcome {
                    committed: r.committed,
                    summary: format!(
                        "新申请 {} 件，已有 {} 件，有误 {} 行；申请人新登记 {} 人，更新 {} 人",
                        r.created, r.unchanged, r.failed, r.persons_created, r.persons_updated
                    ),
                    failed: r.failed,
                    rows: r.rows,
                }
            }
            Sheet::Cases => {
                let r = legalaid_app::cases::import::import(app, ctx, rows, commit).await?;
                Outcome {
                    committed: r.committed,
                    summary: format!(
                        "新案件 {} 件，已有 {} 件，有误 {} 行；受援人新登记 {} 人，更新 {} 人",
                        r.created, r.unchanged, r.failed, r.persons_created, r.persons_updated
                    ),
                    failed: r.failed,
                    rows: r.rows,
                }
            }
        })
    }
}

/// A file's outcome as the page shows it.
struct Outcome {
    committed: bool,
    summary: String,
    failed: usize,
    rows: Vec<RowReport>,
}

#[derive(Template)]
#[template(path = "sheet_import.html")]
struct ImportPage {
    shell: Shell,
    heading: &'static str,
    base: &'static str,
    rules: &'static str,
    columns: String,
    error: Option<String>,
    report: Option<Outcome>,
}

fn page_of(
    page: &PageCtx,
    sheet: Sheet,
    error: Option<String>,
    report: Option<Outcome>,
) -> ImportPage {
    ImportPage {
        shell: Shell::new(page, sheet.title(), sheet.path()),
        heading: sheet.title(),
        base: sheet.path(),
        rules: sheet.rules(),
        columns: sheet.headers().join("、"),
        error,
        report,
    }
}

fn show(page: &PageCtx, sheet: Sheet) -> PageResult {
    if !sheet.allowed(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(render(&page_of(page, sheet, None, None)))
}

pub async fn show_persons(page: PageCtx) -> PageResult {
    show(&page, Sheet::Persons)
}

pub async fn show_applications(page: PageCtx) -> PageResult {
    show(&page, Sheet::Applications)
}

pub async fn show_cases(page: PageCtx) -> PageResult {
    show(&page, Sheet::Cases)
}

#[derive(Debug, Deserialize)]
pub struct Mode {
    #[serde(default)]
    check: Option<String>,
}

async fn upload(s: AppState, page: PageCtx, sheet: Sheet, mode: Mode, m: Multipart) -> PageResult {
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
                sheet,
                Some(e.to_string()),
                None,
            ))));
        }
    };
    let commit = mode.check.is_none();
    // A file with bad rows is checked again to show them all, not only refused.
    match sheet.run(&s.app, &page.ctx, &rows, commit).await {
        Ok(r) => Ok(render(&page_of(&page, sheet, None, Some(r)))),
        Err(AppError::Validation(errs))
            if commit && errs.iter().any(|e| e.field.starts_with("rows[")) =>
        {
            let r = sheet
                .run(&s.app, &page.ctx, &rows, false)
                .await
                .map_err(page_error)?;
            Ok(unprocessable(render(&page_of(
                &page,
                sheet,
                Some("文件中有误的行，未导入任何记录".into()),
                Some(r),
            ))))
        }
        Err(AppError::Validation(errs)) => Ok(unprocessable(render(&page_of(
            &page,
            sheet,
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

pub async fn upload_persons(
    State(s): State<AppState>,
    page: PageCtx,
    Query(mode): Query<Mode>,
    m: Multipart,
) -> PageResult {
    upload(s, page, Sheet::Persons, mode, m).await
}

pub async fn upload_applications(
    State(s): State<AppState>,
    page: PageCtx,
    Query(mode): Query<Mode>,
    m: Multipart,
) -> PageResult {
    upload(s, page, Sheet::Applications, mode, m).await
}

pub async fn upload_cases(
    State(s): State<AppState>,
    page: PageCtx,
    Query(mode): Query<Mode>,
    m: Multipart,
) -> PageResult {
    upload(s, page, Sheet::Cases, mode, m).await
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    r
}

fn csv_download(filename: &str, header: &[&str], example: &str) -> Response {
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push('\n');
    out.push_str(example);
    out.push('\n');
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                disposition.as_str(),
            ),
        ],
        out,
    )
        .into_response()
}

fn example_person() -> String {
    let id = legalaid_domain::id_number::check_char("34150419800101123")
        .map_or_else(String::new, |c| format!("34150419800101123{c}"));
    format!(
        "张三,居民身份证,{id},男,1980-01-01,汉族,13900000000,叶集区史河街道,叶集区史河街道,初中,务工,农民工"
    )
}

/// The header row and one example row, to fill in.
pub async fn persons_template() -> Response {
    csv_download(
        "persons-template.csv",
        &person_sheet::headers(),
        &example_person(),
    )
}

/// The header row and one example row, to fill in.
pub async fn applications_template() -> Response {
    let example = format!(
        "{},,来访申请,,2026-03-05 09:30,,请求确认劳动关系或者支付劳动报酬,民事、行政、国家赔偿案件诉讼代理及非诉讼代理,原告,某建筑公司,,,工地拖欠工资三个月，共计一万二千元,,否,,,个人诚信承诺,3,1800,,,无",
        example_person()
    );
    csv_download(
        "applications-template.csv",
        &application_sheet::headers(),
        &example,
    )
}

/// The header row and one example row, to fill in (the unit and handler
/// as registered in the district).
pub async fn cases_template() -> Response {
    let example = format!(
        "{},,来访申请,,2026-03-05 09:30,,请求确认劳动关系或者支付劳动报酬,民事、行政、国家赔偿案件诉讼代理及非诉讼代理,原告,某建筑公司,,,工地拖欠工资三个月，共计一万二千元,,否,,,个人诚信承诺,3,1800,,,无,\
         原系统2026-001,承办中,2026-03-09,2026-03-10,,,,,（承办单位名称）,（承办人姓名）,,2026-03-10,2026-03-12,,,,,,,",
        example_person()
    );
    csv_download("cases-template.csv", &case_sheet::headers(), &example)
}

/// The persons of the caller's units in the import's columns, full ID numbers
/// included (audited once), streamed a batch at a time.
pub async fn export_persons(State(s): State<AppState>, page: PageCtx) -> PageResult {
    use legalaid_app::persons::import as uc;
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

/// The applications of the caller's units with their applicants, in the
/// import's columns (full ID numbers, audited once), a batch at a time.
pub async fn export_applications(State(s): State<AppState>, page: PageCtx) -> PageResult {
    use legalaid_app::applications::import as uc;
    uc::begin_export(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    crate::html::export::stream_csv(
        "applications.csv",
        &application_sheet::headers(),
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
