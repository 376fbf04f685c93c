//! Pages for units and staff.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{
    Action, Cell, DetailPage, Field, FormPage, ListPage, PageResult, Pager, Section, Shell, Table,
    kind_options, page_error, parse_id, query_string, render, see_other, unit_names, yes_no,
};
use axum::extract::{Path, Request, State};
use legalaid_app::filters::{StaffFilter, UnitFilter};
use legalaid_app::{AppError, Page, policy, regions, staff, units};
use legalaid_domain::staff::{Sex, Specialty, Staff, StaffInput, StaffKind};
use legalaid_domain::unit::{Unit, UnitInput, UnitKind, WorkstationHost};
use legalaid_domain::{FieldError, StaffId, UnitId};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    unit_id: Option<String>,
    page: Option<i64>,
}

pub async fn units(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let kind = q.kind.as_deref().and_then(UnitKind::parse);
    let pg = Page::new(q.page, None);
    let f = UnitFilter {
        q: q.q.clone(),
        kind,
        region: None,
    };
    let (list, total) = units::list(&s.app, &page.ctx, &f, pg)
        .await
        .map_err(page_error)?;
    let regions: HashMap<String, String> = regions::list(&s.app)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.code.to_string(), r.name))
        .collect();
    let rows = list
        .iter()
        .map(|u| {
            vec![
                Cell::link(u.name.clone(), format!("/units/{}", u.id)),
                Cell::text(u.kind.label()),
                Cell::text(
                    regions
                        .get(u.region_code.as_str())
                        .cloned()
                        .unwrap_or_else(|| u.region_code.to_string()),
                ),
                Cell::text(u.phone.clone()),
                Cell::text(if u.active { "在用" } else { "停用" }),
            ]
        })
        .collect();
    let query = query_string(&[("q", q.q.clone()), ("kind", q.kind.clone())]);
    Ok(render(&ListPage {
        shell: Shell::new(&page, "单位", "/units"),
        heading: "单位".into(),
        actions: if policy::can_manage_units(&page.ctx) {
            vec![Action {
                href: "/units/new".into(),
                label: "新增单位".into(),
            }]
        } else {
            vec![]
        },
        filters: vec![
            Field::new("q", "名称", "search", q.q.clone().unwrap_or_default()),
            Field::new("kind", "类型", "select", "").options(
                kind_options(UnitKind::ALL, UnitKind::as_str, UnitKind::label, "全部类型"),
                &[q.kind.clone().unwrap_or_default()],
            ),
        ],
        export_href: None,
        table: Table {
            headers: vec!["名称", "类型", "所在区划", "电话", "状态"],
            rows,
        },
        pager: Pager::new("/units", &query, pg, total),
        empty: if query.is_empty() {
            "还没有单位。系统管理员或司法局监管人员可点击“新增单位”添加。".into()
        } else {
            "没有符合条件的单位，请调整查询条件。".into()
        },
    }))
}

async fn unit_form(
    s: &AppState,
    page: &PageCtx,
    title: &str,
    action: String,
    cancel: String,
    input: &UnitInput,
    version: Option<i64>,
) -> FormPage {
    let regions = regions::list(&s.app).await.unwrap_or_default();
    let region_opts = std::iter::once((String::new(), "请选择".to_owned())).chain(
        regions
            .into_iter()
            .filter(|r| policy::region_in_scope(&page.ctx, &r.code))
            .map(|r| (r.code.to_string(), format!("{}（{}）", r.name, r.code))),
    );
    let mut fields = vec![
        Field::new("name", "单位名称", "text", input.name.clone()).required(),
        Field::new("kind", "单位类型", "select", "")
            .required()
            .options(
                kind_options(UnitKind::ALL, UnitKind::as_str, UnitKind::label, "请选择"),
                std::slice::from_ref(&input.kind),
            ),
        Field::new("workstation_host", "工作站设立单位", "select", "")
            .options(
                kind_options(
                    WorkstationHost::ALL,
                    WorkstationHost::as_str,
                    WorkstationHost::label,
                    "（不是工作站）",
                ),
                &[input.workstation_host.clone().unwrap_or_default()],
            )
            .hint("仅法律援助工作站填写"),
        Field::new("region_code", "所在行政区划", "select", "")
            .required()
            .options(region_opts, std::slice::from_ref(&input.region_code)),
        Field::new("address", "地址", "text", input.address.clone()),
        Field::new(
            "contact_person",
            "联系人",
            "text",
            input.contact_person.clone(),
        ),
        Field::new("phone", "联系电话", "tel", input.phone.clone()),
        Field::new(
            "office_hours",
            "接待时间",
            "text",
            input.office_hours.clone(),
        )
        .hint("在公众服务网站上公布，如：工作日 8:30-12:00、14:30-17:30"),
        Field::new(
            "active",
            "在用",
            "checkbox",
            if input.active { "true" } else { "" },
        ),
    ];
    if let Some(v) = version {
        fields.push(Field::new("version", "", "hidden", v.to_string()));
    }
    FormPage {
        shell: Shell::new(page, title, "/units"),
        heading: title.into(),
        action,
        submit: "保存".into(),
        cancel,
        error: None,
        fields,
    }
}

#[derive(Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    workstation_host: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    office_hours: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

impl UnitForm {
    fn input(&self) -> UnitInput {
        UnitInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            workstation_host: Some(self.workstation_host.clone()).filter(|h| !h.is_empty()),
            region_code: self.region_code.clone(),
            address: self.address.clone(),
            contact_person: self.contact_person.clone(),
            phone: self.phone.clone(),
            office_hours: self.office_hours.clone(),
            active: self.active.is_some(),
        }
    }
}

fn unit_input(u: &Unit) -> UnitInput {
    UnitInput {
        name: u.name.clone(),
        kind: u.kind.as_str().into(),
        workstation_host: u.workstation_host.map(|h| h.as_str().into()),
        region_code: u.region_code.to_string(),
        address: u.address.clone(),
        contact_person: u.contact_person.clone(),
        phone: u.phone.clone(),
        office_hours: u.office_hours.clone(),
        active: u.active,
    }
}

pub async fn new_unit(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_units(&page.ctx).map_err(page_error)?;
    let input = UnitInput {
        active: true,
        ..Default::default()
    };
    Ok(unit_form(
        &s,
        &page,
        "新增单位",
        "/units".into(),
        "/units".into(),
        &input,
        None,
    )
    .await
    .respond(&[]))
}

pub async fn create_unit(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let form: UnitForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = form.input();
    match units::create(&s.app, &page.ctx, &input).await {
        Ok(u) => Ok(see_other(&format!("/units/{}", u.id))),
        Err(AppError::Validation(errs)) => Ok(unit_form(
            &s,
            &page,
            "新增单位",
            "/units".into(),
            "/units".into(),
            &input,
            None,
        )
        .await
        .respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

pub async fn show_unit(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = UnitId(parse_id(&id)?);
    let u = units::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let members = staff::all(
        &s.app,
        &page.ctx,
        &StaffFilter {
            unit_id: Some(id),
            ..Default::default()
        },
    )
    .await
    .unwrap_or_default();
    let region = regions::list(&s.app)
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.code == u.region_code)
        .map_or_else(
            || u.region_code.to_string(),
            |r| format!("{}（{}）", r.name, r.code),
        );
    Ok(render(&DetailPage {
        shell: Shell::new(&page, &u.name, "/units"),
        heading: u.name.clone(),
        actions: if policy::can_manage_units(&page.ctx) {
            vec![
                Action {
                    href: format!("/units/{id}/edit"),
                    label: "编辑".into(),
                },
                Action {
                    href: format!("/staff/new?unit_id={id}"),
                    label: "新增工作人员".into(),
                },
            ]
        } else {
            vec![]
        },
        rows: vec![
            ("单位类型", u.kind.label().to_owned()),
            (
                "工作站设立单位",
                u.workstation_host
                    .map_or("—".to_owned(), |h| h.label().to_owned()),
            ),
            ("所在行政区划", region),
            ("地址", u.address.clone()),
            ("联系人", u.contact_person.clone()),
            ("联系电话", u.phone.clone()),
            ("接待时间", u.office_hours.clone()),
            ("在用", yes_no(u.active)),
        ],
        sections: vec![Section {
            title: "工作人员".into(),
            headers: vec!["姓名", "类别", "执业证号", "执业年份"],
            rows: members
                .iter()
                .map(|m| {
                    vec![
                        Cell::link(m.name.clone(), format!("/staff/{}", m.id)),
                        Cell::text(m.kind.label()),
                        Cell::text(m.licence_no.clone()),
                        Cell::text(
                            m.practice_start_year
                                .map(|y| y.to_string())
                                .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
            empty: "本单位还没有登记工作人员。".into(),
        }],
    }))
}

pub async fn edit_unit(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = UnitId(parse_id(&id)?);
    let u = units::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    policy::ensure_manage_units(&page.ctx).map_err(page_error)?;
    Ok(unit_form(
        &s,
        &page,
        "编辑单位",
        format!("/units/{id}"),
        format!("/units/{id}"),
        &unit_input(&u),
        Some(u.version),
    )
    .await
    .respond(&[]))
}

pub async fn update_unit(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = UnitId(parse_id(&id)?);
    let form: UnitForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = form.input();
    match units::update(&s.app, &page.ctx, id, form.version.unwrap_or(0), &input).await {
        Ok(_) => Ok(see_other(&format!("/units/{id}"))),
        Err(AppError::Validation(errs)) => Ok(unit_form(
            &s,
            &page,
            "编辑单位",
            format!("/units/{id}"),
            format!("/units/{id}"),
            &input,
            form.version,
        )
        .await
        .respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

pub async fn staff_list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let kind = q.kind.as_deref().and_then(StaffKind::parse);
    let unit_id = q
        .unit_id
        .as_deref()
        .and_then(|u| u.parse::<i64>().ok())
        .map(UnitId);
    let pg = Page::new(q.page, None);
    let f = StaffFilter {
        q: q.q.clone(),
        unit_id,
        kind,
    };
    let (list, total) = staff::list(&s.app, &page.ctx, &f, pg)
        .await
        .map_err(page_error)?;
    let names = unit_names(&s, &page).await;
    let rows = list
        .iter()
        .map(|m| {
            vec![
                Cell::link(m.name.clone(), format!("/staff/{}", m.id)),
                Cell::text(m.kind.label()),
                Cell::link(
                    names.get(&m.unit_id.0).cloned().unwrap_or_default(),
                    format!("/units/{}", m.unit_id),
                ),
                Cell::text(m.licence_no.clone()),
                Cell::text(
                    m.specialties
                        .iter()
                        .map(|s| s.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ]
        })
        .collect();
    let query = query_string(&[
        ("q", q.q.clone()),
        ("kind", q.kind.clone()),
        ("unit_id", q.unit_id.clone()),
    ]);
    let unit_opts = std::iter::once((String::new(), "全部单位".to_owned()))
        .chain(names.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let mut unit_opts: Vec<(String, String)> = unit_opts.collect();
    unit_opts[1..].sort_by(|a, b| a.1.cmp(&b.1));
    Ok(render(&ListPage {
        shell: Shell::new(&page, "工作人员", "/staff"),
        heading: "工作人员".into(),
        actions: if policy::can_manage_units(&page.ctx) {
            vec![Action {
                href: "/staff/new".into(),
                label: "新增工作人员".into(),
            }]
        } else {
            vec![]
        },
        filters: vec![
            Field::new(
                "q",
                "姓名或执业证号",
                "search",
                q.q.clone().unwrap_or_default(),
            ),
            Field::new("kind", "类别", "select", "").options(
                kind_options(
                    StaffKind::ALL,
                    StaffKind::as_str,
                    StaffKind::label,
                    "全部类别",
                ),
                &[q.kind.clone().unwrap_or_default()],
            ),
            Field::new("unit_id", "单位", "select", "")
                .options(unit_opts, &[q.unit_id.clone().unwrap_or_default()]),
        ],
        export_href: None,
        table: Table {
            headers: vec!["姓名", "类别", "单位", "执业证号", "专业领域"],
            rows,
        },
        pager: Pager::new("/staff", &query, pg, total),
        empty: if query.is_empty() {
            "还没有登记工作人员。".into()
        } else {
            "没有符合条件的工作人员，请调整查询条件。".into()
        },
    }))
}

#[derive(Deserialize, Default)]
pub struct StaffForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    licence_no: String,
    #[serde(default)]
    practice_start_year: String,
    #[serde(default)]
    specialties: Vec<String>,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

impl StaffForm {
    /// Converts text fields to the input's types, reporting what is not a number.
    fn input(&self) -> (StaffInput, Vec<FieldError>) {
        let mut errs = Vec::new();
        let year = self.practice_start_year.trim();
        let practice_start_year = if year.is_empty() {
            None
        } else {
            year.parse()
                .map_err(|_| {
                    errs.push(FieldError {
                        field: "practice_start_year".into(),
                        message: "请填写四位年份，如 2015".into(),
                    })
                })
                .ok()
        };
        let unit_id = self.unit_id.trim().parse().ok();
        (
            StaffInput {
                unit_id,
                name: self.name.clone(),
                sex: self.sex.clone(),
                kind: self.kind.clone(),
                licence_no: self.licence_no.clone(),
                practice_start_year,
                specialties: self.specialties.clone(),
                phone: self.phone.clone(),
                active: self.active.is_some(),
            },
            errs,
        )
    }
}

fn staff_form_of(m: &Staff) -> StaffForm {
    StaffForm {
        unit_id: m.unit_id.to_string(),
        name: m.name.clone(),
        sex: m.sex.as_str().into(),
        kind: m.kind.as_str().into(),
        licence_no: m.licence_no.clone(),
        practice_start_year: m
            .practice_start_year
            .map(|y| y.to_string())
            .unwrap_or_default(),
        specialties: m
            .specialties
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        phone: m.phone.clone(),
        active: m.active.then(|| "true".into()),
        version: Some(m.version),
    }
}

async fn staff_form(
    s: &AppState,
    page: &PageCtx,
    title: &str,
    action: String,
    cancel: String,
    f: &StaffForm,
) -> FormPage {
    let mut units: Vec<Unit> = units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let unit_opts = std::iter::once((String::new(), "请选择".to_owned()))
        .chain(units.into_iter().map(|u| (u.id.to_string(), u.name)));
    let mut fields = vec![
        Field::new("unit_id", "所属单位", "select", "")
            .required()
            .options(unit_opts, std::slice::from_ref(&f.unit_id)),
        Field::new("name", "姓名", "text", f.name.clone()).required(),
        Field::new("sex", "性别", "select", "").required().options(
            kind_options(Sex::ALL, Sex::as_str, Sex::label, "请选择"),
            std::slice::from_ref(&f.sex),
        ),
        Field::new("kind", "人员类别", "select", "")
            .required()
            .options(
                kind_options(
                    StaffKind::ALL,
                    StaffKind::as_str,
                    StaffKind::label,
                    "请选择",
                ),
                std::slice::from_ref(&f.kind),
            ),
        Field::new("licence_no", "执业证号", "text", f.licence_no.clone())
            .hint("律师执业证号为17位数字"),
        Field::new(
            "practice_start_year",
            "执业起始年份",
            "number",
            f.practice_start_year.clone(),
        )
        .hint("律师必填；用于判断刑事辩护执业年限"),
        Field::new("specialties", "专业领域", "checkboxes", "").options(
            Specialty::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
            &f.specialties,
        ),
        Field::new("phone", "联系电话", "tel", f.phone.clone()),
        Field::new(
            "active",
            "在岗",
            "checkbox",
            if f.active.is_some() { "true" } else { "" },
        ),
    ];
    if let Some(v) = f.version {
        fields.push(Field::new("version", "", "hidden", v.to_string()));
    }
    FormPage {
        shell: Shell::new(page, title, "/staff"),
        heading: title.into(),
        action,
        submit: "保存".into(),
        cancel,
        error: None,
        fields,
    }
}

#[derive(Deserialize)]
pub struct NewStaffQuery {
    unit_id: Option<String>,
}

pub async fn new_staff(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewStaffQuery>,
) -> PageResult {
    policy::ensure_manage_units(&page.ctx).map_err(page_error)?;
    let f = StaffForm {
        unit_id: q.unit_id.unwrap_or_default(),
        active: Some("true".into()),
        ..Default::default()
    };
    Ok(staff_form(
        &s,
        &page,
        "新增工作人员",
        "/staff".into(),
        "/staff".into(),
        &f,
    )
    .await
    .respond(&[]))
}

pub async fn create_staff(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let form: StaffForm = CsrfForm::parse(req, &page.csrf).await?;
    let (input, mut errs) = form.input();
    if errs.is_empty() {
        match staff::create(&s.app, &page.ctx, &input).await {
            Ok(m) => return Ok(see_other(&format!("/staff/{}", m.id))),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(staff_form(
        &s,
        &page,
        "新增工作人员",
        "/staff".into(),
        "/staff".into(),
        &form,
    )
    .await
    .respond(&errs))
}

pub async fn show_staff(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = StaffId(parse_id(&id)?);
    let m = staff::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let unit = units::get(&s.app, &page.ctx, m.unit_id)
        .await
        .map(|u| u.name)
        .unwrap_or_default();
    let year = legalaid_app::clock::china_time(s.app.clock.now());
    let years = legalaid_domain::staff::years_of_practice(
        m.practice_start_year,
        chrono::Datelike::year(&year),
    );
    Ok(render(&DetailPage {
        shell: Shell::new(&page, &m.name, "/staff"),
        heading: m.name.clone(),
        actions: if policy::can_manage_units(&page.ctx) {
            vec![Action {
                href: format!("/staff/{id}/edit"),
                label: "编辑".into(),
            }]
        } else {
            vec![]
        },
        rows: vec![
            ("所属单位", unit),
            ("性别", m.sex.label().to_owned()),
            ("人员类别", m.kind.label().to_owned()),
            (
                "执业证号",
                if m.licence_no.is_empty() {
                    "—".into()
                } else {
                    m.licence_no.clone()
                },
            ),
            (
                "执业起始年份",
                m.practice_start_year
                    .map_or("—".into(), |y| format!("{y}年（执业{years}年）")),
            ),
            (
                "专业领域",
                m.specialties
                    .iter()
                    .map(|s| s.label())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ("联系电话", m.phone.clone()),
            ("在岗", yes_no(m.active)),
        ],
        sections: {
            let mut sections = rating_section(&s, &page, &m).await;
            // Training (issue 11): hours by year and the sessions.
            sections.extend(crate::html::training::staff_sections(&s, &page, id).await);
            sections
        },
    }))
}

/// The handler's quality rating with its derivation (lawyers and legal
/// workers, who take cases).
async fn rating_section(
    s: &AppState,
    page: &PageCtx,
    m: &legalaid_domain::staff::Staff,
) -> Vec<crate::html::Section> {
    use legalaid_domain::staff::StaffKind;
    if !matches!(
        m.kind,
        StaffKind::Lawyer | StaffKind::LegalWorker | StaffKind::CenterStaff
    ) {
        return vec![];
    }
    let Ok(v) = legalaid_app::ratings::of_staff(&s.app, &page.ctx, m.id).await else {
        return vec![];
    };
    let mut rows = vec![vec![
        Cell::text("质量评价"),
        Cell::text(format!(
            "{}分（{}）",
            v.rating.score,
            v.rating.basis.label()
        )),
    ]];
    rows.extend(
        v.rating
            .lines
            .iter()
            .map(|l| vec![Cell::text("计算依据"), Cell::text(l.clone())]),
    );
    rows.push(vec![
        Cell::text("对指派排序的影响"),
        Cell::text(v.ranking.clone()),
    ]);
    rows.push(vec![
        Cell::text("统计期间"),
        Cell::text(format!(
            "{} 起，规则自 {} 施行",
            v.rating.window_from, v.rule.effective_from
        )),
    ]);
    vec![crate::html::Section {
        title: "质量评价".into(),
        headers: vec!["项目", "内容"],
        rows,
        empty: String::new(),
    }]
}

pub async fn edit_staff(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = StaffId(parse_id(&id)?);
    let m = staff::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    policy::ensure_manage_units(&page.ctx).map_err(page_error)?;
    Ok(staff_form(
        &s,
        &page,
        "编辑工作人员",
        format!("/staff/{id}"),
        format!("/staff/{id}"),
        &staff_form_of(&m),
    )
    .await
    .respond(&[]))
}

pub async fn update_staff(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = StaffId(parse_id(&id)?);
    let form: StaffForm = CsrfForm::parse(req, &page.csrf).await?;
    let (input, mut errs) = form.input();
    if errs.is_empty() {
        match staff::update(&s.app, &page.ctx, id, form.version.unwrap_or(0), &input).await {
            Ok(_) => return Ok(see_other(&format!("/staff/{id}"))),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(staff_form(
        &s,
        &page,
        "编辑工作人员",
        format!("/staff/{id}"),
        format!("/staff/{id}"),
        &form,
    )
    .await
    .respond(&errs))
}
