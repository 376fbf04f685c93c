//! `/supervision/targets`: a region's annual target split over the regions
//! or units below it (目标任务分解), each optionally by case type, as one
//! table of inputs; saved all or nothing, a bad number shown in its cell.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{Action, PageResult, Shell, page_error, render, see_other};
use askama::Template;
use axum::http::StatusCode;
use chrono::Datelike;
use legalaid_app::AppError;
use legalaid_app::supervision::Node;
use legalaid_app::supervision::targets::{self as uc, TargetLine, TargetSheet};
use legalaid_domain::case::CaseType;
use legalaid_domain::supervision::Split;
use legalaid_domain::supervision::targets::{TypeTarget, UnitTarget};
use legalaid_domain::validation::FieldError;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

struct Input {
    /// The form name; empty for a value shown, not entered.
    name: String,
    label: String,
    value: String,
    error: Option<String>,
}

struct SheetRow {
    own: bool,
    name: String,
    href: String,
    note: String,
    cells: Vec<Input>,
}

struct SplitRow {
    label: String,
    values: Vec<String>,
}

#[derive(Template)]
#[template(path = "target_sheet.html")]
struct SheetPage {
    shell: Shell,
    heading: String,
    actions: Vec<Action>,
    intro: String,
    error: Option<String>,
    year: i32,
    region: String,
    columns: Vec<String>,
    rows: Vec<SheetRow>,
    splits: Vec<SplitRow>,
    editable: bool,
    back: String,
}

fn field(unit: i64, t: Option<CaseType>) -> String {
    match t {
        None => format!("t{unit}"),
        Some(t) => format!("t{unit}_{}", t.as_str()),
    }
}

fn n(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn row(
    l: &TargetLine,
    own: bool,
    sheet: &TargetSheet,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
) -> SheetRow {
    let mut cells = Vec::new();
    let parts = std::iter::once(None).chain(CaseType::ALL.iter().copied().map(Some));
    for t in parts {
        let stored = match t {
            None => l.target.cases,
            Some(t) => l.target.of(t),
        };
        let label = match t {
            None => format!("{}目标任务数", l.name),
            Some(t) => format!("{}{}案件目标", l.name, t.label()),
        };
        match l.unit_id.filter(|_| sheet.can_edit) {
            Some(unit) => {
                let name = field(unit, t);
                let value = posted
                    .and_then(|p| p.get(&name).cloned())
                    .unwrap_or_else(|| n(stored));
                let error = errors
                    .iter()
                    .filter(|e| e.field == name)
                    .map(|e| e.message.clone())
                    .reduce(|a, b| format!("{a}；{b}"));
                cells.push(Input {
                    name,
                    label,
                    value,
                    error,
                });
            }
            None => cells.push(Input {
                name: String::new(),
                label,
                value: stored.map_or_else(|| "—".to_owned(), |v| v.to_string()),
                error: None,
            }),
        }
    }
    let href = match (&l.node, own) {
        (Node::Region { code }, false) => {
            format!("/supervision/targets?region={code}&year={}", sheet.year)
        }
        _ => String::new(),
    };
    SheetRow {
        own,
        name: if own {
            format!("{}（本级）", l.name)
        } else {
            l.name.clone()
        },
        href,
        note: if l.unit_id.is_none() {
            "尚无司法局，无法设定目标".into()
        } else {
            String::new()
        },
        cells,
    }
}

fn split_rows(sheet: &TargetSheet) -> Vec<SplitRow> {
    let Some(total) = &sheet.split else {
        return Vec::new();
    };
    let of = |t: CaseType| -> Option<&Split> {
        sheet
            .type_splits
            .iter()
            .find(|s| s.case_type == t)
            .map(|s| &s.split)
    };
    let columns: Vec<Option<&Split>> = std::iter::once(Some(total))
        .chain(CaseType::ALL.iter().map(|t| of(*t)))
        .collect();
    let cell = |f: &dyn Fn(&Split) -> String| -> Vec<String> {
        columns
            .iter()
            .map(|s| s.map_or_else(|| "—".to_owned(), f))
            .collect()
    };
    vec![
        SplitRow {
            label: "已分解".into(),
            values: cell(&|s| s.assigned.to_string()),
        },
        SplitRow {
            label: "未分解".into(),
            values: cell(&|s| {
                if s.unassigned < 0 {
                    format!("超出{}", -s.unassigned)
                } else {
                    s.unassigned.to_string()
                }
            }),
        },
    ]
}

fn render_sheet(
    page: &PageCtx,
    sheet: &TargetSheet,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
) -> axum::response::Response {
    let mut rows = vec![row(&sheet.own, true, sheet, posted, errors)];
    rows.extend(
        sheet
            .lines
            .iter()
            .map(|l| row(l, false, sheet, posted, errors)),
    );
    let known: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.name.as_str()))
        .collect();
    // Faults not on a cell (a unit no longer on the sheet, the year).
    let stray: Vec<String> = errors
        .iter()
        .filter(|e| !known.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect();
    let region_q = if sheet.region.is_empty() {
        String::new()
    } else {
        format!("region={}&", sheet.region)
    };
    let back = format!("/supervision?{region_q}year={}", sheet.year);
    let below = if sheet.region.len() == 6 {
        "本县（区）各单位"
    } else {
        "下一级地区（由其司法局承担）"
    };
    let v = SheetPage {
        shell: Shell::new(page, "目标任务分解", "/supervision"),
        heading: format!("{} {}年目标任务分解", sheet.own.name, sheet.year),
        actions: vec![Action {
            href: back.clone(),
            label: "办案进度".into(),
        }],
        intro: format!(
            "本级目标由{}承担，分解到{below}。留空为不设目标；按案件类型分解为可选，各类型合计不超过该单位的目标任务数。{}",
            if sheet.own.unit_id.is_some() {
                "本级司法局"
            } else {
                "上级"
            },
            if sheet.can_edit {
                "保存后立即用于办案进度和督办。"
            } else {
                "仅司法局督导人员和系统管理员可以修改。"
            }
        ),
        error: if errors.is_empty() {
            None
        } else if stray.is_empty() {
            Some("请修改标出的数字后再保存，未保存任何修改".into())
        } else {
            Some(format!("{}；未保存任何修改", stray.join("；")))
        },
        year: sheet.year,
        region: sheet.region.clone(),
        columns: std::iter::once("目标任务数".to_owned())
            .chain(CaseType::ALL.iter().map(|t| format!("其中{}", t.label())))
            .collect(),
        rows,
        splits: split_rows(sheet),
        editable: sheet.can_edit,
        back,
    };
    let mut res = render(&v);
    if !errors.is_empty() && res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

#[derive(Deserialize, Default)]
pub struct Query {
    region: Option<String>,
    year: Option<String>,
}

fn year_of(s: &AppState, y: Option<&str>) -> Result<i32, AppError> {
    match y.map(str::trim).filter(|y| !y.is_empty()) {
        None => {
            Ok(legalaid_domain::local_date(legalaid_app::Clock::now(s.app.clock.as_ref())).year())
        }
        Some(y) => y
            .parse()
            .map_err(|_| AppError::field("year", "年份应为四位数字")),
    }
}

/// `GET /supervision/targets`.
pub async fn page(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<Query>,
) -> PageResult {
    let year = year_of(&s, q.year.as_deref()).map_err(page_error)?;
    let sheet = uc::sheet(&s.app, &page.ctx, q.region.as_deref(), year)
        .await
        .map_err(page_error)?;
    Ok(render_sheet(&page, &sheet, None, &[]))
}

/// The targets posted, by unit: `t{unit}` the total, `t{unit}_{type}` a
/// type's part; a cell that is not a whole number is a fault on it.
fn posted_targets(f: &HashMap<String, String>) -> (Vec<(i64, UnitTarget)>, Vec<FieldError>) {
    let mut by_unit: BTreeMap<i64, UnitTarget> = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, value) in f {
        let Some(rest) = name.strip_prefix('t') else {
            continue;
        };
        let (unit, t) = match rest.split_once('_') {
            Some((u, t)) => (u, CaseType::parse(t)),
            None => (rest, None),
        };
        let Ok(unit) = unit.parse::<i64>() else {
            continue;
        };
        if rest.contains('_') && t.is_none() {
            continue;
        }
        let entry = by_unit.entry(unit).or_default();
        let v = value.trim();
        if v.is_empty() {
            continue;
        }
        let Ok(v) = v.parse::<i64>() else {
            errors.push(FieldError {
                field: name.clone(),
                message: "请填写整数件数".into(),
            });
            continue;
        };
        match t {
            None => entry.cases = Some(v),
            Some(case_type) => entry.by_type.push(TypeTarget {
                case_type,
                cases: v,
            }),
        }
    }
    (by_unit.into_iter().collect(), errors)
}

/// `POST /supervision/targets`: the whole sheet, saved or refused as one.
pub async fn save(
    axum::extract::State(s): axum::extract::State<AppState>,
    page: PageCtx,
    req: axum::extract::Request,
) -> PageResult {
    let f: HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    let year = year_of(&s, f.get("year").map(String::as_str)).map_err(page_error)?;
    let region = f
        .get("region")
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let (inputs, mut errors) = posted_targets(&f);
    if errors.is_empty() {
        match uc::set(&s.app, &page.ctx, region.as_deref(), year, &inputs).await {
            Ok(()) => {
                let q = region.map(|r| format!("region={r}&")).unwrap_or_default();
                return Ok(see_other(&format!("/supervision/targets?{q}year={year}")));
            }
            Err(AppError::Validation(e)) => errors = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    let sheet = uc::sheet(&s.app, &page.ctx, region.as_deref(), year)
        .await
        .map_err(page_error)?;
    Ok(render_sheet(&page, &sheet, Some(&f), &errors))
}
