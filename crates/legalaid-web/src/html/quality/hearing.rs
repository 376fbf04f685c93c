//! Hearing observation pages (旁听庭审): `/hearings/observations` (the list with
//! its filters and the period's figures), the plan form
//! (`/hearings/observations/new?case=`, prefilled from the case's next hearing)
//! and an observation's page with the record and cancel forms.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::hearings::ObservationFilter;
use legalaid_app::quality::hearings::{self as uc, ObservationAction, ObservationView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::FieldError;
use legalaid_domain::ObservationId;
use legalaid_domain::followup::Satisfaction;
use legalaid_domain::hearing::{
    DimensionInput, HearingDimension, ObservationInput, ObservationStatus,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Whether the caller sees the observation and opinion pages (the nav link
/// 旁听与征询): center staff and bureau supervisors.
pub fn sees_hearings(ctx: &Ctx) -> bool {
    uc::can_read_figures(ctx)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    flagged: Option<String>,
}

fn date(raw: Option<&str>) -> Option<chrono::NaiveDate> {
    raw.and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let filter = ObservationFilter {
        status: q.status.as_deref().and_then(ObservationStatus::parse),
        case_id: None,
        from: date(q.from.as_deref()),
        to: date(q.to.as_deref()),
        flagged: q.flagged.as_deref().is_some_and(|v| !v.is_empty()),
    };
    let (items, total) = uc::list(&s.app, &page.ctx, &filter, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(
        Shell::new(&page, "旁听庭审", "/hearings/observations"),
        "旁听庭审",
    );
    v.actions.push(Action {
        href: "/opinions".into(),
        label: "征询意见".into(),
    });
    if uc::can_read_figures(&page.ctx) {
        let f = uc::figures(&s.app, &page.ctx, filter.from, filter.to)
            .await
            .map_err(page_error)?;
        let mut figures = Panel::new(&format!("{}至{}", f.from, f.to));
        figures.facts = vec![
            Fact::new("开庭场次", f.hearings.to_string()),
            Fact::new("已旁听", f.observed.to_string()),
            Fact::new("旁听庭审比例", percent(f.ratio)),
            Fact::new("需要整改", f.flagged.to_string()),
            Fact::new("征询意见函", f.opinions.sent.to_string()),
            Fact::new("已回复", f.opinions.answered.to_string()),
            Fact::new("不满意的回复", f.opinions.negative.to_string()),
            Fact::new("已催告", f.opinions.reminded.to_string()),
        ];
        v.panels.push(figures);
        v.blocks.push(Block {
            title: "按承办单位和承办人".into(),
            headers: vec!["承办单位", "承办人", "旁听次数", "需要整改"],
            rows: f
                .by_handler
                .iter()
                .map(|h| Row {
                    class: "",
                    cells: vec![
                        Cell::text(or_dash(h.handling_unit_name.as_deref().unwrap_or(""))),
                        Cell::text(or_dash(h.handler_name.as_deref().unwrap_or(""))),
                        Cell::text(h.observed.to_string()),
                        Cell::text(h.flagged.to_string()),
                    ],
                })
                .collect(),
            empty: "本期间尚无已记录的旁听。".into(),
        });
    }
    let mut filters = Panel::new("筛选");
    filters
        .forms
        .push(PanelForm::get("/hearings/observations", "筛选").group(
            "",
            vec![
                Field::new("status", "状态", "select", "").options(
                    kind_options(
                        ObservationStatus::ALL,
                        ObservationStatus::as_str,
                        ObservationStatus::label,
                        "全部",
                    ),
                    &[q.status.clone().unwrap_or_default()],
                ),
                Field::new(
                    "from",
                    "开庭日期自",
                    "date",
                    q.from.clone().unwrap_or_default(),
                ),
                Field::new("to", "至", "date", q.to.clone().unwrap_or_default()),
                Field::new("flagged", "只看需要整改的", "select", "").options(
                    [
                        (String::new(), "否".to_owned()),
                        ("1".to_owned(), "是".to_owned()),
                    ],
                    &[q.flagged.clone().unwrap_or_default()],
                ),
            ],
        ));
    v.panels.push(filters);
    v.blocks.push(Block {
        title: "旁听记录".into(),
        headers: vec!["案件", "开庭日期", "法院", "承办人", "旁听人员", "状态"],
        rows: items
            .iter()
            .map(|l| {
                let o = &l.observation;
                Row {
                    class: if o.needs_rectification { "overdue" } else { "" },
                    cells: vec![
                        Cell::link(
                            l.case_number.clone(),
                            format!("/hearings/observations/{}", o.id),
                        ),
                        Cell::text(format!("{} {}", o.hearing_date, o.hearing_time)),
                        Cell::text(o.court.clone()),
                        Cell::text(or_dash(l.handler_name.as_deref().unwrap_or(""))),
                        Cell::text(l.observer_name.clone()),
                        Cell::text(if o.needs_rectification {
                            format!("{}（需要整改）", o.status.label())
                        } else {
                            o.status.label().to_owned()
                        }),
                    ],
                }
            })
            .collect(),
        empty: "还没有旁听记录。在案件的开庭日历中选择一场庭审，点击“计划旁听”，或在本页打开 /hearings/observations/new?case=案件记录号 计划旁听。".into(),
    });
    let query = query_string(&[
        ("status", q.status.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("flagged", q.flagged.clone()),
    ]);
    v.pager = Some(Pager::new("/hearings/observations", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    hearing_id: String,
    #[serde(default)]
    court: String,
    #[serde(default)]
    hearing_date: String,
    #[serde(default)]
    hearing_time: String,
    #[serde(default)]
    observer_id: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    case: Option<String>,
}

fn plan_form(
    page: &PageCtx,
    f: &PlanForm,
    heading: &str,
    observers: &[(String, String)],
) -> FormPage {
    FormPage {
        shell: Shell::new(page, "计划旁听庭审", "/hearings/observations"),
        heading: heading.to_owned(),
        action: "/hearings/observations".into(),
        submit: "计划旁听".into(),
        cancel: "/hearings/observations".into(),
        error: None,
        fields: vec![
            Field::new("case_id", "", "hidden", f.case_id.clone()),
            Field::new("hearing_id", "", "hidden", f.hearing_id.clone()),
            Field::new("court", "开庭法院", "text", f.court.clone()).required(),
            Field::new("hearing_date", "开庭日期", "date", f.hearing_date.clone()).required(),
            Field::new("hearing_time", "开庭时间", "time", f.hearing_time.clone())
                .hint("知道时填写，如 09:30"),
            Field::new("observer_id", "旁听人员", "select", "")
                .required()
                .options(
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(observers.iter().cloned()),
                    std::slice::from_ref(&f.observer_id),
                ),
        ],
    }
}

/// The staff of the units in the caller's region, as observer options.
async fn observers(s: &AppState, page: &PageCtx) -> Vec<(String, String)> {
    let unit = page
        .ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id);
    legalaid_app::staff::all(
        &s.app,
        &page.ctx,
        &legalaid_app::filters::StaffFilter {
            unit_id: unit,
            ..Default::default()
        },
    )
    .await
    .unwrap_or_default()
    .into_iter()
    .filter(|x| x.active)
    .map(|x| (x.id.0.to_string(), x.name))
    .collect()
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    let case = q.case.as_deref().filter(|c| !c.is_empty()).ok_or_else(|| {
        page_error(AppError::field(
            "case",
            "请从案件或开庭日历进入，指明要旁听的案件",
        ))
    })?;
    let d = uc::defaults(&s.app, &page.ctx, parse_id(case)?)
        .await
        .map_err(page_error)?;
    let f = PlanForm {
        case_id: d.case_id.to_string(),
        hearing_id: d.hearing_id.map(|h| h.to_string()).unwrap_or_default(),
        court: d.court,
        hearing_date: d.hearing_date.map(|x| x.to_string()).unwrap_or_default(),
        hearing_time: d.hearing_time,
        observer_id: d.observer_id.map(|x| x.to_string()).unwrap_or_default(),
    };
    let obs = observers(&s, &page).await;
    let heading = format!("计划旁听庭审：{}", d.case_number);
    Ok(plan_form(&page, &f, &heading, &obs).respond(&[]))
}

fn opt_i64(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: PlanForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = uc::PlanInput {
        case_id: opt_i64(&f.case_id),
        hearing_id: opt_i64(&f.hearing_id),
        hearing_time: f.hearing_time.clone(),
        observation: ObservationInput {
            status: ObservationStatus::Planned.as_str().into(),
            court: f.court.clone(),
            hearing_date: date(Some(&f.hearing_date)),
            observer_id: opt_i64(&f.observer_id),
            ..ObservationInput::default()
        },
    };
    match uc::plan(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!(
            "/hearings/observations/{}",
            v.observation.id
        ))),
        Err(AppError::Validation(errs)) => {
            let obs = observers(&s, &page).await;
            Ok(plan_form(&page, &f, "计划旁听庭审", &obs).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

fn satisfaction_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "请选择".to_owned()))
        .chain(
            Satisfaction::ALL
                .iter()
                .map(|x| (x.as_str().to_owned(), x.label().to_owned())),
        )
        .collect()
}

fn page_of(page: &PageCtx, v: &ObservationView, errors: &[FieldError]) -> PanelPage {
    let o = &v.observation;
    let base = format!("/hearings/observations/{}", o.id);
    let title = format!("旁听庭审：{}", v.case_number);
    let mut out = PanelPage::new(Shell::new(page, &title, "/hearings/observations"), title);
    out.badge = if o.needs_rectification {
        format!("{}·需要整改", o.status.label())
    } else {
        o.status.label().into()
    };
    let mut facts = Panel::new("庭审");
    facts.facts = vec![
        Fact::link(
            "案件",
            v.case_number.clone(),
            format!("/cases/{}", o.case_id),
        ),
        Fact::new("开庭法院", o.court.clone()),
        Fact::new(
            "开庭时间",
            format!("{} {}", o.hearing_date, o.hearing_time)
                .trim()
                .to_owned(),
        ),
        Fact::new(
            "承办单位",
            or_dash(v.handling_unit_name.as_deref().unwrap_or("")),
        ),
        Fact::new("承办人", or_dash(v.handler_name.as_deref().unwrap_or(""))),
        Fact::new("旁听人员", v.observer_name.clone()),
    ];
    if !o.cancel_reason.is_empty() {
        facts
            .facts
            .push(Fact::new("取消原因", o.cancel_reason.clone()));
    }
    out.panels.push(facts);
    if o.status == ObservationStatus::Recorded {
        let mut rec = Panel::new("旁听评价");
        if o.needs_rectification {
            rec.class = "overdue";
            rec.lead = "有评价项目为“不满意”或发现问题：需要整改。".into();
        }
        for r in &o.ratings.0 {
            let score = r.score.map(|s| format!("（{s}分）")).unwrap_or_default();
            rec.facts.push(Fact::new(
                r.dimension.label(),
                format!("{}{score}", r.rating.label()),
            ));
        }
        rec.facts.push(Fact::new("发现的问题", or_dash(&o.issues)));
        rec.facts.push(Fact::new("总体评价", or_dash(&o.comment)));
        if let Some(t) = o.recorded_at {
            rec.facts.push(Fact::new("记录时间", china(t)));
        }
        if let Some(href) = &v.rectification_href {
            rec.links.push(Action {
                href: href.clone(),
                label: "下达整改通知".into(),
            });
        }
        out.panels.push(rec);
    }
    let version = o.version.to_string();
    let mut work = Panel::new("办理");
    for a in &v.actions {
        let mut form = match a {
            ObservationAction::Record => {
                let mut fields = Vec::new();
                for d in HearingDimension::ALL {
                    fields.push(
                        Field::new(format!("rating_{}", d.as_str()), d.label(), "select", "")
                            .required()
                            .options(satisfaction_options(), &[]),
                    );
                    fields.push(Field::new(
                        format!("score_{}", d.as_str()),
                        &format!("{}评分（1–5，可不填）", d.label()),
                        "number",
                        "",
                    ));
                }
                fields.push(
                    Field::new("issues", "发现的问题", "textarea", "").hint("有问题即需要整改"),
                );
                fields.push(Field::new("comment", "总体评价", "textarea", ""));
                PanelForm::post(format!("{base}/record"), "记录旁听情况")
                    .hidden("version", version.clone())
                    .group("逐项评价", fields)
            }
            ObservationAction::Cancel => PanelForm::post(format!("{base}/cancel"), "取消旁听")
                .hidden("version", version.clone())
                .group(
                    "",
                    vec![Field::new("reason", "取消原因", "textarea", "").required()],
                ),
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

/// The record form's ratings: `rating_<dimension>` and `score_<dimension>`.
fn ratings_of(f: &HashMap<String, String>) -> Result<Vec<DimensionInput>, AppError> {
    let mut out = Vec::new();
    for d in HearingDimension::ALL {
        let rating = f
            .get(&format!("rating_{}", d.as_str()))
            .map(|r| r.trim().to_owned())
            .unwrap_or_default();
        if rating.is_empty() {
            continue;
        }
        let score = match f.get(&format!("score_{}", d.as_str())).map(|s| s.trim()) {
            None | Some("") => None,
            Some(s) => Some(s.parse::<u8>().map_err(|_| {
                AppError::field("ratings", format!("“{}”的评分应在1至5分之间", d.label()))
            })?),
        };
        out.push(DimensionInput {
            dimension: d.as_str().into(),
            rating,
            score,
        });
    }
    Ok(out)
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: ObservationId,
    req: Request,
    which: ObservationAction,
) -> PageResult {
    let f: HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let version = get("version").trim().parse::<i64>().unwrap_or(0);
    let r = match which {
        ObservationAction::Record => match ratings_of(&f) {
            Ok(ratings) => {
                let input = uc::RecordInput {
                    version,
                    ratings,
                    issues: get("issues"),
                    comment: get("comment"),
                };
                uc::record(&s.app, &page.ctx, id, &input).await
            }
            Err(e) => Err(e),
        },
        ObservationAction::Cancel => {
            uc::cancel(&s.app, &page.ctx, id, version, &get("reason")).await
        }
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/hearings/observations/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(page, &v, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn record(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, ObservationAction::Record).await
}

pub async fn cancel(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, ObservationAction::Cancel).await
}
