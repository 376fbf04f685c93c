//! `/supervision/report-forms`: the MoJ statistical report forms (月报, 表一–表十三)
//! for a statistical month, half-year or year, with the check rules' results
//! (any failure named with its line and both sides), each form's column totals
//! and a chosen line's, and the whole set as `.xlsx` in the forms' layout.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Panel, PanelForm, PanelPage, Row, SentenceList};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Shell, page_error, query_string, see_other,
};
use crate::report_forms::{failures, file_name, period_of, workbook};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Datelike;
use legalaid_app::AppError;
use legalaid_app::supervision::report_forms::{self as uc, ReportSet};
use legalaid_domain::supervision::forms::{self, Form, FormCode, Period, wan_yuan};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default, Clone)]
pub struct Query {
    /// `year` (default), `half` or `month`.
    period: Option<String>,
    year: Option<String>,
    month: Option<String>,
    half: Option<String>,
    region: Option<String>,
    /// A line whose column values are shown beside the totals.
    line: Option<String>,
}

async fn compute(s: &AppState, page: &PageCtx, q: &Query) -> Result<ReportSet, AppError> {
    let p = period_of(
        q.period.as_deref(),
        q.year.as_deref(),
        q.month.as_deref(),
        q.half.as_deref(),
    )
    .map_err(AppError::Validation)?;
    uc::generate(&s.app, &page.ctx, q.region.as_deref(), p).await
}

fn query_of(set: &ReportSet) -> String {
    let (kind, year, month, half) = match set.period {
        Period::Year { year } => ("year", year, None, None),
        Period::Half { year, half } => ("half", year, None, Some(half)),
        Period::Month { year, month } => ("month", year, Some(month), None),
    };
    query_string(&[
        ("period", Some(kind.to_owned())),
        ("year", Some(year.to_string())),
        ("month", month.map(|m| m.to_string())),
        ("half", half.map(|h| h.to_string())),
        ("region", Some(set.region.clone()).filter(|r| !r.is_empty())),
    ])
}

fn value(f: &Form, column: usize, v: i64) -> Cell {
    if f.columns.get(column).is_some_and(|c| c.money) {
        Cell::text(wan_yuan(v))
    } else {
        Cell::text(v.to_string())
    }
}

fn filters(q: &Query, set: Option<&ReportSet>) -> PanelForm {
    let (kind, year, month, half) = match set.map(|s| s.period) {
        Some(Period::Year { year }) => (
            "year".to_owned(),
            year.to_string(),
            String::new(),
            String::new(),
        ),
        Some(Period::Half { year, half }) => (
            "half".to_owned(),
            year.to_string(),
            String::new(),
            half.to_string(),
        ),
        Some(Period::Month { year, month }) => (
            "month".to_owned(),
            year.to_string(),
            month.to_string(),
            String::new(),
        ),
        None => (
            q.period.clone().unwrap_or_default(),
            q.year.clone().unwrap_or_default(),
            q.month.clone().unwrap_or_default(),
            q.half.clone().unwrap_or_default(),
        ),
    };
    let kinds = [("year", "年度"), ("half", "半年"), ("month", "月份")]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()));
    let halves = [("", "（半年报时选择）"), ("1", "上半年"), ("2", "下半年")]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()));
    let mut lines = vec![(String::new(), "（只看合计）".to_owned())];
    if let Some(s) = set {
        lines.extend(s.lines.iter().map(|l| (l.id.to_string(), l.name.clone())));
    }
    PanelForm::get("/supervision/report-forms", "生成")
        .hidden("region", q.region.clone().unwrap_or_default())
        .group(
            "",
            vec![
                Field::new("period", "报表期间", "select", "").options(kinds, &[kind]),
                Field::new("year", "年份", "number", year).hint("统计年度以其截止月份所在年份计"),
                Field::new("month", "月份", "number", month).hint("月报时填写1至12"),
                Field::new("half", "半年", "select", "").options(halves, &[half]),
                Field::new("line", "同时列出", "select", "")
                    .options(lines.into_iter(), &[q.line.clone().unwrap_or_default()]),
            ],
        )
}

pub async fn page(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let mut v = PanelPage::new(
        Shell::new(&page, "统计报表", "/supervision"),
        "法律援助统计报表",
    );
    let set = match compute(&s, &page, &q).await {
        Ok(set) => set,
        Err(AppError::Validation(errs)) => {
            let mut form = filters(&q, None);
            v.error = Some(
                form.attach(&errs)
                    .unwrap_or_else(|| "请修改报表期间".into()),
            );
            let mut p = Panel::new("报表期间");
            p.forms.push(form);
            v.panels.push(p);
            return Ok(v.respond(true));
        }
        Err(e) => return Err(page_error(e)),
    };
    let line = q
        .line
        .as_deref()
        .and_then(|l| l.trim().parse::<i64>().ok())
        .and_then(|id| set.lines.iter().find(|l| l.id == id));
    v.heading = format!("法律援助统计报表（{}）", set.title);
    v.badge = set.region_name.clone();
    v.actions = vec![
        Action {
            href: format!("/supervision/report-forms.xlsx?{}", query_of(&set)),
            label: "导出Excel（报表格式）".into(),
        },
        Action {
            href: "/supervision/statistics".into(),
            label: "统计分析".into(),
        },
    ];
    if legalaid_app::supervision::can_keep_rules(&page.ctx) {
        v.actions.push(Action {
            href: format!("/supervision/report-forms/entries?year={}", set.entry_year),
            label: "录入表一至表四".into(),
        });
    }
    v.actions.extend([Action {
        href: "/supervision".into(),
        label: "办案进度".into(),
    }]);
    let mut p = Panel::new("报表期间");
    p.lead = format!(
        "{}至{}　{}",
        legalaid_domain::document::date_cn(set.from),
        legalaid_domain::document::date_cn(set.to),
        match set.calendar.cutoff_day {
            None => "按自然月统计".to_owned(),
            Some(d) => format!("统计截止日：每月{d}日"),
        }
    );
    p.note = "批准数为期间内受理（指派）的案件，已结、未结为其中截至期末的办理情况；未批准为期间内作出的不予法律援助决定。".into();
    if !matches!(set.period, Period::Year { .. }) {
        p.note
            .push_str("表一至表四按统计年度填报，只在年度报表中生成。");
    }
    p.forms.push(filters(&q, Some(&set)));
    v.panels.push(p);

    let broken = failures(&set);
    let total_rules: usize = set.forms.iter().map(|f| f.checks.len()).sum();
    let mut checks = Panel::new("校验结果");
    if broken.is_empty() {
        checks.class = "verdict-eligible";
        checks.lead = format!("全部{total_rules}条表内、表间关系校验通过。");
    } else {
        checks.class = "verdict-ineligible";
        checks.lead = format!(
            "{}条校验未通过（共{total_rules}条），请核对相关案件的记录后再报送：",
            broken.len()
        );
        checks.lists.push(SentenceList {
            title: String::new(),
            items: broken,
        });
    }
    v.panels.push(checks);

    for f in &set.forms {
        let line_row = line.and_then(|l| f.rows.iter().find(|r| r.line == Some(l.id)));
        let rows: Vec<Row> = f
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut cells = vec![
                    Cell::text(c.number.to_string()),
                    Cell::text(if c.group.is_empty() {
                        c.label.clone()
                    } else {
                        format!("{}·{}", c.group, c.label)
                    }),
                    value(f, i, f.total.cells.get(i).copied().unwrap_or(0)),
                ];
                if let Some(r) = line_row {
                    cells.push(value(f, i, r.cells.get(i).copied().unwrap_or(0)));
                }
                Row { class: "", cells }
            })
            .collect();
        let mut headers = vec!["栏", "项目", "合计"];
        if line_row.is_some() {
            headers.push("所选单位（地区）");
        }
        v.blocks.push(Block {
            title: match line {
                Some(l) => format!("{}（合计与{}）", f.title, l.name),
                None => f.title.clone(),
            },
            headers,
            rows,
            empty: "本表没有栏目。".into(),
        });
    }
    Ok(v.respond(false))
}

pub async fn xlsx(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let set = compute(&s, &page, &q).await.map_err(page_error)?;
    let bytes = workbook(&set).map_err(page_error)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(&set)),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------ 表一–表四 entry

#[derive(Deserialize, Default, Clone)]
pub struct EntryQuery {
    year: Option<String>,
    unit: Option<String>,
    form: Option<String>,
}

/// The entry form of one of 表一–表四 for a unit and year: its entered columns
/// with their values (the computed ones are said in the notice).
async fn entry_form(
    s: &AppState,
    page: &PageCtx,
    (year, unit, code): (i32, Option<i64>, FormCode),
    posted: Option<&HashMap<String, String>>,
) -> Result<FormPage, AppError> {
    let units = uc::entry_units(&s.app, &page.ctx).await?;
    let unit = unit.or_else(|| units.first().map(|u| u.0));
    let entered = match unit {
        Some(u) => uc::entries_of(&s.app, &page.ctx, year, u).await?,
        None => Vec::new(),
    };
    let columns = forms::columns(code);
    let mut fields = vec![
        Field::new("year", "统计年度", "number", year.to_string()).required(),
        Field::new("unit_id", "填报单位", "select", "").options(
            units
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone())),
            &[unit.map(|u| u.to_string()).unwrap_or_default()],
        ),
        Field::new("form", "", "hidden", code.as_str()),
    ];
    for c in columns.iter().filter(|c| c.entered) {
        let name = format!("c{}", c.number);
        let value = match posted.and_then(|p| p.get(&name)) {
            Some(v) => v.clone(),
            None => entered
                .iter()
                .find(|e| e.form == code.as_str() && e.col == i32::try_from(c.number).unwrap_or(0))
                .map(|e| {
                    if c.money {
                        wan_yuan(e.value)
                    } else {
                        e.value.to_string()
                    }
                })
                .unwrap_or_default(),
        };
        let label = if c.group.is_empty() {
            format!("{}. {}", c.number, c.label)
        } else {
            format!("{}. {}·{}", c.number, c.group, c.label)
        };
        fields.push(Field::new(name, &label, "text", value).hint(if c.money {
            "万元，最多四位小数；留空为未填"
        } else {
            "整数；留空为未填"
        }));
    }
    let computed: Vec<String> = columns
        .iter()
        .filter(|c| !c.entered)
        .map(|c| format!("{}. {}", c.number, c.label))
        .collect();
    let mut shell = Shell::new(page, "录入统计报表", "/supervision");
    shell.notice = Some(if computed.is_empty() {
        format!(
            "{}：按年度填报，保存后在统计报表中校验表内关系。",
            code.label()
        )
    } else {
        format!(
            "{}：以下栏目由系统根据记录计算，不需录入：{}。",
            code.label(),
            computed.join("；")
        )
    });
    Ok(FormPage {
        shell,
        heading: format!("录入{}", code.label()),
        action: "/supervision/report-forms/entries".into(),
        submit: "保存".into(),
        cancel: format!("/supervision/report-forms?period=year&year={year}"),
        error: None,
        fields,
    })
}

fn entry_code(form: Option<&str>) -> Result<FormCode, AppError> {
    match form.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(FormCode::T1),
        Some(f) => FormCode::parse(f)
            .filter(|c| forms::entered(*c))
            .ok_or_else(|| AppError::field("form", "只能录入统计报表一至四")),
    }
}

pub async fn entries_page(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<EntryQuery>,
) -> PageResult {
    let code = entry_code(q.form.as_deref()).map_err(page_error)?;
    let this_year =
        legalaid_domain::local_date(legalaid_app::Clock::now(s.app.clock.as_ref())).year();
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => this_year,
        Some(y) => y
            .parse()
            .map_err(|_| page_error(AppError::field("year", "年份应为整数")))?,
    };
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => Some(u.parse().map_err(|_| page_error(AppError::NotFound))?),
    };
    Ok(entry_form(&s, &page, (year, unit, code), None)
        .await
        .map_err(page_error)?
        .respond(&[]))
}

pub async fn enter(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    req: axum::extract::Request,
) -> PageResult {
    let f: HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    let code = entry_code(f.get("form").map(String::as_str)).map_err(page_error)?;
    let year = f.get("year").and_then(|y| y.trim().parse::<i32>().ok());
    let unit = f.get("unit_id").and_then(|u| u.trim().parse::<i64>().ok());
    let values: Vec<(u32, String)> = forms::columns(code)
        .iter()
        .filter(|c| c.entered)
        .map(|c| {
            (
                c.number,
                f.get(&format!("c{}", c.number))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect();
    let r = match (year, unit) {
        (Some(y), Some(u)) => uc::enter(&s.app, &page.ctx, y, u, code.as_str(), &values).await,
        (None, _) => Err(AppError::field("year", "请填写统计年度")),
        (_, None) => Err(AppError::field("unit_id", "请选择填报单位")),
    };
    let year = year.unwrap_or_default();
    match r {
        // On to the next table, or back to the forms after 表四.
        Ok(()) => Ok(see_other(&match code {
            FormCode::T1 => format!(
                "/supervision/report-forms/entries?year={year}&unit={}&form=t2",
                unit.unwrap_or_default()
            ),
            FormCode::T2 => format!(
                "/supervision/report-forms/entries?year={year}&unit={}&form=t3",
                unit.unwrap_or_default()
            ),
            FormCode::T3 => format!(
                "/supervision/report-forms/entries?year={year}&unit={}&form=t4",
                unit.unwrap_or_default()
            ),
            _ => format!("/supervision/report-forms?period=year&year={year}"),
        })),
        Err(AppError::Validation(errs)) => Ok(entry_form(&s, &page, (year, unit, code), Some(&f))
            .await
            .map_err(page_error)?
            .respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}
