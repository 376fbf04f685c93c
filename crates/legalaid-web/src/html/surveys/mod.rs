//! Survey pages (社情民意调查) for staff: `/surveys` (the campaigns), the new
//! campaign form, a campaign's page (targets and progress, 知晓率 and 满意度 by
//! township and unit as tables and SVG bar charts, with their definitions), its
//! printable QR codes, the phone-answer entry form, the CSV exports, and the
//! instruments (`/surveys/instruments…`). The public answer page is
//! `public/survey.rs`, in the portal's shell.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, page_error, parse_id, query_string,
    render, see_other,
};
use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use legalaid_app::surveys::{self as uc, CampaignAction, ResultRow, ResultsView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_docs::charts::{self, Bar};
use legalaid_domain::survey::{CampaignInput, Instrument, QuestionKind, Responses, Target};
use legalaid_domain::{CampaignId, FieldError, InstrumentId};
use serde::Deserialize;

mod answers;
mod codes;
mod instruments;

pub use answers::{answers_csv, enter, new_answer, results_csv};
pub use codes::codes;
pub use instruments::{create_instrument, instrument, instruments, new_instrument};

/// Whether the caller sees the survey pages (the nav link 社情民意调查).
pub fn sees_surveys(ctx: &Ctx) -> bool {
    uc::can_enter(ctx)
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn date(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// A figure of the campaign page.
pub struct Chart {
    pub title: String,
    pub svg: String,
    pub note: String,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "figures.html")]
struct SurveyPage {
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

impl SurveyPage {
    fn new(shell: Shell, heading: String) -> Self {
        SurveyPage {
            shell,
            heading,
            badge: String::new(),
            actions: Vec::new(),
            error: None,
            panels: Vec::new(),
            charts: Vec::new(),
            blocks: Vec::new(),
            pager: None,
        }
    }
}

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, p).await.map_err(page_error)?;
    let mut v = SurveyPage::new(
        Shell::new(&page, "社情民意调查", "/surveys"),
        "社情民意调查".into(),
    );
    if uc::can_organise(&page.ctx) {
        v.actions.push(Action {
            href: "/surveys/new".into(),
            label: "新建调查".into(),
        });
    }
    v.actions.push(Action {
        href: "/surveys/instruments".into(),
        label: "调查问卷".into(),
    });
    v.blocks.push(Block {
        title: "调查活动".into(),
        headers: vec!["调查", "组织单位", "调查期间", "问卷", "样本量"],
        rows: items
            .iter()
            .map(|l| Row {
                class: "",
                cells: vec![
                    Cell::link(
                        l.campaign.title.clone(),
                        format!("/surveys/{}", l.campaign.id),
                    ),
                    Cell::text(l.unit_name.clone()),
                    Cell::text(format!("{}至{}", l.campaign.starts_on, l.campaign.ends_on)),
                    Cell::text(format!("{}（第{}版）", l.instrument_title, l.instrument_version)),
                    Cell::text(l.answers.to_string()),
                ],
            })
            .collect(),
        empty: "还没有调查活动。司法局或法律援助中心点击“新建调查”，选择问卷、调查期间和各乡镇（街道）的目标样本量，再生成二维码发放。".into(),
    });
    v.pager = Some(Pager::new("/surveys", "", p, total));
    Ok(render(&v))
}

// ---------------------------------------------------------------- new

#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    instrument_id: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

async fn new_form(s: &AppState, page: &PageCtx, f: &NewForm) -> Result<FormPage, Response> {
    let instruments = uc::instruments(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let towns = uc::organiser_townships(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let mut fields = vec![
        Field::new("title", "调查名称", "text", f.title.clone())
            .required()
            .hint("如：2026年法律援助知晓率和满意度调查"),
        Field::new("instrument_id", "调查问卷", "select", "")
            .required()
            .options(
                instruments.iter().map(|i| {
                    (
                        i.stored.id.to_string(),
                        format!(
                            "{}（第{}版{}）",
                            i.stored.title,
                            i.stored.version,
                            if i.stored.example { "，示例" } else { "" }
                        ),
                    )
                }),
                std::slice::from_ref(&f.instrument_id),
            ),
        Field::new("starts_on", "开始日期", "date", f.starts_on.clone()).required(),
        Field::new("ends_on", "结束日期", "date", f.ends_on.clone()).required(),
    ];
    for t in &towns {
        let name = format!("target_{}", t.code);
        let value = f.rest.get(&name).cloned().unwrap_or_default();
        fields.push(
            Field::new(name, &format!("目标样本量：{}", t.name), "number", value)
                .hint("不填即不设目标"),
        );
    }
    Ok(FormPage {
        shell: Shell::new(page, "新建调查", "/surveys"),
        heading: "新建社情民意调查".into(),
        action: "/surveys".into(),
        submit: "新建调查".into(),
        cancel: "/surveys".into(),
        error: None,
        fields,
    })
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    if !uc::can_organise(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(new_form(&s, &page, &NewForm::default()).await?.respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: NewForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let mut targets = Vec::new();
    for (k, v) in &f.rest {
        let Some(code) = k.strip_prefix("target_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match v.parse::<u32>() {
            Ok(n) => targets.push(Target {
                township: code.to_owned(),
                target: n,
            }),
            Err(_) => errors.push(FieldError {
                field: k.clone(),
                message: "目标样本量应为不小于0的整数".into(),
            }),
        }
    }
    targets.sort_by(|a, b| a.township.cmp(&b.township));
    let input = CampaignInput {
        title: f.title.clone(),
        instrument_id: f.instrument_id.trim().parse().ok(),
        starts_on: date(&f.starts_on),
        ends_on: date(&f.ends_on),
        targets,
    };
    let r = if errors.is_empty() {
        uc::create(&s.app, &page.ctx, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match r {
        Ok(v) => Ok(see_other(&format!("/surveys/{}", v.campaign.id))),
        Err(AppError::Validation(errs)) => Ok(new_form(&s, &page, &f).await?.respond(&errs)),
        Err(e @ AppError::Duplicate { .. }) => {
            let errs = vec![FieldError {
                field: "title".into(),
                message: e.to_string(),
            }];
            Ok(new_form(&s, &page, &f).await?.respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- a campaign

fn rate_bars(rows: &[ResultRow], pick: fn(&ResultRow) -> (Option<f64>, u32, u32)) -> Vec<Bar> {
    rows.iter()
        .filter_map(|r| {
            let (rate, part, base) = pick(r);
            rate.map(|x| Bar {
                label: r.name.clone(),
                share: x,
                text: format!("{}（{part}/{base}）", percent(Some(x))),
            })
        })
        .collect()
}

fn chart(title: &str, bars: Vec<Bar>, note: &str, empty: &str) -> Chart {
    Chart {
        title: title.to_owned(),
        svg: if bars.is_empty() {
            String::new()
        } else {
            charts::bars(title, &bars)
        },
        note: note.to_owned(),
        empty: empty.to_owned(),
    }
}

fn rate_row(r: &ResultRow, with_target: bool, with_codes: bool) -> Row {
    let mut cells = vec![Cell::text(r.name.clone())];
    if with_target {
        cells.push(Cell::text(if r.target > 0 {
            r.target.to_string()
        } else {
            "—".into()
        }));
    }
    cells.push(Cell::text(r.tally.answers.to_string()));
    if with_target {
        cells.push(Cell::text(percent(r.progress)));
    }
    if with_codes {
        cells.push(Cell::text(format!(
            "{}/{}",
            r.codes_answered, r.codes_issued
        )));
    }
    cells.push(Cell::text(format!(
        "{}（{}/{}）",
        percent(r.awareness),
        r.tally.aware,
        r.tally.awareness_base
    )));
    cells.push(Cell::text(format!(
        "{}（{}/{}）",
        percent(r.satisfaction),
        r.tally.satisfied,
        r.tally.ratings
    )));
    Row {
        class: if with_target && r.target > 0 && r.tally.answers < r.target {
            "due-soon"
        } else {
            ""
        },
        cells,
    }
}

fn campaign_page(page: &PageCtx, r: &ResultsView, errors: &[FieldError]) -> SurveyPage {
    let v = &r.campaign;
    let c = &v.campaign;
    let base = format!("/surveys/{}", c.id);
    let mut out = SurveyPage::new(Shell::new(page, &c.title, "/surveys"), c.title.clone());
    out.badge = v.status.clone();
    if v.actions.contains(&CampaignAction::EnterAnswer) {
        out.actions.push(Action {
            href: format!("{base}/answers/new"),
            label: "录入电话调查".into(),
        });
    }
    if v.actions.contains(&CampaignAction::IssueCodes) || uc::can_organise(&page.ctx) {
        out.actions.push(Action {
            href: format!("{base}/codes"),
            label: "二维码".into(),
        });
    }
    out.actions.push(Action {
        href: format!("{base}/results.csv"),
        label: "导出结果".into(),
    });
    out.actions.push(Action {
        href: format!("{base}/answers.csv"),
        label: "导出答卷".into(),
    });
    let mut facts = Panel::new("调查");
    facts.facts = vec![
        Fact::new("组织单位", v.unit_name.clone()),
        Fact::new("调查期间", format!("{}至{}", c.starts_on, c.ends_on)),
        Fact::link(
            "调查问卷",
            format!("{}（第{}版）", v.instrument_title, v.instrument_version),
            format!("/surveys/instruments/{}", c.instrument_id),
        ),
        Fact::new("目标样本量", r.target.to_string()),
        Fact::new("已收回", r.overall.tally.answers.to_string()),
        Fact::new("完成进度", percent(r.overall.progress)),
        Fact::new(
            "知晓率",
            format!(
                "{}（{}/{}）",
                percent(r.overall.awareness),
                r.overall.tally.aware,
                r.overall.tally.awareness_base
            ),
        ),
        Fact::new(
            "满意度",
            format!(
                "{}（{}/{}项次）",
                percent(r.overall.satisfaction),
                r.overall.tally.satisfied,
                r.overall.tally.ratings
            ),
        ),
    ];
    out.panels.push(facts);
    let mut defs = Panel::new("计算口径");
    defs.lists.push(crate::html::panels::SentenceList {
        title: "本报告中的比率".into(),
        items: vec![
            r.awareness_definition.clone(),
            r.satisfaction_definition.clone(),
            "样本量为收回的有效问卷份数；群众扫码作答的问卷计入发放二维码的单位，电话调查计入录入人员所在单位。".into(),
        ],
    });
    out.panels.push(defs);
    if v.actions.contains(&CampaignAction::IssueCodes) {
        let mut codes = Panel::new("生成二维码");
        codes.note = "每个二维码只能作答一次；生成后可打印发放。".into();
        let mut form = PanelForm::post(format!("{base}/codes"), "生成").group(
            "",
            vec![
                Field::new("count", "数量（1–500）", "number", "50").required(),
                Field::new("unit_id", "发放单位编号（不填为组织单位）", "number", ""),
            ],
        );
        if let Some(rest) = form.attach(errors) {
            out.error = Some(rest);
        }
        codes.forms.push(form);
        out.panels.push(codes);
    }
    let empty = "尚无答卷。生成二维码发放，或录入电话调查后，这里按乡镇（街道）显示。";
    out.charts.push(chart(
        "各乡镇（街道）目标完成进度",
        r.by_township
            .iter()
            .filter(|t| t.target > 0)
            .map(|t| Bar {
                label: t.name.clone(),
                share: t.progress.unwrap_or(0.0),
                text: format!(
                    "{}/{}（{}）",
                    t.tally.answers,
                    t.target,
                    percent(t.progress)
                ),
            })
            .collect(),
        "",
        "本次调查未设目标样本量。",
    ));
    out.charts.push(chart(
        "知晓率（按乡镇、街道）",
        rate_bars(&r.by_township, |x| {
            (x.awareness, x.tally.aware, x.tally.awareness_base)
        }),
        &r.awareness_definition,
        empty,
    ));
    out.charts.push(chart(
        "满意度（按乡镇、街道）",
        rate_bars(&r.by_township, |x| {
            (x.satisfaction, x.tally.satisfied, x.tally.ratings)
        }),
        &r.satisfaction_definition,
        "尚无满意度评价（只有接受过法律援助的受访者回答）。",
    ));
    out.blocks.push(Block {
        title: "按乡镇（街道）".into(),
        headers: vec![
            "乡镇（街道）",
            "目标样本",
            "样本量",
            "完成进度",
            "知晓率",
            "满意度",
        ],
        rows: r
            .by_township
            .iter()
            .map(|x| rate_row(x, true, false))
            .collect(),
        empty: "本辖区没有乡镇（街道）。".into(),
    });
    out.blocks.push(Block {
        title: "按单位".into(),
        headers: vec![
            "收集单位",
            "样本量",
            "二维码（已答/发放）",
            "知晓率",
            "满意度",
        ],
        rows: r.by_unit.iter().map(|x| rate_row(x, false, true)).collect(),
        empty: "尚无发放的二维码或录入的问卷。".into(),
    });
    out.blocks.push(Block {
        title: "按作答方式".into(),
        headers: vec!["方式", "样本量", "知晓率", "满意度"],
        rows: r
            .by_channel
            .iter()
            .map(|x| rate_row(x, false, false))
            .collect(),
        empty: String::new(),
    });
    for q in &r.questions {
        out.blocks.push(Block {
            title: format!("{} {}（{}人作答）", q.code, q.text, q.answered),
            headers: vec!["选项", "人数", "占作答人数"],
            rows: q
                .options
                .iter()
                .map(|o| Row {
                    class: "",
                    cells: vec![
                        Cell::text(o.label.clone()),
                        Cell::text(o.count.to_string()),
                        Cell::text(percent(legalaid_domain::survey::rate(o.count, q.answered))),
                    ],
                })
                .collect(),
            empty: String::new(),
        });
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let r = uc::results(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(render(&campaign_page(&page, &r, &[])))
}

#[derive(Deserialize, Default)]
pub struct CodesForm {
    #[serde(default)]
    count: String,
    #[serde(default)]
    unit_id: String,
}

pub async fn issue(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let f: CodesForm = CsrfForm::parse(req, &page.csrf).await?;
    let r = match f.count.trim().parse::<u32>() {
        Ok(n) => {
            let unit = f
                .unit_id
                .trim()
                .parse::<i64>()
                .ok()
                .map(legalaid_domain::UnitId);
            if !f.unit_id.trim().is_empty() && unit.is_none() {
                Err(AppError::field("unit_id", "发放单位编号应为数字"))
            } else {
                uc::issue_codes(&s.app, &page.ctx, id, n, unit).await
            }
        }
        Err(_) => Err(AppError::field("count", "数量应为1至500的整数")),
    };
    match r {
        Ok(x) => Ok(see_other(&format!("/surveys/{id}/codes?batch={}", x.batch))),
        Err(AppError::Validation(errs)) => {
            let r = uc::results(&s.app, &page.ctx, id)
                .await
                .map_err(page_error)?;
            let mut res = render(&campaign_page(&page, &r, &errs));
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}
