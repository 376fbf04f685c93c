//! The intake page: find the applicant (the district's register by full ID
//! number, or a name), then receive the application: channel, matter, means and
//! an agent, checked by the same use case as the API.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::applications::{caller_region, exemption_options, matter_options};
use crate::html::panels::{
    Block, Panel, PanelForm, PanelPage, Row, china_time, fen_of_yuan, field_error, or_dash,
};
use crate::html::{Action, Cell, Field, PageResult, Shell, kind_options, page_error, see_other};
use axum::extract::{Request, State};
use axum::response::Response;
use chrono::NaiveDate;
use legalaid_app::applications as uc;
use legalaid_app::{AppError, Page, persons, rules, units};
use legalaid_domain::application::{
    ApplicationInput, Channel, HouseholdInput, NotifyingOrgan, ProceduralRole, ServiceForm,
};
use legalaid_domain::person::PersonCard;
use legalaid_domain::{FieldError, PersonId, UnitId, local_date, local_time};
use serde::Deserialize;

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
    /// The form's one-time key: posted twice, it makes one application.
    #[serde(rename = "_once")]
    once: String,
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
                let id = s.parse::<i64>().ok().map(PersonId);
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
            None,
        )
        .await
        .map(|listed| {
            listed
                .items
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
        Ok(id) => persons::card(&s.app, &page.ctx, PersonId(id)).await.ok(),
        Err(_) => None,
    };
    let one = |v: &str| [v.to_owned()];

    // The same key through every re-display of the form, so that a second
    // submission of it is recognised.
    let once = if f.once.trim().is_empty() {
        legalaid_app::forms::new_key()
    } else {
        f.once.trim().to_owned()
    };
    let mut who = vec![Field::new("_once", "", "hidden", once)];
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
        // Posted twice (Back, then submit): the first submission's application is shown.
        match legalaid_app::forms::claim(&s.app, &page.ctx, &f.once)
            .await
            .map_err(page_error)?
        {
            legalaid_app::forms::Claim::Done(href) => return Ok(see_other(&href)),
            legalaid_app::forms::Claim::Busy => {
                return Err(page_error(legalaid_app::forms::busy()));
            }
            legalaid_app::forms::Claim::New => {}
        }
        let unit = f.receiving_unit_id.trim().parse::<i64>().ok().map(UnitId);
        match uc::create(&s.app, &page.ctx, &input, unit).await {
            Ok(v) => {
                let href = format!("/applications/{}", v.application.id);
                legalaid_app::forms::done(&s.app, &f.once, &href)
                    .await
                    .map_err(page_error)?;
                return Ok(see_other(&href));
            }
            Err(e) => {
                legalaid_app::forms::release(&s.app, &f.once)
                    .await
                    .map_err(page_error)?;
                match e {
                    AppError::Validation(e) => errs = intake_errors(e),
                    e => return Err(page_error(e)),
                }
            }
        }
    }
    Ok(intake_page(&s, &page, &f, &errs, &Finder::default()).await)
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
    use crate::html::panels::china;

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
