//! `/supervision/statistics`: the cases opened in a period in a region broken
//! down by one dimension, with counts and sums per row and the total; the same
//! table as Excel (`.xlsx`, typed cells) and CSV.

use crate::AppState;
use crate::extract::{PageCtx, PageQuery};
use crate::html::panels::{Block, Panel, PanelForm, PanelPage, Row};
use crate::html::{Action, Cell, Field, PageResult, Shell, kind_options, page_error, query_string};
use axum::http::header;
use axum::response::IntoResponse;
use legalaid_app::AppError;
use legalaid_app::supervision::statistics::{self as uc, Statistics};
use legalaid_docs::xlsx::{Table, Value};
use legalaid_domain::FieldError;
use legalaid_domain::assessment::yuan;
use legalaid_domain::supervision::stats::{Dimension, Figures};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct Query {
    by: Option<String>,
    region: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

struct Asked {
    by: Dimension,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

fn read(q: &Query) -> Result<Asked, Vec<FieldError>> {
    let mut errs = Vec::new();
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let by = match text(&q.by) {
        None => Dimension::CaseType,
        Some(b) => Dimension::parse(&b).unwrap_or_else(|| {
            errs.push(crate::html::panels::field_error("by", "请选择统计维度"));
            Dimension::CaseType
        }),
    };
    let mut date = |field: &str, v: &Option<String>| match text(v) {
        None => None,
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .ok()
            .or_else(|| {
                errs.push(crate::html::panels::field_error(
                    field,
                    "日期格式应为 YYYY-MM-DD",
                ));
                None
            }),
    };
    let from = date("from", &q.from);
    let to = date("to", &q.to);
    if errs.is_empty() {
        Ok(Asked { by, from, to })
    } else {
        Err(errs)
    }
}

async fn compute(s: &AppState, page: &PageCtx, q: &Query) -> Result<Statistics, AppError> {
    let a = read(q).map_err(AppError::Validation)?;
    uc::statistics(&s.app, &page.ctx, a.by, q.region.as_deref(), a.from, a.to).await
}

/// The table as the exports write it: typed cells, the total row.
fn table(s: &Statistics) -> Table {
    let cells = |label: String, f: &Figures| {
        vec![
            Value::Text(label),
            Value::Int(f.cases),
            Value::Int(f.concluded),
            Value::Int(f.archived),
            Value::Int(f.subsidy_paid_cases),
            Value::Fen(f.subsidy_paid_fen),
            Value::Fen(f.amount_fen),
        ]
    };
    Table {
        sheet: format!("按{}", s.dimension.label()),
        title: format!("法律援助案件统计（按{}）", s.dimension.label()),
        subtitle: format!(
            "{}　{}至{}受理的案件{}",
            s.region_name,
            legalaid_domain::document::date_cn(s.from),
            legalaid_domain::document::date_cn(s.to),
            if s.overlapping {
                "；受援人可属多个群体，各行之和可大于合计"
            } else {
                ""
            }
        ),
        headers: [
            s.dimension.label(),
            "受理案件数",
            "已结案",
            "已归档",
            "已发补贴（件）",
            "已发补贴（元）",
            "挽回损失或获得利益（元）",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect(),
        rows: s
            .rows
            .iter()
            .map(|r| cells(r.label.clone(), &r.figures))
            .collect(),
        total: Some(cells("合计".to_owned(), &s.total)),
    }
}

fn filters(q: &Query, s: Option<&Statistics>) -> PanelForm {
    let one = |v: &str| vec![v.to_owned()];
    let by = s.map_or_else(
        || q.by.clone().unwrap_or_default(),
        |s| s.dimension.as_str().to_owned(),
    );
    PanelForm::get("/supervision/statistics", "统计")
        .hidden("region", q.region.clone().unwrap_or_default())
        .group(
            "",
            vec![
                Field::new("by", "统计维度", "select", "").options(
                    kind_options(
                        Dimension::ALL,
                        Dimension::as_str,
                        Dimension::label,
                        "请选择",
                    ),
                    &one(&by),
                ),
                Field::new(
                    "from",
                    "受理日期自",
                    "date",
                    s.map_or_else(
                        || q.from.clone().unwrap_or_default(),
                        |s| s.from.to_string(),
                    ),
                ),
                Field::new(
                    "to",
                    "至",
                    "date",
                    s.map_or_else(|| q.to.clone().unwrap_or_default(), |s| s.to.to_string()),
                )
                .hint("默认今年1月1日至今天；最长五年"),
            ],
        )
}

pub async fn page(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let mut v = PanelPage::new(Shell::new(&page, "统计分析", "/supervision"), "统计分析");
    let stats = match compute(&s, &page, &q).await {
        Ok(st) => st,
        Err(AppError::Validation(errs)) => {
            let mut form = filters(&q, None);
            v.error = Some(
                form.attach(&errs)
                    .unwrap_or_else(|| "请修改查询条件".into()),
            );
            let mut p = Panel::new("查询");
            p.forms.push(form);
            v.panels.push(p);
            return Ok(v.respond(true));
        }
        Err(e) => return Err(page_error(e)),
    };
    let t = table(&stats);
    let qs = query_string(&[
        ("by", Some(stats.dimension.as_str().to_owned())),
        (
            "region",
            Some(stats.region.clone()).filter(|r| !r.is_empty()),
        ),
        ("from", Some(stats.from.to_string())),
        ("to", Some(stats.to.to_string())),
    ]);
    v.heading = t.title.clone();
    v.badge = stats.region_name.clone();
    v.actions = vec![
        Action {
            href: format!("/supervision/statistics.xlsx?{qs}"),
            label: "导出Excel".into(),
        },
        Action {
            href: format!("/supervision/statistics.csv?{qs}"),
            label: "导出CSV".into(),
        },
        Action {
            href: "/supervision".into(),
            label: "办案进度".into(),
        },
    ];
    let mut p = Panel::new("查询");
    p.lead = t.subtitle.clone();
    p.forms.push(filters(&q, Some(&stats)));
    v.panels.push(p);
    let row = |label: String, f: &Figures, class: &'static str| Row {
        class,
        cells: vec![
            Cell::text(label),
            Cell::text(f.cases.to_string()),
            Cell::text(f.concluded.to_string()),
            Cell::text(f.archived.to_string()),
            Cell::text(format!(
                "{} 件 / {}",
                f.subsidy_paid_cases,
                yuan(f.subsidy_paid_fen)
            )),
            Cell::text(yuan(f.amount_fen)),
        ],
    };
    let mut rows: Vec<Row> = stats
        .rows
        .iter()
        .map(|r| row(r.label.clone(), &r.figures, ""))
        .collect();
    if !rows.is_empty() {
        rows.push(row("合计".into(), &stats.total, "total"));
    }
    v.blocks.push(Block {
        title: format!("按{}", stats.dimension.label()),
        headers: vec![
            stats.dimension.label(),
            "受理案件数",
            "已结案",
            "已归档",
            "已发补贴",
            "挽回损失或获得利益",
        ],
        rows,
        empty: "该期间没有受理的案件。".into(),
    });
    Ok(v.respond(false))
}

fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn xlsx(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let stats = compute(&s, &page, &q).await.map_err(page_error)?;
    let bytes = legalaid_docs::xlsx::workbook(&[table(&stats)])
        .map_err(|e| page_error(AppError::Internal(e.to_string())))?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!(
            "statistics-{}-{}-{}.xlsx",
            stats.dimension.as_str(),
            stats.from,
            stats.to
        ),
    ))
}

pub async fn csv(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let stats = compute(&s, &page, &q).await.map_err(page_error)?;
    let t = table(&stats);
    let headers: Vec<&str> = t.headers.iter().map(String::as_str).collect();
    let rows = t
        .rows
        .iter()
        .chain(t.total.iter())
        .map(|r| r.iter().map(Value::text).collect::<Vec<_>>());
    let bytes = legalaid_docs::csv(&headers, rows)
        .map_err(|e| page_error(AppError::Internal(e.to_string())))?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        &format!(
            "statistics-{}-{}-{}.csv",
            stats.dimension.as_str(),
            stats.from,
            stats.to
        ),
    ))
}
