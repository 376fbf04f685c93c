//! Survey pages (社情民意调查) for staff: `/surveys` (the campaigns), the new
//! campaign form, a campaign's page (targets and progress, 知晓率 and 满意度 by
//! township and unit as tables and SVG bar charts, with their definitions), its
//! printable QR codes, the phone-answer entry form, the CSV exports, and the
//! instruments (`/surveys/instruments…`). The public answer page is
//! `public_survey.rs`.

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
#[template(path = "survey.html")]
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

// ---------------------------------------------------------------- codes

pub struct QrCard {
    pub svg: String,
    pub link: String,
    pub unit: String,
    pub batch: i64,
    pub used: bool,
}

#[derive(Template)]
#[template(path = "survey_codes.html")]
struct CodesPage {
    shell: Shell,
    heading: String,
    title: String,
    actions: Vec<Action>,
    cards: Vec<QrCard>,
    empty: String,
    pager: Option<Pager>,
}

#[derive(Deserialize, Default)]
pub struct CodesQuery {
    batch: Option<String>,
    unanswered: Option<String>,
    page: Option<i64>,
}

/// The address the public reaches this server at, as the request named it.
fn public_base(s: &AppState, req: &axum::http::HeaderMap) -> String {
    let host = req
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if s.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub async fn codes(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<CodesQuery>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    let batch = q
        .batch
        .as_deref()
        .and_then(|b| b.trim().parse::<i64>().ok());
    let p = Page::new(q.page, Some(48));
    let unanswered = q.unanswered.as_deref().is_some_and(|u| !u.is_empty());
    let (items, total) = uc::codes(&s.app, &page.ctx, id, batch, unanswered, p)
        .await
        .map_err(page_error)?;
    let base = public_base(&s, &headers);
    let cards = items
        .iter()
        .map(|k| {
            let link = format!("{base}/public/surveys/{}", k.code);
            QrCard {
                svg: charts::qr(&link, 160).unwrap_or_default(),
                link,
                unit: k.unit_name.clone(),
                batch: k.batch,
                used: k.used,
            }
        })
        .collect();
    let query = query_string(&[
        ("batch", batch.map(|b| b.to_string())),
        ("unanswered", unanswered.then(|| "1".to_owned())),
    ]);
    let mut actions = vec![Action {
        href: format!("/surveys/{id}"),
        label: "返回调查".into(),
    }];
    if !unanswered {
        let only = query_string(&[
            ("batch", batch.map(|b| b.to_string())),
            ("unanswered", Some("1".to_owned())),
        ]);
        actions.push(Action {
            href: format!("/surveys/{id}/codes?{only}"),
            label: "只看未作答".into(),
        });
    }
    let out = CodesPage {
        shell: Shell::new(&page, "调查二维码", "/surveys"),
        heading: format!("{}：二维码", v.campaign.title),
        title: v.campaign.title.clone(),
        actions,
        cards,
        empty: "还没有生成二维码。在调查页面“生成二维码”中填写数量后生成。".into(),
        pager: Some(Pager::new(
            &format!("/surveys/{id}/codes"),
            &query,
            p,
            total,
        )),
    };
    Ok(render(&out))
}

// ---------------------------------------------------------------- phone answers

fn answer_fields(i: &Instrument, towns: &[uc::Township], given: &Responses) -> Vec<Field> {
    i.questions
        .iter()
        .map(|q| {
            let chosen = given.get(&q.code).cloned().unwrap_or_default();
            let label = format!("{} {}", q.code, q.text);
            let opts = |first: bool| -> Vec<(String, String)> {
                let list: Vec<(String, String)> = match q.kind {
                    QuestionKind::Township => towns
                        .iter()
                        .map(|t| (t.code.clone(), t.name.clone()))
                        .collect(),
                    _ => q
                        .options
                        .iter()
                        .map(|o| (o.code.clone(), o.label.clone()))
                        .collect(),
                };
                if first {
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(list)
                        .collect()
                } else {
                    list
                }
            };
            let hint = q
                .show_if
                .as_ref()
                .map(|c| format!("仅当第{}题选择相应选项时回答", c.question))
                .unwrap_or_default();
            let f = match q.kind {
                QuestionKind::Single | QuestionKind::Township => {
                    Field::new(q.code.clone(), &label, "select", "").options(opts(true), &chosen)
                }
                QuestionKind::Multiple => Field::new(q.code.clone(), &label, "checkboxes", "")
                    .options(opts(false), &chosen),
                QuestionKind::Text => {
                    Field::new(q.code.clone(), &label, "textarea", chosen.join("\n"))
                }
            };
            let f = f.hint(&hint);
            if q.required && q.show_if.is_none() {
                f.required()
            } else {
                f
            }
        })
        .collect()
}

async fn answer_form(
    s: &AppState,
    page: &PageCtx,
    id: CampaignId,
    given: &Responses,
) -> Result<FormPage, Response> {
    let (v, i) = uc::form(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(FormPage {
        shell: Shell::new(page, "录入电话调查", "/surveys"),
        heading: format!("录入电话调查：{}", v.campaign.title),
        action: format!("/surveys/{id}/answers"),
        submit: "保存答卷".into(),
        cancel: format!("/surveys/{id}"),
        error: None,
        fields: answer_fields(&i, &v.townships, given),
    })
}

pub async fn new_answer(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    Ok(answer_form(&s, &page, id, &Responses::new())
        .await?
        .respond(&[]))
}

pub async fn enter(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let pairs: Vec<(String, String)> = CsrfForm::parse(req, &page.csrf).await?;
    let mut given = Responses::new();
    for (k, v) in pairs {
        if k != "_csrf" {
            given.entry(k).or_default().push(v);
        }
    }
    match uc::enter(&s.app, &page.ctx, id, &given).await {
        Ok(_) => Ok(see_other(&format!("/surveys/{id}"))),
        Err(AppError::Validation(errs)) => {
            Ok(answer_form(&s, &page, id, &given).await?.respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- exports

pub async fn answers_csv(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let header = uc::answers_header(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let app = s.app.clone();
    let ctx = page.ctx.clone();
    crate::html::export::stream_csv(
        &format!("survey-{id}-answers.csv"),
        &header,
        move |cursor: Option<i64>| {
            let app = app.clone();
            let ctx = ctx.clone();
            async move { uc::answers_batch(&app, &ctx, id, cursor.unwrap_or(0)).await }
        },
    )
    .await
    .map_err(page_error)
}

pub async fn results_csv(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let r = uc::results(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let mut rows = Vec::new();
    let line = |group: &str, x: &ResultRow| {
        vec![
            group.to_owned(),
            x.name.clone(),
            x.target.to_string(),
            x.tally.answers.to_string(),
            x.tally.aware.to_string(),
            x.tally.awareness_base.to_string(),
            percent(x.awareness),
            x.tally.satisfied.to_string(),
            x.tally.ratings.to_string(),
            percent(x.satisfaction),
        ]
    };
    rows.push(line("合计", &r.overall));
    rows.extend(r.by_township.iter().map(|x| line("乡镇（街道）", x)));
    rows.extend(r.by_unit.iter().map(|x| line("单位", x)));
    rows.extend(r.by_channel.iter().map(|x| line("作答方式", x)));
    for d in [&r.awareness_definition, &r.satisfaction_definition] {
        let mut row = vec!["口径".to_owned(), d.clone()];
        row.resize(10, String::new());
        rows.push(row);
    }
    let header = [
        "分组",
        "名称",
        "目标样本",
        "样本量",
        "知晓人数",
        "知晓率基数",
        "知晓率",
        "满意项次",
        "评价项次",
        "满意度",
    ];
    let rows = std::sync::Mutex::new(Some(rows));
    crate::html::export::stream_csv(
        &format!("survey-{id}-results.csv"),
        &header,
        move |_: Option<()>| {
            let batch = rows
                .lock()
                .ok()
                .and_then(|mut r| r.take())
                .unwrap_or_default();
            async move { Ok((batch, None)) }
        },
    )
    .await
    .map_err(page_error)
}

// ---------------------------------------------------------------- instruments

pub async fn instruments(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let items = uc::instruments(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let mut v = SurveyPage::new(Shell::new(&page, "调查问卷", "/surveys"), "调查问卷".into());
    v.actions.push(Action {
        href: "/surveys".into(),
        label: "调查活动".into(),
    });
    v.blocks.push(Block {
        title: "问卷版本".into(),
        headers: vec!["问卷", "代码", "版本", "题数", "说明"],
        rows: items
            .iter()
            .map(|i| Row {
                class: "",
                cells: vec![
                    Cell::link(
                        i.stored.title.clone(),
                        format!("/surveys/instruments/{}", i.stored.id),
                    ),
                    Cell::text(i.stored.code.clone()),
                    Cell::text(i.stored.version.to_string()),
                    Cell::text(i.instrument.questions.len().to_string()),
                    Cell::text(if i.stored.example {
                        "示例".to_owned()
                    } else {
                        or_dash(&i.stored.source)
                    }),
                ],
            })
            .collect(),
        empty: "还没有调查问卷。系统启动时会装入示例问卷。".into(),
    });
    Ok(render(&v))
}

pub async fn instrument(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: InstrumentId = parse_id(&id)?;
    let i = uc::instrument(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let mut v = SurveyPage::new(
        Shell::new(&page, &i.stored.title, "/surveys"),
        format!("{}（第{}版）", i.stored.title, i.stored.version),
    );
    if i.stored.example {
        v.badge = "示例".into();
    }
    if uc::can_keep_instruments(&page.ctx) {
        v.actions.push(Action {
            href: format!("/surveys/instruments/new?from={}", i.stored.id),
            label: "修订为新版本".into(),
        });
    }
    let mut facts = Panel::new("问卷");
    facts.facts = vec![
        Fact::new("代码", i.stored.code.clone()),
        Fact::new("版本", i.stored.version.to_string()),
        Fact::new("保存时间", china(i.stored.created_at)),
        Fact::new("来源", or_dash(&i.stored.source)),
    ];
    facts.note = i.instrument.intro.clone();
    v.panels.push(facts);
    let mut defs = Panel::new("计算口径");
    defs.lists.push(crate::html::panels::SentenceList {
        title: "知晓率与满意度".into(),
        items: vec![
            i.instrument.awareness.definition.clone(),
            i.instrument.satisfaction.definition.clone(),
        ],
    });
    v.panels.push(defs);
    v.blocks.push(Block {
        title: "题目".into(),
        headers: vec!["编号", "题目", "题型", "选项", "出处"],
        rows: i
            .instrument
            .questions
            .iter()
            .map(|q| Row {
                class: "",
                cells: vec![
                    Cell::text(q.code.clone()),
                    Cell::text(format!(
                        "{}{}",
                        q.text,
                        q.show_if
                            .as_ref()
                            .map(|c| format!(
                                "（第{}题为{}时回答）",
                                c.question,
                                c.any_of.join("、")
                            ))
                            .unwrap_or_default()
                    )),
                    Cell::text(q.kind.label()),
                    Cell::text(
                        q.options
                            .iter()
                            .map(|o| o.label.as_str())
                            .collect::<Vec<_>>()
                            .join("／"),
                    ),
                    Cell::text(or_dash(&q.source)),
                ],
            })
            .collect(),
        empty: String::new(),
    });
    Ok(render(&v))
}

#[derive(Deserialize, Default)]
pub struct NewInstrumentQuery {
    from: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct InstrumentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    body: String,
}

fn instrument_form(page: &PageCtx, f: &InstrumentForm) -> FormPage {
    FormPage {
        shell: Shell::new(page, "修订调查问卷", "/surveys"),
        heading: "保存调查问卷的新版本".into(),
        action: "/surveys/instruments".into(),
        submit: "保存新版本".into(),
        cancel: "/surveys/instruments".into(),
        error: None,
        fields: vec![
            Field::new("code", "问卷代码", "text", f.code.clone())
                .required()
                .hint("同一代码保存为下一版本；新代码从第1版开始"),
            Field::new("source", "来源与修订说明", "text", f.source.clone()),
            Field::new("body", "问卷内容（JSON）", "textarea", f.body.clone())
                .required()
                .hint("题目 questions（code、text、kind：single/multiple/text/township、options、required、source、show_if），知晓率 awareness 和满意度 satisfaction 的口径与计算规则"),
        ],
    }
}

pub async fn new_instrument(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewInstrumentQuery>,
) -> PageResult {
    if !uc::can_keep_instruments(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let mut f = InstrumentForm::default();
    if let Some(from) = q.from.as_deref().filter(|x| !x.is_empty()) {
        let i = uc::instrument(&s.app, &page.ctx, parse_id(from)?)
            .await
            .map_err(page_error)?;
        f.code = i.stored.code.clone();
        f.body = serde_json::to_string_pretty(&i.instrument).unwrap_or_default();
    }
    Ok(instrument_form(&page, &f).respond(&[]))
}

pub async fn create_instrument(
    State(s): State<AppState>,
    page: PageCtx,
    req: Request,
) -> PageResult {
    let f: InstrumentForm = CsrfForm::parse(req, &page.csrf).await?;
    let parsed: Result<Instrument, _> = serde_json::from_str(&f.body);
    let r = match parsed {
        Ok(instrument) => {
            let input = uc::InstrumentInput {
                code: f.code.clone(),
                source: f.source.clone(),
                instrument,
            };
            uc::create_instrument(&s.app, &page.ctx, &input).await
        }
        Err(e) => Err(AppError::field(
            "body",
            format!("问卷内容不是有效的问卷 JSON：{e}"),
        )),
    };
    match r {
        Ok(v) => Ok(see_other(&format!("/surveys/instruments/{}", v.stored.id))),
        Err(AppError::Validation(errs)) => {
            // Faults inside the instrument name their place (questions[3].options):
            // shown on the body field, each with its place.
            let errs: Vec<FieldError> = errs
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "code" | "source" | "body" => e,
                    other => FieldError {
                        field: "body".into(),
                        message: format!("{other}：{}", e.message),
                    },
                })
                .collect();
            Ok(instrument_form(&page, &f).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}
