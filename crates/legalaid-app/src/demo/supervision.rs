//! The demo's targets and supervision orders (督办). The district's 260 is
//! split to the judicial offices by last year's volume, some generously and
//! some tightly, so that some offices keep pace and some lag; the center takes
//! the rest. The bureau supervisor then puts the offices that lag today under
//! supervision, so that the dashboard shows orders beside the lagging lines
//! and the offices have them in their queues: the first lagging office's order
//! is open (awaiting its answer), the second's answered (awaiting the bureau's
//! check), the third's answered and closed. Last month's bulletin is issued
//! first, so the offices have it in their inboxes; the bureau has entered the
//! evaluation values that are not computed (publicity, review results) and the
//! center's yearly figures of the report forms 表一–表四 (consistent with the
//! subsidies the records show paid).

use super::{as_user, input};
use crate::supervision::{self, Node, orders};
use crate::{App, AppResult};
use legalaid_domain::supervision::order::OrderInput;
use legalaid_domain::unit::UnitKind;

/// The district's target (the 2024 plan's 260).
const DISTRICT: i64 = 260;

/// How tightly each office's target is set against last year's count, in
/// tenths, in the order of the offices' ids: below 10 keeps pace, above lags.
const TIGHTNESS: [i64; 6] = [8, 16, 9, 20, 15, 8];

pub(super) async fn load(app: &App) -> AppResult<()> {
    let Some(boss) = as_user(app, "supervisor").await? else {
        return Ok(());
    };
    split_targets(app, &boss).await?;
    // The report forms' yearly figures (表一–表四) for last year and this.
    let this_year = chrono::Datelike::year(&legalaid_domain::local_date(app.clock.now()));
    for year in [this_year - 1, this_year] {
        report_form_entries(app, &boss, year).await?;
    }
    // Last month's bulletin, issued: the offices have it in their inboxes.
    let b =
        supervision::bulletins::create(app, &boss, &supervision::bulletins::NewBulletin::default())
            .await?;
    supervision::bulletins::issue(app, &boss, b.id, b.version).await?;
    let d = supervision::dashboard(app, &boss, None, None, None, None).await?;
    let lagging: Vec<i64> = d
        .lines
        .iter()
        .filter(|l| l.progress.lagging == Some(true))
        .filter_map(|l| match l.node {
            Node::Unit { id } => Some(id),
            Node::Region { .. } => None,
        })
        .collect();
    let today = legalaid_domain::local_date(app.clock.now());
    // The bureau's entered evaluation values (考评): publicity and review results.
    let year = chrono::Datelike::year(&today);
    for (k, l) in d
        .lines
        .iter()
        .filter(|l| l.progress.target.is_some())
        .enumerate()
    {
        let Node::Unit { id } = l.node else { continue };
        let k = k as f64;
        supervision::evaluation::enter(
            app,
            &boss,
            year,
            id,
            "publicity",
            (k * 5.0) % 14.0,
            "法治宣传活动台账",
        )
        .await?;
        supervision::evaluation::enter(
            app,
            &boss,
            year,
            id,
            "review_excellent",
            55.0 + (k * 9.0) % 40.0,
            "本年度案卷评查结果",
        )
        .await?;
    }
    for (n, unit) in lagging.into_iter().take(3).enumerate() {
        let o: OrderInput = input(serde_json::json!({
            "target_unit_id": unit,
            "indicator": "progress",
            "requirement": "分析办案进度落后的原因，加大法律援助宣传和申请受理力度，倒排工期，确保按序时进度完成年度目标任务。",
            "deadline": today + chrono::Duration::days(15 - 5 * n as i64),
        }))?;
        let v = orders::issue(app, &boss, &o).await?;
        if n == 0 {
            continue;
        }
        // The office's clerk answers.
        let Some((clerk, _, _)) = super::OFFICE_CLERKS
            .iter()
            .find(|(_, office, _)| *office == v.target_unit)
        else {
            continue;
        };
        let Some(ctx) = as_user(app, clerk).await? else {
            continue;
        };
        let v = orders::answer(
            app,
            &ctx,
            legalaid_domain::SupervisionOrderId(v.order.id),
            v.order.version,
            "已召开所务会分析原因：辖区群众对法律援助知晓率不高。已在各村（社区）开展法律援助宣传3场，安排专人每周到村走访，对来所咨询的困难群众当场指导申请。",
        )
        .await?;
        if n == 2 {
            orders::decide(
                app,
                &boss,
                legalaid_domain::SupervisionOrderId(v.order.id),
                v.order.version,
                orders::Decision::Close,
                "落实措施具体，同意办结；请持续跟踪进度。",
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// Sets this year's and last year's targets of the center and the offices.
async fn split_targets(app: &App, boss: &crate::Ctx) -> AppResult<()> {
    use chrono::Datelike;
    let this_year = legalaid_domain::local_date(app.clock.now()).year();
    let last = supervision::dashboard(app, boss, None, None, Some(this_year - 1), None).await?;
    let units = crate::units::all_visible(app, boss).await?;
    let kind = |id: i64| units.iter().find(|u| u.id.0 == id).map(|u| u.kind);
    let mut offices: Vec<(i64, i64)> = last
        .lines
        .iter()
        .filter_map(|l| match l.node {
            Node::Unit { id } if kind(id) == Some(UnitKind::JudicialOffice) => {
                Some((id, l.progress.counted))
            }
            _ => None,
        })
        .collect();
    offices.sort_unstable();
    let center = units
        .iter()
        .find(|u| u.kind == UnitKind::LegalAidCenter)
        .map(|u| u.id.0);
    let mut split: Vec<(i64, i64)> = offices
        .iter()
        .zip(TIGHTNESS.iter().cycle())
        .map(|((id, n), t)| (*id, ((n * t + 9) / 10).max(3)))
        .collect();
    let offices_total: i64 = split.iter().map(|(_, n)| n).sum();
    if let Some(c) = center {
        split.push((c, (DISTRICT - offices_total).max(0)));
    }
    let mut tx = app.store.write().await?;
    for year in [this_year - 1, this_year] {
        for (unit, n) in &split {
            legalaid_store::subsidies::set_target(&mut tx, *unit, year, *n).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The center's figures of 表一–表四 for a year: institution, staff and funds,
/// the expenses built on the subsidies the records show paid that year (so
/// that every rule of the four tables holds).
async fn report_form_entries(app: &App, boss: &crate::Ctx, year: i32) -> AppResult<()> {
    use crate::supervision::report_forms;
    use legalaid_domain::supervision::forms::{FormCode, Period, wan_yuan};
    let set = report_forms::generate(app, boss, None, Some(Period::Year { year })).await?;
    let Some(center) = set
        .lines
        .iter()
        .find(|l| l.name.ends_with("法律援助中心"))
        .and_then(|l| l.unit_id)
    else {
        return Ok(());
    };
    // The subsidies the records show paid by the center that year (表四 col 5).
    let paid = set
        .forms
        .iter()
        .find(|f| f.code == FormCode::T4)
        .and_then(|f| f.rows.iter().find(|r| r.line == Some(center)))
        .and_then(|r| r.cells.get(4).copied())
        .unwrap_or(0);
    let n = |v: i64| v.to_string();
    let w = |fen: i64| wan_yuan(fen);
    let enter = |form: &'static str, values: Vec<(u32, String)>| async move {
        report_forms::enter(app, boss, year, center, form, &values).await
    };
    // 表一: one management body (the bureau's section) and one center, a
    // public institution on the budget, with a street-level reception room.
    enter(
        "t1",
        [
            (1, 1),
            (2, 1),
            (3, 0),
            (4, 1),
            (5, 1),
            (6, 0),
            (7, 1),
            (8, 1),
            (9, 0),
            (10, 1),
            (11, 1),
            (12, 260),
            (13, 1),
            (14, 1),
            (15, 1),
            (16, 1),
            (17, 0),
            (18, 1),
            (19, 1),
            (20, 1),
            (21, 0),
            (22, 0),
            (23, 1),
            (29, 0),
        ]
        .into_iter()
        .map(|(c, v)| (c, n(v)))
        .collect(),
    )
    .await?;
    // 表二: 4 + 8 posts, 4 + 7 people.
    enter(
        "t2",
        [
            (1, 12),
            (2, 11),
            (3, 4),
            (4, 4),
            (5, 2),
            (6, 3),
            (7, 1),
            (8, 3),
            (9, 8),
            (10, 7),
            (11, 4),
            (12, 6),
            (13, 1),
            (14, 6),
            (15, 5),
            (16, 3),
            (17, 0),
            (18, 1),
            (19, 24),
            (20, 0),
        ]
        .into_iter()
        .map(|(c, v)| (c, n(v)))
        .collect(),
    )
    .await?;
    // 表三 (fen, entered in 万元: 1万元 = 1,000,000 fen): 63万元 from the
    // budget, 0.5万元 donated.
    let business_local = 30_000_000;
    let business_above = 8_000_000;
    let lottery = 5_000_000;
    let business = business_local + business_above;
    let (staff, basic, it) = (12_000_000, 3_000_000, 10_000_000);
    let budget = staff + basic + it + business;
    enter(
        "t3",
        vec![
            (1, w(budget + 500_000)),
            (2, w(budget)),
            (3, w(staff)),
            (4, w(basic)),
            (5, w(it)),
            (6, w(business)),
            (7, w(business_local)),
            (8, w(business_above)),
            (9, w(lottery)),
            (10, w(500_000)),
            (11, w(0)),
        ],
    )
    .await?;
    // 表四 (万元): the subsidies paid, consultations, publicity and training.
    let (consult, duty, drafting, publicity, training, other) = (
        6_000_000, 4_000_000, 1_000_000, 3_000_000, 2_000_000, 1_000_000,
    );
    let business_spent = paid + consult + drafting + publicity + training + other;
    let (staff_spent, basic_spent, it_spent) = (11_000_000, 2_800_000, 8_000_000);
    enter(
        "t4",
        vec![
            (1, w(staff_spent + basic_spent + business_spent + it_spent)),
            (2, w(staff_spent)),
            (3, w(basic_spent)),
            (4, w(business_spent)),
            (16, w(consult)),
            (17, w(duty)),
            (18, w(drafting)),
            (19, w(0)),
            (20, w(publicity)),
            (21, w(training)),
            (22, w(other)),
            (23, w(it_spent)),
        ],
    )
    .await?;
    Ok(())
}
