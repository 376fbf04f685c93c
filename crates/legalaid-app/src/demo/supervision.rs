//! The demo's targets and supervision orders (督办). The district's 260 is
//! split to the judicial offices by last year's volume, some generously and
//! some tightly, so that some offices keep pace and some lag; the center takes
//! the rest. The bureau supervisor then puts the offices that lag today under
//! supervision, so that the dashboard shows orders beside the lagging lines
//! and the offices have them in their queues: the first lagging office's order
//! is open (awaiting its answer), the second's answered (awaiting the bureau's
//! check), the third's answered and closed. Last month's bulletin is issued
//! first, so the offices have it in their inboxes; the bureau has entered the
//! evaluation values that are not computed (publicity, review results).

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
