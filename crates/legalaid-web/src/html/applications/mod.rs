//! Pages for applications: the list with each one's most pressing deadline, the
//! intake form, the review page (the facts beside the assessment, the deadlines,
//! objections, and the actions the state and the caller's roles allow), and one
//! small form page per action.
//!
//! The panel page types live in `panels.rs`.

pub(crate) mod intake;
pub(crate) mod steps;
pub(crate) mod verification;

use crate::AppState;
use crate::extract::{PageCtx, PageQuery};
pub(crate) use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, SentenceList, fen_of_yuan, field_error,
};
use crate::html::panels::{china, or_dash};
use crate::html::{
    Action, Cell, Field, ListPage, PageResult, Pager, Shell, Table, kind_options, page_error,
    parse_id, query_string, render,
};
use axum::extract::{Path, State};
use chrono::NaiveDate;
use legalaid_app::applications::{self as uc, ApplicationAction, ApplicationView};
use legalaid_app::filters::ApplicationFilter;
use legalaid_app::records::Subject;
use legalaid_app::{Page, rules};
use legalaid_domain::ObjectionId;
use legalaid_domain::application::{Channel, Status};
use legalaid_domain::assessment::{Means, Verdict, yuan};
use legalaid_domain::local_date;
use legalaid_domain::rules::RuleBook;
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
pub(crate) fn matter_options(
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

pub(crate) fn exemption_options(
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

pub(crate) fn caller_region(page: &PageCtx) -> Option<String> {
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
    after: Option<String>,
}

use crate::html::panels::due_text;

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
    let after = q
        .after
        .as_deref()
        .and_then(legalaid_app::paging::ListCursor::parse);
    let listed = uc::list(&s.app, &page.ctx, &filter, overdue, pg, after)
        .await
        .map_err(page_error)?;
    let items = &listed.items;
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
        actions: {
            let mut a = Vec::new();
            if uc::can_handle(&page.ctx) {
                a.push(Action {
                    href: "/applications/new".into(),
                    label: "受理申请".into(),
                });
            }
            if uc::import::can_import(&page.ctx) {
                a.push(Action {
                    href: "/applications/import".into(),
                    label: "导入".into(),
                });
            }
            a
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
        pager: Pager::keyset(
            "/applications",
            &query,
            pg,
            listed.total,
            listed.more_than.is_some(),
            listed.next.clone(),
        ),
        empty: if query.is_empty() {
            "还没有法律援助申请。受理申请后，这里按受理时间列出每件申请及其最近的期限。".into()
        } else {
            "没有符合条件的申请。".into()
        },
    }))
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

/// How an online application was made: what the staff checking it need to
/// know about the portal's part (ADR 0020).
fn online_panel(o: &legalaid_app::applications::OnlineSubmission) -> Panel {
    let mut panel = Panel::new("网上申请");
    panel.facts = vec![
        Fact::new("验证手机号码", o.proven_phone.clone()),
        Fact::new(
            "填写的姓名",
            if o.name_matches {
                format!("{}（与登记的申请人一致）", o.declared_name)
            } else {
                format!("{}（与登记的申请人不一致，请核实身份）", o.declared_name)
            },
        ),
        Fact::new("所在乡镇（街道）", o.township.clone()),
        Fact::new("诚信承诺", format!("{} 作出", china(o.declared_at))),
        Fact::new(
            "个人信息处理同意",
            format!("{} 作出", china(o.consented_at)),
        ),
    ];
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

fn objections_block(v: &ApplicationView) -> Block {
    let id = v.application.id;
    let decide = |objection_id: ObjectionId| {
        v.actions
            .contains(&ApplicationAction::DecideObjection { objection_id })
    };
    Block {
        title: "异议".into(),
        headers: vec!["收到时间", "异议理由", "状态", "审查意见"],
        rows: v
            .objections
            .iter()
            .map(|o| Row {
                class: if o.status.is_pending() { "due-soon" } else { "" },
                cells: vec![
                    Cell::text(china(o.received_at)),
                    Cell::text(o.reason.clone()),
                    if decide(o.id) {
                        Cell::link(
                            "审查中 · 作出审查决定",
                            format!("/applications/{id}/objections/{}/decision", o.id),
                        )
                    } else {
                        Cell::text(o.status.label())
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
        if let Some(r) = a.denial_reason {
            panel
                .facts
                .push(Fact::new("不予法律援助的原因类别", r.label()));
        }
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

fn actions_panel(v: &ApplicationView) -> Panel {
    let a = &v.application;
    let base = format!("/applications/{}", a.id);
    let link = |to: &str, label: &str| Action {
        href: format!("{base}/{to}"),
        label: label.to_owned(),
    };
    let mut panel = Panel::new("办理");
    // What the caller may do now comes with the view (`applications::actions`):
    // the same rule the use cases refuse by.
    for action in &v.actions {
        match *action {
            ApplicationAction::Decide => panel.links.push(link("decision", "作出决定")),
            ApplicationAction::Propose => panel.links.push(link("proposal", "提出审查建议")),
            ApplicationAction::RequestSupplement => {
                panel.links.push(link("supplement-request", "补充材料通知"));
            }
            ApplicationAction::SupplementReceived => panel.forms.push(
                PanelForm::post(format!("{base}/supplement-received"), "材料已补齐")
                    .hidden("version", a.version.to_string()),
            ),
            ApplicationAction::Withdraw => panel.links.push(link("withdrawal", "撤回申请")),
            ApplicationAction::Object => panel.links.push(link("objection", "登记异议")),
            ApplicationAction::DecideObjection { objection_id } => panel.links.push(Action {
                href: format!("{base}/objections/{objection_id}/decision"),
                label: "异议审查决定".into(),
            }),
            ApplicationAction::OpenCase => panel.links.push(link("case", "立案")),
            ApplicationAction::Verify => panel.links.push(link(
                "verification",
                if a.verification_method.is_empty() {
                    "核查诚信承诺"
                } else {
                    "更新核查结果"
                },
            )),
            ApplicationAction::GrantPreEmptively => panel.forms.push(
                PanelForm::post(
                    format!("{base}/pre-emptive-grant"),
                    "先行提供法律援助（第四十四条）",
                )
                .hidden("version", a.version.to_string()),
            ),
        }
    }
    for (id, number) in &v.cases {
        panel.links.push(Action {
            href: format!("/cases/{id}"),
            label: format!("案件 {number}"),
        });
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
    if let Some(o) = &v.online {
        p.panels.insert(1, online_panel(o));
    }
    p.blocks = vec![crate::html::panels::deadlines_block(&v.deadlines)];
    if !v.objections.is_empty() || v.application.status == Status::Denied {
        p.blocks.push(objections_block(&v));
    }
    p.after.extend(history_panel(&v));
    let files = legalaid_app::attachments::list(&s.app, &page.ctx, Subject::Application(id))
        .await
        .map_err(page_error)?;
    let (docs, atts) = crate::html::documents::links(&v, &files);
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
    p.after.push(actions_panel(&v));
    Ok(p.respond(false))
}
