//! Opinion letter pages (征询意见): `/opinions` (the list with its filters),
//! the send form (`/opinions/new?case=`, for an archived case) and a letter's
//! page with the letter as PDF and Word, the reminder and the answer form.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::opinions::LetterFilter;
use legalaid_app::quality::opinions::{self as uc, OpinionAction, OpinionView};
use legalaid_app::{AppError, Page};
use legalaid_domain::followup::Satisfaction;
use legalaid_domain::opinion::{
    DEFAULT_REMINDER_DAYS, OpinionAnswerInput, OpinionItem, OpinionOrgan, OpinionRatingInput,
    OpinionStatus,
};
use legalaid_domain::{FieldError, OpinionId};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    status: Option<String>,
    negative: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let filter = LetterFilter {
        status: q.status.as_deref().and_then(OpinionStatus::parse),
        case_id: None,
        negative: q.negative.as_deref().is_some_and(|v| !v.is_empty()),
    };
    let (items, total) = uc::list(&s.app, &page.ctx, &filter, p)
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let mut v = PanelPage::new(
        Shell::new(&page, "征询意见", "/hearings/observations"),
        "征询意见",
    );
    v.actions.push(Action {
        href: "/hearings/observations".into(),
        label: "旁听庭审".into(),
    });
    let mut filters = Panel::new("筛选");
    filters
        .forms
        .push(PanelForm::get("/opinions", "筛选").group(
            "",
            vec![
                Field::new("status", "状态", "select", "").options(
                    kind_options(
                        OpinionStatus::ALL,
                        OpinionStatus::as_str,
                        OpinionStatus::label,
                        "全部",
                    ),
                    &[q.status.clone().unwrap_or_default()],
                ),
                Field::new("negative", "只看有不满意的回复", "select", "").options(
                    [
                        (String::new(), "否".to_owned()),
                        ("1".to_owned(), "是".to_owned()),
                    ],
                    &[q.negative.clone().unwrap_or_default()],
                ),
            ],
        ));
    v.panels.push(filters);
    v.blocks.push(Block {
        title: "征询意见函".into(),
        headers: vec!["案件", "征询机关", "发函日期", "回复期限", "承办人", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let o = &l.letter;
                let late = o.status == OpinionStatus::Sent && today > o.reminder_due;
                Row {
                    class: if late || o.negative { "overdue" } else { "" },
                    cells: vec![
                        Cell::link(l.case_number.clone(), format!("/opinions/{}", o.id)),
                        Cell::text(o.organ_name.clone()),
                        Cell::text(o.sent_on.to_string()),
                        Cell::text(if late {
                            format!("{}（已逾期）", o.reminder_due)
                        } else {
                            o.reminder_due.to_string()
                        }),
                        Cell::text(or_dash(l.handler_name.as_deref().unwrap_or(""))),
                        Cell::text(if o.negative {
                            format!("{}（有不满意）", o.status.label())
                        } else {
                            o.status.label().to_owned()
                        }),
                    ],
                }
            })
            .collect(),
        empty: "还没有征询意见函。案件结案归档后，打开 /opinions/new?case=案件记录号 向办案机关发函征询对承办人的意见。".into(),
    });
    let query = query_string(&[
        ("status", q.status.clone()),
        ("negative", q.negative.clone()),
    ]);
    v.pager = Some(Pager::new("/opinions", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default, Clone)]
pub struct SendForm {
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    organ: String,
    #[serde(default)]
    organ_name: String,
    #[serde(default)]
    sent_on: String,
    #[serde(default)]
    reminder_after_days: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    case: Option<String>,
}

fn send_form(page: &PageCtx, f: &SendForm) -> FormPage {
    FormPage {
        shell: Shell::new(page, "发出征询意见函", "/hearings/observations"),
        heading: "发出征询意见函".into(),
        action: "/opinions".into(),
        submit: "发函".into(),
        cancel: "/opinions".into(),
        error: None,
        fields: vec![
            Field::new("case_id", "", "hidden", f.case_id.clone()),
            Field::new("organ", "征询机关类别", "select", "")
                .required()
                .options(
                    kind_options(
                        OpinionOrgan::ALL,
                        OpinionOrgan::as_str,
                        OpinionOrgan::label,
                        "请选择",
                    ),
                    std::slice::from_ref(&f.organ),
                ),
            Field::new("organ_name", "机关名称", "text", f.organ_name.clone()).required(),
            Field::new("sent_on", "发函日期", "date", f.sent_on.clone()).required(),
            Field::new(
                "reminder_after_days",
                "催告期限（日）",
                "number",
                f.reminder_after_days.clone(),
            )
            .hint("发函后逾期未回复的，列入质量评查工作待办，提示催告"),
        ],
    }
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    if !uc::can_send(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let case = q.case.as_deref().filter(|c| !c.is_empty()).ok_or_else(|| {
        page_error(AppError::field(
            "case",
            "请从案件进入，指明要征询意见的案件",
        ))
    })?;
    let c = legalaid_app::cases::get(&s.app, &page.ctx, parse_id(case)?)
        .await
        .map_err(page_error)?;
    let today = legalaid_domain::local_date(s.app.clock.now());
    let f = SendForm {
        case_id: c.case.id.0.to_string(),
        organ: OpinionOrgan::Court.as_str().into(),
        organ_name: c.case.case_organ.clone(),
        sent_on: today.to_string(),
        reminder_after_days: DEFAULT_REMINDER_DAYS.to_string(),
    };
    Ok(send_form(&page, &f).respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: SendForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let days = match f.reminder_after_days.trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(crate::html::panels::field_error(
                    "reminder_after_days",
                    "请填写0至365的整数",
                ));
                None
            }
        },
    };
    let sent_on = match f.sent_on.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(crate::html::panels::field_error(
                    "sent_on",
                    "日期格式应为 YYYY-MM-DD",
                ));
                None
            }
        },
    };
    if !errs.is_empty() {
        return Ok(send_form(&page, &f).respond(&errs));
    }
    let input = uc::SendInput {
        case_id: f.case_id.trim().parse().ok(),
        organ: f.organ.clone(),
        organ_name: f.organ_name.clone(),
        sent_on,
        reminder_after_days: days,
    };
    match uc::send(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/opinions/{}", v.letter.id))),
        Err(AppError::Validation(errs)) => Ok(send_form(&page, &f).respond(&errs)),
        Err(AppError::Duplicate { field, message }) => {
            Ok(send_form(&page, &f).respond(&[crate::html::panels::field_error(&field, &message)]))
        }
        Err(e) => Err(page_error(e)),
    }
}

fn page_of(page: &PageCtx, v: &OpinionView, errors: &[FieldError]) -> PanelPage {
    let o = &v.letter;
    let base = format!("/opinions/{}", o.id);
    let title = format!("征询意见：{}", v.case_number);
    let mut out = PanelPage::new(Shell::new(page, &title, "/hearings/observations"), title);
    out.badge = o.status.label().into();
    let mut facts = Panel::new("征询意见函");
    facts.facts = vec![
        Fact::link(
            "案件",
            v.case_number.clone(),
            format!("/cases/{}", o.case_id),
        ),
        Fact::new(
            "征询机关",
            format!("{}（{}）", o.organ_name, o.organ.label()),
        ),
        Fact::new(
            "承办单位",
            or_dash(v.handling_unit_name.as_deref().unwrap_or("")),
        ),
        Fact::new("承办人", or_dash(v.handler_name.as_deref().unwrap_or(""))),
        Fact::new("发函日期", o.sent_on.to_string()),
        Fact::new(
            "回复期限",
            if v.overdue {
                format!("{}（已逾期，请催告）", o.reminder_due)
            } else {
                o.reminder_due.to_string()
            },
        ),
    ];
    if let Some(t) = o.reminded_at {
        facts.facts.push(Fact::new("催告时间", china(t)));
    }
    facts.links = vec![
        Action {
            href: format!("{base}/documents/opinion_letter?format=pdf"),
            label: "征询意见函（PDF）".into(),
        },
        Action {
            href: format!("{base}/documents/opinion_letter?format=docx"),
            label: "征询意见函（Word）".into(),
        },
    ];
    out.panels.push(facts);
    if o.status == OpinionStatus::Answered {
        let mut ans = Panel::new("回复");
        if o.negative {
            ans.class = "overdue";
            ans.lead = "办案机关对承办人有“不满意”的评价。".into();
        }
        for r in &o.ratings.0 {
            ans.facts.push(Fact::new(
                format!("{}（{}）", r.item.label(), r.item.description()),
                r.rating.label(),
            ));
        }
        ans.facts.push(Fact::new("意见", or_dash(&o.opinion)));
        if let Some(d) = o.answered_on {
            ans.facts.push(Fact::new("回复日期", d.to_string()));
        }
        if let Some(href) = &v.rectification_href {
            ans.links.push(Action {
                href: href.clone(),
                label: "下达整改通知".into(),
            });
        }
        out.panels.push(ans);
    }
    let version = o.version.to_string();
    let mut work = Panel::new("办理");
    for a in &v.actions {
        let mut form = match a {
            OpinionAction::Remind => PanelForm::post(format!("{base}/remind"), "已催告")
                .hidden("version", version.clone())
                .group("", Vec::new()),
            OpinionAction::Answer => {
                let opts: Vec<(String, String)> =
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(
                            Satisfaction::ALL
                                .iter()
                                .map(|x| (x.as_str().to_owned(), x.label().to_owned())),
                        )
                        .collect();
                let mut fields: Vec<Field> = OpinionItem::ALL
                    .iter()
                    .map(|i| {
                        Field::new(format!("rating_{}", i.as_str()), i.label(), "select", "")
                            .required()
                            .options(opts.clone(), &[])
                            .hint(i.description())
                    })
                    .collect();
                fields.push(Field::new("opinion", "意见", "textarea", ""));
                fields.push(Field::new("answered_on", "回复日期", "date", ""));
                PanelForm::post(format!("{base}/answer"), "登记回复")
                    .hidden("version", version.clone())
                    .group("逐项评价", fields)
            }
        };
        if !errors.is_empty()
            && let Some(rest) = form.attach(errors)
        {
            out.error = Some(rest);
        }
        work.forms.push(form);
    }
    if !work.forms.is_empty() {
        out.panels.push(work);
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(page_of(&page, &v, &[]).respond(false))
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: OpinionId,
    req: Request,
    which: OpinionAction,
) -> PageResult {
    let f: HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let version = get("version").trim().parse::<i64>().unwrap_or(0);
    let r = match which {
        OpinionAction::Remind => uc::remind(&s.app, &page.ctx, id, version).await,
        OpinionAction::Answer => {
            let input = uc::AnswerInput {
                version,
                answered_on: chrono::NaiveDate::parse_from_str(
                    get("answered_on").trim(),
                    "%Y-%m-%d",
                )
                .ok(),
                answer: OpinionAnswerInput {
                    ratings: OpinionItem::ALL
                        .iter()
                        .filter_map(|i| {
                            let r = get(&format!("rating_{}", i.as_str()));
                            (!r.trim().is_empty()).then(|| OpinionRatingInput {
                                item: i.as_str().into(),
                                rating: r,
                            })
                        })
                        .collect(),
                    opinion: get("opinion"),
                },
            };
            uc::answer(&s.app, &page.ctx, id, &input).await
        }
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/opinions/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(page, &v, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn remind(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OpinionAction::Remind).await
}

pub async fn answer(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, OpinionAction::Answer).await
}
