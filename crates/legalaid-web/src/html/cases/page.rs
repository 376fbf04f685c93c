//! The case page: the facts and the checklist, the deadlines, assignments,
//! progress and hearings, replacements, the termination and the objection to it,
//! the messages sent, the closure and the subsidy with its derivation, the
//! documents, and the actions the state and the caller's roles allow.

use crate::AppState;
use crate::extract::PageCtx;
use crate::html::cases::{money, type_and_stage};
use crate::html::panels::{
    Block, Fact, Panel, PanelForm, PanelPage, Row, SentenceList, china, or_dash,
};
use crate::html::{Action, Cell, PageResult, Shell, page_error, parse_id, yes_no};
use axum::extract::{Path, State};
use legalaid_app::applications::can_decide_objection;
use legalaid_app::cases::{self as uc, CaseAction, CaseView};
use legalaid_domain::case::{
    CaseStatus, CaseType, ReplacementStatus, SubsidyStatus, TerminationGround,
};
use legalaid_domain::notice::DeliveryStatus;

fn facts_panel(v: &CaseView) -> Panel {
    let c = &v.case;
    let p = &v.recipient;
    let mut facts = vec![
        Fact::new("案件编号", c.number.clone()),
        Fact::link(
            "申请编号",
            v.application_number.clone(),
            format!("/applications/{}", c.application_id),
        ),
        Fact::link(
            "受援人",
            format!("{}（{}）", p.name, p.id_number_masked),
            format!("/persons/{}", p.id),
        ),
        Fact::new("申请事项", or_dash(&v.matter_label)),
        Fact::new("案件类型", c.case_type.label()),
        Fact::new("诉讼阶段", c.stage.label()),
        Fact::new("状态", c.status.label()),
        Fact::new("受理单位", or_dash(&v.intake_unit)),
        Fact::new(
            "承办单位",
            v.handling_unit
                .clone()
                .unwrap_or_else(|| "—（待指派）".into()),
        ),
        Fact::new(
            "承办人",
            match (&v.handler_name, &v.handler_phone) {
                (Some(n), Some(ph)) if !ph.trim().is_empty() => format!("{n}（{ph}）"),
                (Some(n), _) => n.clone(),
                (None, _) => "—".into(),
            },
        ),
    ];
    if c.case_type == CaseType::Criminal {
        facts.push(Fact::new(
            "可能被判处无期徒刑、死刑",
            yes_no(c.possible_life_or_death),
        ));
    }
    facts.push(Fact::new("涉及未成年人", yes_no(c.juvenile)));
    facts.push(Fact::new("对方当事人", or_dash(&c.opposing_party)));
    if !c.case_organ.is_empty() || !c.organ_case_number.is_empty() {
        facts.push(Fact::new(
            "办案机关与案号",
            format!("{} {}", c.case_organ, c.organ_case_number)
                .trim()
                .to_owned(),
        ));
    }
    facts.push(Fact::new("立案时间", china(c.created_at)));
    if let Some(t) = c.assigned_at {
        facts.push(Fact::new("指派时间", china(t)));
    }
    if let Some(d) = c.agreement_signed_on {
        facts.push(Fact::new("委托协议签订日期", d.to_string()));
    }
    if let Some(d) = c.ended_on {
        facts.push(Fact::new("事项办结日期", d.to_string()));
    }
    for (id, number, stage) in &v.stages {
        facts.push(Fact::link(
            "其他诉讼阶段",
            format!("{number}（{}）", stage.label()),
            format!("/cases/{id}"),
        ));
    }
    let mut panel = Panel::new("基本情况");
    panel.facts = facts;
    panel
}

fn checklist_panel(v: &CaseView) -> Panel {
    let mut panel = Panel::new("办理进展");
    panel.facts = v
        .checklist
        .iter()
        .map(|i| {
            Fact::new(
                i.label,
                i.done_on
                    .map_or_else(|| "尚未办理".to_owned(), |d| format!("{d} 已办理")),
            )
        })
        .collect();
    let done = v.checklist.iter().filter(|i| i.done_on.is_some()).count();
    panel.lead = format!("{}项工作已办理{}项", v.checklist.len(), done);
    panel.note = format!(
        "{}应办理的工作；每项以承办人登记的办理进展为准。",
        type_and_stage(v.case.case_type, v.case.stage)
    );
    panel
}

fn assignments_block(v: &CaseView) -> Block {
    Block {
        title: "指派".into(),
        headers: vec!["指派时间", "承办单位", "承办人", "利益冲突审查", "结束"],
        rows: v
            .assignments
            .iter()
            .map(|a| Row {
                class: if a.ended_at.is_some() { "met" } else { "" },
                cells: vec![
                    Cell::text(china(a.assigned_at)),
                    Cell::text(a.unit_name.clone()),
                    Cell::text(
                        a.handler_name
                            .clone()
                            .unwrap_or_else(|| "（由承办单位确定）".into()),
                    ),
                    Cell::text(if a.conflict_note.is_empty() {
                        "未发现利益冲突".to_owned()
                    } else {
                        a.conflict_note.clone()
                    }),
                    Cell::text(match a.ended_at {
                        Some(t) if a.end_reason.is_empty() => china(t),
                        Some(t) => format!("{}（{}）", china(t), a.end_reason),
                        None => "现任".into(),
                    }),
                ],
            })
            .collect(),
        empty: "尚未指派。中心应在期限内指派律师事务所、基层法律服务所或本中心工作人员承办。"
            .into(),
    }
}

fn progress_block(v: &CaseView) -> Block {
    Block {
        title: "办理进展记录".into(),
        headers: vec!["日期", "工作事项", "情况说明", "登记人"],
        rows: v
            .progress
            .iter()
            .map(|p| Row {
                class: "",
                cells: vec![
                    Cell::text(p.occurred_on.to_string()),
                    Cell::text(p.activity.label()),
                    Cell::text(or_dash(&p.note)),
                    Cell::text(p.recorded_by_name.clone().unwrap_or_else(|| "—".into())),
                ],
            })
            .collect(),
        empty: "还没有办理进展。承办人会见受援人、阅卷、调查取证、出庭等工作后，在“登记办理进展”中记录，受援人会收到告知。".into(),
    }
}

fn hearings_block(v: &CaseView, now: chrono::DateTime<chrono::Utc>) -> Block {
    Block {
        title: "开庭安排".into(),
        headers: vec!["开庭时间", "地点", "说明", "提醒"],
        rows: v
            .hearings
            .iter()
            .map(|h| Row {
                class: if h.starts_at < now { "met" } else { "" },
                cells: vec![
                    Cell::text(china(h.starts_at)),
                    Cell::text(or_dash(&h.place)),
                    Cell::text(or_dash(&h.note)),
                    Cell::text(if h.reminded { "已提醒" } else { "—" }),
                ],
            })
            .collect(),
        empty: "没有开庭安排。登记办理进展时填写开庭时间，系统在开庭前提醒受援人和承办人。".into(),
    }
}

fn replacements_block(v: &CaseView) -> Block {
    let decide = |id: i64| {
        v.actions
            .contains(&CaseAction::DecideReplacement { replacement_id: id })
    };
    Block {
        title: "更换承办人".into(),
        headers: vec!["提出时间", "提出人", "理由", "状态", "审批意见"],
        rows: v
            .replacements
            .iter()
            .map(|r| Row {
                class: if r.status == ReplacementStatus::Pending {
                    "due-soon"
                } else {
                    ""
                },
                cells: vec![
                    Cell::text(china(r.created_at)),
                    Cell::text(r.requested_by.label()),
                    Cell::text(r.reason.clone()),
                    if decide(r.id) {
                        Cell::link(
                            "待审批 · 审批",
                            format!("/cases/{}/replacements/{}", v.case.id, r.id),
                        )
                    } else {
                        Cell::text(r.status.label())
                    },
                    Cell::text(or_dash(&r.decision_reason)),
                ],
            })
            .collect(),
        empty: "没有更换承办人的申请。受援人或承办人有正当理由的，可以申请更换承办人。".into(),
    }
}

/// The case's file reviews, rectification orders, visits, observations, opinion
/// letters and complaints that the reader may open.
fn quality_block(records: &[legalaid_app::quality::of_case::CaseRecord]) -> Block {
    Block {
        title: "质量管理与投诉".into(),
        headers: vec!["类别", "日期", "内容", "状态"],
        rows: records
            .iter()
            .map(|r| Row {
                class: "",
                cells: vec![
                    Cell::text(r.kind_label),
                    Cell::text(r.date.to_string()),
                    Cell::link(r.summary.clone(), r.href.clone()),
                    Cell::text(r.status.clone()),
                ],
            })
            .collect(),
        empty: "本案没有您可查看的案卷评查、整改、回访、庭审旁听、征询意见或投诉记录。".into(),
    }
}

fn termination_panel(v: &CaseView) -> Option<Panel> {
    let c = &v.case;
    let ground: TerminationGround = c.termination_ground?;
    let mut panel = Panel::new("终止法律援助");
    panel.class = "verdict-ineligible";
    panel.lead = ground.label().to_owned();
    panel.facts = vec![
        Fact::new("依据", ground.basis()),
        Fact::new("事实和理由", or_dash(&c.termination_reason)),
    ];
    if let Some(t) = c.terminated_at {
        panel.facts.push(Fact::new("终止时间", china(t)));
    }
    panel.note = "受援人对终止法律援助的决定有异议的，可以向司法行政部门提出。".into();
    Some(panel)
}

fn objections_block(page: &PageCtx, v: &CaseView) -> Block {
    let decide = can_decide_objection(&page.ctx) && v.case.status == CaseStatus::ObjectionPending;
    Block {
        title: "终止异议".into(),
        headers: vec!["收到时间", "异议理由", "状态", "审查意见"],
        rows: v
            .objections
            .iter()
            .map(|o| Row {
                class: if o.status.is_pending() {
                    "due-soon"
                } else {
                    ""
                },
                cells: vec![
                    Cell::text(china(o.received_at)),
                    Cell::text(o.reason.clone()),
                    if decide && o.status.is_pending() {
                        Cell::link(
                            "审查中 · 作出审查决定",
                            format!("/cases/{}/objections/{}/decision", v.case.id, o.id),
                        )
                    } else {
                        Cell::text(o.status.label())
                    },
                    Cell::text(or_dash(&o.decision_reason)),
                ],
            })
            .collect(),
        empty: "没有异议。".into(),
    }
}

fn closure_panel(v: &CaseView) -> Panel {
    let c = &v.case;
    let mut panel = Panel::new("结案");
    let Some(cl) = &c.closure else {
        panel.note = if c.status == CaseStatus::InProgress && c.ended_on.is_some() {
            "事项已办结，承办人应在期限内提交结案材料（《法律援助法》第五十条）。"
        } else {
            "尚未提交结案材料。事项办结后，承办人提交结案报告和材料，由中心审查。"
        }
        .into();
        return panel;
    };
    panel.facts = vec![
        Fact::new("办理结果", cl.outcome.label()),
        Fact::new("事项办结日期", cl.ended_on.to_string()),
        Fact::new("挽回损失或获得利益", money(cl.amount_fen)),
        Fact::new("意见采纳情况", cl.adoption.label()),
    ];
    if let Some(f) = cl.flat_item {
        panel.facts.push(Fact::new("补贴计发方式", f.label()));
    }
    if let Some(e) = cl.early_end {
        panel
            .facts
            .push(Fact::new("提前终止时的办理程度", e.label()));
    }
    if let Some(km) = cl.travel_km {
        panel
            .facts
            .push(Fact::new("异地办案距离", format!("{km}公里")));
    }
    if let Some(t) = c.closure_submitted_at {
        panel.facts.push(Fact::new("提交时间", china(t)));
    }
    if let Some(t) = c.closed_at {
        panel.facts.push(Fact::new("结案归档时间", china(t)));
    }
    panel.lists.push(SentenceList {
        title: "结案报告".into(),
        items: vec![cl.report.clone()],
    });
    panel
}

fn subsidy_panel(v: &CaseView) -> Panel {
    let sub = &v.subsidy;
    let mut panel = Panel::new("办案补贴");
    panel.facts = vec![
        Fact::new("补贴状态", sub.status_label),
        Fact::new("质量等级", sub.grade.label()),
        Fact::new(
            if sub.status == SubsidyStatus::NotDue {
                "补贴金额（测算）"
            } else {
                "补贴金额"
            },
            sub.amount_fen.map_or_else(|| "—".to_owned(), money),
        ),
    ];
    if let Some(d) = sub.paid_on {
        panel.facts.push(Fact::new("发放日期", d.to_string()));
    }
    if !sub.voucher.is_empty() {
        panel.facts.push(Fact::new("领款凭单", sub.voucher.clone()));
    }
    if let Some(comp) = &sub.computation {
        panel.lists.push(SentenceList {
            title: "计算过程".into(),
            items: comp
                .lines
                .iter()
                .map(|l| {
                    if l.basis.is_empty() {
                        format!("{}：{}", l.label, money(l.amount_fen))
                    } else {
                        format!("{}：{}（{}）", l.label, money(l.amount_fen), l.basis)
                    }
                })
                .collect(),
        });
        if !comp.schedule_source.is_empty() {
            panel
                .facts
                .push(Fact::new("补贴标准", comp.schedule_source.clone()));
        }
    }
    panel.note = sub.note.clone();
    panel
}

fn messages_block(v: &CaseView) -> Block {
    Block {
        title: "告知记录".into(),
        headers: vec!["时间", "告知对象", "渠道", "接收人", "事项", "内容", "状态"],
        rows: v
            .messages
            .iter()
            .map(|m| Row {
                class: match m.status {
                    DeliveryStatus::Failed | DeliveryStatus::Dead | DeliveryStatus::Undelivered => {
                        "overdue"
                    }
                    DeliveryStatus::Skipped => "due-soon",
                    _ => "",
                },
                cells: vec![
                    Cell::text(china(m.created_at)),
                    Cell::text(m.audience.label()),
                    Cell::text(m.channel.label()),
                    Cell::text(or_dash(&m.recipient_name)),
                    Cell::text(m.kind.label()),
                    Cell::text(m.body.clone()),
                    Cell::text(match (m.status, m.sent_at, m.reported_at) {
                        (DeliveryStatus::Sent, Some(t), _) => format!("已发送（{}）", china(t)),
                        (DeliveryStatus::Delivered, _, Some(t)) => format!("已送达（{}）", china(t)),
                        (DeliveryStatus::Undelivered, _, _) if !m.last_error.is_empty() => {
                            format!("未送达：{}", m.last_error)
                        }
                        (status, _, _) => status.label().to_owned(),
                    }),
                ],
            })
            .collect(),
        empty: "还没有告知记录。指派、办理进展、更换承办人、结案、终止和补贴发放时，系统按受援人和承办人可用的渠道告知。".into(),
    }
}

fn actions_panel(page: &PageCtx, v: &CaseView) -> Panel {
    let ctx = &page.ctx;
    let c = &v.case;
    let base = format!("/cases/{}", c.id);
    let link = |to: &str, label: &str| Action {
        href: format!("{base}/{to}"),
        label: label.to_owned(),
    };
    let mut panel = Panel::new("办理");
    // What the caller may do now comes with the view (`cases::actions`): the
    // same rule the use cases refuse by.
    for a in &v.actions {
        match *a {
            CaseAction::Assign => panel.links.push(link(
                "assign",
                if c.status == CaseStatus::AwaitingHandler && !uc::can_manage(ctx) {
                    "确定承办人"
                } else {
                    "指派"
                },
            )),
            CaseAction::SignAgreement => panel.links.push(link("agreement", "签订委托协议")),
            CaseAction::AddProgress => panel.links.push(link("progress", "登记办理进展")),
            CaseAction::SubmitClosure => panel.links.push(link("closure", "提交结案材料")),
            CaseAction::ReviewClosure => panel.links.push(link("closure-review", "审查结案材料")),
            CaseAction::Object => panel.links.push(link("object", "登记异议")),
            CaseAction::DecideObjection { objection_id } => panel.links.push(Action {
                href: format!("{base}/objections/{objection_id}/decision"),
                label: "异议审查决定".into(),
            }),
            CaseAction::RequestReplacement => {
                panel.links.push(link("replacement", "申请更换承办人"));
            }
            CaseAction::Terminate => panel.links.push(link("terminate", "终止法律援助")),
            CaseAction::Grade => panel.links.push(link("grade", "质量等级")),
            CaseAction::PaySubsidy => panel.links.push(link("pay", "登记补贴发放")),
            CaseAction::OpenNextStage => {
                if let Some(next) = c.stage.next() {
                    panel.forms.push(PanelForm::post(
                        format!("{base}/next-stage"),
                        &format!("进入下一阶段（{}）", next.label()),
                    ));
                }
            }
            // Decided in the table of replacement requests; materials are added
            // in their own panel.
            CaseAction::DecideReplacement { .. } | CaseAction::AddMaterial => {}
        }
    }
    panel.note = match c.status {
        CaseStatus::AwaitingAssignment => "请在期限内指派承办人员。",
        CaseStatus::AwaitingHandler => "已指派承办单位，待该单位确定承办人。",
        CaseStatus::Assigned => "承办人应在期限内与受援人签订委托协议。",
        CaseStatus::InProgress => "承办中；事项办结后，承办人在期限内提交结案材料。",
        CaseStatus::ClosureSubmitted => "结案材料已提交，待中心审查。",
        CaseStatus::Archived => "已结案归档。",
        CaseStatus::Terminated => {
            "已终止法律援助；受援人有异议的，可登记异议，由司法行政部门审查。"
        }
        CaseStatus::ObjectionPending => "终止异议由司法行政部门自收到之日起五日内审查决定。",
    }
    .to_owned();
    if v.false_declaration.is_some()
        && !matches!(
            c.status,
            CaseStatus::Terminated | CaseStatus::ObjectionPending | CaseStatus::Archived
        )
    {
        panel.note = format!(
            "申请时的个人诚信承诺经核查不实，应当依照《法律援助法》第四十八条第一款第一项终止法律援助。{}",
            panel.note
        );
    }
    if panel.links.is_empty() && panel.forms.is_empty() {
        panel.note = format!("{}当前状态下您没有可办理的操作。", panel.note);
    }
    panel
}

pub async fn show(State(s): State<AppState>, page: PageCtx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    let read = legalaid_app::quality::of_case::page(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let v = &read.view;
    let mut p = PanelPage::new(
        Shell::new(&page, &v.case.number, "/cases"),
        v.case.number.clone(),
    );
    p.badge = v.case.status.label().to_owned();
    // What the reader can do comes first, so that it is in view on a phone too.
    p.panels = vec![actions_panel(&page, v), facts_panel(v), checklist_panel(v)];
    p.panels
        .extend(crate::html::quality::excellent::case_panel(&read));
    p.blocks = vec![
        crate::html::panels::deadlines_block(&v.deadlines),
        assignments_block(v),
        progress_block(v),
        hearings_block(v, s.app.clock.now()),
        replacements_block(v),
        quality_block(&read.records),
    ];
    if !v.objections.is_empty() {
        p.blocks.push(objections_block(&page, v));
    }
    p.blocks.push(messages_block(v));
    p.after.extend(termination_panel(v));
    // A terminated case never reaches closure: no closure or subsidy to show.
    let ended_early = matches!(
        v.case.status,
        CaseStatus::Terminated | CaseStatus::ObjectionPending
    ) && v.case.closure.is_none();
    if !ended_early {
        p.after.push(closure_panel(v));
        p.after.push(subsidy_panel(v));
    }
    let mut papers = Panel::new("文书");
    papers.links = crate::html::documents::case_links(v);
    if papers.links.is_empty() {
        papers.note = "当前没有可生成的文书。".into();
    }
    p.after.push(papers);
    let mut files = Panel::new("案卷材料");
    files.links = crate::html::documents::case_files(v);
    if files.links.is_empty() {
        files.note = "还没有上传案卷材料（法律文书副本、证据、庭审笔录等）。".into();
    }
    if v.actions.contains(&CaseAction::AddMaterial) {
        files.links.push(crate::html::Action {
            href: format!("/cases/{}/attachments/new", v.case.id),
            label: "上传案卷材料".into(),
        });
    }
    p.after.push(files);
    Ok(p.respond(false))
}
