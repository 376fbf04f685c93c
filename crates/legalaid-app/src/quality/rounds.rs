//! Review rounds (评查批次): the rule, the reproducible draw of the files with
//! their schemes bound and their reviewers assigned, the results by unit, handler
//! and case type, and the close of the round.

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{CaseType, Grade};
use legalaid_domain::quality::review::{self, File, ReviewStatus, RoundStatus};
use legalaid_domain::quality::sampling::{self, Candidate, SampleMethod, SampleRule, UnitDraw};
use legalaid_domain::quality::scheme::{ScoringMethod, choose};
use legalaid_domain::record::Subject;
use legalaid_domain::validation::Validation;
use legalaid_domain::{CaseId, RoundId, SchemeId, UnitId, local_date};
use legalaid_store::quality::{self as store, NewReview, ReviewFilter, ReviewLine, Round};
use serde::{Deserialize, Serialize};

/// The default number of experts per file (two, as in the Hubei cross-review).
pub const DEFAULT_REVIEWERS: u32 = 2;
/// The default years of practice of outside experts (Chuzhou 2021: five).
pub const DEFAULT_MIN_YEARS: u32 = 5;

/// A new round as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoundInput {
    pub name: String,
    pub closed_from: Option<NaiveDate>,
    pub closed_to: Option<NaiveDate>,
    /// When the reviews are due.
    pub due_on: Option<NaiveDate>,
    /// `hundred` or `five`.
    pub method: String,
    /// `all`, `share` or `per_unit`.
    pub sample_method: String,
    #[serde(default)]
    pub percent: Option<u32>,
    #[serde(default)]
    pub per_unit: Option<u32>,
    #[serde(default)]
    pub case_types: Vec<String>,
    #[serde(default)]
    pub include_last_unqualified: bool,
    #[serde(default)]
    pub reviewers_per_case: Option<u32>,
    #[serde(default)]
    pub min_practice_years: Option<u32>,
    /// To repeat a draw; a fresh random seed when absent.
    #[serde(default)]
    pub seed: Option<String>,
}

/// The rule of a stored round.
pub fn rule_of(r: &Round) -> SampleRule {
    SampleRule {
        method: r.sample_method,
        percent: u32::try_from(r.percent).unwrap_or(0),
        per_unit: u32::try_from(r.per_unit).unwrap_or(0),
        case_types: r
            .case_types
            .split(',')
            .filter_map(CaseType::parse)
            .collect(),
        include_last_unqualified: r.include_last_unqualified,
    }
}

/// Creates a round of the caller's center or bureau, for its region.
pub async fn create(app: &App, ctx: &Ctx, input: &RoundInput) -> AppResult<Round> {
    policy::require(super::is_quality_staff(ctx))?;
    let home = super::home_unit(ctx)?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut v = Validation::new();
    let name = v.text("name", &input.name, "批次名称", 100);
    match (input.closed_from, input.closed_to) {
        (Some(a), Some(b)) if a > b => v.add("closed_to", "结案期间的结束日期不能早于开始日期"),
        (Some(_), Some(b)) if b > today => v.add("closed_to", "结案期间不能晚于今天"),
        (Some(_), Some(_)) => {}
        _ => v.add("closed_from", "请填写结案期间"),
    }
    match input.due_on {
        None => v.add("due_on", "请填写评查完成期限"),
        Some(d) if d < today => v.add("due_on", "评查完成期限不能早于今天"),
        Some(_) => {}
    }
    let method = ScoringMethod::parse(input.method.trim());
    if method.is_none() {
        v.add("method", "请选择评分方式（百分制或五分制）");
    }
    let sample_method = SampleMethod::parse(input.sample_method.trim());
    if sample_method.is_none() {
        v.add("sample_method", "请选择抽取方式");
    }
    let mut case_types = Vec::new();
    for t in &input.case_types {
        match CaseType::parse(t.trim()) {
            Some(ct) if !case_types.contains(&ct) => case_types.push(ct),
            Some(_) => {}
            None => v.add("case_types", "案件类型不正确"),
        }
    }
    let reviewers = input.reviewers_per_case.unwrap_or(DEFAULT_REVIEWERS);
    if !(1..=5).contains(&reviewers) {
        v.add("reviewers_per_case", "每件案卷的评查专家应为1至5名");
    }
    let min_years = input.min_practice_years.unwrap_or(DEFAULT_MIN_YEARS);
    if min_years > 50 {
        v.add("min_practice_years", "执业年限要求不能超过50年");
    }
    let seed = match input.seed.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => {
            if s.chars().count() > 64 || !s.chars().all(|c| c.is_ascii_graphic()) {
                v.add("seed", "随机种子应为不超过64个字母、数字或符号");
            }
            s.to_owned()
        }
        _ => crate::auth::random_secret()[..16].to_owned(),
    };
    let rule = SampleRule {
        method: sample_method.unwrap_or(SampleMethod::All),
        percent: input.percent.unwrap_or(0),
        per_unit: input.per_unit.unwrap_or(0),
        case_types: case_types.clone(),
        include_last_unqualified: input.include_last_unqualified,
    };
    if sample_method.is_some()
        && let Err(e) = rule.validate()
    {
        for e in e {
            v.add(&e.field, e.message);
        }
    }
    v.finish(()).map_err(AppError::Validation)?;
    let (Some(method), Some(from), Some(to), Some(due)) =
        (method, input.closed_from, input.closed_to, input.due_on)
    else {
        return Err(AppError::field("method", "请选择评分方式"));
    };
    let round = Round {
        id: 0,
        name,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        closed_from: from,
        closed_to: to,
        method,
        sample_method: rule.method,
        percent: i64::from(rule.percent),
        per_unit: i64::from(rule.per_unit),
        case_types: case_types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(","),
        include_last_unqualified: rule.include_last_unqualified,
        reviewers_per_case: i64::from(reviewers),
        min_practice_years: i64::from(min_years),
        seed,
        due_on: due,
        status: RoundStatus::Draft,
        drawn_at: None,
        draw_summary: String::new(),
        closed_at: None,
        created_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        version: 1,
    };
    let mut tx = app.store.write().await?;
    let id = store::insert_round(&mut tx, &round).await?;
    let saved = store::round(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ReviewRoundCreate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The rounds of the caller's region, newest first.
pub async fn list(app: &App, ctx: &Ctx, page: Page) -> AppResult<(Vec<Round>, i64)> {
    policy::require(super::can_read(ctx))?;
    let region = match policy::scope(ctx) {
        legalaid_domain::visibility::Scope::All => String::new(),
        legalaid_domain::visibility::Scope::Region(r) => r.to_string(),
        _ => return Err(AppError::forbidden()),
    };
    let mut tx = app.store.read().await?;
    Ok(store::rounds(&mut tx, &region, page).await?)
}

/// What the draw found, kept with the round.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DrawSummary {
    /// Files in the frame (archived in the period, in the region).
    pub frame: u32,
    pub drawn: u32,
    pub units: Vec<UnitDraw>,
    /// Files left out because no scheme of the round's method scores them, by
    /// case type.
    pub uncovered: Vec<Uncovered>,
}

/// Files of a case type no scheme of the round's method scores.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Uncovered {
    pub case_type: CaseType,
    pub files: u32,
}

/// What the draw took from one unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDrawLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub frame: u32,
    pub drawn: u32,
}

/// How many files of a round are at a stage of review.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StatusCount {
    pub status: ReviewStatus,
    pub files: i64,
}

/// A round with its rule in words, what its draw found, and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: Round,
    pub unit_name: String,
    pub rule: String,
    pub summary: Option<DrawSummary>,
    /// What the draw took from each unit, with the unit's name.
    pub draw_units: Vec<UnitDrawLine>,
    /// Files per review status.
    pub by_status: Vec<StatusCount>,
    pub results: Results,
    /// The caller may draw the sample (a draft round).
    pub can_draw: bool,
    /// The caller may close the round (every file final).
    pub can_close: bool,
}

/// Results grouped one way (by unit, handler or case type).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResultGroup {
    pub key: String,
    pub label: String,
    pub files: i64,
    /// Files with a final grade, and how many of each grade.
    pub graded: i64,
    pub excellent: i64,
    pub good: i64,
    pub qualified: i64,
    pub unqualified: i64,
    /// Mean of the final totals of the graded files.
    pub average: Option<f64>,
    /// 优良率: 优秀 and 良好 among the graded files, in percent.
    pub good_rate: Option<f64>,
}

impl ResultGroup {
    fn add(&mut self, grade: Option<Grade>, total: Option<i64>, n: i64) {
        self.files += n;
        if let Some(g) = grade {
            self.graded += n;
            match g {
                Grade::Excellent => self.excellent += n,
                Grade::Good => self.good += n,
                Grade::Qualified => self.qualified += n,
                Grade::Unqualified => self.unqualified += n,
            }
            let sum =
                self.average.unwrap_or(0.0) * (self.graded - n) as f64 + total.unwrap_or(0) as f64;
            self.average = Some(sum / self.graded as f64);
        }
    }

    fn finish(&mut self) {
        self.good_rate = (self.graded > 0)
            .then(|| (self.excellent + self.good) as f64 * 100.0 / self.graded as f64);
    }
}

/// A round's results by unit, handler and case type, and in all.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    pub total: ResultGroup,
    pub by_unit: Vec<ResultGroup>,
    pub by_handler: Vec<ResultGroup>,
    pub by_case_type: Vec<ResultGroup>,
}

fn group<'a>(list: &'a mut Vec<ResultGroup>, key: String, label: &str) -> &'a mut ResultGroup {
    let i = match list.iter().position(|g| g.key == key) {
        Some(i) => i,
        None => {
            list.push(ResultGroup {
                key,
                label: label.to_owned(),
                ..ResultGroup::default()
            });
            list.len() - 1
        }
    };
    &mut list[i]
}

/// A round the caller may see: quality readers of its region, and the experts
/// with files in it.
async fn visible(tx: &mut legalaid_store::Tx, ctx: &Ctx, id: RoundId) -> AppResult<Round> {
    let r = store::round(tx, id).await?.ok_or(AppError::NotFound)?;
    if super::can_read(ctx) && super::sees_region(ctx, &r.region_code) {
        return Ok(r);
    }
    Err(AppError::NotFound)
}

pub async fn get(app: &App, ctx: &Ctx, id: RoundId) -> AppResult<RoundView> {
    let mut tx = app.store.read().await?;
    let round = visible(&mut tx, ctx, id).await?;
    let unit_name = legalaid_store::units::get(&mut tx, UnitId(round.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let mut results = Results::default();
    let mut by_status: Vec<(ReviewStatus, i64)> = Vec::new();
    for (r, n) in store::round_results(&mut tx, id).await? {
        match by_status.iter_mut().find(|(s, _)| *s == r.status) {
            Some((_, m)) => *m += n,
            None => by_status.push((r.status, n)),
        }
        let grade = (r.status == ReviewStatus::Final)
            .then_some(r.final_grade)
            .flatten();
        results.total.add(grade, r.final_total, n);
        group(&mut results.by_unit, r.unit_id.to_string(), &r.unit_name).add(
            grade,
            r.final_total,
            n,
        );
        group(
            &mut results.by_handler,
            r.handler_id.map_or_else(String::new, |h| h.to_string()),
            r.handler_name.as_deref().unwrap_or("（未确定承办人）"),
        )
        .add(grade, r.final_total, n);
        group(
            &mut results.by_case_type,
            r.case_type.as_str().to_owned(),
            r.case_type.label(),
        )
        .add(grade, r.final_total, n);
    }
    by_status.sort_by_key(|(s, _)| *s);
    results.total.finish();
    for g in results
        .by_unit
        .iter_mut()
        .chain(results.by_handler.iter_mut())
        .chain(results.by_case_type.iter_mut())
    {
        g.finish();
    }
    let summary: Option<DrawSummary> = serde_json::from_str(&round.draw_summary).ok();
    let mut draw_units = Vec::new();
    for u in summary.iter().flat_map(|s| s.units.iter()) {
        draw_units.push(UnitDrawLine {
            unit_id: u.unit_id.0,
            unit_name: legalaid_store::units::get(&mut tx, u.unit_id)
                .await?
                .map(|x| x.name)
                .unwrap_or_default(),
            frame: u.frame,
            drawn: u.drawn,
        });
    }
    let staff = super::is_quality_staff(ctx);
    let open = by_status
        .iter()
        .filter(|(s, _)| *s != ReviewStatus::Final)
        .map(|(_, n)| n)
        .sum::<i64>();
    let by_status = by_status
        .into_iter()
        .map(|(status, files)| StatusCount { status, files })
        .collect();
    Ok(RoundView {
        rule: rule_of(&round).describe(),
        can_draw: staff && round.status == RoundStatus::Draft,
        can_close: staff && round.status == RoundStatus::Open && open == 0,
        unit_name,
        summary,
        draw_units,
        by_status,
        results,
        round,
    })
}

/// The files of a round, a page at a time (an expert: only theirs).
pub async fn files(
    app: &App,
    ctx: &Ctx,
    id: RoundId,
    status: Option<ReviewStatus>,
    page: Page,
) -> AppResult<(Vec<ReviewLine>, i64)> {
    let mut tx = app.store.read().await?;
    let expert = match &ctx.actor {
        Some(a) if !super::can_read(ctx) => store::expert_of_user(&mut tx, a.user.id.0)
            .await?
            .map(|e| e.id),
        _ => None,
    };
    if expert.is_none() {
        visible(&mut tx, ctx, id).await?;
    } else {
        store::round(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    }
    let f = ReviewFilter {
        status,
        expert_id: expert,
    };
    Ok(store::reviews_of_round(&mut tx, id, &f, page).await?)
}

/// The start of China day `d`, as an instant.
fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8);
    Utc.from_utc_datetime(&local)
}

/// Draws the round's files by its rule and seed, binds each to the scheme in
/// force for its case type and stage, and assigns its reviewers (cross-review).
/// All or nothing: a file that cannot get enough independent reviewers stops
/// the draw, named, and nothing is written. A second draw of the round is
/// refused (409), also when two start at once (the round's version).
pub async fn draw(app: &App, ctx: &Ctx, id: RoundId, version: i64) -> AppResult<RoundView> {
    policy::require(super::is_quality_staff(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let round = visible(&mut tx, ctx, id).await?;
    if round.status != RoundStatus::Draft {
        return Err(AppError::Conflict("该批次已抽取案卷".into()));
    }
    if round.version != version {
        return Err(AppError::Conflict(
            "该记录已被他人修改，请刷新后重新编辑".into(),
        ));
    }
    let rule = rule_of(&round);
    let schemes: Vec<(SchemeId, legalaid_domain::quality::scheme::Scheme)> =
        store::current_schemes(&mut tx)
            .await?
            .into_iter()
            .filter(|s| !s.retired)
            .map(|s| (s.id, s.scheme))
            .collect();
    // The frame, a batch at a time.
    let period = (
        day_start(round.closed_from),
        day_start(round.closed_to.succ_opt().unwrap_or(round.closed_to)),
    );
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let batch = store::frame(&mut tx, &round.region_code, period, after, 5000).await?;
        let short = batch.len() < 5000;
        if let Some(last) = batch.last() {
            after = last.id;
        }
        rows.extend(batch.into_iter().map(|r| (r, false)));
        if short {
            break;
        }
    }
    if rule.include_last_unqualified
        && let Some(last) = store::last_closed_round(&mut tx, &round.region_code, id).await?
    {
        for r in store::unqualified_of_round(&mut tx, last).await? {
            match rows.iter_mut().find(|(x, _)| x.id == r.id) {
                Some((_, flag)) => *flag = true,
                None => rows.push((r, true)),
            }
        }
    }
    let frame_total = rows.len() as u32;
    let mut uncovered: Vec<Uncovered> = Vec::new();
    let mut candidates = Vec::new();
    let mut bound = std::collections::HashMap::new();
    for (r, last) in &rows {
        match choose(&schemes, r.case_type, r.stage, round.method) {
            Some((sid, _)) => {
                bound.insert(r.id, (*sid, r));
                candidates.push(Candidate {
                    case_id: CaseId(r.id),
                    unit_id: UnitId(r.handling_unit_id),
                    case_type: r.case_type,
                    last_unqualified: *last,
                });
            }
            None => match uncovered.iter_mut().find(|u| u.case_type == r.case_type) {
                Some(u) => u.files += 1,
                None => uncovered.push(Uncovered {
                    case_type: r.case_type,
                    files: 1,
                }),
            },
        }
    }
    let drawn = sampling::draw(&round.seed, &rule, &candidates);
    if drawn.files.is_empty() {
        return Err(AppError::Conflict(if frame_total == 0 {
            format!(
                "{}至{}期间本辖区没有结案归档的案件，无法抽取",
                round.closed_from, round.closed_to
            )
        } else {
            "按本批次的规则没有可抽取的案卷（请检查案件类型和评分标准）".into()
        }));
    }
    let year = local_date(now).year();
    let pool: Vec<review::Reviewer> = store::pool_for(&mut tx, &round.region_code)
        .await?
        .iter()
        .map(|e| super::experts::reviewer(e, year))
        .collect();
    let files: Vec<File> = drawn
        .files
        .iter()
        .filter_map(|f| bound.get(&f.case_id.0))
        .map(|(_, r)| File {
            case_id: CaseId(r.id),
            handling_unit_id: Some(UnitId(r.handling_unit_id)),
            handler_id: r.handler_id.map(legalaid_domain::StaffId),
        })
        .collect();
    let per_case = usize::try_from(round.reviewers_per_case).unwrap_or(2);
    let min_years = u32::try_from(round.min_practice_years).unwrap_or(DEFAULT_MIN_YEARS);
    let assignment = match review::assign(&files, &pool, per_case, min_years, &round.seed) {
        Ok(a) => a,
        Err(short) => {
            let mut names = Vec::new();
            for s in short.iter().take(10) {
                let number = legalaid_store::cases::get(&mut tx, s.case_id)
                    .await?
                    .map(|c| c.number)
                    .unwrap_or_default();
                names.push(format!("{number}（可用{}名）", s.available));
            }
            return Err(AppError::Conflict(format!(
                "有{}件案卷没有足够的符合条件且与承办单位无关的评查专家（每件需要{}名）：{}{}。请先在专家库中增加其他单位的专家",
                short.len(),
                per_case,
                names.join("、"),
                if short.len() > 10 { "等" } else { "" }
            )));
        }
    };
    let new: Vec<NewReview> = drawn
        .files
        .iter()
        .filter_map(|f| {
            bound.get(&f.case_id.0).map(|(sid, r)| NewReview {
                case_id: f.case_id,
                scheme_id: *sid,
                reason: f.reason,
                unit_id: r.handling_unit_id,
                handler_id: r.handler_id,
                case_type: r.case_type,
            })
        })
        .collect();
    let written = store::insert_reviews(&mut tx, id, &new).await?;
    let by_case: std::collections::HashMap<CaseId, legalaid_domain::ReviewId> =
        written.iter().copied().collect();
    let ids: Vec<legalaid_domain::ReviewId> = written.iter().map(|(_, r)| *r).collect();
    let pairs: Vec<(legalaid_domain::ReviewId, i64)> = assignment
        .iter()
        .filter_map(|(case_id, experts)| by_case.get(case_id).map(|rid| (*rid, experts)))
        .flat_map(|(rid, experts)| experts.iter().map(move |e| (rid, e.0)))
        .collect();
    store::assign_experts(&mut tx, &pairs, now).await?;
    let summary = DrawSummary {
        frame: frame_total,
        drawn: drawn.files.len() as u32,
        units: drawn.units,
        uncovered,
    };
    let summary_json =
        serde_json::to_string(&summary).map_err(|e| AppError::Internal(e.to_string()))?;
    store::set_round_status(
        &mut tx,
        id,
        version,
        RoundStatus::Open,
        Some(&summary_json),
        now,
    )
    .await?;
    for rid in &ids {
        crate::queues::track(app, &mut tx, Subject::Review(*rid)).await?;
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ReviewRoundDraw,
        id,
        None::<&()>,
        Some(&serde_json::json!({
            "seed": round.seed,
            "frame": summary.frame,
            "drawn": summary.drawn,
            "cases": new.iter().map(|n| n.case_id.0).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Closes a round whose every file is final.
pub async fn close(app: &App, ctx: &Ctx, id: RoundId, version: i64) -> AppResult<RoundView> {
    policy::require(super::is_quality_staff(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let round = visible(&mut tx, ctx, id).await?;
    if round.status != RoundStatus::Open {
        return Err(AppError::Conflict(format!(
            "该批次状态为“{}”，不能结束",
            round.status.label()
        )));
    }
    let open = store::open_reviews(&mut tx, id).await?;
    if open > 0 {
        return Err(AppError::Conflict(format!(
            "尚有{open}件案卷未完成中心负责人复核，不能结束本批次"
        )));
    }
    store::set_round_status(&mut tx, id, version, RoundStatus::Closed, None, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ReviewRoundClose,
        id,
        Some(&round.status),
        Some(&RoundStatus::Closed),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}
