//! Surveys of public opinion (社情民意调查, quality-supervision-outreach §6.2):
//! instrument versions, campaigns with their target sample per township, codes
//! for the link and QR code, answers from the public (anonymous, one per code)
//! or entered by staff from phone calls, and the results (知晓率 and 满意度 by
//! township and unit, with their definitions).
//!
//! Who: bureau supervisors, center directors and quality staff organise
//! campaigns and issue codes; they and the center's reviewers and the judicial
//! offices' clerks enter phone answers; bureau supervisors and center directors
//! keep the instruments. A campaign is seen inside its organiser's region and by
//! the units within its region (404 for everyone else). The public reaches one
//! campaign through one code and nothing else ([`public`]).

mod instruments;
pub mod public;
mod results;

use instruments::load_instrument;
pub use instruments::*;
pub use results::*;

use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::role::Role;
use legalaid_domain::survey::{
    self as domain, AnswerChannel, CampaignInput, Instrument, Responses, Results, Tally,
};
use legalaid_domain::unit::Unit;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{CampaignId, InstrumentId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::hearings::JsonList;
use legalaid_store::surveys::{self as store, CampaignScope};
pub use legalaid_store::surveys::{
    Answer, Campaign, CampaignLine, CodeCounts, CodeLine, StoredInstrument,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shipped instrument's code.
pub const SHIPPED_CODE: &str = "awareness-satisfaction";

/// Organises campaigns and issues codes.
pub fn can_organise(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::BureauSupervisor,
            Role::CenterDirector,
            Role::QualityReviewer,
        ],
    )
}

/// Keeps the instruments (new versions).
pub fn can_keep_instruments(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::BureauSupervisor, Role::CenterDirector])
}

/// Reads campaigns and enters phone answers.
pub fn can_enter(ctx: &Ctx) -> bool {
    can_organise(ctx) || policy::acts_as(ctx, &[Role::CenterReviewer, Role::IntakeClerk])
}

/// The campaigns the caller sees.
fn scope_of(ctx: &Ctx) -> CampaignScope {
    if !can_enter(ctx) {
        return CampaignScope {
            nothing: true,
            ..CampaignScope::default()
        };
    }
    let own = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.region_code.to_string());
    match policy::scope(ctx) {
        Scope::All => CampaignScope::default(),
        Scope::Region(r) => CampaignScope {
            inside: Some(format!("{}%", r.as_str())),
            region_of_unit: own,
            nothing: false,
        },
        Scope::Unit(_) => CampaignScope {
            // Nothing starts with '-': only the campaigns around the unit.
            inside: Some("-".into()),
            region_of_unit: own,
            nothing: own_is_none(ctx),
        },
        Scope::Nothing => CampaignScope {
            nothing: true,
            ..CampaignScope::default()
        },
    }
}

fn own_is_none(ctx: &Ctx) -> bool {
    ctx.actor.as_ref().and_then(|a| a.unit.as_ref()).is_none()
}

/// Whether the caller sees `c` (the same rule as [`scope_of`], in Rust).
fn sees(ctx: &Ctx, c: &Campaign) -> bool {
    let s = scope_of(ctx);
    if s.nothing {
        return false;
    }
    if s.inside.is_none() && s.region_of_unit.is_none() {
        return true;
    }
    let inside = s
        .inside
        .as_deref()
        .and_then(|p| p.strip_suffix('%'))
        .is_some_and(|p| c.region_code.starts_with(p));
    let around = s
        .region_of_unit
        .as_deref()
        .is_some_and(|r| r.starts_with(&c.region_code));
    inside || around
}

/// Whether the caller organises `c`: an organiser whose region holds it.
fn organises(ctx: &Ctx, c: &Campaign) -> bool {
    can_organise(ctx)
        && match policy::scope(ctx) {
            Scope::All => true,
            Scope::Region(r) => c.region_code.starts_with(r.as_str()),
            _ => false,
        }
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: CampaignId) -> AppResult<Campaign> {
    let c = store::campaign(tx, id).await?.ok_or(AppError::NotFound)?;
    if !sees(ctx, &c) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

// ---------------------------------------------------------------- campaigns

/// A township of a campaign's region.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Township {
    pub code: String,
    pub name: String,
}

/// The townships (乡镇、街道) in the region tree below `region`.
pub(crate) async fn townships(tx: &mut Tx, region: &str) -> AppResult<Vec<Township>> {
    Ok(legalaid_store::regions::list(tx)
        .await?
        .into_iter()
        .filter(|r| {
            r.level == legalaid_domain::region::RegionLevel::Township
                && r.code.as_str().starts_with(region)
        })
        .map(|r| Township {
            code: r.code.as_str().to_owned(),
            name: r.name,
        })
        .collect())
}

/// What can be done to a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    /// Issue codes for the link and QR code (organisers, until the end).
    IssueCodes,
    /// Enter an answer from a phone call (during the period).
    EnterAnswer,
}

/// A campaign with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub unit_name: String,
    pub instrument_title: String,
    pub instrument_version: i64,
    /// Whether it takes answers today, and if not why.
    pub open: bool,
    pub status: String,
    pub townships: Vec<Township>,
    pub actions: Vec<CampaignAction>,
}

async fn view(app: &App, tx: &mut Tx, ctx: &Ctx, c: Campaign) -> AppResult<CampaignView> {
    let today = local_date(app.clock.now());
    let unit_name = legalaid_store::units::get(tx, UnitId(c.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let i = store::instrument(tx, InstrumentId(c.instrument_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let open = domain::open_on(c.starts_on, c.ends_on, today);
    let mut actions = Vec::new();
    if organises(ctx, &c) && today <= c.ends_on {
        actions.push(CampaignAction::IssueCodes);
    }
    if can_enter(ctx) && open.is_ok() && ctx.actor.as_ref().is_some_and(|a| a.unit.is_some()) {
        actions.push(CampaignAction::EnterAnswer);
    }
    let townships = townships(tx, &c.region_code).await?;
    Ok(CampaignView {
        unit_name,
        instrument_title: i.title,
        instrument_version: i.version,
        status: match &open {
            Ok(()) => "进行中".into(),
            Err(_) if today < c.starts_on => "未开始".into(),
            Err(_) => "已结束".into(),
        },
        open: open.is_ok(),
        townships,
        actions,
        campaign: c,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: CampaignId) -> AppResult<CampaignView> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    view(app, &mut tx, ctx, c).await
}

/// The campaigns the caller sees, newest first.
pub async fn list(app: &App, ctx: &Ctx, page: Page) -> AppResult<(Vec<CampaignLine>, i64)> {
    policy::require(can_enter(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::campaigns(&mut tx, &scope_of(ctx), page).await?)
}

/// The campaigns under way today that the caller takes part in, for the home
/// page, at most `at_most` and a line for the rest: (title, detail, link). Read
/// in the home page's transaction.
pub(crate) async fn work_items(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    at_most: i64,
) -> AppResult<Vec<(String, String, String)>> {
    if !can_enter(ctx) || ctx.actor.is_none() {
        return Ok(Vec::new());
    }
    let today = local_date(app.clock.now());
    let (lines, total) = store::open_campaigns(tx, &scope_of(ctx), today, at_most).await?;
    let more = total - lines.len() as i64;
    let mut items: Vec<_> = lines
        .into_iter()
        .map(|l| {
            let target: u32 = l.campaign.targets.0.iter().map(|t| t.target).sum();
            let detail = if target > 0 {
                format!(
                    "调查进行中，至{}结束；已收回{}份，目标样本{}份。",
                    l.campaign.ends_on, l.answers, target
                )
            } else {
                format!(
                    "调查进行中，至{}结束；已收回{}份。",
                    l.campaign.ends_on, l.answers
                )
            };
            (
                format!("社情民意调查：{}", l.campaign.title),
                detail,
                format!("/surveys/{}", l.campaign.id),
            )
        })
        .collect();
    if more > 0 {
        items.push((
            format!("另有{more}项社情民意调查进行中"),
            "以上为最先结束的几项，其余请在调查列表中查看。".into(),
            "/surveys".into(),
        ));
    }
    Ok(items)
}

/// The unit a campaign or training of the caller belongs to: a bureau or a
/// center, whose region it covers.
pub(crate) fn organiser_unit(ctx: &Ctx, what: &str) -> AppResult<Unit> {
    let unit = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.clone())
        .ok_or_else(|| AppError::Conflict(format!("请使用司法局或法律援助中心的账号组织{what}")))?;
    if !unit.kind.sees_region() {
        return Err(AppError::Conflict(format!(
            "{what}由司法局或法律援助中心组织"
        )));
    }
    Ok(unit)
}

/// The townships a new campaign of the caller's bureau or center covers.
pub async fn organiser_townships(app: &App, ctx: &Ctx) -> AppResult<Vec<Township>> {
    policy::require(can_organise(ctx))?;
    let home = organiser_unit(ctx, "调查")?;
    let mut tx = app.store.read().await?;
    townships(&mut tx, home.region_code.as_str()).await
}

/// Creates a campaign of the caller's bureau or center over its region.
pub async fn create(app: &App, ctx: &Ctx, input: &CampaignInput) -> AppResult<CampaignView> {
    policy::require(can_organise(ctx))?;
    let home = organiser_unit(ctx, "调查")?;
    let region = home.region_code.to_string();
    let mut tx = app.store.write().await?;
    let towns: Vec<String> = townships(&mut tx, &region)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let v = input.validate(&towns).map_err(AppError::Validation)?;
    store::instrument(&mut tx, InstrumentId(v.instrument_id))
        .await?
        .ok_or_else(|| AppError::field("instrument_id", "所选调查问卷不存在"))?;
    let c = Campaign {
        id: 0,
        title: v.title,
        instrument_id: v.instrument_id,
        starts_on: v.starts_on,
        ends_on: v.ends_on,
        unit_id: home.id.0,
        region_code: region,
        targets: JsonList(v.targets),
        created_by: ctx.user_id(),
        created_at: app.clock.now(),
        version: 1,
    };
    let id = store::insert_campaign(&mut tx, &c).await?;
    let saved = store::campaign(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SurveyCampaignCreate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

// ---------------------------------------------------------------- codes

/// The most codes issued at once.
pub const MAX_CODES: u32 = 500;

/// Codes just issued.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    pub batch: i64,
    pub unit_id: i64,
    pub codes: Vec<String>,
}

/// A code: 128 random bits as 32 hex digits, unguessable.
fn new_code() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("operating system random source is available");
    hex::encode(b)
}

/// Issues `count` codes handed out by `unit` (the organiser when absent): a
/// unit in the campaign's region the caller sees.
pub async fn issue_codes(
    app: &App,
    ctx: &Ctx,
    id: CampaignId,
    count: u32,
    unit: Option<UnitId>,
) -> AppResult<Issued> {
    let today = local_date(app.clock.now());
    if !(1..=MAX_CODES).contains(&count) {
        return Err(AppError::field(
            "count",
            format!("每次生成1至{MAX_CODES}个二维码"),
        ));
    }
    let mut tx = app.store.write().await?;
    let c = visible(&mut tx, ctx, id).await?;
    policy::require(organises(ctx, &c))?;
    if today > c.ends_on {
        return Err(AppError::Conflict("调查已经结束，不能再生成二维码".into()));
    }
    let unit_id = unit.unwrap_or(UnitId(c.unit_id));
    let u = legalaid_store::units::get(&mut tx, unit_id)
        .await?
        .filter(|u| policy::sees(ctx, u) && u.region_code.as_str().starts_with(&c.region_code))
        .ok_or_else(|| AppError::field("unit_id", "发放单位应为本次调查辖区内的单位"))?;
    let batch = store::next_batch(&mut tx, id).await?;
    let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
    store::insert_codes(
        &mut tx,
        id,
        u.id.0,
        batch,
        &codes,
        ctx.user_id(),
        app.clock.now(),
    )
    .await?;
    // The audit keeps how many and for whom, not the codes themselves.
    let note = serde_json::json!({ "campaign_id": id.0, "batch": batch, "unit_id": u.id.0, "count": count });
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SurveyCodesIssue,
        id,
        None::<&()>,
        Some(&note),
    )
    .await?;
    tx.commit().await?;
    Ok(Issued {
        batch,
        unit_id: u.id.0,
        codes,
    })
}

/// A campaign's codes, for printing (organisers only); `unanswered`: only those
/// still to hand out.
pub async fn codes(
    app: &App,
    ctx: &Ctx,
    id: CampaignId,
    batch: Option<i64>,
    unanswered: bool,
    page: Page,
) -> AppResult<(Vec<CodeLine>, i64)> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    policy::require(organises(ctx, &c))?;
    Ok(store::codes(&mut tx, id, batch, unanswered, page).await?)
}

// ---------------------------------------------------------------- answers

/// An answer entered or submitted.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub id: i64,
    pub campaign_id: i64,
    pub channel: AnswerChannel,
    pub township_code: String,
}

/// Enters an answer from a phone call, recorded with the staff member who
/// entered it and their unit; during the campaign's period.
pub async fn enter(app: &App, ctx: &Ctx, id: CampaignId, given: &Responses) -> AppResult<Accepted> {
    policy::require(can_enter(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let unit = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id.0)
        .ok_or_else(|| AppError::Conflict("录入问卷的账号应属于一个单位".into()))?;
    domain::open_on(c.starts_on, c.ends_on, local_date(now)).map_err(AppError::Conflict)?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let towns: Vec<String> = townships(&mut tx, &c.region_code)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let responses = inst
        .instrument
        .check(given, &towns)
        .map_err(AppError::Validation)?;
    let a = Answer {
        id: 0,
        campaign_id: c.id,
        channel: AnswerChannel::Phone,
        code_id: None,
        township_code: inst
            .instrument
            .township_of(&responses)
            .unwrap_or_default()
            .to_owned(),
        unit_id: unit,
        entered_by: ctx.user_id(),
        responses: store::JsonResponses(responses),
        submitted_at: now,
    };
    let answer_id = store::insert_answer(&mut tx, &a).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SurveyAnswerEnter,
        answer_id,
        None::<&()>,
        Some(&a),
    )
    .await?;
    tx.commit().await?;
    Ok(Accepted {
        id: answer_id,
        campaign_id: c.id,
        channel: AnswerChannel::Phone,
        township_code: a.township_code,
    })
}

/// The instrument a campaign uses and the townships its township question
/// offers (for the staff entry form).
pub async fn form(app: &App, ctx: &Ctx, id: CampaignId) -> AppResult<(CampaignView, Instrument)> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let v = view(app, &mut tx, ctx, c).await?;
    Ok((v, inst.instrument))
}
