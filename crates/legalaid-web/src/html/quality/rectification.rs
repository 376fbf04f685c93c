//! Rectification orders (`/rectifications`): the list of the orders the caller
//! deals with, the form that issues one (from a review, prefilled), and an
//! order's page with the answer, the check and the escalation.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, china, field_error, or_dash,
};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::rectifications::{self as uc, RectificationAction, RectificationView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::FieldError;
use legalaid_domain::RectificationId;
use legalaid_domain::rectification::{ProblemCategory, RectificationInput, RectificationSource};
use legalaid_domain::role::Role;
use serde::Deserialize;

/// Whether the caller deals with rectification orders (the nav link).
pub fn sees_rectifications(ctx: &Ctx) -> bool {
    uc::can_issue(ctx)
        || legalaid_app::quality::can_read(ctx)
        || ctx.actor.as_ref().is_some_and(|a| a.has(Role::Handler))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    open: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let open = q.open.as_deref().is_some_and(|v| !v.is_empty());
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, open, p)
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let mut v = PanelPage::new(Shell::new(&page, "整改通知", "/rectifications"), "整改通知");
    if uc::can_issue(&page.ctx) {
        v.actions.push(Action {
            href: "/rectifications/new".into(),
            label: "下达整改通知".into(),
        });
    }
    v.actions.push(if open {
        Action {
            href: "/rectifications".into(),
            label: "显示全部".into(),
        }
    } else {
        Action {
            href: "/rectifications?open=1".into(),
            label: "只看未销号的".into(),
        }
    });
    v.blocks.push(Block {
        title: if open {
            "未销号的整改通知".into()
        } else {
            "整改通知".into()
        },
        headers: vec!["整改对象", "来源", "问题类别", "整改要求", "期限", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let o = &l.order;
                let late = o.status.is_overdue(o.deadline, today);
                Row {
                    class: if late { "overdue" } else { "" },
                    cells: vec![
                        Cell::link(
                            match &l.target_staff_name {
                                Some(s) => format!("{}、{s}", l.target_unit_name),
                                None => l.target_unit_name.clone(),
                            },
                            format!("/rectifications/{}", o.id),
                        ),
                        Cell::text(o.source.label()),
                        Cell::text(o.category.label()),
                        Cell::text(o.requirement.clone()),
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
        empty: "没有整改通知。".into(),
    });
    let query = query_string(&[("open", q.open.clone())]);
    v.pager = Some(Pager::new("/rectifications", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default, Clone)]
pub struct IssueForm {
    #[serde(default)]
    review_id: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    target_unit_id: String,
    #[serde(default)]
    target_staff_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    deadline: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    review: Option<String>,
    /// A finding on a case other than a review: the case, the source
    /// (`hearing`, `opinion`…) and the record it was made on, if any.
    case: Option<String>,
    source: Option<String>,
    observation: Option<String>,
    opinion: Option<String>,
}

/// Prefills the order from a finding on a case: the target is the case's
/// handler and handling unit; an observation or an answer lends its problem.
async fn prefill_from_case(
    s: &AppState,
    page: &PageCtx,
    q: &NewQuery,
    f: &mut IssueForm,
) -> Result<(), axum::response::Response> {
    let Some(case) = q.case.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    let c = legalaid_app::cases::get(&s.app, &page.ctx, parse_id(case)?)
        .await
        .map_err(page_error)?;
    f.case_id = c.case.id.0.to_string();
    if let Some(src) = q
        .source
        .as_deref()
        .and_then(RectificationSource::parse)
        .filter(|s| *s != RectificationSource::FileReview)
    {
        f.source = src.as_str().into();
    }
    f.target_unit_id = c
        .case
        .handling_unit_id
        .map_or_else(String::new, |u| u.to_string());
    f.target_staff_id = c
        .case
        .handler_id
        .map_or_else(String::new, |h| h.to_string());
    f.category = ProblemCategory::Service.as_str().into();
    if let Some(o) = q.observation.as_deref().filter(|o| !o.is_empty()) {
        let v = legalaid_app::quality::hearings::get(&s.app, &page.ctx, parse_id(o)?)
            .await
            .map_err(page_error)?;
        let o = &v.observation;
        let poor: Vec<&str> = o
            .ratings
            .0
            .iter()
            .filter(|r| r.rating == legalaid_domain::followup::Satisfaction::Dissatisfied)
            .map(|r| r.dimension.label())
            .collect();
        f.problem = format!(
            "{}旁听{}开庭的案件{}，{}{}",
            o.hearing_date,
            o.court,
            v.case_number,
            if poor.is_empty() {
                String::new()
            } else {
                format!("评价为不满意的项目：{}。", poor.join("、"))
            },
            o.issues
        );
        f.requirement = "针对旁听发现的问题逐项整改，并书面反馈整改情况。".into();
    }
    if let Some(o) = q.opinion.as_deref().filter(|o| !o.is_empty()) {
        let v = legalaid_app::quality::opinions::get(&s.app, &page.ctx, parse_id(o)?)
            .await
            .map_err(page_error)?;
        let o = &v.letter;
        let poor: Vec<&str> = o
            .ratings
            .0
            .iter()
            .filter(|r| r.rating == legalaid_domain::followup::Satisfaction::Dissatisfied)
            .map(|r| r.item.label())
            .collect();
        f.problem = format!(
            "{}对案件{}承办人的评价中，{}为不满意。{}",
            o.organ_name,
            v.case_number,
            poor.join("、"),
            o.opinion
        );
        f.requirement = "针对办案机关的意见逐项整改，并书面反馈整改情况。".into();
    }
    Ok(())
}

fn issue_form(page: &PageCtx, f: &IssueForm, units: &[(String, String)]) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    FormPage {
        shell: Shell::new(page, "下达整改通知", "/rectifications"),
        heading: "下达整改通知".into(),
        action: "/rectifications".into(),
        submit: "下达".into(),
        cancel: "/rectifications".into(),
        error: None,
        fields: vec![
            Field::new("review_id", "", "hidden", f.review_id.clone()),
            Field::new("case_id", "", "hidden", f.case_id.clone()),
            Field::new("source", "问题来源", "select", "")
                .required()
                .options(
                    kind_options(
                        RectificationSource::ALL,
                        RectificationSource::as_str,
                        RectificationSource::label,
                        "请选择",
                    ),
                    &one(&f.source),
                ),
            Field::new("target_unit_id", "整改单位", "select", "")
                .required()
                .options(
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(units.iter().cloned()),
                    &one(&f.target_unit_id),
                ),
            Field::new(
                "target_staff_id",
                "承办人（工作人员记录编号）",
                "number",
                f.target_staff_id.clone(),
            )
            .hint("针对承办人个人的，填写其工作人员记录编号；针对单位的，留空"),
            Field::new("category", "问题类别", "select", "")
                .required()
                .options(
                    kind_options(
                        ProblemCategory::ALL,
                        ProblemCategory::as_str,
                        ProblemCategory::label,
                        "请选择",
                    ),
                    &one(&f.category),
                ),
            Field::new("problem", "发现的问题", "textarea", f.problem.clone()).required(),
            Field::new("requirement", "整改要求", "textarea", f.requirement.clone()).required(),
            Field::new("issued_on", "下达日期", "date", f.issued_on.clone()).required(),
            Field::new("deadline", "整改期限", "date", f.deadline.clone())
                .required()
                .hint("下达日期后90日内"),
        ],
    }
}

async fn unit_options(s: &AppState, page: &PageCtx) -> Vec<(String, String)> {
    legalaid_app::units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.id.0.to_string(), u.name))
        .collect()
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    if !uc::can_issue(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let today = legalaid_domain::local_date(s.app.clock.now());
    let mut f = IssueForm {
        issued_on: today.to_string(),
        deadline: (today + chrono::Duration::days(30)).to_string(),
        ..IssueForm::default()
    };
    if let Some(r) = q.review.as_deref().filter(|r| !r.is_empty()) {
        let v = legalaid_app::quality::reviews::get(&s.app, &page.ctx, parse_id(r)?)
            .await
            .map_err(page_error)?;
        f.review_id = v.review.id.to_string();
        f.case_id = v.review.case_id.to_string();
        f.source = RectificationSource::FileReview.as_str().into();
        f.target_unit_id = v.review.unit_id.to_string();
        f.target_staff_id = v
            .review
            .handler_id
            .map_or_else(String::new, |h| h.to_string());
        f.category = ProblemCategory::CaseStructure.as_str().into();
        let found: Vec<String> = v
            .sheets
            .iter()
            .flat_map(|sh| {
                sh.scores
                    .iter()
                    .filter(|x| !x.note.is_empty())
                    .map(|x| x.note.clone())
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        f.problem = format!(
            "{}中，案件{}评定为{}。{}",
            v.round.name,
            v.file.number,
            v.review.final_grade.map_or("", |g| g.label()),
            found.join("；")
        );
        f.requirement = "对照评查意见逐项整改，补齐案卷材料，并书面反馈整改情况。".into();
    } else {
        prefill_from_case(&s, &page, &q, &mut f).await?;
    }
    let units = unit_options(&s, &page).await;
    Ok(issue_form(&page, &f, &units).respond(&[]))
}

fn opt_id(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errs.push(field_error(field, "请填写正整数"));
            None
        }
    }
}

fn opt_date(field: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<chrono::NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(field_error(field, "日期格式应为 YYYY-MM-DD"));
            None
        }
    }
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: IssueForm = CsrfForm::parse(req, &page.csrf).await?;
    let units = unit_options(&s, &page).await;
    let mut errs = Vec::new();
    let input = uc::IssueInput {
        review_id: opt_id("review_id", &f.review_id, &mut errs),
        case_id: opt_id("case_id", &f.case_id, &mut errs),
        order: RectificationInput {
            source: f.source.clone(),
            target_unit_id: opt_id("target_unit_id", &f.target_unit_id, &mut errs),
            target_staff_id: opt_id("target_staff_id", &f.target_staff_id, &mut errs),
            category: f.category.clone(),
            problem: f.problem.clone(),
            requirement: f.requirement.clone(),
            issued_on: opt_date("issued_on", &f.issued_on, &mut errs),
            deadline: opt_date("deadline", &f.deadline, &mut errs),
        },
    };
    if !errs.is_empty() {
        return Ok(issue_form(&page, &f, &units).respond(&errs));
    }
    match uc::issue(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/rectifications/{}", v.order.id))),
        Err(AppError::Validation(errs)) => Ok(issue_form(&page, &f, &units).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

fn page_of(page: &PageCtx, v: &RectificationView, errors: &[FieldError]) -> PanelPage {
    let o = &v.order;
    let base = format!("/rectifications/{}", o.id);
    let title = "整改通知".to_owned();
    let mut out = PanelPage::new(Shell::new(page, &title, "/rectifications"), title);
    out.badge = o.status.label().into();
    let mut facts = Panel::new("整改通知");
    facts.facts = vec![
        Fact::new("下达单位", v.issuing_unit.clone()),
        Fact::new(
            "整改对象",
            match &v.target_staff {
                Some(s) => format!("{}、{s}", v.target_unit),
                None => v.target_unit.clone(),
            },
        ),
        Fact::new("问题来源", o.source.label()),
        Fact::new("问题类别", o.category.label()),
        Fact::new("下达日期", o.issued_on.to_string()),
        Fact::new(
            "整改期限",
            if v.overdue {
                format!("{}（已逾期）", o.deadline)
            } else {
                o.deadline.to_string()
            },
        ),
    ];
    if let (Some(n), Some(c)) = (&v.case_number, o.case_id) {
        facts
            .facts
            .insert(2, Fact::link("案件", n.clone(), format!("/cases/{c}")));
    }
    if let Some(r) = o.review_id {
        facts
            .facts
            .push(Fact::link("评查记录", "查看", format!("/reviews/{r}")));
    }
    facts.lists.push(crate::html::panels::SentenceList {
        title: "发现的问题".into(),
        items: vec![o.problem.clone()],
    });
    facts.lists.push(crate::html::panels::SentenceList {
        title: "整改要求".into(),
        items: vec![o.requirement.clone()],
    });
    facts.links = vec![
        Action {
            href: format!("{base}/documents/rectification_notice?format=pdf"),
            label: "整改通知书（PDF）".into(),
        },
        Action {
            href: format!("{base}/documents/rectification_notice?format=docx"),
            label: "整改通知书（Word）".into(),
        },
    ];
    out.panels.push(facts);
    let mut record = Panel::new("整改情况");
    if !o.answer.is_empty() {
        record.facts.push(Fact::new("整改反馈", o.answer.clone()));
        if let Some(t) = o.answered_at {
            record.facts.push(Fact::new("反馈时间", china(t)));
        }
    }
    if let Some(t) = o.checked_at {
        record.facts.push(Fact::new("核查时间", china(t)));
        record
            .facts
            .push(Fact::new("核查意见", or_dash(&o.check_note)));
    }
    if let Some(t) = o.escalated_at {
        record.facts.push(Fact::new(
            "约谈",
            format!("{}（{}）", o.escalation_note, china(t)),
        ));
    }
    let version = o.version.to_string();
    for a in &v.actions {
        let mut form = match a {
            RectificationAction::Answer => {
                PanelForm::post(format!("{base}/answer"), "提交整改情况")
                    .hidden("version", version.clone())
                    .group(
                        "",
                        vec![Field::new("answer", "整改情况", "textarea", "").required()],
                    )
            }
            RectificationAction::Verify => {
                PanelForm::post(format!("{base}/verify"), "提交核查结果")
                    .hidden("version", version.clone())
                    .group(
                        "核查",
                        vec![
                            Field::new("ok", "核查结果", "select", "")
                                .required()
                                .options(
                                    [
                                        (String::new(), "请选择".to_owned()),
                                        ("true".to_owned(), "整改到位，销号".to_owned()),
                                        ("false".to_owned(), "整改不到位，退回重新整改".to_owned()),
                                    ],
                                    &[],
                                ),
                            Field::new("note", "核查意见", "textarea", ""),
                        ],
                    )
            }
            RectificationAction::Escalate => PanelForm::post(format!("{base}/escalate"), "约谈")
                .hidden("version", version.clone())
                .group(
                    "",
                    vec![
                        Field::new("note", "约谈安排", "textarea", "")
                            .hint("约谈的时间、对象和事由；约谈后本通知不再要求反馈"),
                    ],
                ),
        };
        if !errors.is_empty()
            && let Some(rest) = form.attach(errors)
        {
            out.error = Some(rest);
        }
        record.forms.push(form);
    }
    if record.facts.is_empty() && record.forms.is_empty() {
        record.lead = "等待整改对象反馈整改情况。".into();
    }
    out.panels.push(record);
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
    answer: String,
    #[serde(default)]
    ok: String,
    #[serde(default)]
    note: String,
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: RectificationId,
    req: Request,
    which: RectificationAction,
) -> PageResult {
    let f: StepForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let r = match which {
        RectificationAction::Answer => uc::answer(&s.app, &page.ctx, id, version, &f.answer).await,
        RectificationAction::Verify => match f.ok.as_str() {
            "true" | "false" => {
                uc::verify(&s.app, &page.ctx, id, version, f.ok == "true", &f.note).await
            }
            _ => Err(AppError::field("ok", "请选择核查结果")),
        },
        RectificationAction::Escalate => {
            uc::escalate(&s.app, &page.ctx, id, version, &f.note).await
        }
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/rectifications/{id}"))),
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
    step(&s, &page, parse_id(&id)?, req, RectificationAction::Answer).await
}

pub async fn verify(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, RectificationAction::Verify).await
}

pub async fn escalate(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(
        &s,
        &page,
        parse_id(&id)?,
        req,
        RectificationAction::Escalate,
    )
    .await
}
