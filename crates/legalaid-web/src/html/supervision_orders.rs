//! Supervision orders (`/supervision/orders`, 督办): the list of the orders the
//! caller deals with, the form that issues one from a lagging line of the
//! dashboard (with the indicator's data as of today), and an order's page with
//! its history, the unit's answer, the bureau's decision (办结, 退回, 升级) and
//! the 督办通知书.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, field_error};
use crate::html::{
    Action, Cell, Field, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::supervision::orders::{self as uc, Decision, OrderAction, OrderView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::FieldError;
use legalaid_domain::SupervisionOrderId;
use legalaid_domain::supervision::order::{Indicator, OrderInput};
use legalaid_domain::unit::UnitKind;
use serde::Deserialize;

/// Whether the caller deals with supervision orders (the nav link).
pub fn sees_orders(ctx: &Ctx) -> bool {
    uc::sees_orders(ctx)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    open: Option<String>,
    unit: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let open = q.open.as_deref().is_some_and(|v| !v.is_empty());
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(parse_id::<i64>(u)?),
        None => None,
    };
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, open, unit, p)
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let mut v = PanelPage::new(
        Shell::new(&page, "督办事项", "/supervision/orders"),
        "督办事项",
    );
    if uc::can_issue(&page.ctx) {
        v.actions.push(Action {
            href: "/supervision".into(),
            label: "从办案进度选择落后单位".into(),
        });
    }
    v.actions.push(if open {
        Action {
            href: "/supervision/orders".into(),
            label: "显示全部".into(),
        }
    } else {
        Action {
            href: "/supervision/orders?open=1".into(),
            label: "只看未办结的".into(),
        }
    });
    v.blocks.push(Block {
        title: if open {
            "未办结的督办".into()
        } else {
            "督办事项".into()
        },
        headers: vec!["督办对象", "督办事项", "方式", "下达日期", "期限", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let o = &l.order;
                let late = o.status.is_overdue(o.deadline, today);
                Row {
                    class: if late { "overdue" } else { "" },
                    cells: vec![
                        Cell::link(
                            l.target_unit_name.clone(),
                            format!("/supervision/orders/{}", o.id),
                        ),
                        Cell::text(format!("{}年{}", o.year, o.indicator.label())),
                        Cell::text(o.escalation.label()),
                        Cell::text(o.issued_on.to_string()),
                        Cell::text(if late {
                            format!("{}（已逾期）", o.deadline)
                        } else {
                            o.deadline.to_string()
                        }),
                        Cell::text(o.status.label()),
                    ],
                }
            })
            .collect(),
        empty: if uc::can_issue(&page.ctx) {
            "没有督办事项。落后于序时进度的单位可在“办案进度”中下达督办。".into()
        } else {
            "没有督办事项。".into()
        },
    });
    let query = query_string(&[("open", q.open.clone()), ("unit", q.unit.clone())]);
    v.pager = Some(Pager::new("/supervision/orders", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    unit: Option<String>,
    /// A region's line: the order goes to its justice bureau.
    region: Option<String>,
    year: Option<String>,
    indicator: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct IssueForm {
    #[serde(default)]
    target_unit_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    deadline: String,
}

/// The suggested requirement for an indicator (editable).
fn suggested(i: Indicator) -> &'static str {
    match i {
        Indicator::Progress => {
            "分析进度落后的原因，倒排工期、挂图作战，加大案件受理和指派力度，确保按序时进度完成年度目标任务。"
        }
        Indicator::ConclusionRate => {
            "逐案梳理未结案件，督促承办人员加快办理，对超期未结的说明原因并限期结案。"
        }
        Indicator::ArchiveRate => {
            "督促承办人员在结案后及时提交结案材料并归档，逐件核对未归档案件并限期归档。"
        }
        Indicator::SubsidyRate => "核对应发未发的办案补贴，按规定及时发放。",
    }
}

/// The issue page: the unit, the figures of each indicator today, and the form.
async fn issue_page(
    s: &AppState,
    page: &PageCtx,
    f: &IssueForm,
    errors: &[FieldError],
) -> PageResult {
    let unit_id = parse_id::<i64>(&f.target_unit_id)?;
    let target = legalaid_app::units::get(&s.app, &page.ctx, legalaid_domain::UnitId(unit_id))
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let year = f.year.trim().parse::<i32>().unwrap_or_else(|_| {
        use chrono::Datelike;
        today.year()
    });
    let mut facts = Panel::new(&format!("{}：{year}年数据（截至今天）", target.name));
    for i in Indicator::ALL {
        match uc::figures_of(&s.app, &page.ctx, &target, year, today, *i).await {
            Ok(fig) => facts.facts.push(Fact::new(
                if fig.behind {
                    format!("{}（落后）", i.label())
                } else {
                    i.label().to_owned()
                },
                fig.sentence(),
            )),
            Err(e) => return Err(page_error(e)),
        }
    }
    facts.note = "督办下达时，系统按今天的数据记录所选督办事项的指标，写入督办通知书。只有落后的事项可以督办。".into();
    let one = |v: &str| vec![v.to_owned()];
    let mut form = PanelForm::post("/supervision/orders", "下达督办")
        .hidden("target_unit_id", f.target_unit_id.clone())
        .hidden("year", year.to_string())
        .group(
            "",
            vec![
                Field::new("indicator", "督办事项", "select", "")
                    .required()
                    .options(
                        kind_options(
                            Indicator::ALL,
                            Indicator::as_str,
                            Indicator::label,
                            "请选择",
                        ),
                        &one(&f.indicator),
                    ),
                Field::new("requirement", "督办要求", "textarea", f.requirement.clone()).required(),
                Field::new("deadline", "办理期限", "date", f.deadline.clone())
                    .required()
                    .hint("今天以后90日内；逾期未反馈的将升级为专项督查、约谈"),
            ],
        );
    let mut v = PanelPage::new(
        Shell::new(page, "下达督办", "/supervision/orders"),
        "下达督办",
    );
    if !errors.is_empty() {
        v.error = Some(
            form.attach(errors)
                .unwrap_or_else(|| "请修改后重新提交".into()),
        );
    }
    let mut p = Panel::new("督办通知");
    p.forms.push(form);
    v.panels = vec![facts, p];
    v.actions.push(Action {
        href: format!("/supervision?unit={unit_id}&year={year}"),
        label: "返回办案进度".into(),
    });
    Ok(v.respond(!errors.is_empty()))
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    if !uc::can_issue(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let unit = match (q.unit.as_deref(), q.region.as_deref()) {
        (Some(u), _) if !u.trim().is_empty() => u.trim().to_owned(),
        (_, Some(r)) if !r.trim().is_empty() => {
            // A region's line: its justice bureau.
            let units = legalaid_app::units::all_visible(&s.app, &page.ctx)
                .await
                .map_err(page_error)?;
            units
                .iter()
                .find(|u| u.kind == UnitKind::JusticeBureau && u.region_code.as_str() == r.trim())
                .map(|u| u.id.0.to_string())
                .ok_or_else(|| page_error(AppError::NotFound))?
        }
        _ => return Err(page_error(AppError::NotFound)),
    };
    let indicator = q
        .indicator
        .as_deref()
        .and_then(Indicator::parse)
        .unwrap_or(Indicator::Progress);
    let today = legalaid_domain::local_date(s.app.clock.now());
    let f = IssueForm {
        target_unit_id: unit,
        year: q.year.clone().unwrap_or_default(),
        indicator: indicator.as_str().into(),
        requirement: suggested(indicator).into(),
        deadline: (today + chrono::Duration::days(15)).to_string(),
    };
    issue_page(&s, &page, &f, &[]).await
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: IssueForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let target = match f.target_unit_id.trim().parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errs.push(field_error("target_unit_id", "督办单位编号不正确"));
            None
        }
    };
    let deadline = match chrono::NaiveDate::parse_from_str(f.deadline.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) if f.deadline.trim().is_empty() => None,
        Err(_) => {
            errs.push(field_error("deadline", "日期格式应为 YYYY-MM-DD"));
            None
        }
    };
    let year = f.year.trim().parse::<i32>().ok();
    if target.is_none() {
        return Err(page_error(AppError::NotFound));
    }
    if !errs.is_empty() {
        return issue_page(&s, &page, &f, &errs).await;
    }
    let input = OrderInput {
        target_unit_id: target,
        year,
        indicator: f.indicator.clone(),
        requirement: f.requirement.clone(),
        deadline,
    };
    match uc::issue(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/supervision/orders/{}", v.order.id))),
        Err(AppError::Validation(errs)) => issue_page(&s, &page, &f, &errs).await,
        Err(AppError::Duplicate { field, message }) => {
            // The loser of a race, or a second order while one is open: the
            // form again, as 409.
            let mut res = issue_page(&s, &page, &f, &[field_error(&field, &message)]).await?;
            *res.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}

fn page_of(page: &PageCtx, v: &OrderView, errors: &[FieldError]) -> PanelPage {
    let o = &v.order;
    let base = format!("/supervision/orders/{}", o.id);
    let title = format!("督办：{}", v.target_unit);
    let mut out = PanelPage::new(Shell::new(page, &title, "/supervision/orders"), title);
    out.badge = format!("{} · {}", o.escalation.label(), o.status.label());
    let mut facts = Panel::new("督办通知");
    facts.class = if v.overdue { "verdict-ineligible" } else { "" };
    facts.lead = v.figures.sentence();
    facts.facts = vec![
        Fact::new("下达单位", v.issuing_unit.clone()),
        Fact::new("督办对象", v.target_unit.clone()),
        Fact::new("督办事项", format!("{}年{}", o.year, o.indicator.label())),
        Fact::new("督办方式", o.escalation.label()),
        Fact::new("下达日期", o.issued_on.to_string()),
        Fact::new(
            "办理期限",
            if v.overdue {
                format!("{}（已逾期）", o.deadline)
            } else {
                o.deadline.to_string()
            },
        ),
    ];
    if v.figures != o.figures {
        facts
            .facts
            .push(Fact::new("下达时的数据", o.figures.sentence()));
    }
    facts.lists.push(crate::html::panels::SentenceList {
        title: "督办要求".into(),
        items: vec![o.requirement.clone()],
    });
    facts.links = vec![
        Action {
            href: format!("{base}/documents/supervision_notice?format=pdf"),
            label: "督办通知书（PDF）".into(),
        },
        Action {
            href: format!("{base}/documents/supervision_notice?format=docx"),
            label: "督办通知书（Word）".into(),
        },
    ];
    out.panels.push(facts);
    let mut work = Panel::new("办理");
    let version = o.version.to_string();
    let deadline_field = || {
        Field::new("deadline", "新的办理期限", "date", "")
            .required()
            .hint("今天以后90日内")
    };
    for a in &v.actions {
        let mut form = match a {
            OrderAction::Answer => PanelForm::post(format!("{base}/answer"), "提交落实情况")
                .hidden("version", version.clone())
                .group(
                    "",
                    vec![Field::new("measures", "落实情况和采取的措施", "textarea", "").required()],
                ),
            OrderAction::Close => PanelForm::post(format!("{base}/close"), "审核通过，办结")
                .hidden("version", version.clone())
                .group("办结", vec![Field::new("note", "审核意见", "textarea", "")]),
            OrderAction::Return => PanelForm::post(format!("{base}/return"), "退回重新落实")
                .hidden("version", version.clone())
                .group(
                    "退回",
                    vec![
                        Field::new("note", "仍需落实的事项", "textarea", "").required(),
                        deadline_field(),
                    ],
                ),
            OrderAction::Escalate => {
                let next = o.escalation.up().map_or("", |l| l.label());
                PanelForm::post(format!("{base}/escalate"), &format!("升级为{next}"))
                    .hidden("version", version.clone())
                    .group(
                        &format!("升级为{next}"),
                        vec![
                            Field::new("note", "安排（时间、对象和事由）", "textarea", "")
                                .required(),
                            deadline_field(),
                        ],
                    )
            }
        };
        if !errors.is_empty()
            && let Some(rest) = form.attach(errors)
        {
            out.error = Some(rest);
        }
        work.forms.push(form);
    }
    if work.forms.is_empty() {
        work.lead = if o.status.awaits_unit() {
            "等待督办对象反馈落实情况。".into()
        } else if o.status.is_open() {
            "等待司法局审核落实情况。".into()
        } else {
            "该督办事项已办结。".into()
        };
    }
    out.panels.push(work);
    out.blocks.push(Block {
        title: "办理经过".into(),
        headers: vec!["时间", "环节", "方式", "办理人", "内容", "期限"],
        rows: v
            .steps
            .iter()
            .map(|s| Row {
                class: "",
                cells: vec![
                    Cell::text(china(s.step.created_at)),
                    Cell::text(s.label),
                    Cell::text(s.step.escalation.label()),
                    Cell::text(s.by.clone()),
                    Cell::text(if s.step.note.is_empty() {
                        "—".to_owned()
                    } else {
                        s.step.note.clone()
                    }),
                    Cell::text(
                        s.step
                            .deadline
                            .map_or_else(|| "—".into(), |d| d.to_string()),
                    ),
                ],
            })
            .collect(),
        empty: "没有办理记录。".into(),
    });
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(page_of(&page, &v, &[]).respond(false))
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    deadline: String,
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: SupervisionOrderId,
    req: Request,
    which: OrderAction,
) -> PageResult {
    let f: StepForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let deadline = chrono::NaiveDate::parse_from_str(f.deadline.trim(), "%Y-%m-%d").ok();
    let r = match which {
        OrderAction::Answer => uc::answer(&s.app, &page.ctx, id, version, &f.measures).await,
        OrderAction::Close => {
            uc::decide(
                &s.app,
                &page.ctx,
                id,
                version,
                Decision::Close,
                &f.note,
                None,
            )
            .await
        }
        OrderAction::Return => {
            uc::decide(
                &s.app,
                &page.ctx,
                id,
                version,
                Decision::Return,
                &f.note,
                deadline,
            )
            .await
        }
        OrderAction::Escalate => {
            uc::decide(
                &s.app,
                &page.ctx,
                id,
                version,
                Decision::Escalate,
                &f.note,
                deadline,
            )
            .await
        }
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/supervision/orders/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(page, &v, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn answer(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OrderAction::Answer).await
}

pub async fn close(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OrderAction::Close).await
}

pub async fn return_(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OrderAction::Return).await
}

pub async fn escalate(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OrderAction::Escalate).await
}
