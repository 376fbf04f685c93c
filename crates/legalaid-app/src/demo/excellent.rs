//! The demo's excellent-case selections: last year's, published (cases of the
//! firms nominated by their lawyers in December, each scored by two judges of
//! the center's panel, the first ten honoured), and this year's, open for
//! nominations with a few cases in. Everything goes through the use cases, as
//! the people who take each step, on the clock of the day they take it.

use super::Lcg;
use super::applications::at;
use super::{as_staff, as_user, on};
use crate::quality::excellent::{self as uc, nominations as nom};
use crate::quality::experts::{self, ExpertInput};
use crate::{App, AppResult, Ctx};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use legalaid_domain::excellent::{CriterionScore, SelectionInput, SelectionStatus};
use legalaid_domain::{CaseId, NominationId, SelectionId, local_date};

/// The account of the handler of a case, if they have one.
async fn handler_of(app: &App, case: CaseId) -> AppResult<Option<Ctx>> {
    let handler = {
        let mut tx = app.store.read().await?;
        legalaid_store::cases::get(&mut tx, case)
            .await?
            .and_then(|c| c.handler_id)
    };
    match handler {
        Some(staff) => as_staff(app, staff).await,
        None => Ok(None),
    }
}

const REASONS: &[&str] = &[
    "农民工追索劳动报酬，承办律师多方调取考勤和转账记录，促成用人单位当庭足额支付，案例典型，社会效果好。",
    "承办律师深入调查，准确把握法律关系，为受援人争取到全部赔偿，受援人和法院均予好评。",
    "案件涉及未成年人权益保护，承办人员耐心细致，兼顾法律效果与社会效果，具有示范意义。",
    "承办律师在诉前调解中主动沟通，及时化解矛盾，办案程序规范、文书齐全。",
];

/// Nominates up to `max` of the selection's candidates archived before `t`,
/// each by its handler's account (the director's where the handler has none);
/// not the cases the center handled itself, whose judges would all be of the
/// same unit.
async fn nominate_some(
    app: &App,
    director: &Ctx,
    id: SelectionId,
    t: DateTime<Utc>,
    max: usize,
) -> AppResult<Vec<NominationId>> {
    let center = director
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id.0);
    let mut out = Vec::new();
    for (i, c) in nom::candidates(app, director, id)
        .await?
        .into_iter()
        .enumerate()
    {
        if out.len() >= max {
            break;
        }
        let case = {
            let mut tx = app.store.read().await?;
            legalaid_store::cases::get(&mut tx, CaseId(c.case_id)).await?
        };
        let Some(case) = case else { continue };
        if case.closed_at.is_none_or(|x| x >= t) || case.handling_unit_id == center || i % 2 == 1 {
            continue;
        }
        let who = handler_of(app, CaseId(c.case_id))
            .await?
            .unwrap_or_else(|| director.clone());
        let when = t + Duration::hours(i64::try_from(out.len()).unwrap_or(0));
        let input = nom::NominateInput {
            case_id: Some(c.case_id),
            recommendation: REASONS[out.len() % REASONS.len()].into(),
        };
        // A case the rules exclude (an upheld complaint) is simply not nominated.
        match nom::nominate(&at(app, when), &who, id, &input).await {
            Ok(v) => out.push(NominationId(v.nomination.id)),
            Err(crate::AppError::Validation(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Loads the two selections; nothing when the center's accounts are missing.
pub(crate) async fn load(app: &App) -> AppResult<()> {
    let (Some(director), Some(quality)) = (
        as_user(app, "director").await?,
        as_user(app, "quality").await?,
    ) else {
        return Ok(());
    };
    let now = app.clock.now();
    let today = local_date(now);
    let last = today.year() - 1;
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);

    // The panel: the director and the quality reviewer, and an outside lawyer
    // without an account (the director enters his paper sheets).
    let center = quality
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id.0);
    let mut judges = Vec::new();
    for (name, user, kind, work_unit, start) in [
        (
            "王海",
            director.user_id(),
            "center_staff",
            "叶集区法律援助中心",
            None,
        ),
        (
            "孙丽",
            quality.user_id(),
            "center_staff",
            "叶集区法律援助中心",
            None,
        ),
        ("何振东", None, "lawyer", "六安市律师协会", Some(2008)),
    ] {
        let input = ExpertInput {
            name: name.into(),
            kind: kind.into(),
            unit_id: if user.is_some() { center } else { None },
            user_id: user,
            work_unit: work_unit.into(),
            practice_start_year: start,
            specialty: "劳动争议、婚姻家庭".into(),
            active: true,
            ..ExpertInput::default()
        };
        let e = experts::create(&at(app, on(date(last, 1, 10), 10)), &quality, &input).await?;
        judges.push(e.id);
    }

    // Last year's: nominations in December, judged, published before the year ends.
    let opened = on(date(last, 12, 1), 9);
    let input = SelectionInput {
        title: format!("{last}年度优秀法律援助案例评选"),
        year: Some(last),
        closed_from: Some(date(last, 1, 1)),
        closed_to: Some(date(last, 11, 30)),
        nomination_deadline: Some(date(last, 12, 15)),
        places: Some(10),
        judges_per_case: Some(2),
        criteria: None,
        judges: judges.clone(),
        notes: "各律师事务所推荐本年度结案归档、办理规范、效果良好的法律援助案件，每件附推荐理由。"
            .into(),
    };
    let s = uc::create(&at(app, opened), &director, &input).await?;
    let id = SelectionId(s.selection.id);
    let nominated = nominate_some(app, &director, id, on(date(last, 12, 2), 10), 12).await?;
    if nominated.is_empty() {
        return Ok(());
    }
    let s = uc::get(app, &director, id).await?;
    uc::start_judging(
        &at(app, on(date(last, 12, 16), 9)),
        &director,
        id,
        s.selection.version,
    )
    .await?;
    let mut rng = Lcg(20251216);
    for (k, n) in nominated.iter().enumerate() {
        let v = nom::get(app, &director, *n).await?;
        for (j, judge) in v.judges.iter().enumerate() {
            let scores: Vec<CriterionScore> = v
                .criteria
                .iter()
                .map(|c| CriterionScore {
                    criterion: c.code.clone(),
                    points: c
                        .max_points
                        .saturating_sub(u32::try_from(rng.next(7)).unwrap_or(0)),
                })
                .collect();
            let by = match judge.expert_id {
                x if Some(x) == judges.first().copied() => &director,
                x if Some(x) == judges.get(1).copied() => &quality,
                _ => &director,
            };
            let input = nom::ScoreInput {
                judge_id: (!judge.has_account).then_some(judge.expert_id),
                scores,
                comment: [
                    "办案规范，效果良好。",
                    "论证充分，可作示范。",
                    "文书齐全，受援人满意。",
                ][(k + j) % 3]
                    .into(),
            };
            let when = on(date(last, 12, 17 + u32::try_from(k % 7).unwrap_or(0)), 15);
            nom::score(&at(app, when), by, *n, &input).await?;
        }
    }
    let s = uc::get(app, &director, id).await?;
    if s.selection.status == SelectionStatus::Judging {
        uc::publish(
            &at(app, on(date(last, 12, 28), 10)),
            &director,
            id,
            s.selection.version,
        )
        .await?;
    }

    // This year's: opened a week ago, nominations open for three more weeks.
    let opened = now - Duration::days(7);
    let year = today.year();
    let input = SelectionInput {
        title: format!("{year}年度优秀法律援助案例评选"),
        year: Some(year),
        closed_from: Some(date(year, 1, 1)),
        closed_to: Some(date(year, 11, 30)),
        nomination_deadline: Some(today + Duration::days(21)),
        places: Some(10),
        judges_per_case: Some(2),
        criteria: None,
        judges,
        notes: "请各律师事务所于推荐截止日期前推荐本年度结案归档的典型案件。".into(),
    };
    let s = uc::create(&at(app, opened), &director, &input).await?;
    nominate_some(
        app,
        &director,
        SelectionId(s.selection.id),
        now - Duration::days(5),
        3,
    )
    .await?;
    Ok(())
}
