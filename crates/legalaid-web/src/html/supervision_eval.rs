//! `/supervision/evaluation`: the units of a region scored by the year's
//! evaluation scheme (考评), ranked, with each indicator's points and evidence;
//! the form that enters the values the scheme says are entered; the Excel.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Panel, PanelForm, PanelPage, Row, field_error};
use crate::html::{Action, Cell, Field, PageResult, Shell, page_error, query_string, see_other};
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::IntoResponse;
use legalaid_app::AppError;
use legalaid_app::supervision::evaluation::{self as uc, Evaluation};
use legalaid_docs::xlsx::{Table, Value};
use legalaid_domain::FieldError;
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct Query {
    year: Option<String>,
    region: Option<String>,
}

fn year_of(q: &Query) -> Result<Option<i32>, Vec<FieldError>> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .map(Some)
            .map_err(|_| vec![field_error("year", "年份应为数字")]),
    }
}

fn points(p: f64) -> String {
    let s = format!("{p:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn entry_form(e: &Evaluation, f: &EntryForm) -> PanelForm {
    let one = |v: &str| vec![v.to_owned()];
    PanelForm::post("/supervision/evaluation", "保存")
        .hidden("year", e.year.to_string())
        .group(
            "录入考评数据",
            vec![
                Field::new("unit_id", "单位", "select", "")
                    .required()
                    .options(
                        std::iter::once((String::new(), "请选择".to_owned())).chain(
                            e.results
                                .iter()
                                .filter_map(|r| r.unit_id.map(|u| (u.to_string(), r.name.clone()))),
                        ),
                        &one(&f.unit_id),
                    ),
                Field::new("code", "指标", "select", "").required().options(
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(e.entered.iter().map(|(c, l, _)| (c.clone(), l.clone()))),
                    &one(&f.code),
                ),
                Field::new("value", "数值", "number", f.value.clone())
                    .required()
                    .hint("按指标的计分标准填写，如场次、百分比、项数"),
                Field::new("evidence", "依据", "textarea", f.evidence.clone())
                    .required()
                    .hint("数据的来源和说明，作为考评的证据"),
            ],
        )
}

fn page_of(page: &PageCtx, e: &Evaluation, f: &EntryForm, errors: &[FieldError]) -> PanelPage {
    let mut v = PanelPage::new(
        Shell::new(page, "绩效考评", "/supervision"),
        format!("{} {}年绩效考评", e.region_name, e.year),
    );
    v.badge = format!("截至{}", legalaid_domain::document::date_cn(e.as_of));
    let qs = query_string(&[("year", Some(e.year.to_string()))]);
    v.actions = vec![
        Action {
            href: format!("/supervision/evaluation.xlsx?{qs}"),
            label: "导出Excel".into(),
        },
        Action {
            href: "/supervision".into(),
            label: "办案进度".into(),
        },
    ];
    let mut about = Panel::new("考评方案");
    about.lead = e.scheme_name.clone();
    about.note = format!(
        "满分{}分，另有加分项目。{}。考评对象为下达了年度目标任务的单位；系统计算的指标取自办案数据，其余指标由司法局录入并写明依据。",
        points(e.full),
        e.scheme_source
    );
    v.panels.push(about);
    if uc::can_edit(&page.ctx) && !e.entered.is_empty() {
        let mut form = entry_form(e, f);
        if !errors.is_empty() {
            v.error = Some(
                form.attach(errors)
                    .unwrap_or_else(|| "请修改后重新提交".into()),
            );
        }
        let mut p = Panel::new("录入");
        p.forms.push(form);
        v.panels.push(p);
    }
    v.blocks.push(Block {
        title: "排名".into(),
        headers: vec!["名次", "单位", "得分", "其中加分"],
        rows: e
            .results
            .iter()
            .map(|r| Row {
                class: "",
                cells: vec![
                    Cell::text(r.rank.to_string()),
                    Cell::text(r.name.clone()),
                    Cell::text(points(r.total)),
                    Cell::text(points(
                        r.scores.iter().filter(|s| s.bonus).map(|s| s.points).sum(),
                    )),
                ],
            })
            .collect(),
        empty: "没有考评对象（尚未下达年度目标任务的单位不参加考评）。".into(),
    });
    for r in &e.results {
        v.blocks.push(Block {
            title: format!("{}. {}：{}分", r.rank, r.name, points(r.total)),
            headers: vec!["指标", "分值", "得分", "依据", "来源"],
            rows: r
                .scores
                .iter()
                .map(|s| Row {
                    class: if s.value.is_none() { "due-soon" } else { "" },
                    cells: vec![
                        Cell::text(s.label.clone()),
                        Cell::text(if s.bonus {
                            "加分".to_owned()
                        } else {
                            points(s.weight)
                        }),
                        Cell::text(points(s.points)),
                        Cell::text(s.evidence.clone()),
                        Cell::text(s.source.label()),
                    ],
                })
                .collect(),
            empty: String::new(),
        });
    }
    v
}

pub async fn page(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let year = year_of(&q).map_err(|e| page_error(AppError::Validation(e)))?;
    let e = uc::evaluate(&s.app, &page.ctx, q.region.as_deref(), year)
        .await
        .map_err(page_error)?;
    Ok(page_of(&page, &e, &EntryForm::default(), &[]).respond(false))
}

#[derive(Deserialize, Default, Clone)]
pub struct EntryForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    evidence: String,
}

pub async fn enter(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: EntryForm = CsrfForm::parse(req, &page.csrf).await?;
    let year = f.year.trim().parse::<i32>().ok();
    let mut errs = Vec::new();
    let unit = f.unit_id.trim().parse::<i64>().ok().filter(|u| *u > 0);
    if unit.is_none() {
        errs.push(field_error("unit_id", "请选择单位"));
    }
    let value = f.value.trim().parse::<f64>().ok();
    if value.is_none() {
        errs.push(field_error("value", "请填写数值"));
    }
    let r = match (year, unit, value) {
        (Some(y), Some(u), Some(v)) if errs.is_empty() => {
            uc::enter(&s.app, &page.ctx, y, u, f.code.trim(), v, &f.evidence).await
        }
        _ => Err(AppError::Validation(errs)),
    };
    match r {
        Ok(()) => Ok(see_other(&format!(
            "/supervision/evaluation?year={}",
            year.unwrap_or_default()
        ))),
        Err(AppError::Validation(errs)) => {
            let e = uc::evaluate(&s.app, &page.ctx, None, year)
                .await
                .map_err(page_error)?;
            Ok(page_of(&page, &e, &f, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn xlsx(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let year = year_of(&q).map_err(|e| page_error(AppError::Validation(e)))?;
    let e = uc::evaluate(&s.app, &page.ctx, q.region.as_deref(), year)
        .await
        .map_err(page_error)?;
    let ranking = Table {
        sheet: "排名".into(),
        title: format!("{} {}年法律援助工作绩效考评排名", e.region_name, e.year),
        subtitle: format!("{}；满分{}分", e.scheme_name, points(e.full)),
        headers: vec!["名次".into(), "单位".into(), "得分".into()],
        rows: e
            .results
            .iter()
            .map(|r| {
                vec![
                    Value::Int(i64::try_from(r.rank).unwrap_or(0)),
                    Value::Text(r.name.clone()),
                    Value::Decimal(r.total),
                ]
            })
            .collect(),
        total: None,
    };
    let details = Table {
        sheet: "得分明细".into(),
        title: format!("{} {}年绩效考评得分明细", e.region_name, e.year),
        subtitle: "每项指标的分值、得分和依据".into(),
        headers: ["单位", "指标", "分值", "得分", "依据", "来源"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        rows: e
            .results
            .iter()
            .flat_map(|r| {
                r.scores.iter().map(|sc| {
                    vec![
                        Value::Text(r.name.clone()),
                        Value::Text(sc.label.clone()),
                        Value::Decimal(sc.weight),
                        Value::Decimal(sc.points),
                        Value::Text(sc.evidence.clone()),
                        Value::Text(sc.source.label().to_owned()),
                    ]
                })
            })
            .collect(),
        total: None,
    };
    let bytes = legalaid_docs::xlsx::workbook(&[ranking, details])
        .map_err(|err| page_error(AppError::Internal(err.to_string())))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evaluation-{}.xlsx\"", e.year),
            ),
        ],
        bytes,
    )
        .into_response())
}
