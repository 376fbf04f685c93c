//! Consultations (法律咨询): a unit records the consultations it answered (the
//! 12348 line, calls, visits, letters, online, at its workstations or at a
//! publicity activity), turns one into a prefilled application in one step, and
//! reads the quarterly consultation report (季报, §4.3) with its rules.

use super::{home_unit, own_name, own_staff};
use crate::paging::{self, ListCursor, Listed};
use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::application::{ApplicationInput, Channel};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::outreach::consultation::{
    ConsultChannel, ConsultGroup, ConsultationInput, Quarter, QuarterReport, Topic, report,
};
use legalaid_domain::person::RecipientGroup;
use legalaid_domain::region::RegionCode;
use legalaid_domain::role::Role;
use legalaid_domain::unit::UnitKind;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{ActivityId, ConsultationId, PersonId, StaffId, local_date};
use legalaid_store::Tx;
use legalaid_store::outreach::consultations as store;
pub use legalaid_store::outreach::consultations::{Consultation, ConsultationLine, Filter};
use serde::{Deserialize, Serialize};

/// Records consultations: intake clerks and center staff.
pub fn can_record(ctx: &Ctx) -> bool {
    acts_as(
        ctx,
        &[
            Role::IntakeClerk,
            Role::CenterReviewer,
            Role::CenterDirector,
        ],
    )
}

/// Reads consultations and the report: those who record, and bureau supervisors.
pub fn can_read(ctx: &Ctx) -> bool {
    can_record(ctx) || acts_as(ctx, &[Role::BureauSupervisor])
}

/// What can be done to a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationAction {
    /// Turn it into a prefilled application (转为法律援助申请).
    ToApplication,
}

/// A consultation with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationView {
    pub consultation: Consultation,
    pub groups: Vec<ConsultGroup>,
    pub unit_name: String,
    pub topic_label: String,
    pub application_number: Option<String>,
    pub activity_title: Option<String>,
    pub actions: Vec<ConsultationAction>,
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: ConsultationId) -> AppResult<Consultation> {
    let k = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let region = RegionCode::parse(&k.region_code).map_err(AppError::Internal)?;
    if !policy::scope(ctx).covers(legalaid_domain::UnitId(k.unit_id), &region) || !can_read(ctx) {
        return Err(AppError::NotFound);
    }
    Ok(k)
}

async fn view(tx: &mut Tx, ctx: &Ctx, k: Consultation) -> AppResult<ConsultationView> {
    let id = ConsultationId(k.id);
    let groups = store::groups(tx, id).await?;
    let unit_name = legalaid_store::units::get(tx, legalaid_domain::UnitId(k.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let topic_label = store::topics(tx)
        .await?
        .into_iter()
        .find(|t| t.code == k.topic_code)
        .map_or_else(|| k.topic_code.clone(), |t| t.label);
    let application_number = match k.application_id {
        Some(a) => legalaid_store::applications::get(tx, legalaid_domain::ApplicationId(a))
            .await?
            .map(|a| a.number),
        None => None,
    };
    let activity_title = match k.activity_id {
        Some(a) => legalaid_store::outreach::publicity::get(tx, ActivityId(a))
            .await?
            .map(|a| a.title),
        None => None,
    };
    let mut actions = Vec::new();
    if k.application_id.is_none() && crate::applications::can_handle(ctx) && ctx.actor.is_some() {
        actions.push(ConsultationAction::ToApplication);
    }
    Ok(ConsultationView {
        consultation: k,
        groups,
        unit_name,
        topic_label,
        application_number,
        activity_title,
        actions,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: ConsultationId) -> AppResult<ConsultationView> {
    let mut tx = app.store.read().await?;
    let k = visible(&mut tx, ctx, id).await?;
    view(&mut tx, ctx, k).await
}

/// The consultations the caller sees, latest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &Filter,
    page: Page,
    after: Option<ListCursor>,
) -> AppResult<Listed<ConsultationLine>> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    let at = paging::at(page, after.map(ListCursor::key));
    let found = store::list(&mut tx, &policy::scope(ctx), filter, at).await?;
    Ok(Listed::of(found, |l| {
        ListCursor {
            at: l.consultation.consulted_at,
            id: l.consultation.id,
        }
        .to_string()
    }))
}

/// A batch of the caller's consultations after id `after`, for the export.
pub async fn batch(
    app: &App,
    ctx: &Ctx,
    filter: &Filter,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(ConsultationLine, Vec<ConsultGroup>)>> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    let rows = store::batch(&mut tx, &policy::scope(ctx), filter, after, limit).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.consultation.id).collect();
    let groups = store::groups_of(&mut tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut g: Vec<ConsultGroup> = groups
                .iter()
                .filter(|(id, _)| *id == r.consultation.id)
                .map(|(_, g)| *g)
                .collect();
            g.sort();
            (r, g)
        })
        .collect())
}

/// The topics of the quarterly report in use.
pub async fn topics(app: &App, ctx: &Ctx) -> AppResult<Vec<Topic>> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::topics(&mut tx).await?)
}

/// The groups of a registered person, as the report counts them.
fn groups_of_person(groups: &[RecipientGroup]) -> Vec<ConsultGroup> {
    let mut out: Vec<ConsultGroup> = groups
        .iter()
        .map(|g| match g {
            RecipientGroup::MigrantWorker => ConsultGroup::MigrantWorker,
            RecipientGroup::Minor => ConsultGroup::Minor,
            RecipientGroup::Elderly => ConsultGroup::Elderly,
            RecipientGroup::Disabled | RecipientGroup::BlindDeafMute => ConsultGroup::Disabled,
            RecipientGroup::Woman => ConsultGroup::Woman,
            RecipientGroup::MilitaryFamily => ConsultGroup::MilitaryFamily,
            RecipientGroup::Dibao | RecipientGroup::Destitute | RecipientGroup::GeneralPoor => {
                ConsultGroup::GeneralPoor
            }
            RecipientGroup::Farmer => ConsultGroup::Farmer,
            RecipientGroup::ForeignerStateless => ConsultGroup::Foreigner,
            // The quarterly report has no column of its own for ethnic minorities.
            RecipientGroup::EthnicMinority | RecipientGroup::MentalIllness => ConsultGroup::Other,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Records a consultation answered by the caller's unit.
pub async fn record(
    app: &App,
    ctx: &Ctx,
    input: &ConsultationInput,
) -> AppResult<ConsultationView> {
    require(can_record(ctx))?;
    let home = home_unit(ctx)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let topics = store::topics(&mut tx).await?;
    let mut v = input.validate(&topics, now).map_err(AppError::Validation)?;
    if let Some(p) = v.person_id {
        let person = legalaid_store::persons::get(&mut tx, PersonId(p)).await?;
        let reachable = match &person {
            Some(x) => crate::persons::reachable(&mut tx, ctx, x).await?,
            None => false,
        };
        let Some(person) = person.filter(|_| reachable) else {
            return Err(AppError::field("person_id", "当事人不存在"));
        };
        if v.name.is_empty() {
            v.name = person.name.clone();
        }
        if v.phone.is_empty() {
            v.phone = person.phone.clone();
        }
        if v.groups.is_empty() {
            v.groups = groups_of_person(&person.groups);
        }
    }
    let staff_id = v.staff_id.or_else(|| own_staff(ctx));
    let answered_by = match staff_id {
        Some(s) => {
            let staff = legalaid_store::staff::get(&mut tx, StaffId(s))
                .await?
                .filter(|x| x.unit_id == home.id)
                .ok_or_else(|| AppError::field("staff_id", "解答人员应为本单位的工作人员"))?;
            staff.name
        }
        None => own_name(ctx),
    };
    if let Some(a) = v.activity_id {
        super::publicity::visible(&mut tx, ctx, ActivityId(a))
            .await
            .map_err(|_| AppError::field("activity_id", "宣传活动不存在"))?;
    }
    let k = Consultation {
        id: 0,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        channel: v.channel,
        consulted_at: v.consulted_at,
        consulted_on: local_date(v.consulted_at),
        staff_id,
        answered_by,
        person_id: v.person_id,
        name: v.name.clone(),
        phone: v.phone.clone(),
        topic_code: v.topic.clone(),
        question: v.question.clone(),
        answer: v.answer.clone(),
        duration_minutes: v.duration_minutes,
        outcome: v.outcome,
        referred_to: v.referred_to.clone(),
        application_id: None,
        activity_id: v.activity_id,
        created_by: ctx.user_id(),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &k, &v.groups).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ConsultationRecord,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// What the one step to an application needs beyond the consultation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ToApplicationInput {
    /// The consultation's version as read.
    #[serde(default)]
    pub version: i64,
    /// The registered applicant; the consultation's person when absent.
    #[serde(default)]
    pub applicant_id: Option<i64>,
    /// A matter code in force (the rules data).
    #[serde(default)]
    pub matter_code: String,
    #[serde(default)]
    pub service_form: String,
    /// The application's channel; derived from the consultation's when absent.
    #[serde(default)]
    pub channel: Option<String>,
    /// The facts; the consultation's question when empty.
    #[serde(default)]
    pub summary: String,
}

/// The application channel a consultation's channel suggests at the caller's
/// unit: a visit to a judicial office or a workstation is received there.
pub fn application_channel(c: ConsultChannel, unit: Option<UnitKind>) -> Channel {
    match (c, unit) {
        (ConsultChannel::Visit | ConsultChannel::Other, Some(UnitKind::JudicialOffice)) => {
            Channel::JudicialOffice
        }
        (ConsultChannel::Visit | ConsultChannel::Other, Some(UnitKind::Workstation)) => {
            Channel::Workstation
        }
        (ConsultChannel::Visit | ConsultChannel::Other, _) => Channel::WalkIn,
        (ConsultChannel::Phone | ConsultChannel::Hotline12348, _) => Channel::Hotline12348,
        (ConsultChannel::Letter, _) => Channel::Mail,
        (ConsultChannel::Online, _) => Channel::Online,
    }
}

/// The consultation and the application it became.
#[derive(Debug, Clone, Serialize)]
pub struct Converted {
    pub consultation: ConsultationView,
    pub application_id: i64,
    pub application_number: String,
}

/// Turns a consultation into an application received now by the caller's
/// unit, prefilled from it (applicant, channel, facts), in one transaction
/// (`applications::create_in`, the intake without its commit):
/// the application, its deadlines and notice, and the consultation's link to
/// it. A consultation becomes one application (409 for a second, and for a
/// stale version).
pub async fn to_application(
    app: &App,
    ctx: &Ctx,
    id: ConsultationId,
    input: &ToApplicationInput,
) -> AppResult<Converted> {
    require(crate::applications::can_handle(ctx))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let k = visible(&mut tx, ctx, id).await?;
    if let Some(a) = k.application_id {
        let number = legalaid_store::applications::get(&mut tx, legalaid_domain::ApplicationId(a))
            .await?
            .map(|a| a.number)
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "该咨询已转为法律援助申请（{number}）"
        )));
    }
    let applicant = input.applicant_id.or(k.person_id).ok_or_else(|| {
        AppError::field(
            "applicant_id",
            "转为申请须指明申请人：请先登记当事人，再选择申请人",
        )
    })?;
    let unit_kind = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.kind);
    let channel = match input.channel.as_deref().map(str::trim) {
        None | Some("") => application_channel(k.channel, unit_kind)
            .as_str()
            .to_owned(),
        Some(c) => c.to_owned(),
    };
    let summary = match input.summary.trim() {
        "" => k.question.clone(),
        s => s.to_owned(),
    };
    let application = ApplicationInput {
        applicant_id: Some(PersonId(applicant)),
        channel,
        received_at: Some(now),
        matter_code: input.matter_code.clone(),
        service_form: input.service_form.clone(),
        summary,
        ..ApplicationInput::default()
    };
    // Received by the caller's unit, as at the intake desk.
    let receiving = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id)
        .ok_or_else(|| AppError::field("receiving_unit_id", "请指定接收单位"))?;
    let created =
        crate::applications::create_in(app, &mut tx, ctx, &application, receiving).await?;
    let a = &created.application;
    let after = store::set_application(&mut tx, id, input.version, a.id.0).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::ConsultationToApplication,
        id,
        Some(&k),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Converted {
        consultation: get(app, ctx, id).await?,
        application_id: a.id.0,
        application_number: a.number.clone(),
    })
}

/// The quarterly consultation report of a region (or the caller's scope).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub quarter: Quarter,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The region counted; empty for the caller's whole scope.
    pub region_code: String,
    /// The cut-off day of the statistical period (setting
    /// `consultation_quarter_cutoff_day`), none for calendar quarters.
    pub cutoff_day: Option<u32>,
    #[serde(flatten)]
    pub report: QuarterReport,
}

/// The setting that moves the report's period (§4.1).
pub const CUTOFF_SETTING: &str = "consultation_quarter_cutoff_day";

/// The report of `quarter` (default: the current one) for `region` (default:
/// the caller's scope; a region outside it is refused).
pub async fn quarter_report(
    app: &App,
    ctx: &Ctx,
    quarter: Option<Quarter>,
    region: Option<&str>,
) -> AppResult<Report> {
    require(can_read(ctx))?;
    let today = local_date(app.clock.now());
    let quarter = quarter.unwrap_or_else(|| Quarter::of(today));
    let scope = match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => policy::scope(ctx),
        Some(r) => {
            let code = RegionCode::parse(r).map_err(|e| AppError::field("region", e))?;
            if !policy::region_in_scope(ctx, &code) {
                return Err(AppError::field("region", "只能统计本辖区的咨询"));
            }
            Scope::Region(code)
        }
    };
    let mut tx = app.store.read().await?;
    let cutoff_day = legalaid_store::applications::setting(&mut tx, CUTOFF_SETTING)
        .await?
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|d| (1..=28).contains(d));
    let (from, to) = quarter
        .period(cutoff_day)
        .ok_or_else(|| AppError::field("quarter", "季度应为1至4"))?;
    let topics = store::topics(&mut tx).await?;
    let counts = store::counts(&mut tx, &scope, from, to, None).await?;
    Ok(Report {
        quarter,
        from,
        to,
        region_code: match &scope {
            Scope::Region(r) => r.to_string(),
            _ => String::new(),
        },
        cutoff_day,
        report: report(&counts, &topics),
    })
}
