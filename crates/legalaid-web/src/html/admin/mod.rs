//! Pages for accounts and roles, and regions. The audit trail is in `audit.rs`.

pub(crate) mod audit;
pub(crate) mod calendar;
pub(crate) mod notices;
pub(crate) mod records;
pub(crate) mod rules;
pub(crate) mod schedule;

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{
    Action, Cell, DetailPage, Field, FormPage, ListPage, PageResult, Pager, Section, Shell, Table,
    page_error, parse_id, query_string, render, see_other, unit_names, yes_no,
};
use axum::extract::{Path, Request, State};
use legalaid_app::filters::{AuditFilter, UserFilter};
use legalaid_app::{AppError, Page, policy, regions, units, users};
use legalaid_domain::UserId;
use legalaid_domain::role::Role;
use legalaid_domain::user::{User, UserInput};
use serde::Deserialize;

fn roles_text(u: &User) -> String {
    u.roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

#[derive(Deserialize, Default)]
pub struct UserQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<i64>,
}

pub async fn users(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<UserQuery>,
) -> PageResult {
    let pg = Page::new(q.page, None);
    let f = UserFilter {
        q: q.q.clone(),
        unit_id: None,
        role: q.role.as_deref().and_then(Role::parse),
    };
    let (list, total) = users::list(&s.app, &page.ctx, &f, pg)
        .await
        .map_err(page_error)?;
    let names = unit_names(&s, &page).await;
    let rows = list
        .iter()
        .map(|u| {
            vec![
                Cell::link(u.username.clone(), format!("/admin/users/{}", u.id)),
                Cell::text(u.display_name.clone()),
                Cell::text(
                    u.unit_id
                        .and_then(|id| names.get(&id.0).cloned())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::text(roles_text(u)),
                Cell::text(if u.active { "正常" } else { "停用" }),
            ]
        })
        .collect();
    let query = query_string(&[("q", q.q.clone()), ("role", q.role.clone())]);
    let role_opts = std::iter::once((String::new(), "全部角色".to_owned())).chain(
        Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), r.label().to_owned())),
    );
    Ok(render(&ListPage {
        shell: Shell::new(&page, "用户与角色", "/admin/users"),
        heading: "用户与角色".into(),
        actions: if policy::can_manage_users(&page.ctx) {
            vec![Action {
                href: "/admin/users/new".into(),
                label: "新增用户".into(),
            }]
        } else {
            vec![]
        },
        filters: vec![
            Field::new(
                "q",
                "用户名或姓名",
                "search",
                q.q.clone().unwrap_or_default(),
            ),
            Field::new("role", "角色", "select", "")
                .options(role_opts, &[q.role.clone().unwrap_or_default()]),
        ],
        export_href: None,
        table: Table {
            headers: vec!["用户名", "姓名", "单位", "角色", "状态"],
            rows,
        },
        pager: Pager::new("/admin/users", &query, pg, total),
        empty: if query.is_empty() {
            "还没有用户。系统管理员可点击“新增用户”为各单位开设账号。".into()
        } else {
            "没有符合条件的用户。".into()
        },
    }))
}

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

impl UserForm {
    fn input(&self) -> UserInput {
        UserInput {
            display_name: self.display_name.clone(),
            unit_id: self.unit_id.trim().parse().ok(),
            staff_id: None,
            roles: self.roles.clone(),
            active: self.active.is_some(),
        }
    }
}

async fn user_form(
    s: &AppState,
    page: &PageCtx,
    title: &str,
    action: String,
    cancel: String,
    f: &UserForm,
    new: bool,
) -> FormPage {
    let mut units = units::all_visible(&s.app, &page.ctx)
        .await
        .unwrap_or_default();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let unit_opts = std::iter::once((String::new(), "（不属于任何单位：仅系统管理员）".to_owned()))
        .chain(units.into_iter().map(|u| (u.id.to_string(), u.name)));
    let mut fields = Vec::new();
    if new {
        fields.push(
            Field::new("username", "用户名", "text", f.username.clone())
                .required()
                .autocomplete("off")
                .hint("3至32位字母、数字、点、下划线或连字符，以字母开头"),
        );
        fields.push(
            Field::new("password", "初始密码", "password", "")
                .required()
                .autocomplete("new-password")
                .hint("用户首次登录后须修改"),
        );
    }
    fields.extend([
        Field::new("display_name", "姓名", "text", f.display_name.clone()).required(),
        Field::new("unit_id", "所属单位", "select", "")
            .options(unit_opts, std::slice::from_ref(&f.unit_id)),
        Field::new("roles", "角色", "checkboxes", "")
            .required()
            .options(
                Role::ALL
                    .iter()
                    .map(|r| (r.as_str().to_owned(), r.label().to_owned())),
                &f.roles,
            ),
        Field::new(
            "active",
            "账号可用",
            "checkbox",
            if f.active.is_some() { "true" } else { "" },
        ),
    ]);
    if let Some(v) = f.version {
        fields.push(Field::new("version", "", "hidden", v.to_string()));
    }
    FormPage {
        shell: Shell::new(page, title, "/admin/users"),
        heading: title.into(),
        action,
        submit: "保存".into(),
        cancel,
        error: None,
        fields,
    }
}

pub async fn new_user(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_users(&page.ctx).map_err(page_error)?;
    let f = UserForm {
        active: Some("true".into()),
        ..Default::default()
    };
    Ok(user_form(
        &s,
        &page,
        "新增用户",
        "/admin/users".into(),
        "/admin/users".into(),
        &f,
        true,
    )
    .await
    .respond(&[]))
}

pub async fn create_user(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let form: UserForm = CsrfForm::parse(req, &page.csrf).await?;
    match users::create(
        &s.app,
        &page.ctx,
        &form.username,
        &form.input(),
        &form.password,
    )
    .await
    {
        Ok(u) => Ok(see_other(&format!("/admin/users/{}", u.id))),
        Err(AppError::Validation(errs)) => Ok(user_form(
            &s,
            &page,
            "新增用户",
            "/admin/users".into(),
            "/admin/users".into(),
            &form,
            true,
        )
        .await
        .respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

pub async fn show_user(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId(parse_id(&id)?);
    let u = users::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let unit = match u.unit_id {
        Some(uid) => units::get(&s.app, &page.ctx, uid)
            .await
            .map(|u| u.name)
            .unwrap_or_default(),
        None => "—".into(),
    };
    let recent = if policy::can_view_audit(&page.ctx) {
        let f = AuditFilter {
            actor_user_id: Some(id.0),
            ..Default::default()
        };
        legalaid_app::audit::search_batch(&s.app, &page.ctx, &f, None, 10)
            .await
            .map_err(page_error)?
    } else {
        Vec::new()
    };
    let actions = if policy::can_manage_users(&page.ctx) {
        vec![
            Action {
                href: format!("/admin/users/{id}/edit"),
                label: "编辑".into(),
            },
            Action {
                href: format!("/admin/users/{id}/password"),
                label: "重置密码".into(),
            },
        ]
    } else {
        vec![]
    };
    Ok(render(&DetailPage {
        shell: Shell::new(&page, &u.username, "/admin/users"),
        heading: format!("{}（{}）", u.display_name, u.username),
        actions,
        rows: vec![
            ("用户名", u.username.clone()),
            ("姓名", u.display_name.clone()),
            ("所属单位", unit),
            ("角色", roles_text(&u)),
            ("账号可用", yes_no(u.active)),
            ("须修改初始密码", yes_no(u.must_change_password)),
        ],
        sections: vec![Section {
            title: "最近操作".into(),
            headers: vec!["时间", "操作", "对象"],
            rows: recent
                .iter()
                .map(|e| {
                    vec![
                        Cell::text(fmt_time(e.at)),
                        Cell::link(
                            e.action.clone(),
                            format!(
                                "/audit?entity_type={}&entity_id={}",
                                e.entity_type, e.entity_id
                            ),
                        ),
                        Cell::text(format!("{} #{}", e.entity_type, e.entity_id)),
                    ]
                })
                .collect(),
            empty: "暂无操作记录。".into(),
        }],
    }))
}

pub async fn edit_user(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId(parse_id(&id)?);
    let u = users::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    policy::ensure_manage_users(&page.ctx).map_err(page_error)?;
    let f = UserForm {
        display_name: u.display_name.clone(),
        unit_id: u.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        active: u.active.then(|| "true".into()),
        version: Some(u.version),
        ..Default::default()
    };
    Ok(user_form(
        &s,
        &page,
        "编辑用户",
        format!("/admin/users/{id}"),
        format!("/admin/users/{id}"),
        &f,
        false,
    )
    .await
    .respond(&[]))
}

pub async fn update_user(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = UserId(parse_id(&id)?);
    let form: UserForm = CsrfForm::parse(req, &page.csrf).await?;
    match users::update(
        &s.app,
        &page.ctx,
        id,
        form.version.unwrap_or(0),
        &form.input(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(AppError::Validation(errs)) => Ok(user_form(
            &s,
            &page,
            "编辑用户",
            format!("/admin/users/{id}"),
            format!("/admin/users/{id}"),
            &form,
            false,
        )
        .await
        .respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

fn reset_form(page: &PageCtx, id: UserId) -> FormPage {
    FormPage {
        shell: Shell::new(page, "重置密码", "/admin/users"),
        heading: "重置密码".into(),
        action: format!("/admin/users/{id}/password"),
        submit: "重置密码".into(),
        cancel: format!("/admin/users/{id}"),
        error: None,
        fields: vec![
            Field::new("password", "新密码", "password", "")
                .required()
                .autocomplete("new-password")
                .hint("用户须在下次登录后修改；该用户的所有登录会话将失效"),
        ],
    }
}

pub async fn reset_password_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId(parse_id(&id)?);
    users::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    policy::ensure_manage_users(&page.ctx).map_err(page_error)?;
    Ok(reset_form(&page, id).respond(&[]))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = UserId(parse_id(&id)?);
    let form: ResetForm = CsrfForm::parse(req, &page.csrf).await?;
    match users::reset_password(&s.app, &page.ctx, id, &form.password).await {
        Ok(_) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(AppError::Validation(errs)) => Ok(reset_form(&page, id).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

fn region_form(page: &PageCtx, code: &str, name: &str) -> FormPage {
    FormPage {
        shell: Shell::new(page, "行政区划", "/admin/regions"),
        heading: "新增行政区划".into(),
        action: "/admin/regions".into(),
        submit: "添加".into(),
        cancel: "/admin/regions".into(),
        error: None,
        fields: vec![
            Field::new("code", "区划代码", "text", code)
                .required()
                .hint("GB/T 2260 代码：省2位、市4位、县6位、乡镇9位；上级区划须已存在"),
            Field::new("name", "名称", "text", name).required(),
        ],
    }
}

pub async fn regions(State(s): State<AppState>, page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    let list = regions::list(&s.app).await.map_err(page_error)?;
    let total = i64::try_from(list.len()).unwrap_or(0);
    let rows = list
        .iter()
        .map(|r| {
            let indent = "　".repeat(match r.level {
                legalaid_domain::region::RegionLevel::Province => 0,
                legalaid_domain::region::RegionLevel::City => 1,
                legalaid_domain::region::RegionLevel::County => 2,
                legalaid_domain::region::RegionLevel::Township => 3,
            });
            vec![
                Cell::text(r.code.to_string()),
                Cell::text(format!("{indent}{}", r.name)),
                Cell::text(r.level.label()),
            ]
        })
        .collect();
    Ok(render(&ListPage {
        shell: Shell::new(&page, "行政区划", "/admin/regions"),
        heading: "行政区划".into(),
        actions: vec![Action {
            href: "/admin/regions/new".into(),
            label: "新增区划".into(),
        }],
        filters: vec![],
        export_href: None,
        table: Table {
            headers: vec!["代码", "名称", "级别"],
            rows,
        },
        pager: Pager::new(
            "/admin/regions",
            "",
            Page {
                page: 1,
                per_page: total.max(1),
            },
            total,
        ),
        empty: "还没有行政区划。".into(),
    }))
}

pub async fn new_region(page: PageCtx) -> PageResult {
    policy::ensure_manage_regions(&page.ctx).map_err(page_error)?;
    Ok(region_form(&page, "", "").respond(&[]))
}

#[derive(Deserialize)]
pub struct RegionForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

pub async fn create_region(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let form: RegionForm = CsrfForm::parse(req, &page.csrf).await?;
    match regions::create(&s.app, &page.ctx, &form.code, &form.name).await {
        Ok(_) => Ok(see_other("/admin/regions")),
        Err(AppError::Validation(errs)) => {
            Ok(region_form(&page, &form.code, &form.name).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub(crate) fn fmt_time(t: chrono::DateTime<chrono::Utc>) -> String {
    legalaid_app::clock::china_time(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}
