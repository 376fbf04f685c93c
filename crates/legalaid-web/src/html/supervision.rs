//! `/supervision`: progress against targets and against time (序时进度) for a
//! region or a unit on any day, with drill-down from a province to its cities,
//! counties and units and on to the cases counted (ADR 0023). Every percentage
//! stands beside its counts ("16 / 20"), the direction that is better is said,
//! and the charts are SVG drawn on the server.

use crate::AppState;
use crate::extract::{PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, Row, or_dash};
use crate::html::{
    Action, Cell, Field, PageResult, Pager, Shell, page_error, query_string, render,
};
use askama::Template;
use legalaid_app::supervision::{self as uc, Dashboard, Line, Node};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_docs::charts::{self, Month, Pace};
use legalaid_domain::FieldError;
use legalaid_domain::assessment::yuan;
use legalaid_domain::supervision::Ratio;
use serde::Deserialize;

/// Whether the caller sees the dashboards (the nav link 办案进度).
pub fn sees_supervision(ctx: &Ctx) -> bool {
    uc::can_view(ctx)
}

/// A figure of the page.
pub struct Chart {
    pub title: String,
    pub svg: String,
    pub note: String,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    shell: Shell,
    heading: String,
    badge: String,
    actions: Vec<Action>,
    error: Option<String>,
    panels: Vec<Panel>,
    charts: Vec<Chart>,
    blocks: Vec<Block>,
    pager: Option<Pager>,
}

#[derive(Deserialize, Default)]
pub struct Query {
    region: Option<String>,
    unit: Option<String>,
    year: Option<String>,
    as_of: Option<String>,
}

struct Asked {
    region: Option<String>,
    unit: Option<i64>,
    year: Option<i32>,
    as_of: Option<chrono::NaiveDate>,
}

fn fault(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

fn read(q: &Query) -> Result<Asked, Vec<FieldError>> {
    let mut errs = Vec::new();
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let unit = match text(&q.unit) {
        Some(u) => match u.parse::<i64>() {
            Ok(u) => Some(u),
            Err(_) => {
                errs.push(fault("unit", "单位编号应为数字"));
                None
            }
        },
        None => None,
    };
    let year = match text(&q.year) {
        Some(y) => match y.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                errs.push(fault("year", "年份应为四位数字"));
                None
            }
        },
        None => None,
    };
    let as_of = match text(&q.as_of) {
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(fault("as_of", "日期格式应为 2026-06-30"));
                None
            }
        },
        None => None,
    };
    if errs.is_empty() {
        Ok(Asked {
            region: text(&q.region).map(str::to_owned),
            unit,
            year,
            as_of,
        })
    } else {
        Err(errs)
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

/// "12 / 20（60.0%）", or the counts alone when there is nothing to divide by.
fn ratio(r: Ratio) -> String {
    match r.percent() {
        Some(p) => format!("{} / {}（{p:.1}%）", r.part, r.whole),
        None => format!("{} / {}", r.part, r.whole),
    }
}

fn gap(g: Option<f64>) -> String {
    match g {
        Some(g) if g > 0.0 => format!("超 {g:.1} 个百分点"),
        Some(g) if g < 0.0 => format!("落后 {:.1} 个百分点", -g),
        Some(_) => "持平".to_owned(),
        None => "—".to_owned(),
    }
}

fn link_of(node: &Node, d: &Dashboard) -> String {
    let (region, unit) = match node {
        Node::Region { code } => (Some(code.clone()), None),
        Node::Unit { id } => (None, Some(id.to_string())),
    };
    let q = query_string(&[
        ("region", region),
        ("unit", unit),
        ("year", Some(d.year.to_string())),
        ("as_of", Some(d.as_of.to_string())),
    ]);
    format!("/supervision?{q}")
}

fn cases_link(id: i64, d: &Dashboard) -> String {
    format!(
        "/supervision/cases?unit={id}&year={}&as_of={}",
        d.year, d.as_of
    )
}

fn counted(l: &Line) -> String {
    match l.progress.target {
        Some(t) => format!("{} / {t}", l.progress.counted),
        None => format!("{}（未设目标）", l.progress.counted),
    }
}

fn total_panel(d: &Dashboard) -> Panel {
    let l = &d.total;
    let mut p = Panel::new("总体进度");
    p.class = if l.progress.lagging == Some(true) {
        "verdict-ineligible"
    } else {
        ""
    };
    p.facts = vec![
        Fact::new("计入 / 目标任务", counted(l)),
        Fact::new("完成率", pct(l.progress.completion)),
        Fact::new(
            "序时进度",
            format!(
                "{}（{} / {}）",
                pct(d.time.percent()),
                d.time.num,
                d.time.den
            ),
        ),
        Fact::new("超（落后）序时进度", gap(l.progress.gap_points)),
        Fact::new("结案率（结案 / 受理）", ratio(l.conclusion_rate)),
        Fact::new("归档率（归档 / 结案）", ratio(l.archive_rate)),
        Fact::new("补贴发放率（已发放 / 应发放，件）", ratio(l.subsidy_rate)),
        Fact::new(
            "办案补贴",
            format!(
                "应发放 {}，已发放 {}",
                yuan(l.subsidy_due_fen),
                yuan(l.subsidy_paid_fen)
            ),
        ),
    ];
    if let Some(s) = &d.split {
        p.facts.push(Fact::new(
            "目标分解",
            if s.unassigned == 0 {
                format!("已全部分解（{} / {}）", s.assigned, s.parent)
            } else {
                format!(
                    "已分解 {} / {}，未分解 {}",
                    s.assigned, s.parent, s.unassigned
                )
            },
        ));
    }
    if l.progress.target.is_none() {
        p.note = format!(
            "{}尚未设定{}年的目标任务数，只显示计入件数。",
            l.name, d.year
        );
    }
    p
}

fn rule_panel(d: &Dashboard) -> Panel {
    let mut p = Panel::new("统计口径");
    p.lead = d.rule.describe();
    p.facts = vec![
        Fact::new(
            "落后的判定",
            if d.rule.lag_margin_points == 0 {
                "完成率低于序时进度".to_owned()
            } else {
                format!(
                    "完成率低于序时进度{}个百分点以上",
                    -d.rule.lag_margin_points
                )
            },
        ),
        Fact::new("依据", or_dash(&d.rule.source)),
    ];
    p.note = "完成率、结案率、归档率、补贴发放率越高越好；“超（落后）序时进度”为完成率减序时进度，负数为落后。".into();
    if d.rule_is_fallback {
        p.class = "verdict-ineligible";
        p.note = format!("{}该日没有生效的统计口径，按系统默认口径计算。", p.note);
    }
    p
}

fn filter_panel(d: &Dashboard, errors: &[FieldError]) -> (Panel, Option<String>) {
    let mut p = Panel::new("查询");
    let (region, unit) = match &d.total.node {
        Node::Region { code } => (code.clone(), String::new()),
        Node::Unit { id } => (String::new(), id.to_string()),
    };
    let mut form = PanelForm::get("/supervision", "查看").group(
        "",
        vec![
            Field::new("region", "", "hidden", region),
            Field::new("unit", "", "hidden", unit),
            Field::new("year", "年度", "number", d.year.to_string()),
            Field::new("as_of", "截至日期", "date", d.as_of.to_string())
                .hint("默认今天；以往年度默认为当年12月31日"),
        ],
    );
    let rest = form.attach(errors);
    p.forms.push(form);
    (p, rest)
}

/// The 督办 cell of a line: its open orders, or (for a supervisor, on a line
/// that lags today) the link that issues one.
fn order_cell(d: &Dashboard, l: &Line, can_issue: bool, is_today: bool) -> Cell {
    let open: Vec<_> = d.open_orders.iter().filter(|o| o.node == l.node).collect();
    if let Some(o) = open.first() {
        let more = if open.len() > 1 {
            format!("等{}项", open.len())
        } else {
            String::new()
        };
        return Cell::link(
            format!("{}中：{}{more}", o.escalation.label(), o.indicator.label()),
            format!("/supervision/orders/{}", o.id),
        );
    }
    if can_issue && is_today && l.progress.lagging == Some(true) {
        let target = match &l.node {
            Node::Unit { id } => format!("unit={id}"),
            Node::Region { code } => format!("region={code}"),
        };
        return Cell::link(
            "督办",
            format!(
                "/supervision/orders/new?{target}&year={}&indicator=progress",
                d.year
            ),
        );
    }
    Cell::text("—")
}

fn table(d: &Dashboard, can_issue: bool, is_today: bool) -> Block {
    let child_is_unit = d.lines.iter().any(|l| matches!(l.node, Node::Unit { .. }));
    let rows = d
        .lines
        .iter()
        .map(|l| {
            let mut cells = vec![
                Cell::link(l.name.clone(), link_of(&l.node, d)),
                match l.node {
                    Node::Unit { id } => Cell::link(counted(l), cases_link(id, d)),
                    Node::Region { .. } => Cell::text(counted(l)),
                },
                Cell::text(pct(l.progress.completion)),
                Cell::text(gap(l.progress.gap_points)),
                Cell::text(ratio(l.conclusion_rate)),
                Cell::text(ratio(l.archive_rate)),
                Cell::text(ratio(l.subsidy_rate)),
                order_cell(d, l, can_issue, is_today),
            ];
            if l.progress.lagging == Some(true) {
                cells[3].text.push_str("（落后）");
            }
            Row {
                class: if l.progress.lagging == Some(true) {
                    "overdue"
                } else {
                    ""
                },
                cells,
            }
        })
        .collect();
    Block {
        title: if child_is_unit {
            "各单位进度".into()
        } else {
            "各地进度".into()
        },
        headers: vec![
            "地区 / 单位",
            "计入 / 目标",
            "完成率",
            "超（落后）序时进度",
            "结案率",
            "归档率",
            "补贴发放率",
            "督办",
        ],
        rows,
        empty: "下级没有地区或单位。".into(),
    }
}

fn charts_of(d: &Dashboard) -> Vec<Chart> {
    let with_target: Vec<&Line> = d
        .lines
        .iter()
        .filter(|l| l.progress.target.is_some())
        .collect();
    let time = d.time.percent().unwrap_or(0.0);
    let pace = Chart {
        title: "完成率与序时进度".into(),
        svg: if with_target.is_empty() {
            String::new()
        } else {
            charts::against_time(
                "各地区、单位完成率与序时进度",
                &with_target
                    .iter()
                    .map(|l| Pace {
                        label: l.name.clone(),
                        share: l.progress.completion.unwrap_or(0.0) / 100.0,
                        text: format!("{}（{}）", pct(l.progress.completion), counted(l)),
                        behind: l.progress.lagging == Some(true),
                    })
                    .collect::<Vec<_>>(),
                time / 100.0,
                &format!("序时进度 {time:.1}%"),
            )
        },
        note: "红色为落后于序时进度的地区、单位；虚线为序时进度。".into(),
        empty: "下级地区、单位都没有设定目标任务数。".into(),
    };
    let trend = Chart {
        title: "月度趋势".into(),
        svg: if d.months.is_empty() {
            String::new()
        } else {
            charts::trend(
                "累计完成率与序时进度",
                &d.months
                    .iter()
                    .map(|m| Month {
                        label: format!("{}月", m.month),
                        completion: m.completion,
                        time: m.time_percent,
                    })
                    .collect::<Vec<_>>(),
            )
        },
        note: "实线为累计完成率（设有目标时），虚线为序时进度。".into(),
        empty: "所选年度尚未开始。".into(),
    };
    vec![pace, trend]
}

fn month_block(d: &Dashboard) -> Block {
    Block {
        title: "各月计入件数".into(),
        headers: vec!["月份", "当月计入", "累计", "累计完成率", "序时进度"],
        rows: d
            .months
            .iter()
            .map(|m| Row {
                class: "",
                cells: vec![
                    Cell::text(format!("{}月", m.month)),
                    Cell::text(m.counted.to_string()),
                    Cell::text(m.cumulative.to_string()),
                    Cell::text(pct(m.completion)),
                    Cell::text(format!("{:.1}%", m.time_percent)),
                ],
            })
            .collect(),
        empty: "所选年度尚未开始。".into(),
    }
}

/// The node's progress per case type, against the target's parts.
fn type_block(d: &Dashboard) -> Block {
    Block {
        title: "按案件类型".into(),
        headers: vec!["案件类型", "计入 / 目标", "完成率", "超(落后)序时进度"],
        rows: d
            .by_type
            .iter()
            .map(|t| {
                let p = &t.progress;
                Row {
                    class: if p.lagging == Some(true) {
                        "overdue"
                    } else {
                        ""
                    },
                    cells: vec![
                        Cell::text(t.case_type.label()),
                        Cell::text(match p.target {
                            Some(n) => format!("{} / {n}", p.counted),
                            None => format!("{}（未按类型分解）", p.counted),
                        }),
                        Cell::text(pct(p.completion)),
                        Cell::text(
                            p.gap_points
                                .map_or_else(|| "—".to_owned(), |g| format!("{g:+.1}个百分点")),
                        ),
                    ],
                }
            })
            .collect(),
        empty: "没有案件类型。".into(),
    }
}

/// `GET /supervision`.
pub async fn dashboard(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let (asked, errors) = match read(&q) {
        Ok(a) => (a, Vec::new()),
        Err(e) => (
            Asked {
                region: None,
                unit: None,
                year: None,
                as_of: None,
            },
            e,
        ),
    };
    let d = match uc::dashboard(
        &s.app,
        &page.ctx,
        asked.region.as_deref(),
        asked.unit,
        asked.year,
        asked.as_of,
    )
    .await
    {
        Ok(d) => d,
        Err(AppError::Validation(errs)) => {
            // A year out of range: the caller's own dashboard with the fault shown.
            let d = uc::dashboard(&s.app, &page.ctx, None, None, None, None)
                .await
                .map_err(page_error)?;
            let today = legalaid_domain::local_date(s.app.clock.now());
            return Ok(render_page(&page, &d, &errs, d.as_of == today));
        }
        Err(e) => return Err(page_error(e)),
    };
    let today = legalaid_domain::local_date(s.app.clock.now());
    Ok(render_page(&page, &d, &errors, d.as_of == today))
}

fn render_page(
    page: &PageCtx,
    d: &Dashboard,
    errors: &[FieldError],
    is_today: bool,
) -> axum::response::Response {
    let (filters, rest) = filter_panel(d, errors);
    let mut actions = Vec::new();
    if let Some(up) = &d.up {
        actions.push(Action {
            href: link_of(up, d),
            label: "上一级".into(),
        });
    }
    if let Node::Unit { id } = d.total.node {
        actions.push(Action {
            href: cases_link(id, d),
            label: "计入的案件".into(),
        });
    }
    if let Node::Region { code } = &d.total.node {
        actions.push(Action {
            href: format!("/supervision/targets?region={code}&year={}", d.year),
            label: "目标分解".into(),
        });
    }
    actions.push(Action {
        href: "/supervision/rules".into(),
        label: "统计口径".into(),
    });
    actions.push(Action {
        href: "/supervision/orders".into(),
        label: "督办事项".into(),
    });
    actions.push(Action {
        href: "/supervision/bulletins".into(),
        label: "工作通报".into(),
    });
    if let Node::Region { code } = &d.total.node {
        actions.push(Action {
            href: if code.is_empty() {
                format!("/supervision/evaluation?year={}", d.year)
            } else {
                format!("/supervision/evaluation?year={}&region={code}", d.year)
            },
            label: "绩效考评".into(),
        });
    }
    actions.push(Action {
        href: match &d.total.node {
            Node::Region { code } if !code.is_empty() => {
                format!("/supervision/statistics?region={code}")
            }
            _ => "/supervision/statistics".into(),
        },
        label: "统计分析".into(),
    });
    actions.push(Action {
        href: match &d.total.node {
            Node::Region { code } if !code.is_empty() => {
                format!("/supervision/report-forms?region={code}")
            }
            _ => "/supervision/report-forms".into(),
        },
        label: "统计报表".into(),
    });
    // A unit's own dashboard: its order, or the link that issues one.
    if d.lines.is_empty() {
        let c = order_cell(
            d,
            &d.total,
            legalaid_app::supervision::orders::can_issue(&page.ctx),
            is_today,
        );
        if let Some(href) = c.href {
            actions.push(Action {
                href,
                label: c.text,
            });
        }
    }
    let mut blocks = Vec::new();
    if !d.lines.is_empty() {
        blocks.push(table(
            d,
            legalaid_app::supervision::orders::can_issue(&page.ctx),
            is_today,
        ));
    }
    blocks.push(type_block(d));
    blocks.push(month_block(d));
    let v = FiguresPage {
        shell: Shell::new(page, "办案进度", "/supervision"),
        heading: format!("{} {}年办案进度", d.total.name, d.year),
        badge: format!("截至{}", legalaid_domain::document::date_cn(d.as_of)),
        actions,
        error: (!errors.is_empty()).then(|| rest.unwrap_or_else(|| "请修改查询条件".to_owned())),
        panels: vec![total_panel(d), rule_panel(d), filters],
        charts: charts_of(d),
        blocks,
        pager: None,
    };
    render(&v)
}

#[derive(Deserialize, Default)]
pub struct CasesQuery {
    unit: Option<String>,
    year: Option<String>,
    as_of: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// `GET /supervision/cases`: the cases a unit's count is made of.
pub async fn cases(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<CasesQuery>,
) -> PageResult {
    let asked = read(&Query {
        unit: q.unit.clone(),
        year: q.year.clone(),
        as_of: q.as_of.clone(),
        ..Query::default()
    })
    .map_err(|e| page_error(AppError::Validation(e)))?;
    let unit = asked.unit.ok_or_else(|| page_error(AppError::NotFound))?;
    let today = legalaid_domain::local_date(legalaid_app::Clock::now(s.app.clock.as_ref()));
    let year = asked.year.unwrap_or_else(|| {
        asked.as_of.map_or(chrono::Datelike::year(&today), |d| {
            chrono::Datelike::year(&d)
        })
    });
    let p = Page::new(q.page, q.per_page);
    let d = uc::dashboard(&s.app, &page.ctx, None, Some(unit), Some(year), asked.as_of)
        .await
        .map_err(page_error)?;
    let (items, total) = uc::counted_cases(&s.app, &page.ctx, unit, year, Some(d.as_of), p)
        .await
        .map_err(page_error)?;
    let rows = items
        .iter()
        .map(|(c, on)| Row {
            class: "",
            cells: vec![
                Cell::link(c.number.clone(), format!("/cases/{}", c.id.0)),
                Cell::text(c.case_type.label()),
                Cell::text(c.stage.label()),
                Cell::text(on.to_string()),
                Cell::text(c.status.label()),
            ],
        })
        .collect();
    let query = query_string(&[
        ("unit", Some(unit.to_string())),
        ("year", Some(year.to_string())),
        ("as_of", Some(d.as_of.to_string())),
    ]);
    let v = FiguresPage {
        shell: Shell::new(&page, "计入的案件", "/supervision"),
        heading: format!("{} {}年计入目标的案件", d.total.name, year),
        badge: format!("截至{}", legalaid_domain::document::date_cn(d.as_of)),
        actions: vec![Action {
            href: link_of(&d.total.node, &d),
            label: "返回办案进度".into(),
        }],
        error: None,
        panels: vec![rule_panel(&d)],
        charts: Vec::new(),
        blocks: vec![Block {
            title: format!("计入的案件（{total}）"),
            headers: vec!["案件编号", "类型", "阶段", "计入日期", "状态"],
            rows,
            empty: "没有计入目标的案件。".into(),
        }],
        pager: Some(Pager::new("/supervision/cases", &query, p, total)),
    };
    Ok(render(&v))
}

// ---------------------------------------------------------------- rules

#[derive(Deserialize, Default, Clone)]
pub struct RuleForm {
    #[serde(default)]
    effective_from: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    case_types: Vec<String>,
    #[serde(default)]
    later_stages: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    lag_margin_points: String,
    #[serde(default)]
    source: String,
}

fn rule_fields(f: &RuleForm) -> Vec<Field> {
    use legalaid_domain::case::CaseType;
    use legalaid_domain::supervision::{Measure, PaceBasis};
    let events = [Measure::Accepted, Measure::Assigned, Measure::Concluded]
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()));
    vec![
        Field::new(
            "effective_from",
            "生效日期",
            "date",
            f.effective_from.clone(),
        )
        .required(),
        Field::new("event", "计件环节", "select", "")
            .required()
            .options(events, std::slice::from_ref(&f.event)),
        Field::new("case_types", "计入的案件类型", "checkboxes", "")
            .options(
                CaseType::ALL
                    .iter()
                    .map(|t| (t.as_str().to_owned(), t.label().to_owned())),
                &f.case_types,
            )
            .hint("不选即各类案件都计入"),
        Field::new(
            "later_stages",
            "刑事案件各诉讼阶段分别计件",
            "checkbox",
            f.later_stages.clone(),
        ),
        Field::new("basis", "序时进度算法", "select", "")
            .required()
            .options(
                PaceBasis::ALL
                    .iter()
                    .map(|b| (b.as_str().to_owned(), b.label().to_owned())),
                std::slice::from_ref(&f.basis),
            ),
        Field::new(
            "lag_margin_points",
            "落后容差（百分点）",
            "number",
            f.lag_margin_points.clone(),
        )
        .hint("0：低于序时进度即为落后；−5：低于序时进度5个百分点以上为落后"),
        Field::new("source", "依据", "textarea", f.source.clone()).required(),
    ]
}

async fn rules_page(
    s: &AppState,
    page: &PageCtx,
    f: &RuleForm,
    errors: &[FieldError],
) -> Result<axum::response::Response, axum::response::Response> {
    let rules = uc::rules(&s.app, &page.ctx).await.map_err(page_error)?;
    let today = legalaid_domain::local_date(legalaid_app::Clock::now(s.app.clock.as_ref()));
    let in_force = legalaid_domain::supervision::rule_on(&rules, today).cloned();
    let mut panels = Vec::new();
    if uc::can_keep_rules(&page.ctx) {
        let mut p = Panel::new("新增统计口径");
        p.note = "新口径自生效日期起适用，原口径在前一日终止；以往的进度按当时的口径计算。".into();
        let mut form = PanelForm::post("/supervision/rules", "保存").group("", rule_fields(f));
        let rest = form.attach(errors);
        p.forms.push(form);
        if let Some(r) = rest {
            p.lead = r;
            p.class = "verdict-ineligible";
        }
        panels.push(p);
    }
    let rows = rules
        .iter()
        .rev()
        .map(|r| Row {
            class: if Some(r) == in_force.as_ref() {
                "honoured"
            } else {
                ""
            },
            cells: vec![
                Cell::text(r.effective_from.to_string()),
                Cell::text(
                    r.effective_to
                        .map_or_else(|| "—".to_owned(), |d| d.to_string()),
                ),
                Cell::text(r.describe()),
                Cell::text(r.lag_margin_points.to_string()),
                Cell::text(r.source.clone()),
            ],
        })
        .collect();
    let v = FiguresPage {
        shell: Shell::new(page, "统计口径", "/supervision"),
        heading: "督导统计口径".into(),
        badge: String::new(),
        actions: vec![Action {
            href: "/supervision".into(),
            label: "办案进度".into(),
        }],
        error: (!errors.is_empty()).then(|| "请修改标出的内容".to_owned()),
        panels,
        charts: Vec::new(),
        blocks: vec![Block {
            title: "各期口径（加粗为今日生效）".into(),
            headers: vec!["生效日期", "失效日期", "口径", "落后容差", "依据"],
            rows,
            empty: "尚未配置统计口径，按系统默认口径计算。".into(),
        }],
        pager: None,
    };
    let mut res = render(&v);
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /supervision/rules`.
pub async fn rules(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
) -> PageResult {
    let blank = RuleForm {
        later_stages: "true".into(),
        basis: "month".into(),
        lag_margin_points: "0".into(),
        ..RuleForm::default()
    };
    rules_page(&s, &page, &blank, &[]).await
}

/// `POST /supervision/rules`.
pub async fn add_rule(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    req: axum::extract::Request,
) -> PageResult {
    use legalaid_domain::case::CaseType;
    use legalaid_domain::supervision::{Measure, PaceBasis, SupervisionRule};
    let f: RuleForm = crate::extract::CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let effective_from = chrono::NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d")
        .map_err(|_| errs.push(fault("effective_from", "请填写生效日期")))
        .ok();
    let event = Measure::parse(&f.event).or_else(|| {
        errs.push(fault("event", "请选择计件环节"));
        None
    });
    let basis = PaceBasis::parse(&f.basis).or_else(|| {
        errs.push(fault("basis", "请选择序时进度算法"));
        None
    });
    let margin = f
        .lag_margin_points
        .trim()
        .replace('−', "-")
        .parse::<i32>()
        .map_err(|_| errs.push(fault("lag_margin_points", "落后容差应为整数")))
        .ok();
    let case_types: Vec<CaseType> = f
        .case_types
        .iter()
        .filter_map(|t| CaseType::parse(t))
        .collect();
    if case_types.len() != f.case_types.len() {
        errs.push(fault("case_types", "案件类型不正确"));
    }
    let (Some(effective_from), Some(event), Some(basis), Some(margin), true) =
        (effective_from, event, basis, margin, errs.is_empty())
    else {
        return rules_page(&s, &page, &f, &errs).await;
    };
    let rule = SupervisionRule {
        effective_from,
        effective_to: None,
        event,
        case_types,
        later_stages: f.later_stages == "true",
        basis,
        lag_margin_points: margin,
        source: f.source.trim().to_owned(),
    };
    match uc::add_rule(&s.app, &page.ctx, &rule).await {
        Ok(()) => Ok(crate::html::see_other("/supervision/rules")),
        Err(AppError::Validation(errs)) => rules_page(&s, &page, &f, &errs).await,
        Err(e) => Err(page_error(e)),
    }
}
