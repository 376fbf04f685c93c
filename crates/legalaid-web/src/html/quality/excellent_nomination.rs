//! Nomination pages of an excellent-case selection: the nomination form
//! (`/quality/excellent/{id}/nominate`, the case chosen from the unit's archived
//! cases of the period, or given by the case page's link), a nomination's page
//! (the case's closure and the recommendation; for a judge without the unit's
//! and handler's names) with the score and withdraw forms.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::panels::{Block, Fact, Panel, PanelForm, PanelPage, Row, china, or_dash};
use crate::html::{
    Action, Cell, Field, FormPage, PageResult, Shell, page_error, parse_id, see_other,
};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use legalaid_app::AppError;
use legalaid_app::quality::excellent::nominations::{
    self as uc, NominateInput, NominationAction, NominationView, ScoreInput,
};
use legalaid_domain::excellent::CriterionScore;
use legalaid_domain::{FieldError, NominationId, SelectionId};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct NewQuery {
    case: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct NominateForm {
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    recommendation: String,
}

fn nominate_form(
    page: &PageCtx,
    id: SelectionId,
    title: &str,
    f: &NominateForm,
    candidates: &[legalaid_app::quality::excellent::Candidate],
) -> FormPage {
    let hint = if candidates.is_empty() {
        "没有可以推荐的案件：只能推荐本单位承办、在本次评选的结案期间内结案归档、尚未推荐的案件。"
    } else {
        "本单位承办、在结案期间内结案归档的案件"
    };
    FormPage {
        shell: Shell::new(page, "推荐参评优秀案例", "/quality/excellent"),
        heading: format!("推荐参评：{title}"),
        action: format!("/quality/excellent/{id}/nominations"),
        submit: "推荐".into(),
        cancel: format!("/quality/excellent/{id}"),
        error: None,
        fields: vec![
            Field::new("case_id", "推荐的案件", "select", "")
                .required()
                .hint(hint)
                .options(
                    std::iter::once((String::new(), "请选择".to_owned())).chain(
                        candidates.iter().map(|c| {
                            let who = c
                                .handler_name
                                .as_deref()
                                .map(|h| format!("（承办人：{h}）"))
                                .unwrap_or_default();
                            (c.case_id.to_string(), format!("{}{who}", c.case_number))
                        }),
                    ),
                    std::slice::from_ref(&f.case_id),
                ),
            Field::new(
                "recommendation",
                "推荐理由",
                "textarea",
                f.recommendation.clone(),
            )
            .required()
            .hint("写明案例的典型性、办案过程中的主要工作和取得的效果（不超过4000字）"),
        ],
    }
}

pub async fn new(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    let id: SelectionId = parse_id(&id)?;
    let v = legalaid_app::quality::excellent::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let candidates = uc::candidates(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let f = NominateForm {
        case_id: q.case.unwrap_or_default(),
        ..NominateForm::default()
    };
    Ok(nominate_form(&page, id, &v.selection.title, &f, &candidates).respond(&[]))
}

/// The form again after a refused nomination, with why.
async fn again(
    s: &AppState,
    page: &PageCtx,
    id: SelectionId,
    f: &NominateForm,
    errors: &[FieldError],
    status: Option<StatusCode>,
) -> PageResult {
    let v = legalaid_app::quality::excellent::get(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let candidates = uc::candidates(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let mut res = nominate_form(page, id, &v.selection.title, f, &candidates).respond(errors);
    if let Some(st) = status {
        *res.status_mut() = st;
    }
    Ok(res)
}

pub async fn create(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: SelectionId = parse_id(&id)?;
    let f: NominateForm = CsrfForm::parse(req, &page.csrf).await?;
    let input = NominateInput {
        case_id: f.case_id.trim().parse().ok(),
        recommendation: f.recommendation.clone(),
    };
    match uc::nominate(&s.app, &page.ctx, id, &input).await {
        Ok(v) => Ok(see_other(&format!(
            "/quality/excellent/nominations/{}",
            v.nomination.id
        ))),
        Err(AppError::Validation(errs)) => again(&s, &page, id, &f, &errs, None).await,
        Err(AppError::Duplicate { field, message }) => {
            let errs = [FieldError { field, message }];
            again(&s, &page, id, &f, &errs, Some(StatusCode::CONFLICT)).await
        }
        Err(e) => Err(page_error(e)),
    }
}

fn nomination_page(page: &PageCtx, v: &NominationView, errors: &[FieldError]) -> PanelPage {
    let n = &v.nomination;
    let base = format!("/quality/excellent/nominations/{}", n.id);
    let title = format!("推荐案件：{}", v.case_number);
    let mut out = PanelPage::new(Shell::new(page, &title, "/quality/excellent"), title);
    out.badge = n.status.label().into();
    out.actions.push(Action {
        href: format!("/quality/excellent/{}", n.selection_id),
        label: "返回评选".into(),
    });
    let version = n.version.to_string();
    let mut work = Panel::new("办理");
    for a in &v.actions {
        let mut form = match a {
            NominationAction::Withdraw => PanelForm::post(format!("{base}/withdraw"), "撤回推荐")
                .hidden("version", version.clone())
                .group(
                    "",
                    vec![Field::new("reason", "撤回原因", "textarea", "").required()],
                ),
            NominationAction::Score => {
                let mut fields = Vec::new();
                if v.my_judge_id.is_none() {
                    // The organiser enters a judge's paper sheet.
                    fields.push(
                        Field::new("judge_id", "评委（录入纸质评分）", "select", "")
                            .required()
                            .options(
                                std::iter::once((String::new(), "请选择".to_owned())).chain(
                                    v.judges
                                        .iter()
                                        .filter(|j| !j.scored)
                                        .map(|j| (j.expert_id.to_string(), j.name.clone())),
                                ),
                                &[],
                            ),
                    );
                }
                for c in &v.criteria {
                    fields.push(
                        Field::new(
                            format!("score_{}", c.code),
                            &format!("{}（0–{}分）", c.name, c.max_points),
                            "number",
                            "",
                        )
                        .required(),
                    );
                }
                fields.push(Field::new("comment", "评语", "textarea", ""));
                PanelForm::post(format!("{base}/score"), "提交评分").group("评分", fields)
            }
        };
        if !errors.is_empty()
            && let Some(rest) = form.attach(errors)
        {
            out.error = Some(rest);
        }
        work.forms.push(form);
    }
    if !work.forms.is_empty() {
        out.panels.push(work);
    }
    if let Some(h) = &v.honour {
        let mut p = Panel::new("评选结果");
        p.class = "honour";
        p.lead = h.clone();
        out.panels.push(p);
    }
    let mut facts = Panel::new("案件");
    facts.facts.push(Fact::link(
        "评选",
        v.selection_title.clone(),
        format!("/quality/excellent/{}", n.selection_id),
    ));
    if v.blind {
        facts
            .facts
            .push(Fact::new("案件编号", v.case_number.clone()));
    } else {
        facts.facts.push(Fact::link(
            "案件编号",
            v.case_number.clone(),
            format!("/cases/{}", n.case_id),
        ));
    }
    facts.facts.push(Fact::new("案件类型", v.case_type.label()));
    facts.facts.push(Fact::new("诉讼阶段", v.stage.label()));
    facts.facts.push(Fact::new(
        "办理结果",
        v.outcome
            .map_or_else(|| "—".to_owned(), |o| o.label().to_owned()),
    ));
    facts.facts.push(Fact::new(
        "结案归档日期",
        v.closed_on
            .map_or_else(|| "—".to_owned(), |d| d.to_string()),
    ));
    if v.blind {
        facts.note = "评审期间不显示承办单位和承办人（交叉评审，匿名评分）。".into();
    } else {
        facts.facts.push(Fact::new(
            "推荐单位",
            or_dash(v.nominating_unit_name.as_deref().unwrap_or("")),
        ));
        facts.facts.push(Fact::new(
            "承办单位",
            or_dash(v.handling_unit_name.as_deref().unwrap_or("")),
        ));
        facts.facts.push(Fact::new(
            "承办人",
            or_dash(v.handler_name.as_deref().unwrap_or("")),
        ));
    }
    if let Some(a) = v.average {
        facts.facts.push(Fact::new("平均分", format!("{a:.2}")));
    }
    if !n.withdraw_reason.is_empty() {
        facts
            .facts
            .push(Fact::new("撤回原因", n.withdraw_reason.clone()));
    }
    out.panels.push(facts);
    let mut rec = Panel::new("推荐理由");
    rec.note = n.recommendation.clone();
    out.after.push(rec);
    let mut report = Panel::new("结案报告");
    report.note = or_dash(&v.closure_report);
    out.after.push(report);
    if !v.judges.is_empty() || !v.scores.is_empty() {
        out.blocks.push(Block {
            title: "评分".into(),
            headers: vec!["评委", "各项得分", "总分", "评语", "提交时间"],
            rows: v
                .judges
                .iter()
                .map(|j| {
                    let sheet = v.scores.iter().find(|x| x.expert_id == j.expert_id);
                    let items = sheet.map_or_else(
                        || "—".to_owned(),
                        |x| {
                            v.criteria
                                .iter()
                                .map(|c| {
                                    let pts = x
                                        .scores
                                        .0
                                        .iter()
                                        .find(|s| s.criterion == c.code)
                                        .map_or(0, |s| s.points);
                                    format!("{}{pts}分", c.name)
                                })
                                .collect::<Vec<_>>()
                                .join("；")
                        },
                    );
                    let mut cells = vec![Cell::text(j.name.clone()), Cell::text(items)];
                    cells.push(Cell::text(
                        sheet.map_or_else(|| "未评分".to_owned(), |x| x.total.to_string()),
                    ));
                    cells.push(Cell::text(or_dash(
                        sheet.map(|x| x.comment.as_str()).unwrap_or(""),
                    )));
                    cells.push(Cell::text(
                        sheet.map_or_else(|| "—".to_owned(), |x| china(x.submitted_at)),
                    ));
                    Row {
                        class: if sheet.is_some() { "" } else { "due-soon" },
                        cells,
                    }
                })
                .collect(),
            empty: "推荐截止、开始评审后，系统为本案分配评委。".into(),
        });
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let v = uc::get(&s.app, &page.ctx, parse_id(&id)?)
        .await
        .map_err(page_error)?;
    Ok(nomination_page(&page, &v, &[]).respond(false))
}

/// The score form's points: `score_<criterion>`, every criterion given.
fn scores_of(
    v: &NominationView,
    f: &HashMap<String, String>,
) -> Result<Vec<CriterionScore>, AppError> {
    let mut out = Vec::new();
    for c in &v.criteria {
        let raw = f
            .get(&format!("score_{}", c.code))
            .map(|x| x.trim().to_owned())
            .unwrap_or_default();
        if raw.is_empty() {
            continue;
        }
        let points = raw.parse::<u32>().map_err(|_| {
            AppError::Validation(vec![FieldError {
                field: format!("score_{}", c.code),
                message: format!("“{}”应为0至{}之间的整数", c.name, c.max_points),
            }])
        })?;
        out.push(CriterionScore {
            criterion: c.code.clone(),
            points,
        });
    }
    Ok(out)
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: NominationId,
    req: Request,
    which: NominationAction,
) -> PageResult {
    let f: HashMap<String, String> = CsrfForm::parse(req, &page.csrf).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let r = match which {
        NominationAction::Withdraw => {
            let version = get("version").trim().parse::<i64>().unwrap_or(0);
            uc::withdraw(&s.app, &page.ctx, id, version, &get("reason")).await
        }
        NominationAction::Score => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            match scores_of(&v, &f) {
                Ok(scores) => {
                    let input = ScoreInput {
                        judge_id: get("judge_id").trim().parse().ok(),
                        scores,
                        comment: get("comment"),
                    };
                    uc::score(&s.app, &page.ctx, id, &input).await
                }
                Err(e) => Err(e),
            }
        }
    };
    match r {
        Ok(_) => Ok(see_other(&format!("/quality/excellent/nominations/{id}"))),
        Err(AppError::Validation(errs)) => {
            let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
            Ok(nomination_page(page, &v, &errs).respond(true))
        }
        Err(e) => Err(page_error(e)),
    }
}

pub async fn withdraw(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, NominationAction::Withdraw).await
}

pub async fn score(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, NominationAction::Score).await
}
