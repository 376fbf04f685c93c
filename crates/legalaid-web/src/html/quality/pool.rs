//! The scoring schemes (`/quality/schemes`: the versions in force, one version
//! with its items and history, a new version) and the expert pool
//! (`/quality/experts`).
//!
//! A scheme's items are edited as lines of text, one item a line:
//! `序号|阶段|评查内容|分值|评分标准|说明` (阶段: 受理审查, 办理 or 结案归档), so that
//! a table copied from a published standard can be pasted.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, china, field_error, or_dash,
};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, kind_options, page_error, parse_id,
    see_other, yes_no,
};
use axum::extract::{Path, Request, State};
use legalaid_app::quality::{experts, schemes};
use legalaid_app::{AppError, Page};
use legalaid_domain::FieldError;
use legalaid_domain::case::{CaseType, Stage};
use legalaid_domain::quality::review::ExpertKind;
use legalaid_domain::quality::scheme::{Phase, SchemeItem, ScoringMethod, Thresholds};
use serde::Deserialize;

// ---------------------------------------------------------------- schemes

pub async fn schemes_list(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let list = schemes::list(&s.app, &page.ctx).await.map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(&page, "评分标准", "/quality"), "评分标准");
    if schemes::can_edit(&page.ctx) {
        v.actions.push(Action {
            href: "/quality/schemes/new".into(),
            label: "新增评分标准".into(),
        });
    }
    if list.iter().any(|s| s.scheme.example) {
        let mut note = Panel::new("");
        note.lead = "标注“示例”的评分标准来自公开资料，供参考使用；取得《安徽省法律援助案件管理质量标准（试行）》后请新增正式标准，并停用示例。".into();
        v.panels.push(note);
    }
    v.blocks.push(Block {
        title: "现行评分标准".into(),
        headers: vec!["名称", "案件类型", "适用阶段", "评分方式", "版本", "状态"],
        rows: list
            .iter()
            .map(|st| Row {
                class: "",
                cells: vec![
                    Cell::link(
                        st.scheme.name.clone(),
                        format!("/quality/schemes/{}", st.id),
                    ),
                    Cell::text(st.scheme.case_type.label()),
                    Cell::text(stages_text(&st.scheme.stages)),
                    Cell::text(st.scheme.method.label()),
                    Cell::text(format!("第{}版", st.version)),
                    Cell::text(match (st.retired, st.scheme.example) {
                        (true, _) => "已停用",
                        (false, true) => "示例",
                        (false, false) => "有效",
                    }),
                ],
            })
            .collect(),
        empty: "还没有评分标准。".into(),
    });
    Ok(v.respond(false))
}

fn stages_text(stages: &[Stage]) -> String {
    if stages.is_empty() {
        "各阶段".into()
    } else {
        stages
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}

pub async fn scheme(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let (st, versions) = schemes::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    let sc = &st.scheme;
    let mut v = PanelPage::new(Shell::new(&page, &sc.name, "/quality"), sc.name.clone());
    v.badge = format!(
        "第{}版{}",
        st.version,
        if st.current {
            ""
        } else {
            "（已被新版本取代）"
        }
    );
    let editable = schemes::can_edit(&page.ctx) && st.current;
    if editable {
        v.actions.push(Action {
            href: format!("/quality/schemes/new?from={}", st.id),
            label: "修改（保存为新版本）".into(),
        });
    }
    let mut info = Panel::new("标准");
    let t = sc.thresholds;
    info.facts = vec![
        Fact::new("代码", sc.code.clone()),
        Fact::new("案件类型", sc.case_type.label()),
        Fact::new("适用阶段", stages_text(&sc.stages)),
        Fact::new(
            "评分方式",
            format!("{}（满分{}分）", sc.method.label(), sc.max_total()),
        ),
        Fact::new(
            "等级分数线",
            format!(
                "优秀≥{}，良好≥{}，合格≥{}，低于{}为不合格",
                t.excellent, t.good, t.qualified, t.qualified
            ),
        ),
        Fact::new("来源", or_dash(&sc.source)),
        Fact::new("保存时间", china(st.created_at)),
    ];
    if sc.example {
        info.note = "示例标准：来自公开资料，部分内容原文未能取得（见各项说明）。".into();
    }
    if editable {
        info.forms.push(
            PanelForm::post(
                format!("/quality/schemes/{}/retire", st.id),
                if st.retired {
                    "恢复使用"
                } else {
                    "停用（不再用于新抽取的案卷）"
                },
            )
            .hidden("retired", if st.retired { "false" } else { "true" }),
        );
    }
    v.panels.push(info);
    v.blocks.push(Block {
        title: "评分项目".into(),
        headers: vec!["序号", "阶段", "评查内容", "分值", "评分标准", "说明"],
        rows: sc
            .items
            .iter()
            .map(|i| Row {
                class: "",
                cells: vec![
                    Cell::text(i.code.clone()),
                    Cell::text(i.phase.label()),
                    Cell::text(i.title.clone()),
                    Cell::text(i.points.to_string()),
                    Cell::text(or_dash(&i.standard)),
                    Cell::text(or_dash(&i.note)),
                ],
            })
            .collect(),
        empty: "没有评分项目。".into(),
    });
    v.blocks.push(Block {
        title: "版本".into(),
        headers: vec!["版本", "名称", "保存时间", "状态"],
        rows: versions
            .iter()
            .map(|x| Row {
                class: "",
                cells: vec![
                    Cell::link(
                        format!("第{}版", x.version),
                        format!("/quality/schemes/{}", x.id),
                    ),
                    Cell::text(x.scheme.name.clone()),
                    Cell::text(china(x.created_at)),
                    Cell::text(if x.current {
                        "现行"
                    } else {
                        "已取代（已绑定的评查沿用）"
                    }),
                ],
            })
            .collect(),
        empty: String::new(),
    });
    Ok(v.respond(false))
}

#[derive(Deserialize, Default)]
pub struct SchemeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    case_type: String,
    #[serde(default)]
    stages: Vec<String>,
    #[serde(default)]
    method: String,
    #[serde(default)]
    excellent: String,
    #[serde(default)]
    good: String,
    #[serde(default)]
    qualified: String,
    #[serde(default)]
    items: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    base_version: String,
}

#[derive(Deserialize, Default)]
pub struct FromQuery {
    from: Option<String>,
}

fn scheme_form(page: &PageCtx, f: &SchemeForm) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    let editing = !f.base_version.is_empty();
    FormPage {
        shell: Shell::new(page, "评分标准", "/quality"),
        heading: if editing { "修改评分标准（保存为新版本）".into() } else { "新增评分标准".into() },
        action: "/quality/schemes".into(),
        submit: "保存".into(),
        cancel: "/quality/schemes".into(),
        error: None,
        fields: vec![
            Field::new("base_version", "", "hidden", f.base_version.clone()),
            if editing {
                Field::new("code", "", "hidden", f.code.clone())
            } else {
                Field::new("code", "标准代码", "text", f.code.clone())
                    .required()
                    .hint("小写字母、数字和下划线，如 anhui_civil_100；各版本共用")
            },
            Field::new("name", "名称", "text", f.name.clone()).required(),
            Field::new("case_type", "案件类型", "select", "").required().options(
                kind_options(CaseType::ALL, CaseType::as_str, CaseType::label, "请选择"),
                &one(&f.case_type),
            ),
            Field::new("stages", "适用阶段", "checkboxes", "")
                .options(
                    Stage::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())),
                    &f.stages,
                )
                .hint("不选表示该类案件的各个阶段"),
            Field::new("method", "评分方式", "select", "").required().options(
                kind_options(ScoringMethod::ALL, ScoringMethod::as_str, ScoringMethod::label, "请选择"),
                &one(&f.method),
            ),
            Field::new("excellent", "优秀分数线", "number", f.excellent.clone())
                .hint("留空按默认：百分制90、五分制5"),
            Field::new("good", "良好分数线", "number", f.good.clone())
                .hint("留空按默认：百分制80、五分制4"),
            Field::new("qualified", "合格分数线", "number", f.qualified.clone())
                .hint("留空按默认：百分制60、五分制3"),
            Field::new("items", "评分项目", "textarea", f.items.clone())
                .required()
                .hint("每行一项：序号|阶段|评查内容|分值|评分标准|说明（阶段为受理审查、办理或结案归档；评分标准和说明可省略）。百分制各项合计须为100分，五分制每项5分。"),
            Field::new("source", "来源", "text", f.source.clone())
                .hint("文件名称和文号"),
        ],
    }
}

/// The items as lines of text.
fn items_text(items: &[SchemeItem]) -> String {
    items
        .iter()
        .map(|i| {
            let mut cols = vec![
                i.code.clone(),
                i.phase.label().to_owned(),
                i.title.clone(),
                i.points.to_string(),
            ];
            if !i.standard.is_empty() || !i.note.is_empty() {
                cols.push(i.standard.clone());
            }
            if !i.note.is_empty() {
                cols.push(i.note.clone());
            }
            cols.join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the item lines; each problem names its line.
fn parse_items(text: &str) -> Result<Vec<SchemeItem>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let phase = cols.get(1).and_then(|p| {
            Phase::ALL
                .iter()
                .copied()
                .find(|x| x.label() == *p || x.as_str() == *p)
        });
        let points = cols.get(3).and_then(|p| p.parse::<u32>().ok());
        match (cols.len() >= 4, phase, points) {
            (true, Some(phase), Some(points)) => out.push(SchemeItem {
                code: cols[0].to_owned(),
                phase,
                title: cols[2].to_owned(),
                points,
                standard: cols.get(4).map_or_else(String::new, |s| (*s).to_owned()),
                note: cols.get(5).map_or_else(String::new, |s| (*s).to_owned()),
            }),
            (false, ..) => errs.push(field_error(
                "items",
                &format!("第{}行应为“序号|阶段|评查内容|分值”，至少四栏", n + 1),
            )),
            (_, None, _) => errs.push(field_error(
                "items",
                &format!("第{}行的阶段应为受理审查、办理或结案归档", n + 1),
            )),
            (_, _, None) => errs.push(field_error(
                "items",
                &format!("第{}行的分值应为正整数", n + 1),
            )),
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

pub async fn new_scheme(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<FromQuery>,
) -> PageResult {
    if !schemes::can_edit(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let f = match q.from.as_deref().filter(|x| !x.is_empty()) {
        Some(id) => {
            let (st, _) = schemes::get(&s.app, &page.ctx, parse_id(id)?)
                .await
                .map_err(page_error)?;
            let sc = st.scheme;
            SchemeForm {
                code: sc.code,
                name: sc.name,
                case_type: sc.case_type.as_str().into(),
                stages: sc.stages.iter().map(|s| s.as_str().to_owned()).collect(),
                method: sc.method.as_str().into(),
                excellent: sc.thresholds.excellent.to_string(),
                good: sc.thresholds.good.to_string(),
                qualified: sc.thresholds.qualified.to_string(),
                items: items_text(&sc.items),
                source: sc.source,
                base_version: st.version.to_string(),
            }
        }
        None => SchemeForm::default(),
    };
    Ok(scheme_form(&page, &f).respond(&[]))
}

pub async fn save_scheme(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: SchemeForm = CsrfForm::parse(req, &page.csrf).await?;
    let items = match parse_items(&f.items) {
        Ok(items) => items,
        Err(errs) => return Ok(scheme_form(&page, &f).respond(&errs)),
    };
    let mut errs = Vec::new();
    let mut num = |field: &str, raw: &str| -> Option<u32> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        t.parse().ok().or_else(|| {
            errs.push(field_error(field, "请填写整数"));
            None
        })
    };
    let (e, g, q) = (
        num("excellent", &f.excellent),
        num("good", &f.good),
        num("qualified", &f.qualified),
    );
    if !errs.is_empty() {
        return Ok(scheme_form(&page, &f).respond(&errs));
    }
    let thresholds = match (e, g, q) {
        (None, None, None) => None,
        (Some(excellent), Some(good), Some(qualified)) => Some(Thresholds {
            excellent,
            good,
            qualified,
        }),
        _ => {
            return Ok(scheme_form(&page, &f).respond(&[field_error(
                "excellent",
                "三条分数线请全部填写，或全部留空使用默认值",
            )]));
        }
    };
    let input = schemes::SchemeInput {
        code: f.code.clone(),
        name: f.name.clone(),
        case_type: f.case_type.clone(),
        stages: f.stages.clone(),
        method: f.method.clone(),
        thresholds,
        items,
        source: f.source.clone(),
        base_version: f.base_version.trim().parse().ok(),
    };
    match schemes::save(&s.app, &page.ctx, input).await {
        Ok(saved) => Ok(see_other(&format!("/quality/schemes/{}", saved.id))),
        Err(AppError::Validation(errs)) => {
            // Item errors name their place: the page shows them on the item lines.
            let errs: Vec<FieldError> = errs
                .into_iter()
                .map(|e| FieldError {
                    field: if e.field.starts_with("items") {
                        "items".into()
                    } else {
                        e.field
                    },
                    message: e.message,
                })
                .collect();
            Ok(scheme_form(&page, &f).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

#[derive(Deserialize)]
pub struct RetireForm {
    retired: String,
}

pub async fn retire_scheme(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let f: RetireForm = CsrfForm::parse(req, &page.csrf).await?;
    let (st, _) = schemes::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    schemes::set_retired(&s.app, &page.ctx, &st.scheme.code, f.retired == "true")
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/quality/schemes/{}", st.id)))
}

// ---------------------------------------------------------------- experts

#[derive(Deserialize, Default)]
pub struct PageQ {
    page: Option<i64>,
    per_page: Option<i64>,
}

pub async fn experts_list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PageQ>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let (list, total) = experts::list(&s.app, &page.ctx, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(&page, "评查专家库", "/quality"), "评查专家库");
    if legalaid_app::quality::is_quality_staff(&page.ctx) {
        v.actions.push(Action {
            href: "/quality/experts/new".into(),
            label: "新增专家".into(),
        });
    }
    let year = chrono::Datelike::year(&legalaid_domain::local_date(s.app.clock.now()));
    v.blocks.push(Block {
        title: "专家".into(),
        headers: vec!["姓名", "类别", "工作单位", "执业年限", "擅长领域", "有无处分", "登录账号", "状态"],
        rows: list
            .iter()
            .map(|e| Row {
                class: if e.active { "" } else { "met" },
                cells: vec![
                    Cell::link(e.name.clone(), format!("/quality/experts/{}", e.id)),
                    Cell::text(e.kind.label()),
                    Cell::text(or_dash(&e.work_unit)),
                    Cell::text(e.practice_start_year.map_or_else(
                        || "—".into(),
                        |y| format!("{}年", (i64::from(year) - y).max(0)),
                    )),
                    Cell::text(or_dash(&e.specialty)),
                    Cell::text(if e.sanctioned { "有" } else { "无" }),
                    Cell::text(yes_no(e.user_id.is_some())),
                    Cell::text(if e.active { "在库" } else { "已移出" }),
                ],
            })
            .collect(),
        empty: "专家库还没有专家。请新增法律援助中心工作人员和执业五年以上的律师，评查时按交叉评查原则指派。".into(),
    });
    v.pager = Some(Pager::new("/quality/experts", "", p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default)]
pub struct ExpertForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    work_unit: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    licence_no: String,
    #[serde(default)]
    practice_start_year: String,
    #[serde(default)]
    specialty: String,
    #[serde(default)]
    honours: String,
    #[serde(default)]
    sanctioned: Option<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: String,
}

fn expert_form(
    page: &PageCtx,
    action: String,
    f: &ExpertForm,
    units: &[(String, String)],
) -> FormPage {
    let one = |v: &str| vec![v.to_owned()];
    FormPage {
        shell: Shell::new(page, "评查专家", "/quality"),
        heading: if f.version.is_empty() {
            "新增评查专家".into()
        } else {
            "修改评查专家".into()
        },
        action,
        submit: "保存".into(),
        cancel: "/quality/experts".into(),
        error: None,
        fields: vec![
            Field::new("version", "", "hidden", f.version.clone()),
            Field::new("name", "姓名", "text", f.name.clone()).required(),
            Field::new("kind", "人员类别", "select", "")
                .required()
                .options(
                    kind_options(
                        ExpertKind::ALL,
                        ExpertKind::as_str,
                        ExpertKind::label,
                        "请选择",
                    ),
                    &one(&f.kind),
                ),
            Field::new("unit_id", "所在单位（本系统登记的）", "select", "")
                .options(
                    std::iter::once((String::new(), "（未在本系统登记）".to_owned()))
                        .chain(units.iter().cloned()),
                    &one(&f.unit_id),
                )
                .hint("交叉评查：专家不评查本单位承办的案件"),
            Field::new("work_unit", "工作单位", "text", f.work_unit.clone()),
            Field::new("staff_id", "工作人员记录编号", "number", f.staff_id.clone())
                .hint("专家本人承办法律援助案件的，填写其工作人员记录编号，避免评查本人案件"),
            Field::new("user_id", "登录账号编号", "number", f.user_id.clone())
                .hint("具有“评查专家”角色的账号；没有账号的，由质量评查人员录入纸质评分表"),
            Field::new("phone", "联系电话", "text", f.phone.clone()),
            Field::new("licence_no", "执业证号", "text", f.licence_no.clone()),
            Field::new(
                "practice_start_year",
                "执业起始年份",
                "number",
                f.practice_start_year.clone(),
            ),
            Field::new("specialty", "擅长领域", "text", f.specialty.clone()),
            Field::new("honours", "所获荣誉", "text", f.honours.clone()),
            Field::new(
                "sanctioned",
                "受过行政处罚或纪律处分",
                "checkbox",
                if f.sanctioned.is_some() { "true" } else { "" },
            ),
            Field::new(
                "active",
                "在专家库中",
                "checkbox",
                if f.active.is_some() || f.version.is_empty() {
                    "true"
                } else {
                    ""
                },
            ),
        ],
    }
}

async fn unit_options(s: &AppState, page: &PageCtx) -> Vec<(String, String)> {
    legalaid_app::units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.id.0.to_string(), u.name))
        .collect()
}

pub async fn new_expert(State(s): State<AppState>, page: PageCtx) -> PageResult {
    if !legalaid_app::quality::is_quality_staff(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let units = unit_options(&s, &page).await;
    Ok(expert_form(
        &page,
        "/quality/experts".into(),
        &ExpertForm::default(),
        &units,
    )
    .respond(&[]))
}

fn input_of(f: &ExpertForm) -> Result<experts::ExpertInput, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut id = |field: &str, raw: &str| -> Option<i64> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        match t.parse::<i64>() {
            Ok(v) if v > 0 => Some(v),
            _ => {
                errs.push(field_error(field, "请填写正整数"));
                None
            }
        }
    };
    let input = experts::ExpertInput {
        name: f.name.clone(),
        kind: f.kind.clone(),
        unit_id: id("unit_id", &f.unit_id),
        staff_id: id("staff_id", &f.staff_id),
        user_id: id("user_id", &f.user_id),
        work_unit: f.work_unit.clone(),
        phone: f.phone.clone(),
        licence_no: f.licence_no.clone(),
        practice_start_year: id("practice_start_year", &f.practice_start_year),
        specialty: f.specialty.clone(),
        honours: f.honours.clone(),
        sanctioned: f.sanctioned.is_some(),
        active: f.active.is_some(),
        version: f.version.trim().parse().ok(),
    };
    if errs.is_empty() {
        Ok(input)
    } else {
        Err(errs)
    }
}

pub async fn create_expert(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: ExpertForm = CsrfForm::parse(req, &page.csrf).await?;
    let units = unit_options(&s, &page).await;
    let input = match input_of(&f) {
        Ok(i) => i,
        Err(errs) => {
            return Ok(expert_form(&page, "/quality/experts".into(), &f, &units).respond(&errs));
        }
    };
    match experts::create(&s.app, &page.ctx, &input).await {
        Ok(_) => Ok(see_other("/quality/experts")),
        Err(AppError::Validation(errs)) => {
            Ok(expert_form(&page, "/quality/experts".into(), &f, &units).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn expert(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let e = experts::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    let units = unit_options(&s, &page).await;
    let opt = |v: Option<i64>| v.map_or_else(String::new, |x| x.to_string());
    let f = ExpertForm {
        name: e.name.clone(),
        kind: e.kind.as_str().into(),
        unit_id: opt(e.unit_id),
        staff_id: opt(e.staff_id),
        user_id: opt(e.user_id),
        work_unit: e.work_unit.clone(),
        phone: e.phone.clone(),
        licence_no: e.licence_no.clone(),
        practice_start_year: opt(e.practice_start_year),
        specialty: e.specialty.clone(),
        honours: e.honours.clone(),
        sanctioned: e.sanctioned.then(|| "true".into()),
        active: e.active.then(|| "true".into()),
        version: e.version.to_string(),
    };
    let mut form = expert_form(&page, format!("/quality/experts/{}", e.id), &f, &units);
    if !legalaid_app::quality::is_quality_staff(&page.ctx) {
        form.heading = format!("评查专家：{}", e.name);
    }
    Ok(form.respond(&[]))
}

pub async fn update_expert(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: legalaid_domain::ExpertId = parse_id(&id)?;
    let f: ExpertForm = CsrfForm::parse(req, &page.csrf).await?;
    let units = unit_options(&s, &page).await;
    let action = format!("/quality/experts/{id}");
    let input = match input_of(&f) {
        Ok(i) => i,
        Err(errs) => return Ok(expert_form(&page, action, &f, &units).respond(&errs)),
    };
    match experts::update(&s.app, &page.ctx, id, &input).await {
        Ok(_) => Ok(see_other("/quality/experts")),
        Err(AppError::Validation(errs)) => {
            Ok(expert_form(&page, action, &f, &units).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- rating rules

#[derive(Deserialize, Default)]
pub struct RatingRuleForm {
    #[serde(default)]
    effective_from: String,
    #[serde(default)]
    window_months: String,
    #[serde(default)]
    excellent: String,
    #[serde(default)]
    good: String,
    #[serde(default)]
    qualified: String,
    #[serde(default)]
    unqualified: String,
    #[serde(default)]
    complaint_penalty: String,
    #[serde(default)]
    dissatisfied_penalty: String,
    #[serde(default)]
    min_grades: String,
    #[serde(default)]
    grades_weight: String,
    #[serde(default)]
    satisfaction_weight: String,
    #[serde(default)]
    neutral: String,
    #[serde(default)]
    ranking_weight: String,
}

fn rating_page(
    page: &PageCtx,
    rules: &[legalaid_domain::rating::RatingRule],
    f: &RatingRuleForm,
    errors: &[FieldError],
) -> PanelPage {
    let mut v = PanelPage::new(Shell::new(page, "质量评价规则", "/quality"), "质量评价规则");
    let mut about = Panel::new("");
    about.lead = "承办人的质量评价由近期评查等级、被查实的投诉和回访满意度按规则计算，并按排序权重影响指派建议。各项数值为产品默认值，可按司法局的考核办法设定新版本，自施行日期起适用。".into();
    v.panels.push(about);
    v.blocks.push(Block {
        title: "规则版本".into(),
        headers: vec![
            "施行日期",
            "统计期间",
            "等级分值（优/良/合格/不合格）",
            "扣分（投诉/不满意）",
            "权重（等级/满意度）",
            "中性分",
            "排序权重",
        ],
        rows: rules
            .iter()
            .rev()
            .map(|r| Row {
                class: "",
                cells: vec![
                    Cell::text(r.effective_from.to_string()),
                    Cell::text(format!("{}个月", r.window_months)),
                    Cell::text(format!(
                        "{}/{}/{}/{}",
                        r.grade_points.excellent,
                        r.grade_points.good,
                        r.grade_points.qualified,
                        r.grade_points.unqualified
                    )),
                    Cell::text(format!(
                        "{}/{}",
                        r.complaint_penalty, r.dissatisfied_penalty
                    )),
                    Cell::text(format!("{}%/{}%", r.grades_weight, r.satisfaction_weight)),
                    Cell::text(r.neutral.to_string()),
                    Cell::text(r.ranking_weight.to_string()),
                ],
            })
            .collect(),
        empty: String::new(),
    });
    if legalaid_app::policy::can_manage_units(&page.ctx) {
        let field = |name: &'static str, label: &str, value: &str| {
            Field::new(name, label, "number", value.to_owned()).required()
        };
        let mut form = PanelForm::post("/quality/rating-rules", "新增版本").group(
            "新版本",
            vec![
                Field::new(
                    "effective_from",
                    "施行日期",
                    "date",
                    f.effective_from.clone(),
                )
                .required(),
                field("window_months", "统计期间（月）", &f.window_months),
                field("excellent", "优秀分值", &f.excellent),
                field("good", "良好分值", &f.good),
                field("qualified", "合格分值", &f.qualified),
                field("unqualified", "不合格分值", &f.unqualified),
                field(
                    "complaint_penalty",
                    "每件查实投诉扣分",
                    &f.complaint_penalty,
                ),
                field(
                    "dissatisfied_penalty",
                    "每次不满意扣分",
                    &f.dissatisfied_penalty,
                ),
                field("min_grades", "至少评查件数", &f.min_grades),
                field("grades_weight", "评查等级权重（%）", &f.grades_weight),
                field(
                    "satisfaction_weight",
                    "满意度权重（%）",
                    &f.satisfaction_weight,
                ),
                field("neutral", "中性分", &f.neutral),
                field("ranking_weight", "排序权重（每分）", &f.ranking_weight),
            ],
        );
        if let Some(rest) = form.attach(errors) {
            v.error = Some(rest);
        } else if !errors.is_empty() {
            v.error = Some("请修改标出的内容后再提交".into());
        }
        let mut p = Panel::new("新增版本");
        p.forms.push(form);
        v.after.push(p);
    }
    v
}

fn form_of(r: &legalaid_domain::rating::RatingRule) -> RatingRuleForm {
    RatingRuleForm {
        effective_from: String::new(),
        window_months: r.window_months.to_string(),
        excellent: r.grade_points.excellent.to_string(),
        good: r.grade_points.good.to_string(),
        qualified: r.grade_points.qualified.to_string(),
        unqualified: r.grade_points.unqualified.to_string(),
        complaint_penalty: r.complaint_penalty.to_string(),
        dissatisfied_penalty: r.dissatisfied_penalty.to_string(),
        min_grades: r.min_grades.to_string(),
        grades_weight: r.grades_weight.to_string(),
        satisfaction_weight: r.satisfaction_weight.to_string(),
        neutral: r.neutral.to_string(),
        ranking_weight: r.ranking_weight.to_string(),
    }
}

pub async fn rating_rules(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let rules = legalaid_app::ratings::list_rules(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let f = rules.last().map(form_of).unwrap_or_default();
    Ok(rating_page(&page, &rules, &f, &[]).respond(false))
}

pub async fn add_rating_rule(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: RatingRuleForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let mut n = |name: &str, raw: &str| -> u32 {
        raw.trim().parse().unwrap_or_else(|_| {
            errs.push(field_error(name, "请填写非负整数"));
            0
        })
    };
    let rule = legalaid_domain::rating::RatingRule {
        effective_from: chrono::NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d")
            .unwrap_or_default(),
        window_months: n("window_months", &f.window_months),
        grade_points: legalaid_domain::rating::GradePoints {
            excellent: n("excellent", &f.excellent),
            good: n("good", &f.good),
            qualified: n("qualified", &f.qualified),
            unqualified: n("unqualified", &f.unqualified),
        },
        complaint_penalty: n("complaint_penalty", &f.complaint_penalty),
        dissatisfied_penalty: n("dissatisfied_penalty", &f.dissatisfied_penalty),
        min_grades: n("min_grades", &f.min_grades),
        grades_weight: n("grades_weight", &f.grades_weight),
        satisfaction_weight: n("satisfaction_weight", &f.satisfaction_weight),
        neutral: n("neutral", &f.neutral),
        ranking_weight: n("ranking_weight", &f.ranking_weight),
    };
    if chrono::NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d").is_err() {
        errs.push(field_error(
            "effective_from",
            "请填写施行日期（YYYY-MM-DD）",
        ));
    }
    let rules = legalaid_app::ratings::list_rules(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    if !errs.is_empty() {
        return Ok(rating_page(&page, &rules, &f, &errs).respond(true));
    }
    match legalaid_app::ratings::add_rule(&s.app, &page.ctx, rule).await {
        Ok(_) => Ok(see_other("/quality/rating-rules")),
        Err(AppError::Validation(errs)) => Ok(rating_page(&page, &rules, &f, &errs).respond(true)),
        Err(e) => Err(page_error(e)),
    }
}
