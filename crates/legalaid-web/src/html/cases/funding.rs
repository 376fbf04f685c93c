//! The money pages: the funding estimate (经费测算) with the annual target, and
//! the subsidy totals by handler, unit or month of payment, with their export.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::cases::money;
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, SentenceList};
use crate::html::{
    Cell, Field, ListPage, PageResult, Pager, Shell, Table, page_error, query_string, render,
    see_other,
};
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Datelike;
use legalaid_app::{AppError, Ctx, Page, cases, funding, policy, units};
use legalaid_domain::role::Role;
use legalaid_domain::subsidy::yuan;
use legalaid_domain::{FieldError, local_date};
use serde::Deserialize;

fn any_role(ctx: &Ctx, roles: &[Role]) -> bool {
    ctx.actor
        .as_ref()
        .is_none_or(|a| a.has(Role::SystemAdmin) || roles.iter().any(|r| a.has(*r)))
}

/// Who reads the funding estimate (the same roles the use case allows).
pub fn sees_funding(ctx: &Ctx) -> bool {
    any_role(
        ctx,
        &[
            Role::BureauSupervisor,
            Role::CenterDirector,
            Role::CenterReviewer,
        ],
    )
}

/// Who reads the subsidy totals (the same roles the use case allows).
pub fn sees_subsidies(ctx: &Ctx) -> bool {
    cases::can_manage(ctx) || any_role(ctx, &[Role::BureauSupervisor])
}

fn this_year(s: &AppState) -> i32 {
    local_date(s.app.clock.now()).year()
}

/// A year from a form; None and a message when it is not one.
fn parse_year(raw: &str) -> Result<i32, String> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| "年份应在2000至2100之间".to_owned())
}

// ---------------------------------------------------------------------------
// The funding estimate.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FundingQuery {
    year: String,
    unit_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TargetForm {
    unit_id: String,
    year: String,
    cases: String,
}

/// The units a target can be set for: bureaus and centers first, then the rest.
async fn unit_options(s: &AppState, page: &PageCtx, first: &str) -> Vec<(String, String)> {
    let mut all = units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default();
    all.sort_by_key(|u| (!u.kind.sees_region(), u.name.clone()));
    std::iter::once((String::new(), first.to_owned()))
        .chain(all.into_iter().map(|u| {
            (
                u.id.to_string(),
                format!("{}（{}）", u.name, u.kind.label()),
            )
        }))
        .collect()
}

async fn funding_page(
    s: &AppState,
    page: &PageCtx,
    q: &FundingQuery,
    target: &TargetForm,
    target_errors: &[FieldError],
) -> PageResult {
    if !sees_funding(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let own_unit = page
        .ctx
        .actor
        .as_ref()
        .and_then(|a| a.user.unit_id)
        .map(|u| u.0);
    let mut query_errors: Vec<FieldError> = Vec::new();
    let year = if q.year.trim().is_empty() {
        Some(this_year(s))
    } else {
        match parse_year(&q.year) {
            Ok(y) => Some(y),
            Err(m) => {
                query_errors.push(crate::html::panels::field_error("year", &m));
                None
            }
        }
    };
    let unit = q
        .unit_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|u| *u > 0)
        .or(own_unit);
    let mut p = PanelPage::new(Shell::new(page, "经费测算", "/funding"), "经费测算");
    let year_text = year
        .map(|y| y.to_string())
        .unwrap_or_else(|| q.year.clone());
    let unit_text = unit.map(|u| u.to_string()).unwrap_or_default();

    let mut result = Panel::new("测算结果");
    match (year, unit) {
        (Some(y), Some(u)) => match funding::estimate(&s.app, &page.ctx, y, Some(u)).await {
            Ok(e) => {
                p.badge = format!("{}年", e.year);
                result.facts = vec![
                    Fact::new("目标任务数", format!("{}件", e.target_cases)),
                    Fact::new("测算经费", money(e.estimated_fen)),
                    Fact::new("已承诺（待发放）", money(e.committed_fen)),
                    Fact::new("已发放", money(e.paid_fen)),
                    Fact::new("尚余", money(e.remaining_fen)),
                ];
                if e.remaining_fen < 0 {
                    result.class = "verdict-ineligible";
                    result.lead = "已承诺的补贴超过测算经费".into();
                }
                if !e.notes.is_empty() {
                    result.lists.push(SentenceList {
                        title: "测算说明".into(),
                        items: e.notes.clone(),
                    });
                }
                p.blocks.push(Block {
                    title: "测算明细".into(),
                    headers: vec!["案件类型与阶段", "预计案件数", "平均补贴标准", "测算金额"],
                    rows: e
                        .lines
                        .iter()
                        .map(|l| Row {
                            class: "",
                            cells: vec![
                                Cell::text(l.label.clone()),
                                Cell::text(format!("{:.2}件", l.expected_cases)),
                                Cell::text(money(l.mean_rate_fen)),
                                Cell::text(money(l.amount_fen)),
                            ],
                        })
                        .collect(),
                    empty: "没有测算明细。".into(),
                });
            }
            Err(AppError::Conflict(m)) => {
                result.note = format!("{m}。请先设定该单位该年度的目标任务数，再进行测算。");
            }
            Err(AppError::Validation(errs)) => query_errors.extend(errs),
            Err(e) => return Err(page_error(e)),
        },
        (Some(_), None) => {
            result.note = "请选择单位。".into();
        }
        (None, _) => {}
    }
    if result.facts.is_empty() && result.note.is_empty() {
        result.note = "选择年度和单位后测算：按目标任务数、上一年度的案件构成和质量等级分布，以及现行补贴标准，测算本年度需要的办案补贴经费。".into();
    }

    let mut ask = PanelForm::get("/funding", "测算").group(
        "",
        vec![
            Field::new("year", "年度", "number", year_text.clone()).required(),
            Field::new("unit_id", "单位", "select", "")
                .required()
                .options(
                    unit_options(s, page, "请选择").await,
                    std::slice::from_ref(&unit_text),
                ),
        ],
    );
    let rest = ask.attach(&query_errors);
    let mut conditions = Panel::new("测算条件");
    conditions.forms.push(ask);
    p.error = rest;
    p.panels.push(conditions);
    p.panels.push(result);

    if policy::can_manage_units(&page.ctx) {
        let pick = |v: &str, d: &str| {
            if v.is_empty() {
                d.to_owned()
            } else {
                v.to_owned()
            }
        };
        let mut set = PanelForm::post("/funding/target", "保存目标任务数").group(
            "",
            vec![
                Field::new("unit_id", "单位", "select", "")
                    .required()
                    .options(
                        unit_options(s, page, "请选择").await,
                        &[pick(&target.unit_id, &unit_text)],
                    ),
                Field::new("year", "年度", "number", pick(&target.year, &year_text)).required(),
                Field::new("cases", "目标任务数（件）", "number", target.cases.clone())
                    .required()
                    .hint("本年度计划办理的法律援助案件数，如 260"),
            ],
        );
        if let Some(rest) = set.attach(target_errors) {
            p.error = Some(rest);
        } else if !target_errors.is_empty() {
            p.error = Some("请修改标出的内容后再提交".into());
        }
        let mut panel = Panel::new("设定年度目标任务数");
        panel.note = "目标任务数由司法局监管人员或系统管理员设定；已设定的，保存后替换。".into();
        panel.forms.push(set);
        p.after.push(panel);
    }
    Ok(p.respond(!target_errors.is_empty()))
}

pub async fn page(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<FundingQuery>,
) -> PageResult {
    funding_page(&s, &page, &q, &TargetForm::default(), &[]).await
}

pub async fn set_target(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: TargetForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let unit = f.unit_id.trim().parse::<i64>().ok();
    if unit.is_none() {
        errs.push(crate::html::panels::field_error("unit_id", "请选择单位"));
    }
    let year = parse_year(&f.year)
        .map_err(|m| errs.push(crate::html::panels::field_error("year", &m)))
        .ok();
    let cases = f.cases.trim().parse::<i64>().ok();
    if cases.is_none() {
        errs.push(crate::html::panels::field_error("cases", "请填写整数件数"));
    }
    let done = match (unit, year, cases) {
        (Some(u), Some(y), Some(n)) if errs.is_empty() => {
            funding::set_target(&s.app, &page.ctx, u, y, n).await
        }
        _ => Err(AppError::Validation(errs)),
    };
    let q = FundingQuery {
        year: f.year.trim().to_owned(),
        unit_id: f.unit_id.trim().to_owned(),
    };
    match done {
        Ok(()) => Ok(see_other(&format!(
            "/funding?{}",
            query_string(&[
                ("year", Some(q.year.clone())),
                ("unit_id", Some(q.unit_id.clone()))
            ])
        ))),
        Err(AppError::Validation(errs)) => funding_page(&s, &page, &q, &f, &errs).await,
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------------------
// Subsidy totals.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TotalsQuery {
    year: String,
    by: String,
}

const GROUPS: [(&str, &str, &str); 3] = [
    ("handler", "按承办人", "承办人"),
    ("unit", "按承办单位", "承办单位"),
    ("month", "按发放月份", "发放月份"),
];

impl TotalsQuery {
    /// The year (this year when not given), the grouping, and a message for a bad year.
    fn parts(&self, s: &AppState) -> (i32, &'static str, Option<String>) {
        let (year, error) = if self.year.trim().is_empty() {
            (this_year(s), None)
        } else {
            match parse_year(&self.year) {
                Ok(y) => (y, None),
                Err(m) => (this_year(s), Some(m)),
            }
        };
        let by = GROUPS
            .iter()
            .find(|(k, _, _)| *k == self.by.trim())
            .map_or("handler", |(k, _, _)| k);
        (year, by, error)
    }
}

fn group_heading(by: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(k, _, _)| *k == by)
        .map_or("承办人", |(_, _, h)| h)
}

fn group_label(by: &str, key: &str, label: &str) -> String {
    match (by, label.trim()) {
        ("month", "") => "未发放".into(),
        (_, "") if key.is_empty() => "（未确定）".into(),
        (_, "") => key.to_owned(),
        (_, l) => l.to_owned(),
    }
}

pub async fn subsidies(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<TotalsQuery>,
) -> PageResult {
    let (year, by, year_error) = q.parts(&s);
    let totals = cases::subsidy_totals(&s.app, &page.ctx, year, by)
        .await
        .map_err(page_error)?;
    let mut rows: Vec<Vec<Cell>> = totals
        .iter()
        .map(|t| {
            vec![
                Cell::text(group_label(by, &t.key, &t.label)),
                Cell::text(t.cases.to_string()),
                Cell::text(money(t.payable_fen)),
                Cell::text(money(t.paid_fen)),
                Cell::text(money(t.payable_fen + t.paid_fen)),
            ]
        })
        .collect();
    if !totals.is_empty() {
        let (n, payable, paid) = totals.iter().fold((0, 0, 0), |(n, a, b), t| {
            (n + t.cases, a + t.payable_fen, b + t.paid_fen)
        });
        rows.push(vec![
            Cell::text("合计"),
            Cell::text(n.to_string()),
            Cell::text(money(payable)),
            Cell::text(money(paid)),
            Cell::text(money(payable + paid)),
        ]);
    }
    let query = query_string(&[
        ("year", Some(year.to_string())),
        ("by", Some(by.to_owned())),
    ]);
    let total = i64::try_from(totals.len()).unwrap_or(0);
    let mut year_field = Field::new("year", "立案年度", "number", year.to_string());
    year_field.error = year_error;
    Ok(render(&ListPage {
        shell: Shell::new(&page, "办案补贴统计", "/subsidies"),
        heading: format!("办案补贴统计（{year}年立案）"),
        actions: vec![crate::html::Action {
            href: "/admin/subsidy-schedule".into(),
            label: "补贴标准".into(),
        }],
        filters: vec![
            year_field,
            Field::new("by", "统计方式", "select", "").options(
                GROUPS
                    .iter()
                    .map(|(k, l, _)| ((*k).to_owned(), (*l).to_owned())),
                &[by.to_owned()],
            ),
        ],
        export_href: Some(format!("/subsidies/export.csv?{query}")),
        table: Table {
            headers: vec![group_heading(by), "案件数", "待发放", "已发放", "合计"],
            rows,
        },
        pager: Pager::new(
            "/subsidies",
            &query,
            Page {
                page: 1,
                per_page: total.max(1),
            },
            total,
        ),
        empty: format!(
            "{year}年立案的案件中还没有待发放或已发放的办案补贴。结案审查通过后，补贴即计入统计。"
        ),
    }))
}

pub async fn subsidies_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<TotalsQuery>,
) -> PageResult {
    let (year, by, _) = q.parts(&s);
    let totals = cases::subsidy_totals(&s.app, &page.ctx, year, by)
        .await
        .map_err(page_error)?;
    let bytes = legalaid_docs::csv(
        &[
            group_heading(by),
            "案件数",
            "待发放（元）",
            "已发放（元）",
            "合计（元）",
        ],
        totals.iter().map(|t| {
            let plain = |fen: i64| yuan(fen).replace(',', "");
            vec![
                group_label(by, &t.key, &t.label),
                t.cases.to_string(),
                plain(t.payable_fen),
                plain(t.paid_fen),
                plain(t.payable_fen + t.paid_fen),
            ]
        }),
    )
    .map_err(|e| page_error(AppError::Internal(e.to_string())))?;
    let disposition = format!("attachment; filename=\"subsidies-{year}-{by}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
