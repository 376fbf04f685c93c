//! Consultations (`/consultations`): the list with its filters and export, the
//! form that records one (from a publicity activity too), a consultation's
//! page with the one step to an application, and the quarterly report (季报)
//! with its rules and its CSV.

use super::{date, number};
use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::applications::{caller_region, matter_options};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, china_time};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, export, kind_options, page_error,
    parse_id, query_string, see_other,
};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use chrono::Datelike;
use legalaid_app::outreach::consultations::{
    self as uc, ConsultationView, Filter, ToApplicationInput,
};
use legalaid_app::{AppError, Page, rules};
use legalaid_domain::FieldError;
use legalaid_domain::application::ServiceForm;
use legalaid_domain::outreach::consultation::{
    ConsultChannel, ConsultGroup, ConsultOutcome, ConsultationInput, Quarter,
};
use legalaid_domain::{ConsultationId, local_date, local_time};
use serde::Deserialize;

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
    activity_id: Option<String>,
    after: Option<String>,
}

impl ListQuery {
    fn filter(&self, errs: &mut Vec<FieldError>) -> Filter {
        Filter {
            channel: self.channel.as_deref().and_then(ConsultChannel::parse),
            from: date("from", self.from.as_deref().unwrap_or(""), errs),
            to: date("to", self.to.as_deref().unwrap_or(""), errs),
            activity_id: self
                .activity_id
                .as_deref()
                .and_then(|a| a.trim().parse::<i64>().ok())
                .filter(|a| *a > 0),
            ..Filter::default()
        }
    }

    fn query(&self) -> String {
        query_string(&[
            ("channel", self.channel.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("activity_id", self.activity_id.clone()),
        ])
    }
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let mut errs = Vec::new();
    let f = q.filter(&mut errs);
    let p = Page::new(q.page, q.per_page);
    let after = q
        .after
        .as_deref()
        .and_then(legalaid_app::paging::ListCursor::parse);
    let listed = uc::list(&s.app, &page.ctx, &f, p, after)
        .await
        .map_err(page_error)?;
    let items = &listed.items;
    let mut v = PanelPage::new(Shell::new(&page, "法律咨询", "/consultations"), "法律咨询");
    if uc::can_record(&page.ctx) {
        v.actions.push(Action {
            href: "/consultations/new".into(),
            label: "登记咨询".into(),
        });
    }
    v.actions.push(Action {
        href: "/consultations/report".into(),
        label: "季度咨询统计".into(),
    });
    v.actions.push(Action {
        href: match q.query() {
            f if f.is_empty() => "/consultations/export.csv".to_owned(),
            f => format!("/consultations/export.csv?{f}"),
        },
        label: "导出CSV".into(),
    });
    let mut filters = Panel::new("筛选");
    let mut form = PanelForm::get("/consultations", "筛选").group(
        "",
        vec![
            Field::new("channel", "咨询途径", "select", "").options(
                kind_options(
                    ConsultChannel::ALL,
                    ConsultChannel::as_str,
                    ConsultChannel::label,
                    "全部途径",
                ),
                &[q.channel.clone().unwrap_or_default()],
            ),
            Field::new(
                "from",
                "咨询日期起",
                "date",
                q.from.clone().unwrap_or_default(),
            ),
            Field::new("to", "咨询日期止", "date", q.to.clone().unwrap_or_default()),
            // An activity's consultations (from its page) stay filtered by it.
            Field::new(
                "activity_id",
                "",
                "hidden",
                q.activity_id.clone().unwrap_or_default(),
            ),
        ],
    );
    if let Some(rest) = form.attach(&errs) {
        v.error = Some(rest);
    }
    filters.forms.push(form);
    v.panels.push(filters);
    v.blocks.push(Block {
        title: match listed.more_than {
            Some(m) => format!("咨询记录（超过 {m} 条，只数到此处）"),
            None => format!("咨询记录（{}）", listed.total),
        },
        headers: vec![
            "咨询时间",
            "途径",
            "咨询人",
            "事项",
            "解答单位",
            "解答人",
            "处理",
        ],
        rows: items
            .iter()
            .map(|l| {
                let k = &l.consultation;
                Row {
                    class: "",
                    cells: vec![
                        Cell::link(china(k.consulted_at), format!("/consultations/{}", k.id)),
                        Cell::text(k.channel.label()),
                        Cell::text(if k.name.is_empty() {
                            "匿名".to_owned()
                        } else {
                            k.name.clone()
                        }),
                        Cell::text(l.topic_label.clone()),
                        Cell::text(l.unit_name.clone()),
                        Cell::text(k.answered_by.clone()),
                        match (&k.application_id, &l.application_number) {
                            (Some(a), Some(n)) => {
                                Cell::link(format!("转为申请 {n}"), format!("/applications/{a}"))
                            }
                            _ => Cell::text(k.outcome.label()),
                        },
                    ],
                }
            })
            .collect(),
        empty:
            "还没有咨询记录。解答来电、来访、来信或网络咨询后，点“登记咨询”记录，记录会显示在这里。"
                .into(),
    });
    v.pager = Some(Pager::keyset(
        "/consultations",
        &q.query(),
        p,
        listed.total,
        listed.more_than.is_some(),
        listed.next.clone(),
    ));
    Ok(v.respond(!errs.is_empty()))
}

/// The list as CSV, every row, a batch at a time.
pub async fn export_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, Response> {
    let mut errs = Vec::new();
    let filter = q.filter(&mut errs);
    let header = [
        "编号",
        "咨询时间",
        "途径",
        "咨询人",
        "联系电话",
        "人群",
        "事项类型",
        "咨询问题",
        "解答意见",
        "时长（分钟）",
        "处理方式",
        "转交部门",
        "解答单位",
        "解答人",
        "转为申请",
    ];
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    let next = move |after: Option<i64>| {
        let (app, ctx, filter) = (app.clone(), ctx.clone(), filter.clone());
        async move {
            let rows = uc::batch(&app, &ctx, &filter, after.unwrap_or(0), export::BATCH).await?;
            let cursor = if rows.len() < usize::try_from(export::BATCH).unwrap_or(usize::MAX) {
                None
            } else {
                rows.last().map(|(r, _)| r.consultation.id)
            };
            let lines = rows
                .into_iter()
                .map(|(l, groups)| {
                    let k = l.consultation;
                    vec![
                        k.id.to_string(),
                        local_time(k.consulted_at)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                        k.channel.label().to_owned(),
                        k.name,
                        k.phone,
                        groups
                            .iter()
                            .map(|g| g.label())
                            .collect::<Vec<_>>()
                            .join("、"),
                        l.topic_label,
                        k.question,
                        k.answer,
                        k.duration_minutes.to_string(),
                        k.outcome.label().to_owned(),
                        k.referred_to,
                        l.unit_name,
                        k.answered_by,
                        l.application_number.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((lines, cursor))
        }
    };
    export::stream_csv("consultations.csv", &header, next)
        .await
        .map_err(page_error)
}

// ---------------------------------------------------------------- new

#[derive(Deserialize, Default, Clone)]
pub struct ConsultationForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    consulted_at: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    referred_to: String,
    #[serde(default)]
    activity_id: String,
}

async fn form_page(s: &AppState, page: &PageCtx, f: &ConsultationForm) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    let topics = uc::topics(&s.app, &page.ctx).await.unwrap_or_default();
    let mut topic_opts = vec![(String::new(), "请选择".to_owned())];
    topic_opts.extend(topics.iter().map(|t| {
        (
            t.code.clone(),
            format!("{}·{}", t.category.label(), t.label),
        )
    }));
    let outcomes: Vec<ConsultOutcome> = ConsultOutcome::ALL
        .iter()
        .copied()
        .filter(|o| *o != ConsultOutcome::Applied)
        .collect();
    let fields = vec![
        Field::new("activity_id", "", "hidden", f.activity_id.clone()),
        Field::new("channel", "咨询途径", "select", "")
            .required()
            .options(
                kind_options(
                    ConsultChannel::ALL,
                    ConsultChannel::as_str,
                    ConsultChannel::label,
                    "请选择",
                ),
                &one(&f.channel),
            ),
        Field::new(
            "consulted_at",
            "咨询时间",
            "datetime-local",
            f.consulted_at.clone(),
        )
        .hint("北京时间；不填为现在"),
        Field::new("topic", "咨询事项类型", "select", "")
            .required()
            .options(topic_opts, &one(&f.topic))
            .hint("按季度法律咨询数据统计表的分类"),
        Field::new("name", "咨询人姓名", "text", f.name.clone()).hint("可匿名，不填即为匿名咨询"),
        Field::new("phone", "联系电话", "tel", f.phone.clone()),
        Field::new("person_id", "已登记当事人编号", "text", f.person_id.clone())
            .hint("咨询人已在当事人库登记时填写，姓名、电话和人群类别随之带出"),
        Field::new("groups", "人群类别", "checkboxes", "").options(
            ConsultGroup::ALL
                .iter()
                .map(|g| (g.as_str().to_owned(), g.label().to_owned())),
            &f.groups,
        ),
        Field::new("question", "咨询问题摘要", "textarea", f.question.clone()).required(),
        Field::new("answer", "解答意见摘要", "textarea", f.answer.clone()).required(),
        Field::new(
            "duration_minutes",
            "咨询时长（分钟）",
            "number",
            f.duration_minutes.clone(),
        ),
        Field::new("outcome", "处理方式", "select", "").options(
            outcomes
                .iter()
                .map(|o| (o.as_str().to_owned(), o.label().to_owned()))
                .collect::<Vec<_>>(),
            &one(if f.outcome.is_empty() {
                "answered"
            } else {
                &f.outcome
            }),
        ),
        Field::new(
            "referred_to",
            "转交或引导前往的部门",
            "text",
            f.referred_to.clone(),
        )
        .hint("处理方式为“引导向其他渠道求助”时必填"),
    ];
    FormPage {
        shell: Shell::new(page, "登记咨询", "/consultations"),
        heading: "登记法律咨询".into(),
        action: "/consultations".into(),
        submit: "保存".into(),
        cancel: "/consultations".into(),
        error: None,
        fields,
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    activity: Option<String>,
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    if !uc::can_record(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let f = ConsultationForm {
        channel: if q.activity.is_some() {
            "visit".into()
        } else {
            String::new()
        },
        activity_id: q.activity.unwrap_or_default(),
        ..ConsultationForm::default()
    };
    Ok(form_page(&s, &page, &f).await.respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: ConsultationForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = ConsultationInput {
        channel: f.channel.clone(),
        consulted_at: china_time("consulted_at", &f.consulted_at, &mut errs),
        person_id: number("person_id", &f.person_id, &mut errs),
        name: f.name.clone(),
        phone: f.phone.clone(),
        groups: f.groups.clone(),
        topic: f.topic.clone(),
        question: f.question.clone(),
        answer: f.answer.clone(),
        duration_minutes: number("duration_minutes", &f.duration_minutes, &mut errs),
        outcome: Some(f.outcome.clone()),
        referred_to: f.referred_to.clone(),
        staff_id: None,
        activity_id: number("activity_id", &f.activity_id, &mut errs),
    };
    if !errs.is_empty() {
        return Ok(form_page(&s, &page, &f).await.respond(&errs));
    }
    match uc::record(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/consultations/{}", v.consultation.id))),
        Err(AppError::Validation(errs)) => Ok(form_page(&s, &page, &f).await.respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- one

#[derive(Deserialize, Default, Clone)]
pub struct ToApplicationForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    applicant_id: String,
    #[serde(default)]
    matter_code: String,
    #[serde(default)]
    service_form: String,
    #[serde(default)]
    summary: String,
}

async fn page_of(
    s: &AppState,
    page: &PageCtx,
    v: &ConsultationView,
    form: Option<&ToApplicationForm>,
    errors: &[FieldError],
) -> PanelPage {
    let k = &v.consultation;
    let mut out = PanelPage::new(
        Shell::new(page, "法律咨询", "/consultations"),
        "法律咨询记录",
    );
    out.badge = k.outcome.label().into();
    let mut facts = Panel::new("咨询");
    facts.facts = vec![
        Fact::new("咨询时间", china(k.consulted_at)),
        Fact::new("咨询途径", k.channel.label()),
        Fact::new(
            "咨询人",
            if k.name.is_empty() {
                "匿名".to_owned()
            } else {
                k.name.clone()
            },
        ),
        Fact::new(
            "联系电话",
            if k.phone.is_empty() {
                "—".to_owned()
            } else {
                k.phone.clone()
            },
        ),
        Fact::new(
            "人群类别",
            if v.groups.is_empty() {
                "—".to_owned()
            } else {
                v.groups
                    .iter()
                    .map(|g| g.label())
                    .collect::<Vec<_>>()
                    .join("、")
            },
        ),
        Fact::new("事项类型", v.topic_label.clone()),
        Fact::new("解答单位", v.unit_name.clone()),
        Fact::new("解答人", k.answered_by.clone()),
        Fact::new("时长", format!("{}分钟", k.duration_minutes)),
    ];
    if let Some(p) = k.person_id {
        facts.facts.push(Fact::link(
            "当事人",
            format!("编号{p}"),
            format!("/persons/{p}"),
        ));
    }
    if let (Some(a), Some(t)) = (k.activity_id, &v.activity_title) {
        facts
            .facts
            .push(Fact::link("宣传活动", t.clone(), format!("/publicity/{a}")));
    }
    if !k.referred_to.is_empty() {
        facts
            .facts
            .push(Fact::new("转交部门", k.referred_to.clone()));
    }
    if let (Some(a), Some(n)) = (k.application_id, &v.application_number) {
        facts.facts.push(Fact::link(
            "转为申请",
            n.clone(),
            format!("/applications/{a}"),
        ));
    }
    out.panels.push(facts);
    let mut qa = Panel::new("问答摘要");
    qa.facts = vec![
        Fact::new("咨询问题", k.question.clone()),
        Fact::new("解答意见", k.answer.clone()),
    ];
    out.panels.push(qa);
    if v.actions.contains(&uc::ConsultationAction::ToApplication) {
        let empty = ToApplicationForm::default();
        let f = form.unwrap_or(&empty);
        let book = rules::rulebook(&s.app).await.unwrap_or_default();
        let today = local_date(s.app.clock.now());
        let region = caller_region(page);
        let mut matters = vec![(String::new(), "请选择".to_owned())];
        matters.extend(matter_options(&book, region.as_deref(), today));
        let one = |x: &str| vec![x.to_owned()];
        let mut p = Panel::new("转为法律援助申请");
        p.lead = "以本次咨询为基础受理申请：申请人、渠道和案情摘要已预先填好，提交即受理并开始计算审查期限。".into();
        let mut form = PanelForm::post(format!("/consultations/{}/application", k.id), "受理申请")
            .hidden("version", k.version.to_string())
            .group(
                "",
                vec![
                    Field::new(
                        "applicant_id",
                        "申请人（当事人编号）",
                        "text",
                        if f.applicant_id.is_empty() {
                            k.person_id.map(|p| p.to_string()).unwrap_or_default()
                        } else {
                            f.applicant_id.clone()
                        },
                    )
                    .required()
                    .hint("匿名咨询须先在“当事人”中登记申请人"),
                    Field::new("matter_code", "申请事项", "select", "")
                        .required()
                        .options(matters, &one(&f.matter_code)),
                    Field::new("service_form", "法律援助形式", "select", "")
                        .required()
                        .options(
                            kind_options(
                                ServiceForm::ALL,
                                ServiceForm::as_str,
                                ServiceForm::label,
                                "请选择",
                            ),
                            &one(&f.service_form),
                        ),
                    Field::new(
                        "summary",
                        "案情摘要",
                        "textarea",
                        if f.summary.is_empty() {
                            k.question.clone()
                        } else {
                            f.summary.clone()
                        },
                    ),
                ],
            );
        if let Some(rest) = form.attach(errors) {
            out.error = Some(rest);
        }
        p.forms.push(form);
        out.panels.push(p);
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: ConsultationId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(page_of(&s, &page, &v, None, &[]).await.respond(false))
}

pub async fn to_application(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: ConsultationId = parse_id(&id)?;
    let f: ToApplicationForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = ToApplicationInput {
        version: f.version.trim().parse().unwrap_or(0),
        applicant_id: number("applicant_id", &f.applicant_id, &mut errs),
        matter_code: f.matter_code.clone(),
        service_form: f.service_form.clone(),
        channel: None,
        summary: f.summary.clone(),
    };
    let result = if errs.is_empty() {
        uc::to_application(&s.app, &page.ctx, id, &input).await
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(c) => Ok(see_other(&format!("/applications/{}", c.application_id))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(&s, &page, &v, Some(&f), &errs).await.respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- report

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    year: Option<String>,
    quarter: Option<String>,
    region: Option<String>,
}

impl ReportQuery {
    fn quarter(&self) -> Result<Option<Quarter>, AppError> {
        let y = self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty());
        let q = self
            .quarter
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty());
        match (y, q) {
            (None, None) => Ok(None),
            (Some(y), Some(q)) => match (y.parse::<i32>(), q.parse::<u32>()) {
                (Ok(year), Ok(quarter))
                    if (2000..=2100).contains(&year) && (1..=4).contains(&quarter) =>
                {
                    Ok(Some(Quarter { year, quarter }))
                }
                _ => Err(AppError::field("quarter", "请选择年份和季度")),
            },
            _ => Err(AppError::field("quarter", "请同时选择年份和季度")),
        }
    }
}

pub async fn report(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult {
    let quarter = q.quarter().map_err(page_error)?;
    let r = uc::quarter_report(&s.app, &page.ctx, quarter, q.region.as_deref())
        .await
        .map_err(page_error)?;
    let title = format!(
        "{}年第{}季度法律咨询数据统计表",
        r.quarter.year, r.quarter.quarter
    );
    let mut v = PanelPage::new(Shell::new(&page, "季度咨询统计", "/consultations"), title);
    let query = query_string(&[
        ("year", Some(r.quarter.year.to_string())),
        ("quarter", Some(r.quarter.quarter.to_string())),
        ("region", q.region.clone()),
    ]);
    v.actions.push(Action {
        href: format!("/consultations/report.csv{query}"),
        label: "导出CSV".into(),
    });
    let this_year = local_date(s.app.clock.now()).year();
    let mut choose = Panel::new("统计期间");
    choose.lead = format!(
        "统计 {} 至 {} 解答的咨询{}。",
        r.from,
        r.to,
        match r.cutoff_day {
            Some(d) => format!("（统计口径：上季度末月{}日起至本季度末月{d}日止）", d + 1),
            None => "（按自然季度）".to_owned(),
        }
    );
    choose
        .forms
        .push(PanelForm::get("/consultations/report", "统计").group(
            "",
            vec![
            Field::new("year", "年份", "select", "").options(
                (this_year - 4..=this_year).rev().map(|y| (y.to_string(), format!("{y}年"))),
                &[r.quarter.year.to_string()],
            ),
            Field::new("quarter", "季度", "select", "").options(
                (1..=4).map(|x| (x.to_string(), format!("第{x}季度"))),
                &[r.quarter.quarter.to_string()],
            ),
            Field::new("region", "行政区划代码", "text", q.region.clone().unwrap_or_default())
                .hint("不填为本单位可见的全部范围"),
        ],
        ));
    v.panels.push(choose);
    let mut checks = Panel::new("表内关系校验");
    checks.facts = r
        .report
        .checks
        .iter()
        .map(|c| {
            Fact::new(
                format!("列{}", c.rule),
                format!(
                    "{}（{} / {}）",
                    if c.holds { "通过" } else { "不符" },
                    c.left,
                    c.right
                ),
            )
        })
        .collect();
    v.panels.push(checks);
    v.blocks.push(Block {
        title: format!("咨询总计 {}", r.report.total),
        headers: vec!["列", "项目", "人次"],
        rows: r
            .report
            .columns
            .iter()
            .map(|c| Row {
                class: "",
                cells: vec![
                    Cell::text(c.column.to_string()),
                    Cell::text(c.label.clone()),
                    Cell::text(c.count.to_string()),
                ],
            })
            .collect(),
        empty: "本季度还没有咨询记录。".into(),
    });
    Ok(v.respond(false))
}

/// The report as CSV: one line per column of the form, then the rules.
pub async fn report_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ReportQuery>,
) -> Result<Response, Response> {
    let quarter = q.quarter().map_err(page_error)?;
    let r = uc::quarter_report(&s.app, &page.ctx, quarter, q.region.as_deref())
        .await
        .map_err(page_error)?;
    let mut rows: Vec<Vec<String>> = r
        .report
        .columns
        .iter()
        .map(|c| vec![c.column.to_string(), c.label.clone(), c.count.to_string()])
        .collect();
    for c in &r.report.checks {
        rows.push(vec![
            "校验".into(),
            c.rule.clone(),
            if c.holds {
                "通过".into()
            } else {
                "不符".into()
            },
        ]);
    }
    let name = format!("consultations-{}q{}.csv", r.quarter.year, r.quarter.quarter);
    let rows = std::sync::Arc::new(rows);
    export::stream_csv(&name, &["列", "项目", "人次"], move |_: Option<()>| {
        let rows = rows.clone();
        async move { Ok((rows.as_ref().clone(), None)) }
    })
    .await
    .map_err(page_error)
}
