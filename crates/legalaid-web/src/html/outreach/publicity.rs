//! Publicity (`/publicity`): the activities with their filters, the form that
//! records one, an activity's page with the consultations taken on the spot
//! and its media items, and the figures per unit, venue and month (with CSV).

use super::{date, number};
use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Pager, Shell, export, kind_options, page_error,
    parse_id, query_string, see_other,
};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use legalaid_app::outreach::publicity::{self as uc, ActivityView, Filter};
use legalaid_app::{AppError, Page};
use legalaid_domain::outreach::publicity::{ActivityForm, ActivityInput, MediaInput, MediaKind};
use legalaid_domain::{ActivityId, FieldError, local_date};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    page: Option<i64>,
    per_page: Option<i64>,
    venue: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let mut errs = Vec::new();
    let f = Filter {
        venue: q.venue.clone().filter(|v| !v.is_empty()),
        unit_id: None,
        from: date("from", q.from.as_deref().unwrap_or(""), &mut errs),
        to: date("to", q.to.as_deref().unwrap_or(""), &mut errs),
    };
    let p = Page::new(q.page, q.per_page);
    let (items, total) = uc::list(&s.app, &page.ctx, &f, p)
        .await
        .map_err(page_error)?;
    let venues = uc::venues(&s.app, &page.ctx).await.unwrap_or_default();
    let mut v = PanelPage::new(Shell::new(&page, "法治宣传", "/publicity"), "法治宣传");
    if uc::can_record(&page.ctx) {
        v.actions.push(Action {
            href: "/publicity/new".into(),
            label: "登记宣传活动".into(),
        });
    }
    v.actions.push(Action {
        href: "/publicity/figures".into(),
        label: "宣传统计".into(),
    });
    let mut filters = Panel::new("筛选");
    let mut form = PanelForm::get("/publicity", "筛选").group(
        "",
        vec![
            Field::new("venue", "宣传对象（法律八进）", "select", "").options(
                std::iter::once((String::new(), "全部".to_owned()))
                    .chain(venues.iter().map(|x| (x.code.clone(), x.label.clone()))),
                &[q.venue.clone().unwrap_or_default()],
            ),
            Field::new(
                "from",
                "活动日期起",
                "date",
                q.from.clone().unwrap_or_default(),
            ),
            Field::new("to", "活动日期止", "date", q.to.clone().unwrap_or_default()),
        ],
    );
    if let Some(rest) = form.attach(&errs) {
        v.error = Some(rest);
    }
    filters.forms.push(form);
    v.panels.push(filters);
    v.blocks.push(Block {
        title: format!("宣传活动（{total}）"),
        headers: vec![
            "日期",
            "活动",
            "宣传对象",
            "形式",
            "单位",
            "受众（人次）",
            "资料（份）",
            "现场咨询",
        ],
        rows: items
            .iter()
            .map(|l| {
                let a = &l.activity;
                Row {
                    class: "",
                    cells: vec![
                        Cell::text(a.held_on.to_string()),
                        Cell::link(a.title.clone(), format!("/publicity/{}", a.id)),
                        Cell::text(l.venue_label.clone()),
                        Cell::text(a.form.label()),
                        Cell::text(l.unit_name.clone()),
                        Cell::text(a.people_reached.to_string()),
                        Cell::text(a.materials.to_string()),
                        Cell::text(l.consultations.to_string()),
                    ],
                }
            })
            .collect(),
        empty: "还没有宣传活动。举办法治宣传活动后，点“登记宣传活动”记录，记录会显示在这里。"
            .into(),
    });
    let query = query_string(&[
        ("venue", q.venue.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
    ]);
    v.pager = Some(Pager::new("/publicity", &query, p, total));
    Ok(v.respond(!errs.is_empty()))
}

#[derive(Deserialize, Default, Clone)]
pub struct ActivityFormData {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    form: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    people_reached: String,
    #[serde(default)]
    materials: String,
    #[serde(default)]
    note: String,
}

async fn form_page(s: &AppState, page: &PageCtx, f: &ActivityFormData) -> FormPage {
    let one = |x: &str| vec![x.to_owned()];
    let today = local_date(s.app.clock.now());
    let venues = uc::venues(&s.app, &page.ctx).await.unwrap_or_default();
    FormPage {
        shell: Shell::new(page, "登记宣传活动", "/publicity"),
        heading: "登记宣传活动".into(),
        action: "/publicity".into(),
        submit: "保存".into(),
        cancel: "/publicity".into(),
        error: None,
        fields: vec![
            Field::new("held_on", "活动日期", "date", f.held_on.clone()).required(),
            Field::new("title", "活动名称", "text", f.title.clone()).required(),
            Field::new("venue", "宣传对象（法律八进）", "select", "")
                .required()
                .options(
                    std::iter::once((String::new(), "请选择".to_owned())).chain(
                        venues
                            .iter()
                            .filter(|x| x.in_use(today))
                            .map(|x| (x.code.clone(), x.label.clone())),
                    ),
                    &one(&f.venue),
                ),
            Field::new("form", "活动形式", "select", "")
                .required()
                .options(
                    kind_options(
                        ActivityForm::ALL,
                        ActivityForm::as_str,
                        ActivityForm::label,
                        "请选择",
                    ),
                    &one(&f.form),
                ),
            Field::new("place", "活动地点", "text", f.place.clone()).required(),
            Field::new("staff", "参加人员", "text", f.staff.clone()),
            Field::new(
                "people_reached",
                "受众人次",
                "number",
                f.people_reached.clone(),
            ),
            Field::new("materials", "发放资料（份）", "number", f.materials.clone()),
            Field::new("note", "备注", "textarea", f.note.clone()),
        ],
    }
}

pub async fn new(State(s): State<AppState>, page: PageCtx) -> PageResult {
    if !uc::can_record(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let f = ActivityFormData {
        held_on: local_date(s.app.clock.now()).to_string(),
        ..ActivityFormData::default()
    };
    Ok(form_page(&s, &page, &f).await.respond(&[]))
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: ActivityFormData = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = ActivityInput {
        held_on: date("held_on", &f.held_on, &mut errs),
        title: f.title.clone(),
        form: f.form.clone(),
        venue: f.venue.clone(),
        place: f.place.clone(),
        staff: f.staff.clone(),
        people_reached: number("people_reached", &f.people_reached, &mut errs),
        materials: number("materials", &f.materials, &mut errs),
        note: f.note.clone(),
    };
    if !errs.is_empty() {
        return Ok(form_page(&s, &page, &f).await.respond(&errs));
    }
    match uc::record(&s.app, &page.ctx, &input).await {
        Ok(v) => Ok(see_other(&format!("/publicity/{}", v.activity.activity.id))),
        Err(AppError::Validation(errs)) => Ok(form_page(&s, &page, &f).await.respond(&errs)),
        Err(e) => Err(page_error(e)),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct MediaForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    published_on: String,
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

fn page_of(
    page: &PageCtx,
    v: &ActivityView,
    media: Option<(&MediaForm, &[FieldError])>,
) -> PanelPage {
    let a = &v.activity.activity;
    let mut out = PanelPage::new(Shell::new(page, "宣传活动", "/publicity"), a.title.clone());
    out.badge = v.activity.venue_label.clone();
    let mut facts = Panel::new("活动");
    facts.facts = vec![
        Fact::new("日期", a.held_on.to_string()),
        Fact::new("宣传对象", v.activity.venue_label.clone()),
        Fact::new("形式", a.form.label()),
        Fact::new("地点", a.place.clone()),
        Fact::new("组织单位", v.activity.unit_name.clone()),
        Fact::new(
            "参加人员",
            if a.staff.is_empty() {
                "—".to_owned()
            } else {
                a.staff.clone()
            },
        ),
        Fact::new("受众", format!("{}人次", a.people_reached)),
        Fact::new("发放资料", format!("{}份", a.materials)),
        Fact::new("现场咨询", format!("{}人次", v.activity.consultations)),
    ];
    if !a.note.is_empty() {
        facts.facts.push(Fact::new("备注", a.note.clone()));
    }
    if v.activity.consultations > 0 {
        facts.links.push(Action {
            href: format!("/consultations?activity_id={}", a.id),
            label: "查看本次活动的全部咨询".into(),
        });
    }
    if v.can_add {
        facts.links.push(Action {
            href: format!("/consultations/new?activity={}", a.id),
            label: "登记现场咨询".into(),
        });
        facts.links.push(Action {
            href: format!("/publicity/{}/photos/new", a.id),
            label: "上传活动照片".into(),
        });
    }
    out.panels.push(facts);
    if v.can_add {
        let empty = MediaForm::default();
        let (f, errs) = media.unwrap_or((&empty, &[]));
        let one = |x: &str| vec![x.to_owned()];
        let mut p = Panel::new("登记媒体宣传");
        let mut form = PanelForm::post(format!("/publicity/{}/media", a.id), "登记").group(
            "",
            vec![
                Field::new("kind", "媒体类别", "select", "")
                    .required()
                    .options(
                        kind_options(
                            MediaKind::ALL,
                            MediaKind::as_str,
                            MediaKind::label,
                            "请选择",
                        ),
                        &one(&f.kind),
                    ),
                Field::new("published_on", "刊播日期", "date", f.published_on.clone()).required(),
                Field::new("outlet", "媒体名称", "text", f.outlet.clone()).required(),
                Field::new("title", "标题", "text", f.title.clone()).required(),
                Field::new("url", "网址", "url", f.url.clone()),
            ],
        );
        if let Some(rest) = form.attach(errs) {
            out.error = Some(rest);
        }
        p.forms.push(form);
        out.panels.push(p);
    }
    out.blocks.push(Block {
        title: if v.consultations_more {
            format!(
                "现场咨询（列出最近 {} 条，另有更多；全部见“查看本次活动的全部咨询”）",
                v.consultation_list.len()
            )
        } else {
            format!("现场咨询（{}）", v.consultation_list.len())
        },
        headers: vec!["咨询时间", "咨询人", "事项", "解答意见"],
        rows: v
            .consultation_list
            .iter()
            .map(|l| {
                let k = &l.consultation;
                Row {
                    class: "",
                    cells: vec![
                        Cell::link(china(k.consulted_at), format!("/consultations/{}", k.id)),
                        Cell::text(if k.name.is_empty() {
                            "匿名".to_owned()
                        } else {
                            k.name.clone()
                        }),
                        Cell::text(l.topic_label.clone()),
                        Cell::text(k.answer.clone()),
                    ],
                }
            })
            .collect(),
        empty: "活动现场解答的咨询，从本页“登记现场咨询”登记后显示在这里。".into(),
    });
    out.blocks.push(Block {
        title: format!("活动照片（{}）", v.photos.len()),
        headers: vec!["照片", "说明", "上传时间"],
        rows: v
            .photos
            .iter()
            .map(|p| Row {
                class: "",
                cells: vec![
                    Cell::link(p.filename.clone(), format!("/publicity/photos/{}", p.id)),
                    Cell::text(p.description.clone()),
                    Cell::text(china(p.created_at)),
                ],
            })
            .collect(),
        empty: "还没有活动照片。".into(),
    });
    out.blocks.push(Block {
        title: if i64::try_from(v.media.len()).unwrap_or(0) < v.media_total {
            format!(
                "媒体宣传（共 {} 条，此处列出最近 {} 条）",
                v.media_total,
                v.media.len()
            )
        } else {
            format!("媒体宣传（{}）", v.media.len())
        },
        headers: vec!["刊播日期", "类别", "媒体", "标题"],
        rows: v
            .media
            .iter()
            .map(|m| Row {
                class: "",
                cells: vec![
                    Cell::text(m.media.published_on.to_string()),
                    Cell::text(m.media.kind.label()),
                    Cell::text(m.media.outlet.clone()),
                    Cell::text(m.media.title.clone()),
                ],
            })
            .collect(),
        empty: "还没有关于本次活动的媒体报道。".into(),
    });
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: ActivityId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(page_of(&page, &v, None).respond(false))
}

pub async fn add_media(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: ActivityId = parse_id(&id)?;
    let f: MediaForm = CsrfForm::parse(req, &page.csrf).await?;
    let mut errs = Vec::new();
    let input = MediaInput {
        kind: f.kind.clone(),
        published_on: date("published_on", &f.published_on, &mut errs),
        outlet: f.outlet.clone(),
        title: f.title.clone(),
        url: f.url.clone(),
        activity_id: Some(id.0),
    };
    let result = if errs.is_empty() {
        uc::record_media(&s.app, &page.ctx, &input)
            .await
            .map(|_| ())
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/publicity/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(page_of(&page, &v, Some((&f, &errs))).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn figures_of(
    s: &AppState,
    page: &PageCtx,
    q: &PeriodQuery,
) -> Result<uc::Figures, Response> {
    let mut errs = Vec::new();
    let from = date("from", q.from.as_deref().unwrap_or(""), &mut errs);
    let to = date("to", q.to.as_deref().unwrap_or(""), &mut errs);
    if !errs.is_empty() {
        return Err(page_error(AppError::Validation(errs)));
    }
    uc::figures(&s.app, &page.ctx, from, to)
        .await
        .map_err(page_error)
}

pub async fn figures(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> PageResult {
    let f = figures_of(&s, &page, &q).await?;
    let mut v = PanelPage::new(Shell::new(&page, "宣传统计", "/publicity"), "法治宣传统计");
    v.actions.push(Action {
        href: format!(
            "/publicity/figures.csv{}",
            query_string(&[
                ("from", Some(f.from.to_string())),
                ("to", Some(f.to.to_string()))
            ])
        ),
        label: "导出CSV".into(),
    });
    let mut sum = Panel::new("合计");
    sum.lead = format!("{} 至 {}", f.from, f.to);
    sum.facts = vec![
        Fact::new("活动场次", f.activities.to_string()),
        Fact::new("受众人次", f.people_reached.to_string()),
        Fact::new("发放资料（份）", f.materials.to_string()),
        Fact::new("现场咨询（人次）", f.consultations.to_string()),
    ];
    for t in &f.media_totals {
        sum.facts
            .push(Fact::new(t.kind.label(), t.items.to_string()));
    }
    sum.forms
        .push(PanelForm::get("/publicity/figures", "统计").group(
            "",
            vec![
                Field::new("from", "起", "date", f.from.to_string()),
                Field::new("to", "止", "date", f.to.to_string()),
            ],
        ));
    v.panels.push(sum);
    v.blocks.push(Block {
        title: "按单位、宣传对象和月份".into(),
        headers: vec![
            "月份",
            "单位",
            "宣传对象",
            "场次",
            "受众（人次）",
            "资料（份）",
            "现场咨询",
        ],
        rows: f
            .lines
            .iter()
            .map(|l| Row {
                class: "",
                cells: vec![
                    Cell::text(l.month.clone()),
                    Cell::text(l.unit_name.clone()),
                    Cell::text(l.venue_label.clone()),
                    Cell::text(l.activities.to_string()),
                    Cell::text(l.people_reached.to_string()),
                    Cell::text(l.materials.to_string()),
                    Cell::text(l.consultations.to_string()),
                ],
            })
            .collect(),
        empty: "所选期间没有宣传活动。".into(),
    });
    v.blocks.push(Block {
        title: "媒体宣传（按单位和月份）".into(),
        headers: vec!["月份", "单位", "类别", "篇（次）"],
        rows: f
            .media
            .iter()
            .map(|m| Row {
                class: "",
                cells: vec![
                    Cell::text(m.month.clone()),
                    Cell::text(m.unit_name.clone()),
                    Cell::text(m.kind.label()),
                    Cell::text(m.items.to_string()),
                ],
            })
            .collect(),
        empty: "所选期间没有媒体宣传。".into(),
    });
    Ok(v.respond(false))
}

pub async fn figures_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> Result<Response, Response> {
    let f = figures_of(&s, &page, &q).await?;
    let mut rows: Vec<Vec<String>> = f
        .lines
        .iter()
        .map(|l| {
            vec![
                l.month.clone(),
                l.unit_name.clone(),
                l.venue_label.clone(),
                l.activities.to_string(),
                l.people_reached.to_string(),
                l.materials.to_string(),
                l.consultations.to_string(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    for m in &f.media {
        rows.push(vec![
            m.month.clone(),
            m.unit_name.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            m.kind.label().to_owned(),
            m.items.to_string(),
        ]);
    }
    let rows = std::sync::Arc::new(rows);
    export::stream_csv(
        "publicity.csv",
        &[
            "月份",
            "单位",
            "宣传对象",
            "场次",
            "受众（人次）",
            "资料（份）",
            "现场咨询",
            "媒体类别",
            "媒体篇（次）",
        ],
        move |_: Option<()>| {
            let rows = rows.clone();
            async move { Ok((rows.as_ref().clone(), None)) }
        },
    )
    .await
    .map_err(page_error)
}

// ---------------------------------------------------------------- photos

#[derive(askama::Template)]
#[template(path = "upload.html")]
struct PhotoUpload {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    error: Option<String>,
}

fn photo_form(page: &PageCtx, id: ActivityId, error: Option<String>) -> Response {
    crate::html::render(&PhotoUpload {
        shell: Shell::new(page, "上传活动照片", "/publicity"),
        heading: "上传活动照片（JPEG或PNG）".into(),
        action: format!("/publicity/{id}/photos"),
        cancel: format!("/publicity/{id}"),
        error,
    })
}

pub async fn new_photo(page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: ActivityId = parse_id(&id)?;
    Ok(photo_form(&page, id, None))
}

pub async fn add_photo(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    m: axum::extract::Multipart,
) -> PageResult {
    let id: ActivityId = parse_id(&id)?;
    let (name, description, bytes, csrf) = crate::api::read_upload(m).await.map_err(page_error)?;
    if !csrf.is_some_and(|c| crate::extract::constant_time_eq(c.as_bytes(), page.csrf.as_bytes())) {
        return Err(crate::html::error_page(
            axum::http::StatusCode::FORBIDDEN,
            "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
        ));
    }
    match uc::add_photo(&s.app, &page.ctx, id, &name, &description, bytes).await {
        Ok(_) => Ok(see_other(&format!("/publicity/{id}"))),
        Err(AppError::Validation(errs)) => {
            let msg = errs
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("；");
            let mut res = photo_form(&page, id, Some(msg));
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn photo(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: i64 = parse_id(&id)?;
    let (p, bytes) = uc::photo(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(crate::documents::download(
        &p.content_type,
        &p.filename,
        &format!("photo-{}", p.id),
        bytes,
    ))
}
