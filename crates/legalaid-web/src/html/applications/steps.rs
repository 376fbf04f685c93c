//! The action pages of an application: one small form page per step (supplement
//! notice, proposal, decision, objection, withdrawal, the bureau's objection
//! decision) and the pre-emptive grant, each carrying the version it was read at.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::panels::china;
use crate::html::{
    Field, FormPage, PageResult, Shell, kind_options, page_error, parse_id, see_other,
};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use legalaid_app::AppError;
use legalaid_app::applications::{self as uc, ApplicationAction, ApplicationView};
use legalaid_domain::application::{DenialReason, Objection, ObjectionOutcome, Outcome};
use legalaid_domain::assessment::Verdict;
use legalaid_domain::{ApplicationId, ObjectionId};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionInput {
    outcome: String,
    reason: String,
    items: String,
    denial_reason: String,
    version: String,
}

impl ActionInput {
    fn version(&self) -> i64 {
        self.version.trim().parse().unwrap_or(0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Supplement,
    Proposal,
    Decision,
    Objection,
    Withdrawal,
    /// The bureau's decision on this objection.
    ObjectionDecision(ObjectionId),
}

impl Step {
    fn title(self) -> &'static str {
        match self {
            Step::Supplement => "补充材料通知",
            Step::Proposal => "提出审查建议",
            Step::Decision => "作出决定",
            Step::Objection => "登记异议",
            Step::Withdrawal => "撤回申请",
            Step::ObjectionDecision(_) => "异议审查决定",
        }
    }

    fn path(self, id: ApplicationId) -> String {
        match self {
            Step::Supplement => format!("/applications/{id}/supplement-request"),
            Step::Proposal => format!("/applications/{id}/proposal"),
            Step::Decision => format!("/applications/{id}/decision"),
            Step::Objection => format!("/applications/{id}/objection"),
            Step::Withdrawal => format!("/applications/{id}/withdrawal"),
            Step::ObjectionDecision(o) => format!("/applications/{id}/objections/{o}/decision"),
        }
    }

    /// The action the step takes (`applications::actions` holds who may take it).
    fn action(self) -> ApplicationAction {
        match self {
            Step::Supplement => ApplicationAction::RequestSupplement,
            Step::Proposal => ApplicationAction::Propose,
            Step::Decision => ApplicationAction::Decide,
            Step::Objection => ApplicationAction::Object,
            Step::Withdrawal => ApplicationAction::Withdraw,
            Step::ObjectionDecision(o) => ApplicationAction::DecideObjection { objection_id: o },
        }
    }
}

fn pending_objection(v: &ApplicationView, oid: ObjectionId) -> Result<&Objection, Response> {
    let o = v
        .objections
        .iter()
        .find(|o| o.id == oid)
        .ok_or_else(|| page_error(AppError::NotFound))?;
    ApplicationAction::DecideObjection { objection_id: oid }
        .ready(v)
        .map_err(|m| page_error(AppError::Conflict(m)))?;
    Ok(o)
}

/// The form of a step, filled from `f` (or from the application when `f` is None).
fn step_form(
    page: &PageCtx,
    v: &ApplicationView,
    step: Step,
    f: Option<&ActionInput>,
) -> Result<FormPage, Response> {
    let a = &v.application;
    let x = &v.assessment;
    let notice: Option<String>;
    let outcome_of = |o: Option<Outcome>| o.map(|o| o.as_str().to_owned()).unwrap_or_default();
    let reason = f.map(|f| f.reason.clone()).unwrap_or_default();
    let mut fields = match step {
        Step::Supplement => {
            let items = f.map(|f| f.items.clone()).unwrap_or_else(|| {
                x.missing
                    .iter()
                    .enumerate()
                    .map(|(i, m)| format!("{}. {m}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            let mut fields = vec![
                Field::new("items", "需要补充的材料或说明的事项", "textarea", items)
                    .required()
                    .hint("每项一行；已按系统审查意见列出缺少的材料，可修改"),
            ];
            let again = !a.supplement_items.is_empty();
            notice = Some(if again {
                "已经发出过补充材料通知。补充材料应当一次性告知；再次要求补充的，须写明原因，审查期限不再中止（《法律援助法》第四十三条）。".to_owned()
            } else {
                "补充材料通知应一次性列明需要补充的全部材料（《法律援助法》第四十三条）；发出后审查期限中止。".to_owned()
            });
            if again {
                fields.push(
                    Field::new("reason", "再次告知的原因", "textarea", reason.clone())
                        .required()
                        .hint("如：申请人补充的材料中出现了新的事实，需要进一步说明"),
                );
            }
            fields
        }
        Step::Proposal | Step::Decision => {
            let chosen = match f {
                Some(f) => f.outcome.clone(),
                None => outcome_of(a.proposed_outcome.or(match x.verdict {
                    Verdict::Eligible => Some(Outcome::Granted),
                    Verdict::Ineligible => Some(Outcome::Denied),
                    Verdict::NeedsInformation => None,
                })),
            };
            let mut n = format!("系统审查意见：{}。", x.verdict.label());
            if step == Step::Decision
                && let Some(o) = a.proposed_outcome
            {
                n.push_str(&format!(
                    "审查建议：{}{}。",
                    o.label(),
                    if a.proposal_reason.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", a.proposal_reason)
                    }
                ));
            }
            notice = Some(n);
            let against = match x.verdict {
                Verdict::Eligible => {
                    "选择“不予法律援助”与系统审查意见不一致：须写明理由，决定将标记供监督检查。"
                }
                _ => "选择“给予法律援助”与系统审查意见不一致：须写明理由，决定将标记供监督检查。",
            };
            let mut fields = vec![
                Field::new(
                    "outcome",
                    if step == Step::Decision {
                        "决定"
                    } else {
                        "建议"
                    },
                    "select",
                    "",
                )
                .required()
                .options(
                    kind_options(Outcome::ALL, Outcome::as_str, Outcome::label, "请选择"),
                    &[chosen],
                )
                .hint(against),
                Field::new("reason", "理由", "textarea", reason).hint(
                    "不予法律援助须书面说明理由（《法律援助法》第四十三条）；与系统审查意见不一致的，须记录理由",
                ),
            ];
            if step == Step::Decision {
                let assessed = DenialReason::from_assessment(x);
                fields.push(
                    Field::new("denial_reason", "不予法律援助的原因类别", "select", "")
                        .options(
                            kind_options(
                                DenialReason::ALL,
                                DenialReason::as_str,
                                DenialReason::label,
                                &format!("按系统审查意见（{}）", assessed.label()),
                            ),
                            &[f.map(|f| f.denial_reason.clone()).unwrap_or_default()],
                        )
                        .hint("仅在不予法律援助时填写，用于统计报表（表六、表七“未批准”）"),
                );
            }
            fields
        }
        Step::Objection => {
            notice = Some(
                "申请人对不予法律援助的决定有异议的，由司法行政部门审查（《法律援助法》第四十九条）。"
                    .to_owned(),
            );
            vec![
                Field::new("reason", "异议理由", "textarea", reason)
                    .required()
                    .hint("按申请人的陈述记录"),
            ]
        }
        Step::Withdrawal => {
            notice = Some("撤回后本申请终结，不能恢复；申请人可以重新申请。".to_owned());
            vec![]
        }
        Step::ObjectionDecision(oid) => {
            let o = pending_objection(v, oid)?;
            notice = Some(format!(
                "异议理由：{}（{}收到）。维持原决定的，申请人仍为不予法律援助；责令改正的，申请重新进入审查。",
                o.reason,
                china(o.received_at)
            ));
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
                        &[f.map(|f| f.outcome.clone()).unwrap_or_default()],
                    ),
                Field::new("reason", "审查意见", "textarea", reason).required(),
            ]
        }
    };
    let version = match step {
        Step::ObjectionDecision(oid) => pending_objection(v, oid)?.version,
        _ => a.version,
    };
    // A resubmitted form keeps the version it was opened with: a stale one is reported.
    let version = f
        .map(|f| f.version.clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| version.to_string());
    fields.push(Field::new("version", "", "hidden", version));
    let mut shell = Shell::new(page, step.title(), "/applications");
    shell.notice = notice;
    Ok(FormPage {
        shell,
        heading: format!("{} · {}", step.title(), a.number),
        action: step.path(a.id),
        submit: match step {
            Step::Withdrawal => "确认撤回".into(),
            Step::Supplement => "发出通知".into(),
            _ => "提交".into(),
        },
        cancel: format!("/applications/{}", a.id),
        error: None,
        fields,
    })
}

/// GET: the step's form, if the caller may take it and the state allows it.
async fn open_step(s: &AppState, page: &PageCtx, id: &str, step: Step) -> PageResult {
    let id = parse_id(id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    if !step.action().by_role(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    step.action()
        .ready(&v)
        .map_err(|m| page_error(AppError::Conflict(m)))?;
    Ok(step_form(page, &v, step, None)?.respond(&[]))
}

/// POST: takes the step; a validation error shows the form again (422), a stale
/// version or a state that does not allow it the error page (409).
async fn take_step(s: &AppState, page: &PageCtx, id: &str, step: Step, req: Request) -> PageResult {
    let id = parse_id(id)?;
    let f: ActionInput = CsrfForm::parse(req, &page.csrf).await?;
    let version = f.version();
    let outcome = Outcome::parse(f.outcome.trim());
    let done = match step {
        Step::Supplement => {
            uc::request_supplement(&s.app, &page.ctx, id, version, &f.items, &f.reason)
                .await
                .map(|_| id)
        }
        Step::Proposal | Step::Decision => match outcome {
            None => Err(AppError::field("outcome", "请选择结果")),
            Some(o) if step == Step::Proposal => {
                uc::propose(&s.app, &page.ctx, id, version, o, &f.reason)
                    .await
                    .map(|_| id)
            }
            Some(o) => {
                let why = match (o, f.denial_reason.trim()) {
                    // The select is left as it was when the decision is a grant.
                    (Outcome::Granted, _) | (_, "") => Ok(None),
                    (_, c) => DenialReason::parse(c)
                        .map(Some)
                        .ok_or_else(|| AppError::field("denial_reason", "请选择原因类别")),
                };
                match why {
                    Ok(why) => uc::decide_coded(&s.app, &page.ctx, id, version, o, why, &f.reason)
                        .await
                        .map(|_| id),
                    Err(e) => Err(e),
                }
            }
        },
        Step::Objection => uc::object(&s.app, &page.ctx, id, version, &f.reason)
            .await
            .map(|_| id),
        Step::Withdrawal => uc::withdraw(&s.app, &page.ctx, id, version)
            .await
            .map(|_| id),
        Step::ObjectionDecision(oid) => match ObjectionOutcome::parse(f.outcome.trim()) {
            None => Err(AppError::field("outcome", "请选择维持原决定或责令改正")),
            Some(o) => uc::decide_objection(&s.app, &page.ctx, oid, version, o, &f.reason)
                .await
                .map(|d| d.application_id),
        },
    };
    match done {
        Ok(app_id) => Ok(see_other(&format!("/applications/{app_id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(step_form(page, &v, step, Some(&f))?.respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn supplement_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    open_step(&s, &page, &id, Step::Supplement).await
}

pub async fn request_supplement(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    take_step(&s, &page, &id, Step::Supplement, req).await
}

pub async fn supplement_received(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: ActionInput = CsrfForm::parse(req, &page.csrf).await?;
    uc::supplement_received(&s.app, &page.ctx, id, f.version())
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/applications/{id}")))
}

pub async fn proposal_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    open_step(&s, &page, &id, Step::Proposal).await
}

pub async fn propose(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    take_step(&s, &page, &id, Step::Proposal, req).await
}

pub async fn decision_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    open_step(&s, &page, &id, Step::Decision).await
}

pub async fn decide(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    take_step(&s, &page, &id, Step::Decision, req).await
}

pub async fn objection_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    open_step(&s, &page, &id, Step::Objection).await
}

pub async fn object(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    take_step(&s, &page, &id, Step::Objection, req).await
}

pub async fn withdrawal_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    open_step(&s, &page, &id, Step::Withdrawal).await
}

pub async fn withdraw(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    take_step(&s, &page, &id, Step::Withdrawal, req).await
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

/// Pre-emptive aid from the review page (LAL art 44).
pub async fn pre_emptive(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> PageResult {
    let id = parse_id(&id)?;
    let f: ActionInput = crate::extract::CsrfForm::parse(req, &page.csrf).await?;
    uc::grant_pre_emptively(&s.app, &page.ctx, id, f.version(), &f.reason)
        .await
        .map_err(page_error)?;
    Ok(see_other(&format!("/applications/{id}")))
}
