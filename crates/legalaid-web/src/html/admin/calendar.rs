//! The working-day calendar page: the years entered with their special days, a new
//! year entered as the State Council notice is written, the warning when next year
//! is missing, and the deadline check.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::applications::{Block, Fact, Panel, PanelForm, PanelPage, Row, field_error};
use crate::html::{Action, Cell, Field, PageResult, Shell, page_error, see_other, yes_no};
use axum::extract::{Request, State};
use chrono::{Datelike, NaiveDate};
use legalaid_app::{AppError, policy, rules};
use legalaid_domain::calendar::DayKind;
use legalaid_domain::deadline::PeriodUnit;
use legalaid_domain::{FieldError, local_date};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    year: Option<String>,
    start: Option<String>,
    days: Option<String>,
    unit: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearForm {
    year: String,
    source: String,
    days: String,
}

fn kind_label(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "放假",
        DayKind::Workday => "调休上班",
    }
}

/// The deadline check: its form, and its answer when asked.
async fn check_panel(s: &AppState, q: &CalendarQuery) -> Panel {
    let raw = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_owned();
    let (start, days, unit) = (raw(&q.start), raw(&q.days), raw(&q.unit));
    let mut panel = Panel::new("期限计算");
    panel.class = "deadline-check";
    let mut form = PanelForm::get("/admin/calendar", "计算").group(
        "",
        vec![
            Field::new(
                "start",
                "起算日（引起期间开始的事件发生之日）",
                "date",
                start.clone(),
            )
            .required(),
            Field::new("days", "期间长度", "number", days.clone()).required(),
            Field::new("unit", "计算方式", "select", "").options(
                [
                    ("calendar", "日（末日为休息日的顺延至其后第一个工作日）"),
                    ("working", "工作日（不含节假日和休息日）"),
                ]
                .into_iter()
                .map(|(a, b)| (a.to_owned(), b.to_owned())),
                std::slice::from_ref(&unit),
            ),
        ],
    );
    if let Some(y) = &q.year {
        form = form.hidden("year", y.clone());
    }
    panel.note =
        "按《民法典》第二百零一条、第二百零三条计算：起算日不计入，自次日开始计算。".into();
    if !start.is_empty() || !days.is_empty() {
        let mut errs = Vec::new();
        let start_date = NaiveDate::parse_from_str(&start, "%Y-%m-%d").ok();
        if start_date.is_none() {
            errs.push(field_error("start", "请填写起算日期（YYYY-MM-DD）"));
        }
        let length = days.parse::<u32>().ok();
        if length.is_none() {
            errs.push(field_error("days", "请填写天数（1至366的整数）"));
        }
        let period = if unit == "working" {
            PeriodUnit::WorkingDays
        } else {
            PeriodUnit::CalendarDays
        };
        if let (Some(d), Some(n)) = (start_date, length) {
            match rules::check_deadline(&s.app, d, n, period).await {
                Ok(c) => {
                    let mark = if c.provisional.is_some() {
                        "（暂定）"
                    } else {
                        ""
                    };
                    panel.lead = format!("{} 届满{mark}", c.due);
                    panel.facts = vec![
                        Fact::new("起算日", c.start.to_string()),
                        Fact::new(
                            "期间",
                            format!(
                                "{}{}",
                                c.length,
                                if c.unit == PeriodUnit::WorkingDays {
                                    "个工作日"
                                } else {
                                    "日"
                                }
                            ),
                        ),
                        Fact::new("届满日", format!("{}{mark}", c.due)),
                        Fact::new("遇休息日顺延", yes_no(c.rolled_over)),
                    ];
                    panel.note = c.explanation;
                }
                Err(AppError::Validation(e)) => errs.extend(e),
                Err(e) => errs.push(field_error("start", &e.to_string())),
            }
        }
        if let Some(rest) = form.attach(&errs) {
            panel.lead = rest;
        }
    }
    panel.forms.push(form);
    panel
}

fn year_panel(f: &YearForm, errors: &[FieldError]) -> (Panel, Option<String>) {
    let mut form = PanelForm::post("/admin/calendar", "录入").group(
        "",
        vec![
            Field::new("year", "年份", "number", f.year.clone()).required(),
            Field::new("source", "依据", "text", f.source.clone())
                .required()
                .hint("国务院办公厅关于当年部分节假日安排的通知，如 国办发明电〔2024〕12号"),
            Field::new("days", "放假和调休上班安排", "textarea", f.days.clone())
                .required()
                .hint("可直接粘贴国务院办公厅通知的正文，如“一、元旦：1月1日（周五）至3日（周日）放假，共3天。”；也可每行写一天：日期 放假或上班 节日名称，如“2027-10-01 放假 国庆节”“2027-09-26 上班 国庆节”。未列出的周一至周五为工作日，周六、周日为休息日"),
        ],
    );
    let rest = form.attach(errors);
    let mut panel = Panel::new("录入节假日安排");
    panel.note = "某年的安排录入前，期间跨入该年的期限暂按周末推算，并标明“暂定”；录入后即按录入的安排重新计算。请勿自行推测未公布年份的安排。".into();
    panel.forms.push(form);
    (panel, rest)
}

async fn calendar_page(
    s: &AppState,
    page: &PageCtx,
    q: &CalendarQuery,
    f: &YearForm,
    errors: &[FieldError],
) -> PageResult {
    let (cal, days) = rules::calendar(&s.app).await.map_err(page_error)?;
    let years: Vec<i32> = cal.years().collect();
    let this_year = local_date(s.app.clock.now()).year();
    let shown = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| years.contains(y))
        .or_else(|| years.contains(&this_year).then_some(this_year))
        .or_else(|| years.last().copied());
    let mut shell = Shell::new(page, "工作日历", "/admin/rules");
    shell.notice = rules::calendar_warning(&s.app).await.map_err(page_error)?;
    let mut p = PanelPage::new(shell, "工作日历");
    p.actions.push(Action {
        href: "/admin/rules".into(),
        label: "规则".into(),
    });
    let (year, rest) = year_panel(f, errors);
    if !errors.is_empty() {
        p.error = Some(rest.unwrap_or_else(|| "请修改标出的内容后再提交".into()));
    }
    p.panels = vec![check_panel(s, q).await, year];
    let count = |y: i32, k: DayKind| {
        days.iter()
            .filter(|d| d.date.year() == y && d.kind == k)
            .count()
    };
    p.blocks.push(Block {
        title: "已录入的年份".into(),
        headers: vec!["年份", "放假（天）", "调休上班（天）"],
        rows: years
            .iter()
            .map(|y| Row {
                class: "",
                cells: vec![
                    Cell::link(format!("{y}年"), format!("/admin/calendar?year={y}")),
                    Cell::text(count(*y, DayKind::Holiday).to_string()),
                    Cell::text(count(*y, DayKind::Workday).to_string()),
                ],
            })
            .collect(),
        empty: "还没有录入任何年份的节假日安排，期限无法计算。".into(),
    });
    if let Some(y) = shown {
        p.blocks.push(Block {
            title: format!("{y}年的放假与调休上班"),
            headers: vec!["日期", "类型", "名称"],
            rows: days
                .iter()
                .filter(|d| d.date.year() == y)
                .map(|d| Row {
                    class: if d.kind == DayKind::Holiday {
                        ""
                    } else {
                        "workday"
                    },
                    cells: vec![
                        Cell::text(format!("{}（{}）", d.date, weekday(d.date))),
                        Cell::text(kind_label(d.kind)),
                        Cell::text(d.name.clone()),
                    ],
                })
                .collect(),
            empty: "该年没有放假或调休上班的日期：周一至周五均为工作日。".into(),
        });
    }
    Ok(p.respond(!errors.is_empty()))
}

fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        chrono::Weekday::Mon => "周一",
        chrono::Weekday::Tue => "周二",
        chrono::Weekday::Wed => "周三",
        chrono::Weekday::Thu => "周四",
        chrono::Weekday::Fri => "周五",
        chrono::Weekday::Sat => "周六",
        chrono::Weekday::Sun => "周日",
    }
}

pub async fn calendar(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<CalendarQuery>,
) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    calendar_page(&s, &page, &q, &YearForm::default(), &[]).await
}

pub async fn add_year(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: YearForm = CsrfForm::parse(req, &page.csrf).await?;
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let errs = match f.year.trim().parse::<i32>() {
        Err(_) => vec![field_error("year", "请填写年份，如 2027")],
        Ok(year) => {
            match rules::add_calendar_year(&s.app, &page.ctx, year, &f.source, &f.days).await {
                Ok(_) => return Ok(see_other(&format!("/admin/calendar?year={year}"))),
                Err(AppError::Validation(e)) => e,
                Err(e) => return Err(page_error(e)),
            }
        }
    };
    calendar_page(&s, &page, &CalendarQuery::default(), &f, &errs).await
}
