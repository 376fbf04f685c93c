//! Duty lawyers (`/duty`): the roster of the workstations in courts,
//! procuratorates and detention houses, the help recorded, the forms to put a
//! lawyer on duty and to record help, and the subsidies per lawyer and month
//! (`/duty/subsidies`, with its CSV).

use super::{date, number, yuan};
use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Panel, PanelForm, PanelPage, Row};
use crate::html::{
    Action, Cell, Field, PageResult, Pager, Shell, export, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use legalaid_app::outreach::duty::{self as uc, HelpFilter, RosterFilter, RosterInput};
use legalaid_app::{AppError, Page, staff};
use legalaid_domain::outreach::duty::{HelpInput, HelpKind, HelpedRole};
use legalaid_domain::staff::StaffKind;
use legalaid_domain::{FieldError, RosterId, local_date};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct DutyQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    workstation_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct RosterForm {
    #[serde(default)]
    workstation_id: String,
    #[serde(default)]
    duty_date: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct HelpForm {
    #[serde(default)]
    workstation_id: String,
    #[serde(default)]
    helped_on: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    person_name: String,
    #[serde(default)]
    person_role: String,
    #[serde(default)]
    organ_name: String,
    #[serde(default)]
    organ_case_number: String,
    #[serde(default)]
    summary: String,
}

async fn duty_page(
    s: &AppState,
    page: &PageCtx,
    q: &DutyQuery,
    roster_form: Option<(&RosterForm, &[FieldError])>,
    help_form: Option<(&HelpForm, &[FieldError])>,
) -> Result<PanelPage, Response> {
    let ctx = &page.ctx;
    let mut errs = Vec::new();
    let today = local_date(s.app.clock.now());
    let f = RosterFilter {
        workstation_id: number(
            "workstation_id",
            q.workstation_id.as_deref().unwrap_or(""),
            &mut errs,
        ),
        staff_id: None,
        from: date("from", q.from.as_deref().unwrap_or(""), &mut errs)
            .or_else(|| Some(today - chrono::Duration::days(7))),
        to: date("to", q.to.as_deref().unwrap_or(""), &mut errs),
    };
    let p = Page::new(q.page, q.per_page);
    let (rows, total) = uc::roster(&s.app, ctx, &f, p).await.map_err(page_error)?;
    let (helps, help_total) = uc::helps(
        &s.app,
        ctx,
        &HelpFilter {
            workstation_id: f.workstation_id,
            ..HelpFilter::default()
        },
        Page::new(Some(1), Some(20)),
    )
    .await
    .map_err(page_error)?;
    let stations = uc::stations(&s.app, ctx).await.unwrap_or_default();
    let station_opts = || {
        std::iter::once((String::new(), "请选择".to_owned()))
            .chain(
                stations
                    .iter()
                    .map(|u| (u.id.0.to_string(), u.name.clone())),
            )
            .collect::<Vec<_>>()
    };
    let mut v = PanelPage::new(Shell::new(page, "值班律师", "/duty"), "值班律师法律帮助");
    v.actions.push(Action {
        href: "/duty/subsidies".into(),
        label: "值班补贴".into(),
    });
    let mut filters = Panel::new("筛选");
    let mut form = PanelForm::get("/duty", "筛选").group(
        "",
        vec![
            Field::new("workstation_id", "工作站", "select", "").options(
                station_opts(),
                &[q.workstation_id.clone().unwrap_or_default()],
            ),
            Field::new(
                "from",
                "值班日期起",
                "date",
                f.from.map(|d| d.to_string()).unwrap_or_default(),
            ),
            Field::new("to", "值班日期止", "date", q.to.clone().unwrap_or_default()),
        ],
    );
    if let Some(rest) = form.attach(&errs) {
        v.error = Some(rest);
    }
    filters.forms.push(form);
    v.panels.push(filters);
    if uc::can_manage(ctx) {
        let lawyers = staff::all(
            &s.app,
            ctx,
            &legalaid_app::filters::StaffFilter {
                kind: Some(StaffKind::Lawyer),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
        let empty = RosterForm::default();
        let (rf, rerrs) = roster_form.unwrap_or((&empty, &[]));
        let mut p = Panel::new("安排值班");
        p.lead =
            "同一律师同一天只能在一个工作站值班；安排后系统会以站内消息和短信通知律师。".into();
        let mut form = PanelForm::post("/duty/roster", "安排").group(
            "",
            vec![
                Field::new("workstation_id", "工作站", "select", "")
                    .required()
                    .options(station_opts(), std::slice::from_ref(&rf.workstation_id)),
                Field::new("duty_date", "值班日期", "date", rf.duty_date.clone()).required(),
                Field::new("staff_id", "值班律师", "select", "")
                    .required()
                    .options(
                        std::iter::once((String::new(), "请选择".to_owned())).chain(
                            lawyers
                                .iter()
                                .filter(|l| l.active)
                                .map(|l| (l.id.0.to_string(), l.name.clone())),
                        ),
                        std::slice::from_ref(&rf.staff_id),
                    ),
                Field::new("note", "备注", "text", rf.note.clone()),
            ],
        );
        if let Some(rest) = form.attach(rerrs) {
            v.error = Some(rest);
        }
        p.forms.push(form);
        v.panels.push(p);
    }
    {
        let empty = HelpForm {
            helped_on: today.to_string(),
            ..HelpForm::default()
        };
        let (hf, herrs) = help_form.unwrap_or((&empty, &[]));
        let one = |x: &str| vec![x.to_owned()];
        let mut p = Panel::new("登记法律帮助");
        p.lead = "值班律师在值班当日为犯罪嫌疑人、被告人提供法律帮助后登记。".into();
        let mut fields = vec![
            Field::new("workstation_id", "工作站", "select", "")
                .required()
                .options(station_opts(), &one(&hf.workstation_id)),
            Field::new("helped_on", "日期", "date", hf.helped_on.clone()).required(),
            Field::new("kind", "帮助类型", "select", "")
                .required()
                .options(
                    kind_options(HelpKind::ALL, HelpKind::as_str, HelpKind::label, "请选择"),
                    &one(&hf.kind),
                ),
            Field::new(
                "person_name",
                "受帮助人姓名",
                "text",
                hf.person_name.clone(),
            )
            .required(),
            Field::new("person_role", "身份", "select", "")
                .required()
                .options(
                    kind_options(
                        HelpedRole::ALL,
                        HelpedRole::as_str,
                        HelpedRole::label,
                        "请选择",
                    ),
                    &one(&hf.person_role),
                ),
            Field::new("organ_name", "办案机关", "text", hf.organ_name.clone()),
            Field::new(
                "organ_case_number",
                "办案机关案号",
                "text",
                hf.organ_case_number.clone(),
            ),
            Field::new("summary", "帮助情况", "textarea", hf.summary.clone()),
        ];
        if uc::can_manage(ctx) {
            fields.insert(
                2,
                Field::new(
                    "staff_id",
                    "值班律师（员工编号）",
                    "text",
                    hf.staff_id.clone(),
                )
                .hint("律师本人登记时不填"),
            );
        }
        let mut form = PanelForm::post("/duty/help", "登记").group("", fields);
        if let Some(rest) = form.attach(herrs) {
            v.error = Some(rest);
        }
        p.forms.push(form);
        v.panels.push(p);
    }
    let manage = uc::can_manage(ctx);
    v.blocks.push(Block {
        title: format!("值班表（{total}）"),
        headers: vec!["值班日期", "工作站", "设立单位", "值班律师", "备注", ""],
        rows: rows
            .iter()
            .map(|l| Row {
                class: if l.roster.duty_date == today {
                    "due-soon"
                } else {
                    ""
                },
                cells: vec![
                    Cell::text(l.roster.duty_date.to_string()),
                    Cell::text(l.workstation_name.clone()),
                    Cell::text(l.host.map_or("—", |h| h.label())),
                    Cell::text(l.staff_name.clone()),
                    Cell::text(l.roster.note.clone()),
                    if manage && l.roster.duty_date >= today {
                        Cell::link("取消", format!("/duty/roster/{}/remove", l.roster.id))
                    } else {
                        Cell::text("")
                    },
                ],
            })
            .collect(),
        empty:
            "所选期间没有值班安排。中心或工作站工作人员在“安排值班”中安排后，值班表会显示在这里。"
                .into(),
    });
    v.blocks.push(Block {
        title: format!("法律帮助记录（最近{}条，共{help_total}条）", helps.len()),
        headers: vec![
            "日期",
            "工作站",
            "值班律师",
            "类型",
            "受帮助人",
            "办案机关案号",
        ],
        rows: helps
            .iter()
            .map(|h| Row {
                class: "",
                cells: vec![
                    Cell::text(h.help.helped_on.to_string()),
                    Cell::text(h.workstation_name.clone()),
                    Cell::text(h.staff_name.clone()),
                    Cell::text(h.help.kind.label()),
                    Cell::text(format!(
                        "{}（{}）",
                        h.help.person_name,
                        h.help.person_role.label()
                    )),
                    Cell::text(h.help.organ_case_number.clone()),
                ],
            })
            .collect(),
        empty: "还没有法律帮助记录。".into(),
    });
    let query = query_string(&[
        ("workstation_id", q.workstation_id.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
    ]);
    v.pager = Some(Pager::new("/duty", &query, p, total));
    Ok(v)
}

pub async fn index(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<DutyQuery>,
) -> PageResult {
    Ok(duty_page(&s, &page, &q, None, None).await?.respond(false))
}

pub async fn add_roster(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: RosterForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = RosterInput {
        workstation_id: number("workstation_id", &f.workstation_id, &mut errs),
        duty_date: date("duty_date", &f.duty_date, &mut errs),
        staff_id: number("staff_id", &f.staff_id, &mut errs),
        note: f.note.clone(),
    };
    let result = if errs.is_empty() {
        uc::add(&s.app, &page.ctx, &input).await.map(|_| ())
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(()) => Ok(see_other("/duty")),
        Err(AppError::Validation(errs)) => {
            let v = duty_page(&s, &page, &DutyQuery::default(), Some((&f, &errs)), None).await?;
            Ok(v.respond(true))
        }
        Err(AppError::Duplicate { field, message }) => {
            let errs = vec![FieldError { field, message }];
            let v = duty_page(&s, &page, &DutyQuery::default(), Some((&f, &errs)), None).await?;
            let mut res = v.respond(false);
            *res.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}

/// The confirmation page of taking a lawyer off the roster.
pub async fn remove_page(
    State(_s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: RosterId = parse_id(&id)?;
    let mut v = PanelPage::new(Shell::new(&page, "取消值班", "/duty"), "取消值班安排");
    let mut p = Panel::new("确认");
    p.lead = "取消后该律师当日不再值班；已登记法律帮助的值班日不能取消。".into();
    p.forms.push(PanelForm::post(
        format!("/duty/roster/{id}/remove"),
        "确认取消",
    ));
    v.panels.push(p);
    Ok(v.respond(false))
}

pub async fn remove_roster(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: RosterId = parse_id(&id)?;
    let _: std::collections::HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    uc::remove(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok(see_other("/duty"))
}

pub async fn record_help(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: HelpForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = HelpInput {
        workstation_id: number("workstation_id", &f.workstation_id, &mut errs),
        helped_on: date("helped_on", &f.helped_on, &mut errs),
        staff_id: number("staff_id", &f.staff_id, &mut errs),
        kind: f.kind.clone(),
        person_id: None,
        person_name: f.person_name.clone(),
        person_role: f.person_role.clone(),
        organ_name: f.organ_name.clone(),
        organ_case_number: f.organ_case_number.clone(),
        summary: f.summary.clone(),
    };
    let result = if errs.is_empty() {
        uc::record_help(&s.app, &page.ctx, &input).await.map(|_| ())
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(()) => Ok(see_other("/duty")),
        Err(AppError::Validation(errs)) => {
            let v = duty_page(&s, &page, &DutyQuery::default(), None, Some((&f, &errs))).await?;
            Ok(v.respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- subsidies

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

pub async fn subsidies(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> PageResult {
    let mut errs = Vec::new();
    let from = date("from", q.from.as_deref().unwrap_or(""), &mut errs);
    let to = date("to", q.to.as_deref().unwrap_or(""), &mut errs);
    if !errs.is_empty() {
        return Err(page_error(AppError::Validation(errs)));
    }
    let r = uc::subsidies(&s.app, &page.ctx, from, to, None)
        .await
        .map_err(page_error)?;
    let rates = uc::rates(&s.app, &page.ctx).await.unwrap_or_default();
    let mut v = PanelPage::new(Shell::new(&page, "值班补贴", "/duty"), "值班律师补贴");
    v.actions.push(Action {
        href: format!(
            "/duty/subsidies.csv{}",
            query_string(&[
                ("from", Some(r.from.to_string())),
                ("to", Some(r.to.to_string()))
            ])
        ),
        label: "导出CSV".into(),
    });
    let mut choose = Panel::new("统计期间");
    choose.lead = format!("{} 至 {}，合计 {} 元。", r.from, r.to, yuan(r.total_fen));
    choose
        .forms
        .push(PanelForm::get("/duty/subsidies", "统计").group(
            "",
            vec![
                Field::new("from", "起", "date", r.from.to_string()),
                Field::new("to", "止", "date", r.to.to_string()),
            ],
        ));
    v.panels.push(choose);
    v.blocks.push(Block {
        title: "按律师和月份".into(),
        headers: vec![
            "月份",
            "值班律师",
            "值班天数",
            "帮助件数",
            "值班补贴（元）",
            "按件补贴（元）",
            "合计（元）",
            "未定标准",
        ],
        rows: r
            .lines
            .iter()
            .map(|l| Row {
                class: if l.subsidy.unpriced.is_empty() {
                    ""
                } else {
                    "overdue"
                },
                cells: vec![
                    Cell::text(l.month.clone()),
                    Cell::text(l.staff_name.clone()),
                    Cell::text(l.subsidy.days.to_string()),
                    Cell::text(l.subsidy.matters.to_string()),
                    Cell::text(yuan(l.subsidy.days_fen)),
                    Cell::text(yuan(l.subsidy.matters_fen)),
                    Cell::text(yuan(l.subsidy.total_fen)),
                    Cell::text(l.subsidy.unpriced.join("；")),
                ],
            })
            .collect(),
        empty: "所选期间没有值班或法律帮助记录。".into(),
    });
    v.blocks.push(Block {
        title: "补贴标准".into(),
        headers: vec![
            "设立单位",
            "计算方式",
            "帮助类型",
            "金额（元）",
            "生效日期",
            "失效日期",
            "依据",
        ],
        rows: rates
            .iter()
            .map(|x| Row {
                class: "",
                cells: vec![
                    Cell::text(x.host.label()),
                    Cell::text(x.basis.label()),
                    Cell::text(x.help_kind.map_or("各类", |k| k.label())),
                    Cell::text(yuan(x.amount_fen)),
                    Cell::text(x.effective_from.to_string()),
                    Cell::text(x.effective_to.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::text(x.source.clone()),
                ],
            })
            .collect(),
        empty: "还没有值班补贴标准。".into(),
    });
    Ok(v.respond(false))
}

pub async fn subsidies_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> Result<Response, Response> {
    let mut errs = Vec::new();
    let from = date("from", q.from.as_deref().unwrap_or(""), &mut errs);
    let to = date("to", q.to.as_deref().unwrap_or(""), &mut errs);
    if !errs.is_empty() {
        return Err(page_error(AppError::Validation(errs)));
    }
    let r = uc::subsidies(&s.app, &page.ctx, from, to, None)
        .await
        .map_err(page_error)?;
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                l.month.clone(),
                l.staff_name.clone(),
                l.subsidy.days.to_string(),
                l.subsidy.matters.to_string(),
                yuan(l.subsidy.days_fen),
                yuan(l.subsidy.matters_fen),
                yuan(l.subsidy.total_fen),
                l.subsidy.unpriced.join("；"),
            ]
        })
        .collect();
    let rows = std::sync::Arc::new(rows);
    export::stream_csv(
        "duty-subsidies.csv",
        &[
            "月份",
            "值班律师",
            "值班天数",
            "帮助件数",
            "值班补贴（元）",
            "按件补贴（元）",
            "合计（元）",
            "未定标准",
        ],
        move |_: Option<()>| {
            let rows = rows.clone();
            async move { Ok((rows.as_ref().clone(), None)) }
        },
    )
    .await
    .map_err(page_error)
}
