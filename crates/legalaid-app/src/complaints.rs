//! Complaints about legal aid (LAL arts 55–56; 《法律援助投诉处理办法》): one
//! function per step, each in one transaction with its audit entry and the
//! complaint's stored deadlines (`queues::track`). The justice bureau handles
//! complaints; its deadlines sit in the bureau's queue of the region that covers
//! the respondent.
//!
//! Who does what:
//! - intake staff, center reviewers and directors, and bureau supervisors
//!   register complaints (an anonymous complaint needs no name or contact);
//! - bureau supervisors accept or refuse, extend once, decide, reply to the
//!   complainant and record the complainant's remedy;
//! - bureau supervisors and center staff read the complaints of their region;
//!   a judicial office reads the complaints it registered; administrators all.
//!
//! Confidentiality: the respondent never reads the complaints about it. Staff of
//! the respondent unit (a center complained about included) and the respondent
//! staff member are answered 404 for them and do not find them in lists or
//! figures, so the complainant is protected while the bureau investigates. What
//! the center must act on reaches it through the case (a replacement request).

use crate::deadlines::DeadlineView;
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::complaint::{
    ComplainantRemedy, ComplaintEvent, ComplaintInput, ComplaintOutcome, ComplaintStatus,
    FollowUpAction, ReplyChannel, can_extend, default_extension_days,
};
use legalaid_domain::record::Subject;
use legalaid_domain::role::Role;
use legalaid_domain::unit::UnitKind;
use legalaid_domain::visibility::{Scope, register_region};
use legalaid_domain::{CaseId, ComplaintId, StaffId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::complaints::{self as store, Complaint, ComplaintFilter, Figures, Reach};
use serde::{Deserialize, Serialize};

pub use legalaid_store::complaints::{FigureRow, ListRow};

/// Registers complaints.
pub fn can_register(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::IntakeClerk,
            Role::CenterReviewer,
            Role::CenterDirector,
            Role::BureauSupervisor,
        ],
    )
}

/// Reads complaints (within the reach of [`reach`]).
pub fn can_read(ctx: &Ctx) -> bool {
    can_register(ctx) || policy::acts_as(ctx, &[Role::QualityReviewer])
}

/// Handles complaints: accepts or refuses, extends, decides, replies.
pub fn can_handle(ctx: &Ctx) -> bool {
    policy::acts_as(ctx, &[Role::BureauSupervisor])
}

/// The complaints the caller reads (see the module doc on confidentiality).
pub fn reach(ctx: &Ctx) -> Reach {
    let nothing = Reach {
        receiving_unit: Some(-1),
        ..Reach::default()
    };
    if !can_read(ctx) {
        return nothing;
    }
    let Some(actor) = &ctx.actor else {
        return Reach::default();
    };
    let not_about_unit = actor.user.unit_id.map(|u| u.0);
    let not_about_staff = actor.user.staff_id.map(|s| s.0);
    match policy::scope(ctx) {
        Scope::All => Reach {
            not_about_unit: None,
            not_about_staff: None,
            ..Reach::default()
        },
        Scope::Region(r) => Reach {
            region: Some(format!("{}%", r.as_str())),
            not_about_unit,
            not_about_staff,
            ..Reach::default()
        },
        Scope::Unit(u) => Reach {
            receiving_unit: Some(u.0),
            not_about_unit,
            not_about_staff,
            ..Reach::default()
        },
        Scope::Nothing => nothing,
    }
}

/// Whether `c` is within `r` (the same rule as the store's list query).
fn reaches(r: &Reach, c: &Complaint) -> bool {
    r.region
        .as_deref()
        .is_none_or(|p| c.region_code.starts_with(p.trim_end_matches('%')))
        && r.receiving_unit.is_none_or(|u| u == c.receiving_unit_id)
        && r.not_about_unit
            .is_none_or(|u| c.respondent_unit_id != Some(u))
        && r.not_about_staff
            .is_none_or(|s| c.respondent_staff_id != Some(s))
}

/// Loads a complaint the caller reads, or NotFound.
async fn visible(tx: &mut Tx, ctx: &Ctx, id: ComplaintId) -> AppResult<Complaint> {
    let c = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if reaches(&reach(ctx), &c) {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

/// What can be done to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ComplaintAction {
    Accept,
    Refuse,
    /// Extend the period to conclude (once).
    Extend,
    Conclude,
    Reply,
    /// Record that the complainant applied for administrative review or sued.
    RecordRemedy,
}

impl ComplaintAction {
    pub const ALL: [ComplaintAction; 6] = [
        ComplaintAction::Accept,
        ComplaintAction::Refuse,
        ComplaintAction::Extend,
        ComplaintAction::Conclude,
        ComplaintAction::Reply,
        ComplaintAction::RecordRemedy,
    ];

    /// Whether the complaint's state allows it now (whoever asks).
    pub fn ready(self, c: &Complaint) -> bool {
        let event = |e: ComplaintEvent| c.status.next(e).is_ok();
        match self {
            ComplaintAction::Accept => event(ComplaintEvent::Accept),
            ComplaintAction::Refuse => event(ComplaintEvent::Refuse),
            ComplaintAction::Extend => can_extend(&crate::deadlines::complaint_clock(c)).is_ok(),
            ComplaintAction::Conclude => event(ComplaintEvent::Conclude),
            ComplaintAction::Reply => event(ComplaintEvent::Reply),
            ComplaintAction::RecordRemedy => {
                matches!(
                    c.status,
                    ComplaintStatus::Concluded | ComplaintStatus::Replied
                ) && c.remedy.is_none()
            }
        }
    }

    /// The step as users name it.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintAction::Accept => "受理",
            ComplaintAction::Refuse => "不予受理",
            ComplaintAction::Extend => "延长办理期限",
            ComplaintAction::Conclude => "作出处理决定",
            ComplaintAction::Reply => "答复投诉人",
            ComplaintAction::RecordRemedy => "登记复议或诉讼",
        }
    }
}

/// The actions open to the caller on `c` now.
pub fn actions(ctx: &Ctx, c: &Complaint) -> Vec<ComplaintAction> {
    if !can_handle(ctx) {
        return Vec::new();
    }
    ComplaintAction::ALL
        .into_iter()
        .filter(|a| a.ready(c))
        .collect()
}

/// The replacement request the decision made on the case, or why there is none.
#[derive(Debug, Clone, Serialize)]
pub struct ReplacementLink {
    /// The request, when one was made.
    pub replacement_id: Option<i64>,
    pub case_id: Option<i64>,
    /// Where the center decides it (the case's page), or replaces the handler.
    pub href: Option<String>,
    pub note: String,
}

/// A complaint with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintView {
    /// The complaint, with the complainant's contact in clear.
    pub complaint: Complaint,
    pub respondent_unit: Option<String>,
    pub respondent_staff: Option<String>,
    pub case_number: Option<String>,
    pub receiving_unit: String,
    /// The justice bureau that handles it.
    pub bureau: String,
    /// Whether the decision found the complaint substantiated.
    pub upheld: Option<bool>,
    pub deadlines: Vec<DeadlineView>,
    /// The extension offered by default, in days (the rule `complaint_extension`).
    pub default_extension_days: Option<u32>,
    /// The follow-up "replace the handler", where it stands.
    pub replacement: Option<ReplacementLink>,
    pub actions: Vec<ComplaintAction>,
}

pub async fn get(app: &App, ctx: &Ctx, id: ComplaintId) -> AppResult<ComplaintView> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    view_of(app, &mut tx, ctx, c).await
}

async fn unit_name(tx: &mut Tx, id: Option<i64>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(u) => legalaid_store::units::get(tx, UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    })
}

async fn view_of(app: &App, tx: &mut Tx, ctx: &Ctx, mut c: Complaint) -> AppResult<ComplaintView> {
    let f = crate::in_force::in_force(app, tx).await?;
    let today = local_date(app.clock.now());
    let deadlines = crate::deadlines::of_complaint(&c, &f.rules, &f.calendar, today);
    let default_extension_days = c
        .accepted_at
        .and_then(|at| default_extension_days(&f.rules, local_date(at)));
    let respondent_unit = unit_name(tx, c.respondent_unit_id).await?;
    let respondent_staff = match c.respondent_staff_id {
        Some(s) => legalaid_store::staff::get(tx, StaffId(s))
            .await?
            .map(|s| s.name),
        None => None,
    };
    let case_number = match c.case_id {
        Some(id) => legalaid_store::cases::get(tx, CaseId(id))
            .await?
            .map(|c| c.number),
        None => None,
    };
    let receiving_unit = unit_name(tx, Some(c.receiving_unit_id))
        .await?
        .unwrap_or_default();
    let bureau = match store::bureau_for(tx, &c.region_code).await? {
        Some((id, _)) => unit_name(tx, Some(id)).await?.unwrap_or_default(),
        None => receiving_unit.clone(),
    };
    let replacement = c
        .follow_up
        .contains(&FollowUpAction::ReplaceHandler)
        .then(|| replacement_link(&c));
    let actions = actions(ctx, &c);
    c.complainant_phone = reveal(app, &c.complainant_phone)?;
    c.complainant_address = reveal(app, &c.complainant_address)?;
    Ok(ComplaintView {
        upheld: c.outcome.map(ComplaintOutcome::upheld),
        complaint: c,
        respondent_unit,
        respondent_staff,
        case_number,
        receiving_unit,
        bureau,
        deadlines,
        default_extension_days,
        replacement,
        actions,
    })
}

fn replacement_link(c: &Complaint) -> ReplacementLink {
    match (c.case_id, c.replacement_id) {
        (Some(case), Some(r)) => ReplacementLink {
            replacement_id: Some(r),
            case_id: Some(case),
            href: Some(format!("/cases/{case}/replacements/{r}")),
            note: "已向法律援助中心提出更换承办人申请，由中心在案件中审批".into(),
        },
        (Some(case), None) => ReplacementLink {
            replacement_id: None,
            case_id: Some(case),
            href: Some(format!("/cases/{case}")),
            note: "案件不在办理中或已有待处理的更换申请，未另行提出申请；请在案件页面办理更换"
                .into(),
        },
        (None, _) => ReplacementLink {
            replacement_id: None,
            case_id: None,
            href: None,
            note: "投诉未关联案件，请法律援助中心在相关案件中办理更换".into(),
        },
    }
}

/// The contact as entered: encrypted at rest, empty when not given.
fn protect(app: &App, plain: &str) -> String {
    if plain.is_empty() {
        String::new()
    } else {
        app.cipher.encrypt(plain)
    }
}

fn reveal(app: &App, stored: &str) -> AppResult<String> {
    if stored.is_empty() {
        return Ok(String::new());
    }
    app.cipher
        .decrypt(stored)
        .map_err(|e| AppError::Internal(format!("complaint contact: {e}")))
}

// ------------------------------------------------------------------- lists

/// The list's filters as given (codes and dates as text, checked here).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub respondent_unit_id: Option<i64>,
    /// Received on or after (local date).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Received on or before (local date).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// The start of a local day, as an instant.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    (d.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8)).and_utc()
}

fn pick(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn filter_of(q: &ListQuery) -> AppResult<ComplaintFilter> {
    let mut v = legalaid_domain::Validation::new();
    let status = pick(&q.status).and_then(|s| {
        let p = ComplaintStatus::parse(s);
        if p.is_none() {
            v.add("status", "投诉状态不正确");
        }
        p
    });
    let category = pick(&q.category).and_then(|s| {
        let p = legalaid_domain::complaint::ComplaintCategory::parse(s);
        if p.is_none() {
            v.add("category", "投诉事项类别不正确");
        }
        p
    });
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        v.add("to", "截止日期不能早于起始日期");
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    Ok(ComplaintFilter {
        status,
        category,
        respondent_unit_id: q.respondent_unit_id,
        from: q.from.map(day_start),
        before: q.to.and_then(|d| d.succ_opt()).map(day_start),
    })
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    q: &ListQuery,
    page: Page,
) -> AppResult<(Vec<ListRow>, i64)> {
    policy::require(can_read(ctx))?;
    let f = filter_of(q)?;
    let mut tx = app.store.read().await?;
    let (mut rows, total) = store::list(&mut tx, &reach(ctx), &f, page).await?;
    // A list carries no contact: it is read on the complaint's own page.
    for r in &mut rows {
        r.complaint.complainant_phone.clear();
        r.complaint.complainant_address.clear();
    }
    Ok((rows, total))
}

/// The figures of a period (received from `from` to `to`, both included).
#[derive(Debug, Clone, Serialize)]
pub struct FiguresView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

pub async fn figures(
    app: &App,
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<FiguresView> {
    policy::require(can_read(ctx))?;
    let today = local_date(app.clock.now());
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = to.unwrap_or(today);
    if to < from {
        return Err(AppError::field("to", "截止日期不能早于起始日期"));
    }
    let before = to.succ_opt().unwrap_or(to);
    let mut tx = app.store.read().await?;
    let mut figures =
        store::figures(&mut tx, &reach(ctx), day_start(from), day_start(before)).await?;
    // Codes are named as users read them.
    for r in &mut figures.by_category {
        r.name = legalaid_domain::complaint::ComplaintCategory::parse(&r.key)
            .map_or_else(|| r.key.clone(), |c| c.label().to_owned());
    }
    for r in &mut figures.by_outcome {
        r.name =
            ComplaintOutcome::parse(&r.key).map_or_else(|| r.key.clone(), |c| c.label().to_owned());
    }
    for r in &mut figures.by_remedy {
        r.name = ComplainantRemedy::parse(&r.key)
            .map_or_else(|| r.key.clone(), |c| c.label().to_owned());
    }
    Ok(FiguresView { from, to, figures })
}

// -------------------------------------------------------------- registration

/// Registers a complaint. The respondent is a unit (not a justice bureau) or a
/// staff member, within the caller's region (a judicial office: its district);
/// a named case must be one the caller sees.
pub async fn register(app: &App, ctx: &Ctx, input: &ComplaintInput) -> AppResult<ComplaintView> {
    policy::require(can_register(ctx))?;
    let now = app.clock.now();
    let fields = input.validate(now).map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    // The respondent: the staff member's unit when only the person is named.
    let staff = match fields.respondent_staff_id {
        Some(s) => Some(
            legalaid_store::staff::get(&mut tx, s)
                .await?
                .ok_or_else(|| AppError::field("respondent_staff_id", "被投诉人员不存在"))?,
        ),
        None => None,
    };
    let unit_id = match (fields.respondent_unit_id, &staff) {
        (Some(u), Some(s)) if s.unit_id != u => {
            return Err(AppError::field(
                "respondent_staff_id",
                "被投诉人员不属于所选的被投诉单位",
            ));
        }
        (Some(u), _) => u,
        (None, Some(s)) => s.unit_id,
        (None, None) => {
            return Err(AppError::field(
                "respondent_unit_id",
                "请选择被投诉的单位或人员",
            ));
        }
    };
    let unit = legalaid_store::units::get(&mut tx, unit_id)
        .await?
        .ok_or_else(|| AppError::field("respondent_unit_id", "被投诉单位不存在"))?;
    if unit.kind == UnitKind::JusticeBureau {
        return Err(AppError::field(
            "respondent_unit_id",
            "司法行政机关不能作为本系统登记的被投诉人，请向上级机关反映",
        ));
    }
    let within = match policy::scope(ctx) {
        Scope::All => true,
        Scope::Region(r) => r.contains(&unit.region_code),
        Scope::Unit(_) => ctx
            .actor
            .as_ref()
            .and_then(|a| a.unit.as_ref())
            .is_some_and(|own| register_region(&own.region_code).contains(&unit.region_code)),
        Scope::Nothing => false,
    };
    if !within {
        return Err(AppError::field(
            "respondent_unit_id",
            "被投诉单位不在本辖区，请转交其所在地的司法行政机关",
        ));
    }
    if let Some(case) = fields.case_id {
        crate::cases::visible(&mut tx, ctx, case)
            .await
            .map_err(|_| AppError::field("case_id", "案件不存在"))?;
    }
    // Registered by the caller's unit; an account without one registers for the
    // bureau of the respondent's region.
    let receiving = match ctx.actor.as_ref().and_then(|a| a.user.unit_id) {
        Some(u) => u.0,
        None => store::bureau_for(&mut tx, unit.region_code.as_str())
            .await?
            .map(|(id, _)| id)
            .ok_or_else(|| AppError::Conflict("本辖区没有司法局，无法登记投诉".into()))?,
    };
    let year = local_date(fields.received_at).year();
    let pattern = legalaid_store::applications::setting(&mut tx, "complaint_number_format")
        .await?
        .unwrap_or_else(|| "司投〔{year}〕{seq}号".into());
    let seq = legalaid_store::applications::next_number(&mut tx, "complaint", year).await?;
    let number = legalaid_domain::application::format_number(&pattern, year, seq);
    let phone = protect(app, &fields.complainant_phone);
    let address = protect(app, &fields.complainant_address);
    let c = store::insert(
        &mut tx,
        &store::NewComplaint {
            number: &number,
            channel: fields.channel,
            received_at: fields.received_at,
            anonymous: fields.anonymous,
            complainant_name: if fields.anonymous {
                ""
            } else {
                &fields.complainant_name
            },
            complainant_phone: &phone,
            complainant_address: &address,
            relation: fields.relation,
            respondent_unit_id: Some(unit_id.0),
            respondent_staff_id: fields.respondent_staff_id.map(|s| s.0),
            case_id: fields.case_id.map(|c| c.0),
            category: fields.category,
            facts: &fields.facts,
            request: &fields.request,
            receiving_unit_id: receiving,
            region_code: unit.region_code.as_str(),
            created_by: ctx.user_id(),
            created_at: now,
        },
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ComplaintRegister,
        c.id,
        None::<&()>,
        Some(&c),
    )
    .await?;
    commit_then_view(app, tx, ctx, c).await
}

// ------------------------------------------------------------------- steps

/// Opens a step: the complaint as visible (404), the caller allowed (403), the
/// version given (422).
async fn begin(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    version: Option<i64>,
) -> AppResult<(Tx, Complaint, i64)> {
    let mut tx = app.store.write().await?;
    let c = visible(&mut tx, ctx, id).await?;
    policy::require(can_handle(ctx))?;
    let version = version.ok_or_else(|| AppError::field("version", "缺少版本号，请刷新后重试"))?;
    Ok((tx, c, version))
}

/// The state after `event`, or 409 with the domain's sentence.
fn next(c: &Complaint, event: ComplaintEvent) -> AppResult<ComplaintStatus> {
    c.status.next(event).map_err(AppError::Conflict)
}

/// Saves with the version the caller read (409 if it moved), audits, tracks.
async fn finish(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    action: AuditAction,
    before: &Complaint,
    mut after: Complaint,
    version: i64,
) -> AppResult<ComplaintView> {
    after.version = version;
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        action,
        saved.id,
        Some(before),
        Some(&saved),
    )
    .await?;
    commit_then_view(app, tx, ctx, saved).await
}

async fn commit_then_view(
    app: &App,
    mut tx: Tx,
    ctx: &Ctx,
    c: Complaint,
) -> AppResult<ComplaintView> {
    crate::queues::track(app, &mut tx, Subject::Complaint(c.id)).await?;
    tx.commit().await?;
    let mut rx = app.store.read().await?;
    // The caller who registered may not read it (a complaint about their own
    // unit is refused before, so this reads what was written).
    view_of(app, &mut rx, ctx, c).await
}

/// A step that only needs the version.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VersionInput {
    #[serde(default)]
    pub version: Option<i64>,
}

/// Accepts the complaint (the acceptance notice may then be issued).
pub async fn accept(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &VersionInput,
) -> AppResult<ComplaintView> {
    let (tx, before, version) = begin(app, ctx, id, input.version).await?;
    let mut after = before.clone();
    after.status = next(&before, ComplaintEvent::Accept)?;
    after.accepted_at = Some(app.clock.now());
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintAccept,
        &before,
        after,
        version,
    )
    .await
}

/// A step with a written reason.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReasonInput {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// Refuses the complaint, with the reason the refusal notice gives.
pub async fn refuse(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &ReasonInput,
) -> AppResult<ComplaintView> {
    let (tx, before, version) = begin(app, ctx, id, input.version).await?;
    let reason =
        crate::error::required_reason("reason", &input.reason, "请填写不予受理的理由", "理由")?;
    let mut after = before.clone();
    after.status = next(&before, ComplaintEvent::Refuse)?;
    after.refused_at = Some(app.clock.now());
    after.refusal_reason = reason.to_owned();
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintRefuse,
        &before,
        after,
        version,
    )
    .await
}

/// The one extension of the period to conclude.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExtendInput {
    #[serde(default)]
    pub version: Option<i64>,
    /// Calendar days; the rule's length when not given.
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// The longest extension accepted, in days (a product bound, also the CHECK).
pub const MAX_EXTENSION_DAYS: i64 = 365;

pub async fn extend(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &ExtendInput,
) -> AppResult<ComplaintView> {
    let (mut tx, before, version) = begin(app, ctx, id, input.version).await?;
    let reason =
        crate::error::required_reason("reason", &input.reason, "请填写延长办理期限的理由", "理由")?;
    let days = match input.days {
        Some(d) if !(1..=MAX_EXTENSION_DAYS).contains(&d) => {
            return Err(AppError::field(
                "days",
                format!("延长天数应在1至{MAX_EXTENSION_DAYS}日之间"),
            ));
        }
        Some(d) => d,
        None => {
            let f = crate::in_force::in_force(app, &mut tx).await?;
            let on = before
                .accepted_at
                .map_or_else(|| local_date(app.clock.now()), local_date);
            default_extension_days(&f.rules, on)
                .map(i64::from)
                .ok_or_else(|| AppError::field("days", "请填写延长的天数"))?
        }
    };
    can_extend(&crate::deadlines::complaint_clock(&before)).map_err(AppError::Conflict)?;
    let mut after = before.clone();
    after.status = next(&before, ComplaintEvent::Extend)?;
    after.extended_at = Some(app.clock.now());
    after.extension_days = Some(days);
    after.extension_reason = reason.to_owned();
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintExtend,
        &before,
        after,
        version,
    )
    .await
}

/// The decision.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConcludeInput {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub outcome: String,
    /// The findings and the decision, as the reply tells the complainant.
    #[serde(default)]
    pub conclusion: String,
    /// Follow-up action codes.
    #[serde(default)]
    pub follow_up: Vec<String>,
}

/// Decides the complaint. A substantiated complaint may carry follow-up actions;
/// "replace the handler" on a complaint about a case asks the center, on that
/// case, for another handler (LAL art 55) in the same transaction.
pub async fn conclude(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &ConcludeInput,
) -> AppResult<ComplaintView> {
    let (mut tx, before, version) = begin(app, ctx, id, input.version).await?;
    let mut v = legalaid_domain::Validation::new();
    let outcome = ComplaintOutcome::parse(input.outcome.trim());
    if outcome.is_none() {
        v.add("outcome", "请选择处理结果");
    }
    let conclusion = v.text("conclusion", &input.conclusion, "处理意见", 4000);
    let mut follow_up = Vec::new();
    for code in &input.follow_up {
        match FollowUpAction::parse(code.trim()) {
            Some(a) if !follow_up.contains(&a) => follow_up.push(a),
            Some(_) => {}
            None => v.add("follow_up", "后续措施不正确"),
        }
    }
    // Measures against the respondent follow a substantiated complaint only.
    if outcome.is_some_and(|o| !o.upheld()) && !follow_up.is_empty() {
        v.add(
            "follow_up",
            "投诉事项查证不实或者无法查实的，不对被投诉人采取后续措施",
        );
    }
    let Some(outcome) = outcome.filter(|_| v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let mut after = before.clone();
    after.status = next(&before, ComplaintEvent::Conclude)?;
    after.concluded_at = Some(app.clock.now());
    after.outcome = Some(outcome);
    after.conclusion = conclusion;
    after.follow_up = follow_up;
    if after.follow_up.contains(&FollowUpAction::ReplaceHandler)
        && let Some(case) = before.case_id
    {
        let reason = format!(
            "投诉{}经查属实，司法局处理决定更换法律援助人员（《中华人民共和国法律援助法》第五十五条）",
            before.number
        );
        after.replacement_id = crate::cases::request_replacement_for_complaint(
            app,
            &mut tx,
            ctx,
            CaseId(case),
            &reason,
        )
        .await?;
    }
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintConclude,
        &before,
        after,
        version,
    )
    .await
}

/// Telling the complainant the result.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyInput {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub channel: String,
    /// What the complainant was told.
    #[serde(default)]
    pub text: String,
}

pub async fn reply(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &ReplyInput,
) -> AppResult<ComplaintView> {
    let (tx, before, version) = begin(app, ctx, id, input.version).await?;
    let mut v = legalaid_domain::Validation::new();
    let channel = ReplyChannel::parse(input.channel.trim());
    if channel.is_none() {
        v.add("channel", "请选择答复方式");
    }
    let text = v.text("text", &input.text, "答复内容", 4000);
    let Some(channel) = channel.filter(|_| v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let mut after = before.clone();
    after.status = next(&before, ComplaintEvent::Reply)?;
    after.replied_at = Some(app.clock.now());
    after.reply_channel = Some(channel);
    after.reply_text = text;
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintReply,
        &before,
        after,
        version,
    )
    .await
}

/// The complainant's remedy against the decision (report form 十三, cols 9–10).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemedyInput {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub remedy: String,
    #[serde(default)]
    pub note: String,
}

pub async fn record_remedy(
    app: &App,
    ctx: &Ctx,
    id: ComplaintId,
    input: &RemedyInput,
) -> AppResult<ComplaintView> {
    let (tx, before, version) = begin(app, ctx, id, input.version).await?;
    let mut v = legalaid_domain::Validation::new();
    let remedy = ComplainantRemedy::parse(input.remedy.trim());
    if remedy.is_none() {
        v.add("remedy", "请选择申请行政复议或者提起行政诉讼");
    }
    let note = v.optional_text("note", &input.note, "说明", 1000);
    let Some(remedy) = remedy.filter(|_| v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    if !ComplaintAction::RecordRemedy.ready(&before) {
        return Err(AppError::Conflict(if before.remedy.is_some() {
            "已登记投诉人申请复议或者提起诉讼的情况".into()
        } else {
            format!(
                "投诉当前状态为“{}”，作出处理决定后才能登记复议或诉讼",
                before.status.label()
            )
        }));
    }
    let mut after = before.clone();
    after.remedy = Some(remedy);
    after.remedy_note = note;
    after.remedy_at = Some(app.clock.now());
    finish(
        app,
        tx,
        ctx,
        AuditAction::ComplaintRemedy,
        &before,
        after,
        version,
    )
    .await
}
