//! The subsidy schedule page: every row with its region and effective dates, and
//! the form administrators use to add a rate or a new version.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::{
    Action, Cell, Field, FormPage, ListPage, PageResult, Pager, Shell, Table, page_error, render,
    see_other,
};
use axum::extract::{Request, State};
use legalaid_app::cases::{self as uc, ScheduleRow};
use legalaid_app::{AppError, Page};
use legalaid_domain::case::{CaseType, Grade, Stage};
use legalaid_domain::subsidy::{EarlyEnd, FlatItem, Tariff, yuan};

fn describe(t: &Tariff) -> (String, String) {
    match t {
        Tariff::Rate {
            case_type,
            stage,
            grade,
            amount_fen,
        } => (
            format!(
                "基准：{}{}·{}",
                case_type.label(),
                if *stage == Stage::Whole {
                    String::new()
                } else {
                    format!("·{}", stage.label())
                },
                grade.label()
            ),
            format!("{}元", yuan(*amount_fen)),
        ),
        Tariff::Flat {
            case_type,
            item,
            amount_fen,
        } => (
            format!(
                "固定：{}（{}）",
                item.label(),
                case_type.map_or("各类案件", |c| c.label())
            ),
            format!("{}元", yuan(*amount_fen)),
        ),
        Tariff::Partial {
            case_type,
            early_end,
            percent,
        } => (
            format!(
                "提前终止：{}（{}）",
                early_end.label(),
                case_type.map_or("各类案件", |c| c.label())
            ),
            format!("{percent}%"),
        ),
        Tariff::Travel { min_km, amount_fen } => (
            format!("差旅：{min_km}公里以上"),
            format!("{}元", yuan(*amount_fen)),
        ),
    }
}

pub async fn list(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let schedule = uc::schedule(&s.app, &page.ctx).await.map_err(page_error)?;
    let total = i64::try_from(schedule.entries.len()).unwrap_or(0);
    let rows = schedule
        .entries
        .iter()
        .map(|e| {
            let (what, amount) = describe(&e.tariff);
            vec![
                Cell::text(what),
                Cell::text(amount),
                Cell::text(if e.region.is_empty() {
                    "全国".to_owned()
                } else {
                    e.region.clone()
                }),
                Cell::text(match e.effective_to {
                    Some(to) => format!("{} 至 {}", e.effective_from, to),
                    None => format!("{} 起", e.effective_from),
                }),
                Cell::text(e.source.clone()),
            ]
        })
        .collect();
    let admin = legalaid_app::policy::ensure_manage_regions(&page.ctx).is_ok();
    Ok(render(&ListPage {
        shell: Shell::new(&page, "办案补贴标准", "/subsidies"),
        heading: "办案补贴标准".into(),
        actions: if admin {
            vec![Action {
                href: "/admin/subsidy-schedule/new".into(),
                label: "新增标准".into(),
            }]
        } else {
            vec![]
        },
        filters: vec![],
        export_href: None,
        table: Table {
            headers: vec!["项目", "金额或比例", "地区", "有效期", "依据"],
            rows,
        },
        pager: Pager::new(
            "/admin/subsidy-schedule",
            "",
            Page {
                page: 1,
                per_page: total.max(1),
            },
            total,
        ),
        empty: "还没有补贴标准。".into(),
    }))
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    none: &str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(
            all.iter()
                .map(|x| (code(*x).to_owned(), label(*x).to_owned())),
        )
        .collect()
}

fn form(page: &PageCtx, r: &ScheduleRow) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    let items: Vec<(String, String)> = std::iter::once((String::new(), "（不适用）".to_owned()))
        .chain(
            FlatItem::ALL
                .iter()
                .map(|x| (x.as_str().to_owned(), format!("固定：{}", x.label()))),
        )
        .chain(
            EarlyEnd::ALL
                .iter()
                .map(|x| (x.as_str().to_owned(), format!("提前终止：{}", x.label()))),
        )
        .collect();
    FormPage {
        shell: Shell::new(page, "新增补贴标准", "/subsidies"),
        heading: "新增补贴标准".into(),
        action: "/admin/subsidy-schedule".into(),
        submit: "保存".into(),
        cancel: "/admin/subsidy-schedule".into(),
        error: None,
        fields: vec![
            Field::new("kind", "类别", "select", "").required().options(
                [
                    ("rate", "基准（按案件类型、阶段、质量等级）"),
                    ("flat", "固定金额（不分等级）"),
                    ("partial", "提前终止按比例"),
                    ("travel", "差旅补助（按距离）"),
                ]
                .map(|(v, l)| (v.to_owned(), l.to_owned())),
                &one(&r.kind),
            ),
            Field::new("case_type", "案件类型", "select", "").options(
                options(CaseType::ALL, CaseType::as_str, CaseType::label, "（各类案件）"),
                &one(&r.case_type),
            ),
            Field::new("stage", "诉讼阶段", "select", "").options(
                options(Stage::ALL, Stage::as_str, Stage::label, "（不适用）"),
                &one(&r.stage),
            ),
            Field::new("grade", "质量等级", "select", "").options(
                options(Grade::ALL, Grade::as_str, Grade::label, "（不适用）"),
                &one(&r.grade),
            ),
            Field::new("item", "固定项目或提前终止情形", "select", "")
                .options(items, &one(&r.item)),
            Field::new("amount_fen", "金额（分）", "number", r.amount_fen.clone())
                .hint("基准、固定金额和差旅补助填写；1元=100分"),
            Field::new("percent", "比例（%）", "number", r.percent.clone())
                .hint("提前终止按基准的比例"),
            Field::new("min_km", "起算距离（公里）", "number", r.min_km.clone()),
            Field::new("region", "适用地区代码", "text", r.region.clone())
                .hint("行政区划代码前缀，如 34（安徽省）、3415（六安市）、341504（叶集区）；更具体的地区优先"),
            Field::new("effective_from", "施行日期", "date", r.effective_from.clone()).required(),
            Field::new("effective_to", "截止日期", "date", r.effective_to.clone())
                .hint("留空表示持续有效；新版本从较晚的施行日期起取代旧版本"),
            Field::new("label", "名称", "text", r.label.clone()),
            Field::new("source", "依据", "text", r.source.clone())
                .required()
                .hint("文件名称和文号"),
        ],
    }
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    legalaid_app::policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let _ = &s;
    Ok(form(&page, &ScheduleRow::default()).respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let r: ScheduleRow = CsrfForm::parse(req, &page.csrf).await?;
    match uc::add_schedule_row(&s.app, &page.ctx, &r).await {
        Ok(_) => Ok(see_other("/admin/subsidy-schedule")),
        Err(AppError::Validation(errs)) => Ok(form(&page, &r).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}
