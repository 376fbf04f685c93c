//! Pages for cases: the list (filters, the next running deadline, CSV export), the
//! hearing calendar and the signed-in user's inbox; and what the case pages share
//! (who works a case, short texts).
//!
//! The case page is `case_page.rs`; its action forms are `case_steps.rs`, the
//! assignment and the opening of a case `case_assign.rs`; the funding estimate
//! and the subsidy totals `funding.rs`.

pub(crate) mod assign;
pub(crate) mod funding;
pub(crate) mod page;
pub(crate) mod steps;

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, ListPage, PageResult, Pager, Shell, Table, export, kind_options,
    page_error, query_string, render, see_other, unit_names,
};
use axum::extract::{Request, State};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use legalaid_app::cases as uc;
use legalaid_app::filters::CaseFilter;
use legalaid_app::{Ctx, Page, outbox};
use legalaid_domain::case::{CaseStatus, CaseType, Stage, SubsidyStatus};
use legalaid_domain::local_date;
use legalaid_domain::role::Role;
use legalaid_domain::subsidy::yuan;
use serde::Deserialize;
use std::collections::HashMap;

// ---------------------------------------------------------------------------
// Who sees what.

pub(crate) fn any_role(ctx: &Ctx, roles: &[Role]) -> bool {
    ctx.actor
        .as_ref()
        .is_none_or(|a| a.has(Role::SystemAdmin) || roles.iter().any(|r| a.has(*r)))
}

/// Who works with cases (for the navigation): the center, the bureau, handlers,
/// quality reviewers and administrators. The list itself is scoped by the use case.
pub fn sees_cases(ctx: &Ctx) -> bool {
    any_role(
        ctx,
        &[
            Role::BureauSupervisor,
            Role::CenterReviewer,
            Role::CenterDirector,
            Role::Handler,
            Role::QualityReviewer,
        ],
    )
}

// ---------------------------------------------------------------------------
// Small shared texts.

pub(crate) use crate::html::panels::due_text;

/// "刑事·审判阶段（一审）"; a case handled as a whole shows only its type.
pub(crate) fn type_and_stage(t: CaseType, s: Stage) -> String {
    if s == Stage::Whole {
        t.label().to_owned()
    } else {
        format!("{}·{}", t.label(), s.label())
    }
}

pub(crate) fn money(fen: i64) -> String {
    format!("{}元", yuan(fen))
}

// ---------------------------------------------------------------------------
// The list and its export.

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    case_type: Option<String>,
    year: Option<String>,
    unit_id: Option<String>,
    handler_id: Option<String>,
    subsidy_status: Option<String>,
    open: Option<String>,
    page: Option<i64>,
    /// The keyset of the page (from the pager's next link); a mangled one is
    /// ignored and the numbered page is shown.
    after: Option<String>,
}

impl ListQuery {
    /// The filter, the query string that reproduces it (pager, export), and the
    /// message for a year out of range.
    fn filter(&self) -> (CaseFilter, String, Option<String>) {
        let pick = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        let id = |v: &Option<String>| {
            v.as_deref()
                .and_then(|x| x.trim().parse::<i64>().ok())
                .filter(|x| *x > 0)
        };
        let (year, year_error) = match pick(&self.year) {
            None => (None, None),
            Some(y) => match y.trim().parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => (Some(y), None),
                _ => (None, Some("年份应在2000至2100之间".to_owned())),
            },
        };
        let open = self.open.as_deref() == Some("true");
        let filter = CaseFilter {
            status: self.status.as_deref().and_then(CaseStatus::parse),
            unit_id: id(&self.unit_id),
            handler_id: id(&self.handler_id),
            year,
            case_type: self.case_type.as_deref().and_then(CaseType::parse),
            subsidy_status: self
                .subsidy_status
                .as_deref()
                .and_then(SubsidyStatus::parse),
            open,
        };
        let query = query_string(&[
            ("status", filter.status.map(|s| s.as_str().to_owned())),
            ("case_type", filter.case_type.map(|s| s.as_str().to_owned())),
            ("year", year.map(|y| y.to_string())),
            ("unit_id", filter.unit_id.map(|u| u.to_string())),
            ("handler_id", filter.handler_id.map(|u| u.to_string())),
            (
                "subsidy_status",
                filter.subsidy_status.map(|s| s.as_str().to_owned()),
            ),
            ("open", open.then(|| "true".to_owned())),
        ]);
        (filter, query, year_error)
    }
}

/// The choosers of the list's filters: the visible units, and the handlers the
/// list offers ([`uc::ListChoices`]), by name.
fn filter_fields(
    q: &ListQuery,
    choices: uc::ListChoices,
    year_error: Option<String>,
) -> Vec<Field> {
    let one = |v: &Option<String>| [v.clone().unwrap_or_default()];
    let uc::ListChoices {
        units: mut all_units,
        handlers: mut people,
        handlers_need_unit,
    } = choices;
    all_units.sort_by(|a, b| a.name.cmp(&b.name));
    let unit_opts = std::iter::once((String::new(), "全部单位".to_owned()))
        .chain(all_units.iter().map(|u| (u.id.to_string(), u.name.clone())));
    let handler_hint = if handlers_need_unit {
        "承办人较多，请先选择受理或承办单位并筛选，再选择承办人"
    } else {
        ""
    };
    people.sort_by(|a, b| a.name.cmp(&b.name));
    let names: std::collections::HashMap<i64, &str> = all_units
        .iter()
        .map(|u| (u.id.0, u.name.as_str()))
        .collect();
    let handler_opts =
        std::iter::once((String::new(), "全部承办人".to_owned())).chain(people.iter().map(|p| {
            (
                p.id.to_string(),
                format!("{}（{}）", p.name, names.get(&p.unit_id.0).unwrap_or(&"")),
            )
        }));
    let mut year = Field::new(
        "year",
        "立案年度",
        "number",
        q.year.clone().unwrap_or_default(),
    )
    .hint("如 2024");
    year.error = year_error;
    vec![
        Field::new("status", "状态", "select", "").options(
            kind_options(
                CaseStatus::ALL,
                CaseStatus::as_str,
                CaseStatus::label,
                "全部状态",
            ),
            &one(&q.status),
        ),
        Field::new("case_type", "案件类型", "select", "").options(
            kind_options(CaseType::ALL, CaseType::as_str, CaseType::label, "全部类型"),
            &one(&q.case_type),
        ),
        year,
        Field::new("unit_id", "受理或承办单位", "select", "").options(unit_opts, &one(&q.unit_id)),
        Field::new("handler_id", "承办人", "select", "")
            .options(handler_opts, &one(&q.handler_id))
            .hint(handler_hint),
        Field::new("subsidy_status", "办案补贴", "select", "").options(
            kind_options(
                SubsidyStatus::ALL,
                SubsidyStatus::as_str,
                SubsidyStatus::label,
                "全部",
            ),
            &one(&q.subsidy_status),
        ),
        Field::new(
            "open",
            "只看在办案件",
            "checkbox",
            if q.open.as_deref() == Some("true") {
                "true"
            } else {
                ""
            },
        ),
    ]
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let pg = Page::new(q.page, None);
    let (filter, query, year_error) = q.filter();
    let after = q.after.as_deref().and_then(uc::ListCursor::parse);
    let (listed, choices) = uc::list_page(&s.app, &page.ctx, &filter, pg, after)
        .await
        .map_err(page_error)?;
    let mut rows = Vec::with_capacity(listed.items.len());
    for i in &listed.items {
        let c = &i.case;
        let next = i
            .next_deadline
            .as_ref()
            .map(|d| format!("{} {}（{}）", d.label, due_text(d), d.state_label));
        rows.push(vec![
            Cell::link(c.number.clone(), format!("/cases/{}", c.id)),
            Cell::text(i.recipient_name.clone()),
            Cell::text(type_and_stage(c.case_type, c.stage)),
            Cell::text(c.status.label()),
            Cell::text(i.handling_unit.clone().unwrap_or_else(|| "—".into())),
            Cell::text(i.handler_name.clone().unwrap_or_else(|| "—".into())),
            Cell::text(next.unwrap_or_else(|| "—".into())),
        ]);
    }
    let filters = filter_fields(&q, choices, year_error);
    Ok(render(&ListPage {
        shell: Shell::new(&page, "法律援助案件", "/cases"),
        heading: "法律援助案件".into(),
        actions: {
            let mut a = vec![Action {
                href: "/hearings".into(),
                label: "开庭日历".into(),
            }];
            if uc::import::can_import(&page.ctx) {
                a.push(Action {
                    href: "/cases/import".into(),
                    label: "导入".into(),
                });
            }
            a
        },
        filters,
        export_href: Some(if query.is_empty() {
            "/cases/export.csv".to_owned()
        } else {
            format!("/cases/export.csv?{query}")
        }),
        table: Table {
            headers: vec![
                "案件编号",
                "受援人",
                "类型与阶段",
                "状态",
                "承办单位",
                "承办人",
                "最近期限",
            ],
            rows,
        },
        pager: Pager::keyset(
            "/cases",
            &query,
            pg,
            listed.total,
            listed.more_than.is_some(),
            listed.next,
        ),
        empty: if query.is_empty() {
            "还没有案件。申请决定给予法律援助（或收到办案机关的通知）后，在申请页面“立案”，案件即按立案时间列在这里，并标明最近的期限。".into()
        } else {
            "没有符合条件的案件。".into()
        },
    }))
}

/// The filtered list as CSV, every case of it, sent a batch at a time.
pub async fn export(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let (filter, _, _) = q.filter();
    let names = std::sync::Arc::new(unit_names(&s, &page).await);
    let header = [
        "案件编号",
        "立案日期",
        "受援人",
        "案件类型",
        "诉讼阶段",
        "状态",
        "受理单位",
        "承办单位",
        "承办人",
        "指派日期",
        "事项办结日期",
        "质量等级",
        "补贴状态",
        "补贴金额（元）",
        "补贴发放日期",
    ];
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    let next = move |after: Option<(DateTime<Utc>, i64)>| {
        let (app, ctx, filter, names) = (app.clone(), ctx.clone(), filter.clone(), names.clone());
        async move {
            let items = uc::list_batch(&app, &ctx, &filter, after, export::BATCH).await?;
            let cursor = if items.len() < usize::try_from(export::BATCH).unwrap_or(usize::MAX) {
                None
            } else {
                items.last().map(|i| (i.case.created_at, i.case.id.0))
            };
            Ok((items.iter().map(|i| case_row(i, &names)).collect(), cursor))
        }
    };
    export::stream_csv("cases.csv", &header, next)
        .await
        .map_err(page_error)
}

/// One case of the list as a row of the CSV export.
fn case_row(i: &uc::ListItem, names: &HashMap<i64, String>) -> Vec<String> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let c = &i.case;
    vec![
        c.number.clone(),
        local_date(c.created_at).to_string(),
        i.recipient_name.clone(),
        c.case_type.label().to_owned(),
        c.stage.label().to_owned(),
        c.status.label().to_owned(),
        names.get(&c.intake_unit_id).cloned().unwrap_or_default(),
        i.handling_unit.clone().unwrap_or_default(),
        i.handler_name.clone().unwrap_or_default(),
        date(c.assigned_at.map(local_date)),
        date(c.ended_on),
        c.grade.label().to_owned(),
        c.subsidy_status.label().to_owned(),
        c.subsidy_fen
            .map(|f| yuan(f).replace(',', ""))
            .unwrap_or_default(),
        date(c.subsidy_paid_on),
    ]
}

// ---------------------------------------------------------------------------
// The hearing calendar.

/// A page number, for pages with one paged table.
#[derive(Deserialize, Default)]
pub struct PageNo {
    page: Option<i64>,
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

/// Hearings of the past 7 and the next 60 days in the caller's scope, by day,
/// 200 a page.
pub async fn hearings(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PageNo>,
) -> PageResult {
    let now = s.app.clock.now();
    let today = local_date(now);
    let from = today - Duration::days(7);
    let pg = Page::new(q.page, Some(200));
    let (list, total) = uc::hearings(&s.app, &page.ctx, from, 68, pg)
        .await
        .map_err(page_error)?;
    let mut p = PanelPage::new(Shell::new(&page, "开庭日历", "/hearings"), "开庭日历");
    p.pager = Some(Pager::new("/hearings", "", pg, total));
    p.badge = format!("{from} 至 {}", today + Duration::days(60));
    for h in &list {
        let t = legalaid_domain::local_time(h.starts_at);
        let day = t.date();
        let title = format!(
            "{day} {}{}",
            WEEKDAYS[day.weekday().num_days_from_monday() as usize],
            if day == today { "（今天）" } else { "" }
        );
        let row = Row {
            class: if h.starts_at < now { "met" } else { "" },
            cells: vec![
                Cell::text(t.format("%H:%M").to_string()),
                Cell::link(h.case_number.clone(), format!("/cases/{}", h.case_id)),
                Cell::text(or_dash(&h.place)),
                Cell::text(or_dash(&h.note)),
            ],
        };
        match p.blocks.last_mut().filter(|b| b.title == title) {
            Some(b) => b.rows.push(row),
            None => p.blocks.push(Block {
                title,
                headers: vec!["时间", "案件", "地点", "说明"],
                rows: vec![row],
                empty: String::new(),
            }),
        }
    }
    if !list.is_empty() {
        let mut panel = Panel::new("");
        panel.links.push(Action {
            href: "/hearings/export.csv".into(),
            label: "导出CSV".into(),
        });
        p.panels.push(panel);
    }
    if p.blocks.is_empty() {
        p.blocks.push(Block {
            title: "开庭安排".into(),
            headers: vec![],
            rows: vec![],
            empty: "最近7天和今后60天没有开庭安排。承办人登记办理进展时填写开庭时间，开庭安排即显示在这里，系统在开庭前提醒受援人和承办人。".into(),
        });
    }
    Ok(p.respond(false))
}

/// The hearing calendar as CSV (same period and scope as the page), every
/// hearing of it, sent a batch at a time.
pub async fn hearings_csv(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let today = local_date(s.app.clock.now());
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    let next = move |at: Option<i64>| {
        let (app, ctx) = (app.clone(), ctx.clone());
        async move {
            let pg = Page {
                page: at.unwrap_or(1),
                per_page: export::BATCH,
            };
            let (list, total) = uc::hearings(&app, &ctx, today - Duration::days(7), 68, pg).await?;
            let rows = list
                .iter()
                .map(|h| {
                    vec![
                        legalaid_domain::local_time(h.starts_at)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                        h.case_number.clone(),
                        h.place.clone(),
                        h.note.clone(),
                    ]
                })
                .collect();
            let more = !list.is_empty() && pg.page * pg.per_page < total;
            Ok((rows, more.then_some(pg.page + 1)))
        }
    };
    export::stream_csv(
        "hearings.csv",
        &["开庭时间", "案件编号", "地点", "说明"],
        next,
    )
    .await
    .map_err(page_error)
}

// ---------------------------------------------------------------------------
// The inbox.

/// The signed-in user's in-app messages, newest first, 50 a page; unread ones
/// stand out.
pub async fn inbox(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PageNo>,
) -> PageResult {
    let pg = Page::new(q.page, Some(50));
    let outbox::Inbox {
        items,
        total,
        unread,
    } = outbox::inbox(&s.app, &page.ctx, pg)
        .await
        .map_err(page_error)?;
    let mut p = PanelPage::new(Shell::new(&page, "站内消息", "/messages"), "站内消息");
    p.pager = Some(Pager::new("/messages", "", pg, total));
    if unread > 0 {
        p.badge = format!("未读{unread}条");
        let mut panel = Panel::new("");
        panel
            .forms
            .push(PanelForm::post("/messages/read", "全部标为已读"));
        p.panels.push(panel);
    }
    p.blocks.push(Block {
        title: "消息".into(),
        headers: vec!["时间", "事项", "内容", "案件", "状态"],
        rows: items
            .iter()
            .map(|m| Row {
                class: if m.read_at.is_none() { "unread" } else { "" },
                cells: vec![
                    Cell::text(china(m.created_at)),
                    Cell::text(if m.subject.is_empty() {
                        m.kind.label().to_owned()
                    } else {
                        m.subject.clone()
                    }),
                    Cell::text(m.body.clone()),
                    match m.case_id {
                        Some(id) => Cell::link("查看案件", format!("/cases/{id}")),
                        None => match m.application_id {
                            Some(id) => Cell::link("查看申请", format!("/applications/{id}")),
                            None => Cell::text("—"),
                        },
                    },
                    Cell::text(match m.read_at {
                        Some(t) => format!("已读（{}）", china(t)),
                        None => "未读".into(),
                    }),
                ],
            })
            .collect(),
        empty: if total > 0 {
            format!("第{}页没有消息（共{total}条）。", pg.page)
        } else {
            "没有站内消息。指派、办理进展、更换承办人、结案和补贴发放等事项的告知会发到这里。"
                .into()
        },
    });
    Ok(p.respond(false))
}

#[derive(Deserialize, Default)]
pub struct NoFields {}

pub async fn mark_read(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let _: NoFields = CsrfForm::parse(req, &page.csrf).await?;
    outbox::mark_read(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    Ok(see_other("/messages"))
}
