//! The demo's work of the last few days, so that every demo account opens on live
//! work: each judicial office has a supplement notice outstanding, each demo lawyer
//! an agreement to sign, and the bureau an objection to review, unless the year's
//! story already left them one. Everything goes through the use cases, dated in
//! the past few days by the clock.

use super::applications::at;
use crate::{App, AppResult, Ctx, cases};
use chrono::{DateTime, Duration, Utc};
use legalaid_domain::UnitId;
use legalaid_domain::application::{ApplicationInput, Outcome};
use legalaid_domain::case::{AssignInput, OpenCase};
use legalaid_domain::person::PersonInput;
use legalaid_domain::unit::{Unit, UnitKind};

/// Whether anything in a queue waits on `unit` (or, with `staff`, on that handler).
async fn has_work(
    app: &App,
    queue: &'static str,
    unit: i64,
    staff: Option<i64>,
) -> AppResult<bool> {
    let mut tx = app.store.read().await?;
    let f = legalaid_store::deadlines::QueueFilter {
        scoped: if staff.is_some() {
            Vec::new()
        } else {
            vec![queue]
        },
        staff_id: staff,
        assignee: None,
        due_before: None,
        due_by: None,
    };
    let scope = legalaid_domain::visibility::Scope::Unit(UnitId(unit));
    let one = crate::Page {
        page: 1,
        per_page: 1,
    };
    Ok(!legalaid_store::deadlines::queue(&mut tx, &scope, &f, one)
        .await?
        .is_empty())
}

/// A wage claim received at `unit` at `t`, with a fresh applicant.
async fn claim(
    app: &App,
    ctx: &Ctx,
    unit: UnitId,
    t: DateTime<Utc>,
    n: usize,
    channel: &str,
) -> AppResult<crate::applications::ApplicationView> {
    let first17 = format!(
        "3415041992{:02}{:02}8{:02}",
        1 + n % 12,
        1 + n % 28,
        n % 100
    );
    let id_number = format!(
        "{first17}{}",
        legalaid_domain::id_number::check_char(&first17).unwrap_or('0')
    );
    let person = crate::persons::create(
        &at(app, t),
        ctx,
        &PersonInput {
            name: format!(
                "{}{}",
                ["陶", "汪", "夏", "钱", "方", "袁"][n % 6],
                ["春生", "玉梅", "长青", "秀兰"][n % 4]
            ),
            id_type: "resident_id".into(),
            id_number,
            phone: format!("1375641{:04}", 2000 + n),
            address: "叶集区".into(),
            groups: vec!["migrant_worker".into()],
            ..Default::default()
        },
        Some(unit),
    )
    .await?;
    let input = ApplicationInput {
        applicant_id: Some(person.id),
        channel: channel.into(),
        received_at: Some(t),
        matter_code: "labor_remuneration".into(),
        service_form: "labor_arbitration".into(),
        procedural_role: Some("applicant".into()),
        opposing_party: "某建筑工程有限公司".into(),
        summary: "申请人在工地务工，被拖欠工资八千元。".into(),
        exemption_code: Some("migrant_worker_wage_or_injury".into()),
        exemption_proof_provided: true,
        ..Default::default()
    };
    crate::applications::create(&at(app, t), ctx, &input, Some(unit)).await
}

/// Adds the last days' work where the year's story left a unit or a lawyer none.
pub(crate) async fn load(app: &App, units: &[Unit]) -> AppResult<()> {
    let ctx = Ctx::system("demo");
    let now = app.clock.now();
    let days_ago = |d: i64| now - Duration::days(d) - Duration::hours(1);
    let mut n = 0;
    // Each judicial office: an application with its supplement notice outstanding.
    for office in units.iter().filter(|u| u.kind == UnitKind::JudicialOffice) {
        if has_work(app, "intake", office.id.0, None).await? {
            continue;
        }
        n += 1;
        let v = claim(app, &ctx, office.id, days_ago(3), n, "judicial_office").await?;
        crate::applications::request_supplement(
            &at(app, days_ago(2)),
            &ctx,
            v.application.id,
            v.application.version,
            "1. 劳动关系证明（工资条、考勤记录或工友证言）；2. 欠薪数额的说明",
            "",
        )
        .await?;
    }
    let Some(center) = units.iter().find(|u| u.kind == UnitKind::LegalAidCenter) else {
        return Ok(());
    };
    // The bureau: an objection to a denial, received yesterday.
    if !has_work(app, "bureau", center.id.0, None).await? {
        n += 1;
        let v = claim(app, &ctx, center.id, days_ago(4), n, "walk_in").await?;
        let d = crate::applications::decide(
            &at(app, days_ago(2)),
            &ctx,
            v.application.id,
            v.application.version,
            Outcome::Denied,
            "经核查，申请人与用人单位之间的争议已由劳动保障监察机构责令支付，不符合法律援助条件。",
        )
        .await?;
        crate::applications::object(
            &at(app, days_ago(1)),
            &ctx,
            v.application.id,
            d.application.version,
            "用人单位至今未支付，请求重新审查。",
        )
        .await?;
    }
    // Each lawyer: a case assigned two days ago, its agreement due within 5 days.
    let lawyers = {
        let mut tx = app.store.read().await?;
        legalaid_store::users::with_staff(&mut tx).await?
    };
    for (staff_id, firm) in lawyers {
        if has_work(app, "handler", firm, Some(staff_id)).await? {
            continue;
        }
        n += 1;
        let v = claim(app, &ctx, center.id, days_ago(4), n, "walk_in").await?;
        let g = crate::applications::decide(
            &at(app, days_ago(3)),
            &ctx,
            v.application.id,
            v.application.version,
            Outcome::Granted,
            "",
        )
        .await?;
        let c = cases::open(
            &at(app, days_ago(3)),
            &ctx,
            g.application.id,
            &OpenCase::default(),
        )
        .await?;
        cases::assign(
            &at(app, days_ago(2)),
            &ctx,
            c.case.id,
            &AssignInput {
                unit_id: Some(firm),
                handler_id: Some(staff_id),
                version: Some(c.case.version),
                conflict_reason: "演示数据：按轮流顺序指派。".into(),
            },
        )
        .await?;
    }
    Ok(())
}
