//! The demo's quality work (LAL art 59) and complaints, over the cases of
//! [`super::cases`]: an expert pool; a finished file review round some months
//! back, with its 不合格 file rectified, checked, closed and re-graded; a round
//! of this season under way (files waiting for the archive check, for the
//! `expert` account's sheets and for the director's re-check, and a fresh
//! rectification order waiting for the handler); follow-up visits planned month
//! by month and made, one of them finding a fee asked for; hearing observations
//! (one planned for a hearing to come); opinion letters to the organs, answered,
//! reminded or waiting; then the complaints of [`super::complaints`]. Everything goes through
//! the use cases, as the demo accounts who do it, dated by the clock.

use super::applications::at;
use super::{as_staff, as_user, input, on};
use crate::quality::{experts, hearings, opinions, rectifications, reviews, rounds, visits};
use crate::{App, AppError, AppResult, Ctx, Page};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use legalaid_domain::case::{CaseStatus, CaseType, SubsidyStatus};
use legalaid_domain::local_date;
use legalaid_domain::{ObservationId, OpinionId, RectificationId, ReviewId, RoundId, VisitId};
use serde_json::{Value, json};

/// The demo account of the outside expert, and its firm.
pub const EXPERT_FIRM: &str = "安徽明泽律师事务所";

/// The staff record of the center's staff member `name`, if any.
async fn staff_named(app: &App, name: &str) -> AppResult<Option<i64>> {
    let filter = legalaid_store::staff::StaffFilter {
        q: Some(name.into()),
        ..Default::default()
    };
    let one = Page {
        page: 1,
        per_page: 1,
    };
    let (found, _) = crate::staff::list(app, &Ctx::system("demo"), &filter, one).await?;
    Ok(found.first().map(|s| s.id.0))
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(8);
    Utc.from_utc_datetime(&local)
}

/// Every case the system account sees, archived ones (for visits, letters).
async fn archived(app: &App) -> AppResult<Vec<legalaid_domain::case::Case>> {
    let ctx = Ctx::system("demo");
    let filter = legalaid_store::cases::CaseFilter {
        status: Some(CaseStatus::Archived),
        ..Default::default()
    };
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let items = crate::cases::list_batch(app, &ctx, &filter, after, 200).await?;
        let Some(last) = items.last() else { break };
        after = Some((last.case.created_at, last.case.id.0));
        all.extend(items.into_iter().map(|i| i.case));
    }
    all.sort_by_key(|c| (c.closed_at, c.id));
    Ok(all)
}

/// Loads the quality work and complaints (after the cases).
pub(crate) async fn load(app: &App) -> AppResult<()> {
    let now = app.clock.now();
    let quality = as_user(app, "quality").await?.ok_or(AppError::NotFound)?;
    let director = as_user(app, "director").await?.ok_or(AppError::NotFound)?;
    let pool = pool(&at(app, now - Duration::days(320)), &quality).await?;
    // A round finished some months back, and one of this season under way.
    let t0 = now - Duration::days(110);
    round(
        app,
        &quality,
        &director,
        &pool,
        RoundPlan {
            created: t0,
            closed_from: local_date(now - Duration::days(300)),
            closed_to: local_date(now - Duration::days(120)),
            finish: true,
        },
    )
    .await?;
    round(
        app,
        &quality,
        &director,
        &pool,
        RoundPlan {
            created: now - Duration::days(15),
            closed_from: local_date(now - Duration::days(119)),
            closed_to: local_date(now - Duration::days(20)),
            finish: false,
        },
    )
    .await?;
    let cases = archived(app).await?;
    visits_of_the_year(app, &quality, &director).await?;
    observations(app, &quality).await?;
    letters(app, &quality, &cases).await?;
    super::complaints::load(app, &cases).await?;
    Ok(())
}

/// The expert pool: four outside lawyers (the `expert` account among them) and a
/// center staff member; the others' sheets come in on paper.
async fn pool(app: &App, quality: &Ctx) -> AppResult<Vec<(i64, Option<String>)>> {
    let units = crate::units::all_visible(app, &Ctx::system("demo")).await?;
    let unit_of = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id.0);
    let expert_user = {
        let mut tx = app.store.read().await?;
        legalaid_store::users::find_for_login(&mut tx, "expert")
            .await?
            .map(|(u, _)| u.id.0)
    };
    let reviewer_staff = staff_named(app, "刘洋").await?;
    let center = units
        .iter()
        .find(|u| u.kind == legalaid_domain::unit::UnitKind::LegalAidCenter)
        .map(|u| (u.id.0, u.name.clone()));
    let mut entries = vec![
        (
            json!({ "name": "黄建国", "kind": "lawyer", "unit_id": unit_of(EXPERT_FIRM), "user_id": expert_user,
                    "work_unit": EXPERT_FIRM, "practice_start_year": 2006, "licence_no": "13415200611068821",
                    "specialty": "刑事辩护", "honours": "六安市优秀律师（2022年）" }),
            Some("expert".to_owned()),
        ),
        (
            json!({ "name": "周立新", "kind": "lawyer", "unit_id": unit_of("安徽叶诚律师事务所"),
                    "work_unit": "安徽叶诚律师事务所", "practice_start_year": 2009, "specialty": "婚姻家庭、劳动争议" }),
            None,
        ),
        (
            json!({ "name": "吴正平", "kind": "lawyer", "unit_id": unit_of("安徽正衡律师事务所"),
                    "work_unit": "安徽正衡律师事务所", "practice_start_year": 2011, "specialty": "民商事" }),
            None,
        ),
        (
            json!({ "name": "郑晓燕", "kind": "lawyer", "unit_id": unit_of("安徽润和律师事务所"),
                    "work_unit": "安徽润和律师事务所", "practice_start_year": 2013, "specialty": "行政诉讼" }),
            None,
        ),
    ];
    if let Some((center, name)) = center {
        entries.push((
            json!({ "name": "刘洋", "kind": "center_staff", "unit_id": center, "staff_id": reviewer_staff,
                    "work_unit": name }),
            None,
        ));
    }
    let mut pool = Vec::new();
    for (body, account) in entries {
        let e = experts::create(app, quality, &input(body)?).await?;
        pool.push((e.id, account));
    }
    Ok(pool)
}

struct RoundPlan {
    created: DateTime<Utc>,
    closed_from: NaiveDate,
    closed_to: NaiveDate,
    /// Every tier done, the 不合格 file rectified and re-graded, and the round
    /// closed; otherwise the round stops half-way, with work in every queue.
    finish: bool,
}

/// Every item of the review's scheme at `score` (five-point schemes), with a
/// finding where points are deducted.
fn sheet(v: &reviews::ReviewView, score: u32, expert_id: Option<i64>, findings: &str) -> Value {
    let scores: Vec<Value> = v
        .scheme
        .scheme
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            // A good file loses a point on one item; an excellent one none.
            let s = if score == 4 && i % 2 == 0 {
                5
            } else {
                score.min(item.points)
            };
            json!({ "item": item.code, "score": s,
                    "note": if s < item.points { "会见笔录不完整，证据目录未逐项说明证明目的" } else { "" } })
        })
        .collect();
    json!({ "version": v.review.version, "expert_id": expert_id, "scores": scores, "findings": findings })
}

/// The grade a file earns in the demo, by its place in the round: the first
/// file whose subsidy is not yet paid is 不合格 (else the first file).
fn planned_score(k: usize) -> u32 {
    match k % 5 {
        0 | 3 => 5,
        4 => 3,
        _ => 4,
    }
}

/// One file review round, from creation through the draw and the three tiers.
async fn round(
    app: &App,
    quality: &Ctx,
    director: &Ctx,
    pool: &[(i64, Option<String>)],
    plan: RoundPlan,
) -> AppResult<()> {
    let t = plan.created;
    let name = format!(
        "{}至{}结案案卷评查",
        legalaid_domain::document::date_cn(plan.closed_from),
        legalaid_domain::document::date_cn(plan.closed_to)
    );
    let r = rounds::create(
        &at(app, t),
        quality,
        &input(json!({
            "name": name, "closed_from": plan.closed_from, "closed_to": plan.closed_to,
            "due_on": local_date(t + Duration::days(30)), "method": "five",
            "sample_method": "share", "percent": 20, "per_unit": 1,
            "include_last_unqualified": true,
            "seed": format!("yeji-review-{}", plan.closed_to),
        }))?,
    )
    .await?;
    let drawn = rounds::draw(
        &at(app, t + Duration::hours(2)),
        quality,
        RoundId(r.id),
        r.version,
    )
    .await;
    let drawn = match drawn {
        Ok(v) => v,
        // A young demo database may have nothing closed in the period yet.
        Err(AppError::Conflict(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for page in 1.. {
        let (lines, total) = rounds::files(
            app,
            quality,
            RoundId(drawn.round.id),
            None,
            Page {
                page,
                per_page: 100,
            },
        )
        .await?;
        let done = lines.is_empty() || page * 100 >= total;
        files.extend(lines.into_iter().map(|l| l.review));
        if done {
            break;
        }
    }
    // The file that fails: the first whose subsidy is not paid yet, so that the
    // grade holds the subsidy back.
    // In an open round, the files of the expert who signs in wait for their
    // sheets; two others wait for the archive check; the file that fails is the
    // first of the rest whose subsidy is not paid yet (so that the grade holds
    // it back), and gets every sheet.
    let with_account: Vec<i64> = pool
        .iter()
        .filter(|(_, a)| a.is_some())
        .map(|(id, _)| *id)
        .collect();
    let mut theirs = Vec::new();
    for f in &files {
        let v = reviews::get(app, quality, ReviewId(f.id)).await?;
        if v.experts
            .iter()
            .any(|e| with_account.contains(&e.expert_id))
        {
            theirs.push(f.id);
        }
    }
    let waiting_archive: Vec<i64> = if plan.finish {
        Vec::new()
    } else {
        files
            .iter()
            .rev()
            .filter(|f| !theirs.contains(&f.id))
            .take(2)
            .map(|f| f.id)
            .collect()
    };
    let mut failing = None;
    {
        let mut tx = app.store.read().await?;
        for f in &files {
            if waiting_archive.contains(&f.id) || !plan.finish && theirs.contains(&f.id) {
                continue;
            }
            let c = legalaid_store::cases::get(&mut tx, legalaid_domain::CaseId(f.case_id)).await?;
            if c.is_some_and(|c| c.subsidy_status != SubsidyStatus::Paid) {
                failing = Some(f.id);
                break;
            }
        }
    }
    let failing = failing.or(files.first().map(|f| f.id));
    for (k, f) in files.iter().enumerate() {
        let id = ReviewId(f.id);
        if waiting_archive.contains(&f.id) {
            continue;
        }
        let t1 = t + Duration::days(2 + (k as i64 % 3));
        let v = reviews::get(app, quality, id).await?;
        let complete = k % 6 != 5;
        let v = reviews::archive_check(
            &at(app, t1),
            quality,
            id,
            &input(json!({
                "version": v.review.version, "complete": complete,
                "missing": if complete { "" } else { "缺少结案报告附件（判决书复印件），已要求承办人补齐" },
                "note": "卷内材料按顺序装订，目录完整。",
            }))?,
        )
        .await?;
        let score = if Some(f.id) == failing {
            2
        } else {
            planned_score(k)
        };
        // The experts' sheets: the `expert` account's own, the others entered
        // from paper by quality staff. In the open round the `expert` account
        // has yet to score, and so have half of the files.
        let mut all_in = true;
        for e in &v.experts {
            let account = pool
                .iter()
                .find(|(id, _)| *id == e.expert_id)
                .and_then(|(_, a)| a.clone());
            if !plan.finish && Some(f.id) != failing && (account.is_some() || k % 2 == 1) {
                all_in = false;
                continue;
            }
            let t2 = t1 + Duration::days(5 + (k as i64 % 4));
            let v = reviews::get(app, quality, id).await?;
            let findings = if score <= 2 {
                "未按规定会见受援人，辩护（代理）意见未提交书面材料，卷内缺少办案过程记录。"
            } else {
                "办案程序规范，文书齐全，辩护（代理）意见有针对性。"
            };
            match account {
                Some(username) => {
                    let ctx = as_user(app, &username).await?.ok_or(AppError::NotFound)?;
                    reviews::score(
                        &at(app, t2),
                        &ctx,
                        id,
                        &input(sheet(&v, score, None, findings))?,
                    )
                    .await?;
                }
                None => {
                    reviews::score(
                        &at(app, t2),
                        quality,
                        id,
                        &input(sheet(&v, score, Some(e.expert_id), findings))?,
                    )
                    .await?;
                }
            }
        }
        if !all_in || !plan.finish && Some(f.id) != failing && k % 3 == 0 {
            continue; // waiting for the experts, or for the director's re-check
        }
        let t3 = t1 + Duration::days(12);
        let v = reviews::get(app, director, id).await?;
        let v = reviews::recheck(
            &at(app, t3),
            director,
            id,
            &input(sheet(
                &v,
                score,
                None,
                if score <= 2 {
                    "同意专家意见，评为不合格，责令整改。"
                } else {
                    "同意专家评查意见。"
                },
            ))?,
        )
        .await?;
        if v.review.final_grade == Some(legalaid_domain::case::Grade::Unqualified) {
            rectify(app, quality, director, &v, t3, plan.finish).await?;
        }
    }
    if plan.finish {
        let v = rounds::get(app, quality, RoundId(drawn.round.id)).await?;
        rounds::close(
            &at(app, t + Duration::days(60)),
            quality,
            RoundId(drawn.round.id),
            v.round.version,
        )
        .await?;
    }
    Ok(())
}

/// The order made from a 不合格 file: issued the next day; in a finished round
/// answered, checked, closed and the file re-graded; in an open one waiting for
/// the handler's answer.
async fn rectify(
    app: &App,
    quality: &Ctx,
    director: &Ctx,
    v: &reviews::ReviewView,
    graded: DateTime<Utc>,
    finish: bool,
) -> AppResult<()> {
    let t = if finish {
        graded + Duration::days(1)
    } else {
        app.clock.now() - Duration::days(3)
    };
    let issued = local_date(t);
    let order = rectifications::issue(
        &at(app, t),
        quality,
        &input(json!({
            "review_id": v.review.id, "source": "file_review",
            "target_unit_id": v.review.unit_id, "target_staff_id": v.review.handler_id,
            "category": "documents",
            "problem": "未按规定会见受援人，辩护（代理）意见未形成书面材料，卷内缺少办案过程记录。",
            "requirement": "补充会见笔录和书面辩护（代理）意见，完善办案过程记录，书面反馈整改情况。",
            "issued_on": issued, "deadline": issued + Duration::days(15),
        }))?,
    )
    .await?;
    if !finish {
        return Ok(());
    }
    let Some(handler) = v.review.handler_id else {
        return Ok(());
    };
    let Some(lawyer) = as_staff(app, handler).await? else {
        return Ok(());
    };
    let id = RectificationId(order.order.id);
    let o = rectifications::answer(
        &at(app, t + Duration::days(9)),
        &lawyer,
        id,
        order.order.version,
        "已补充会见笔录和书面代理意见，重新整理卷内目录，并对本所承办律师进行了办案规范培训。",
    )
    .await?;
    rectifications::verify(
        &at(app, t + Duration::days(12)),
        quality,
        id,
        o.order.version,
        true,
        "经核查，整改材料齐全，予以销号。",
    )
    .await?;
    let t = t + Duration::days(14);
    let r = reviews::regrade(
        &at(app, t),
        director,
        ReviewId(v.review.id),
        v.review.version,
        "承办人已按整改通知补齐材料，整改到位，申请重新评定。",
    )
    .await?;
    reviews::recheck(
        &at(app, t + Duration::days(1)),
        director,
        ReviewId(v.review.id),
        &input(sheet(&r, 3, None, "整改后材料齐全，重新评定为合格。"))?,
    )
    .await?;
    Ok(())
}

/// Visits after closure planned month by month (a third of the cases closed)
/// and made on time; the last weeks' plans are still open. One recipient was
/// asked for a fee: the alert was handled; one is dissatisfied.
async fn visits_of_the_year(app: &App, quality: &Ctx, director: &Ctx) -> AppResult<()> {
    let now = app.clock.now();
    let today = local_date(now);
    let first = local_date(now - Duration::days(330));
    let mut month = first - Duration::days(i64::from(chrono::Datelike::day(&first)) - 1);
    let mut n = 0usize;
    while month < today {
        let next = month + chrono::Months::new(1);
        let runs = day_start(next) + Duration::hours(9);
        if runs >= now {
            break;
        }
        visits::plan(
            &at(app, runs),
            quality,
            &input(
                json!({ "from": month, "to": next.pred_opt().unwrap_or(next),
                           "share_percent": 35, "seed": format!("回访{month}") }),
            )?,
        )
        .await?;
        month = next;
    }
    let mut plans = Vec::new();
    for page in 1.. {
        let (items, total) = visits::plans(
            app,
            quality,
            true,
            Page {
                page,
                per_page: 200,
            },
        )
        .await?;
        let done = items.is_empty() || page * 200 >= total;
        plans.extend(items.into_iter().map(|i| i.line.plan));
        if done {
            break;
        }
    }
    plans.sort_by_key(|p| (p.due_on, p.id));
    let recent = today - Duration::days(12);
    let count = plans.iter().filter(|p| p.due_on < recent).count();
    for p in plans.iter().filter(|p| p.due_on < recent) {
        n += 1;
        let day = (p.due_on - Duration::days(2)).max(local_date(p.created_at) + Duration::days(1));
        let t = on(day.min(today), 10);
        let (outcome, rating) = match n % 11 {
            4 => ("no_answer", None),
            7 => ("connected", Some("basically_satisfied")),
            _ => ("connected", Some("satisfied")),
        };
        // One recipient, late in the year, was asked for a "辛苦费".
        let fee = n == count.saturating_sub(3);
        let unhappy = n == count / 2;
        let evaluations: Vec<Value> = rating
            .map(|r| {
                [
                    "service_attitude",
                    "communication",
                    "rights_protection",
                    "case_result",
                    "overall",
                ]
                .iter()
                .map(|i| {
                    let r = if unhappy && (*i == "communication" || *i == "overall") {
                        "dissatisfied"
                    } else {
                        r
                    };
                    json!({ "item": i, "rating": r })
                })
                .collect()
            })
            .unwrap_or_default();
        let v = visits::record(
            &at(app, t),
            quality,
            &input(json!({
                "case_id": p.case_id, "plan_id": p.id, "mode": if n.is_multiple_of(9) { "home" } else { "phone" },
                "timing": p.timing.as_str(), "visited_on": local_date(t), "outcome": outcome,
                "evaluations": evaluations, "on_time": if rating.is_some() { json!(true) } else { Value::Null },
                "fee_asked": fee, "fee_detail": if fee { "承办律师以“辛苦费”为名索要500元，受援人未给付。" } else { "" },
                "notes": if unhappy { "受援人反映承办律师很少告知办理进展。" } else { "" },
            }))?,
        )
        .await?;
        if fee {
            visits::handle_alert(
                &at(app, t + Duration::days(2)),
                director,
                VisitId(v.visit.id),
                v.visit.version,
                "已约谈承办律师及所在律师事务所负责人，核实后责令退还并作出书面检查，本年度暂停指派。",
            )
            .await?;
        }
    }
    Ok(())
}

/// Hearing observations: one in eight of the year's hearings, planned a few days
/// ahead and recorded the day after; one flagged for rectification. Hearings
/// still to come are planned only.
async fn observations(app: &App, quality: &Ctx) -> AppResult<()> {
    let now = app.clock.now();
    let observer = staff_named(app, "孙丽").await?;
    let hearings = {
        let mut tx = app.store.read().await?;
        legalaid_store::cases::hearings_between(
            &mut tx,
            &legalaid_domain::visibility::Scope::All,
            now - Duration::days(330),
            now + Duration::days(40),
            Page {
                page: 1,
                per_page: 1000,
            },
        )
        .await?
        .0
    };
    let mut flagged = false;
    for (k, h) in hearings.iter().enumerate().filter(|(k, _)| k % 8 == 3) {
        let planned_at = (h.starts_at - Duration::days(4)).min(now - Duration::hours(1));
        let day = local_date(h.starts_at);
        let time = (h.starts_at + Duration::hours(8))
            .format("%H:%M")
            .to_string();
        let o = hearings::plan(
            &at(app, planned_at),
            quality,
            &input(json!({
                "case_id": h.case_id, "hearing_id": h.id, "hearing_time": time, "status": "planned",
                "court": "六安市叶集区人民法院", "hearing_date": day, "observer_id": observer,
            }))?,
        )
        .await;
        let o = match o {
            Ok(o) => o,
            // The case was closed or terminated before the hearing.
            Err(AppError::Conflict(_) | AppError::Validation(_)) => continue,
            Err(e) => return Err(e),
        };
        let recorded_at = h.starts_at + Duration::days(1);
        if recorded_at >= now {
            continue;
        }
        let bad = !flagged && k > hearings.len() / 3;
        let ratings: Vec<Value> = [
            "preparation",
            "statement",
            "cross_examination",
            "argument",
            "conduct",
        ]
        .iter()
        .map(|d| {
            let (r, s) = if bad && *d == "cross_examination" {
                ("dissatisfied", 2)
            } else if k % 3 == 0 {
                ("basically_satisfied", 4)
            } else {
                ("satisfied", 5)
            };
            json!({ "dimension": d, "rating": r, "score": s })
        })
        .collect();
        let o = hearings::record(
            &at(app, recorded_at),
            quality,
            ObservationId(o.observation.id),
            &input(json!({
                "version": o.observation.version, "ratings": ratings,
                "issues": if bad { "质证意见未围绕证据的真实性、合法性、关联性展开，庭前未与受援人核对证据。" } else { "" },
                "comment": "庭审秩序良好，承办人按时出庭。",
            }))?,
        )
        .await?;
        if bad {
            flagged = true;
            let t = recorded_at + Duration::days(1);
            let issued = local_date(t);
            let r = rectifications::issue(
                &at(app, t),
                quality,
                &input(json!({
                    "case_id": h.case_id, "source": "hearing",
                    "target_unit_id": o.observation.handling_unit_id, "target_staff_id": o.observation.handler_id,
                    "category": "procedure",
                    "problem": "庭审质证不充分，庭前未与受援人核对证据。",
                    "requirement": "组织本所承办律师学习质证规范，书面反馈整改情况。",
                    "issued_on": issued, "deadline": issued + Duration::days(15),
                }))?,
            )
            .await?;
            if let Some(handler) = o.observation.handler_id
                && let Some(lawyer) = as_staff(app, handler).await?
                && t + Duration::days(12) < now
            {
                let id = RectificationId(r.order.id);
                let a = rectifications::answer(
                    &at(app, t + Duration::days(7)),
                    &lawyer,
                    id,
                    r.order.version,
                    "已组织全所律师学习质证规范，今后庭前逐项与受援人核对证据。",
                )
                .await?;
                rectifications::verify(
                    &at(app, t + Duration::days(10)),
                    quality,
                    id,
                    a.order.version,
                    true,
                    "整改到位，予以销号。",
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Opinion letters for one in three archived cases that went before an organ:
/// most answered, some reminded first, the latest still waiting.
async fn letters(app: &App, quality: &Ctx, cases: &[legalaid_domain::case::Case]) -> AppResult<()> {
    let now = app.clock.now();
    let litigated: Vec<_> = cases
        .iter()
        .filter(|c| c.case_type != CaseType::NonLitigation)
        .filter(|c| c.closed_at.is_some_and(|t| now - t < Duration::days(330)))
        .collect();
    for (k, c) in litigated.iter().enumerate().filter(|(k, _)| k % 3 == 1) {
        let Some(closed) = c.closed_at else { continue };
        let sent = closed + Duration::days(5);
        if sent >= now {
            continue;
        }
        // To the organ that had the case; civil cases to the court.
        let (organ, name) = if c.case_organ.contains("检察") {
            ("procuratorate", c.case_organ.as_str())
        } else if c.case_organ.contains("公安") {
            ("police", c.case_organ.as_str())
        } else if c.case_organ.contains("法院") {
            ("court", c.case_organ.as_str())
        } else {
            ("court", "六安市叶集区人民法院")
        };
        let v = opinions::send(
            &at(app, sent),
            quality,
            &input(json!({ "case_id": c.id, "organ": organ, "organ_name": name,
                           "sent_on": local_date(sent), "reminder_after_days": 20 }))?,
        )
        .await?;
        let id = OpinionId(v.letter.id);
        let mut version = v.letter.version;
        if k % 5 == 0 && sent + Duration::days(24) < now {
            version = opinions::remind(&at(app, sent + Duration::days(22)), quality, id, version)
                .await?
                .letter
                .version;
        }
        let answered = sent + Duration::days(if k % 5 == 0 { 26 } else { 12 });
        if answered >= now {
            continue;
        }
        let r = if k % 7 == 0 {
            "basically_satisfied"
        } else {
            "satisfied"
        };
        opinions::answer(
            &at(app, answered),
            quality,
            id,
            &input(json!({
                "version": version, "answered_on": local_date(answered),
                "opinion": "承办律师认真履职，辩护意见有理有据，部分意见被采纳。",
                "ratings": [
                    { "item": "litigation_etiquette", "rating": "satisfied" },
                    { "item": "professionalism", "rating": r },
                    { "item": "dedication", "rating": "satisfied" }],
            }))?,
        )
        .await?;
    }
    Ok(())
}
