//! The demo's applications of one year, up to the clock's now: applicants and
//! applications through every channel, each carried through its story (decided,
//! supplemented, withdrawn, denied and objected to), the last two weeks still open.

use super::{GIVEN, Lcg, SURNAMES};
use crate::{App, AppResult, Ctx};
use legalaid_domain::application::ApplicationInput;
use legalaid_domain::person::PersonInput;
use legalaid_domain::unit::Unit;

/// One generated applicant: a name, a valid resident ID number and groups.
fn demo_person(rng: &mut Lcg, i: usize) -> PersonInput {
    let female = rng.next(2) == 0;
    let elderly = rng.next(6) == 0;
    let year = if elderly {
        1945 + rng.next(15)
    } else {
        1965 + rng.next(35)
    };
    let birth = format!("{year}{:02}{:02}", 1 + rng.next(12), 1 + rng.next(28));
    // The 17th digit carries the sex: odd for men, even for women; unique per person.
    let seq = 2 * i + usize::from(!female);
    let first17 = format!("341504{birth}{seq:03}");
    let id = format!(
        "{first17}{}",
        legalaid_domain::id_number::check_char(&first17).unwrap_or('0')
    );
    let mut groups = Vec::new();
    if rng.next(3) == 0 {
        groups.push("migrant_worker".to_owned());
    }
    if elderly {
        groups.push("elderly".to_owned());
    }
    if female {
        groups.push("woman".to_owned());
    }
    if rng.next(10) == 0 {
        groups.push("disabled".to_owned());
    }
    PersonInput {
        name: format!(
            "{}{}",
            SURNAMES[rng.next(SURNAMES.len())],
            GIVEN[rng.next(GIVEN.len())]
        ),
        id_type: "resident_id".into(),
        id_number: id,
        phone: format!(
            "13{}{:08}",
            5 + rng.next(5),
            10_000_000 + i * 7919 % 89_999_999
        ),
        address: format!(
            "叶集区{}",
            [
                "史河街道",
                "平岗街道",
                "三元镇",
                "洪集镇",
                "姚李镇",
                "孙岗乡"
            ][rng.next(6)]
        ),
        groups,
        ..Default::default()
    }
}

/// An App whose clock reads `t`: the demo's events carry the times they happened
/// at (their audit entries too).
pub(crate) fn at(app: &App, t: chrono::DateTime<chrono::Utc>) -> App {
    App {
        clock: std::sync::Arc::new(crate::FixedClock::new(t)),
        ..app.clone()
    }
}

/// A year of applications through every channel and in every state, up to the
/// clock's now: the story of each stops at now, and those of the last two weeks are
/// still open (under review, proposed, or denied with an objection waiting), some
/// of them overdue.
pub(crate) async fn load(app: &App, units: &[Unit], year: i32) -> AppResult<()> {
    use legalaid_domain::application::{HouseholdInput, ObjectionOutcome, Outcome};
    use legalaid_domain::unit::UnitKind;
    let ctx = Ctx::system("demo");
    let of_kind = |k: UnitKind| {
        units
            .iter()
            .filter(move |u| u.kind == k)
            .map(|u| u.id)
            .collect::<Vec<_>>()
    };
    let center = of_kind(UnitKind::LegalAidCenter)
        .first()
        .copied()
        .ok_or(crate::AppError::NotFound)?;
    let offices = of_kind(UnitKind::JudicialOffice);
    let stations = of_kind(UnitKind::Workstation);
    let now = app.clock.now();
    let mut rng = Lcg(u64::try_from(year).unwrap_or(2024));
    let civil = [
        (
            "labor_remuneration",
            "labor_arbitration",
            "某建筑劳务有限公司",
            "申请人在工地务工，被拖欠工资共计一万二千元，多次催要未果。",
        ),
        (
            "injury_work",
            "litigation_representation",
            "某木业有限公司",
            "申请人在工作中受伤，用人单位未缴纳工伤保险，拒绝赔偿。",
        ),
        (
            "injury_traffic",
            "litigation_representation",
            "张某及某保险公司",
            "申请人骑电动车被小型轿车撞伤，对方拒绝承担医疗费。",
        ),
        (
            "support_payment",
            "litigation_representation",
            "申请人子女",
            "申请人年老体弱无固定收入，子女拒绝支付赡养费。",
        ),
        (
            "abuse_violence_victim",
            "litigation_representation",
            "申请人配偶",
            "申请人长期遭受家庭暴力，请求离婚并主张损害赔偿。",
        ),
        (
            "social_insurance_assistance",
            "litigation_representation",
            "某社会保险经办机构",
            "申请人请求给予工伤保险待遇。",
        ),
        (
            "rural_land_contract",
            "litigation_representation",
            "某村民组",
            "申请人承包的责任田被他人占用。",
        ),
        (
            "agri_input_loss",
            "litigation_representation",
            "某农资经营部",
            "申请人购买的稻种为不合格种子，造成绝收。",
        ),
        (
            "labor_dispute_compensation",
            "labor_arbitration",
            "某纺织有限公司",
            "用人单位违法解除劳动合同，申请人请求支付赔偿金。",
        ),
        (
            "injury_medical",
            "litigation_representation",
            "某卫生院",
            "申请人在诊疗中受到损害。",
        ),
    ];
    let channels = [
        "walk_in",
        "walk_in",
        "walk_in",
        "hotline_12348",
        "online",
        "mail",
        "judicial_office",
        "judicial_office",
        "workstation",
        "custody_forwarded",
        "notified",
        "notified",
    ];
    let mut n = 0usize;
    for month in 1..=12u32 {
        for k in 0..10u32 {
            n += 1;
            let day = 1 + (k * 3 + month) % 27;
            let hour = 1 + rng.next(7) as u32;
            let Some(received) = chrono::NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_opt(hour, 15, 0))
                .map(|t| t.and_utc())
                .filter(|t| *t <= now)
            else {
                continue;
            };
            let person = crate::persons::create(
                &at(app, received),
                &ctx,
                &demo_person(&mut rng, n),
                Some(center),
            )
            .await?;
            let channel = channels[rng.next(channels.len())];
            let unit = match channel {
                "judicial_office" => offices[rng.next(offices.len().max(1))],
                "workstation" => stations[rng.next(stations.len().max(1))],
                _ => center,
            };
            let mut input = ApplicationInput {
                applicant_id: Some(person.id),
                channel: channel.into(),
                received_at: Some(received),
                ..Default::default()
            };
            match channel {
                "notified" => {
                    input.notifying_organ =
                        Some(["court", "procuratorate", "police"][rng.next(3)].into());
                    input.matter_code = if rng.next(2) == 0 {
                        "criminal_defense_notified"
                    } else {
                        "criminal_defense_full_coverage"
                    }
                    .into();
                    input.service_form = "criminal_defense".into();
                    input.procedural_role = Some("criminal_defendant".into());
                    input.case_organ = "六安市叶集区人民法院".into();
                    input.case_number = format!("（{year}）皖1504刑初{}号", 10 + n);
                    input.summary =
                        "办案机关通知：被告人没有委托辩护人，依法通知法律援助机构指派律师。".into();
                }
                "custody_forwarded" => {
                    input.custody_received_at = Some(
                        received - chrono::Duration::hours(i64::from(6 + rng.next(20) as u32)),
                    );
                    input.matter_code = "criminal_defense_applied".into();
                    input.service_form = "criminal_defense".into();
                    input.procedural_role = Some("suspect".into());
                    input.case_organ = "六安市公安局叶集分局".into();
                    input.summary =
                        "犯罪嫌疑人在看守所提出法律援助申请，因家庭经济困难无力委托辩护人。".into();
                    input.declaration = Some(HouseholdInput {
                        members: 3,
                        monthly_income_fen: 240_000,
                    });
                }
                _ => {
                    let (matter, form, opposing, summary) = civil[rng.next(civil.len())];
                    input.matter_code = matter.into();
                    input.service_form = form.into();
                    input.procedural_role = Some(
                        if form == "labor_arbitration" {
                            "applicant"
                        } else {
                            "plaintiff"
                        }
                        .into(),
                    );
                    input.opposing_party = opposing.into();
                    input.summary = summary.into();
                    match (matter, rng.next(4)) {
                        ("labor_remuneration" | "injury_work", _) => {
                            input.exemption_code = Some("migrant_worker_wage_or_injury".into());
                            input.exemption_proof_provided = true;
                        }
                        ("abuse_violence_victim", _) => {}
                        (_, 0) => {
                            input.declaration = Some(HouseholdInput {
                                members: 2 + rng.next(3) as u32,
                                monthly_income_fen: 150_000 + 50_000 * rng.next(6) as i64,
                            })
                        }
                        (_, 1) => {
                            input.exemption_code = Some("dibao_recipient".into());
                            input.exemption_proof_provided = true;
                        }
                        _ => {
                            input.household = Some(HouseholdInput {
                                members: 1 + rng.next(4) as u32,
                                monthly_income_fen: 80_000 + 60_000 * rng.next(6) as i64,
                            })
                        }
                    }
                    if rng.next(12) == 0 {
                        input.limitation_date =
                            Some(received.date_naive() + chrono::Duration::days(4));
                    }
                }
            }
            let v =
                crate::applications::create(&at(app, received), &ctx, &input, Some(unit)).await?;
            let id = v.application.id;
            let later =
                |days: i64| received + chrono::Duration::days(days) + chrono::Duration::hours(2);
            // The story of each application: most are decided within the 7 days, some
            // go through a supplement notice, a few are withdrawn, denied and objected to,
            // and the last weeks of December are still open (long overdue by now).
            let recent = now - received < chrono::Duration::days(14);
            let fate = if recent { 9 } else { rng.next(20) };
            let eligible = v.assessment.verdict == legalaid_domain::assessment::Verdict::Eligible;
            let happened = |t: chrono::DateTime<chrono::Utc>| t <= now;
            match fate {
                9 if recent => match n % 3 {
                    // Still under review (overdue after 7 days).
                    0 => {}
                    // A reviewer's proposal awaiting the director.
                    1 if happened(later(2)) => {
                        crate::applications::propose(
                            &at(app, later(2)),
                            &ctx,
                            id,
                            1,
                            Outcome::Granted,
                            "符合法律援助条件，建议给予法律援助。",
                        )
                        .await?;
                    }
                    1 => {}
                    // Denied, and the objection still waits for the bureau.
                    _ if happened(later(4)) => {
                        let d = crate::applications::decide(
                            &at(app, later(2)),
                            &ctx,
                            id,
                            1,
                            Outcome::Denied,
                            "申请人已委托代理人，不符合法律援助条件。",
                        )
                        .await?;
                        crate::applications::object(
                            &at(app, later(4)),
                            &ctx,
                            id,
                            d.application.version,
                            "申请人称已解除委托，请求重新审查。",
                        )
                        .await?;
                    }
                    _ => {}
                },
                0 => {
                    let s = crate::applications::request_supplement(
                        &at(app, later(1)),
                        &ctx,
                        id,
                        1,
                        "1. 身份证复印件；2. 经济困难证明或个人诚信承诺书",
                        "",
                    )
                    .await?;
                    if n.is_multiple_of(2) {
                        let r = crate::applications::supplement_received(
                            &at(app, later(6)),
                            &ctx,
                            id,
                            s.application.version,
                        )
                        .await?;
                        let outcome = if eligible {
                            Outcome::Granted
                        } else {
                            Outcome::Denied
                        };
                        crate::applications::decide(
                            &at(app, later(8)),
                            &ctx,
                            id,
                            r.application.version,
                            outcome,
                            "材料补齐后审查，依法作出决定。",
                        )
                        .await?;
                    } else if happened(later(20)) {
                        // Never supplemented: the job deems it withdrawn after the period.
                        crate::applications::deem_withdrawn_overdue(&at(app, later(20))).await?;
                    }
                }
                1 => {
                    crate::applications::withdraw(&at(app, later(2)), &ctx, id, 1).await?;
                }
                _ if !eligible => {
                    let d = crate::applications::decide(
                        &at(app, later(3)),
                        &ctx,
                        id,
                        1,
                        Outcome::Denied,
                        &v.assessment.reasons.join(""),
                    )
                    .await?;
                    if n.is_multiple_of(3) {
                        let o = crate::applications::object(
                            &at(app, later(6)),
                            &ctx,
                            id,
                            d.application.version,
                            "申请人对不予法律援助的决定有异议，称其家庭收入已发生变化。",
                        )
                        .await?;
                        if let Some(obj) = o.objections.last() {
                            let outcome = if n.is_multiple_of(2) {
                                ObjectionOutcome::Upheld
                            } else {
                                ObjectionOutcome::CorrectionOrdered
                            };
                            crate::applications::decide_objection(
                                &at(app, later(9)),
                                &ctx,
                                obj.id,
                                obj.version,
                                outcome,
                                "经审查，依法作出异议审查决定。",
                            )
                            .await?;
                        }
                    }
                }
                _ => {
                    let reason = if eligible {
                        ""
                    } else {
                        "经集体研究，依法予以援助。"
                    };
                    crate::applications::decide(
                        &at(app, later(1 + (n % 5) as i64)),
                        &ctx,
                        id,
                        1,
                        Outcome::Granted,
                        reason,
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}
