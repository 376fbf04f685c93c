//! The public portal under `/public/` (ADR 0020): phone first, no sign-in to
//! read, no script. Pages are built from a few blocks rendered by one template
//! (`portal/page.html`) with its own small stylesheet. Forms carry a
//! double-submit token (a cookie and a field); a proven phone is a short
//! `portal_session` cookie for one purpose.

mod apply;
mod complaint;
mod progress;

pub use apply::{apply_code, apply_form, apply_submit, apply_verify};
pub use complaint::{
    complaint_code, complaint_form, complaint_page, complaint_submit, complaint_verify,
};
pub use progress::{progress_code, progress_letter, progress_page, progress_verify, progress_view};

use super::Field;
use crate::AppState;
use crate::extract::Meta;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use legalaid_app::{AppError, portal};
use legalaid_domain::FieldError;
use legalaid_domain::portal::{MeansChoice, Purpose};
use serde::de::DeserializeOwned;

/// The portal's name.
const SITE: &str = "法律援助网上服务";
const CSRF_COOKIE: &str = "portal_csrf";
const SESSION_COOKIE: &str = "portal_session";

pub struct Card {
    pub title: String,
    pub lines: Vec<String>,
}

pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
}

pub struct Form {
    pub action: String,
    pub submit: String,
    pub multipart: bool,
    pub fields: Vec<Field>,
    pub error: Option<String>,
    pub file_error: Option<String>,
}

impl Form {
    pub fn new(action: &str, submit: &str, fields: Vec<Field>) -> Self {
        Form {
            action: action.into(),
            submit: submit.into(),
            multipart: false,
            fields,
            error: None,
            file_error: None,
        }
    }

    /// Puts each error on its field; the rest above the form.
    pub fn with_errors(mut self, errors: &[FieldError]) -> Self {
        let mut rest = Vec::new();
        for e in errors {
            if e.field == "photos" {
                self.file_error = Some(e.message.clone());
                continue;
            }
            match self
                .fields
                .iter_mut()
                .find(|f| f.name == e.field && f.kind != "hidden")
            {
                Some(f) => f.error = Some(e.message.clone()),
                None => rest.push(e.message.clone()),
            }
        }
        if !errors.is_empty() {
            self.error = Some(if rest.is_empty() {
                "请修改标出的内容后再提交".into()
            } else {
                rest.join("；")
            });
        }
        self
    }
}

pub enum Block {
    Heading(String),
    Text(String),
    Note(String),
    Alert(String),
    Facts(Vec<(String, String)>),
    List(Vec<String>),
    Links(Vec<(String, String)>),
    Cards(Vec<Card>),
    Table(Table),
    Form(Form),
}

#[derive(Template)]
#[template(path = "portal/page.html")]
struct PortalPage<'a> {
    site: &'a str,
    title: &'a str,
    blocks: &'a [Block],
    csrf: &'a str,
    footer: &'a str,
}

/// A portal page: its status, title and blocks, with a fresh form token when
/// the browser has none.
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn new(title: &str, blocks: Vec<Block>) -> Self {
        Page {
            status: StatusCode::OK,
            title: title.into(),
            blocks,
        }
    }

    pub fn status(mut self, s: StatusCode) -> Self {
        self.status = s;
        self
    }

    pub fn respond(self, s: &AppState, parts: &Parts) -> Response {
        let (csrf, fresh) = match crate::extract::cookie(parts, CSRF_COOKIE) {
            Some(t) if t.len() == 64 => (t, false),
            _ => (legalaid_app::auth::random_secret(), true),
        };
        let body = PortalPage {
            site: SITE,
            title: &self.title,
            blocks: &self.blocks,
            csrf: &csrf,
            footer: "法律援助是国家建立的为经济困难公民和符合法定条件的其他当事人无偿提供法律服务的制度。咨询电话：12348。",
        }
        .render();
        let mut res = match body {
            Ok(html) => (
                self.status,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                html,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "portal template");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        };
        if fresh {
            set_cookie(
                &mut res,
                s,
                &format!(
                    "{CSRF_COOKIE}={csrf}; Path=/public; HttpOnly; SameSite=Strict; Max-Age=86400"
                ),
            );
        }
        res
    }
}

fn set_cookie(res: &mut Response, s: &AppState, cookie: &str) {
    let secure = if s.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{cookie}{secure}")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Sets the proven phone's session cookie and sends the browser on.
pub fn opened(s: &AppState, opened: &portal::Opened, to: &str) -> Response {
    let max_age = (opened.expires_at - s.app.clock.now()).num_seconds().max(0);
    let mut res = super::see_other(to);
    set_cookie(
        &mut res,
        s,
        &format!(
            "{SESSION_COOKIE}={}; Path=/public; HttpOnly; SameSite=Lax; Max-Age={max_age}",
            opened.secret
        ),
    );
    res
}

/// The session of the request for `purpose`, if proven.
pub async fn proven(
    s: &AppState,
    parts: &Parts,
    purpose: Purpose,
) -> Result<Option<portal::Proven>, AppError> {
    let secret = crate::extract::cookie(parts, SESSION_COOKIE);
    portal::proven(&s.app, secret.as_deref(), purpose).await
}

/// Reads a posted form whose token matches the cookie; `None` with the page to
/// answer when it does not (an old page, a form posted from elsewhere).
pub async fn read_form<T: DeserializeOwned + Default>(
    s: &AppState,
    req: Request,
) -> Result<(Parts, T), Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    #[derive(serde::Deserialize, Default)]
    struct Token {
        #[serde(default)]
        _csrf: String,
    }
    let token: Token = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    if !csrf_ok(&parts, &token._csrf) {
        return Err(expired(s, &parts));
    }
    let form: T = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    Ok((parts, form))
}

pub fn csrf_ok(parts: &Parts, given: &str) -> bool {
    crate::extract::cookie(parts, CSRF_COOKIE)
        .is_some_and(|c| crate::extract::constant_time_eq(c.as_bytes(), given.as_bytes()))
}

pub fn expired(s: &AppState, parts: &Parts) -> Response {
    Page::new(
        "页面已过期",
        vec![
            Block::Alert("页面已过期或来源不明，请返回重新填写。".into()),
            Block::Links(vec![("/public/".into(), "返回首页".into())]),
        ],
    )
    .status(StatusCode::FORBIDDEN)
    .respond(s, parts)
}

/// An error the person can act on, on a page of its own (limits say when to
/// come back; other errors say what to do).
pub fn failure(s: &AppState, parts: &Parts, e: AppError, back: &str) -> Response {
    let status = crate::error::status_of(&e);
    crate::error::log_internal(&e);
    let message = match &e {
        AppError::Internal(_) | AppError::Unavailable(_) => {
            "系统暂时无法处理，请稍后再试，或拨打12348咨询。".to_owned()
        }
        other => other.to_string(),
    };
    let mut res = Page::new(
        "未能办理",
        vec![
            Block::Alert(message),
            Block::Links(vec![(back.into(), "返回".into())]),
        ],
    )
    .status(status)
    .respond(s, parts);
    if let AppError::Limited {
        retry_after_secs, ..
    } = e
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

fn parts_of(req: Request) -> Parts {
    req.into_parts().0
}

/// `/public/`: what the portal offers.
pub async fn home(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let region = if info.region_name.is_empty() {
        String::new()
    } else {
        format!("{}，", info.region_name)
    };
    Page::new(
        SITE,
        vec![
            Block::Text(format!(
                "{region}经济困难的公民和符合法定条件的其他当事人，可以申请免费的法律援助。在这里可以了解申请条件、自测是否符合条件、网上提交申请、查询办理进度和投诉。"
            )),
            Block::Links(vec![
                ("/public/guide".into(), "服务指南：援助范围、经济困难标准、所需材料".into()),
                ("/public/check".into(), "条件自测：几个问题，马上知道是否符合条件".into()),
                ("/public/apply".into(), "网上申请法律援助".into()),
                ("/public/progress".into(), "查询申请和案件办理进度".into()),
                ("/public/complaint".into(), "投诉".into()),
                ("/public/units".into(), "法律援助机构、司法所和工作站的地址电话".into()),
                ("/public/report".into(), "年度法律援助工作情况（依法公开）".into()),
            ]),
            Block::Note("法律咨询请拨打 12348 公共法律服务热线。".into()),
        ],
    )
    .respond(&s, &parts)
}

/// `/public/guide`: the rules in force, read from the rules data.
pub async fn guide(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let mut blocks = vec![Block::Text(format!(
        "以下内容为{}现行有效的规定。",
        legalaid_domain::document::date_cn(info.today)
    ))];
    blocks.push(Block::Heading("可以申请法律援助的事项".into()));
    blocks.push(Block::Table(Table {
        head: vec!["事项".into(), "依据".into(), "经济困难条件".into()],
        rows: info
            .matters
            .iter()
            .map(|m| {
                vec![
                    m.label.clone(),
                    legalaid_domain::rules::basis_for_users(&m.basis),
                    m.hardship.label().to_owned(),
                ]
            })
            .collect(),
        empty: "暂无现行有效的事项范围，请拨打12348咨询。".into(),
    }));
    blocks.push(Block::Heading("经济困难标准".into()));
    if info.standards.is_empty() && info.missing_standards.is_empty() {
        blocks.push(Block::Alert(
            "暂未公布经济困难标准，请拨打12348咨询。".into(),
        ));
    }
    for st in &info.standards {
        blocks.push(Block::Facts(vec![
            ("城市".into(), st.city.clone()),
            (
                "标准".into(),
                format!(
                    "家庭人均月收入不高于{}（当地最低生活保障标准{}的{}倍）",
                    legalaid_domain::assessment::yuan(st.threshold_fen()),
                    legalaid_domain::assessment::yuan(st.dibao_monthly_fen),
                    st.multiplier
                ),
            ),
            (
                "施行日期".into(),
                legalaid_domain::document::date_cn(st.effective_from),
            ),
            ("依据".into(), st.source.clone()),
        ]));
    }
    for city in &info.missing_standards {
        blocks.push(Block::Alert(format!(
            "{city}的经济困难标准尚未录入，请拨打12348咨询。"
        )));
    }
    blocks.push(Block::Heading("免予核查经济困难状况的人员".into()));
    blocks.push(Block::List(
        info.exemptions
            .iter()
            .map(|e| {
                format!(
                    "{}（{}）",
                    e.label,
                    legalaid_domain::rules::basis_for_users(&e.basis)
                )
            })
            .collect(),
    ));
    blocks.push(Block::Heading("申请时需要的材料".into()));
    blocks.push(Block::List(
        info.materials.iter().map(|m| (*m).to_owned()).collect(),
    ));
    blocks.push(Block::Heading("怎样申请".into()));
    blocks.push(Block::List(vec![
        "网上申请：在本网站验证手机号码后填写申请，可上传材料照片。".into(),
        "到法律援助中心或所在乡镇（街道）司法所、法律援助工作站当面申请。".into(),
        "拨打12348热线咨询和预约。".into(),
        "被羁押的犯罪嫌疑人、被告人可以通过办案机关或者监管场所转交申请。".into(),
        "法律援助机构自收到申请之日起七个工作日内审查，作出是否给予法律援助的决定（《法律援助法》第四十三条）。".into(),
    ]));
    blocks.push(Block::Links(vec![
        ("/public/check".into(), "条件自测".into()),
        ("/public/apply".into(), "网上申请".into()),
    ]));
    Page::new("服务指南", blocks).respond(&s, &parts)
}

/// `/public/units`: where to go.
pub async fn units(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let d = match portal::directory(&s.app).await {
        Ok(d) => d,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let cards = |units: &[legalaid_domain::unit::Unit]| -> Block {
        Block::Cards(
            units
                .iter()
                .map(|u| Card {
                    title: u.name.clone(),
                    lines: [
                        ("地址", u.address.clone()),
                        ("电话", u.phone.clone()),
                        ("接待时间", u.office_hours.clone()),
                    ]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}：{v}"))
                    .collect(),
                })
                .collect(),
        )
    };
    let mut blocks = Vec::new();
    for (title, list) in [
        ("法律援助中心", &d.centers),
        ("司法所", &d.offices),
        ("法律援助工作站", &d.workstations),
        ("司法局", &d.bureaus),
    ] {
        blocks.push(Block::Heading(title.into()));
        if list.is_empty() {
            blocks.push(Block::Text("暂无".into()));
        } else {
            blocks.push(cards(list));
        }
    }
    Page::new("法律援助机构", blocks).respond(&s, &parts)
}

fn matter_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "请选择".to_owned())];
    v.extend(
        info.matters
            .iter()
            .map(|m| (m.code.clone(), m.label.clone())),
    );
    v.push(("not_listed".into(), "以上都不是".into()));
    v
}

fn township_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "请选择".to_owned())];
    v.extend(
        info.townships
            .iter()
            .map(|r| (r.code.as_str().to_owned(), r.name.clone())),
    );
    v
}

fn exemption_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "（不属于）".to_owned())];
    v.extend(
        info.exemptions
            .iter()
            .map(|e| (e.code.clone(), e.label.clone())),
    );
    v
}

fn means_options() -> Vec<(String, String)> {
    MeansChoice::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect()
}

/// The self-check's questions (also the first part of the application form).
fn check_fields(info: &portal::Info, i: &portal::SelfCheckInput) -> Vec<Field> {
    vec![
        Field::new("township", "您所在的乡镇（街道）", "select", "")
            .required()
            .options(township_options(info), std::slice::from_ref(&i.township)),
        Field::new("matter_code", "您遇到的法律事项", "select", "")
            .required()
            .options(matter_options(info), std::slice::from_ref(&i.matter_code)),
        Field::new("means", "经济状况", "select", "")
            .required()
            .options(means_options(), std::slice::from_ref(&i.means)),
        Field::new(
            "members",
            "家庭人口数（含本人）",
            "number",
            i.members.clone(),
        )
        .hint("选择“个人诚信承诺”时填写"),
        Field::new(
            "monthly_income_yuan",
            "家庭月总收入（元）",
            "number",
            i.monthly_income_yuan.clone(),
        )
        .hint("全家每月的工资、养老金、经营和务农收入等合计"),
        Field::new("exemption_code", "免予核查的情形", "select", "")
            .options(
                exemption_options(info),
                std::slice::from_ref(&i.exemption_code),
            )
            .hint("选择“属于免予核查经济困难状况的人员”时填写"),
    ]
}

/// `/public/check`: the questions.
pub async fn check_page(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let fields = check_fields(&info, &portal::SelfCheckInput::default());
    Page::new(
        "条件自测",
        vec![
            Block::Text("回答几个问题，系统按现行规定判断您是否符合法律援助条件。自测不保存任何信息，结果仅供参考，以法律援助机构的审查决定为准。".into()),
            Block::Form(Form::new("/public/check", "查看结果", fields)),
        ],
    )
    .respond(&s, &parts)
}

/// `POST /public/check`: the engine's answer with its reasons.
pub async fn check(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let (parts, input) = match read_form::<portal::SelfCheckInput>(&s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/check"),
    };
    match portal::self_check(&s.app, &meta, &input).await {
        Ok(r) => {
            let a = &r.assessment;
            let mut blocks = vec![match a.verdict {
                legalaid_domain::assessment::Verdict::Eligible => {
                    Block::Note(format!("自测结果：{}", a.verdict.label()))
                }
                _ => Block::Alert(format!("自测结果：{}", a.verdict.label())),
            }];
            blocks.push(Block::Heading("理由".into()));
            blocks.push(Block::List(a.reasons.clone()));
            if !a.missing.is_empty() {
                blocks.push(Block::Heading("还需要的信息".into()));
                blocks.push(Block::List(a.missing.clone()));
            }
            if let Some(c) = &r.center {
                blocks.push(Block::Facts(vec![
                    ("受理机构".into(), c.name.clone()),
                    ("地址".into(), c.address.clone()),
                    ("电话".into(), c.phone.clone()),
                ]));
            }
            blocks.push(Block::Text(
                "自测结果仅供参考。是否给予法律援助，由法律援助机构依法审查决定。".into(),
            ));
            blocks.push(Block::Links(vec![
                ("/public/apply".into(), "网上申请".into()),
                ("/public/check".into(), "重新自测".into()),
            ]));
            Page::new("自测结果", blocks).respond(&s, &parts)
        }
        Err(AppError::Validation(errs)) => {
            let form = Form::new("/public/check", "查看结果", check_fields(&info, &input))
                .with_errors(&errs);
            Page::new("条件自测", vec![Block::Form(form)])
                .status(StatusCode::UNPROCESSABLE_ENTITY)
                .respond(&s, &parts)
        }
        Err(e) => failure(&s, &parts, e, "/public/check"),
    }
}

/// The phone step shared by applying and complaining.
fn phone_form(action: &str, phone: &str) -> Form {
    Form::new(
        action,
        "获取短信验证码",
        vec![
            Field::new("phone", "手机号码", "tel", phone.to_owned())
                .required()
                .autocomplete("tel")
                .hint("验证码将以短信发送到该号码，用于确认是您本人申请"),
        ],
    )
}

/// The code step: the phone carried along, the code typed.
fn code_form(action: &str, phone: &str) -> Form {
    Form::new(
        action,
        "验证",
        vec![
            Field::new("phone", "", "hidden", phone.to_owned()),
            Field::new("code", "短信验证码", "text", "")
                .required()
                .autocomplete("one-time-code")
                .hint("6位数字"),
        ],
    )
}

#[derive(serde::Deserialize, Default)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

/// `/public/report`: the annual public report (LAL art 58).
pub async fn report(
    State(s): State<AppState>,
    crate::extract::PageQuery(q): crate::extract::PageQuery<YearQuery>,
    req: Request,
) -> Response {
    use legalaid_domain::assessment::yuan;
    let parts = parts_of(req);
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => match y.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                return failure(&s, &parts, AppError::NotFound, "/public/report");
            }
        },
    };
    let r = match portal::report(&s.app, year).await {
        Ok(r) => r,
        Err(e) => return failure(&s, &parts, e, "/public/report"),
    };
    let f = &r.figures;
    let title = format!("{}{}年度法律援助工作情况", r.region_name, r.year);
    let mut blocks = vec![Block::Links(
        r.years
            .iter()
            .filter(|y| **y != r.year)
            .map(|y| (format!("/public/report?year={y}"), format!("{y}年度")))
            .collect(),
    )];
    if !r.complete {
        blocks.push(Block::Note(format!(
            "本年度尚未结束，以下为截至{}的数据。",
            legalaid_domain::document::date_cn(r.as_of)
        )));
    }
    let empty = f.applications == 0
        && f.cases_by_type.is_empty()
        && f.subsidies_paid == 0
        && f.grades.is_empty()
        && f.complaints == 0;
    if empty {
        blocks.push(Block::Alert(format!(
            "系统中没有{}年度的法律援助记录。",
            r.year
        )));
    }
    blocks.push(Block::Heading("申请与审查".into()));
    blocks.push(Block::Facts(vec![
        ("收到申请".into(), format!("{}件", f.applications)),
        ("决定给予法律援助".into(), format!("{}件", f.granted)),
        ("决定不予法律援助".into(), format!("{}件", f.denied)),
    ]));
    blocks.push(Block::Heading("案件".into()));
    let mut rows: Vec<Vec<String>> = f
        .cases_by_type
        .iter()
        .map(|(t, n)| {
            let label = legalaid_domain::case::CaseType::parse(t)
                .map_or_else(|| t.clone(), |c| c.label().to_owned());
            vec![label, n.to_string()]
        })
        .collect();
    let opened: i64 = f.cases_by_type.iter().map(|(_, n)| n).sum();
    if !rows.is_empty() {
        rows.push(vec!["合计".into(), opened.to_string()]);
    }
    blocks.push(Block::Table(Table {
        head: vec!["新收案件类型".into(), "件数".into()],
        rows,
        empty: "本年度没有新收案件。".into(),
    }));
    blocks.push(Block::Facts(vec![(
        "结案归档".into(),
        format!("{}件", f.closed),
    )]));
    blocks.push(Block::Heading("经费".into()));
    blocks.push(Block::Facts(vec![
        ("发放办案补贴".into(), format!("{}件", f.subsidies_paid)),
        ("补贴金额".into(), yuan(f.subsidies_fen)),
    ]));
    blocks.push(Block::Heading("案件质量".into()));
    let reviewed: i64 = f.grades.iter().map(|(_, n)| n).sum();
    blocks.push(Block::Table(Table {
        head: vec!["评查等级".into(), "件数".into(), "占比".into()],
        rows: f
            .grades
            .iter()
            .map(|(g, n)| {
                let label = legalaid_domain::case::Grade::parse(g)
                    .map_or_else(|| g.clone(), |x| x.label().to_owned());
                let share = if reviewed > 0 {
                    format!("{:.1}%", (*n as f64) * 100.0 / (reviewed as f64))
                } else {
                    String::new()
                };
                vec![label, n.to_string(), share]
            })
            .collect(),
        empty: "本年度没有完成的案卷评查。".into(),
    }));
    blocks.push(Block::Heading("投诉".into()));
    blocks.push(Block::Facts(vec![
        ("收到投诉".into(), format!("{}件", f.complaints)),
        (
            "查证属实并处理".into(),
            format!("{}件", f.complaints_upheld),
        ),
    ]));
    blocks.push(Block::Text(
        "依照《法律援助法》第五十八条向社会公布。数据由法律援助综合管理信息系统按记录统计。".into(),
    ));
    Page::new(&title, blocks).respond(&s, &parts)
}

fn evaluation_fields(i: &legalaid_domain::portal::EvaluationInput) -> Vec<Field> {
    use legalaid_domain::followup::{EvaluationItem, Satisfaction};
    let scale = || {
        let mut v = vec![(String::new(), "请选择".to_owned())];
        v.extend(
            Satisfaction::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
        );
        v
    };
    let mut fields: Vec<Field> = EvaluationItem::ALL
        .iter()
        .map(|item| {
            Field::new(item.as_str(), item.label(), "select", "")
                .required()
                .options(scale(), &[i.value(*item).to_owned()])
        })
        .collect();
    fields.push(
        Field::new(
            "money_asked",
            "承办人是否向您索要或收取过费用、财物？",
            "select",
            "",
        )
        .required()
        .options(
            [
                (String::new(), "请选择".to_owned()),
                ("no".to_owned(), "没有".to_owned()),
                ("yes".to_owned(), "有".to_owned()),
            ],
            std::slice::from_ref(&i.money_asked),
        )
        .hint("法律援助是免费的，法律援助人员不得收取任何费用或财物（《法律援助法》第二十条）"),
    );
    fields.push(Field::new(
        "comment",
        "意见建议（选填）",
        "textarea",
        i.comment.clone(),
    ));
    fields
}

/// `/public/evaluate/{token}`: the one-time evaluation link.
pub async fn evaluate_page(
    State(s): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let parts = parts_of(req);
    let v = match legalaid_app::evaluations::view(&s.app, &token).await {
        Ok(v) => v,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let mut facts = vec![("案件编号".to_owned(), v.case_number.clone())];
    if let Some(u) = &v.handling_unit {
        facts.push(("承办单位".into(), u.clone()));
    }
    if let Some(h) = &v.handler {
        facts.push(("承办人".into(), h.clone()));
    }
    let mut blocks = vec![Block::Facts(facts)];
    if v.answered {
        blocks.push(Block::Note("您已经评价过了，感谢您的反馈。".into()));
    } else if v.expired {
        blocks.push(Block::Alert(
            "评价链接已过期。如有意见，请拨打12348或通过投诉页面反映。".into(),
        ));
    } else {
        blocks.push(Block::Text(
            "请对承办人的服务作出评价。评价只能提交一次，仅用于改进法律援助服务。".into(),
        ));
        blocks.push(Block::Form(Form::new(
            &format!("/public/evaluate/{token}"),
            "提交评价",
            evaluation_fields(&Default::default()),
        )));
    }
    Page::new("服务评价", blocks).respond(&s, &parts)
}

pub async fn evaluate(
    State(s): State<AppState>,
    Meta(meta): Meta,
    axum::extract::Path(token): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let (parts, input) = match read_form::<legalaid_domain::portal::EvaluationInput>(&s, req).await
    {
        Ok(x) => x,
        Err(res) => return res,
    };
    match legalaid_app::evaluations::answer(&s.app, &meta, &token, &input).await {
        Ok(_) => Page::new(
            "评价已提交",
            vec![
                Block::Note("感谢您的评价！".into()),
                Block::Links(vec![("/public/".into(), "返回首页".into())]),
            ],
        )
        .respond(&s, &parts),
        Err(AppError::Validation(errs)) => Page::new(
            "服务评价",
            vec![Block::Form(
                Form::new(
                    &format!("/public/evaluate/{token}"),
                    "提交评价",
                    evaluation_fields(&input),
                )
                .with_errors(&errs),
            )],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(&s, &parts),
        Err(e) => failure(&s, &parts, e, "/public/"),
    }
}
