//! Bulletins (`/supervision/bulletins`, 通报): the history, the form that
//! generates a draft from the figures of a period, a bulletin's page with the
//! ranked units coloured by pace, quality and timeliness, the sections to edit
//! before issuing, the issue, and the document (PDF, DOCX).

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, field_error};
use crate::html::{
    Action, Cell, Field, PageResult, Pager, Shell, page_error, parse_id, query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::supervision::bulletins::{self as uc, Bulletin, NewBulletin};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::FieldError;
use legalaid_domain::assessment::yuan;
use legalaid_domain::supervision::bulletin::{BulletinStatus, Pace, Sections};
use serde::Deserialize;

/// Whether the caller reads bulletins (the nav link).
pub fn sees_bulletins(ctx: &Ctx) -> bool {
    uc::sees_bulletins(ctx)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    as_of: String,
}

fn new_form(f: &NewForm) -> PanelForm {
    PanelForm::post("/supervision/bulletins", "生成通报草稿").group(
        "生成通报",
        vec![
            Field::new("title", "标题", "text", f.title.clone())
                .hint("留空为“某年某月法律援助工作通报”"),
            Field::new("from", "期间自", "date", f.from.clone()).hint("留空为截至日期所在月的1日"),
            Field::new("as_of", "截至日期", "date", f.as_of.clone()).hint("留空为上月最后一天"),
        ],
    )
}

async fn list_page(
    s: &AppState,
    page: &PageCtx,
    q: &ListQuery,
    f: &NewForm,
    errors: &[FieldError],
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, p).await.map_err(page_error)?;
    let mut v = PanelPage::new(
        Shell::new(page, "工作通报", "/supervision/bulletins"),
        "工作通报",
    );
    if uc::can_issue(&page.ctx) {
        let mut form = new_form(f);
        if !errors.is_empty() {
            v.error = Some(
                form.attach(errors)
                    .unwrap_or_else(|| "请修改后重新提交".into()),
            );
        }
        let mut panel = Panel::new("生成通报");
        panel.lead = "按截至日期的办案进度、评查、时效、咨询等数据生成通报草稿；数据生成后固定，修改文字后印发。".into();
        panel.forms.push(form);
        v.panels.push(panel);
    }
    v.blocks.push(Block {
        title: "通报".into(),
        headers: vec!["标题", "文号", "期间", "状态", "印发日期"],
        rows: items
            .iter()
            .map(|b| Row {
                class: "",
                cells: vec![
                    Cell::link(b.title.clone(), format!("/supervision/bulletins/{}", b.id)),
                    Cell::text(if b.number.is_empty() {
                        "—".to_owned()
                    } else {
                        b.number.clone()
                    }),
                    Cell::text(format!("{} 至 {}", b.period_from, b.as_of)),
                    Cell::text(b.status.label()),
                    Cell::text(b.issued_on.map_or_else(|| "—".into(), |d| d.to_string())),
                ],
            })
            .collect(),
        empty: "还没有通报。".into(),
    });
    v.pager = Some(Pager::new(
        "/supervision/bulletins",
        &query_string(&[]),
        p,
        total,
    ));
    Ok(v.respond(!errors.is_empty()))
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    list_page(&s, &page, &q, &NewForm::default(), &[]).await
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: NewForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let mut date = |field: &str, v: &str| {
        let t = v.trim();
        if t.is_empty() {
            return None;
        }
        chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .or_else(|| {
                errs.push(field_error(field, "日期格式应为 YYYY-MM-DD"));
                None
            })
    };
    let input = NewBulletin {
        region: None,
        from: date("from", &f.from),
        as_of: date("as_of", &f.as_of),
        title: Some(f.title.clone()),
    };
    if !errs.is_empty() {
        return list_page(&s, &page, &ListQuery::default(), &f, &errs).await;
    }
    match uc::create(&s.app, &page.ctx, &input).await {
        Ok(b) => Ok(see_other(&format!("/supervision/bulletins/{}", b.id))),
        Err(AppError::Validation(errs)) => {
            list_page(&s, &page, &ListQuery::default(), &f, &errs).await
        }
        Err(e) => Err(page_error(e)),
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

fn page_of(page: &PageCtx, b: &Bulletin, errors: &[FieldError]) -> PanelPage {
    let s = &b.snapshot;
    let base = format!("/supervision/bulletins/{}", b.id);
    let mut out = PanelPage::new(
        Shell::new(page, &b.title, "/supervision/bulletins"),
        b.title.clone(),
    );
    out.badge = if b.number.is_empty() {
        b.status.label().to_owned()
    } else {
        format!("{} · {}", b.status.label(), b.number)
    };
    out.actions = vec![
        Action {
            href: format!("{base}/document?format=pdf"),
            label: "通报（PDF）".into(),
        },
        Action {
            href: format!("{base}/document?format=docx"),
            label: "通报（Word）".into(),
        },
    ];
    let mut facts = Panel::new("概况");
    facts.lead = format!(
        "截至{}，{}{}年计入 {} / {} 件，完成{}，序时进度{:.1}%。",
        legalaid_domain::document::date_cn(s.as_of),
        s.region_name,
        s.year,
        s.total.counted,
        s.total.target.map_or_else(|| "—".into(), |t| t.to_string()),
        pct(s.total.completion),
        s.time_percent
    );
    facts.facts = vec![
        Fact::new("期间", format!("{} 至 {}", s.from, s.as_of)),
        Fact::new("统计口径", s.rule.clone()),
        Fact::new("期间受理案件", format!("{} 件", s.cases_in_period)),
        Fact::new("挽回损失或获得利益", yuan(s.amount_recovered_fen)),
        Fact::new("解答法律咨询", format!("{} 人次", s.consultations)),
        Fact::new("正在督办", format!("{} 项", s.open_orders)),
    ];
    facts.note = "红色为落后于序时进度（超出容差）的单位，黄色为略低于序时进度的单位。数据在生成通报时固定，此后不随案件变化。".into();
    out.panels.push(facts);
    let mut quality = Panel::new("质量和时效");
    quality.facts = s
        .grades
        .iter()
        .map(|c| Fact::new(format!("评查定级：{}", c.label), format!("{} 件", c.n)))
        .chain(
            s.overdue
                .iter()
                .map(|c| Fact::new(format!("超期未办：{}", c.label), format!("{} 项", c.n))),
        )
        .collect();
    if quality.facts.is_empty() {
        quality.lead = "本期没有评定等级的案卷，也没有超过办理期限的工作。".into();
    }
    out.panels.push(quality);
    let mut text = Panel::new("通报内容");
    if b.status == BulletinStatus::Draft && uc::can_issue(&page.ctx) {
        let version = b.version.to_string();
        let mut edit = PanelForm::post(format!("{base}/edit"), "保存修改")
            .hidden("version", version.clone())
            .group(
                "",
                vec![
                    Field::new("title", "标题", "text", b.title.clone()).required(),
                    Field::new(
                        "practice",
                        "主要做法",
                        "textarea",
                        b.sections.practice.clone(),
                    ),
                    Field::new(
                        "problems",
                        "存在问题",
                        "textarea",
                        b.sections.problems.clone(),
                    ),
                    Field::new(
                        "requirements",
                        "下一步要求",
                        "textarea",
                        b.sections.requirements.clone(),
                    )
                    .required(),
                ],
            );
        if !errors.is_empty()
            && let Some(rest) = edit.attach(errors)
        {
            out.error = Some(rest);
        }
        text.forms.push(edit);
        text.forms.push(
            PanelForm::post(format!("{base}/issue"), "印发并通知各单位").hidden("version", version),
        );
    } else {
        for (title, t) in [
            ("主要做法", &b.sections.practice),
            ("存在问题", &b.sections.problems),
            ("下一步要求", &b.sections.requirements),
        ] {
            if !t.trim().is_empty() {
                text.lists.push(crate::html::panels::SentenceList {
                    title: title.into(),
                    items: legalaid_domain::document::paragraphs(t),
                });
            }
        }
    }
    out.panels.push(text);
    out.blocks.push(Block {
        title: "各单位办案进度（按完成率排序）".into(),
        headers: vec![
            "名次",
            "单位",
            "计入 / 目标",
            "完成率",
            "超（落后）序时进度",
            "结案率",
            "归档率",
        ],
        rows: s
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| Row {
                class: match l.pace() {
                    Pace::Lagging => "overdue",
                    Pace::Behind => "due-soon",
                    _ => "",
                },
                cells: vec![
                    Cell::text((i + 1).to_string()),
                    Cell::text(l.name.clone()),
                    Cell::text(format!(
                        "{} / {}",
                        l.counted,
                        l.target.map_or_else(|| "—".into(), |t| t.to_string())
                    )),
                    Cell::text(pct(l.completion)),
                    Cell::text(match l.gap_points {
                        Some(g) if g < 0.0 => format!(
                            "落后 {:.1} 个百分点{}",
                            -g,
                            if l.lagging == Some(true) {
                                "（落后）"
                            } else {
                                ""
                            }
                        ),
                        Some(g) => format!("超 {g:.1} 个百分点"),
                        None => "—".into(),
                    }),
                    Cell::text(format!(
                        "{} / {}（{}）",
                        l.conclusion_rate.part,
                        l.conclusion_rate.whole,
                        pct(l.conclusion_rate.percent())
                    )),
                    Cell::text(format!(
                        "{} / {}（{}）",
                        l.archive_rate.part,
                        l.archive_rate.whole,
                        pct(l.archive_rate.percent())
                    )),
                ],
            })
            .collect(),
        empty: "该地区下没有单位。".into(),
    });
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let b = uc::get(&s.app, &page.ctx, parse_id::<i64>(&id)?)
        .await
        .map_err(page_error)?;
    Ok(page_of(&page, &b, &[]).respond(false))
}

#[derive(Deserialize, Default)]
pub struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    practice: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    requirements: String,
}

pub async fn edit(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id::<i64>(&id)?;
    let f: EditForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let sections = Sections {
        practice: f.practice,
        problems: f.problems,
        requirements: f.requirements,
    };
    match uc::edit(&s.app, &page.ctx, id, version, &f.title, &sections).await {
        Ok(_) => Ok(see_other(&format!("/supervision/bulletins/{id}"))),
        Err(AppError::Validation(errs)) => {
            let b = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(&page, &b, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

#[derive(Deserialize, Default)]
pub struct IssueForm {
    #[serde(default)]
    version: String,
}

pub async fn issue(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id::<i64>(&id)?;
    let f: IssueForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    uc::issue(&s.app, &page.ctx, id, version)
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/supervision/bulletins/{id}")))
}

#[derive(Deserialize, Default)]
pub struct FormatQuery {
    format: Option<String>,
}

pub async fn document(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> PageResult {
    let id = parse_id::<i64>(&id)?;
    let format = q.format.unwrap_or_else(|| "pdf".into());
    if format != "pdf" && format != "docx" {
        return Err(page_error(AppError::NotFound));
    }
    let (doc, name) = uc::document(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    crate::documents::respond(doc, &name, &format)
        .await
        .map_err(page_error)
}
