//! Training (培训, quality-supervision-outreach §6.3): sessions of a bureau or
//! center (topic, kind, trainers, date, hours, materials), the staff and
//! lawyers enrolled (each told in-app and by SMS through the outbox, in the
//! same transaction), attendance confirmed after the session, hours per person
//! and year, and a person's training history on their staff page.
//!
//! Who: bureau supervisors and the center's director, reviewers and quality
//! staff organise and confirm; sessions are seen inside the organiser's region
//! (404 elsewhere); a person's history is seen by whoever sees their staff
//! record (their own firm too).

use crate::{App, AppError, AppResult, Ctx, Page, audit, outbox, policy};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::role::Role;
use legalaid_domain::training::{self as domain, AttendanceStatus, SessionInput, hours_text};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{StaffId, TrainingId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::training as store;
pub use legalaid_store::training::{
    Attendee, HistoryLine, PersonHours, Session, SessionFilter, SessionLine,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Organises sessions, enrols and confirms attendance.
pub fn can_organise(ctx: &Ctx) -> bool {
    policy::acts_as(
        ctx,
        &[
            Role::BureauSupervisor,
            Role::CenterDirector,
            Role::CenterReviewer,
            Role::QualityReviewer,
        ],
    )
}

fn sees_session(ctx: &Ctx, s: &Session) -> bool {
    can_organise(ctx)
        && match policy::scope(ctx) {
            Scope::All => true,
            Scope::Region(r) => s.region_code.starts_with(r.as_str()),
            Scope::Unit(u) => u.0 == s.unit_id,
            Scope::Nothing => false,
        }
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: TrainingId) -> AppResult<Session> {
    let s = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if !sees_session(ctx, &s) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// What can be done to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionAction {
    Enrol,
    /// Confirm who attended (on or after the day).
    Confirm,
}

/// A session with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub session: Session,
    /// `3.5`.
    pub hours: String,
    pub unit_name: String,
    pub attendees: Vec<Attendee>,
    pub actions: Vec<SessionAction>,
}

async fn view(app: &App, tx: &mut Tx, s: Session) -> AppResult<SessionView> {
    let today = local_date(app.clock.now());
    let unit_name = legalaid_store::units::get(tx, UnitId(s.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let attendees = store::attendees(tx, TrainingId(s.id)).await?;
    let mut actions = vec![SessionAction::Enrol];
    if domain::may_confirm(s.held_on, today).is_ok() && !attendees.is_empty() {
        actions.push(SessionAction::Confirm);
    }
    Ok(SessionView {
        hours: hours_text(s.hours_tenths),
        unit_name,
        attendees,
        actions,
        session: s,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: TrainingId) -> AppResult<SessionView> {
    let mut tx = app.store.read().await?;
    let s = visible(&mut tx, ctx, id).await?;
    view(app, &mut tx, s).await
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &SessionFilter,
    page: Page,
) -> AppResult<(Vec<SessionLine>, i64)> {
    policy::require(can_organise(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// Records a session of the caller's bureau or center.
pub async fn create(app: &App, ctx: &Ctx, input: &SessionInput) -> AppResult<SessionView> {
    policy::require(can_organise(ctx))?;
    let home = crate::surveys::organiser_unit(ctx, "培训")?;
    let v = input.validate().map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    let s = Session {
        id: 0,
        topic: v.topic,
        kind: v.kind,
        held_on: v.held_on,
        hours_tenths: v.hours_tenths,
        trainers: v.trainers,
        place: v.place,
        materials: v.materials,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        created_by: ctx.user_id(),
        created_at: app.clock.now(),
        version: 1,
    };
    let id = store::insert(&mut tx, &s).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::TrainingCreate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Enrols staff members (any the caller sees); each newly enrolled one is told
/// through the outbox in this transaction. Enrolling someone twice is once.
pub async fn enrol(
    app: &App,
    ctx: &Ctx,
    id: TrainingId,
    version: i64,
    staff_ids: &[i64],
) -> AppResult<SessionView> {
    policy::require(can_organise(ctx))?;
    if staff_ids.is_empty() {
        return Err(AppError::field("staff_ids", "请选择参训人员"));
    }
    if staff_ids.len() > 500 {
        return Err(AppError::field("staff_ids", "每次最多500人"));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let s = visible(&mut tx, ctx, id).await?;
    let mut people = Vec::new();
    for sid in staff_ids {
        let staff = legalaid_store::staff::get(&mut tx, StaffId(*sid)).await?;
        let unit = match &staff {
            Some(x) => legalaid_store::units::get(&mut tx, x.unit_id).await?,
            None => None,
        };
        match (staff, unit) {
            (Some(x), Some(u)) if policy::sees(ctx, &u) && x.active => people.push(x),
            _ => {
                return Err(AppError::field(
                    "staff_ids",
                    format!("参训人员（编号{sid}）不存在或不在本辖区"),
                ));
            }
        }
    }
    store::touch(&mut tx, id, version).await?;
    let unit_name = legalaid_store::units::get(&mut tx, UnitId(s.unit_id))
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let mut added = Vec::new();
    for p in &people {
        if store::enrol(&mut tx, id, p.id.0, ctx.user_id(), now).await? {
            added.push(p.id.0);
            let mut v = outbox::Values::new();
            v.insert(P::Unit, unit_name.clone());
            v.insert(P::Date, legalaid_domain::document::date_cn(s.held_on));
            v.insert(
                P::Note,
                format!(
                    "培训主题：“{}”（{}，{}学时）{}。",
                    s.topic,
                    s.kind.label(),
                    hours_text(s.hours_tenths),
                    if s.place.is_empty() {
                        String::new()
                    } else {
                        format!("，地点：{}", s.place)
                    }
                ),
            );
            outbox::to_staff(
                &mut tx,
                MessageKind::TrainingEnrolled,
                p.id.0,
                outbox::About::default(),
                v,
                now,
            )
            .await?;
        }
    }
    let note = serde_json::json!({ "session_id": id.0, "enrolled": added });
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::TrainingEnrol,
        id,
        None::<&()>,
        Some(&note),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Confirms who attended (the hours count for them); the other enrolled are
/// absent. On or after the session's day.
pub async fn confirm(
    app: &App,
    ctx: &Ctx,
    id: TrainingId,
    version: i64,
    attended: &[i64],
) -> AppResult<SessionView> {
    policy::require(can_organise(ctx))?;
    let mut tx = app.store.write().await?;
    let s = visible(&mut tx, ctx, id).await?;
    domain::may_confirm(s.held_on, local_date(app.clock.now())).map_err(AppError::Conflict)?;
    let before = store::attendees(&mut tx, id).await?;
    if let Some(x) = attended
        .iter()
        .find(|a| !before.iter().any(|b| b.staff_id == **a))
    {
        return Err(AppError::field(
            "attended",
            format!("人员（编号{x}）未报名本次培训"),
        ));
    }
    store::touch(&mut tx, id, version).await?;
    for b in &before {
        let (status, hours) = if attended.contains(&b.staff_id) {
            (AttendanceStatus::Attended, s.hours_tenths)
        } else {
            (AttendanceStatus::Absent, 0)
        };
        store::set_status(&mut tx, id, b.staff_id, status, hours).await?;
    }
    let after = store::attendees(&mut tx, id).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::TrainingConfirm,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Sessions held whose attendance is still to confirm, for the organisers'
/// home page, at most `at_most` and a line for the rest: (title, detail, link).
pub(crate) async fn work_items(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    at_most: i64,
) -> AppResult<Vec<(String, String, String)>> {
    if !can_organise(ctx) || ctx.actor.is_none() {
        return Ok(Vec::new());
    }
    let today = local_date(app.clock.now());
    let (due, total) = store::to_confirm(tx, &policy::scope(ctx), today, at_most).await?;
    let more = total - due.len() as i64;
    let mut items: Vec<_> = due
        .into_iter()
        .map(|s| {
            (
                format!("确认培训出勤：{}", s.topic),
                format!(
                    "培训已于{}举行，请确认参训人员的出勤，学时才会计入。",
                    s.held_on
                ),
                format!("/training/{}", s.id),
            )
        })
        .collect();
    if more > 0 {
        items.push((
            format!("另有{more}场培训待确认出勤"),
            "以上为举行最早的几场，其余请在培训列表中查看。".into(),
            "/training".into(),
        ));
    }
    Ok(items)
}

/// A year of one person's training.
#[derive(Debug, Clone, Serialize)]
pub struct YearHours {
    pub year: i32,
    pub sessions: i64,
    pub hours_tenths: i64,
    /// `12.5`.
    pub hours: String,
}

/// A person's training: the sessions (latest first) and hours attended by year.
#[derive(Debug, Clone, Serialize)]
pub struct StaffTraining {
    pub staff_id: i64,
    pub sessions: Vec<HistoryLine>,
    pub by_year: Vec<YearHours>,
}

/// The training history of a staff member the caller sees (404 otherwise).
pub async fn history(app: &App, ctx: &Ctx, staff_id: StaffId) -> AppResult<StaffTraining> {
    crate::staff::get(app, ctx, staff_id).await?;
    let mut tx = app.store.read().await?;
    let sessions = store::history(&mut tx, staff_id.0, 500).await?;
    let mut years: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for l in &sessions {
        if l.status == AttendanceStatus::Attended {
            let e = years.entry(l.held_on.year()).or_default();
            e.0 += 1;
            e.1 += l.hours_tenths;
        }
    }
    Ok(StaffTraining {
        staff_id: staff_id.0,
        by_year: years
            .into_iter()
            .rev()
            .map(|(year, (sessions, tenths))| YearHours {
                year,
                sessions,
                hours_tenths: tenths,
                hours: hours_text(tenths),
            })
            .collect(),
        sessions,
    })
}

fn year_bounds(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) if (2000..=2100).contains(&year) => Ok((a, b)),
        _ => Err(AppError::field("year", "年度应在2000至2100之间")),
    }
}

/// The year shown when none is asked: this one.
pub fn this_year(app: &App) -> i32 {
    local_date(app.clock.now()).year()
}

/// Hours per person attended in `year`, of the staff of the units the caller
/// sees (or of one unit), a page at a time, with how many people.
pub async fn hours(
    app: &App,
    ctx: &Ctx,
    year: i32,
    unit: Option<i64>,
    page: Page,
) -> AppResult<(Vec<PersonHours>, i64)> {
    policy::require(can_organise(ctx))?;
    let (from, to) = year_bounds(year)?;
    let scope = policy::scope(ctx);
    let mut tx = app.store.read().await?;
    let rows = store::hours(
        &mut tx,
        &scope,
        from,
        to,
        unit,
        None,
        page.per_page,
        page.offset(),
    )
    .await?;
    let total = store::hours_count(&mut tx, &scope, from, to, unit).await?;
    Ok((rows, total))
}

/// One batch of the hours export after staff id `after`: rows and the cursor.
pub async fn hours_batch(
    app: &App,
    ctx: &Ctx,
    year: i32,
    unit: Option<i64>,
    after: i64,
) -> AppResult<(Vec<PersonHours>, Option<i64>)> {
    const BATCH: i64 = 500;
    policy::require(can_organise(ctx))?;
    let (from, to) = year_bounds(year)?;
    let mut tx = app.store.read().await?;
    let rows = store::hours(
        &mut tx,
        &policy::scope(ctx),
        from,
        to,
        unit,
        Some(after),
        BATCH,
        0,
    )
    .await?;
    let next = (rows.len() as i64 == BATCH)
        .then(|| rows.last().map(|r| r.staff_id))
        .flatten();
    Ok((rows, next))
}
