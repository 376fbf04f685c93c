//! The demo's cases: every granted application and notification becomes a case,
//! assigned to the best-ranked handler within the deadline, and then carried
//! towards a state, as far as the clock's now allows: still being handled, closure
//! submitted, archived and awaiting its grade, graded with its subsidy payable or
//! paid, terminated (one with an objection the bureau decided). Progress entries,
//! hearings and the messages of every step come with them; the messages are
//! history, so they are recorded as sent.

use super::applications::at;
use crate::{App, AppResult, Ctx, cases};
use chrono::{DateTime, Duration, Utc};
use legalaid_domain::application::{Channel, Status};
use legalaid_domain::case::{
    Activity, AssignInput, CaseOutcome, CaseStatus, CaseType, ClosureInput, OpenCase,
    ProgressInput, checklist,
};
use legalaid_domain::local_date;

fn outcome_for(t: CaseType, n: usize) -> CaseOutcome {
    let options = CaseOutcome::for_type(t);
    let preferred: &[CaseOutcome] = match t {
        CaseType::Criminal => &[
            CaseOutcome::LighterSentence,
            CaseOutcome::Convicted,
            CaseOutcome::ExemptFromPunishment,
            CaseOutcome::NotProsecuted,
        ],
        CaseType::NonLitigation => &[CaseOutcome::Mediation, CaseOutcome::Settlement],
        _ => &[
            CaseOutcome::JudgmentWon,
            CaseOutcome::Mediation,
            CaseOutcome::JudgmentPartlyWon,
            CaseOutcome::Withdrawal,
        ],
    };
    let o = preferred[n % preferred.len()];
    if options.contains(&o) {
        o
    } else {
        CaseOutcome::Other
    }
}

/// Loads the cases (after the applications of [`crate::demo::load_activity`]).
pub(crate) async fn load(app: &App) -> AppResult<usize> {
    let ctx = Ctx::system("demo");
    let mut apps = Vec::new();
    let mut after = None;
    loop {
        let listed = crate::applications::list(
            app,
            &ctx,
            &legalaid_store::applications::ApplicationFilter::default(),
            false,
            crate::Page {
                page: 1,
                per_page: 200,
            },
            after,
        )
        .await?;
        apps.extend(listed.items);
        match listed
            .next
            .as_deref()
            .and_then(crate::paging::ListCursor::parse)
        {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut apps: Vec<_> = apps
        .into_iter()
        .map(|i| i.application)
        .filter(|a| {
            a.status == Status::Granted
                || a.channel == Channel::Notified && a.status == Status::Received
        })
        .collect();
    apps.sort_by_key(|a| (a.received_at, a.id));
    // The story stops at the clock's now: later steps are not taken yet. Steps left
    // undone on purpose (to show work waiting) are left undone only in the last
    // weeks, so that the demo's queues hold live work, not months-old backlogs.
    let end = app.clock.now();
    let recent = |t: DateTime<Utc>, days: i64| end - t < Duration::days(days);
    let mut made = 0;
    for (n, a) in apps.iter().enumerate() {
        let start = a.decided_at.unwrap_or(a.received_at).max(a.received_at) + Duration::hours(20);
        if start >= end {
            continue;
        }
        let grave = a.channel == Channel::Notified && n % 4 == 0;
        let v = cases::open(
            &at(app, start),
            &ctx,
            a.id,
            &OpenCase {
                possible_life_or_death: grave,
                ..Default::default()
            },
        )
        .await?;
        made += 1;
        let id = v.case.id;
        // A few stay unassigned: their 3-day deadline shows as overdue.
        if n % 17 == 16 && recent(start, 10) {
            continue;
        }
        // Assigned within the 3 days, to the best-ranked eligible handler; a few to a
        // law firm only, which has yet to name its lawyer.
        let t = start + Duration::hours(26);
        if t >= end {
            continue;
        }
        let suggestions = cases::suggestions(&at(app, t), &ctx, id).await?;
        if n % 19 == 18
            && recent(t, 10)
            && let Some(firm) = suggestions.iter().find(|s| {
                s.eligible && s.conflicts.is_empty() && s.unit_name.contains("律师事务所")
            })
        {
            cases::assign(
                &at(app, t),
                &ctx,
                id,
                &AssignInput {
                    unit_id: Some(firm.unit_id),
                    handler_id: None,
                    version: Some(v.case.version),
                    conflict_reason: String::new(),
                },
            )
            .await?;
            continue;
        }
        let Some(best) = suggestions
            .iter()
            .find(|s| s.eligible && s.conflicts.is_empty())
        else {
            continue;
        };
        let v = cases::assign(
            &at(app, t),
            &ctx,
            id,
            &AssignInput {
                unit_id: Some(best.unit_id),
                handler_id: Some(best.staff_id),
                version: Some(v.case.version),
                conflict_reason: String::new(),
            },
        )
        .await?;
        // Every ninth case has just been assigned: its agreement is still due.
        if n % 9 == 8 && recent(t, 8) || t + Duration::days(3) >= end {
            continue;
        }
        let t = t + Duration::days(2);
        let mut v =
            cases::sign_agreement(&at(app, t), &ctx, id, v.case.version, Some(local_date(t)))
                .await?;
        let steps = checklist(v.case.case_type, v.case.stage);
        let mut day = t;
        let planned = if n % 7 == 3 { 2 } else { steps.len() };
        for (k, activity) in steps.iter().take(planned).enumerate() {
            day += Duration::days(6 + (n as i64 + k as i64) % 9);
            if day >= end {
                break;
            }
            let hearing =
                (*activity == Activity::Evidence && n % 2 == 0).then(|| day + Duration::days(10));
            v.case = cases::add_progress(
                &at(app, day),
                &ctx,
                id,
                &ProgressInput {
                    activity: activity.as_str().into(),
                    occurred_on: Some(local_date(day)),
                    note: demo_note(*activity),
                    hearing_at: hearing,
                    hearing_place: if hearing.is_some() {
                        "叶集区人民法院第二审判庭".into()
                    } else {
                        String::new()
                    },
                },
            )
            .await?
            .case;
        }
        let finished = v.case.ended_on.is_some()
            || planned == steps.len() && v.case.case_type == CaseType::NonLitigation;
        // A few recipients retain their own lawyer (LAL art 48(6)); one objects.
        if n % 13 == 5 && day < end {
            let t = day + Duration::days(3);
            let v = cases::terminate(
                &at(app, t),
                &ctx,
                id,
                v.case.version,
                "own_counsel",
                "受援人已自行委托律师担任代理人，并书面告知本机构。",
            )
            .await?;
            if n % 26 == 5 {
                let v = cases::object_termination(
                    &at(app, t + Duration::days(1)),
                    &ctx,
                    id,
                    v.case.version,
                    "受援人称仅咨询过其他律师，并未委托。",
                )
                .await?;
                // The latest objection still waits for the bureau's decision.
                if let Some(o) = v.objections.last().filter(|_| n < 60) {
                    crate::cases::decide_objection(
                        &at(app, t + Duration::days(3)),
                        &ctx,
                        o.id,
                        o.version,
                        legalaid_domain::application::ObjectionOutcome::Upheld,
                        "经核实，受援人已与其他律师事务所签订委托合同，终止决定并无不当。",
                    )
                    .await?;
                }
            }
            continue;
        }
        if !finished || day + Duration::days(10) >= end {
            continue;
        }
        // Closure within 30 days of the end; the center reviews within 30 more.
        let ended = local_date(day);
        let t = day + Duration::days(8);
        let outcome = outcome_for(v.case.case_type, n);
        let v = cases::submit_closure(
            &at(app, t),
            &ctx,
            id,
            &ClosureInput {
                outcome: outcome.as_str().into(),
                ended_on: Some(ended),
                amount_fen: if v.case.case_type == CaseType::Criminal {
                    0
                } else {
                    ((n % 9) as i64 + 1) * 650_000
                },
                adoption: if n % 3 == 0 { "partly_adopted" } else { "adopted" }.into(),
                report: "承办人依法会见（约见）受援人，查阅案卷材料，调查收集证据，按时出庭并提交书面意见，及时向受援人通报办理情况。".into(),
                flat_item: (outcome == CaseOutcome::Mediation).then(|| "mediation".into()),
                early_end: None,
                travel_km: (n % 5 == 0).then_some(60),
                version: Some(v.case.version),
            },
        )
        .await?;
        if n % 6 == 1 && recent(t, 30) || t + Duration::days(12) >= end {
            continue; // waiting for the center's review
        }
        let t = t + Duration::days(12);
        let v = cases::review_closure(&at(app, t), &ctx, id, v.case.version, true, "").await?;
        // Graded by the quality reviewer before the subsidy is paid; a few archived
        // cases still wait for their grade, a few graded ones for their payment.
        let graded = t + Duration::days(10);
        if v.case.status != CaseStatus::Archived || n % 5 == 4 && recent(t, 45) || graded >= end {
            continue;
        }
        let v = cases::set_grade(
            &at(app, graded),
            &ctx,
            id,
            v.case.version,
            if n % 4 == 0 { "excellent" } else { "qualified" },
        )
        .await?;
        if (n % 3 != 2 || !recent(t, 45)) && t + Duration::days(20) < end {
            let paid = t + Duration::days(20);
            cases::pay_subsidy(
                &at(app, paid),
                &ctx,
                id,
                v.case.version,
                Some(local_date(paid)),
            )
            .await?;
        }
    }
    let mut tx = app.store.write().await?;
    let this_year = chrono::Datelike::year(&local_date(end));
    let bureau = bureau(app).await?;
    // The plan's 260 for the district; its split down to the center and the
    // judicial offices is the supervision demo's (`demo::supervision`).
    for year in [this_year - 1, this_year] {
        legalaid_store::subsidies::set_target(&mut tx, bureau, year, 260).await?;
    }
    tx.commit().await?;
    Ok(made)
}

async fn bureau(app: &App) -> AppResult<i64> {
    let units = crate::units::all_visible(app, &Ctx::system("demo")).await?;
    units
        .iter()
        .find(|u| u.kind == legalaid_domain::unit::UnitKind::JusticeBureau)
        .map(|u| u.id.0)
        .ok_or(crate::AppError::NotFound)
}

fn demo_note(a: Activity) -> String {
    match a {
        Activity::Meeting => "会见（约见）受援人，了解案情，告知权利义务和诉讼风险。",
        Activity::FamilyContact => "联系受援人家属，告知案件进展和注意事项。",
        Activity::FileReading => "到办案机关查阅、摘抄、复制案卷材料。",
        Activity::Evidence => "调查收集证据，整理证据目录。",
        Activity::Hearing => "按时出庭，发表辩护（代理）意见。",
        Activity::Opinion => "向办案机关提交书面辩护（代理）意见。",
        Activity::Mediation => "参与调解，双方达成调解协议。",
        Activity::JudgmentReceived => "收到裁判文书，并向受援人送达、解释。",
        Activity::ReportToRecipient => "电话向受援人通报办理情况。",
        Activity::Other => "其他工作。",
    }
    .into()
}
