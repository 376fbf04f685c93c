//! The action pages of a case: one small form page per step (agreement, progress,
//! termination and the objection to it with the bureau's decision, closure and its
//! review, grade, payment, the request to replace the handler), each carrying the
//! version it was read at; and the next stage of a criminal matter.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::cases::{NoFields, money, type_and_stage};
use crate::html::panels::{china, china_time, fen_of_yuan, field_error};
use crate::html::{
    Field, FormPage, PageResult, Shell, kind_options, page_error, parse_id, see_other,
};
use axum::extract::{Path, Request, State};
use chrono::NaiveDate;
use legalaid_app::AppError;
use legalaid_app::cases::{self as uc, CaseAction, CaseView};
use legalaid_domain::application::ObjectionOutcome;
use legalaid_domain::case::{
    Activity, Adoption, CaseOutcome, ClosureInput, Grade, ProgressInput, TerminationGround,
};
use legalaid_domain::subsidy::{EarlyEnd, FlatItem};
use legalaid_domain::{CaseId, ObjectionId};
use legalaid_domain::{FieldError, local_date};
use serde::Deserialize;

pub(crate) fn one(v: &str) -> [String; 1] {
    [v.to_owned()]
}

/// A date from a `date` field; empty is None (the use case says it is required).
fn date_field(name: &str, raw: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        s => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if d.is_none() {
                errs.push(field_error(name, "日期格式应为 YYYY-MM-DD"));
            }
            d
        }
    }
}

pub(crate) fn version_of(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(0)
}

// ---------------------------------------------------------------------------
// The form steps.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    version: String,
    signed_on: String,
    activity: String,
    occurred_on: String,
    note: String,
    hearing_at: String,
    hearing_place: String,
    ground: String,
    reason: String,
    outcome: String,
    ended_on: String,
    amount_yuan: String,
    adoption: String,
    report: String,
    flat_item: String,
    early_end: String,
    travel_km: String,
    decision: String,
    grade: String,
    paid_on: String,
    requested_by: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Agreement,
    Progress,
    Terminate,
    Object,
    Closure,
    ClosureReview,
    Grade,
    Pay,
    Replacement,
    /// The bureau's decision on this objection to the termination.
    ObjectionDecision(ObjectionId),
}

impl Step {
    fn title(self) -> &'static str {
        match self {
            Step::Agreement => "签订委托协议",
            Step::Progress => "登记办理进展",
            Step::Terminate => "终止法律援助",
            Step::Object => "登记异议",
            Step::Closure => "提交结案材料",
            Step::ClosureReview => "审查结案材料",
            Step::Grade => "质量等级",
            Step::Pay => "登记补贴发放",
            Step::Replacement => "申请更换承办人",
            Step::ObjectionDecision(_) => "异议审查决定",
        }
    }

    fn path(self, id: CaseId) -> String {
        match self {
            Step::Agreement => format!("/cases/{id}/agreement"),
            Step::Progress => format!("/cases/{id}/progress"),
            Step::Terminate => format!("/cases/{id}/terminate"),
            Step::Object => format!("/cases/{id}/object"),
            Step::Closure => format!("/cases/{id}/closure"),
            Step::ClosureReview => format!("/cases/{id}/closure-review"),
            Step::Grade => format!("/cases/{id}/grade"),
            Step::Pay => format!("/cases/{id}/pay"),
            Step::Replacement => format!("/cases/{id}/replacement"),
            Step::ObjectionDecision(o) => format!("/cases/{id}/objections/{o}/decision"),
        }
    }

    /// The action the step takes (`cases::actions` holds who may take it, when).
    fn action(self) -> CaseAction {
        match self {
            Step::Agreement => CaseAction::SignAgreement,
            Step::Progress => CaseAction::AddProgress,
            Step::Terminate => CaseAction::Terminate,
            Step::Object => CaseAction::Object,
            Step::Closure => CaseAction::SubmitClosure,
            Step::ClosureReview => CaseAction::ReviewClosure,
            Step::Grade => CaseAction::Grade,
            Step::Pay => CaseAction::PaySubsidy,
            Step::Replacement => CaseAction::RequestReplacement,
            Step::ObjectionDecision(o) => CaseAction::DecideObjection { objection_id: o },
        }
    }
}

fn pending_objection(
    v: &CaseView,
    oid: ObjectionId,
) -> Result<&legalaid_domain::application::Objection, String> {
    CaseAction::DecideObjection { objection_id: oid }.ready(v)?;
    v.objections
        .iter()
        .find(|o| o.id == oid)
        .ok_or_else(|| "该案件没有这项异议".into())
}

/// The fields of a step, filled from `f` (or defaults when first opened), with the
/// notice shown above them.
fn step_fields(
    v: &CaseView,
    step: Step,
    f: &StepForm,
    today: NaiveDate,
) -> (Vec<Field>, Option<String>) {
    let c = &v.case;
    let or_today = |s: &str| {
        if s.is_empty() {
            today.to_string()
        } else {
            s.to_owned()
        }
    };
    match step {
        Step::Agreement => (
            vec![
                Field::new("signed_on", "签订日期", "date", or_today(&f.signed_on))
                    .required()
                    .hint("委托协议和授权委托书签订之日；不能早于指派日期"),
            ],
            Some("承办人与受援人签订委托协议、受援人出具授权委托书后，案件进入承办阶段。".into()),
        ),
        Step::Progress => (
            vec![
                Field::new("activity", "工作事项", "select", "")
                    .required()
                    .options(
                        kind_options(Activity::ALL, Activity::as_str, Activity::label, "请选择"),
                        &one(&f.activity),
                    )
                    .hint("选择“收到裁判文书（事项办结）”的，办结日期随之确定"),
                Field::new("occurred_on", "日期", "date", or_today(&f.occurred_on)).required(),
                Field::new("note", "情况说明", "textarea", f.note.clone())
                    .hint("如会见地点、阅卷情况、取得的证据；将告知受援人"),
                Field::new("hearing_at", "开庭时间", "datetime-local", f.hearing_at.clone())
                    .hint("北京时间；已确定开庭的填写，系统在开庭前提醒受援人和承办人"),
                Field::new("hearing_place", "开庭地点", "text", f.hearing_place.clone()),
            ],
            Some(format!(
                "{}；登记后受援人会收到办理进展的告知。",
                type_and_stage(c.case_type, c.stage)
            )),
        ),
        Step::Terminate => {
            let grounds = std::iter::once((String::new(), "请选择".to_owned())).chain(
                TerminationGround::ALL
                    .iter()
                    .map(|g| (g.as_str().to_owned(), format!("{}（{}）", g.label(), g.basis()))),
            );
            // A declaration found false at verification is the first ground (LAL art
            // 48(1)(1)): proposed, with what the verification found.
            let (ground, reason, notice) = match &v.false_declaration {
                Some(found) if f.ground.is_empty() && f.reason.is_empty() => (
                    TerminationGround::Deception.as_str().to_owned(),
                    format!("经核查，受援人申请时作出的个人诚信承诺不实：{found}"),
                    "该案申请时的个人诚信承诺经核查不实，应当依照《法律援助法》第四十八条第一款第一项终止法律援助；受援人有异议的，可以向司法行政部门提出。",
                ),
                _ => (
                    f.ground.clone(),
                    f.reason.clone(),
                    "有《法律援助法》第四十八条规定情形之一的，法律援助机构应当作出终止法律援助的决定；受援人有异议的，可以向司法行政部门提出。",
                ),
            };
            (
                vec![
                    Field::new("ground", "终止情形", "select", "")
                        .required()
                        .options(grounds, &one(&ground)),
                    Field::new("reason", "事实和理由", "textarea", reason)
                        .required()
                        .hint("写明终止的事实依据；将告知受援人和承办人"),
                ],
                Some(notice.into()),
            )
        }
        Step::Object => (
            vec![
                Field::new("reason", "异议理由", "textarea", f.reason.clone())
                    .required()
                    .hint("按受援人的陈述记录"),
            ],
            Some(format!(
                "受援人对终止法律援助的决定（{}）有异议的，由司法行政部门审查。",
                c.termination_ground.map_or("—", |g| g.label())
            )),
        ),
        Step::Closure => {
            let outcomes = std::iter::once((String::new(), "请选择".to_owned())).chain(
                CaseOutcome::for_type(c.case_type)
                    .into_iter()
                    .map(|o| (o.as_str().to_owned(), o.label().to_owned())),
            );
            (
                vec![
                    Field::new("outcome", "办理结果", "select", "")
                        .required()
                        .options(outcomes, &one(&f.outcome)),
                    Field::new(
                        "ended_on",
                        "事项办结日期",
                        "date",
                        if f.ended_on.is_empty() {
                            c.ended_on.map(|d| d.to_string()).unwrap_or_default()
                        } else {
                            f.ended_on.clone()
                        },
                    )
                    .required()
                    .hint("如收到裁判文书、达成调解之日"),
                    Field::new("amount_yuan", "挽回损失或获得利益（元）", "text", f.amount_yuan.clone())
                        .hint("单位为元，如 12000 或 12000.50；没有的填 0 或留空"),
                    Field::new("adoption", "意见采纳情况", "select", "").options(
                        Adoption::ALL
                            .iter()
                            .map(|a| (a.as_str().to_owned(), a.label().to_owned())),
                        &one(if f.adoption.is_empty() {
                            Adoption::NotApplicable.as_str()
                        } else {
                            &f.adoption
                        }),
                    ),
                    Field::new("report", "结案报告", "textarea", f.report.clone())
                        .required()
                        .hint("办理的主要工作和结果"),
                    Field::new("flat_item", "补贴计发方式", "select", "").options(
                        kind_options(
                            FlatItem::ALL,
                            FlatItem::as_str,
                            FlatItem::label,
                            "按案件类型和质量等级计发",
                        ),
                        &one(&f.flat_item),
                    ),
                    Field::new("early_end", "提前终止时的办理程度", "select", "").options(
                        kind_options(EarlyEnd::ALL, EarlyEnd::as_str, EarlyEnd::label, "（未提前终止）"),
                        &one(&f.early_end),
                    ),
                    Field::new("travel_km", "异地办案距离（公里）", "number", f.travel_km.clone())
                        .hint("到外地办案的单程距离；本地办案留空"),
                ],
                Some({
                    let missing: Vec<&str> = v
                        .checklist
                        .iter()
                        .filter(|i| i.done_on.is_none())
                        .map(|i| i.label)
                        .collect();
                    let mut n = "事项办结后，承办人提交结案报告和材料（《法律援助法》第五十条），由中心审查；补贴按结案时有效的标准计算。".to_owned();
                    if !missing.is_empty() {
                        n.push_str(&format!("本阶段尚未登记的工作：{}；未办理的，请在结案报告中说明。", missing.join("、")));
                    }
                    n
                }),
            )
        }
        Step::ClosureReview => {
            let cl = c.closure.as_ref();
            let mut n = match cl {
                Some(cl) => format!(
                    "办理结果：{}；办结日期：{}；挽回损失或获得利益：{}。",
                    cl.outcome.label(),
                    cl.ended_on,
                    money(cl.amount_fen)
                ),
                None => String::new(),
            };
            if let Some(a) = v.subsidy.amount_fen {
                n.push_str(&format!(
                    "按{}计算的办案补贴：{}。",
                    v.subsidy.grade.label(),
                    money(a)
                ));
            }
            // Work the stage calls for that was never recorded: the reviewer decides
            // whether the report explains it (e.g. a mediation before any hearing).
            let missing: Vec<&str> = v
                .checklist
                .iter()
                .filter(|i| i.done_on.is_none())
                .map(|i| i.label)
                .collect();
            if !missing.is_empty() {
                n.push_str(&format!("未登记办理进展的工作：{}。", missing.join("、")));
            }
            let decisions = [
                (String::new(), "请选择".to_owned()),
                ("approve".to_owned(), "通过，结案归档".to_owned()),
                ("return".to_owned(), "退回补正".to_owned()),
            ];
            (
                vec![
                    Field::new("decision", "审查结果", "select", "")
                        .required()
                        .options(decisions, &one(&f.decision)),
                    Field::new("reason", "审查意见", "textarea", f.reason.clone())
                        .hint("退回的，写明需要补正的内容"),
                ],
                Some(n),
            )
        }
        Step::Grade => (
            vec![
                Field::new("grade", "质量等级", "select", "").required().options(
                    Grade::ALL
                        .iter()
                        .map(|g| (g.as_str().to_owned(), g.label().to_owned())),
                    &one(if f.grade.is_empty() {
                        c.grade.as_str()
                    } else {
                        &f.grade
                    }),
                ),
            ],
            Some("质量等级以案卷评查结果为准；评查前按“合格”计算。已结案未发放的补贴按新的等级重新计算，“不合格”的暂不发放。".into()),
        ),
        Step::Pay => (
            vec![
                Field::new("paid_on", "发放日期", "date", or_today(&f.paid_on)).required(),
            ],
            Some(format!(
                "应发放办案补贴：{}（承办人：{}）。登记后生成补贴领款凭单号，并告知承办人。",
                c.subsidy_fen.map_or_else(|| "—".to_owned(), money),
                v.handler_name.as_deref().unwrap_or("—")
            )),
        ),
        Step::Replacement => {
            let by = [
                (String::new(), "请选择".to_owned()),
                ("recipient".to_owned(), "受援人".to_owned()),
                ("handler".to_owned(), "承办人".to_owned()),
            ];
            (
                vec![
                    Field::new("requested_by", "提出人", "select", "")
                        .required()
                        .options(by, &one(&f.requested_by)),
                    Field::new("reason", "更换理由", "textarea", f.reason.clone()).required(),
                ],
                Some(format!(
                    "现承办人：{}（{}）。申请由中心审批；批准的，重新指派承办人并签订委托协议。",
                    v.handler_name.as_deref().unwrap_or("—"),
                    v.handling_unit.as_deref().unwrap_or("—")
                )),
            )
        }
        Step::ObjectionDecision(oid) => {
            let notice = pending_objection(v, oid).ok().map(|o| {
                format!(
                    "终止情形：{}（{}）。异议理由：{}（{}收到）。维持的，法律援助终止；责令改正的，案件恢复办理。",
                    c.termination_ground.map_or("—", |g| g.label()),
                    c.termination_ground.map(|g| g.basis()).unwrap_or_default(),
                    o.reason,
                    china(o.received_at)
                )
            });
            (
                vec![
                    Field::new("outcome", "审查决定", "select", "")
                        .required()
                        .options(
                            kind_options(
                                ObjectionOutcome::ALL,
                                ObjectionOutcome::as_str,
                                ObjectionOutcome::label,
                                "请选择",
                            ),
                            &one(&f.outcome),
                        ),
                    Field::new("reason", "审查意见", "textarea", f.reason.clone()).required(),
                ],
                notice,
            )
        }
    }
}

fn step_form(
    s: &AppState,
    page: &PageCtx,
    v: &CaseView,
    step: Step,
    f: Option<&StepForm>,
) -> FormPage {
    let blank = StepForm::default();
    let today = local_date(s.app.clock.now());
    let (mut fields, notice) = step_fields(v, step, f.unwrap_or(&blank), today);
    let version = match step {
        Step::ObjectionDecision(oid) => pending_objection(v, oid).map_or(0, |o| o.version),
        _ => v.case.version,
    };
    // A resubmitted form keeps the version it was opened with: a stale one is reported.
    let version = f
        .map(|f| f.version.clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| version.to_string());
    fields.push(Field::new("version", "", "hidden", version));
    let mut shell = Shell::new(page, step.title(), "/cases");
    shell.notice = notice.filter(|n| !n.is_empty());
    FormPage {
        shell,
        heading: format!("{} · {}", step.title(), v.case.number),
        action: step.path(v.case.id),
        submit: match step {
            Step::Terminate => "决定终止".into(),
            Step::Pay => "登记发放".into(),
            _ => "提交".into(),
        },
        cancel: format!("/cases/{}", v.case.id),
        error: None,
        fields,
    }
}

/// GET: the step's form, if the caller may take it and the state allows it.
async fn open_step(s: &AppState, page: &PageCtx, id: &str, step: Step) -> PageResult {
    let id = parse_id(id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    if !step.action().permitted(&page.ctx, &v.case) {
        return Err(page_error(AppError::forbidden()));
    }
    step.action()
        .ready(&v)
        .map_err(|m| page_error(AppError::Conflict(m)))?;
    Ok(step_form(s, page, &v, step, None).respond(&[]))
}

/// The closure report from the form: amounts in yuan become fen.
fn closure_input(f: &StepForm, errs: &mut Vec<FieldError>) -> ClosureInput {
    let amount_fen = match f.amount_yuan.trim() {
        "" => 0,
        raw => fen_of_yuan(raw).unwrap_or_else(|| {
            errs.push(field_error(
                "amount_yuan",
                "请填写金额，单位为元，如 12000 或 12000.50",
            ));
            0
        }),
    };
    let travel_km = match f.travel_km.trim() {
        "" => None,
        raw => {
            let km = raw.parse::<u32>().ok();
            if km.is_none() {
                errs.push(field_error("travel_km", "请填写整数公里数"));
            }
            km
        }
    };
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    ClosureInput {
        outcome: f.outcome.clone(),
        ended_on: date_field("ended_on", &f.ended_on, errs),
        amount_fen,
        adoption: f.adoption.clone(),
        report: f.report.clone(),
        flat_item: opt(&f.flat_item),
        early_end: opt(&f.early_end),
        travel_km,
        version: Some(version_of(&f.version)),
    }
}

/// Runs the step's use case; Ok is where to go next.
async fn run_step(
    s: &AppState,
    page: &PageCtx,
    id: CaseId,
    step: Step,
    f: &StepForm,
) -> Result<String, AppError> {
    let (app, ctx) = (&s.app, &page.ctx);
    let version = version_of(&f.version);
    let mut errs = Vec::new();
    let back = format!("/cases/{id}");
    match step {
        Step::Agreement => {
            let on = date_field("signed_on", &f.signed_on, &mut errs);
            if !errs.is_empty() {
                return Err(AppError::Validation(errs));
            }
            uc::sign_agreement(app, ctx, id, version, on).await?;
        }
        Step::Progress => {
            let input = ProgressInput {
                activity: f.activity.clone(),
                occurred_on: date_field("occurred_on", &f.occurred_on, &mut errs),
                note: f.note.clone(),
                hearing_at: china_time("hearing_at", &f.hearing_at, &mut errs),
                hearing_place: f.hearing_place.clone(),
            };
            if !errs.is_empty() {
                return Err(AppError::Validation(errs));
            }
            uc::add_progress(app, ctx, id, &input).await?;
        }
        Step::Terminate => {
            uc::terminate(app, ctx, id, version, &f.ground, &f.reason).await?;
        }
        Step::Object => {
            uc::object_termination(app, ctx, id, version, &f.reason).await?;
        }
        Step::Closure => {
            let input = closure_input(f, &mut errs);
            if !errs.is_empty() {
                return Err(AppError::Validation(errs));
            }
            uc::submit_closure(app, ctx, id, &input)
                .await
                .map_err(|e| match e {
                    // The domain reports the amount in fen; the form asks for yuan.
                    AppError::Validation(errs) => AppError::Validation(
                        errs.into_iter()
                            .map(|mut e| {
                                if e.field == "amount_fen" {
                                    e.field = "amount_yuan".into();
                                }
                                e
                            })
                            .collect(),
                    ),
                    e => e,
                })?;
        }
        Step::ClosureReview => {
            let approve = match f.decision.as_str() {
                "approve" => true,
                "return" => false,
                _ => return Err(AppError::field("decision", "请选择通过或退回")),
            };
            uc::review_closure(app, ctx, id, version, approve, &f.reason).await?;
        }
        Step::Grade => {
            uc::set_grade(app, ctx, id, version, &f.grade).await?;
        }
        Step::Pay => {
            let on = date_field("paid_on", &f.paid_on, &mut errs);
            if !errs.is_empty() {
                return Err(AppError::Validation(errs));
            }
            uc::pay_subsidy(app, ctx, id, version, on).await?;
        }
        Step::Replacement => {
            uc::request_replacement(app, ctx, id, &f.requested_by, &f.reason).await?;
        }
        Step::ObjectionDecision(oid) => {
            let Some(outcome) = ObjectionOutcome::parse(f.outcome.trim()) else {
                return Err(AppError::field("outcome", "请选择维持或责令改正"));
            };
            // The objection belongs to this case.
            let v = uc::get(app, ctx, id).await?;
            pending_objection(&v, oid).map_err(AppError::Conflict)?;
            uc::decide_objection(app, ctx, oid, version, outcome, &f.reason).await?;
        }
    }
    Ok(back)
}

/// POST: takes the step; a validation error shows the form again (422), a stale
/// version or a state that does not allow it the error page (409).
async fn take_step(s: &AppState, page: &PageCtx, id: &str, step: Step, req: Request) -> PageResult {
    let id = parse_id(id)?;
    let f: StepForm = CsrfForm::parse(req, &page.csrf).await?;
    match run_step(s, page, id, step, &f).await {
        Ok(to) => Ok(see_other(&to)),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(step_form(s, page, &v, step, Some(&f)).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

macro_rules! step_handlers {
    ($($get:ident, $post:ident => $step:expr;)*) => {$(
        pub async fn $get(
            State(s): State<AppState>,
            page: PageCtx,
            Path(id): Path<String>,
        ) -> PageResult {
            open_step(&s, &page, &id, $step).await
        }

        pub async fn $post(
            State(s): State<AppState>,
            page: PageCtx,
            Path(id): Path<String>,
            req: Request,
        ) -> PageResult {
            take_step(&s, &page, &id, $step, req).await
        }
    )*};
}

step_handlers! {
    agreement_page, sign_agreement => Step::Agreement;
    progress_page, add_progress => Step::Progress;
    terminate_page, terminate => Step::Terminate;
    object_page, object => Step::Object;
    closure_page, submit_closure => Step::Closure;
    closure_review_page, review_closure => Step::ClosureReview;
    grade_page, set_grade => Step::Grade;
    pay_page, pay => Step::Pay;
    replacement_page, request_replacement => Step::Replacement;
}

pub async fn objection_decision_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, oid)): Path<(String, String)>,
) -> PageResult {
    let oid = parse_id(&oid)?;
    open_step(&s, &page, &id, Step::ObjectionDecision(oid)).await
}

pub async fn decide_objection(
    State(s): State<AppState>,
    page: PageCtx,
    Path((id, oid)): Path<(String, String)>,
    req: Request,
) -> PageResult {
    let oid = parse_id(&oid)?;
    take_step(&s, &page, &id, Step::ObjectionDecision(oid), req).await
}

/// Opens the next stage of a criminal matter from the case page.
pub async fn next_stage(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let _: NoFields = CsrfForm::parse(req, &page.csrf).await?;
    let v = uc::open_next_stage(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/cases/{}", v.case.id)))
}
