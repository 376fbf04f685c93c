//! The review of one file (`/reviews/{id}`): the file, the scheme bound to it,
//! the tiers done so far, and the form of the step open to the caller — the
//! archive check, a scoring sheet (one row per item, grouped by phase), the
//! director's re-check (starting from the experts' mean per item), or sending a
//! 不合格 file back to be graded again after rectification.

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx};
use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, SentenceList, china, field_error, or_dash,
};
use crate::html::{Action, Cell, Field, PageResult, Shell, page_error, parse_id, see_other};
use axum::extract::{Path, Request, State};
use legalaid_app::AppError;
use legalaid_app::quality::reviews::{self as uc, ReviewAction, ReviewView};
use legalaid_domain::FieldError;
use legalaid_domain::ReviewId;
use legalaid_domain::quality::review::Tier;
use legalaid_domain::quality::scheme::{ItemScore, Phase};

fn score_name(code: &str) -> String {
    format!("s:{code}")
}

fn note_name(code: &str) -> String {
    format!("n:{code}")
}

/// The rows of a scoring sheet, grouped by phase, starting from `start`.
fn sheet_groups(v: &ReviewView, start: &[ItemScore]) -> Vec<(String, Vec<Field>)> {
    let mut out = Vec::new();
    for phase in Phase::ALL {
        let mut fields = Vec::new();
        for item in v.scheme.scheme.items.iter().filter(|i| i.phase == *phase) {
            let given = start.iter().find(|s| s.item == item.code);
            let mut score = Field::new(
                score_name(&item.code),
                &format!("{} {}（满分{}分）", item.code, item.title, item.points),
                "number",
                given.map_or_else(|| item.points.to_string(), |g| g.score.to_string()),
            )
            .required();
            if !item.standard.is_empty() {
                score = score.hint(&item.standard);
            }
            fields.push(score);
            fields.push(
                Field::new(
                    note_name(&item.code),
                    &format!("{} 扣分理由", item.code),
                    "text",
                    given.map_or_else(String::new, |g| g.note.clone()),
                )
                .hint("扣分的须写明理由"),
            );
        }
        if !fields.is_empty() {
            out.push((phase.label().to_owned(), fields));
        }
    }
    out
}

fn page_of(
    page: &PageCtx,
    v: &ReviewView,
    errors: &[FieldError],
    start: Option<&[ItemScore]>,
) -> PanelPage {
    let id = v.review.id;
    let base = format!("/reviews/{id}");
    let title = format!("案卷评查：{}", v.file.number);
    let mut out = PanelPage::new(Shell::new(page, &title, "/quality"), title.clone());
    out.badge = v.review.status.label().into();
    let f = &v.file;
    let mut file = Panel::new("案卷");
    file.facts = vec![
        Fact::link(
            "案件编号",
            f.number.clone(),
            format!("/cases/{}", f.case_id),
        ),
        Fact::new("案件类型", format!("{}（{}）", f.case_type, f.stage)),
        Fact::new("承办单位", or_dash(&f.handling_unit)),
        Fact::new("承办人", or_dash(&f.handler)),
        Fact::new(
            "指派日期",
            f.assigned_on.map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        Fact::new(
            "办结日期",
            f.ended_on.map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        Fact::new(
            "结案归档日期",
            f.closed_on.map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        Fact::new("办理结果", or_dash(&f.outcome)),
        Fact::new("办案补贴", f.subsidy_status.clone()),
    ];
    if !f.closure_report.is_empty() {
        file.lists.push(SentenceList {
            title: "结案报告".into(),
            items: vec![f.closure_report.clone()],
        });
    }
    out.panels.push(file);
    let mut state = Panel::new("评查");
    state.facts = vec![
        Fact::link(
            "评查批次",
            v.round.name.clone(),
            format!("/quality/rounds/{}", v.round.id),
        ),
        Fact::new("抽取原因", v.review.reason.label()),
        Fact::link(
            "评分标准",
            format!(
                "{}（第{}版，{}）",
                v.scheme.scheme.name,
                v.scheme.version,
                v.scheme.scheme.method.label()
            ),
            format!("/quality/schemes/{}", v.scheme.id),
        ),
        Fact::new("完成期限", v.round.due_on.to_string()),
        Fact::new(
            "评查专家",
            v.experts
                .iter()
                .map(|e| {
                    format!(
                        "{}（{}，{}）",
                        e.name,
                        e.kind,
                        if e.submitted {
                            "已评分"
                        } else {
                            "待评分"
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("、"),
        ),
    ];
    if let Some(done) = v.review.archive_complete {
        state.facts.push(Fact::new(
            "归档审查",
            if done {
                "材料齐全".to_owned()
            } else {
                format!("材料不齐全：{}", v.review.archive_missing)
            },
        ));
        if !v.review.archive_note.is_empty() {
            state
                .facts
                .push(Fact::new("归档审查意见", v.review.archive_note.clone()));
        }
    }
    if let Some(c) = v.combined {
        state.facts.push(Fact::new("专家平均分", c.to_string()));
    }
    if let (Some(t), Some(g)) = (v.review.final_total, v.review.final_grade) {
        state.lead = format!("复核得分 {t} 分，质量等级：{}", g.label());
        state.class = if g == legalaid_domain::case::Grade::Unqualified {
            "verdict-no"
        } else {
            "verdict-yes"
        };
    }
    if let Some(n) = &v.subsidy_note {
        state.note = n.clone();
    }
    let docs = legalaid_app::documents::review_available(v);
    state.links = docs
        .iter()
        .flat_map(|k| {
            [
                Action {
                    href: format!("{base}/documents/{}?format=pdf", k.as_str()),
                    label: format!("{}（PDF）", k.label()),
                },
                Action {
                    href: format!("{base}/documents/{}?format=docx", k.as_str()),
                    label: format!("{}（Word）", k.label()),
                },
            ]
        })
        .collect();
    out.panels.push(state);

    let version = v.review.version.to_string();
    let mut step = Panel::new("办理");
    for a in &v.actions {
        if *a == ReviewAction::OrderRectification {
            step.links.push(Action {
                href: format!("/rectifications/new?review={id}"),
                label: "下达整改通知".into(),
            });
            continue;
        }
        let mut form = match a {
            ReviewAction::ArchiveCheck => {
                PanelForm::post(format!("{base}/archive-check"), "提交归档审查")
                    .hidden("version", version.clone())
                    .group(
                        "归档审查",
                        vec![
                            Field::new("complete", "案卷材料", "select", "")
                                .required()
                                .options(
                                    [
                                        (String::new(), "请选择".to_owned()),
                                        ("true".to_owned(), "齐全，按顺序装订".to_owned()),
                                        ("false".to_owned(), "不齐全或顺序不符".to_owned()),
                                    ],
                                    &[],
                                ),
                            Field::new("missing", "缺少或顺序不符的材料", "textarea", ""),
                            Field::new("note", "审查意见", "textarea", ""),
                        ],
                    )
            }
            ReviewAction::Score => {
                let mut form = PanelForm::post(format!("{base}/score"), "提交评分")
                    .hidden("version", version.clone());
                let mine = v.may_score_for.len() == 1
                    && !legalaid_app::quality::is_quality_staff(&page.ctx);
                if !mine {
                    form = form.group(
                        "",
                        vec![
                            Field::new("expert_id", "录入哪位专家的评分", "select", "")
                                .required()
                                .options(
                                    v.experts
                                        .iter()
                                        .filter(|e| v.may_score_for.contains(&e.expert_id))
                                        .map(|e| (e.expert_id.to_string(), e.name.clone())),
                                    &[],
                                )
                                .hint("专家没有账号的，由质量评查人员录入其纸质评分表"),
                        ],
                    );
                }
                for (legend, fields) in sheet_groups(v, start.unwrap_or(&[])) {
                    form = form.group(&legend, fields);
                }
                form.group(
                    "",
                    vec![Field::new("findings", "评查意见", "textarea", "").required()],
                )
            }
            ReviewAction::Recheck => {
                let mut form = PanelForm::post(format!("{base}/recheck"), "复核并确定等级")
                    .hidden("version", version.clone());
                for (legend, fields) in sheet_groups(v, start.unwrap_or(&v.prefill)) {
                    form = form.group(&legend, fields);
                }
                form.group(
                    "",
                    vec![
                        Field::new("findings", "复核意见", "textarea", "")
                            .required()
                            .hint("各项已按专家评分的平均数填好，可以调整；复核确定的等级即为最终等级，决定办案补贴"),
                    ],
                )
            }
            ReviewAction::OrderRectification => continue,
            ReviewAction::Regrade => PanelForm::post(format!("{base}/regrade"), "整改后重新评定")
                .hidden("version", version.clone())
                .group(
                    "",
                    vec![
                        Field::new("reason", "整改情况", "textarea", "")
                            .required()
                            .hint(
                                "写明承办人对照评查意见整改的情况；提交后由中心负责人重新复核定级",
                            ),
                    ],
                ),
        };
        if !errors.is_empty() {
            if let Some(rest) = form.attach(errors) {
                out.error = Some(rest);
            } else if out.error.is_none() {
                out.error = Some("请修改标出的内容后再提交".into());
            }
        }
        step.forms.push(form);
    }
    if v.review.final_grade == Some(legalaid_domain::case::Grade::Unqualified)
        && v.review.status == legalaid_domain::quality::review::ReviewStatus::Final
        && !v.actions.contains(&ReviewAction::Regrade)
    {
        step.note = "评为不合格的案卷，下达整改通知并经核查销号后，由中心负责人重新评定；评定合格后按等级发放补贴。".into();
    }
    if step.forms.is_empty() && step.links.is_empty() {
        step.lead = match v.review.status.tier() {
            Some(Tier::ArchiveCheck) => "等待质量评查人员进行归档审查。".into(),
            Some(Tier::CaseReview) => "等待评查专家评分。".into(),
            Some(Tier::HeadRecheck) => "等待中心负责人复核。".into(),
            None => "评查已完成。".into(),
        };
    }
    out.after.push(step);

    if !v.rectifications.is_empty() {
        out.blocks.push(Block {
            title: "整改通知".into(),
            headers: vec!["问题类别", "整改要求", "期限", "状态"],
            rows: v
                .rectifications
                .iter()
                .map(|o| Row {
                    class: "",
                    cells: vec![
                        Cell::link(o.category.label(), format!("/rectifications/{}", o.id)),
                        Cell::text(o.requirement.clone()),
                        Cell::text(o.deadline.to_string()),
                        Cell::text(o.status.label()),
                    ],
                })
                .collect(),
            empty: String::new(),
        });
    }
    out.blocks.push(Block {
        title: "评分标准".into(),
        headers: vec!["序号", "阶段", "评查内容", "分值", "评分标准", "说明"],
        rows: v
            .scheme
            .scheme
            .items
            .iter()
            .map(|i| Row {
                class: "",
                cells: vec![
                    Cell::text(i.code.clone()),
                    Cell::text(i.phase.label()),
                    Cell::text(i.title.clone()),
                    Cell::text(i.points.to_string()),
                    Cell::text(or_dash(&i.standard)),
                    Cell::text(or_dash(&i.note)),
                ],
            })
            .collect(),
        empty: "该评分标准没有项目。".into(),
    });
    for s in &v.sheets {
        let who = match s.tier {
            Tier::HeadRecheck => format!("中心负责人复核：{}", s.reviewer_name),
            _ => format!("专家评分：{}", s.reviewer_name),
        };
        out.blocks.push(Block {
            title: format!(
                "{who}（{}，{} 分，{}）",
                china(s.submitted_at),
                s.total,
                s.grade.label()
            ),
            headers: vec!["序号", "评查内容", "得分", "扣分理由"],
            rows: s
                .scores
                .iter()
                .map(|x| {
                    let item = v.scheme.scheme.items.iter().find(|i| i.code == x.item);
                    Row {
                        class: if item.is_some_and(|i| x.score < i.points) {
                            "due-soon"
                        } else {
                            ""
                        },
                        cells: vec![
                            Cell::text(x.item.clone()),
                            Cell::text(item.map_or_else(String::new, |i| i.title.clone())),
                            Cell::text(format!("{} / {}", x.score, item.map_or(0, |i| i.points))),
                            Cell::text(or_dash(&x.note)),
                        ],
                    }
                })
                .chain(std::iter::once(Row {
                    class: "",
                    cells: vec![
                        Cell::text("意见"),
                        Cell::text(s.findings.clone()),
                        Cell::text(String::new()),
                        Cell::text(String::new()),
                    ],
                }))
                .collect(),
            empty: String::new(),
        });
    }
    out
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id: ReviewId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(page_of(&page, &v, &[], None).respond(false))
}

/// Reads a sheet from the form's `s:<item>` and `n:<item>` pairs.
fn sheet_from(v: &ReviewView, pairs: &[(String, String)]) -> (Vec<ItemScore>, Vec<FieldError>) {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut scores = Vec::new();
    for item in &v.scheme.scheme.items {
        let raw = get(&score_name(&item.code));
        match raw.parse::<u32>() {
            Ok(score) => scores.push(ItemScore {
                item: item.code.clone(),
                score,
                note: get(&note_name(&item.code)),
            }),
            Err(_) => errors.push(field_error(
                &score_name(&item.code),
                &format!("第{}项的得分应为0至{}的整数", item.code, item.points),
            )),
        }
    }
    (scores, errors)
}

fn value(pairs: &[(String, String)], k: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Field errors of the domain name items by their place (`scores[3]`): the page
/// names them by item code.
fn by_item(v: &ReviewView, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let place = e
                .field
                .strip_prefix("scores[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<usize>().ok());
            match place.and_then(|i| v.scheme.scheme.items.get(i)) {
                Some(item) => FieldError {
                    field: score_name(&item.code),
                    message: e.message,
                },
                None => e,
            }
        })
        .collect()
}

async fn step(
    s: &AppState,
    page: &PageCtx,
    id: ReviewId,
    req: Request,
    run: StepKind,
) -> PageResult {
    let pairs: Vec<(String, String)> = CsrfForm::parse(req, &page.csrf).await?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    let version = value(&pairs, "version").trim().parse::<i64>().ok();
    let result = match run {
        StepKind::Archive => {
            let complete = match value(&pairs, "complete").as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            uc::archive_check(
                &s.app,
                &page.ctx,
                id,
                &uc::ArchiveInput {
                    version,
                    complete,
                    missing: value(&pairs, "missing"),
                    note: value(&pairs, "note"),
                },
            )
            .await
            .map(|_| ())
        }
        StepKind::Score | StepKind::Recheck => {
            let (scores, errors) = sheet_from(&v, &pairs);
            if !errors.is_empty() {
                return Ok(page_of(page, &v, &errors, None).respond(true));
            }
            let input = uc::SheetInput {
                version,
                expert_id: value(&pairs, "expert_id").trim().parse().ok(),
                scores: scores.clone(),
                findings: value(&pairs, "findings"),
            };
            let r = if run == StepKind::Score {
                uc::score(&s.app, &page.ctx, id, &input).await
            } else {
                uc::recheck(&s.app, &page.ctx, id, &input).await
            };
            if let Err(AppError::Validation(errors)) = r {
                let errors = by_item(&v, errors);
                return Ok(page_of(page, &v, &errors, Some(&scores)).respond(true));
            }
            r.map(|_| ())
        }
        StepKind::Regrade => uc::regrade(
            &s.app,
            &page.ctx,
            id,
            version.unwrap_or(0),
            &value(&pairs, "reason"),
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/reviews/{id}"))),
        Err(AppError::Validation(errors)) => Ok(page_of(page, &v, &errors, None).respond(true)),
        Err(e) => Err(page_error(e)),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum StepKind {
    Archive,
    Score,
    Recheck,
    Regrade,
}

pub async fn archive_check(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, StepKind::Archive).await
}

pub async fn score(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, StepKind::Score).await
}

pub async fn recheck(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, StepKind::Recheck).await
}

pub async fn regrade(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    step(&s, &page, parse_id(&id)?, req, StepKind::Regrade).await
}
