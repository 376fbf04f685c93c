//! The MoJ report forms (ADR 0028) as both the pages and the API give them:
//! the period a query asks for, the failing checks as sentences, and the
//! workbook in the forms' layout.

use legalaid_app::AppError;
use legalaid_app::supervision::report_forms::ReportSet;
use legalaid_docs::xlsx::{FormSheet, Table, Value};
use legalaid_domain::FieldError;
use legalaid_domain::supervision::forms::{Form, Period};

fn text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// The period asked for; none for the default (the statistical year of today).
pub fn period_of(
    kind: Option<&str>,
    year: Option<&str>,
    month: Option<&str>,
    half: Option<&str>,
) -> Result<Option<Period>, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut number = |field: &str, v: Option<&str>, what: &str| -> Option<i64> {
        let v = text(v)?;
        v.parse().ok().or_else(|| {
            errs.push(field_error(field, &format!("{what}应为整数")));
            None
        })
    };
    let y = number("year", year, "年份");
    let m = number("month", month, "月份");
    let h = number("half", half, "半年");
    let kind = text(kind).unwrap_or("year");
    if !errs.is_empty() {
        return Err(errs);
    }
    let y = match y {
        None if kind == "year" && m.is_none() && h.is_none() => return Ok(None),
        None => {
            return Err(vec![field_error("year", "请填写年份")]);
        }
        Some(y) if !(2000..=2100).contains(&y) => {
            return Err(vec![field_error("year", "年份应在2000至2100之间")]);
        }
        Some(y) => i32::try_from(y).unwrap_or(2000),
    };
    let small = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
    match kind {
        "year" => Ok(Some(Period::Year { year: y })),
        "month" => match small(m) {
            Some(month) if (1..=12).contains(&month) => Ok(Some(Period::Month { year: y, month })),
            _ => Err(vec![field_error("month", "月份应为1至12")]),
        },
        "half" => match small(h) {
            Some(half) if half == 1 || half == 2 => Ok(Some(Period::Half { year: y, half })),
            _ => Err(vec![field_error("half", "请选择上半年或下半年")]),
        },
        _ => Err(vec![field_error("period", "统计期间应为年度、半年或月份")]),
    }
}

/// The failing checks as sentences: the form, the rule, each failing line
/// with both sides.
pub fn failures(set: &ReportSet) -> Vec<String> {
    let mut out = Vec::new();
    for f in &set.forms {
        for c in f.checks.iter().filter(|c| !c.holds) {
            let lines: Vec<String> = c
                .failures
                .iter()
                .map(|x| format!("{}：{} ≠ {}", set.line_name(x.line), x.left, x.right))
                .collect();
            out.push(format!(
                "{}（{}）{}不成立 —— {}",
                short_title(f),
                if c.cross {
                    "表间关系"
                } else {
                    "表内关系"
                },
                c.rule,
                lines.join("；")
            ));
        }
    }
    out
}

pub fn short_title(f: &Form) -> String {
    f.title
        .split_once('：')
        .map_or_else(|| f.title.clone(), |(a, _)| a.to_owned())
}

/// The workbook: a sheet per form in its layout, then the checks.
pub fn workbook(set: &ReportSet) -> Result<Vec<u8>, AppError> {
    let sheets: Vec<FormSheet> = set
        .forms
        .iter()
        .map(|f| {
            let cells = |r: &legalaid_domain::supervision::forms::Row| -> Vec<Value> {
                r.cells
                    .iter()
                    .zip(&f.columns)
                    .map(|(v, c)| {
                        if c.money {
                            Value::WanYuan(*v)
                        } else {
                            Value::Int(*v)
                        }
                    })
                    .collect()
            };
            let mut rows = vec![("合计".to_owned(), cells(&f.total))];
            rows.extend(
                f.rows
                    .iter()
                    .map(|r| (set.line_name(r.line).to_owned(), cells(r))),
            );
            FormSheet {
                sheet: short_title(f),
                title: f.title.clone(),
                subtitle: format!(
                    "填报单位：{}　统计期间：{}（{}至{}）",
                    set.region_name, set.title, set.from, set.to
                ),
                line_header: if set.lines.iter().any(|l| l.region.is_some()) {
                    "地区".into()
                } else {
                    "单位".into()
                },
                columns: f
                    .columns
                    .iter()
                    .map(|c| (c.group.clone(), c.label.clone()))
                    .collect(),
                rows,
                footer: "填表人：　　　　负责人：　　　　填报日期：".into(),
            }
        })
        .collect();
    let mut checks = Vec::new();
    for f in &set.forms {
        for c in &f.checks {
            let detail = c
                .failures
                .iter()
                .map(|x| format!("{}：{} ≠ {}", set.line_name(x.line), x.left, x.right))
                .collect::<Vec<_>>()
                .join("；");
            checks.push(vec![
                Value::Text(short_title(f)),
                Value::Text(
                    if c.cross {
                        "表间关系"
                    } else {
                        "表内关系"
                    }
                    .into(),
                ),
                Value::Text(c.rule.clone()),
                Value::Text(if c.holds { "通过" } else { "未通过" }.into()),
                Value::Text(detail),
            ]);
        }
    }
    let table = Table {
        sheet: "校验结果".into(),
        title: "表内、表间关系校验结果".into(),
        subtitle: format!("{}　{}", set.region_name, set.title),
        headers: [
            "报表",
            "类别",
            "关系",
            "结果",
            "不成立的单位（地区）及两边数值",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect(),
        rows: checks,
        total: None,
    };
    legalaid_docs::xlsx::forms_workbook(&sheets, &[table])
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn file_name(set: &ReportSet) -> String {
    let p = match set.period {
        Period::Year { year } => format!("{year}"),
        Period::Half { year, half } => format!("{year}-h{half}"),
        Period::Month { year, month } => format!("{year}-{month:02}"),
    };
    format!("report-forms-{p}.xlsx")
}
