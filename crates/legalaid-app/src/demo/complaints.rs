//! The demo's complaints to the bureau (投诉), over the cases of
//! [`super::cases`]: in every state of the procedure, through the use cases, as
//! the bureau supervisor, dated by the clock.

use super::applications::at;
use super::{as_user, input};
use crate::{App, AppError, AppResult, Ctx, complaints};
use chrono::Duration;
use serde_json::{Value, json};

/// Complaints to the bureau: one upheld and answered months ago, one not
/// substantiated, one refused, one under investigation and one just received.
pub(super) async fn load(app: &App, cases: &[legalaid_domain::case::Case]) -> AppResult<()> {
    let now = app.clock.now();
    let supervisor = as_user(app, "supervisor")
        .await?
        .ok_or(AppError::NotFound)?;
    let center = crate::units::all_visible(app, &Ctx::system("demo"))
        .await?
        .iter()
        .find(|u| u.kind == legalaid_domain::unit::UnitKind::LegalAidCenter)
        .map(|u| u.id.0);
    let with_handler: Vec<_> = cases
        .iter()
        .filter(|c| c.handler_id.is_some() && c.handling_unit_id.is_some())
        .collect();
    if with_handler.len() < 3 {
        return Ok(());
    }
    let pick = |k: usize| with_handler[(with_handler.len() * k / 5).min(with_handler.len() - 1)];
    struct Story {
        days_ago: i64,
        body: Value,
        /// Accepted; then concluded with this body; then replied.
        steps: usize,
        conclude: Value,
    }
    let a = pick(1);
    let b = pick(2);
    let c = pick(3);
    let d = pick(4);
    let stories = [
        Story {
            days_ago: 160,
            body: json!({ "channel": "walk_in", "complainant_name": "李桂芳", "complainant_phone": "13956412231",
                "relation": "recipient", "respondent_staff_id": a.handler_id, "respondent_unit_id": a.handling_unit_id,
                "case_id": a.id, "category": "neglect",
                "facts": "承办律师接受指派后一个多月未与受援人联系，也未告知案件办理进展。", "request": "要求律师及时履职并说明情况" }),
            steps: 3,
            conclude: json!({ "outcome": "corrected",
                "conclusion": "经查，承办律师未按规定向受援人通报办理进展，情况属实，予以批评教育并责令限期整改。",
                "follow_up": ["rectification"] }),
        },
        Story {
            days_ago: 75,
            body: json!({ "channel": "phone", "anonymous": true, "respondent_unit_id": b.handling_unit_id,
                "category": "taking_money", "facts": "来电反映某律师事务所办理法律援助案件时收取费用。" }),
            steps: 3,
            conclude: json!({ "outcome": "not_substantiated",
                "conclusion": "经调取该所近一年法律援助案件回访记录并电话核实受援人，未发现收取费用情形，查无实据。",
                "follow_up": [] }),
        },
        Story {
            days_ago: 40,
            body: json!({ "channel": "letter", "complainant_name": "张德明", "complainant_address": "叶集区三元镇",
                "relation": "interested_party", "respondent_unit_id": c.handling_unit_id,
                "category": "other", "facts": "对案件判决结果不服，认为援助律师应对败诉负责。" }),
            steps: 0,
            conclude: Value::Null,
        },
        Story {
            days_ago: 18,
            body: json!({ "channel": "walk_in", "complainant_name": "陈玉兰", "complainant_phone": "13856417762",
                "relation": "recipient", "respondent_staff_id": d.handler_id, "respondent_unit_id": d.handling_unit_id,
                "case_id": d.id, "category": "neglect", "facts": "开庭前承办律师未与受援人核对证据材料。" }),
            steps: 1,
            conclude: Value::Null,
        },
        Story {
            days_ago: 2,
            body: json!({ "channel": "email", "complainant_name": "胡春生", "complainant_phone": "13705642218",
                "relation": "applicant", "respondent_unit_id": center,
                "category": "intake_or_assignment", "facts": "申请法律援助后司法所未在规定期限内转交申请材料。" }),
            steps: 0,
            conclude: Value::Null,
        },
    ];
    for (k, s) in stories.into_iter().enumerate() {
        let t = now - Duration::days(s.days_ago);
        let mut body = s.body;
        body["received_at"] = json!(t);
        let v = match complaints::register(&at(app, t), &supervisor, &input(body)?).await {
            Ok(v) => v,
            // A respondent the complaint rules do not take (e.g. a judicial office
            // as the intake unit): the story is skipped.
            Err(AppError::Validation(_)) => continue,
            Err(e) => return Err(e),
        };
        let id = v.complaint.id;
        let t = t + Duration::days(2);
        if k == 2 {
            complaints::refuse(
                &at(app, t),
                &supervisor,
                id,
                &input(json!({ "version": v.complaint.version,
                    "reason": "投诉事项系对人民法院裁判结果不服，不属于法律援助投诉处理范围，已告知其依法通过诉讼程序解决。" }))?,
            )
            .await?;
            continue;
        }
        if s.steps == 0 {
            continue;
        }
        let mut v = complaints::accept(
            &at(app, t),
            &supervisor,
            id,
            &input(json!({ "version": v.complaint.version }))?,
        )
        .await?;
        if s.steps < 3 {
            continue;
        }
        if k == 0 {
            v = complaints::extend(
                &at(app, t + Duration::days(20)),
                &supervisor,
                id,
                &input(json!({ "version": v.complaint.version, "reason": "需向受援人、承办律师及律师事务所分别调查核实" }))?,
            )
            .await?;
        }
        let mut conclude = s.conclude;
        conclude["version"] = json!(v.complaint.version);
        let t = t + Duration::days(if k == 0 { 40 } else { 25 });
        let v = complaints::conclude(&at(app, t), &supervisor, id, &input(conclude)?).await?;
        complaints::reply(
            &at(app, t + Duration::days(2)),
            &supervisor,
            id,
            &input(json!({ "version": v.complaint.version, "channel": if k == 0 { "letter" } else { "phone" },
                "text": "已将调查处理结果告知投诉人。" }))?,
        )
        .await?;
    }
    Ok(())
}
