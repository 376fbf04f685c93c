//! Pages for applications: the list with each one's most pressing deadline, the
//! intake form, the review page (the facts beside the assessment, the deadlines,
//! objections, and the actions the state and the caller's roles allow), and one
//! small form page per action.
//!
//! The panel page types live in `panels.rs`.

pub(super) use super::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, SentenceList, fen_of_yuan, field_error,
};
use super::panels::{china, china_time, or_dash};
use super::{
    Action, Cell, Field, ListPage, PageResult, Pager, Shell, Table, kind_options, page_error,
    parse_id, query_string, render, see_other,
};
use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use chrono::NaiveDate;
use legalaid_app::applications::{self as uc, ApplicationView};
use legalaid_app::filters::ApplicationFilter;
use legalaid_app::{AppError, Page, persons, rules, units};
use legalaid_domain::application::{
    ApplicationInput, Channel, HouseholdInput, NotifyingOrgan, ObjectionOutcome, ProceduralRole,
    ServiceForm, Status,
};
use legalaid_domain::assessment::{Means, Verdict, yuan};
use legalaid_domain::person::PersonCard;
use legalaid_domain::rules::RuleBook;
use legalaid_domain::{FieldError, UnitId, local_date, local_time};
use serde::Deserialize;

// ---------------------------------------------------------------------------
// Rules as options.

fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on <= t)
}

fn applies(province: Option<&str>, region: Option<&str>) -> bool {
    match (province, region) {
        (Some(p), Some(r)) => r.starts_with(p),
        _ => true,
    }
}

/// The matters in force today where the caller works: (code, "label（basis）").
fn matter_options(
    book: &RuleBook,
    region: Option<&str>,
    today: NaiveDate,
) -> Vec<(String, String)> {
    let mut out: Vec<(&str, NaiveDate, String)> = Vec::new();
    for m in book.matters.iter().filter(|m| {
        in_force(m.effective_from, m.effective_to, today) && applies(m.province.as_deref(), region)
    }) {
        let label = format!("{}（{}）", m.label, m.basis);
        match out.iter_mut().find(|(c, _, _)| *c == m.code) {
            Some(o) if o.1 < m.effective_from => *o = (&m.code, m.effective_from, label),
            Some(_) => {}
            None => out.push((&m.code, m.effective_from, label)),
        }
    }
    std::iter::once((String::new(), "请选择".to_owned()))
        .chain(out.into_iter().map(|(c, _, l)| (c.to_owned(), l)))
        .chain(std::iter::once((
            "not_listed".to_owned(),
            "其他（不属于法律援助事项范围）".to_owned(),
        )))
        .collect()
}

fn exemption_options(
    book: &RuleBook,
    region: Option<&str>,
    today: NaiveDate,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![(String::new(), "（不适用）".into())];
    for e in book.exemptions.iter().filter(|e| {
        in_force(e.effective_from, e.effective_to, today) && applies(e.province.as_deref(), region)
    }) {
        if !out.iter().any(|(c, _)| *c == e.code) {
            out.push((e.code.clone(), e.label.clone()));
        }
    }
    out
}

/// The label of a matter code as the list shows it (any version of the rule).
fn matter_label(book: &RuleBook, code: &str) -> String {
    if code == "not_listed" {
        return "其他（不属于法律援助事项范围）".into();
    }
    book.matters
        .iter()
        .find(|m| m.code == code)
        .map_or_else(|| code.to_owned(), |m| m.label.clone())
}

fn exemption_label(book: &RuleBook, code: &str) -> String {
    book.exemptions
        .iter()
        .find(|e| e.code == code)
        .map_or_else(|| code.to_owned(), |e| e.label.clone())
}

fn caller_region(page: &PageCtx) -> Option<String> {
    page.ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.region_code.to_string())
}

// ---------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    channel: Option<String>,
    matter_code: Option<String>,
    overdue: Option<String>,
    page: Option<i64>,
}

use super::panels::due_text;

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let pg = Page::new(q.page, None);
    let pick = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
    let status = q.status.as_deref().and_then(Status::parse);
    let channel = q.channel.as_deref().and_then(Channel::parse);
    let matter = pick(&q.matter_code);
    let overdue = q.overdue.as_deref() == Some("true");
    let filter = ApplicationFilter {
        status,
        matter_code: matter.clone(),
        channel,
        ..Default::default()
    };
    let (items, total) = uc::list(&s.app, &page.ctx, &filter, overdue, pg)
        .await
        .map_err(page_error)?;
    let book = rules::rulebook(&s.app).await.map_err(page_error)?;
    let rows = items
        .iter()
        .map(|i| {
            let a = &i.application;
            vec![
                Cell::link(a.number.clone(), format!("/applications/{}", a.id)),
                Cell::text(i.applicant_name.clone()),
                Cell::text(matter_label(&book, &a.matter_code)),
                Cell::text(a.channel.label()),
                Cell::text(a.status.label()),
                Cell::text(i.next_deadline.as_ref().map_or_else(
                    || "—".to_owned(),
                    |d| format!("{} {}（{}）", d.label, due_text(d), d.state_label),
                )),
            ]
        })
        .collect();
    let query = query_string(&[
        ("status", pick(&q.status)),
        ("channel", pick(&q.channel)),
        ("matter_code", matter.clone()),
        ("overdue", overdue.then(|| "true".to_owned())),
    ]);
    let today = local_date(s.app.clock.now());
    let mut matters = matter_options(&book, caller_region(&page).as_deref(), today);
    if let Some(first) = matters.first_mut() {
        first.1 = "全部事项".into();
    }
    Ok(render(&ListPage {
        shell: Shell::new(&page, "法律援助申请", "/applications"),
        heading: "法律援助申请".into(),
        actions: if uc::can_handle(&page.ctx) {
            vec![Action {
                href: "/applications/new".into(),
                label: "受理申请".into(),
            }]
        } else {
            vec![]
        },
        filters: vec![
            Field::new("status", "状态", "select", "").options(
                kind_options(Status::ALL, Status::as_str, Status::label, "全部状态"),
                &[q.status.clone().unwrap_or_default()],
            ),
            Field::new("channel", "申请渠道", "select", "").options(
                kind_options(Channel::ALL, Channel::as_str, Channel::label, "全部渠道"),
                &[q.channel.clone().unwrap_or_default()],
            ),
            Field::new("matter_code", "申请事项", "select", "")
                .options(matters, &[matter.clone().unwrap_or_default()]),
            Field::new(
                "overdue",
                "只看已超期",
                "checkbox",
                if overdue { "true" } else { "" },
            ),
        ],
        export_href: None,
        table: Table {
            headers: vec!["编号", "申请人", "事项", "渠道", "状态", "最近期限"],
            rows,
        },
        pager: Pager::new("/applications", &query, pg, total),
        empty: if query.is_empty() {
            "还没有法律援助申请。受理申请后，这里按受理时间列出每件申请及其最近的期限。".into()
        } else {
            "没有符合条件的申请。".into()
        },
    }))
}

// ---------------------------------------------------------------------------
// Intake.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IntakeForm {
    receiving_unit_id: String,
    applicant_id: String,
    channel: String,
    notifying_organ: String,
    received_at: String,
    custody_received_at: String,
    matter_code: String,
    service_form: String,
    procedural_role: String,
    opposing_party: String,
    case_organ: String,
    case_number: String,
    summary: String,
    limitation_date: String,
    preservation_urgent: String,
    representative_name: String,
    representative_relation: String,
    means_kind: String,
    members: String,
    monthly_income_yuan: String,
    income_sources: String,
    assets: String,
    exemption_code: String,
    exemption_proof_provided: String,
}

const MEANS_KINDS: &[(&str, &str)] = &[
    ("household", "家庭经济状况（人口数和月收入）"),
    ("exemption", "免予核查经济困难状况"),
    ("declaration", "个人诚信承诺"),
    ("not_given", "暂未说明"),
];

impl IntakeForm {
    fn input(&self) -> (ApplicationInput, Vec<FieldError>) {
        let mut errs = Vec::new();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let applicant_id = match self.applicant_id.trim() {
            "" => None,
            s => {
                let id = s.parse::<i64>().ok();
                if id.is_none() {
                    errs.push(field_error("applicant_id", "请选择申请人"));
                }
                id
            }
        };
        let received_at = china_time("received_at", &self.received_at, &mut errs);
        let custody_received_at =
            china_time("custody_received_at", &self.custody_received_at, &mut errs);
        let limitation_date = match self.limitation_date.trim() {
            "" => None,
            s => {
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
                if d.is_none() {
                    errs.push(field_error("limitation_date", "日期格式应为 YYYY-MM-DD"));
                }
                d
            }
        };
        let kind = self.means_kind.trim();
        let household = if kind == "household" || kind == "declaration" {
            let members = self.members.trim().parse::<u32>().ok();
            if members.is_none() {
                errs.push(field_error("members", "请填写共同生活的家庭人口数（整数）"));
            }
            let income = fen_of_yuan(&self.monthly_income_yuan);
            if income.is_none() {
                errs.push(field_error(
                    "monthly_income_yuan",
                    "请填写家庭月收入合计，单位为元，如 1580 或 1580.50",
                ));
            }
            members.zip(income).map(|(m, i)| HouseholdInput {
                members: m,
                monthly_income_fen: i,
            })
        } else {
            None
        };
        let exemption_code = if kind == "exemption" {
            let c = text(&self.exemption_code);
            if c.is_none() {
                errs.push(field_error("exemption_code", "请选择免予核查的情形"));
            }
            c
        } else {
            None
        };
        if !MEANS_KINDS.iter().any(|(k, _)| *k == kind) {
            errs.push(field_error("means_kind", "请选择经济状况的说明方式"));
        }
        let input = ApplicationInput {
            applicant_id,
            channel: self.channel.trim().to_owned(),
            notifying_organ: text(&self.notifying_organ),
            received_at,
            custody_received_at,
            matter_code: self.matter_code.trim().to_owned(),
            service_form: self.service_form.trim().to_owned(),
            procedural_role: text(&self.procedural_role),
            opposing_party: self.opposing_party.clone(),
            case_organ: self.case_organ.clone(),
            case_number: self.case_number.clone(),
            summary: self.summary.clone(),
            limitation_date,
            preservation_urgent: self.preservation_urgent == "true",
            representative_name: self.representative_name.clone(),
            representative_relation: self.representative_relation.clone(),
            household: household.filter(|_| kind == "household"),
            exemption_code,
            exemption_proof_provided: kind == "exemption"
                && self.exemption_proof_provided == "true",
            declaration: household.filter(|_| kind == "declaration"),
            income_sources: parse_income_sources(&self.income_sources, &mut errs),
            assets: self.assets.clone(),
        };
        (input, errs)
    }
}

/// The use case reports the means under `household` / `declaration`: put each
/// message next to the field it is about.
fn intake_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if e.field == "household" || e.field == "declaration" {
                e.field = if e.message.contains("人口") {
                    "members"
                } else if e.message.contains("收入") {
                    "monthly_income_yuan"
                } else {
                    "means_kind"
                }
                .into();
            }
            e
        })
        .collect()
}

/// The applicant search above the intake form: by the full ID number or by name
/// (with the birth date, across the district's register; without it, among the
/// caller's own units' persons).
#[derive(Default)]
struct Finder {
    q: String,
    birth_date: String,
    /// None: nothing searched yet.
    found: Option<Result<Vec<PersonCard>, String>>,
}

/// At most this many persons answer a name search among the caller's own.
const NAME_MATCHES: i64 = 20;

async fn find_applicants(s: &AppState, page: &PageCtx, q: &str, birth: &str) -> Finder {
    let q = q.trim();
    let birth = birth.trim();
    let mut finder = Finder {
        q: q.to_owned(),
        birth_date: birth.to_owned(),
        found: None,
    };
    if q.is_empty() {
        return finder;
    }
    let looks_like_number = q.len() >= 5
        && q.chars().all(|c| c.is_ascii_alphanumeric())
        && q.chars().any(|c| c.is_ascii_digit());
    let found = if looks_like_number {
        persons::lookup(&s.app, &page.ctx, persons::Lookup::IdNumber(q)).await
    } else if !birth.is_empty() {
        match NaiveDate::parse_from_str(birth, "%Y-%m-%d") {
            Ok(d) => persons::lookup(&s.app, &page.ctx, persons::Lookup::NameAndBirth(q, d)).await,
            Err(_) => Err(AppError::field("birth_date", "出生日期格式应为 年-月-日")),
        }
    } else {
        persons::list(
            &s.app,
            &page.ctx,
            Some(q),
            Page {
                page: 1,
                per_page: NAME_MATCHES,
            },
        )
        .await
        .map(|(people, _)| {
            people
                .iter()
                .map(|p| PersonCard::of(p, String::new()))
                .collect()
        })
    };
    finder.found = Some(found.map_err(|e| e.to_string()));
    finder
}

fn finder_panel(finder: &Finder, can_register: bool) -> (Panel, Option<Block>) {
    let mut panel = Panel::new("查找申请人");
    panel.class = "narrow";
    panel.note = "输入完整的证件号码，可查到本区任一单位登记的当事人；按姓名查找时填写出生日期，可查到本区登记的同名同生日者，不填则只查本单位登记的当事人。跨单位查询记入审计日志。".into();
    panel
        .forms
        .push(PanelForm::get("/applications/new", "查找").group(
            "",
            vec![
                Field::new("find", "证件号码或姓名", "text", finder.q.clone()).required(),
                Field::new(
                    "birth_date",
                    "出生日期（按姓名查找时）",
                    "date",
                    finder.birth_date.clone(),
                ),
            ],
        ));
    let block = match &finder.found {
        None => None,
        Some(Err(message)) => {
            panel.lead = message.clone();
            None
        }
        Some(Ok(cards)) => {
            if cards.is_empty() {
                panel.lead = "没有找到符合条件的当事人。".into();
                if can_register {
                    panel.links.push(Action {
                        href: "/persons/new".into(),
                        label: "登记当事人".into(),
                    });
                }
            }
            Some(Block {
                title: "查找结果".into(),
                headers: vec!["姓名", "证件号码", "出生日期", "电话", "登记单位", ""],
                rows: cards
                    .iter()
                    .map(|c| Row {
                        class: "",
                        cells: vec![
                            Cell::text(c.name.clone()),
                            Cell::text(c.id_number_masked.clone()),
                            Cell::text(
                                c.birth_date
                                    .map(|d| d.to_string())
                                    .unwrap_or_else(|| "—".into()),
                            ),
                            Cell::text(or_dash(&c.phone)),
                            Cell::text(if c.unit_name.is_empty() {
                                "本单位".to_owned()
                            } else {
                                c.unit_name.clone()
                            }),
                            Cell::link(
                                "选为申请人",
                                format!("/applications/new?applicant_id={}", c.id),
                            ),
                        ],
                    })
                    .collect(),
                empty: "没有找到符合条件的当事人".into(),
            })
        }
    };
    (panel, block)
}

async fn intake_page(
    s: &AppState,
    page: &PageCtx,
    f: &IntakeForm,
    errors: &[FieldError],
    finder: &Finder,
) -> Response {
    let book = rules::rulebook(&s.app).await.unwrap_or_default();
    let today = local_date(s.app.clock.now());
    let region = caller_region(page);
    // The chosen applicant, as a card (a person of another unit of the district too).
    let chosen = match f.applicant_id.trim().parse::<i64>() {
        Ok(id) => persons::card(&s.app, &page.ctx, id).await.ok(),
        Err(_) => None,
    };
    let one = |v: &str| [v.to_owned()];

    let mut who = Vec::new();
    if page.ctx.actor.as_ref().is_some_and(|a| a.unit.is_none()) {
        let mut all = units::all_visible(&s.app, &page.ctx)
            .await
            .unwrap_or_default();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let opts = std::iter::once((String::new(), "请选择".to_owned()))
            .chain(all.into_iter().map(|u| (u.id.to_string(), u.name)));
        who.push(
            Field::new("receiving_unit_id", "接收单位", "select", "")
                .required()
                .options(opts, &one(&f.receiving_unit_id)),
        );
    }
    let applicants: Vec<(String, String)> = match &chosen {
        Some(c) => vec![(
            c.id.to_string(),
            format!("{}（{}，{}）", c.name, c.id_number_masked, c.unit_name),
        )],
        None => vec![(String::new(), "请先在上方查找申请人".to_owned())],
    };
    who.extend([
        Field::new("applicant_id", "申请人", "select", "")
            .required()
            .options(applicants, &one(&f.applicant_id))
            .hint("在上方按证件号码或姓名查找并选定申请人；未登记的请先点“登记当事人”，登记后回到本页"),
        Field::new("channel", "申请渠道", "select", "")
            .required()
            .options(
                kind_options(Channel::ALL, Channel::as_str, Channel::label, "请选择"),
                &one(&f.channel),
            ),
        Field::new("notifying_organ", "通知机关", "select", "")
            .options(
                kind_options(
                    NotifyingOrgan::ALL,
                    NotifyingOrgan::as_str,
                    NotifyingOrgan::label,
                    "（非办案机关通知的不填）",
                ),
                &one(&f.notifying_organ),
            )
            .hint("人民法院、人民检察院、公安机关通知辩护或代理的案件须注明"),
        Field::new(
            "received_at",
            "收到申请的时间",
            "datetime-local",
            f.received_at.clone(),
        )
        .required()
        .hint("北京时间；审查期限自收到申请的次日起算"),
        Field::new(
            "custody_received_at",
            "羁押场所收到申请的时间",
            "datetime-local",
            f.custody_received_at.clone(),
        )
        .hint("仅羁押场所转交的申请填写（《法律援助法》第三十九条：24小时内转交）"),
    ]);
    let matter = vec![
        Field::new("matter_code", "申请事项", "select", "")
            .required()
            .options(
                matter_options(&book, region.as_deref(), today),
                &one(&f.matter_code),
            ),
        Field::new("service_form", "法律援助形式", "select", "")
            .required()
            .options(
                kind_options(
                    ServiceForm::ALL,
                    ServiceForm::as_str,
                    ServiceForm::label,
                    "请选择",
                ),
                &one(&f.service_form),
            ),
        Field::new("procedural_role", "诉讼地位", "select", "").options(
            kind_options(
                ProceduralRole::ALL,
                ProceduralRole::as_str,
                ProceduralRole::label,
                "（不填）",
            ),
            &one(&f.procedural_role),
        ),
        Field::new(
            "opposing_party",
            "对方当事人",
            "text",
            f.opposing_party.clone(),
        ),
        Field::new("case_organ", "办案机关", "text", f.case_organ.clone()),
        Field::new("case_number", "案号", "text", f.case_number.clone()),
        Field::new("summary", "案情摘要", "textarea", f.summary.clone()).required(),
        Field::new(
            "limitation_date",
            "诉讼时效或法定期限届满日",
            "date",
            f.limitation_date.clone(),
        )
        .hint("不足七日届满的，可以先行提供法律援助（《法律援助法》第四十四条）"),
        Field::new(
            "preservation_urgent",
            "需要立即申请财产保全、证据保全或者先予执行",
            "checkbox",
            f.preservation_urgent.clone(),
        ),
    ];
    let means = vec![
        Field::new("means_kind", "经济状况的说明方式", "select", "")
            .required()
            .options(
                MEANS_KINDS
                    .iter()
                    .map(|(k, l)| ((*k).to_owned(), (*l).to_owned())),
                &one(&f.means_kind),
            )
            .hint("暂未说明的，系统将提示需要补充的材料"),
        Field::new(
            "members",
            "共同生活的家庭人口数",
            "number",
            f.members.clone(),
        )
        .hint("含申请人本人；选择家庭经济状况或个人诚信承诺时填写"),
        Field::new(
            "monthly_income_yuan",
            "家庭月收入合计（元）",
            "text",
            f.monthly_income_yuan.clone(),
        )
        .hint("全家每月收入合计，单位为元，如 2400 或 2400.50"),
        Field::new(
            "income_sources",
            "收入来源（可选）",
            "textarea",
            f.income_sources.clone(),
        )
        .hint("每行一项：来源 金额（元），如“工资 1800”“养老金 600”；各项合计须等于家庭月收入"),
        Field::new(
            "assets",
            "家庭财产状况（可选）",
            "textarea",
            f.assets.clone(),
        )
        .hint("房产、车辆、存款等"),
        Field::new("exemption_code", "免予核查的情形", "select", "")
            .options(
                exemption_options(&book, region.as_deref(), today),
                &one(&f.exemption_code),
            )
            .hint("选择免予核查经济困难状况时填写（《法律援助法》第四十二条）"),
        Field::new(
            "exemption_proof_provided",
            "已提交免予核查的证明材料",
            "checkbox",
            f.exemption_proof_provided.clone(),
        ),
    ];
    let agent = vec![
        Field::new(
            "representative_name",
            "代为申请人姓名",
            "text",
            f.representative_name.clone(),
        ),
        Field::new(
            "representative_relation",
            "与申请人的关系",
            "text",
            f.representative_relation.clone(),
        ),
    ];
    let mut form = PanelForm::post("/applications", "受理")
        .group("申请人与渠道", who)
        .group("申请事项", matter)
        .group("经济状况", means)
        .group("代为申请（无民事行为能力人等由他人代为申请时填写）", agent);
    form.cancel = "/applications".into();
    let mut page_ = PanelPage::new(
        Shell::new(page, "受理申请", "/applications"),
        "受理法律援助申请",
    );
    if persons::can_register(&page.ctx) {
        page_.actions.push(Action {
            href: "/persons/new".into(),
            label: "登记当事人".into(),
        });
    }
    if !errors.is_empty() {
        let rest = form.attach(errors);
        page_.error = Some(rest.unwrap_or_else(|| "请修改标出的内容后再提交".into()));
    }
    // The search first, its results, then the form.
    let (find_panel, found) = finder_panel(finder, persons::can_register(&page.ctx));
    page_.panels.push(find_panel);
    page_.blocks.extend(found);
    let mut panel = Panel::new("");
    panel.class = "narrow";
    panel.forms.push(form);
    page_.after.push(panel);
    page_.respond(!errors.is_empty())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    applicant_id: Option<String>,
    /// The applicant search: a full ID number or a name.
    find: Option<String>,
    birth_date: Option<String>,
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    if !uc::can_handle(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let f = IntakeForm {
        applicant_id: q.applicant_id.unwrap_or_default(),
        received_at: local_time(s.app.clock.now())
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        means_kind: "household".into(),
        ..Default::default()
    };
    let finder = find_applicants(
        &s,
        &page,
        q.find.as_deref().unwrap_or_default(),
        q.birth_date.as_deref().unwrap_or_default(),
    )
    .await;
    Ok(intake_page(&s, &page, &f, &[], &finder).await)
}

pub async fn create(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f: IntakeForm = CsrfForm::parse(req, &page.csrf).await?;
    if !uc::can_handle(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let (input, mut errs) = f.input();
    if errs.is_empty() {
        let unit = f.receiving_unit_id.trim().parse::<i64>().ok().map(UnitId);
        match uc::create(&s.app, &page.ctx, &input, unit).await {
            Ok(v) => return Ok(see_other(&format!("/applications/{}", v.application.id))),
            Err(AppError::Validation(e)) => errs = intake_errors(e),
            Err(e) => return Err(page_error(e)),
        }
    }
    Ok(intake_page(&s, &page, &f, &errs, &Finder::default()).await)
}

// ---------------------------------------------------------------------------
// The review page.

fn means_text(book: &RuleBook, m: &Means) -> String {
    match m {
        Means::Household {
            members,
            monthly_income_fen,
        } => format!(
            "家庭经济状况：共同生活{members}人，月收入合计{}",
            yuan(*monthly_income_fen)
        ),
        Means::Declaration {
            members,
            monthly_income_fen,
        } => format!(
            "个人诚信承诺：共同生活{members}人，月收入合计{}（须事后核查）",
            yuan(*monthly_income_fen)
        ),
        Means::Exemption {
            code,
            proof_provided,
        } => format!(
            "免予核查：{}（{}）",
            exemption_label(book, code),
            if *proof_provided {
                "已提交证明材料"
            } else {
                "尚未提交证明材料"
            }
        ),
        Means::NotGiven => "暂未说明".into(),
    }
}

fn objection_status(s: &str) -> String {
    match ObjectionOutcome::parse(s) {
        Some(o) => o.label().to_owned(),
        None if s == "pending" => "审查中".into(),
        None => s.to_owned(),
    }
}

fn facts_panel(v: &ApplicationView, book: &RuleBook) -> Panel {
    let a = &v.application;
    let p = &v.applicant;
    let mut facts = vec![
        Fact::new("编号", a.number.clone()),
        Fact::new("状态", a.status.label()),
        Fact::link(
            "申请人",
            format!("{}（{}）", p.name, p.id_number_masked),
            format!("/persons/{}", p.id),
        ),
        Fact::new("接收单位", or_dash(&v.receiving_unit)),
        Fact::new(
            "申请渠道",
            match a.notifying_organ {
                Some(o) => format!("{}（{}）", a.channel.label(), o.label()),
                None => a.channel.label().to_owned(),
            },
        ),
        Fact::new("收到申请", format!("{}（北京时间）", china(a.received_at))),
    ];
    if let Some(t) = a.custody_received_at {
        facts.push(Fact::new("羁押场所收到", china(t)));
    }
    facts.extend([
        Fact::new("申请事项", v.matter_label.clone()),
        Fact::new("法律援助形式", a.service_form.label()),
        Fact::new("诉讼地位", a.procedural_role.map_or("—", |r| r.label())),
        Fact::new("对方当事人", or_dash(&a.opposing_party)),
    ]);
    if !a.case_organ.is_empty() || !a.case_number.is_empty() {
        facts.push(Fact::new(
            "办案机关与案号",
            format!("{} {}", a.case_organ, a.case_number)
                .trim()
                .to_owned(),
        ));
    }
    facts.push(Fact::new("案情摘要", or_dash(&a.summary)));
    if let Some(d) = a.limitation_date {
        facts.push(Fact::new("时效届满日", d.to_string()));
    }
    if a.preservation_urgent {
        facts.push(Fact::new("紧急情形", "需要立即申请保全或者先予执行"));
    }
    if !a.representative_name.is_empty() {
        facts.push(Fact::new(
            "代为申请人",
            format!(
                "{}（{}）",
                a.representative_name,
                or_dash(&a.representative_relation)
            ),
        ));
    }
    facts.push(Fact::new("经济状况", means_text(book, &a.means)));
    if !a.income_sources.is_empty() {
        let list: Vec<String> = a
            .income_sources
            .iter()
            .map(|i| format!("{} {}", i.source, yuan(i.monthly_fen)))
            .collect();
        facts.push(Fact::new("收入来源", list.join("；")));
    }
    if !a.assets.is_empty() {
        facts.push(Fact::new("家庭财产", a.assets.clone()));
    }
    let mut panel = Panel::new("申请情况");
    panel.facts = facts;
    panel
}

fn assessment_panel(v: &ApplicationView) -> Panel {
    let x = &v.assessment;
    let mut panel = Panel::new("系统审查意见");
    panel.class = match x.verdict {
        Verdict::Eligible => "verdict-eligible",
        Verdict::Ineligible => "verdict-ineligible",
        Verdict::NeedsInformation => "verdict-needs",
    };
    panel.lead = x.verdict.label().to_owned();
    panel.facts.push(Fact::new(
        "事项范围",
        match (&x.basis, x.in_scope) {
            (Some(b), true) => format!("属于法律援助事项（{b}）"),
            _ => "不属于法律援助事项范围".into(),
        },
    ));
    if let Some(h) = x.hardship {
        panel.facts.push(Fact::new("经济困难条件", h.label()));
    }
    if let Some(e) = &x.exemption {
        panel.facts.push(Fact::new("免予核查", e.clone()));
    }
    if let (Some(p), Some(t)) = (x.per_capita_income_fen, x.threshold_fen) {
        panel.facts.push(Fact::new(
            "人均月收入",
            format!("{}（标准{}）", yuan(p), yuan(t)),
        ));
    }
    if x.needs_verification {
        panel
            .facts
            .push(Fact::new("事后核查", "个人诚信承诺，须事后核查"));
    }
    panel.facts.push(Fact::new(
        "先行提供法律援助",
        if x.pre_emptive {
            "可以先行提供（《法律援助法》第四十四条）".to_owned()
        } else {
            "否".to_owned()
        },
    ));
    if !x.reasons.is_empty() {
        panel.lists.push(SentenceList {
            title: "理由".into(),
            items: x.reasons.clone(),
        });
    }
    if !x.missing.is_empty() {
        panel.lists.push(SentenceList {
            title: "需要补充".into(),
            items: x.missing.clone(),
        });
    }
    panel.note =
        "审查意见依受理之日有效的规则自动生成，供审查人员参考；决定由中心负责人作出。".into();
    panel
}

fn objections_block(page: &PageCtx, v: &ApplicationView) -> Block {
    let id = v.application.id;
    let decide =
        uc::can_decide_objection(&page.ctx) && v.application.status == Status::ObjectionPending;
    Block {
        title: "异议".into(),
        headers: vec!["收到时间", "异议理由", "状态", "审查意见"],
        rows: v
            .objections
            .iter()
            .map(|o| Row {
                class: if o.status == "pending" { "due-soon" } else { "" },
                cells: vec![
                    Cell::text(china(o.received_at)),
                    Cell::text(o.reason.clone()),
                    if decide && o.status == "pending" {
                        Cell::link(
                            "审查中 · 作出审查决定",
                            format!("/applications/{id}/objections/{}/decision", o.id),
                        )
                    } else {
                        Cell::text(objection_status(&o.status))
                    },
                    Cell::text(or_dash(&o.decision_reason)),
                ],
            })
            .collect(),
        empty: "没有异议。申请人对不予法律援助的决定有异议的，可以向司法行政部门提出（《法律援助法》第四十九条）。".into(),
    }
}

/// What happened so far: the supplement notice, the proposal, the decision.
fn history_panel(v: &ApplicationView) -> Option<Panel> {
    let a = &v.application;
    let mut panel = Panel::new("审查与决定");
    if let Some(on) = a.supplement_requested_on {
        panel
            .facts
            .push(Fact::new("补充材料通知", format!("{on}发出")));
        panel
            .facts
            .push(Fact::new("需补充的材料", or_dash(&a.supplement_items)));
    }
    if let Some(d) = a.verification_date {
        panel.facts.push(Fact::new(
            "承诺核查",
            format!(
                "{d} {}：{}",
                a.verification_method,
                or_dash(&a.verification_result)
            ),
        ));
    }
    if a.false_declaration {
        panel.facts.push(Fact::new("核查结论", "个人诚信承诺不实"));
    }
    if let Some(o) = a.proposed_outcome {
        panel.facts.push(Fact::new("审查建议", o.label()));
        panel
            .facts
            .push(Fact::new("建议理由", or_dash(&a.proposal_reason)));
    }
    if let Some(o) = a.outcome {
        panel.facts.push(Fact::new("决定", o.label()));
        panel
            .facts
            .push(Fact::new("决定理由", or_dash(&a.decision_reason)));
        if let Some(t) = a.decided_at {
            panel.facts.push(Fact::new("决定时间", china(t)));
        }
        if a.against_assessment {
            panel.facts.push(Fact::new(
                "与系统审查意见",
                "不一致（已记录理由，供监督检查）",
            ));
        }
    }
    (!panel.facts.is_empty()).then_some(panel)
}

fn actions_panel(page: &PageCtx, v: &ApplicationView) -> Panel {
    let ctx = &page.ctx;
    let a = &v.application;
    let base = format!("/applications/{}", a.id);
    let link = |to: &str, label: &str| Action {
        href: format!("{base}/{to}"),
        label: label.to_owned(),
    };
    let mut panel = Panel::new("办理");
    match a.status {
        Status::Received | Status::Proposed => {
            if uc::can_decide(ctx) {
                panel.links.push(link("decision", "作出决定"));
            }
            if a.status == Status::Received {
                if uc::can_propose(ctx) {
                    panel.links.push(link("proposal", "提出审查建议"));
                }
                if uc::can_handle(ctx) {
                    panel.links.push(link("supplement-request", "补充材料通知"));
                }
            }
            if uc::can_handle(ctx) {
                panel.links.push(link("withdrawal", "撤回申请"));
            }
        }
        Status::AwaitingSupplement => {
            if uc::can_handle(ctx) {
                panel.forms.push(
                    PanelForm::post(format!("{base}/supplement-received"), "材料已补齐")
                        .hidden("version", a.version.to_string()),
                );
                panel.links.push(link("withdrawal", "撤回申请"));
            }
        }
        Status::Denied => {
            if uc::can_handle(ctx) {
                panel.links.push(link("objection", "登记异议"));
            }
        }
        Status::ObjectionPending => {
            if uc::can_decide_objection(ctx) {
                for o in v.objections.iter().filter(|o| o.status == "pending") {
                    panel.links.push(Action {
                        href: format!("{base}/objections/{}/decision", o.id),
                        label: "异议审查决定".into(),
                    });
                }
            }
        }
        Status::Granted | Status::Withdrawn | Status::DeemedWithdrawn => {}
    }
    // A granted application, or a notification (granted by opening it), becomes a case.
    if legalaid_app::cases::can_manage(ctx)
        && v.cases.is_empty()
        && (a.status == Status::Granted
            || a.channel == Channel::Notified && a.status == Status::Received)
    {
        panel.links.push(link("case", "立案"));
    }
    for (id, number) in &v.cases {
        panel.links.push(Action {
            href: format!("/cases/{id}"),
            label: format!("案件 {number}"),
        });
    }
    if matches!(a.means, Means::Declaration { .. }) && uc::can_handle(ctx) {
        panel.links.push(link(
            "verification",
            if a.verification_method.is_empty() {
                "核查诚信承诺"
            } else {
                "更新核查结果"
            },
        ));
    }
    if v.assessment.pre_emptive
        && uc::can_decide(ctx)
        && matches!(
            a.status,
            Status::Received | Status::AwaitingSupplement | Status::Proposed
        )
    {
        panel.forms.push(
            PanelForm::post(
                format!("{base}/pre-emptive-grant"),
                "先行提供法律援助（第四十四条）",
            )
            .hidden("version", a.version.to_string()),
        );
    }
    panel.note = match a.status {
        Status::AwaitingSupplement => {
            "补充材料期间审查期限中止；材料补齐后期限继续计算，期满未补齐的视为撤回申请。"
        }
        Status::Proposed => "审查建议已提出，待中心负责人决定。",
        Status::ObjectionPending => "异议由司法行政部门审查，自收到之日起五日内作出决定。",
        Status::Granted => "已决定给予法律援助：请立案，并在期限内指派承办人员。",
        Status::Denied => "已决定不予法律援助；申请人有异议的，可登记异议。",
        Status::Withdrawn | Status::DeemedWithdrawn => "本申请已终结。",
        Status::Received => "",
    }
    .to_owned();
    if panel.links.is_empty() && panel.forms.is_empty() && panel.note.is_empty() {
        panel.note = "当前状态下您没有可办理的操作。".into();
    }
    panel
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    let book = rules::rulebook(&s.app).await.map_err(page_error)?;
    let mut p = PanelPage::new(
        Shell::new(&page, &v.application.number, "/applications"),
        v.application.number.clone(),
    );
    p.badge = v.application.status.label().to_owned();
    p.panels = vec![facts_panel(&v, &book), assessment_panel(&v)];
    p.blocks = vec![super::panels::deadlines_block(&v.deadlines)];
    if !v.objections.is_empty() || v.application.status == Status::Denied {
        p.blocks.push(objections_block(&page, &v));
    }
    p.after.extend(history_panel(&v));
    let files = legalaid_app::attachments::list(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let (docs, atts) = super::documents::links(&v, &files);
    let mut papers = Panel::new("文书与附件");
    papers.links = docs;
    papers.links.extend(atts);
    if uc::can_handle(&page.ctx) {
        papers.links.push(Action {
            href: format!("/applications/{id}/attachments/new"),
            label: "上传附件".into(),
        });
    }
    papers.note = if files.is_empty() {
        "尚无附件。申请材料、证明材料可扫描后上传。".into()
    } else {
        format!("附件{}个", files.len())
    };
    p.after.push(papers);
    p.after.push(actions_panel(&page, &v));
    Ok(p.respond(false))
}

/// "工资 1800" / "养老金，600.50" lines → income sources in fen.
fn parse_income_sources(
    text: &str,
    errs: &mut Vec<FieldError>,
) -> Vec<legalaid_domain::application::IncomeSource> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let cut = line
            .rfind(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == ':' || c == '：');
        let parsed = cut.and_then(|i| {
            let (source, amount) = line.split_at(i);
            let amount =
                amount.trim_start_matches(|c: char| c.is_whitespace() || ",，:：".contains(c));
            fen_of_yuan(amount).map(|fen| legalaid_domain::application::IncomeSource {
                source: source.trim().to_owned(),
                monthly_fen: fen,
            })
        });
        match parsed {
            Some(i) => out.push(i),
            None => errs.push(field_error(
                "income_sources",
                &format!("无法识别“{line}”：请按“来源 金额”填写，如“工资 1800”"),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_yuan_become_fen() {
        assert_eq!(fen_of_yuan("1580"), Some(158_000));
        assert_eq!(fen_of_yuan(" 1,580.5元 "), Some(158_050));
        assert_eq!(fen_of_yuan("0.07"), Some(7));
        assert_eq!(fen_of_yuan(".5"), Some(50));
        for bad in ["", ".", "abc", "-5", "1.234", "1e3", "12 34x"] {
            assert_eq!(fen_of_yuan(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn form_times_are_china_standard_time() {
        let mut errs = Vec::new();
        let t = china_time("t", "2024-09-26T10:00", &mut errs).expect("time");
        assert_eq!(t.to_rfc3339(), "2024-09-26T02:00:00+00:00");
        assert!(china_time("t", "", &mut errs).is_none());
        assert!(errs.is_empty());
        assert!(china_time("t", "26/09/2024", &mut errs).is_none());
        assert_eq!(errs.len(), 1);
        assert_eq!(china(t), "2024-09-26 10:00");
    }
}
