//! The complaint pages: `/complaints` (list with filters and pager),
//! `/complaints/new` (registration), `/complaints/{id}` (the facts, the deadlines
//! with their state, the step forms open to the caller, the notices),
//! `/complaints/figures` (per unit, handler, category and outcome for a period).
//! Every step posts to `/complaints/{id}/{step}` and comes back to the page.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, china, china_time, deadlines_block, or_dash,
};
use crate::html::{
    Action, Cell, Field, FormPage, ListPage, PageResult, Pager, Shell, Table, kind_options,
    page_error, parse_id, query_string, render, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::complaints::{
    self as uc, ComplaintAction, ComplaintView, ConcludeInput, ExtendInput, ListQuery, ReasonInput,
    RemedyInput, ReplyInput, VersionInput,
};
use legalaid_app::records::Subject;
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::ComplaintId;
use legalaid_domain::FieldError;
use legalaid_domain::complaint::{
    ComplainantRelation, ComplainantRemedy, ComplaintCategory, ComplaintChannel, ComplaintInput,
    ComplaintOutcome, ComplaintStatus, FollowUpAction, ReplyChannel,
};
use legalaid_domain::unit::UnitKind;
use serde::Deserialize;

/// Whether the navigation offers the complaint pages.
pub fn sees_complaints(ctx: &Ctx) -> bool {
    uc::can_read(ctx)
}

fn one(v: &str) -> Vec<String> {
    vec![v.to_owned()]
}

// -------------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<i64>,
}

fn date_of(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    let query = ListQuery {
        status: Some(q.status.clone()),
        category: Some(q.category.clone()),
        respondent_unit_id: None,
        from: date_of(&q.from),
        to: date_of(&q.to),
    };
    let p = Page::new(q.page, Some(20));
    let (rows, total) = uc::list(&s.app, &page.ctx, &query, p)
        .await
        .map_err(page_error)?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let c = &r.complaint;
            vec![
                Cell::link(c.number.clone(), format!("/complaints/{}", c.id)),
                Cell::text(china(c.received_at)),
                Cell::text(
                    [r.respondent_unit.clone(), r.respondent_staff.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Cell::text(c.category.label()),
                Cell::text(c.status.label()),
                Cell::text(c.outcome.map_or("—", |o| o.label())),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if uc::can_register(&page.ctx) {
        actions.push(Action {
            href: "/complaints/new".into(),
            label: "登记投诉".into(),
        });
    }
    actions.push(Action {
        href: "/complaints/figures".into(),
        label: "投诉统计".into(),
    });
    let qs = query_string(&[
        ("status", Some(q.status.clone())),
        ("category", Some(q.category.clone())),
        ("from", Some(q.from.clone())),
        ("to", Some(q.to.clone())),
    ]);
    Ok(render(&ListPage {
        shell: Shell::new(&page, "投诉", "/complaints"),
        heading: "投诉".into(),
        actions,
        filters: vec![
            Field::new("status", "状态", "select", "").options(
                kind_options(
                    ComplaintStatus::ALL,
                    ComplaintStatus::as_str,
                    ComplaintStatus::label,
                    "（全部）",
                ),
                &one(&q.status),
            ),
            Field::new("category", "投诉事项", "select", "").options(
                kind_options(
                    ComplaintCategory::ALL,
                    ComplaintCategory::as_str,
                    ComplaintCategory::label,
                    "（全部）",
                ),
                &one(&q.category),
            ),
            Field::new("from", "收到日期自", "date", q.from.clone()),
            Field::new("to", "至", "date", q.to.clone()),
        ],
        export_href: None,
        table: Table {
            headers: vec!["编号", "收到时间", "被投诉人", "投诉事项", "状态", "处理结果"],
            rows,
        },
        pager: Pager::new("/complaints", &qs, p, total),
        empty: "还没有投诉。收到来访、来电、信函或网上投诉后，点击“登记投诉”登记；受理、处理和答复的期限会出现在司法局的待办事项中。".into(),
    }))
}

// ----------------------------------------------------------- registration

#[derive(Debug, Default, Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_at: String,
    #[serde(default)]
    anonymous: String,
    #[serde(default)]
    complainant_name: String,
    #[serde(default)]
    complainant_phone: String,
    #[serde(default)]
    complainant_address: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    respondent_unit_id: String,
    #[serde(default)]
    respondent_staff_id: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    request: String,
}

fn id_field(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(i) if i > 0 => Some(i),
        _ => {
            errs.push(crate::html::panels::field_error(field, "请填写正确的编号"));
            None
        }
    }
}

impl ComplaintForm {
    fn input(&self) -> (ComplaintInput, Vec<FieldError>) {
        let mut errs = Vec::new();
        let input = ComplaintInput {
            channel: self.channel.clone(),
            received_at: china_time("received_at", &self.received_at, &mut errs),
            anonymous: self.anonymous == "true",
            complainant_name: self.complainant_name.clone(),
            complainant_phone: self.complainant_phone.clone(),
            complainant_address: self.complainant_address.clone(),
            relation: Some(self.relation.clone()),
            respondent_unit_id: id_field("respondent_unit_id", &self.respondent_unit_id, &mut errs),
            respondent_staff_id: id_field(
                "respondent_staff_id",
                &self.respondent_staff_id,
                &mut errs,
            ),
            case_id: id_field("case_id", &self.case_id, &mut errs),
            category: self.category.clone(),
            facts: self.facts.clone(),
            request: self.request.clone(),
        };
        (input, errs)
    }
}

async fn form(s: &AppState, page: &PageCtx, f: &ComplaintForm) -> FormPage {
    let units: Vec<(String, String)> = std::iter::once((String::new(), "（请选择）".to_owned()))
        .chain(
            legalaid_app::units::all_visible(&s.app, &page.ctx)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|u| u.kind != UnitKind::JusticeBureau)
                .map(|u| (u.id.0.to_string(), u.name)),
        )
        .collect();
    FormPage {
        shell: Shell::new(page, "登记投诉", "/complaints"),
        heading: "登记投诉".into(),
        action: "/complaints".into(),
        submit: "登记".into(),
        cancel: "/complaints".into(),
        error: None,
        fields: vec![
            Field::new("channel", "投诉方式", "select", "")
                .required()
                .options(
                    kind_options(
                        ComplaintChannel::ALL,
                        ComplaintChannel::as_str,
                        ComplaintChannel::label,
                        "（请选择）",
                    ),
                    &one(&f.channel),
                ),
            Field::new(
                "received_at",
                "收到投诉的时间",
                "datetime-local",
                f.received_at.clone(),
            )
            .required()
            .hint("北京时间"),
            Field::new(
                "anonymous",
                "匿名投诉（不留姓名和联系方式）",
                "checkbox",
                f.anonymous.clone(),
            ),
            Field::new(
                "complainant_name",
                "投诉人姓名",
                "text",
                f.complainant_name.clone(),
            ),
            Field::new(
                "complainant_phone",
                "联系电话",
                "text",
                f.complainant_phone.clone(),
            )
            .autocomplete("off"),
            Field::new(
                "complainant_address",
                "通讯地址",
                "text",
                f.complainant_address.clone(),
            )
            .autocomplete("off")
            .hint("联系电话和通讯地址加密保存，只在投诉详情中显示"),
            Field::new("relation", "投诉人身份", "select", "").options(
                kind_options(
                    ComplainantRelation::ALL,
                    ComplainantRelation::as_str,
                    ComplainantRelation::label,
                    "（请选择）",
                ),
                &one(&f.relation),
            ),
            Field::new("respondent_unit_id", "被投诉单位", "select", "")
                .options(units, &one(&f.respondent_unit_id))
                .hint("法律援助机构、律师事务所、基层法律服务所等；只知道被投诉人员时可不选"),
            Field::new(
                "respondent_staff_id",
                "被投诉人员编号",
                "number",
                f.respondent_staff_id.clone(),
            )
            .hint("工作人员页面上的编号"),
            Field::new(
                "case_id",
                "涉及的案件编号（系统编号）",
                "number",
                f.case_id.clone(),
            ),
            Field::new("category", "投诉事项", "select", "")
                .required()
                .options(
                    kind_options(
                        ComplaintCategory::ALL,
                        ComplaintCategory::as_str,
                        ComplaintCategory::label,
                        "（请选择）",
                    ),
                    &one(&f.category),
                ),
            Field::new("facts", "投诉的事实和理由", "textarea", f.facts.clone()).required(),
            Field::new("request", "投诉请求", "textarea", f.request.clone()),
        ],
    }
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    if !uc::can_register(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(form(&s, &page, &ComplaintForm::default())
        .await
        .respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: ComplaintForm = CsrfForm::parse(req, &page.csrf).await?;
    let (input, mut errs) = f.input();
    if errs.is_empty() {
        match uc::register(&s.app, &page.ctx, &input).await {
            Ok(v) => return Ok(see_other(&format!("/complaints/{}", v.complaint.id))),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(form(&s, &page, &f).await.respond(&errs))
}

// -------------------------------------------------------------- the page

fn facts_panel(v: &ComplaintView) -> Panel {
    let c = &v.complaint;
    let mut p = Panel::new("投诉");
    let mut facts = vec![
        Fact::new("编号", c.number.clone()),
        Fact::new("状态", c.status.label()),
        Fact::new("投诉方式", c.channel.label()),
        Fact::new("收到时间", china(c.received_at)),
        Fact::new("登记单位", or_dash(&v.receiving_unit)),
        Fact::new("处理机关", or_dash(&v.bureau)),
    ];
    if c.anonymous {
        facts.push(Fact::new("投诉人", "匿名"));
    } else {
        facts.push(Fact::new("投诉人", or_dash(&c.complainant_name)));
        facts.push(Fact::new(
            "投诉人身份",
            c.relation.map_or("—", |r| r.label()),
        ));
        facts.push(Fact::new("联系电话", or_dash(&c.complainant_phone)));
        facts.push(Fact::new("通讯地址", or_dash(&c.complainant_address)));
    }
    facts.push(Fact::new(
        "被投诉单位",
        v.respondent_unit.clone().unwrap_or_else(|| "—".into()),
    ));
    facts.push(Fact::new(
        "被投诉人员",
        v.respondent_staff.clone().unwrap_or_else(|| "—".into()),
    ));
    if let (Some(id), Some(n)) = (c.case_id, &v.case_number) {
        facts.push(Fact::link("涉及案件", n.clone(), format!("/cases/{id}")));
    }
    facts.push(Fact::new("投诉事项", c.category.label()));
    facts.push(Fact::new("事实和理由", c.facts.clone()));
    facts.push(Fact::new("投诉请求", or_dash(&c.request)));
    p.facts = facts;
    p
}

fn handling_panel(v: &ComplaintView) -> Option<Panel> {
    let c = &v.complaint;
    let mut facts = Vec::new();
    if let Some(t) = c.accepted_at {
        facts.push(Fact::new("受理时间", china(t)));
    }
    if let Some(t) = c.refused_at {
        facts.push(Fact::new("不予受理时间", china(t)));
        facts.push(Fact::new("不予受理理由", c.refusal_reason.clone()));
    }
    if let (Some(t), Some(d)) = (c.extended_at, c.extension_days) {
        facts.push(Fact::new(
            "延长办理期限",
            format!("{}延长{d}日：{}", china(t), c.extension_reason),
        ));
    }
    if let (Some(t), Some(o)) = (c.concluded_at, c.outcome) {
        facts.push(Fact::new("处理决定时间", china(t)));
        facts.push(Fact::new("处理结果", o.label()));
        facts.push(Fact::new("处理意见", c.conclusion.clone()));
        facts.push(Fact::new(
            "后续措施",
            if c.follow_up.is_empty() {
                "—".to_owned()
            } else {
                c.follow_up
                    .iter()
                    .map(|a| a.label())
                    .collect::<Vec<_>>()
                    .join("、")
            },
        ));
    }
    if let (Some(t), Some(ch)) = (c.replied_at, c.reply_channel) {
        facts.push(Fact::new(
            "答复投诉人",
            format!("{}（{}）：{}", china(t), ch.label(), c.reply_text),
        ));
    }
    if let Some(r) = c.remedy {
        facts.push(Fact::new(
            "投诉人不服处理决定",
            format!(
                "{}{}",
                r.label(),
                if c.remedy_note.is_empty() {
                    String::new()
                } else {
                    format!("：{}", c.remedy_note)
                }
            ),
        ));
    }
    let mut p = Panel::new("处理情况");
    if let Some(r) = &v.replacement {
        p.note = r.note.clone();
        if let Some(h) = &r.href {
            p.links.push(Action {
                href: h.clone(),
                label: if r.replacement_id.is_some() {
                    "查看更换承办人申请".into()
                } else {
                    "到案件页面更换承办人".into()
                },
            });
        }
    }
    if facts.is_empty() && p.links.is_empty() {
        return None;
    }
    p.facts = facts;
    Some(p)
}

/// The form of one step, with its fields (errors attached when it failed).
fn step_form(v: &ComplaintView, a: ComplaintAction) -> Panel {
    let c = &v.complaint;
    let base = format!("/complaints/{}", c.id);
    let version = c.version.to_string();
    let (path, fields): (&str, Vec<Field>) = match a {
        ComplaintAction::Accept => ("accept", vec![]),
        ComplaintAction::Refuse => (
            "refuse",
            vec![Field::new("reason", "不予受理的理由", "textarea", "").required()],
        ),
        ComplaintAction::Extend => (
            "extend",
            vec![
                Field::new(
                    "days",
                    "延长天数",
                    "number",
                    v.default_extension_days
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                )
                .hint("只能延长一次"),
                Field::new("reason", "延长的理由", "textarea", "").required(),
            ],
        ),
        ComplaintAction::Conclude => (
            "conclude",
            vec![
                Field::new("outcome", "处理结果", "select", "")
                    .required()
                    .options(
                        kind_options(
                            ComplaintOutcome::ALL,
                            ComplaintOutcome::as_str,
                            ComplaintOutcome::label,
                            "（请选择）",
                        )
                        .into_iter()
                        .collect::<Vec<_>>(),
                        &[],
                    ),
                Field::new("conclusion", "调查结论和处理意见", "textarea", "").required(),
                Field::new("follow_up", "后续措施（投诉属实时）", "checkboxes", "").options(
                    FollowUpAction::ALL
                        .iter()
                        .map(|x| (x.as_str().to_owned(), x.label().to_owned())),
                    &[],
                ),
            ],
        ),
        ComplaintAction::Reply => (
            "reply",
            vec![
                Field::new("channel", "答复方式", "select", "")
                    .required()
                    .options(
                        kind_options(
                            ReplyChannel::ALL,
                            ReplyChannel::as_str,
                            ReplyChannel::label,
                            "（请选择）",
                        ),
                        &[],
                    ),
                Field::new("text", "答复内容", "textarea", "").required(),
            ],
        ),
        ComplaintAction::RecordRemedy => (
            "remedy",
            vec![
                Field::new("remedy", "投诉人", "select", "")
                    .required()
                    .options(
                        kind_options(
                            ComplainantRemedy::ALL,
                            ComplainantRemedy::as_str,
                            ComplainantRemedy::label,
                            "（请选择）",
                        ),
                        &[],
                    ),
                Field::new("note", "说明", "text", ""),
            ],
        ),
    };
    let mut p = Panel::new(a.label());
    p.forms.push(
        PanelForm::post(format!("{base}/{path}"), a.label())
            .hidden("version", version)
            .group("", fields),
    );
    p
}

async fn page_of(
    s: &AppState,
    page: &PageCtx,
    v: &ComplaintView,
    failed: Option<(ComplaintAction, &[FieldError])>,
) -> PanelPage {
    let c = &v.complaint;
    let mut out = PanelPage::new(
        Shell::new(page, &format!("投诉 {}", c.number), "/complaints"),
        format!("投诉 {}", c.number),
    );
    out.badge = c.status.label().to_owned();
    out.panels.push(facts_panel(v));
    if let Some(p) = handling_panel(v) {
        out.panels.push(p);
    }
    out.blocks.push(deadlines_block(&v.deadlines));
    let docs = legalaid_app::documents::of_record(&s.app, &page.ctx, Subject::Complaint(c.id))
        .await
        .unwrap_or_default();
    out.blocks.push(Block {
        title: "文书".into(),
        headers: vec!["文书", "下载"],
        rows: docs
            .iter()
            .map(|d| Row {
                class: "",
                cells: vec![
                    Cell::text(d.title),
                    Cell::link(
                        "PDF",
                        format!("/complaints/{}/documents/{}", c.id, d.kind.as_str()),
                    ),
                ],
            })
            .collect(),
        empty: "受理、不予受理或作出处理决定后，可在此打印通知书和答复书。".into(),
    });
    for a in &v.actions {
        let mut p = step_form(v, *a);
        if let Some((f, errs)) = failed
            && f == *a
            && let Some(form) = p.forms.first_mut()
        {
            out.error = form
                .attach(errs)
                .or(Some("请修改标出的内容后再提交".into()));
        }
        out.after.push(p);
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: ComplaintId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(page_of(&s, &page, &v, None).await.respond(false))
}

/// Every field any step's form sends.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    conclusion: String,
    #[serde(default)]
    follow_up: Vec<String>,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    remedy: String,
    #[serde(default)]
    note: String,
}

pub async fn step(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, step)): Path<(String, String)>,
    req: Request,
) -> PageResult {
    let id: ComplaintId = parse_id(&id)?;
    let action = match step.as_str() {
        "accept" => ComplaintAction::Accept,
        "refuse" => ComplaintAction::Refuse,
        "extend" => ComplaintAction::Extend,
        "conclude" => ComplaintAction::Conclude,
        "reply" => ComplaintAction::Reply,
        "remedy" => ComplaintAction::RecordRemedy,
        _ => return Err(page_error(AppError::NotFound)),
    };
    let f: StepForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().ok();
    let days = match f.days.trim() {
        "" => Ok(None),
        d => d
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field("days", "请填写延长的天数（整数）")),
    };
    let (app, ctx) = (&s.app, &page.ctx);
    let done = match action {
        ComplaintAction::Accept => uc::accept(app, ctx, id, &VersionInput { version }).await,
        ComplaintAction::Refuse => {
            uc::refuse(
                app,
                ctx,
                id,
                &ReasonInput {
                    version,
                    reason: f.reason,
                },
            )
            .await
        }
        ComplaintAction::Extend => match days {
            Ok(days) => {
                uc::extend(
                    app,
                    ctx,
                    id,
                    &ExtendInput {
                        version,
                        days,
                        reason: f.reason,
                    },
                )
                .await
            }
            Err(e) => Err(e),
        },
        ComplaintAction::Conclude => {
            let input = ConcludeInput {
                version,
                outcome: f.outcome,
                conclusion: f.conclusion,
                follow_up: f.follow_up,
            };
            uc::conclude(app, ctx, id, &input).await
        }
        ComplaintAction::Reply => {
            let input = ReplyInput {
                version,
                channel: f.channel,
                text: f.text,
            };
            uc::reply(app, ctx, id, &input).await
        }
        ComplaintAction::RecordRemedy => {
            let input = RemedyInput {
                version,
                remedy: f.remedy,
                note: f.note,
            };
            uc::record_remedy(app, ctx, id, &input).await
        }
    };
    match done {
        Ok(_) => Ok(see_other(&format!("/complaints/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(app, ctx, id).await.map_err(page_error)?;
            Ok(page_of(&s, &page, &v, Some((action, &errs)))
                .await
                .respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn document(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, doc)): Path<(String, String)>,
) -> PageResult {
    let id: ComplaintId = parse_id(&id)?;
    let kind = legalaid_domain::document::DocKind::parse(&doc)
        .ok_or_else(|| page_error(AppError::NotFound))?;
    let (d, name) = legalaid_app::documents::build(&s.app, &page.ctx, Subject::Complaint(id), kind)
        .await
        .map_err(page_error)?;
    crate::documents::respond(d, &name, "pdf")
        .await
        .map_err(page_error)
}

// ----------------------------------------------------------------- figures

#[derive(Debug, Default, Deserialize)]
pub struct FiguresParams {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn figure_block(title: &str, first: &'static str, rows: &[uc::FigureRow]) -> Block {
    Block {
        title: title.to_owned(),
        headers: vec![first, "投诉件数", "查证属实"],
        rows: rows
            .iter()
            .map(|r| Row {
                class: "",
                cells: vec![
                    Cell::text(or_dash(&r.name)),
                    Cell::text(r.total.to_string()),
                    Cell::text(r.upheld.to_string()),
                ],
            })
            .collect(),
        empty: "本期间没有投诉。".into(),
    }
}

pub async fn figures(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<FiguresParams>,
) -> PageResult {
    let f = uc::figures(&s.app, &page.ctx, date_of(&q.from), date_of(&q.to))
        .await
        .map_err(page_error)?;
    let mut out = PanelPage::new(Shell::new(&page, "投诉统计", "/complaints"), "投诉统计");
    let mut p = Panel::new("统计期间");
    p.lead = format!(
        "{} 至 {}：收到投诉{}件，查证属实{}件",
        f.from, f.to, f.figures.total, f.figures.upheld
    );
    p.forms
        .push(PanelForm::get("/complaints/figures", "统计").group(
            "",
            vec![
                Field::new("from", "收到日期自", "date", f.from.to_string()),
                Field::new("to", "至", "date", f.to.to_string()),
            ],
        ));
    out.panels.push(p);
    out.blocks
        .push(figure_block("按被投诉单位", "单位", &f.figures.by_unit));
    out.blocks
        .push(figure_block("按被投诉人员", "人员", &f.figures.by_staff));
    out.blocks.push(figure_block(
        "按投诉事项",
        "投诉事项",
        &f.figures.by_category,
    ));
    out.blocks.push(figure_block(
        "按处理结果",
        "处理结果",
        &f.figures.by_outcome,
    ));
    out.blocks
        .push(figure_block("不服处理决定", "情形", &f.figures.by_remedy));
    Ok(out.respond(false))
}
