//! Excellent-case selection pages (优秀案例评选): `/quality/excellent` (the
//! selections, and a judge's cases to score), the creation form, a selection's
//! page (settings, panel, nominations, the ranking or the published list, the
//! steps), and the panel the case page shows ([`case_panel`]). The nomination
//! pages are `excellent_nomination.rs`.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::excellent::nominations as nom;
use legalaid_app::quality::excellent::{
    self as uc, SelectionAction, SelectionFilter, SelectionView,
};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::excellent::{Criterion, SelectionInput, SelectionStatus};
use legalaid_domain::role::Role;
use legalaid_domain::{FieldError, SelectionId};
use serde::Deserialize;

/// Whether the caller sees the selection pages (the nav link 优秀案例): every
/// signed-in user of a unit (units nominate, judges score), and administrators.
pub fn sees_excellent(ctx: &Ctx) -> bool {
    ctx.actor
        .as_ref()
        .is_some_and(|a| a.unit.is_some() || a.has(Role::SystemAdmin))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    status: Option<String>,
    year: Option<String>,
}

fn fmt_average(a: f64) -> String {
    format!("{a:.2}")
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let filter = SelectionFilter {
        status: q.status.as_deref().and_then(SelectionStatus::parse),
        year: q.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    let (items, total) = uc::list(&s.app, &page.ctx, &filter, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(
        Shell::new(&page, "优秀案例评选", "/quality/excellent"),
        "优秀案例评选",
    );
    if uc::can_organise(&page.ctx) {
        v.actions.push(Action {
            href: "/quality/excellent/new".into(),
            label: "新建评选".into(),
        });
    }
    let pending = nom::pending(&s.app, &page.ctx).await.map_err(page_error)?;
    let is_judge = page.ctx.actor.as_ref().is_some_and(|a| a.has(Role::Expert));
    if is_judge || !pending.is_empty() {
        v.blocks.push(Block {
            title: "待我评分的推荐案件".into(),
            headers: vec!["评选", "案件"],
            rows: pending
                .iter()
                .map(|x| Row {
                    class: "due-soon",
                    cells: vec![
                        Cell::link(
                            x.selection_title.clone(),
                            format!("/quality/excellent/{}", x.selection_id),
                        ),
                        Cell::link(
                            x.case_number.clone(),
                            format!("/quality/excellent/nominations/{}", x.nomination_id),
                        ),
                    ],
                })
                .collect(),
            empty: "目前没有待您评分的案件。评选截止推荐后，分配给您的案件会出现在这里。".into(),
        });
    }
    let mut filters = Panel::new("筛选");
    filters
        .forms
        .push(PanelForm::get("/quality/excellent", "筛选").group(
            "",
            vec![
                Field::new("status", "状态", "select", "").options(
                    kind_options(
                        SelectionStatus::ALL,
                        SelectionStatus::as_str,
                        SelectionStatus::label,
                        "全部",
                    ),
                    &[q.status.clone().unwrap_or_default()],
                ),
                Field::new("year", "年度", "number", q.year.clone().unwrap_or_default()),
            ],
        ));
    v.panels.push(filters);
    v.blocks.push(Block {
        title: "评选".into(),
        headers: vec!["评选", "组织单位", "推荐截止", "名额", "推荐案件", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let x = &l.selection;
                Row {
                    class: "",
                    cells: vec![
                        Cell::link(x.title.clone(), format!("/quality/excellent/{}", x.id)),
                        Cell::text(l.unit_name.clone()),
                        Cell::text(x.nomination_deadline.to_string()),
                        Cell::text(x.places.to_string()),
                        Cell::text(l.nominations.to_string()),
                        Cell::text(x.status.label()),
                    ],
                }
            })
            .collect(),
        empty: "还没有优秀案例评选。司法局监管人员或法律援助中心主任可以新建评选，设定评分标准、名额和评委后，由各承办单位推荐已结案归档的案件。".into(),
    });
    let query = query_string(&[("status", q.status.clone()), ("year", q.year.clone())]);
    v.pager = Some(Pager::new("/quality/excellent", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default)]
pub struct SelectionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    closed_from: String,
    #[serde(default)]
    closed_to: String,
    #[serde(default)]
    nomination_deadline: String,
    #[serde(default)]
    places: String,
    #[serde(default)]
    judges_per_case: String,
    #[serde(default)]
    judges: Vec<String>,
    #[serde(default)]
    criteria: String,
    #[serde(default)]
    notes: String,
}

/// The criteria as the form writes them: one a line, `代码,名称,分值`.
fn criteria_text(c: &[Criterion]) -> String {
    c.iter()
        .map(|c| format!("{},{},{}", c.code, c.name, c.max_points))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_criteria(raw: &str) -> Result<Vec<Criterion>, FieldError> {
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split([',', '，']).map(str::trim).collect();
        let bad = || FieldError {
            field: "criteria".into(),
            message: format!(
                "第{}行应为“代码,名称,分值”，如 procedure,办案程序规范性,20",
                i + 1
            ),
        };
        let [code, name, points] = parts.as_slice() else {
            return Err(bad());
        };
        out.push(Criterion {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            max_points: points.parse().map_err(|_| bad())?,
        });
    }
    Ok(out)
}

fn date(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn selection_form(page: &PageCtx, f: &SelectionForm, pool: &[uc::Judge]) -> FormPage {
    let hint = if pool.is_empty() {
        "本辖区的评查专家库中还没有可选的专家，请先在“评查专家库”中添加。"
    } else {
        "从评查专家库中选择；推荐截止后，每件案件由系统从中分配评委，回避案件承办单位的人员（交叉评审）"
    };
    FormPage {
        shell: Shell::new(page, "新建优秀案例评选", "/quality/excellent"),
        heading: "新建优秀案例评选".into(),
        action: "/quality/excellent".into(),
        submit: "保存".into(),
        cancel: "/quality/excellent".into(),
        error: None,
        fields: vec![
            Field::new("title", "评选名称", "text", f.title.clone()).required(),
            Field::new("year", "评选年度", "number", f.year.clone()).required(),
            Field::new("closed_from", "结案日期自", "date", f.closed_from.clone())
                .hint("不填为评选年度的1月1日"),
            Field::new("closed_to", "结案日期至", "date", f.closed_to.clone())
                .hint("不填为评选年度的12月31日"),
            Field::new(
                "nomination_deadline",
                "推荐截止日期",
                "date",
                f.nomination_deadline.clone(),
            )
            .required(),
            Field::new("places", "评选名额（件）", "number", f.places.clone())
                .hint("如“十佳”填10；并列名次同获优秀案例"),
            Field::new(
                "judges_per_case",
                "每件案件的评委人数",
                "number",
                f.judges_per_case.clone(),
            ),
            Field::new("judges", "评委", "checkboxes", "")
                .required()
                .hint(hint)
                .options(
                    pool.iter().map(|j| {
                        let who = if j.work_unit.is_empty() {
                            j.name.clone()
                        } else {
                            format!("{}（{}）", j.name, j.work_unit)
                        };
                        (j.expert_id.to_string(), who)
                    }),
                    &f.judges,
                ),
            Field::new("criteria", "评分标准", "textarea", f.criteria.clone())
                .required()
                .hint("每行一项：代码,名称,分值；各项分值之和为100分"),
            Field::new("notes", "评选说明", "textarea", f.notes.clone())
                .hint("评选范围、推荐要求等，推荐单位可以看到"),
        ],
    }
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let d = uc::defaults(&s.app, &page.ctx).await.map_err(page_error)?;
    let f = SelectionForm {
        title: d.title,
        year: d.year.to_string(),
        places: d.places.to_string(),
        judges_per_case: d.judges_per_case.to_string(),
        criteria: criteria_text(&d.criteria),
        ..SelectionForm::default()
    };
    Ok(selection_form(&page, &f, &d.pool).respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: SelectionForm = CsrfForm::parse(req, &page.csrf).await?;
    let d = uc::defaults(&s.app, &page.ctx).await.map_err(page_error)?;
    let number = |field: &str, raw: &str, label: &str| -> Result<Option<u32>, FieldError> {
        match raw.trim() {
            "" => Ok(None),
            x => x.parse().map(Some).map_err(|_| FieldError {
                field: field.into(),
                message: format!("{label}应为正整数"),
            }),
        }
    };
    let mut errors = Vec::new();
    let mut keep = |r: Result<Option<u32>, FieldError>| {
        r.unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    };
    let places = keep(number("places", &f.places, "评选名额"));
    let per_case = keep(number(
        "judges_per_case",
        &f.judges_per_case,
        "每件案件的评委人数",
    ));
    let year = keep(number("year", &f.year, "评选年度"));
    let criteria = match parse_criteria(&f.criteria) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if !errors.is_empty() {
        return Ok(selection_form(&page, &f, &d.pool).respond(&errors));
    }
    let input = SelectionInput {
        title: f.title.clone(),
        year: year.and_then(|y| i32::try_from(y).ok()),
        closed_from: date(&f.closed_from),
        closed_to: date(&f.closed_to),
        nomination_deadline: date(&f.nomination_deadline),
        places,
        judges_per_case: per_case,
        criteria,
        judges: f
            .judges
            .iter()
            .filter_map(|j| j.trim().parse().ok())
            .collect(),
        notes: f.notes.clone(),
    };
    match uc::create(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/quality/excellent/{}", v.selection.id))),
        Err(AppError::Validation(errs)) => Ok(selection_form(&page, &f, &d.pool).respond(&errs)),
        Err(AppError::Duplicate { field, message }) => {
            Ok(selection_form(&page, &f, &d.pool).respond(&[FieldError { field, message }]))
        }
        Err(e) => Err(page_error(e)),
    }
}

fn selection_page(page: &PageCtx, v: &SelectionView, nominations: NominationsBlock) -> PanelPage {
    let x = &v.selection;
    let base = format!("/quality/excellent/{}", x.id);
    let mut out = PanelPage::new(
        Shell::new(page, &x.title, "/quality/excellent"),
        x.title.clone(),
    );
    out.badge = x.status.label().into();
    let version = x.version.to_string();
    let mut work = Panel::new("办理");
    for a in &v.actions {
        match a {
            SelectionAction::Nominate => work.links.push(Action {
                href: format!("{base}/nominate"),
                label: "推荐案件".into(),
            }),
            SelectionAction::StartJudging => work.forms.push(
                PanelForm::post(format!("{base}/start-judging"), "截止推荐，开始评审")
                    .hidden("version", version.clone()),
            ),
            SelectionAction::Publish => work.forms.push(
                PanelForm::post(format!("{base}/publish"), "公布评选结果")
                    .hidden("version", version.clone()),
            ),
        }
    }
    if let Some(m) = v.missing_sheets {
        work.note = if m == 0 {
            "评委已全部评分，可以公布评选结果。".into()
        } else {
            format!("尚有{m}份评分未提交；全部评分后才能公布结果。")
        };
    }
    if !work.links.is_empty() || !work.forms.is_empty() || !work.note.is_empty() {
        out.panels.push(work);
    }
    let mut facts = Panel::new("评选");
    facts.facts = vec![
        Fact::new("组织单位", v.unit_name.clone()),
        Fact::new("评选年度", x.year.to_string()),
        Fact::new("结案期间", format!("{} 至 {}", x.closed_from, x.closed_to)),
        Fact::new("推荐截止日期", x.nomination_deadline.to_string()),
        Fact::new("评选名额", format!("{}件", x.places)),
        Fact::new(
            "评审方式",
            format!(
                "每件案件由{}名评委评分，回避本单位（交叉评审），按评委总分的平均分排名",
                x.judges_per_case
            ),
        ),
        Fact::new("评委人数", format!("{}名", v.panel_size)),
        Fact::new("推荐案件", format!("{}件", v.nominations)),
    ];
    if let Some(t) = x.published_at {
        facts.facts.push(Fact::new("公布时间", china(t)));
    }
    if !x.notes.is_empty() {
        facts.note = x.notes.clone();
    }
    out.panels.push(facts);
    let mut criteria = Panel::new("评分标准");
    criteria.facts = x
        .criteria
        .0
        .iter()
        .map(|c| Fact::new(c.name.clone(), format!("{}分", c.max_points)))
        .collect();
    out.panels.push(criteria);
    if !v.judges.is_empty() {
        let mut judges = Panel::new("评委");
        judges.facts = v
            .judges
            .iter()
            .map(|j| {
                Fact::new(
                    j.name.clone(),
                    format!(
                        "{}{}",
                        or_dash(&j.work_unit),
                        if j.has_account {
                            ""
                        } else {
                            "（无系统账号，纸质评分由组织单位录入）"
                        }
                    ),
                )
            })
            .collect();
        out.panels.push(judges);
    }
    let published = x.status == SelectionStatus::Published;
    if x.status != SelectionStatus::Nominating {
        out.blocks.push(Block {
            title: if published {
                "评选结果（优秀案例名单）".into()
            } else {
                "当前排名（评审中，未公布）".into()
            },
            headers: vec![
                "名次",
                "案件",
                "承办单位",
                "承办人",
                "平均分",
                "评分评委",
                "结果",
            ],
            rows: v
                .ranking
                .iter()
                .map(|r| Row {
                    class: if r.honoured { "honoured" } else { "" },
                    cells: vec![
                        Cell::text(
                            r.rank
                                .map_or_else(|| "—".to_owned(), |r| format!("第{r}名")),
                        ),
                        Cell::link(
                            r.case_number.clone(),
                            format!("/quality/excellent/nominations/{}", r.nomination_id),
                        ),
                        Cell::text(or_dash(r.handling_unit_name.as_deref().unwrap_or(""))),
                        Cell::text(or_dash(r.handler_name.as_deref().unwrap_or(""))),
                        Cell::text(fmt_average(r.average)),
                        Cell::text(r.judges.to_string()),
                        Cell::text(if r.honoured { "优秀案例" } else { "—" }),
                    ],
                })
                .collect(),
            empty: if published {
                "本次评选没有获评优秀案例的案件。".into()
            } else {
                "评审期间，组织单位可以在这里看到按评委评分计算的排名。".into()
            },
        });
    }
    out.blocks.push(nominations.block);
    out.pager = nominations.pager;
    out
}

struct NominationsBlock {
    block: Block,
    pager: Option<Pager>,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    page: Option<i64>,
}

async fn nominations_block(
    s: &AppState,
    page: &PageCtx,
    v: &SelectionView,
    p: Page,
) -> Result<NominationsBlock, axum::response::Response> {
    let id = SelectionId(v.selection.id);
    let (items, total) = nom::list(&s.app, &page.ctx, id, true, p)
        .await
        .map_err(page_error)?;
    let block = Block {
        title: "推荐案件".into(),
        headers: vec!["案件", "推荐单位", "承办人", "评分", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let n = &l.nomination;
                Row {
                    class: if n.honoured { "honoured" } else { "" },
                    cells: vec![
                        Cell::link(
                            l.case_number.clone(),
                            format!("/quality/excellent/nominations/{}", n.id),
                        ),
                        Cell::text(or_dash(&l.nominating_unit_name)),
                        Cell::text(or_dash(l.handler_name.as_deref().unwrap_or(""))),
                        Cell::text(format!("{}/{}", l.scored, l.judges)),
                        Cell::text(n.status.label()),
                    ],
                }
            })
            .collect(),
        empty: match v.selection.status {
            SelectionStatus::Nominating => "还没有您可以看到的推荐案件。各承办单位可以在推荐截止日期前点击“推荐案件”，推荐本单位承办、已结案归档的案件。".into(),
            _ => "没有您可以看到的推荐案件。".into(),
        },
    };
    Ok(NominationsBlock {
        block,
        pager: Some(Pager::new(
            &format!("/quality/excellent/{}", v.selection.id),
            "",
            p,
            total,
        )),
    })
}

pub async fn show(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    let nominations = nominations_block(&s, &page, &v, Page::new(q.page, Some(50))).await?;
    Ok(selection_page(&page, &v, nominations).respond(false))
}

#[derive(Deserialize, Default)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: SelectionId,
    req: Request,
    which: SelectionAction,
) -> PageResult {
    let f: VersionForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let r = match which {
        SelectionAction::Publish => uc::publish(&s.app, &page.ctx, id, version).await,
        _ => uc::start_judging(&s.app, &page.ctx, id, version).await,
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/quality/excellent/{id}"))),
        Err(AppError::Conflict(message)) => {
            // The page again, with why the step could not be taken.
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            let nominations = nominations_block(s, page, &v, Page::new(None, Some(50))).await?;
            let mut out = selection_page(page, &v, nominations);
            out.error = Some(message);
            let mut res = out.respond(false);
            *res.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn start_judging(
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
        SelectionAction::StartJudging,
    )
    .await
}

pub async fn publish(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, SelectionAction::Publish).await
}

/// The case page's panel 优秀案例: the case's honours (each linking to the
/// published list), and the selections the caller may nominate it to now.
/// None when there is neither.
pub fn case_panel(read: &legalaid_app::quality::of_case::CasePage) -> Option<Panel> {
    let (honours, open) = (&read.honours, &read.open_selections);
    if honours.is_empty() && open.is_empty() {
        return None;
    }
    let mut p = Panel::new("优秀案例");
    if !honours.is_empty() {
        p.class = "honour";
        p.lead = honours
            .iter()
            .map(|h| h.label.clone())
            .collect::<Vec<_>>()
            .join("；");
    }
    for h in honours {
        p.links.push(Action {
            href: h.href.clone(),
            label: format!("查看{}结果", h.title),
        });
    }
    for o in open {
        p.links.push(Action {
            href: o.href.clone(),
            label: format!("推荐参加{}", o.title),
        });
    }
    Some(p)
}
