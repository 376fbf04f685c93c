//! Case file review pages (案卷评查): `/quality` (the rounds, or an expert's
//! files), a round's page with its draw and results, the review of a file
//! (`review.rs`), and the schemes and the expert pool (`pool.rs`).

pub mod excellent;
pub mod excellent_nomination;
pub mod hearing;
pub mod opinion;
pub mod pool;
pub mod rectification;
pub mod review;

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::{self as uc, rounds};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::case::CaseType;
use legalaid_domain::quality::review::{ReviewStatus, RoundStatus};
use legalaid_domain::quality::sampling::SampleMethod;
use legalaid_domain::quality::scheme::ScoringMethod;
use legalaid_domain::role::Role;
use serde::Deserialize;

/// Whether the caller sees the quality pages (the nav link).
pub fn sees_quality(ctx: &Ctx) -> bool {
    uc::can_read(ctx) || ctx.actor.as_ref().is_some_and(|a| a.has(Role::Expert))
}

fn is_expert_only(ctx: &Ctx) -> bool {
    !uc::can_read(ctx) && ctx.actor.as_ref().is_some_and(|a| a.has(Role::Expert))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    status: Option<String>,
}

/// The rounds of the caller's region, newest first; an expert is sent to their
/// work queue, where each file assigned to them waits.
pub async fn index(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    if is_expert_only(&page.ctx) {
        return Ok(see_other("/"));
    }
    let p = Page::new(q.page, q.per_page);
    let (list, total) = rounds::list(&s.app, &page.ctx, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(&page, "案卷评查", "/quality"), "案卷评查");
    if uc::is_quality_staff(&page.ctx) {
        v.actions.push(Action {
            href: "/quality/rounds/new".into(),
            label: "新建评查批次".into(),
        });
    }
    v.actions.push(Action {
        href: "/quality/schemes".into(),
        label: "评分标准".into(),
    });
    v.actions.push(Action {
        href: "/quality/experts".into(),
        label: "评查专家库".into(),
    });
    v.actions.push(Action {
        href: "/quality/rating-rules".into(),
        label: "质量评价规则".into(),
    });
    v.actions.push(Action {
        href: "/quality/excellent".into(),
        label: "优秀案例评选".into(),
    });
    v.blocks.push(Block {
        title: "评查批次".into(),
        headers: vec![
            "批次",
            "结案期间",
            "抽取规则",
            "评分方式",
            "完成期限",
            "状态",
        ],
        rows: list
            .iter()
            .map(|r| Row {
                class: "",
                cells: vec![
                    Cell::link(r.name.clone(), format!("/quality/rounds/{}", r.id)),
                    Cell::text(format!("{} 至 {}", r.closed_from, r.closed_to)),
                    Cell::text(rounds::rule_of(r).describe()),
                    Cell::text(r.method.label()),
                    Cell::text(r.due_on.to_string()),
                    Cell::text(r.status.label()),
                ],
            })
            .collect(),
        empty: "还没有评查批次。质量评查人员可以新建批次，按规则抽取已结案归档的案件进行评查。"
            .into(),
    });
    v.pager = Some(Pager::new("/quality", "", p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default)]
pub struct RoundForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    closed_from: String,
    #[serde(default)]
    closed_to: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    sample_method: String,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    per_unit: String,
    #[serde(default)]
    case_types: Vec<String>,
    #[serde(default)]
    include_last_unqualified: Option<String>,
    #[serde(default)]
    reviewers_per_case: String,
    #[serde(default)]
    min_practice_years: String,
    #[serde(default)]
    seed: String,
}

fn round_form(page: &PageCtx, f: &RoundForm) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    FormPage {
        shell: Shell::new(page, "新建评查批次", "/quality"),
        heading: "新建评查批次".into(),
        action: "/quality/rounds".into(),
        submit: "保存".into(),
        cancel: "/quality".into(),
        error: None,
        fields: vec![
            Field::new("name", "批次名称", "text", f.name.clone())
                .required()
                .hint("如：2026年下半年案卷评查"),
            Field::new(
                "closed_from",
                "结案期间（起）",
                "date",
                f.closed_from.clone(),
            )
            .required(),
            Field::new("closed_to", "结案期间（止）", "date", f.closed_to.clone())
                .required()
                .hint("抽取这一期间内结案归档、由本辖区单位承办的案件"),
            Field::new("due_on", "评查完成期限", "date", f.due_on.clone()).required(),
            Field::new("method", "评分方式", "select", "")
                .required()
                .options(
                    kind_options(
                        ScoringMethod::ALL,
                        ScoringMethod::as_str,
                        ScoringMethod::label,
                        "请选择",
                    ),
                    &one(&f.method),
                )
                .hint("每类案件须有该评分方式的评分标准，没有标准的案件不纳入抽取并在批次页面列明"),
            Field::new("sample_method", "抽取方式", "select", "")
                .required()
                .options(
                    kind_options(
                        SampleMethod::ALL,
                        SampleMethod::as_str,
                        SampleMethod::label,
                        "请选择",
                    ),
                    &one(&f.sample_method),
                ),
            Field::new("percent", "抽查比例（%）", "number", f.percent.clone())
                .hint("按比例抽查时填写，按每个承办单位的案件数计算，向上取整"),
            Field::new("per_unit", "每单位件数", "number", f.per_unit.clone())
                .hint("按比例抽查时为每单位最少件数；每单位抽取固定件数时为件数；不足的全部抽取"),
            Field::new("case_types", "案件类型", "checkboxes", "")
                .options(
                    CaseType::ALL
                        .iter()
                        .map(|t| (t.as_str().to_owned(), t.label().to_owned())),
                    &f.case_types,
                )
                .hint("不选表示全部类型"),
            Field::new(
                "include_last_unqualified",
                "另加上一批次评为不合格的案件",
                "checkbox",
                if f.include_last_unqualified.is_some() {
                    "true"
                } else {
                    ""
                },
            ),
            Field::new(
                "reviewers_per_case",
                "每件案卷的评查专家人数",
                "number",
                f.reviewers_per_case.clone(),
            )
            .hint("默认2名；专家不评查本单位和本人承办的案件（交叉评查）"),
            Field::new(
                "min_practice_years",
                "外聘专家执业年限要求（年）",
                "number",
                f.min_practice_years.clone(),
            )
            .hint("默认5年（滁州市2021年做法）"),
            Field::new("seed", "随机种子", "text", f.seed.clone())
                .hint("留空由系统生成；填写以前批次的种子可以重现同样的抽取结果"),
        ],
    }
}

pub async fn new_round(page: PageCtx) -> PageResult {
    if !uc::is_quality_staff(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(round_form(&page, &RoundForm::default()).respond(&[]))
}

fn number<T: std::str::FromStr>(
    field: &str,
    raw: &str,
    errs: &mut Vec<legalaid_domain::FieldError>,
) -> Option<T> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errs.push(crate::html::panels::field_error(field, "请填写整数"));
            None
        }
    }
}

fn date(
    field: &str,
    raw: &str,
    errs: &mut Vec<legalaid_domain::FieldError>,
) -> Option<chrono::NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(crate::html::panels::field_error(
                field,
                "日期格式应为 YYYY-MM-DD",
            ));
            None
        }
    }
}

pub async fn create_round(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: RoundForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = rounds::RoundInput {
        name: f.name.clone(),
        closed_from: date("closed_from", &f.closed_from, &mut errs),
        closed_to: date("closed_to", &f.closed_to, &mut errs),
        due_on: date("due_on", &f.due_on, &mut errs),
        method: f.method.clone(),
        sample_method: f.sample_method.clone(),
        percent: number("percent", &f.percent, &mut errs),
        per_unit: number("per_unit", &f.per_unit, &mut errs),
        case_types: f.case_types.clone(),
        include_last_unqualified: f.include_last_unqualified.is_some(),
        reviewers_per_case: number("reviewers_per_case", &f.reviewers_per_case, &mut errs),
        min_practice_years: number("min_practice_years", &f.min_practice_years, &mut errs),
        seed: Some(f.seed.clone()),
    };
    if !errs.is_empty() {
        return Ok(round_form(&page, &f).respond(&errs));
    }
    match rounds::create(&s.app, &page.ctx, &input).await {
        Ok(r) => Ok(see_other(&format!("/quality/rounds/{}", r.id))),
        Err(AppError::Validation(errs)) => Ok(round_form(&page, &f).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |p| format!("{p:.1}%"))
}

fn results_block(title: &str, groups: &[rounds::ResultGroup]) -> Block {
    Block {
        title: title.into(),
        headers: vec![
            "名称",
            "案卷",
            "已定级",
            "优秀",
            "良好",
            "合格",
            "不合格",
            "平均分",
            "优良率",
        ],
        rows: groups
            .iter()
            .map(|g| Row {
                class: if g.unqualified > 0 { "overdue" } else { "" },
                cells: vec![
                    Cell::text(g.label.clone()),
                    Cell::text(g.files.to_string()),
                    Cell::text(g.graded.to_string()),
                    Cell::text(g.excellent.to_string()),
                    Cell::text(g.good.to_string()),
                    Cell::text(g.qualified.to_string()),
                    Cell::text(g.unqualified.to_string()),
                    Cell::text(g.average.map_or_else(|| "—".into(), |a| format!("{a:.1}"))),
                    Cell::text(percent(g.good_rate)),
                ],
            })
            .collect(),
        empty: "尚未抽取案卷。".into(),
    }
}

/// A round: its rule, the draw, the results by unit, handler and case type, and
/// its files.
pub async fn round(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let id: legalaid_domain::RoundId = parse_id(&id)?;
    let v = rounds::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let status = q
        .status
        .as_deref()
        .filter(|x| !x.is_empty())
        .and_then(ReviewStatus::parse);
    let p = Page::new(q.page, q.per_page);
    let (files, total) = rounds::files(&s.app, &page.ctx, id, status, p)
        .await
        .map_err(page_error)?;
    let r = &v.round;
    let base = format!("/quality/rounds/{}", r.id);
    let mut out = PanelPage::new(Shell::new(&page, &r.name, "/quality"), r.name.clone());
    out.badge = r.status.label().into();
    let mut info = Panel::new("批次信息");
    info.facts = vec![
        Fact::new("组织单位", v.unit_name.clone()),
        Fact::new("结案期间", format!("{} 至 {}", r.closed_from, r.closed_to)),
        Fact::new("抽取规则", v.rule.clone()),
        Fact::new("评分方式", r.method.label()),
        Fact::new(
            "每件专家人数",
            format!("{}名（交叉评查）", r.reviewers_per_case),
        ),
        Fact::new(
            "外聘专家执业年限",
            format!("{}年以上", r.min_practice_years),
        ),
        Fact::new("随机种子", r.seed.clone()),
        Fact::new("完成期限", r.due_on.to_string()),
    ];
    if let Some(t) = r.drawn_at {
        info.facts.push(Fact::new("抽取时间", china(t)));
    }
    if let Some(t) = r.closed_at {
        info.facts.push(Fact::new("结束时间", china(t)));
    }
    if v.can_draw {
        info.forms.push(
            PanelForm::post(format!("{base}/draw"), "按规则抽取案卷并指派专家")
                .hidden("version", r.version.to_string()),
        );
        info.note = "抽取后各案卷绑定当时有效的评分标准，按交叉评查原则指派专家；抽取结果可以用随机种子重现。".into();
    }
    if v.can_close {
        info.forms.push(
            PanelForm::post(format!("{base}/close"), "结束本批次")
                .hidden("version", r.version.to_string()),
        );
    }
    out.panels.push(info);
    if let Some(sum) = &v.summary {
        let mut draw = Panel::new("抽取情况");
        draw.lead = format!("符合条件的案卷{}件，抽取{}件。", sum.frame, sum.drawn);
        draw.facts = v
            .draw_units
            .iter()
            .map(|u| {
                Fact::new(
                    u.unit_name.clone(),
                    format!("{}件中抽取{}件", u.frame, u.drawn),
                )
            })
            .collect();
        if !sum.uncovered.is_empty() {
            draw.lists.push(crate::html::panels::SentenceList {
                title: format!("没有适用的{}评分标准、未纳入抽取的案卷", r.method.label()),
                items: sum
                    .uncovered
                    .iter()
                    .map(|u| format!("{}案件{}件", u.case_type.label(), u.files))
                    .collect(),
            });
        }
        out.panels.push(draw);
    }
    let mut progress = Panel::new("评查进度");
    progress.facts = v
        .by_status
        .iter()
        .map(|c| {
            Fact::link(
                c.status.label(),
                format!("{}件", c.files),
                format!("{base}?status={}", c.status.as_str()),
            )
        })
        .collect();
    if progress.facts.is_empty() {
        progress.lead = "尚未抽取案卷。".into();
    }
    out.panels.push(progress);
    if r.status != RoundStatus::Draft {
        out.blocks
            .push(results_block("评查结果（按承办单位）", &v.results.by_unit));
        out.blocks
            .push(results_block("评查结果（按承办人）", &v.results.by_handler));
        out.blocks.push(results_block(
            "评查结果（按案件类型）",
            &v.results.by_case_type,
        ));
    }
    out.blocks.push(Block {
        title: match status {
            Some(st) => format!("案卷（{}）", st.label()),
            None => "案卷".into(),
        },
        headers: vec![
            "案件编号",
            "承办单位",
            "承办人",
            "案件类型",
            "抽取原因",
            "评查状态",
            "得分",
            "等级",
        ],
        rows: files
            .iter()
            .map(|f| Row {
                class: "",
                cells: vec![
                    Cell::link(f.case_number.clone(), format!("/reviews/{}", f.review.id)),
                    Cell::text(f.unit_name.clone()),
                    Cell::text(or_dash(f.handler_name.as_deref().unwrap_or(""))),
                    Cell::text(f.review.case_type.label()),
                    Cell::text(f.review.reason.label()),
                    Cell::text(f.review.status.label()),
                    Cell::text(
                        f.review
                            .final_total
                            .map_or_else(|| "—".into(), |t| t.to_string()),
                    ),
                    Cell::text(f.review.final_grade.map_or("—", |g| g.label())),
                ],
            })
            .collect(),
        empty: "没有符合条件的案卷。".into(),
    });
    let query = query_string(&[("status", q.status.clone())]);
    out.pager = Some(Pager::new(&base, &query, p, total));
    Ok(out.respond(false))
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn draw(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: legalaid_domain::RoundId = parse_id(&id)?;
    let f: VersionForm = CsrfForm::parse(req, &page.csrf).await?;
    rounds::draw(&s.app, &page.ctx, id, f.version)
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/quality/rounds/{id}")))
}

pub async fn close(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: legalaid_domain::RoundId = parse_id(&id)?;
    let f: VersionForm = CsrfForm::parse(req, &page.csrf).await?;
    rounds::close(&s.app, &page.ctx, id, f.version)
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/quality/rounds/{id}")))
}
