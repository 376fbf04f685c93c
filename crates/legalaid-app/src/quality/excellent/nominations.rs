//! Nominations (推荐参评) and the judges' sheets (评委评分) of a selection.
//!
//! A unit nominates an archived case it handled, closed within the selection's
//! period, without a substantiated complaint (Liyang 2019), once per selection
//! (a second nomination is refused by a unique index: 409); the organisers may
//! nominate any case of their region. The nominating unit withdraws it while
//! nominations are open. Once judging starts, each judge assigned to the case
//! scores it once on every criterion (a second sheet: 409, also from two
//! instances at once); a judge of the case's own unit is refused (交叉评查), as
//! is anyone not assigned. The organisers enter the paper sheet of a judge
//! without an account.

use super::{
    Nomination, NominationLine, Selection, can_organise, may_nominate, organises, reads_all,
    sees_selection, unit_of,
};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{Case, CaseOutcome, CaseStatus, CaseType, Stage};
use legalaid_domain::excellent::{
    self as rules, Criterion, CriterionScore, JudgeScore, NominationStatus, SelectionStatus,
};
use legalaid_domain::quality::review::{self, File};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{CaseId, NominationId, SelectionId, StaffId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::excellent::{self as store, NominationReach, Score};
use legalaid_store::quality::Expert;
use serde::{Deserialize, Serialize};

/// A nomination as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NominateInput {
    #[serde(default)]
    pub case_id: Option<i64>,
    /// 推荐理由: why the case is exemplary (typicality, the work done, the result).
    #[serde(default)]
    pub recommendation: String,
}

/// A judge's sheet as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScoreInput {
    /// The judge whose paper sheet the organiser enters; empty when judges
    /// score for themselves.
    #[serde(default)]
    pub judge_id: Option<i64>,
    /// Every criterion once.
    #[serde(default)]
    pub scores: Vec<CriterionScore>,
    #[serde(default)]
    pub comment: String,
}

/// What can be done to a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationAction {
    /// The nominating unit takes it back (while nominations are open).
    Withdraw,
    /// A judge scores it (or the organiser enters a judge's paper sheet).
    Score,
}

/// A judge assigned to a nomination.
#[derive(Debug, Clone, Serialize)]
pub struct AssignedJudge {
    pub expert_id: i64,
    pub name: String,
    pub has_account: bool,
    pub scored: bool,
}

/// A nomination with what its page shows. A judge scores blind to the unit: the
/// names of the units and the handler are left out of their view.
#[derive(Debug, Clone, Serialize)]
pub struct NominationView {
    pub nomination: Nomination,
    pub selection_title: String,
    pub selection_status: SelectionStatus,
    pub criteria: Vec<Criterion>,
    pub case_number: String,
    pub case_type: CaseType,
    pub stage: Stage,
    pub outcome: Option<CaseOutcome>,
    /// The closure report (结案报告).
    pub closure_report: String,
    /// The day the case was archived.
    pub closed_on: Option<NaiveDate>,
    /// The unit names and the handler; none for a judge (blind review).
    pub nominating_unit_name: Option<String>,
    pub handling_unit_name: Option<String>,
    pub handler_name: Option<String>,
    pub blind: bool,
    /// The judges assigned (all for the organisers' side; a judge sees
    /// themselves).
    pub judges: Vec<AssignedJudge>,
    /// The sheets (all for the organisers' side; a judge sees their own).
    pub scores: Vec<Score>,
    /// The caller's pool entry when they are an assigned judge yet to score.
    pub my_judge_id: Option<i64>,
    /// The average of the judges' totals: fixed once published; provisional
    /// for the organisers' side while judging.
    pub average: Option<f64>,
    /// e.g. 2026年度优秀法律援助案例 第3名, once published.
    pub honour: Option<String>,
    pub actions: Vec<NominationAction>,
}

/// How the caller stands to a nomination.
struct Reader {
    /// Reads every nomination of the selection.
    all: bool,
    /// The nominating or the handling unit is the caller's.
    of_unit: bool,
    /// The caller's pool entry, when assigned to judge it.
    judge: Option<Expert>,
}

async fn reader(tx: &mut Tx, ctx: &Ctx, n: &Nomination, s: &Selection) -> AppResult<Reader> {
    let unit = unit_of(ctx).map(|u| u.id.0);
    let of_unit = unit.is_some_and(|u| u == n.nominating_unit_id || Some(u) == n.handling_unit_id);
    let judge = match ctx.user_id() {
        Some(me) => store::assigned(tx, NominationId(n.id))
            .await?
            .into_iter()
            .find(|e| e.user_id == Some(me)),
        None => None,
    };
    Ok(Reader {
        all: reads_all(ctx, s),
        of_unit,
        judge,
    })
}

/// The nomination and its selection, if the caller may read it (404 otherwise).
async fn visible(
    tx: &mut Tx,
    ctx: &Ctx,
    id: NominationId,
    shared: bool,
) -> AppResult<(Nomination, Selection, Reader)> {
    let n = store::nomination(tx, id).await?.ok_or(AppError::NotFound)?;
    let sid = SelectionId(n.selection_id);
    let s = if shared {
        store::selection_shared(tx, sid).await?
    } else {
        store::selection(tx, sid).await?
    }
    .ok_or(AppError::NotFound)?;
    if !sees_selection(ctx, &s.region_code) {
        return Err(AppError::NotFound);
    }
    let r = reader(tx, ctx, &n, &s).await?;
    if r.all || r.of_unit || r.judge.is_some() {
        Ok((n, s, r))
    } else {
        Err(AppError::NotFound)
    }
}

async fn unit_name(tx: &mut Tx, id: Option<i64>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    })
}

async fn view(
    tx: &mut Tx,
    ctx: &Ctx,
    n: Nomination,
    s: Selection,
    r: Reader,
    today: NaiveDate,
) -> AppResult<NominationView> {
    let case = legalaid_store::cases::get(tx, CaseId(n.case_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let blind = !r.all && !r.of_unit;
    let (nominating_unit_name, handling_unit_name, handler_name) = if blind {
        (None, None, None)
    } else {
        let handler = match n.handler_id {
            Some(h) => legalaid_store::staff::get(tx, StaffId(h))
                .await?
                .map(|s| s.name),
            None => None,
        };
        (
            unit_name(tx, Some(n.nominating_unit_id)).await?,
            unit_name(tx, n.handling_unit_id).await?,
            handler,
        )
    };
    let sheets = store::scores(tx, NominationId(n.id)).await?;
    let assigned = store::assigned(tx, NominationId(n.id)).await?;
    let mine = r.judge.as_ref().map(|e| e.id);
    let judges: Vec<AssignedJudge> = assigned
        .iter()
        .filter(|e| r.all || Some(e.id) == mine)
        .map(|e| AssignedJudge {
            expert_id: e.id,
            name: e.name.clone(),
            has_account: e.user_id.is_some(),
            scored: sheets.iter().any(|x| x.expert_id == e.id),
        })
        .collect();
    let scores: Vec<Score> = sheets
        .iter()
        .filter(|x| r.all || Some(x.expert_id) == mine)
        .cloned()
        .collect();
    let my_judge_id = mine.filter(|m| !sheets.iter().any(|x| x.expert_id == *m));
    let published = s.status == SelectionStatus::Published;
    let average = if published {
        n.average_hundredths.map(|a| a as f64 / 100.0)
    } else if r.all && !sheets.is_empty() {
        let sum: i64 = sheets.iter().map(|x| x.total).sum();
        Some((sum as f64 / sheets.len() as f64 * 100.0).round() / 100.0)
    } else {
        None
    };
    let honour = (published && n.honoured)
        .then(|| {
            n.final_rank.map(|rank| {
                rules::honour_label(
                    i32::try_from(s.year).unwrap_or(0),
                    usize::try_from(rank).unwrap_or(0),
                )
            })
        })
        .flatten();
    let mut actions = Vec::new();
    let by_nominator =
        organises(ctx, &s) || unit_of(ctx).is_some_and(|u| u.id.0 == n.nominating_unit_id);
    if by_nominator
        && n.status
            .withdraw(s.status, s.nomination_deadline, today)
            .is_ok()
    {
        actions.push(NominationAction::Withdraw);
    }
    let paper = organises(ctx, &s) && judges.iter().any(|j| !j.scored);
    if n.status == NominationStatus::Nominated
        && s.status.score().is_ok()
        && (my_judge_id.is_some() || paper)
    {
        actions.push(NominationAction::Score);
    }
    Ok(NominationView {
        selection_title: s.title.clone(),
        selection_status: s.status,
        criteria: s.criteria.0.clone(),
        case_number: case.number.clone(),
        case_type: case.case_type,
        stage: case.stage,
        outcome: case.closure.as_ref().map(|c| c.outcome),
        closure_report: case
            .closure
            .as_ref()
            .map(|c| c.report.clone())
            .unwrap_or_default(),
        closed_on: case.closed_at.map(local_date),
        nominating_unit_name,
        handling_unit_name,
        handler_name,
        blind,
        judges,
        scores,
        my_judge_id,
        average,
        honour,
        actions,
        nomination: n,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: NominationId) -> AppResult<NominationView> {
    let mut tx = app.store.read().await?;
    let (n, s, r) = visible(&mut tx, ctx, id, false).await?;
    view(&mut tx, ctx, n, s, r, local_date(app.clock.now())).await
}

/// The nominations of a selection the caller reads: all of them for the
/// organisers' side, a unit's own, a judge's assigned ones (without the names
/// of the units and handlers); ranked once published.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    selection: SelectionId,
    with_withdrawn: bool,
    page: Page,
) -> AppResult<(Vec<NominationLine>, i64)> {
    let mut tx = app.store.read().await?;
    let s = super::visible(&mut tx, ctx, selection).await?;
    let all = reads_all(ctx, &s);
    let unit = unit_of(ctx).map(|u| u.id.0);
    let reach = NominationReach {
        all,
        unit_id: unit,
        judge_user_id: ctx.user_id(),
    };
    let (mut rows, total) =
        store::nominations(&mut tx, selection, reach, with_withdrawn, page).await?;
    for line in &mut rows {
        let n = &line.nomination;
        let own = unit.is_some_and(|u| u == n.nominating_unit_id || Some(u) == n.handling_unit_id);
        if !all && !own {
            line.nominating_unit_name = String::new();
            line.handling_unit_name = None;
            line.handler_name = None;
        }
    }
    Ok((rows, total))
}

/// The instant a local (UTC+8) day begins.
fn start_of(d: NaiveDate) -> DateTime<Utc> {
    (d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)).and_utc()
}

/// Whether the caller nominates any case of their region (bureau supervisors
/// and center directors), not only their unit's.
fn nominates_for_region(ctx: &Ctx, s: &Selection) -> bool {
    can_organise(ctx) && sees_selection(ctx, &s.region_code) && policy::scope(ctx) != Scope::Nothing
}

/// The archived cases of the period the caller may nominate to `selection`
/// (their unit's, or their region's for the organisers), newest first, at most
/// 200: the nomination form's choice.
pub async fn candidates(
    app: &App,
    ctx: &Ctx,
    selection: SelectionId,
) -> AppResult<Vec<legalaid_store::excellent::Candidate>> {
    let mut tx = app.store.read().await?;
    let s = super::visible(&mut tx, ctx, selection).await?;
    policy::require(may_nominate(ctx, &s))?;
    let (unit, region) = if nominates_for_region(ctx, &s) {
        let region = match policy::scope(ctx) {
            Scope::Region(r) if r.as_str().starts_with(&s.region_code) => r.to_string(),
            _ => s.region_code.clone(),
        };
        (None, Some(format!("{region}%")))
    } else {
        (Some(unit_of(ctx).map_or(-1, |u| u.id.0)), None)
    };
    let bounds = (
        start_of(s.closed_from),
        start_of(s.closed_to.succ_opt().unwrap_or(s.closed_to)),
    );
    Ok(store::candidates(&mut tx, selection, unit, region.as_deref(), bounds, 200).await?)
}

/// Nominates a case (推荐参评). Refused: 404 for a case the caller does not see;
/// 403 for a case of another unit; 409 once nominations are closed or for a
/// case already nominated; 422 for a case not archived, archived outside the
/// period, outside the selection's region, or with a substantiated complaint.
pub async fn nominate(
    app: &App,
    ctx: &Ctx,
    selection: SelectionId,
    input: &NominateInput,
) -> AppResult<NominationView> {
    let now = app.clock.now();
    let today = local_date(now);
    let mut v = legalaid_domain::Validation::new();
    let case_id = input.case_id.filter(|c| *c > 0);
    if case_id.is_none() {
        v.add("case_id", "请选择推荐的案件");
    }
    let recommendation = v.text("recommendation", &input.recommendation, "推荐理由", 4000);
    let case_id = v
        .finish(case_id)
        .map_err(AppError::Validation)?
        .unwrap_or_default();
    let mut tx = app.store.write().await?;
    let s = store::selection_shared(&mut tx, selection)
        .await?
        .filter(|s| sees_selection(ctx, &s.region_code))
        .ok_or(AppError::NotFound)?;
    policy::require(may_nominate(ctx, &s))?;
    s.status
        .nominate(s.nomination_deadline, today)
        .map_err(AppError::Conflict)?;
    let case = crate::cases::visible(&mut tx, ctx, CaseId(case_id)).await?;
    let own = unit_of(ctx).is_some_and(|u| Some(u.id.0) == case.handling_unit_id);
    if !own && !nominates_for_region(ctx, &s) {
        return Err(AppError::Forbidden("只能推荐本单位承办的案件".into()));
    }
    if case.status != CaseStatus::Archived {
        return Err(AppError::field("case_id", "只能推荐已结案归档的案件"));
    }
    let handling = match case.handling_unit_id {
        Some(u) => legalaid_store::units::get(&mut tx, UnitId(u)).await?,
        None => None,
    };
    if !handling.is_some_and(|u| u.region_code.as_str().starts_with(&s.region_code)) {
        return Err(AppError::field(
            "case_id",
            "该案件的承办单位不在本次评选的范围内",
        ));
    }
    rules::in_period(case.closed_at.map(local_date), s.closed_from, s.closed_to)
        .map_err(|e| AppError::field("case_id", e))?;
    let (upheld, money) = store::upheld_complaints(&mut tx, case.id).await?;
    rules::eligibility(upheld > 0, money > 0).map_err(|e| AppError::field("case_id", e))?;
    if store::open_nomination_of_case(&mut tx, selection, case.id)
        .await?
        .is_some()
    {
        return Err(AppError::Duplicate {
            field: "case_id".into(),
            message: "该案件已推荐参加本次评选".into(),
        });
    }
    let n = Nomination {
        id: 0,
        selection_id: s.id,
        case_id,
        nominating_unit_id: unit_of(ctx).map_or(s.unit_id, |u| u.id.0),
        handling_unit_id: case.handling_unit_id,
        handler_id: case.handler_id,
        recommendation,
        status: NominationStatus::Nominated,
        withdraw_reason: String::new(),
        average_hundredths: None,
        final_rank: None,
        honoured: false,
        nominated_by: ctx.user_id(),
        created_at: now,
        version: 1,
    };
    let id = store::insert_nomination(&mut tx, &n).await?;
    let saved = store::nomination(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentNominate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Withdraws a nomination (by its unit or the organiser) while nominations are
/// open, with the reason.
pub async fn withdraw(
    app: &App,
    ctx: &Ctx,
    id: NominationId,
    version: i64,
    reason: &str,
) -> AppResult<NominationView> {
    let reason = crate::error::required_reason("reason", reason, "请填写撤回的原因", "撤回原因")?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.write().await?;
    let (before, s, _) = visible(&mut tx, ctx, id, true).await?;
    let by_nominator =
        organises(ctx, &s) || unit_of(ctx).is_some_and(|u| u.id.0 == before.nominating_unit_id);
    policy::require(by_nominator)?;
    let mut after = before.clone();
    after.status = before
        .status
        .withdraw(s.status, s.nomination_deadline, today)
        .map_err(AppError::Conflict)?;
    after.withdraw_reason = reason.to_owned();
    after.version = version;
    let saved = store::save_nomination(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentWithdraw,
        id,
        Some(&before),
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Why the caller may not score a nomination they read: a judge of its own unit
/// or its handler (交叉评查), or not assigned to it.
async fn refusal(tx: &mut Tx, ctx: &Ctx, n: &Nomination, year: i32) -> AppResult<AppError> {
    let Some(me) = ctx.user_id() else {
        return Ok(AppError::forbidden());
    };
    if let Some(e) = legalaid_store::quality::expert_of_user(tx, me).await? {
        let file = File {
            case_id: CaseId(n.case_id),
            handling_unit_id: n.handling_unit_id.map(UnitId),
            handler_id: n.handler_id.map(StaffId),
        };
        let r = crate::quality::experts::reviewer(&e, year);
        if let Some(why) = review::conflict(&r, &file) {
            return Ok(AppError::Forbidden(why));
        }
    }
    Ok(AppError::Forbidden(
        "本案未分配给您评审：评委只能为分配给自己的案件评分".into(),
    ))
}

/// A judge's sheet: every criterion within its points (422), once per judge
/// (409), only by a judge assigned to the case (403), while judging (409).
pub async fn score(
    app: &App,
    ctx: &Ctx,
    id: NominationId,
    input: &ScoreInput,
) -> AppResult<NominationView> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (n, s, r) = visible(&mut tx, ctx, id, true).await?;
    s.status.score().map_err(AppError::Conflict)?;
    if n.status == NominationStatus::Withdrawn {
        return Err(AppError::Conflict("该推荐已撤回".into()));
    }
    let year = i32::try_from(s.year).unwrap_or(2000);
    let judge = match input.judge_id {
        Some(j) => {
            policy::require(organises(ctx, &s))?;
            store::assigned(&mut tx, id)
                .await?
                .into_iter()
                .find(|e| e.id == j)
                .ok_or_else(|| AppError::field("judge_id", "该评委未被分配评审本案"))?
        }
        None => match r.judge {
            Some(e) => e,
            None => return Err(refusal(&mut tx, ctx, &n, year).await?),
        },
    };
    let total = JudgeScore::of(judge.id, &input.scores)
        .validate(&s.criteria.0)
        .map_err(AppError::Validation)?;
    crate::error::check_reason_length("comment", &input.comment, "评语")?;
    if store::scores(&mut tx, id)
        .await?
        .iter()
        .any(|x| x.expert_id == judge.id)
    {
        return Err(AppError::Duplicate {
            field: "judge_id".into(),
            message: "该评委已对本案提交评分".into(),
        });
    }
    let sheet = store::NewScore {
        nomination_id: n.id,
        expert_id: judge.id,
        scores: input.scores.clone(),
        total: i64::from(total),
        comment: input.comment.trim().to_owned(),
        entered_by: ctx.user_id(),
        submitted_at: now,
    };
    let sheet_id = store::insert_score(&mut tx, &sheet).await?;
    let after = store::scores(&mut tx, id)
        .await?
        .into_iter()
        .find(|x| x.id == sheet_id);
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ExcellentScore,
        id,
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// The nominations waiting for the caller's sheet (a judge's work), at most 200.
pub async fn pending(app: &App, ctx: &Ctx) -> AppResult<Vec<legalaid_store::excellent::Pending>> {
    let Some(me) = ctx.user_id() else {
        return Ok(Vec::new());
    };
    let mut tx = app.store.read().await?;
    Ok(store::pending_for(&mut tx, me).await?)
}

/// A selection open to nominating a case, for the case's page.
#[derive(Debug, Clone, Serialize)]
pub struct OpenSelection {
    pub selection_id: i64,
    pub title: String,
    /// The nomination form with the case chosen.
    pub href: String,
}

/// The selections the caller may nominate case `c` to now (it is archived in
/// their period, theirs to nominate, not nominated yet): links on the case page.
/// The caller has read `c` through its visibility check.
pub(crate) async fn open_for(app: &App, ctx: &Ctx, c: &Case) -> AppResult<Vec<OpenSelection>> {
    // Only an archived case can be recommended: most case pages stop here, before
    // the selections are listed.
    let Some(closed_on) = c.closed_at.map(local_date) else {
        return Ok(Vec::new());
    };
    if c.status != CaseStatus::Archived {
        return Ok(Vec::new());
    }
    let today = local_date(app.clock.now());
    let filter = super::SelectionFilter {
        status: Some(SelectionStatus::Nominating),
        year: None,
    };
    let (open, _) = super::list(app, ctx, &filter, Page::new(Some(1), Some(20))).await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = app.store.read().await?;
    let own = unit_of(ctx).is_some_and(|u| Some(u.id.0) == c.handling_unit_id);
    let mut out = Vec::new();
    for line in open {
        let s = line.selection;
        if s.status.nominate(s.nomination_deadline, today).is_err()
            || !(s.closed_from..=s.closed_to).contains(&closed_on)
            || !(own || nominates_for_region(ctx, &s))
            || store::open_nomination_of_case(&mut tx, SelectionId(s.id), c.id)
                .await?
                .is_some()
        {
            continue;
        }
        out.push(OpenSelection {
            selection_id: s.id,
            href: format!("/quality/excellent/{}/nominate?case={}", s.id, c.id),
            title: s.title,
        });
    }
    Ok(out)
}
