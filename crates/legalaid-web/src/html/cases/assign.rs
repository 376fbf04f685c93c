//! Choosing who handles a case: the assignment with the ranked suggestions (the
//! center assigns; an assigned law firm or legal service office names its own
//! handler), the center's decision on a request to replace the handler, and
//! opening the case of a granted application (立案).

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::cases::steps::{one, version_of};
use crate::html::cases::{due_text, type_and_stage};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{Cell, Field, FormPage, PageResult, Shell, page_error, parse_id, see_other};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use legalaid_app::cases::{self as uc, CaseAction, CaseView};
use legalaid_app::{AppError, applications, rules, units};
use legalaid_domain::application::{Channel, Status};
use legalaid_domain::assignment::Suggestion;
use legalaid_domain::case::{
    AssignInput, CaseType, OpenCase, ReplacementStatus, Stage, first_stage, type_for,
};
use legalaid_domain::unit::UnitKind;
use legalaid_domain::{FieldError, local_date};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    /// "unit_id:staff_id" of a suggested handler, or empty.
    handler: String,
    /// A law firm or legal service office assigned without naming the handler.
    unit_id: String,
    conflict_reason: String,
    /// For a replacement request: approve / refuse.
    decision: String,
    reason: String,
    version: String,
}

impl AssignForm {
    /// The assignment the form asks for; errors name the form's fields.
    fn input(&self, unit_only: bool) -> Result<AssignInput, AppError> {
        let (unit_id, handler_id) = match self.handler.trim().split_once(':') {
            Some((u, h)) => match (u.parse::<i64>(), h.parse::<i64>()) {
                (Ok(u), Ok(h)) => (Some(u), Some(h)),
                _ => return Err(AppError::field("handler", "请从列表中选择承办人")),
            },
            None if unit_only => (self.unit_id.trim().parse::<i64>().ok(), None),
            None => (None, None),
        };
        if unit_id.is_none() {
            return Err(AppError::field(
                "handler",
                if unit_only {
                    "请选择承办人，或只选择承办单位"
                } else {
                    "请选择承办人"
                },
            ));
        }
        Ok(AssignInput {
            unit_id,
            handler_id,
            version: Some(version_of(&self.version)),
            conflict_reason: self.conflict_reason.clone(),
        })
    }
}

/// The use case names `unit_id` / `handler_id`; the form has one chooser.
fn assign_errors(errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if e.field == "handler_id" || e.field == "unit_id" && !e.message.contains("单位") {
                e.field = "handler".into();
            }
            e
        })
        .collect()
}

fn suggestions_block(list: &[Suggestion], skip: Option<i64>) -> Block {
    Block {
        title: "候选承办人".into(),
        headers: vec![
            "承办人",
            "执业机构",
            "在办案件",
            "本年指派",
            "执业年限",
            "排序理由",
            "审查",
        ],
        rows: list
            .iter()
            .filter(|x| Some(x.staff_id) != skip)
            .map(|x| Row {
                class: if !x.refusals.is_empty() {
                    "refused"
                } else if !x.conflicts.is_empty() {
                    "flagged"
                } else {
                    ""
                },
                cells: vec![
                    Cell::text(x.name.clone()),
                    Cell::text(x.unit_name.clone()),
                    Cell::text(x.open_cases.to_string()),
                    Cell::text(x.assigned_this_year.to_string()),
                    Cell::text(format!("{}年", x.years_of_practice)),
                    Cell::text(x.reasons.join("；")),
                    Cell::text(if !x.refusals.is_empty() {
                        format!("不可指派：{}", x.refusals.join("；"))
                    } else if !x.conflicts.is_empty() {
                        format!("利益冲突：{}（须写明确认理由）", x.conflicts.join("；"))
                    } else {
                        "可以指派".to_owned()
                    }),
                ],
            })
            .collect(),
        empty: "没有可供选择的承办人。请先在“工作人员”中登记律师事务所、基层法律服务所的执业人员。"
            .into(),
    }
}

/// The eligible suggestions as "unit_id:staff_id" options.
fn handler_options(list: &[Suggestion], skip: Option<i64>, first: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), first.to_owned()))
        .chain(
            list.iter()
                .filter(|x| x.eligible && Some(x.staff_id) != skip)
                .map(|x| {
                    (
                        format!("{}:{}", x.unit_id, x.staff_id),
                        format!(
                            "{}（{}，在办{}件）{}",
                            x.name,
                            x.unit_name,
                            x.open_cases,
                            if x.conflicts.is_empty() {
                                ""
                            } else {
                                " · 有利益冲突"
                            }
                        ),
                    )
                }),
        )
        .collect()
}

fn conflict_field(f: &AssignForm) -> Field {
    Field::new(
        "conflict_reason",
        "利益冲突确认理由",
        "textarea",
        f.conflict_reason.clone(),
    )
    .hint(
        "所选承办人有利益冲突提示的，经审查不构成冲突时写明理由（如受援人书面同意）；否则不能指派",
    )
}

/// Where an assignment or replacement stands when it fails: the form again with
/// the reason (422 for input, 409 for the law's refusal or a stale version).
fn failed(mut p: PanelPage, e: AppError) -> PageResult {
    let status = match &e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        _ => return Err(page_error(e)),
    };
    let message = match e {
        AppError::Validation(errs) => {
            let errs = assign_errors(errs);
            let rest = p
                .after
                .first_mut()
                .and_then(|panel| panel.forms.first_mut())
                .and_then(|form| form.attach(&errs));
            rest.unwrap_or_else(|| "请修改标出的内容后再提交".into())
        }
        e => e.to_string(),
    };
    p.error = Some(message);
    let mut res = p.respond(false);
    *res.status_mut() = status;
    Ok(res)
}

async fn assign_view(
    s: &AppState,
    page: &PageCtx,
    id: &str,
) -> Result<(CaseView, Vec<Suggestion>), Response> {
    let id = parse_id(id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    let assign = CaseAction::Assign;
    if !assign.permitted(&page.ctx, &v.case) {
        return Err(page_error(AppError::forbidden()));
    }
    assign
        .ready(&v)
        .map_err(|m| page_error(AppError::Conflict(m)))?;
    let list = uc::suggestions(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok((v, list))
}

async fn assign_form(
    s: &AppState,
    page: &PageCtx,
    v: &CaseView,
    list: &[Suggestion],
    f: &AssignForm,
) -> PanelPage {
    let c = &v.case;
    let center = uc::can_manage(&page.ctx);
    let mut p = PanelPage::new(
        Shell::new(page, "指派", "/cases"),
        format!("指派 · {}", c.number),
    );
    p.badge = c.status.label().to_owned();
    let mut facts = Panel::new("案件");
    facts.facts = vec![
        Fact::new("受援人", v.recipient.name.clone()),
        Fact::new("类型与阶段", type_and_stage(c.case_type, c.stage)),
        Fact::new("对方当事人", or_dash(&c.opposing_party)),
    ];
    if c.possible_life_or_death {
        facts.facts.push(Fact::new(
            "特别要求",
            "可能被判处无期徒刑、死刑：应当指派具有三年以上相关执业经历的律师",
        ));
    }
    if c.juvenile {
        facts
            .facts
            .push(Fact::new("未成年人", "应当指派熟悉未成年人身心特点的律师"));
    }
    if let Some(d) = v.deadlines.iter().find(|d| !d.met) {
        facts.facts.push(Fact::new(
            "期限",
            format!("{} {}（{}）", d.label, due_text(d), d.state_label),
        ));
    }
    p.panels.push(facts);
    p.blocks.push(suggestions_block(list, None));
    let mut fields = vec![
        Field::new("handler", "承办人", "select", "")
            .options(
                handler_options(
                    list,
                    None,
                    if center {
                        "请选择承办人（或在下一项只选承办单位）"
                    } else {
                        "请选择"
                    },
                ),
                &one(&f.handler),
            )
            .hint("只列出可以指派的人员，按排序先后；有利益冲突提示的须写明确认理由"),
    ];
    if center {
        let mut firms: Vec<_> = units::all_visible(&s.app, &page.ctx)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| {
                u.active && matches!(u.kind, UnitKind::LawFirm | UnitKind::LegalServiceOffice)
            })
            .collect();
        firms.sort_by(|a, b| a.name.cmp(&b.name));
        fields.push(
            Field::new("unit_id", "或只指派承办单位", "select", "")
                .options(
                    std::iter::once((String::new(), "（不单独指派承办单位）".to_owned()))
                        .chain(firms.into_iter().map(|u| (u.id.to_string(), u.name))),
                    &one(&f.unit_id),
                )
                .hint("律师事务所、基层法律服务所收到指派后自行确定承办人；选择了承办人的，以承办人所在单位为准"),
        );
    }
    fields.push(conflict_field(f));
    let version = if f.version.trim().is_empty() {
        c.version.to_string()
    } else {
        f.version.clone()
    };
    let mut form = PanelForm::post(format!("/cases/{}/assign", c.id), "指派")
        .hidden("version", version)
        .group("", fields);
    form.cancel = format!("/cases/{}", c.id);
    let mut panel = Panel::new("指派");
    panel.note = "指派后系统告知受援人和承办人；承办人应在期限内与受援人签订委托协议。".into();
    panel.forms.push(form);
    p.after.push(panel);
    p
}

pub async fn assign_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let (v, list) = assign_view(&s, &page, &id).await?;
    Ok(assign_form(&s, &page, &v, &list, &AssignForm::default())
        .await
        .respond(false))
}

pub async fn assign(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let f: AssignForm = CsrfForm::parse(req, &page.csrf).await?;
    let (v, list) = assign_view(&s, &page, &id).await?;
    let done = match f.input(uc::can_manage(&page.ctx)) {
        Ok(input) => uc::assign(&s.app, &page.ctx, v.case.id, &input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(v) => Ok(see_other(&format!("/cases/{}", v.case.id))),
        Err(e) => failed(assign_form(&s, &page, &v, &list, &f).await, e),
    }
}

async fn replacement_view(
    s: &AppState,
    page: &PageCtx,
    id: &str,
    rid: &str,
) -> Result<(CaseView, Vec<Suggestion>, i64), Response> {
    let (id, rid) = (parse_id(id)?, parse_id(rid)?);
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    if !uc::can_manage(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    match v.replacements.iter().find(|r| r.id == rid) {
        None => return Err(page_error(AppError::NotFound)),
        Some(r) if r.status != ReplacementStatus::Pending => {
            return Err(page_error(AppError::Conflict("该更换申请已处理".into())));
        }
        Some(_) => {}
    }
    let list = uc::suggestions(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok((v, list, rid))
}

fn replacement_form(
    page: &PageCtx,
    v: &CaseView,
    list: &[Suggestion],
    rid: i64,
    f: &AssignForm,
) -> PanelPage {
    let c = &v.case;
    let mut p = PanelPage::new(
        Shell::new(page, "审批更换承办人", "/cases"),
        format!("审批更换承办人 · {}", c.number),
    );
    let mut facts = Panel::new("更换申请");
    if let Some(r) = v.replacements.iter().find(|r| r.id == rid) {
        facts.facts = vec![
            Fact::new("提出人", r.requested_by.label()),
            Fact::new("理由", r.reason.clone()),
            Fact::new("提出时间", china(r.created_at)),
        ];
    }
    facts.facts.push(Fact::new(
        "现承办人",
        format!(
            "{}（{}）",
            v.handler_name.as_deref().unwrap_or("—"),
            v.handling_unit.as_deref().unwrap_or("—")
        ),
    ));
    p.panels.push(facts);
    p.blocks.push(suggestions_block(list, c.handler_id));
    let decisions = [
        (String::new(), "请选择".to_owned()),
        ("approve".to_owned(), "批准更换".to_owned()),
        ("refuse".to_owned(), "不予更换".to_owned()),
    ];
    let fields = vec![
        Field::new("decision", "审批结果", "select", "")
            .required()
            .options(decisions, &one(&f.decision)),
        Field::new("handler", "新的承办人", "select", "")
            .options(
                handler_options(list, c.handler_id, "请选择"),
                &one(&f.handler),
            )
            .hint("批准更换的，从可以指派的人员中选择"),
        conflict_field(f),
        Field::new("reason", "审批意见", "textarea", f.reason.clone()).required(),
    ];
    let version = if f.version.trim().is_empty() {
        c.version.to_string()
    } else {
        f.version.clone()
    };
    let mut form = PanelForm::post(format!("/cases/{}/replacements/{rid}", c.id), "提交")
        .hidden("version", version)
        .group("", fields);
    form.cancel = format!("/cases/{}", c.id);
    let mut panel = Panel::new("审批");
    panel.note = "批准的，原承办人的指派结束，新的承办人应重新与受援人签订委托协议；系统告知受援人、原承办人和新的承办人。".into();
    panel.forms.push(form);
    p.after.push(panel);
    p
}

pub async fn replacement_decision_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, rid)): Path<(String, String)>,
) -> PageResult {
    let (v, list, rid) = replacement_view(&s, &page, &id, &rid).await?;
    Ok(replacement_form(&page, &v, &list, rid, &AssignForm::default()).respond(false))
}

pub async fn decide_replacement(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, rid)): Path<(String, String)>,
    req: Request,
) -> PageResult {
    let f: AssignForm = CsrfForm::parse(req, &page.csrf).await?;
    let (v, list, rid) = replacement_view(&s, &page, &id, &rid).await?;
    let done = match f.decision.as_str() {
        "approve" => match f.input(false) {
            Ok(to) => {
                uc::decide_replacement(&s.app, &page.ctx, v.case.id, rid, true, &f.reason, &to)
                    .await
            }
            Err(e) => Err(e),
        },
        "refuse" => {
            uc::decide_replacement(
                &s.app,
                &page.ctx,
                v.case.id,
                rid,
                false,
                &f.reason,
                &AssignInput::default(),
            )
            .await
        }
        _ => Err(AppError::field("decision", "请选择批准或不予更换")),
    };
    match done {
        Ok(v) => Ok(see_other(&format!("/cases/{}", v.case.id))),
        Err(e) => failed(replacement_form(&page, &v, &list, rid, &f), e),
    }
}

// ---------------------------------------------------------------------------
// Opening the case of an application (立案).

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    case_type: String,
    stage: String,
    possible_life_or_death: String,
    juvenile: String,
}

async fn open_form(
    s: &AppState,
    page: &PageCtx,
    v: &applications::ApplicationView,
    f: Option<&OpenForm>,
) -> FormPage {
    let a = &v.application;
    let book = rules::rulebook(&s.app).await.unwrap_or_default();
    let suggested = book
        .matters
        .iter()
        .find(|m| m.code == a.matter_code)
        .map_or(CaseType::Civil, |m| type_for(m.category, a.service_form));
    let stage = first_stage(suggested, &a.matter_code, a.notifying_organ);
    let minor = v
        .applicant
        .birth_date
        .is_some_and(|b| legalaid_domain::person::age_on(b, local_date(a.received_at)) < 18);
    let (case_type, stage, life, juvenile) = match f {
        Some(f) => (
            f.case_type.clone(),
            f.stage.clone(),
            f.possible_life_or_death.clone(),
            f.juvenile.clone(),
        ),
        None => (
            suggested.as_str().to_owned(),
            stage.as_str().to_owned(),
            String::new(),
            if minor { "true".into() } else { String::new() },
        ),
    };
    let mut shell = Shell::new(page, "立案", "/applications");
    shell.notice = Some(format!(
        "申请人：{}；申请事项：{}；{}。立案后应在期限内指派承办人员。",
        v.applicant.name,
        v.matter_label,
        if a.channel == Channel::Notified {
            "办案机关通知辩护（代理）的案件，立案即依法给予法律援助"
        } else {
            "已决定给予法律援助"
        }
    ));
    FormPage {
        shell,
        heading: format!("立案 · {}", a.number),
        action: format!("/applications/{}/case", a.id),
        submit: "立案".into(),
        cancel: format!("/applications/{}", a.id),
        error: None,
        fields: vec![
            Field::new("case_type", "案件类型", "select", "")
                .required()
                .options(
                    CaseType::ALL
                        .iter()
                        .map(|t| (t.as_str().to_owned(), t.label().to_owned())),
                    &one(&case_type),
                )
                .hint(&format!("按申请事项建议为“{}”", suggested.label())),
            Field::new("stage", "诉讼阶段", "select", "")
                .required()
                .options(
                    Stage::ALL
                        .iter()
                        .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
                    &one(&stage),
                )
                .hint("刑事案件按诉讼阶段分别立案；民事、行政和非诉讼案件选择“全程”"),
            Field::new(
                "possible_life_or_death",
                "可能被判处无期徒刑、死刑",
                "checkbox",
                life,
            ),
            Field::new("juvenile", "涉及未成年人", "checkbox", juvenile),
        ],
    }
}

async fn openable(
    s: &AppState,
    page: &PageCtx,
    id: &str,
) -> Result<applications::ApplicationView, Response> {
    let id = parse_id(id)?;
    let v = applications::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    if !uc::can_manage(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let a = &v.application;
    if !(a.status == Status::Granted
        || a.channel == Channel::Notified && a.status == Status::Received)
    {
        return Err(page_error(AppError::Conflict(format!(
            "只有决定给予法律援助的申请才能立案，该申请当前状态为“{}”",
            a.status.label()
        ))));
    }
    Ok(v)
}

pub async fn open_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let v = openable(&s, &page, &id).await?;
    Ok(open_form(&s, &page, &v, None).await.respond(&[]))
}

pub async fn open(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let f: OpenForm = CsrfForm::parse(req, &page.csrf).await?;
    let v = openable(&s, &page, &id).await?;
    let input = OpenCase {
        case_type: Some(f.case_type.clone()),
        stage: Some(f.stage.clone()),
        possible_life_or_death: f.possible_life_or_death == "true",
        juvenile: Some(f.juvenile == "true"),
    };
    match uc::open(&s.app, &page.ctx, v.application.id, &input).await {
        Ok(c) => Ok(see_other(&format!("/cases/{}", c.case.id))),
        Err(AppError::Validation(errs)) => {
            Ok(open_form(&s, &page, &v, Some(&f)).await.respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}
