//! Pages for applicants and recipients.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{
    Action, Cell, DetailPage, Field, FormPage, ListPage, PageResult, Pager, Shell, Table,
    kind_options, page_error, parse_id, query_string, render, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::paging::Listed;
use legalaid_app::{AppError, Page, persons, units};
use legalaid_domain::id_number::IdType;
use legalaid_domain::person::{Person, PersonCard, PersonInput, RecipientGroup};
use legalaid_domain::staff::Sex;
use legalaid_domain::{FieldError, PersonId, UnitId};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PersonQuery {
    q: Option<String>,
    id_number: Option<String>,
    page: Option<i64>,
    after: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PersonQuery>,
) -> PageResult {
    let pg = Page::new(q.page, None);
    let after = q
        .after
        .as_deref()
        .and_then(|a| a.trim().parse::<i64>().ok())
        .filter(|a| *a > 0)
        .map(PersonId);
    let result = match q.id_number.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => persons::find_by_id_number(&s.app, &page.ctx, n)
            .await
            .map(|p| {
                let items: Vec<Person> = p.into_iter().collect();
                Listed {
                    total: i64::try_from(items.len()).unwrap_or(0),
                    items,
                    more_than: None,
                    next: None,
                }
            }),
        None => persons::list(&s.app, &page.ctx, q.q.as_deref(), pg, after).await,
    };
    let listed = result.map_err(page_error)?;
    let list = &listed.items;
    let rows = list
        .iter()
        .map(|p| {
            vec![
                Cell::link(p.name.clone(), format!("/persons/{}", p.id)),
                Cell::text(p.id_type.label()),
                Cell::text(p.id_number_masked.clone()),
                Cell::text(p.sex.map(|s| s.label()).unwrap_or("—")),
                Cell::text(
                    p.groups
                        .iter()
                        .map(|g| g.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ]
        })
        .collect();
    let query = query_string(&[("q", q.q.clone()), ("id_number", q.id_number.clone())]);
    Ok(render(&ListPage {
        shell: Shell::new(&page, "当事人", "/persons"),
        heading: "当事人".into(),
        actions: if persons::can_register(&page.ctx) {
            vec![
                Action {
                    href: "/persons/new".into(),
                    label: "登记当事人".into(),
                },
                Action {
                    href: "/persons/import".into(),
                    label: "导入".into(),
                },
                Action {
                    href: "/persons/duplicates".into(),
                    label: "重复登记".into(),
                },
            ]
        } else {
            vec![]
        },
        filters: vec![
            Field::new("q", "姓名", "search", q.q.clone().unwrap_or_default()),
            Field::new(
                "id_number",
                "证件号码（精确查找）",
                "search",
                q.id_number.clone().unwrap_or_default(),
            ),
        ],
        export_href: None,
        table: Table {
            headers: vec!["姓名", "证件类型", "证件号码", "性别", "人群类别"],
            rows,
        },
        pager: Pager::keyset(
            "/persons",
            &query,
            pg,
            listed.total,
            listed.more_than.is_some(),
            listed.next.clone(),
        ),
        empty: if query.is_empty() {
            "还没有登记当事人。受理申请时登记申请人，先按证件号码查找，避免重复登记。".into()
        } else {
            "没有找到符合条件的当事人。按证件号码查找须输入完整号码。".into()
        },
    }))
}

#[derive(Deserialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_type: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    household_registration: String,
    #[serde(default)]
    education: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    version: Option<i64>,
}

impl PersonForm {
    fn input(&self) -> (PersonInput, Vec<FieldError>) {
        let mut errs = Vec::new();
        let birth = self.birth_date.trim();
        let birth_date = if birth.is_empty() {
            None
        } else {
            chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d")
                .map_err(|_| {
                    errs.push(FieldError {
                        field: "birth_date".into(),
                        message: "日期格式应为 YYYY-MM-DD".into(),
                    })
                })
                .ok()
        };
        (
            PersonInput {
                name: self.name.clone(),
                id_type: self.id_type.clone(),
                id_number: self.id_number.clone(),
                sex: Some(self.sex.clone()).filter(|s| !s.is_empty()),
                birth_date,
                ethnicity: self.ethnicity.clone(),
                phone: self.phone.clone(),
                address: self.address.clone(),
                household_registration: self.household_registration.clone(),
                education: self.education.clone(),
                occupation: self.occupation.clone(),
                groups: self.groups.clone(),
            },
            errs,
        )
    }

    fn of(p: &Person) -> Self {
        PersonForm {
            unit_id: p.unit_id.to_string(),
            name: p.name.clone(),
            id_type: p.id_type.as_str().into(),
            // The full number is never put into a page unasked: editing re-enters it.
            id_number: String::new(),
            sex: p.sex.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            ethnicity: p.ethnicity.clone(),
            phone: p.phone.clone(),
            address: p.address.clone(),
            household_registration: p.household_registration.clone(),
            education: p.education.clone(),
            occupation: p.occupation.clone(),
            groups: p.groups.iter().map(|g| g.as_str().to_owned()).collect(),
            version: Some(p.version),
        }
    }
}

async fn form(
    s: &AppState,
    page: &PageCtx,
    title: &str,
    action: String,
    cancel: String,
    f: &PersonForm,
) -> FormPage {
    let mut fields = Vec::new();
    if page.ctx.actor.as_ref().is_some_and(|a| a.unit.is_none()) && f.version.is_none() {
        let mut all = units::all_visible(&s.app, &page.ctx)
            .await
            .unwrap_or_default();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let opts = std::iter::once((String::new(), "请选择".to_owned()))
            .chain(all.into_iter().map(|u| (u.id.to_string(), u.name)));
        fields.push(
            Field::new("unit_id", "登记单位", "select", "")
                .required()
                .options(opts, std::slice::from_ref(&f.unit_id)),
        );
    }
    fields.extend([
        Field::new("name", "姓名", "text", f.name.clone()).required(),
        Field::new("id_type", "证件类型", "select", "")
            .required()
            .options(
                kind_options(IdType::ALL, IdType::as_str, IdType::label, "请选择"),
                std::slice::from_ref(&f.id_type),
            ),
        Field::new("id_number", "证件号码", "text", f.id_number.clone())
            .required()
            .autocomplete("off")
            .hint(if f.version.is_some() {
                "为保护个人信息，修改时须重新输入完整证件号码"
            } else {
                "居民身份证号码将按国家标准校验，出生日期和性别自动取自号码"
            }),
        Field::new("sex", "性别", "select", "").options(
            kind_options(Sex::ALL, Sex::as_str, Sex::label, "（居民身份证自动识别）"),
            std::slice::from_ref(&f.sex),
        ),
        Field::new("birth_date", "出生日期", "date", f.birth_date.clone()),
        Field::new("ethnicity", "民族", "text", f.ethnicity.clone()),
        Field::new("phone", "联系电话", "tel", f.phone.clone()),
        Field::new("address", "住址", "text", f.address.clone()),
        Field::new(
            "household_registration",
            "户籍所在地",
            "text",
            f.household_registration.clone(),
        ),
        Field::new("education", "文化程度", "text", f.education.clone()),
        Field::new("occupation", "职业", "text", f.occupation.clone()),
        Field::new("groups", "人群类别", "checkboxes", "").options(
            RecipientGroup::ALL
                .iter()
                .map(|g| (g.as_str().to_owned(), g.label().to_owned())),
            &f.groups,
        ),
    ]);
    if let Some(v) = f.version {
        fields.push(Field::new("version", "", "hidden", v.to_string()));
    }
    FormPage {
        shell: Shell::new(page, title, "/persons"),
        heading: title.into(),
        action,
        submit: "保存".into(),
        cancel,
        error: None,
        fields,
    }
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    if !persons::can_register(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(form(
        &s,
        &page,
        "登记当事人",
        "/persons".into(),
        "/persons".into(),
        &PersonForm::default(),
    )
    .await
    .respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: PersonForm = CsrfForm::parse(req, &page.csrf).await?;
    let (input, mut errs) = f.input();
    if errs.is_empty() {
        let unit = f.unit_id.trim().parse::<i64>().ok().map(UnitId);
        match persons::create(&s.app, &page.ctx, &input, unit).await {
            Ok(p) => return Ok(see_other(&format!("/persons/{}", p.id))),
            Err(AppError::Validation(e)) => errs = e,
            Err(AppError::Conflict(m)) => {
                errs = vec![FieldError {
                    field: "id_number".into(),
                    message: m,
                }]
            }
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(form(
        &s,
        &page,
        "登记当事人",
        "/persons".into(),
        "/persons".into(),
        &f,
    )
    .await
    .respond(&errs))
}

fn detail(page: &PageCtx, p: &Person, unit: String, full_id: Option<String>) -> DetailPage {
    let mut actions = Vec::new();
    if persons::can_register(&page.ctx) {
        actions.push(Action {
            href: format!("/persons/{}/edit", p.id),
            label: "编辑".into(),
        });
        actions.push(Action {
            href: format!("/persons/{}/contact", p.id),
            label: "联系方式与告知偏好".into(),
        });
    }
    if legalaid_app::applications::can_handle(&page.ctx) {
        actions.push(Action {
            href: format!("/applications/new?applicant_id={}", p.id),
            label: "受理申请".into(),
        });
    }
    let mut shell = Shell::new(page, &p.name, "/persons");
    if full_id.is_some() {
        shell.notice = Some("已显示完整证件号码；本次查看已记入审计日志。".into());
    }
    DetailPage {
        shell,
        heading: p.name.clone(),
        actions,
        rows: vec![
            ("证件类型", p.id_type.label().to_owned()),
            (
                "证件号码",
                full_id.unwrap_or_else(|| p.id_number_masked.clone()),
            ),
            ("性别", p.sex.map_or("—".into(), |s| s.label().to_owned())),
            (
                "出生日期",
                p.birth_date.map_or("—".into(), |d| d.to_string()),
            ),
            ("民族", p.ethnicity.clone()),
            ("联系电话", p.phone.clone()),
            ("住址", p.address.clone()),
            ("户籍所在地", p.household_registration.clone()),
            ("文化程度", p.education.clone()),
            ("职业", p.occupation.clone()),
            (
                "人群类别",
                p.groups
                    .iter()
                    .map(|g| g.label())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ("登记单位", unit),
        ],
        sections: vec![],
    }
}

async fn unit_name(s: &AppState, page: &PageCtx, p: &Person) -> String {
    units::get(&s.app, &page.ctx, p.unit_id)
        .await
        .map(|u| u.name)
        .unwrap_or_default()
}

/// What an intake unit sees of a person another unit of its district registered
/// (ADR 0011): the card, and the way to take their application.
fn card_detail(page: &PageCtx, c: &PersonCard) -> DetailPage {
    let mut shell = Shell::new(page, &c.name, "/persons");
    shell.notice = Some(format!(
        "该当事人由{}登记；本单位可查看受理所需的信息并为其受理申请，本次查看已记入审计日志。",
        c.unit_name
    ));
    let mut actions = Vec::new();
    if legalaid_app::applications::can_handle(&page.ctx) {
        actions.push(Action {
            href: format!("/applications/new?applicant_id={}", c.id),
            label: "受理申请".into(),
        });
    }
    DetailPage {
        shell,
        heading: c.name.clone(),
        actions,
        rows: vec![
            ("证件类型", c.id_type.label().to_owned()),
            ("证件号码", c.id_number_masked.clone()),
            ("性别", c.sex.map_or("—".into(), |s| s.label().to_owned())),
            (
                "出生日期",
                c.birth_date.map_or("—".into(), |d| d.to_string()),
            ),
            ("联系电话", c.phone.clone()),
            ("登记单位", c.unit_name.clone()),
        ],
        sections: vec![],
    }
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    let p = match persons::get(&s.app, &page.ctx, id).await {
        Ok(p) => p,
        // Another unit's person of the caller's register: the card.
        Err(AppError::NotFound) => {
            let card = persons::card(&s.app, &page.ctx, id)
                .await
                .map_err(page_error)?;
            return Ok(render(&card_detail(&page, &card)));
        }
        Err(e) => return Err(page_error(e)),
    };
    let unit = unit_name(&s, &page, &p).await;
    let mut d = detail(&page, &p, unit, None);
    if let Some(into) = p.merged_into {
        d.shell.notice = Some(format!(
            "此登记已合并至当事人编号 {}：其申请和案件均在合并后的记录名下，本记录保留备查。",
            into.0
        ));
    }
    let merges = legalaid_app::persons::merge::of_person(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let can_merge = legalaid_app::persons::merge::can_merge(&page.ctx);
    if !merges.is_empty() {
        d.sections.push(crate::html::Section {
            title: "合并记录".into(),
            headers: vec![
                "时间",
                "保留的登记",
                "并入的登记",
                "理由",
                "移动记录",
                "状态",
            ],
            rows: merges
                .iter()
                .map(|m| {
                    let at = crate::html::panels::china;
                    vec![
                        Cell::text(at(m.merged_at)),
                        Cell::link(
                            m.survivor_id.to_string(),
                            format!("/persons/{}", m.survivor_id),
                        ),
                        Cell::link(m.merged_id.to_string(), format!("/persons/{}", m.merged_id)),
                        Cell::text(m.reason.clone()),
                        Cell::text(m.moved.total().to_string()),
                        match m.undone_at {
                            Some(t) => Cell::text(format!("已于 {} 撤销", at(t))),
                            None if can_merge => {
                                Cell::link("撤销合并", format!("/person-merges/{}/undo", m.id))
                            }
                            None => Cell::text("有效"),
                        },
                    ]
                })
                .collect(),
            empty: String::new(),
        });
    }
    if persons::can_register(&page.ctx) {
        d.actions.push(Action {
            href: format!("/persons/{id}/id-number"),
            label: "查看完整证件号码".into(),
        });
    }
    Ok(render(&d))
}

/// Asks before revealing: the reveal itself is a POST (it writes an audit entry).
pub async fn reveal_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let p = persons::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok(FormPage {
        shell: Shell::new(&page, "查看完整证件号码", "/persons"),
        heading: format!("查看{}的完整证件号码", p.name),
        action: format!("/persons/{id}/id-number"),
        submit: "确认查看".into(),
        cancel: format!("/persons/{id}"),
        error: None,
        fields: vec![Field::new("purpose", "说明", "hidden", "")],
    }
    .respond(&[]))
}

pub async fn reveal(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    CsrfForm::<serde_json::Value>::parse(req, &page.csrf).await?;
    let number = persons::reveal_id_number(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let p = persons::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let unit = unit_name(&s, &page, &p).await;
    Ok(render(&detail(&page, &p, unit, Some(number))))
}

pub async fn edit(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    let p = persons::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    if !persons::can_register(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(form(
        &s,
        &page,
        "编辑当事人",
        format!("/persons/{id}"),
        format!("/persons/{id}"),
        &PersonForm::of(&p),
    )
    .await
    .respond(&[]))
}

pub async fn update(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: PersonForm = CsrfForm::parse(req, &page.csrf).await?;
    let (input, mut errs) = f.input();
    if errs.is_empty() {
        match persons::update(&s.app, &page.ctx, id, f.version.unwrap_or(0), &input).await {
            Ok(_) => return Ok(see_other(&format!("/persons/{id}"))),
            Err(AppError::Validation(e)) => errs = e,
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(form(
        &s,
        &page,
        "编辑当事人",
        format!("/persons/{id}"),
        format!("/persons/{id}"),
        &f,
    )
    .await
    .respond(&errs))
}
