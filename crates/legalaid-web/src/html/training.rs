//! Training pages (培训): `/training` (sessions with filters), the new session
//! form, a session's page (enrol staff and lawyers, confirm attendance),
//! `/training/hours` (hours per person and year by unit, with its CSV), and the
//! training section of a staff member's page.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Section, Shell, kind_options, page_error,
    parse_id, query_string, see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::training::{self as uc, SessionAction, SessionFilter, SessionView};
use legalaid_app::{AppError, Ctx, Page};
use legalaid_domain::training::{SessionInput, TrainingKind, hours_text};
use legalaid_domain::{FieldError, StaffId, TrainingId};
use serde::Deserialize;

/// Whether the caller sees the training pages (the nav link 培训).
pub fn sees_training(ctx: &Ctx) -> bool {
    uc::can_organise(ctx)
}

fn date(raw: Option<&str>) -> Option<chrono::NaiveDate> {
    raw.and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = Page::new(q.page, q.per_page);
    let filter = SessionFilter {
        from: date(q.from.as_deref()),
        to: date(q.to.as_deref()),
        unit_id: None,
        kind: q.kind.as_deref().and_then(TrainingKind::parse),
    };
    let (items, total) = uc::list(&s.app, &page.ctx, &filter, p)
        .await
        .map_err(page_error)?;
    let mut v = PanelPage::new(Shell::new(&page, "培训", "/training"), "培训");
    v.actions.push(Action {
        href: "/training/new".into(),
        label: "登记培训".into(),
    });
    v.actions.push(Action {
        href: "/training/hours".into(),
        label: "参训学时".into(),
    });
    let mut filters = Panel::new("筛选");
    filters
        .forms
        .push(PanelForm::get("/training", "筛选").group(
            "",
            vec![
                Field::new(
                    "from",
                    "培训日期自",
                    "date",
                    q.from.clone().unwrap_or_default(),
                ),
                Field::new("to", "至", "date", q.to.clone().unwrap_or_default()),
                Field::new("kind", "培训类别", "select", "").options(
                    kind_options(
                        TrainingKind::ALL,
                        TrainingKind::as_str,
                        TrainingKind::label,
                        "全部",
                    ),
                    &[q.kind.clone().unwrap_or_default()],
                ),
            ],
        ));
    v.panels.push(filters);
    v.blocks.push(Block {
        title: "培训活动".into(),
        headers: vec![
            "日期",
            "主题",
            "类别",
            "组织单位",
            "学时",
            "参训（出勤/报名）",
        ],
        rows: items
            .iter()
            .map(|l| Row {
                class: "",
                cells: vec![
                    Cell::text(l.session.held_on.to_string()),
                    Cell::link(
                        l.session.topic.clone(),
                        format!("/training/{}", l.session.id),
                    ),
                    Cell::text(l.session.kind.label()),
                    Cell::text(l.unit_name.clone()),
                    Cell::text(hours_text(l.session.hours_tenths)),
                    Cell::text(format!("{}/{}", l.attended, l.enrolled)),
                ],
            })
            .collect(),
        empty: "还没有培训记录。点击“登记培训”，填写主题、类别、日期和学时，再选择参训人员。"
            .into(),
    });
    let query = query_string(&[
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("kind", q.kind.clone()),
    ]);
    v.pager = Some(Pager::new("/training", &query, p, total));
    Ok(v.respond(false))
}

#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    trainers: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    materials: String,
}

fn new_form(page: &PageCtx, f: &NewForm) -> FormPage {
    FormPage {
        shell: Shell::new(page, "登记培训", "/training"),
        heading: "登记培训".into(),
        action: "/training".into(),
        submit: "保存".into(),
        cancel: "/training".into(),
        error: None,
        fields: vec![
            Field::new("topic", "培训主题", "text", f.topic.clone()).required(),
            Field::new("kind", "培训类别", "select", "")
                .required()
                .options(
                    kind_options(
                        TrainingKind::ALL,
                        TrainingKind::as_str,
                        TrainingKind::label,
                        "请选择",
                    ),
                    std::slice::from_ref(&f.kind),
                ),
            Field::new("held_on", "培训日期", "date", f.held_on.clone()).required(),
            Field::new("hours", "学时", "text", f.hours.clone())
                .required()
                .hint("如 3 或 3.5"),
            Field::new("trainers", "授课人", "text", f.trainers.clone()),
            Field::new("place", "培训地点", "text", f.place.clone()),
            Field::new("materials", "培训材料", "textarea", f.materials.clone())
                .hint("讲义、课件、案例汇编等"),
        ],
    }
}

pub async fn new(page: PageCtx) -> PageResult {
    if !uc::can_organise(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    Ok(new_form(&page, &NewForm::default()).respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: NewForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = SessionInput {
        topic: f.topic.clone(),
        kind: f.kind.clone(),
        held_on: date(Some(&f.held_on)),
        hours: f.hours.clone(),
        trainers: f.trainers.clone(),
        place: f.place.clone(),
        materials: f.materials.clone(),
    };
    match uc::create(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/training/{}", v.session.id))),
        Err(AppError::Validation(errs)) => Ok(new_form(&page, &f).respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

/// Active staff the caller sees, as checkbox options ("name（unit）").
async fn staff_options(s: &AppState, page: &PageCtx) -> Vec<(String, String)> {
    let names = crate::html::unit_names(s, page).await;
    legalaid_app::staff::all(&s.app, &page.ctx, &Default::default())
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|x| x.active)
        .map(|x| {
            (
                x.id.0.to_string(),
                format!(
                    "{}（{}）",
                    x.name,
                    names.get(&x.unit_id.0).cloned().unwrap_or_default()
                ),
            )
        })
        .collect()
}

async fn session_page(
    s: &AppState,
    page: &PageCtx,
    v: &SessionView,
    errors: &[FieldError],
) -> PanelPage {
    let t = &v.session;
    let base = format!("/training/{}", t.id);
    let mut out = PanelPage::new(Shell::new(page, &t.topic, "/training"), t.topic.clone());
    out.badge = t.kind.label().into();
    let mut facts = Panel::new("培训");
    facts.facts = vec![
        Fact::new("培训类别", t.kind.label()),
        Fact::new("培训日期", t.held_on.to_string()),
        Fact::new("学时", v.hours.clone()),
        Fact::new("组织单位", v.unit_name.clone()),
        Fact::new("授课人", or_dash(&t.trainers)),
        Fact::new("培训地点", or_dash(&t.place)),
        Fact::new("培训材料", or_dash(&t.materials)),
    ];
    out.panels.push(facts);
    let version = t.version.to_string();
    let mut work = Panel::new("参训人员");
    for a in &v.actions {
        let mut form = match a {
            SessionAction::Enrol => {
                let enrolled: Vec<String> =
                    v.attendees.iter().map(|x| x.staff_id.to_string()).collect();
                let options: Vec<(String, String)> = staff_options(s, page)
                    .await
                    .into_iter()
                    .filter(|(id, _)| !enrolled.contains(id))
                    .collect();
                PanelForm::post(format!("{base}/enrol"), "报名并通知")
                    .hidden("version", version.clone())
                    .group(
                        "选择参训人员（报名后系统以站内消息和短信通知本人）",
                        vec![
                            Field::new("staff_ids", "工作人员和律师", "checkboxes", "")
                                .options(options, &[]),
                        ],
                    )
            }
            SessionAction::Confirm => {
                let ids: Vec<String> = v
                    .attendees
                    .iter()
                    .filter(|x| x.status != legalaid_domain::training::AttendanceStatus::Absent)
                    .map(|x| x.staff_id.to_string())
                    .collect();
                PanelForm::post(format!("{base}/attendance"), "确认出勤")
                    .hidden("version", version.clone())
                    .group(
                        "勾选实际参加的人员（未勾选的记为缺席，不计学时）",
                        vec![
                            Field::new("attended", "参加人员", "checkboxes", "").options(
                                v.attendees.iter().map(|x| {
                                    (
                                        x.staff_id.to_string(),
                                        format!("{}（{}）", x.name, x.unit_name),
                                    )
                                }),
                                &ids,
                            ),
                        ],
                    )
            }
        };
        if !errors.is_empty()
            && let Some(rest) = form.attach(errors)
        {
            out.error = Some(rest);
        }
        work.forms.push(form);
    }
    out.panels.push(work);
    out.blocks.push(Block {
        title: format!("参训名单（{}人）", v.attendees.len()),
        headers: vec!["姓名", "所属单位", "状态", "计入学时"],
        rows: v
            .attendees
            .iter()
            .map(|x| Row {
                class: "",
                cells: vec![
                    Cell::link(x.name.clone(), format!("/staff/{}", x.staff_id)),
                    Cell::text(x.unit_name.clone()),
                    Cell::text(x.status.label()),
                    Cell::text(hours_text(x.hours_tenths)),
                ],
            })
            .collect(),
        empty: "尚未报名。在上方选择参训人员后点击“报名并通知”。".into(),
    });
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(session_page(&s, &page, &v, &[]).await.respond(false))
}

#[derive(Deserialize, Default)]
pub struct PeopleForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    staff_ids: Vec<String>,
    #[serde(default)]
    attended: Vec<String>,
}

fn ids(raw: &[String], field: &str) -> Result<Vec<i64>, AppError> {
    raw.iter()
        .filter(|x| !x.trim().is_empty())
        .map(|x| {
            x.trim()
                .parse::<i64>()
                .map_err(|_| AppError::field(field, "人员编号不正确"))
        })
        .collect()
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: TrainingId,
    req: Request,
    which: SessionAction,
) -> PageResult {
    let f: PeopleForm = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let r = match which {
        SessionAction::Enrol => match ids(&f.staff_ids, "staff_ids") {
            Ok(list) => uc::enrol(&s.app, &page.ctx, id, version, &list).await,
            Err(e) => Err(e),
        },
        SessionAction::Confirm => match ids(&f.attended, "attended") {
            Ok(list) => uc::confirm(&s.app, &page.ctx, id, version, &list).await,
            Err(e) => Err(e),
        },
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/training/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(session_page(s, page, &v, &errs).await.respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn enrol(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, SessionAction::Enrol).await
}

pub async fn confirm(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, SessionAction::Confirm).await
}

#[derive(Deserialize, Default)]
pub struct HoursQuery {
    year: Option<String>,
    unit: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

fn year_and_unit(s: &AppState, q: &HoursQuery) -> Result<(i32, Option<i64>), AppError> {
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => uc::this_year(&s.app),
        Some(y) => y
            .parse()
            .map_err(|_| AppError::field("year", "年度应为四位数字"))?,
    };
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => Some(
            u.parse()
                .map_err(|_| AppError::field("unit", "单位编号应为数字"))?,
        ),
    };
    Ok((year, unit))
}

pub async fn hours(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<HoursQuery>,
) -> PageResult {
    let (year, unit) = year_and_unit(&s, &q).map_err(page_error)?;
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::hours(&s.app, &page.ctx, year, unit, p)
        .await
        .map_err(page_error)?;
    let names = crate::html::unit_names(&s, &page).await;
    let mut v = PanelPage::new(
        Shell::new(&page, "参训学时", "/training"),
        format!("{year}年度参训学时"),
    );
    let query = query_string(&[("year", Some(year.to_string())), ("unit", q.unit.clone())]);
    v.actions.push(Action {
        href: format!("/training/hours.csv?{query}"),
        label: "导出 CSV".into(),
    });
    let mut filters = Panel::new("筛选");
    let mut units: Vec<(String, String)> = names
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    filters
        .forms
        .push(PanelForm::get("/training/hours", "查看").group(
            "",
            vec![
                Field::new("year", "年度", "number", year.to_string()),
                Field::new("unit", "所属单位", "select", "").options(
                    std::iter::once((String::new(), "全部".to_owned())).chain(units),
                    &[q.unit.clone().unwrap_or_default()],
                ),
            ],
        ));
    v.panels.push(filters);
    v.blocks.push(Block {
        title: "每人学时（只计确认出勤的培训）".into(),
        headers: vec!["所属单位", "姓名", "参训次数", "学时"],
        rows: items
            .iter()
            .map(|x| Row {
                class: "",
                cells: vec![
                    Cell::text(x.unit_name.clone()),
                    Cell::link(x.name.clone(), format!("/staff/{}", x.staff_id)),
                    Cell::text(x.sessions.to_string()),
                    Cell::text(hours_text(x.hours_tenths)),
                ],
            })
            .collect(),
        empty: "本年度还没有确认出勤的培训。".into(),
    });
    v.pager = Some(Pager::new("/training/hours", &query, p, total));
    Ok(v.respond(false))
}

pub async fn hours_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<HoursQuery>,
) -> PageResult {
    let (year, unit) = year_and_unit(&s, &q).map_err(page_error)?;
    let app = s.app.clone();
    let ctx = page.ctx.clone();
    crate::html::export::stream_csv(
        &format!("training-hours-{year}.csv"),
        &["年度", "所属单位", "姓名", "参训次数", "学时"],
        move |cursor: Option<i64>| {
            let app = app.clone();
            let ctx = ctx.clone();
            async move {
                let (rows, next) =
                    uc::hours_batch(&app, &ctx, year, unit, cursor.unwrap_or(0)).await?;
                Ok((
                    rows.into_iter()
                        .map(|r| {
                            vec![
                                year.to_string(),
                                r.unit_name,
                                r.name,
                                r.sessions.to_string(),
                                hours_text(r.hours_tenths),
                            ]
                        })
                        .collect(),
                    next,
                ))
            }
        },
    )
    .await
    .map_err(page_error)
}

/// The training section of a staff member's page: hours by year and the
/// sessions (empty when the caller cannot read them).
pub async fn staff_sections(s: &AppState, page: &PageCtx, id: StaffId) -> Vec<Section> {
    let Ok(t) = uc::history(&s.app, &page.ctx, id).await else {
        return Vec::new();
    };
    vec![
        Section {
            title: "参训学时".into(),
            headers: vec!["年度", "参训次数", "学时"],
            rows: t
                .by_year
                .iter()
                .map(|y| {
                    vec![
                        Cell::text(format!("{}年", y.year)),
                        Cell::text(y.sessions.to_string()),
                        Cell::text(y.hours.clone()),
                    ]
                })
                .collect(),
            empty: "尚无确认出勤的培训。".into(),
        },
        Section {
            title: "培训记录".into(),
            headers: vec!["日期", "培训", "类别", "组织单位", "状态", "学时"],
            rows: t
                .sessions
                .iter()
                .map(|l| {
                    let topic = if sees_training(&page.ctx) {
                        Cell::link(l.topic.clone(), format!("/training/{}", l.session_id))
                    } else {
                        Cell::text(l.topic.clone())
                    };
                    vec![
                        Cell::text(l.held_on.to_string()),
                        topic,
                        Cell::text(l.kind.label()),
                        Cell::text(l.unit_name.clone()),
                        Cell::text(l.status.label()),
                        Cell::text(hours_text(l.hours_tenths)),
                    ]
                })
                .collect(),
            empty: "尚无培训记录。".into(),
        },
    ]
}
