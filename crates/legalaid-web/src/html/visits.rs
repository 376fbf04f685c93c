//! Follow-up visits (`/visits`): the list with its filters, the form that records
//! a visit (from a case or a plan), a visit's page with its fee alert and the
//! handling form, the plans of a period, and the figures.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, field_error};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use chrono::{Datelike, NaiveDate};
use legalaid_app::quality::visits::{self as uc, ListFilter, PlanInput, RecordInput, VisitView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::FieldError;
use legalaid_domain::followup::{
    CallOutcome, EvaluationItem, RatingInput, Satisfaction, VisitFigures, VisitInput, VisitMode,
    VisitTiming,
};
use serde::Deserialize;

/// Whether the caller works with visits (the nav link).
pub fn sees_visits(ctx: &Ctx) -> bool {
    uc::can_read(ctx)
}

fn date(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(field_error(field, "日期格式应为 YYYY-MM-DD"));
            None
        }
    }
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    alerts: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let mut errs = Vec::new();
    let f = ListFilter {
        from: date("from", q.from.as_deref().unwrap_or(""), &mut errs),
        to: date("to", q.to.as_deref().unwrap_or(""), &mut errs),
        open_alerts: q.alerts.as_deref().is_some_and(|v| !v.is_empty()),
        case_id: None,
    };
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, &f, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(&page, "回访", "/visits"), "回访受援人");
    v.actions.push(Action {
        href: "/visits/plans".into(),
        label: "回访计划".into(),
    });
    v.actions.push(Action {
        href: "/visits/figures".into(),
        label: "回访统计".into(),
    });
    let mut filters = Panel::new("筛选");
    let mut form = PanelForm::get("/visits", "筛选").group(
        "",
        vec![
            Field::new(
                "from",
                "回访日期起",
                "date",
                q.from.clone().unwrap_or_default(),
            ),
            Field::new("to", "回访日期止", "date", q.to.clone().unwrap_or_default()),
            Field::new("alerts", "违规收费线索", "select", "").options(
                [
                    (String::new(), "全部回访".to_owned()),
                    ("1".to_owned(), "只看未处理的线索".to_owned()),
                ],
                &[q.alerts.clone().unwrap_or_default()],
            ),
        ],
    );
    if let Some(rest) = form.attach(&errs) {
        v.error = Some(rest);
    }
    filters.forms.push(form);
    v.panels.push(filters);
    v.blocks.push(Block {
        title: format!("回访记录（{total}）"),
        headers: vec![
            "回访日期",
            "案件",
            "承办人",
            "方式",
            "结果",
            "总体评价",
            "线索",
        ],
        rows: items
            .iter()
            .map(|l| {
                let x = &l.visit;
                Row {
                    class: if x.alert_open() { "overdue" } else { "" },
                    cells: vec![
                        Cell::link(x.visited_on.to_string(), format!("/visits/{}", x.id)),
                        Cell::text(l.case_number.clone()),
                        Cell::text(l.handler_name.clone().unwrap_or_default()),
                        Cell::text(x.mode.label()),
                        Cell::text(x.outcome.label()),
                        Cell::text(x.overall.map_or("—", |r| r.label())),
                        Cell::text(match (x.alert_raised, x.alert_handled) {
                            (false, _) => "",
                            (true, false) => "违规收费线索（待处理）",
                            (true, true) => "违规收费线索（已处理）",
                        }),
                    ],
                }
            })
            .collect(),
        empty: "还没有回访记录。回访受援人后，从案件或回访计划进入“记录回访”，记录会显示在这里。"
            .into(),
    });
    let query = query_string(&[
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("alerts", q.alerts.clone()),
    ]);
    v.pager = Some(Pager::new("/visits", &query, p, total));
    Ok(v.respond(!errs.is_empty()))
}

// ---------------------------------------------------------------- new visit

#[derive(Deserialize, Default, Clone)]
pub struct VisitForm {
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    timing: String,
    #[serde(default)]
    visited_on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    r_service_attitude: String,
    #[serde(default)]
    r_communication: String,
    #[serde(default)]
    r_rights_protection: String,
    #[serde(default)]
    r_case_result: String,
    #[serde(default)]
    r_overall: String,
    #[serde(default)]
    fee_asked: String,
    #[serde(default)]
    fee_paid: String,
    #[serde(default)]
    fee_detail: String,
    #[serde(default)]
    on_time: String,
    #[serde(default)]
    notes: String,
}

impl VisitForm {
    fn ratings(&self) -> [(EvaluationItem, &str); 5] {
        [
            (EvaluationItem::ServiceAttitude, &self.r_service_attitude),
            (EvaluationItem::Communication, &self.r_communication),
            (EvaluationItem::RightsProtection, &self.r_rights_protection),
            (EvaluationItem::CaseResult, &self.r_case_result),
            (EvaluationItem::Overall, &self.r_overall),
        ]
    }
}

fn yes_no(name: &'static str, label: &str, value: &str, unknown: Option<&str>) -> Field {
    let mut opts = Vec::new();
    if let Some(u) = unknown {
        opts.push((String::new(), u.to_owned()));
    }
    opts.push(("false".to_owned(), "否".to_owned()));
    opts.push(("true".to_owned(), "是".to_owned()));
    Field::new(name, label, "select", "").options(opts, &[value.to_owned()])
}

fn visit_form(page: &PageCtx, case_number: &str, f: &VisitForm) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    let mut fields = vec![
        Field::new("case_id", "", "hidden", f.case_id.clone()),
        Field::new("plan_id", "", "hidden", f.plan_id.clone()),
        Field::new("mode", "回访方式", "select", "")
            .required()
            .options(
                kind_options(
                    VisitMode::ALL,
                    VisitMode::as_str,
                    VisitMode::label,
                    "请选择",
                ),
                &one(&f.mode),
            ),
        Field::new("timing", "回访时段", "select", "")
            .required()
            .options(
                kind_options(
                    VisitTiming::ALL,
                    VisitTiming::as_str,
                    VisitTiming::label,
                    "请选择",
                ),
                &one(&f.timing),
            ),
        Field::new("visited_on", "回访日期", "date", f.visited_on.clone()).required(),
        Field::new("outcome", "回访结果", "select", "")
            .required()
            .options(
                kind_options(
                    CallOutcome::ALL,
                    CallOutcome::as_str,
                    CallOutcome::label,
                    "请选择",
                ),
                &one(&f.outcome),
            ),
    ];
    for (i, (item, value)) in f.ratings().iter().enumerate() {
        let name = format!("r_{}", item.as_str());
        let mut field = Field::new(name, item.label(), "select", "").options(
            kind_options(
                Satisfaction::ALL,
                Satisfaction::as_str,
                Satisfaction::label,
                "未评价",
            ),
            &one(value),
        );
        if i == 0 {
            field = field.hint("接通的回访须评价每一项；未接通的不评价");
        }
        fields.push(field);
    }
    fields.extend([
        yes_no("fee_asked", "承办人是否索要财物", &f.fee_asked, None),
        yes_no("fee_paid", "受援人是否向承办人支付财物", &f.fee_paid, None),
        Field::new(
            "fee_detail",
            "索要或收受财物的情况",
            "textarea",
            f.fee_detail.clone(),
        )
        .hint("任一为“是”时必填：时间、名目、金额。《法律援助法》第二十条禁止收取任何财物"),
        yes_no(
            "on_time",
            "承办人是否按时出庭或参加调解",
            &f.on_time,
            Some("不清楚"),
        ),
        Field::new("notes", "回访记录", "textarea", f.notes.clone()).hint("受援人的意见和建议等"),
    ]);
    FormPage {
        shell: Shell::new(page, "记录回访", "/visits"),
        heading: format!("记录回访：{case_number}"),
        action: "/visits".into(),
        submit: "保存".into(),
        cancel: "/visits".into(),
        error: None,
        fields,
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    case: Option<String>,
    plan: Option<String>,
}

fn opt_id(raw: Option<&str>) -> Result<Option<i64>, axum::response::Response> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => parse_id::<i64>(r).map(Some),
        None => Ok(None),
    }
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    let case = opt_id(q.case.as_deref())?;
    let plan = opt_id(q.plan.as_deref())?;
    let p = uc::prefill(&s.app, &page.ctx, case, plan)
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let f = VisitForm {
        case_id: p.case_id.to_string(),
        plan_id: p.plan_id.map_or_else(String::new, |p| p.to_string()),
        mode: VisitMode::Phone.as_str().into(),
        timing: p.timing.as_str().into(),
        visited_on: today.to_string(),
        fee_asked: "false".into(),
        fee_paid: "false".into(),
        ..VisitForm::default()
    };
    Ok(visit_form(&page, &p.case_number, &f).respond(&[]))
}

fn flag(raw: &str) -> bool {
    raw == "true"
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: VisitForm = CsrfForm::parse(req, &page.csrf).await?;
    let case_id = f.case_id.trim().parse::<i64>().ok().filter(|c| *c > 0);
    let plan_id = f.plan_id.trim().parse::<i64>().ok().filter(|c| *c > 0);
    let p = uc::prefill(&s.app, &page.ctx, case_id, plan_id)
        .await
        .map_err(page_error)?;
    let mut errs = Vec::new();
    let input = RecordInput {
        case_id: Some(p.case_id),
        plan_id: p.plan_id,
        visit: VisitInput {
            mode: f.mode.clone(),
            timing: f.timing.clone(),
            visited_on: date("visited_on", &f.visited_on, &mut errs),
            outcome: f.outcome.clone(),
            evaluations: f
                .ratings()
                .iter()
                .filter(|(_, r)| !r.trim().is_empty())
                .map(|(item, r)| RatingInput {
                    item: item.as_str().into(),
                    rating: (*r).to_owned(),
                })
                .collect(),
            fee_asked: flag(&f.fee_asked),
            fee_paid: flag(&f.fee_paid),
            fee_detail: f.fee_detail.clone(),
            on_time: match f.on_time.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            notes: f.notes.clone(),
        },
    };
    // The ratings' errors are shown on the first rating.
    let on_fields = |errs: Vec<FieldError>| -> Vec<FieldError> {
        errs.into_iter()
            .map(|mut e| {
                if e.field == "evaluations" {
                    e.field = "r_service_attitude".into();
                }
                e
            })
            .collect()
    };
    if !errs.is_empty() {
        return Ok(visit_form(&page, &p.case_number, &f).respond(&errs));
    }
    match uc::record(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/visits/{}", v.visit.id))),
        Err(AppError::Validation(errs)) => {
            Ok(visit_form(&page, &p.case_number, &f).respond(&on_fields(errs)))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- one visit

fn page_of(page: &PageCtx, v: &VisitView, errors: &[FieldError]) -> PanelPage {
    let x = &v.visit;
    let mut out = PanelPage::new(Shell::new(page, "回访记录", "/visits"), "回访记录");
    out.badge = x.outcome.label().into();
    let mut facts = Panel::new("回访");
    facts.facts = vec![
        Fact::link(
            "案件",
            v.case_number.clone(),
            format!("/cases/{}", x.case_id),
        ),
        Fact::new(
            "承办人",
            match (&v.handling_unit, &v.handler) {
                (Some(u), Some(h)) => format!("{u}、{h}"),
                (Some(u), None) => u.clone(),
                (None, Some(h)) => h.clone(),
                (None, None) => "—".into(),
            },
        ),
        Fact::new("回访方式", x.mode.label()),
        Fact::new("回访时段", x.timing.label()),
        Fact::new("回访日期", x.visited_on.to_string()),
        Fact::new("回访人", v.caller.clone()),
        Fact::new("回访结果", x.outcome.label()),
        Fact::new(
            "按时出庭或参加调解",
            match x.on_time {
                Some(true) => "是",
                Some(false) => "否",
                None => "不清楚",
            },
        ),
    ];
    if !x.notes.is_empty() {
        facts.facts.push(Fact::new("回访记录", x.notes.clone()));
    }
    out.panels.push(facts);
    let mut ratings = Panel::new("受援人评价");
    if v.evaluations.is_empty() {
        ratings.lead = "未接通受援人，没有评价。".into();
    }
    ratings.facts = v
        .evaluations
        .iter()
        .map(|e| Fact::new(e.item.label(), e.rating.label()))
        .collect();
    out.panels.push(ratings);
    let mut alert = Panel::new("是否有违规收受财物行为");
    match &v.alert_text {
        None => alert.lead = "未发现索要或收受财物的情形。".into(),
        Some(text) => {
            alert.class = "warning";
            alert.lead = text.clone();
            if x.alert_handled {
                alert
                    .facts
                    .push(Fact::new("处理情况", x.alert_note.clone()));
                if let Some(t) = x.alert_handled_at {
                    alert.facts.push(Fact::new("处理时间", china(t)));
                }
            } else {
                alert.facts.push(Fact::new("处理情况", "尚未处理"));
            }
        }
    }
    for a in &v.actions {
        match a {
            uc::VisitAction::HandleAlert => {
                let mut form =
                    PanelForm::post(format!("/visits/{}/handle-alert", x.id), "记录处理情况")
                        .hidden("version", x.version.to_string())
                        .group(
                            "",
                            vec![
                                Field::new("note", "调查处理情况", "textarea", "")
                                    .required()
                                    .hint("核实情况、对承办人的处理、是否移送司法局等"),
                            ],
                        );
                if !errors.is_empty()
                    && let Some(rest) = form.attach(errors)
                {
                    out.error = Some(rest);
                }
                alert.forms.push(form);
            }
        }
    }
    out.panels.push(alert);
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(page_of(&page, &v, &[]).respond(false))
}

#[derive(Deserialize, Default)]
pub struct HandleForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

pub async fn handle_alert(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: HandleForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    match uc::handle_alert(&s.app, &page.ctx, id, version, &f.note).await {
        Ok(_) => Ok(see_other(&format!("/visits/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(&page, &v, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- plans

#[derive(Deserialize, Default)]
pub struct PlansQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    open: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    share_percent: String,
    #[serde(default)]
    seed: String,
}

async fn plans_page(
    s: &AppState,
    page: &PageCtx,
    q: &PlansQuery,
    f: &PlanForm,
    errors: &[FieldError],
) -> PageResult {
    let open = q.open.as_deref().is_some_and(|v| !v.is_empty());
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::plans(&s.app, &page.ctx, open, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(page, "回访计划", "/visits"), "回访计划");
    v.actions.push(if open {
        Action {
            href: "/visits/plans".into(),
            label: "显示全部".into(),
        }
    } else {
        Action {
            href: "/visits/plans?open=1".into(),
            label: "只看待回访的".into(),
        }
    });
    if uc::can_record(&page.ctx) {
        let mut panel = Panel::new("按比例抽取结案案件");
        panel.lead = "从本辖区在期间内结案归档的案件中，按比例随机抽取回访（同一种子抽取结果相同，已有计划的案件不再重复）。每件计划于结案后三十日内完成，列入质量评查待办。".into();
        let mut form = PanelForm::post("/visits/plans", "制定计划").group(
            "",
            vec![
                Field::new("from", "结案日期起", "date", f.from.clone()).required(),
                Field::new("to", "结案日期止", "date", f.to.clone()).required(),
                Field::new(
                    "share_percent",
                    "回访比例（%）",
                    "number",
                    f.share_percent.clone(),
                )
                .required()
                .hint("0至100；100为全部回访"),
                Field::new("seed", "抽取种子", "text", f.seed.clone())
                    .hint("留空时为“回访起止日期”"),
            ],
        );
        if let Some(rest) = form.attach(errors) {
            v.error = Some(rest);
        }
        panel.forms.push(form);
        v.panels.push(panel);
    }
    v.blocks.push(Block {
        title: format!("回访计划（{total}）"),
        headers: vec!["案件", "承办人", "回访时段", "应回访日期", "状态"],
        rows: items
            .iter()
            .map(|i| {
                let pl = &i.line.plan;
                Row {
                    class: if i.overdue { "overdue" } else { "" },
                    cells: vec![
                        if pl.status == legalaid_domain::followup::VisitPlanStatus::Planned {
                            Cell::link(
                                i.line.case_number.clone(),
                                format!("/visits/new?plan={}", pl.id),
                            )
                        } else {
                            Cell::text(i.line.case_number.clone())
                        },
                        Cell::text(i.line.handler_name.clone().unwrap_or_default()),
                        Cell::text(pl.timing.label()),
                        Cell::text(if i.overdue {
                            format!("{}（已逾期）", pl.due_on)
                        } else {
                            pl.due_on.to_string()
                        }),
                        Cell::text(pl.status.label()),
                    ],
                }
            })
            .collect(),
        empty: "还没有回访计划。在上方选择结案期间和比例即可抽取需要回访的案件。".into(),
    });
    let query = query_string(&[("open", q.open.clone())]);
    v.pager = Some(Pager::new("/visits/plans", &query, p, total));
    Ok(v.respond(!errors.is_empty()))
}

pub async fn plans(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PlansQuery>,
) -> PageResult {
    let today = legalaid_domain::local_date(s.app.clock.now());
    let f = PlanForm {
        from: NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
            .unwrap_or(today)
            .to_string(),
        to: today.to_string(),
        share_percent: "30".into(),
        seed: String::new(),
    };
    plans_page(&s, &page, &q, &f, &[]).await
}

pub async fn plan(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: PlanForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let share = match f.share_percent.trim() {
        "" => None,
        t => match t.parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                errs.push(field_error("share_percent", "请填写0至100的整数"));
                None
            }
        },
    };
    let input = PlanInput {
        from: date("from", &f.from, &mut errs),
        to: date("to", &f.to, &mut errs),
        share_percent: share,
        seed: f.seed.clone(),
    };
    if !errs.is_empty() {
        return plans_page(&s, &page, &PlansQuery::default(), &f, &errs).await;
    }
    match uc::plan(&s.app, &page.ctx, &input).await {
        Ok(_) => Ok(see_other("/visits/plans?open=1")),
        Err(AppError::Validation(errs)) => {
            plans_page(&s, &page, &PlansQuery::default(), &f, &errs).await
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- figures

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    from: Option<String>,
    to: Option<String>,
}

fn figure_row(name: String, f: &VisitFigures) -> Row {
    Row {
        class: "",
        cells: vec![
            Cell::text(name),
            Cell::text(f.attempts.to_string()),
            Cell::text(f.connected.to_string()),
            Cell::text(percent(f.connect_rate)),
            Cell::text(f.overall_answered.to_string()),
            Cell::text(percent(f.satisfaction_rate)),
            Cell::text(f.fee_alerts.to_string()),
        ],
    }
}

const FIGURE_HEADERS: [&str; 7] = [
    "",
    "回访次数",
    "接通",
    "接通率",
    "总体评价",
    "满意率",
    "违规收费线索",
];

pub async fn figures(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<FiguresQuery>,
) -> PageResult {
    let today = legalaid_domain::local_date(s.app.clock.now());
    let mut errs = Vec::new();
    let to = date("to", q.to.as_deref().unwrap_or(""), &mut errs).unwrap_or(today);
    let from = date("from", q.from.as_deref().unwrap_or(""), &mut errs)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let v = uc::figures(&s.app, &page.ctx, from, to)
        .await
        .map_err(page_error)?;
    let mut out = PanelPage::new(Shell::new(&page, "回访统计", "/visits"), "回访统计");
    let mut panel = Panel::new("统计期间");
    panel.lead = "接通率 = 接通次数 ÷ 回访次数；满意率 = 总体评价为满意或基本满意的次数 ÷ 作出总体评价的次数。".into();
    let mut form = PanelForm::get("/visits/figures", "统计").group(
        "",
        vec![
            Field::new("from", "回访日期起", "date", from.to_string()),
            Field::new("to", "回访日期止", "date", to.to_string()),
        ],
    );
    if let Some(rest) = form.attach(&errs) {
        out.error = Some(rest);
    }
    panel.forms.push(form);
    out.panels.push(panel);
    let mut headers = FIGURE_HEADERS.to_vec();
    headers[0] = "合计";
    out.blocks.push(Block {
        title: format!("{from}至{to}"),
        headers,
        rows: vec![figure_row("全部".into(), &v.total)],
        empty: String::new(),
    });
    let mut headers = FIGURE_HEADERS.to_vec();
    headers[0] = "承办单位";
    out.blocks.push(Block {
        title: "按承办单位".into(),
        headers,
        rows: v
            .by_unit
            .iter()
            .map(|l| figure_row(l.name.clone(), &l.figures))
            .collect(),
        empty: "期间内没有回访。".into(),
    });
    let mut headers = FIGURE_HEADERS.to_vec();
    headers[0] = "承办人";
    out.blocks.push(Block {
        title: "按承办人".into(),
        headers,
        rows: v
            .by_handler
            .iter()
            .map(|l| figure_row(l.name.clone(), &l.figures))
            .collect(),
        empty: "期间内没有回访。".into(),
    });
    Ok(out.respond(!errs.is_empty()))
}
