//! Pages for the rules in force (read-only, with new hardship standards, matters,
//! exemptions, deadline rule versions) and the settings. The working-day calendar
//! is in `calendar.rs`.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::applications::{fen_of_yuan, field_error};
use crate::html::{
    Action, Cell, DetailPage, Field, FormPage, PageResult, Section, Shell, page_error, render,
    see_other, yes_no,
};
use axum::extract::{Path, Request, State};
use chrono::NaiveDate;
use legalaid_app::{AppError, policy, rules};
use legalaid_domain::FieldError;
use legalaid_domain::assessment::yuan;
use legalaid_domain::deadline::{DeadlineRule, PeriodUnit};
use serde::Deserialize;

fn effect(from: NaiveDate, to: Option<NaiveDate>, province: Option<&str>) -> String {
    let mut s = match to {
        Some(t) => format!("{from}至{t}"),
        None => format!("{from}起"),
    };
    if let Some(p) = province {
        s.push_str(&format!("（限区划{p}）"));
    }
    s
}

pub async fn rules_page(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let book = rules::rulebook(&s.app).await.map_err(page_error)?;
    let count = |n: usize, unit: &str| format!("{n}{unit}");
    let matters = Section {
        title: "法律援助事项".into(),
        headers: vec!["代码", "事项", "经济困难条件", "依据", "生效"],
        rows: book
            .matters
            .iter()
            .map(|m| {
                vec![
                    Cell::text(m.code.clone()),
                    Cell::text(m.label.clone()),
                    Cell::text(m.hardship.label()),
                    Cell::text(m.basis.clone()),
                    Cell::text(effect(
                        m.effective_from,
                        m.effective_to,
                        m.province.as_deref(),
                    )),
                ]
            })
            .collect(),
        empty: "没有法律援助事项（规则尚未导入）。".into(),
    };
    let exemptions = Section {
        title: "免予核查经济困难状况的情形".into(),
        headers: vec!["代码", "情形", "依据", "生效"],
        rows: book
            .exemptions
            .iter()
            .map(|e| {
                vec![
                    Cell::text(e.code.clone()),
                    Cell::text(e.label.clone()),
                    Cell::text(e.basis.clone()),
                    Cell::text(effect(
                        e.effective_from,
                        e.effective_to,
                        e.province.as_deref(),
                    )),
                ]
            })
            .collect(),
        empty: "没有免予核查的情形。".into(),
    };
    let standards = Section {
        title: "经济困难标准".into(),
        headers: vec![
            "城市",
            "起始日期",
            "低保（元/人·月）",
            "倍数",
            "标准（元/人·月）",
            "依据",
            "说明",
        ],
        rows: book
            .standards
            .iter()
            .map(|x| {
                vec![
                    Cell::text(format!("{}（{}）", x.city, x.city_code)),
                    Cell::text(x.effective_from.to_string()),
                    Cell::text(yuan(x.dibao_monthly_fen)),
                    Cell::text(x.multiplier.to_string()),
                    Cell::text(yuan(x.threshold_fen())),
                    Cell::text(x.source.clone()),
                    Cell::text(x.note.clone()),
                ]
            })
            .collect(),
        empty: "还没有经济困难标准：须符合经济困难条件的申请将无法判断，请先新增本市标准。".into(),
    };
    let deadlines = Section {
        title: "期限规则".into(),
        headers: vec![
            "事项",
            "期限",
            "末日遇休息日顺延",
            "依据",
            "适用于开始计算的期间",
        ],
        rows: book
            .deadlines
            .iter()
            .map(|d| {
                vec![
                    Cell::link(
                        d.label.clone(),
                        format!("/admin/rules/deadlines/{}", d.code),
                    ),
                    Cell::text(format!("{}{}", d.length, d.unit.label())),
                    Cell::text(yes_no(d.roll_over_rest_days)),
                    Cell::text(d.source.clone()),
                    Cell::text(format!("自{}起", d.effective_from)),
                ]
            })
            .collect(),
        empty: "没有期限规则。".into(),
    };
    Ok(render(&DetailPage {
        shell: Shell::new(&page, "规则与日历", "/admin/rules"),
        heading: "规则与日历".into(),
        actions: vec![
            Action {
                href: "/admin/rules/standards/new".into(),
                label: "新增经济困难标准".into(),
            },
            Action {
                href: "/admin/calendar".into(),
                label: "工作日历与期限计算".into(),
            },
            Action {
                href: "/admin/rules/matters/new".into(),
                label: "新增事项".into(),
            },
            Action {
                href: "/admin/rules/exemptions/new".into(),
                label: "新增免核情形".into(),
            },
            Action {
                href: "/admin/settings".into(),
                label: "编号与审批设置".into(),
            },
            Action {
                href: "/admin/documents".into(),
                label: "文书模板".into(),
            },
            Action {
                href: "/admin/messages".into(),
                label: "告知消息模板".into(),
            },
        ],
        rows: vec![
            ("法律援助事项", count(book.matters.len(), "项")),
            ("免予核查情形", count(book.exemptions.len(), "项")),
            ("经济困难标准", count(book.standards.len(), "条")),
            ("期限规则", count(book.deadlines.len(), "条")),
            (
                "适用",
                "审查按受理之日有效的规则进行。事项和免核情形可新增新版本（按生效日期适用）；期限规则可点击修改。".into(),
            ),
        ],
        sections: vec![matters, exemptions, standards, deadlines],
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StandardForm {
    city_code: String,
    city: String,
    effective_from: String,
    dibao_yuan: String,
    multiplier: String,
    source: String,
    note: String,
}

fn standard_form(page: &PageCtx, f: &StandardForm) -> FormPage {
    FormPage {
        shell: Shell::new(page, "新增经济困难标准", "/admin/rules"),
        heading: "新增经济困难标准".into(),
        action: "/admin/rules/standards".into(),
        submit: "保存".into(),
        cancel: "/admin/rules".into(),
        error: None,
        fields: vec![
            Field::new("city_code", "城市代码", "text", f.city_code.clone())
                .required()
                .hint("设区的市行政区划代码的前4位，如六安市为 3415"),
            Field::new("city", "城市名称", "text", f.city.clone()).required(),
            Field::new(
                "effective_from",
                "起始日期",
                "date",
                f.effective_from.clone(),
            )
            .required()
            .hint("自该日起受理的申请适用本标准；此前受理的仍适用原标准"),
            Field::new(
                "dibao_yuan",
                "最低生活保障标准（元/人·月）",
                "text",
                f.dibao_yuan.clone(),
            )
            .required()
            .hint("按本市民政部门公布的城乡最低生活保障标准填写，如 790 或 790.50"),
            Field::new("multiplier", "倍数", "number", f.multiplier.clone())
                .required()
                .hint("经济困难标准 = 最低生活保障标准 × 倍数（安徽省为2倍）"),
            Field::new("source", "依据", "text", f.source.clone())
                .required()
                .hint("如民政部门的公布文件或地方规定"),
            Field::new("note", "说明", "text", f.note.clone()),
        ],
    }
}

pub async fn new_standard(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    // Start from the city of the latest standard: a new figure is usually for the same city.
    let book = rules::rulebook(&s.app).await.map_err(page_error)?;
    let last = book.standards.iter().max_by_key(|x| x.effective_from);
    let f = StandardForm {
        city_code: last.map(|x| x.city_code.clone()).unwrap_or_default(),
        city: last.map(|x| x.city.clone()).unwrap_or_default(),
        multiplier: last.map_or_else(|| "2".into(), |x| x.multiplier.to_string()),
        ..Default::default()
    };
    Ok(standard_form(&page, &f).respond(&[]))
}

pub async fn create_standard(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: StandardForm = CsrfForm::parse(req, &page.csrf).await?;
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let input = rules::StandardInput {
        city_code: f.city_code.trim().to_owned(),
        city: f.city.clone(),
        effective_from: NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d").ok(),
        dibao_monthly_fen: fen_of_yuan(&f.dibao_yuan).filter(|v| *v > 0),
        multiplier: f.multiplier.trim().parse().ok(),
        source: f.source.clone(),
        note: f.note.clone(),
    };
    match rules::add_standard(&s.app, &page.ctx, &input).await {
        Ok(_) => Ok(see_other("/admin/rules")),
        Err(AppError::Validation(errs)) => {
            let errs: Vec<FieldError> = errs
                .into_iter()
                .map(|e| {
                    if e.field == "dibao_monthly_fen" {
                        field_error(
                            "dibao_yuan",
                            "请填写大于0的金额，单位为元/人·月，如 790 或 790.50",
                        )
                    } else {
                        e
                    }
                })
                .collect();
            Ok(standard_form(&page, &f).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_dates_read_as_written() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(effect(d("2022-01-01"), None, None), "2022-01-01起");
        assert_eq!(
            effect(d("2022-01-01"), Some(d("2030-12-31")), Some("34")),
            "2022-01-01至2030-12-31（限区划34）"
        );
    }
}

fn deadline_form(page: &PageCtx, d: &DeadlineRule) -> FormPage {
    let units = PeriodUnit::ALL
        .iter()
        .map(|u| (u.as_str().to_owned(), u.label().to_owned()));
    FormPage {
        shell: Shell::new(page, "修改期限规则", "/admin/rules"),
        heading: format!("修改期限规则：{}", d.code),
        action: format!("/admin/rules/deadlines/{}", d.code),
        submit: "保存".into(),
        cancel: "/admin/rules".into(),
        error: None,
        fields: vec![
            Field::new("label", "事项", "text", d.label.clone()).required(),
            Field::new("length", "期限长度", "number", d.length.to_string()).required(),
            Field::new("unit", "单位", "select", "").options(units, &[d.unit.as_str().to_owned()]),
            Field::new(
                "roll_over_rest_days",
                "末日为休息日的，顺延至其后第一个工作日",
                "checkbox",
                if d.roll_over_rest_days { "true" } else { "" },
            ),
            Field::new("source", "依据", "text", d.source.clone()).required(),
            Field::new(
                "effective_from",
                "生效日期",
                "date",
                d.effective_from.to_string(),
            )
            .required()
            .hint("自该日起开始计算的期间适用修改后的规则；已经开始计算的期间仍按原规则，已定的届满日不变。生效日期应晚于今天"),
        ],
    }
}

pub async fn edit_deadline(
    State(s): State<AppState>,
    page: PageCtx,
    Path(code): Path<String>,
) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let book = rules::rulebook(&s.app).await.map_err(page_error)?;
    let d = book
        .deadline(&code)
        .ok_or_else(|| page_error(AppError::NotFound))?;
    // The form proposes a new version from tomorrow.
    let next = DeadlineRule {
        effective_from: d.effective_from.max(rules::tomorrow(&s.app)),
        ..d.clone()
    };
    Ok(deadline_form(&page, &next).respond(&[]))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DeadlineForm {
    label: String,
    length: String,
    unit: String,
    roll_over_rest_days: Option<String>,
    source: String,
    effective_from: String,
}

pub async fn update_deadline(
    State(s): State<AppState>,
    page: PageCtx,
    Path(code): Path<String>,
    req: Request,
) -> PageResult {
    let f: DeadlineForm = CsrfForm::parse(req, &page.csrf).await?;
    let unit = PeriodUnit::parse(f.unit.trim()).unwrap_or(PeriodUnit::CalendarDays);
    let rule = DeadlineRule {
        code: code.clone(),
        label: f.label.clone(),
        length: f.length.trim().parse().unwrap_or(0),
        unit,
        roll_over_rest_days: f.roll_over_rest_days.is_some(),
        source: f.source.clone(),
        // An unreadable date is refused by the use case as not after today.
        effective_from: NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d")
            .unwrap_or_default(),
    };
    match rules::update_deadline(&s.app, &page.ctx, &rule).await {
        Ok(_) => Ok(see_other("/admin/rules")),
        Err(AppError::Validation(errs)) => Ok(deadline_form(&page, &rule).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

fn settings_form(page: &PageCtx, st: &legalaid_app::settings::Settings) -> FormPage {
    let steps = [
        ("one", "一级审批：中心负责人直接作出决定"),
        ("two", "两级审批：审查人员提出意见，负责人决定"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()));
    FormPage {
        shell: Shell::new(page, "编号、审批与统计设置", "/admin/rules"),
        heading: "编号、审批与统计设置".into(),
        action: "/admin/settings".into(),
        submit: "保存".into(),
        cancel: "/admin/rules".into(),
        error: None,
        fields: vec![
            Field::new(
                "application_number_format",
                "申请编号格式",
                "text",
                st.application_number_format.clone(),
            )
            .required()
            .hint("{year} 为受理年份，{seq} 为当年序号，如 叶法援申〔{year}〕{seq}号"),
            Field::new("review_steps", "审批方式", "select", "")
                .options(steps, std::slice::from_ref(&st.review_steps)),
            Field::new(
                "calendar_warning_from",
                "次年节假日安排提醒日期",
                "text",
                st.calendar_warning_from.clone(),
            )
            .required()
            .hint("月-日，如 11-01：自每年该日起，次年放假安排尚未录入的，在管理员工作台和工作日历页面提醒"),
            Field::new(
                "report_cutoff_day",
                "统计报表月度截止日",
                "text",
                st.report_cutoff_day.clone(),
            )
            .hint("留空按自然月统计；填1至28的，统计月为上月该日次日起至本月该日止（如20：上月21日至本月20日）"),
            Field::new(
                "report_year_end_month",
                "统计年度截止月份",
                "text",
                st.report_year_end_month.clone(),
            )
            .required()
            .hint("12为自然年度；11为上年12月至本年11月"),
        ],
    }
}

pub async fn settings_page(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let st = legalaid_app::settings::get(&s.app)
        .await
        .map_err(page_error)?;
    Ok(settings_form(&page, &st).respond(&[]))
}

pub async fn update_settings(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: legalaid_app::settings::Settings = CsrfForm::parse(req, &page.csrf).await?;
    match legalaid_app::settings::update(&s.app, &page.ctx, &f).await {
        Ok(_) => Ok(see_other("/admin/rules")),
        Err(AppError::Validation(errs)) => Ok(settings_form(&page, &f).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ScopeRuleForm {
    code: String,
    label: String,
    category: String,
    hardship: String,
    basis: String,
    province: String,
    effective_from: String,
    effective_to: String,
}

fn scope_rule_form(page: &PageCtx, matter: bool, f: &ScopeRuleForm) -> FormPage {
    use legalaid_domain::rules::{HardshipCondition, MatterCategory};
    let (heading, action) = if matter {
        ("新增法律援助事项", "/admin/rules/matters")
    } else {
        ("新增免予核查情形", "/admin/rules/exemptions")
    };
    let mut fields = vec![
        Field::new("code", "代码", "text", f.code.clone())
            .required()
            .hint("小写字母、数字和下划线；与已有代码相同即为该事项的新版本"),
        Field::new(
            "label",
            if matter { "事项" } else { "情形" },
            "text",
            f.label.clone(),
        )
        .required(),
    ];
    if matter {
        fields.push(
            Field::new("category", "类别", "select", "").options(
                MatterCategory::ALL
                    .iter()
                    .map(|c| (c.as_str().to_owned(), c.label().to_owned())),
                std::slice::from_ref(&f.category),
            ),
        );
        fields.push(
            Field::new("hardship", "经济困难条件", "select", "").options(
                HardshipCondition::ALL
                    .iter()
                    .map(|c| (c.as_str().to_owned(), c.label().to_owned())),
                std::slice::from_ref(&f.hardship),
            ),
        );
    }
    fields.extend([
        Field::new("basis", "依据", "text", f.basis.clone())
            .required()
            .hint("法律、法规、规章的名称和条款"),
        Field::new("province", "适用省份代码", "text", f.province.clone())
            .hint("如 34（安徽）；全国适用的留空"),
        Field::new(
            "effective_from",
            "生效日期",
            "date",
            f.effective_from.clone(),
        )
        .required(),
        Field::new("effective_to", "失效日期", "date", f.effective_to.clone())
            .hint("长期有效的留空"),
    ]);
    FormPage {
        shell: Shell::new(page, heading, "/admin/rules"),
        heading: heading.into(),
        action: action.into(),
        submit: "保存".into(),
        cancel: "/admin/rules".into(),
        error: None,
        fields,
    }
}

pub async fn new_matter(page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    Ok(scope_rule_form(
        &page,
        true,
        &ScopeRuleForm {
            category: "civil".into(),
            hardship: "required".into(),
            ..Default::default()
        },
    )
    .respond(&[]))
}

pub async fn new_exemption(page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    Ok(scope_rule_form(&page, false, &ScopeRuleForm::default()).respond(&[]))
}

fn dates(f: &ScopeRuleForm) -> (Option<NaiveDate>, Option<NaiveDate>, Vec<FieldError>) {
    let mut errs = Vec::new();
    let from = NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d")
        .map_err(|_| {
            errs.push(FieldError {
                field: "effective_from".into(),
                message: "请填写生效日期".into(),
            })
        })
        .ok();
    let to = if f.effective_to.trim().is_empty() {
        None
    } else {
        NaiveDate::parse_from_str(f.effective_to.trim(), "%Y-%m-%d")
            .map_err(|_| {
                errs.push(FieldError {
                    field: "effective_to".into(),
                    message: "日期格式应为 YYYY-MM-DD".into(),
                })
            })
            .ok()
    };
    (from, to, errs)
}

pub async fn create_matter(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    use legalaid_domain::rules::{HardshipCondition, MatterCategory, MatterRule};
    let f: ScopeRuleForm = CsrfForm::parse(req, &page.csrf).await?;
    let (from, to, mut errs) = dates(&f);
    if let Some(from) = from.filter(|_| errs.is_empty()) {
        let rule = MatterRule {
            code: f.code.clone(),
            label: f.label.clone(),
            category: MatterCategory::parse(&f.category).unwrap_or(MatterCategory::Civil),
            hardship: HardshipCondition::parse(&f.hardship).unwrap_or(HardshipCondition::Required),
            basis: f.basis.clone(),
            province: Some(f.province.clone()),
            effective_from: from,
            effective_to: to,
        };
        match rules::add_matter(&s.app, &page.ctx, &rule).await {
            Ok(_) => return Ok(see_other("/admin/rules")),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(scope_rule_form(&page, true, &f).respond(&errs))
}

pub async fn create_exemption(
    State(s): State<AppState>,
    page: PageCtx,
    req: Request,
) -> PageResult {
    use legalaid_domain::rules::ExemptionRule;
    let f: ScopeRuleForm = CsrfForm::parse(req, &page.csrf).await?;
    let (from, to, mut errs) = dates(&f);
    if let Some(from) = from.filter(|_| errs.is_empty()) {
        let rule = ExemptionRule {
            code: f.code.clone(),
            label: f.label.clone(),
            basis: f.basis.clone(),
            province: Some(f.province.clone()),
            effective_from: from,
            effective_to: to,
        };
        match rules::add_exemption(&s.app, &page.ctx, &rule).await {
            Ok(_) => return Ok(see_other("/admin/rules")),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(scope_rule_form(&page, false, &f).respond(&errs))
}
